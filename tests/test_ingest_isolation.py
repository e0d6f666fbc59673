"""Issue 21.3/21.4: one file never aborts a batch, and hostile inputs end in one line, fast.

Each test reproduces a failure found by probing: a turn over spaCy's 1,000,000-character limit
(E088 out of the batch), a UTF-16 file with NUL (psycopg.DataError on PostgreSQL), a named pipe
(hung forever), a symlink to /dev/zero (MemoryError after 8 GB), a YAML alias bomb (300 s,
4.9 GB), values longer than a column (PostgreSQL refuses them, SQLite keeps them).
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path

from sqlalchemy import select

from analysis import Project
from analysis.store import Segment, Transcript

SHORT = """Interviewer: Hoe gaat het met de uitwisseling naar Finland?

Anna de Wit: Goed, we sturen elk jaar meer studenten, vooral uit de zorg en de techniek.

Interviewer: En de ouders?

Anna de Wit: Die zijn soms bang, maar een ouderavond met oud-deelnemers helpt dan echt.
"""
SENTENCE = "We hebben elk jaar meer studenten die naar het buitenland willen, en dat groeit. "


def _good(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(SHORT.replace("Anna de Wit", name.split(".")[0].title()), encoding="utf-8")
    return path


def test_a_5_4_million_character_turn_imports_verbatim_in_a_batch_of_three(
    empty_project: Project, tmp_path: Path
) -> None:
    body = (SENTENCE * (5_400_000 // len(SENTENCE) + 1))[:5_400_000]
    long = tmp_path / "lang.txt"
    long.write_text(
        "Interviewer: Vertelt u maar.\n\nKees Bakker: " + body + "\n\nInterviewer: Dank u.\n\n"
        "Kees Bakker: Graag gedaan, het was een goed gesprek over onze plannen.\n",
        encoding="utf-8",
    )
    paths = [_good(tmp_path, "eerst.txt"), long, _good(tmp_path, "daarna.txt")]
    results = empty_project.ingest(paths)
    assert [r.status for r in results] == ["imported"] * 3, [r.line() for r in results]
    with empty_project.store.session() as session:
        transcript = session.scalars(select(Transcript).where(Transcript.name == "lang")).one()
        assert body in transcript.text
        segments = session.scalars(
            select(Segment).where(Segment.transcript_id == transcript.id)
        ).all()
        assert all(s.text == transcript.text[s.start : s.end] for s in segments)
        covered = sum(len(s.text) for s in segments)
        assert covered > 0.99 * len(body)  # every sentence of the long turn is in a segment


def test_utf16_file_with_nul_is_stored_alike_on_sqlite_and_postgresql(
    location: str, tmp_path: Path
) -> None:
    text = SHORT.replace("Finland?", "Fin\x00land?")
    nul = tmp_path / "utf16.txt"
    nul.write_bytes(text.encode("utf-16"))  # with BOM
    meta = tmp_path / "meta.txt"
    meta.write_text('---\ninstitution: "ROC\\0 Zuid"\ndate: volgende week dinsdag\n---\n' + SHORT)
    with Project(location) as project:
        results = project.ingest([nul, meta, _good(tmp_path, "goed.txt")])
        assert [r.status for r in results] == ["imported"] * 3, [r.line() for r in results]
        texts = {row.name: project.transcript_text(int(row.id))
                 for row in project.transcripts().itertuples()}
        frame = project.transcripts().set_index("name")
    assert "Finland?" in texts["utf16"] and "\x00" not in texts["utf16"]
    assert frame.loc["meta", "institution"] == "ROC Zuid"


def test_values_longer_than_their_column_are_shortened_alike(location: str, tmp_path: Path) -> None:
    long_name = "ROC " + "Zeer Lange Naam " * 40
    path = tmp_path / "lang_label.txt"
    path.write_text(f"---\ninstitution: {long_name}\n---\n" + SHORT, encoding="utf-8")
    with Project(location) as project:
        [result] = project.ingest([path])
        assert result.status == "imported", result.line()
        assert "institution is longer than 300 characters; shortened" in result.message
        assert len(project.transcripts()["institution"][0]) == 300


def _bounded(function, seconds: float = 20):
    """Run ``function`` in a thread; fail (instead of hanging the suite) if it does not finish."""
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(function()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, "did not finish: the import hangs"
    return outcome[0]


def test_pipe_device_and_folder_named_txt_get_one_line_each(
    empty_project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "map"
    folder.mkdir()
    os.mkfifo(folder / "pijp.txt")
    (folder / "nul.txt").symlink_to("/dev/zero")
    (folder / "notities.txt").mkdir()
    _good(folder, "goed.txt")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results = _bounded(lambda: empty_project.ingest([folder]))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    lines = sorted(r.line() for r in results)
    assert sorted(line for line in lines if not line.startswith("goed.txt")) == [
        "notities.txt: is a folder, not a transcript file; not read",
        "nul.txt: is a device, not a transcript file; not read",
        "pijp.txt: is a named pipe, not a transcript file; not read",
    ]
    assert [r.status for r in results if r.path.name == "goed.txt"] == ["imported"]
    assert grown_mb < 200
    # Named one by one they fail the same way.
    [pipe] = _bounded(lambda: empty_project.ingest([folder / "pijp.txt"]))
    assert pipe.line() == "pijp.txt: is a named pipe, not a transcript file; not read"


BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
institution: *i
---
"""


def test_yaml_alias_bomb_is_refused_quickly(empty_project: Project, tmp_path: Path) -> None:
    front = tmp_path / "bom.txt"
    front.write_text(BOMB + SHORT, encoding="utf-8")
    sidecar = _good(tmp_path, "zijspan.txt")
    (tmp_path / "zijspan.yaml").write_text(BOMB.strip("-\n"), encoding="utf-8")
    results = _bounded(lambda: empty_project.ingest([front, sidecar, _good(tmp_path, "ok.txt")]))
    assert [r.status for r in results] == ["failed", "failed", "imported"]
    assert results[0].line() == (
        "bom.txt: front matter is not valid YAML (line 3: aliases (*name) are not allowed in "
        "metadata)"
    )
    assert "aliases (*name) are not allowed" in results[1].line()
    assert len(BOMB.encode()) < 600


def test_front_matter_larger_than_the_metadata_limit_is_refused(
    empty_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "groot.txt"
    path.write_text("---\nnote: '" + "x" * 300_000 + "'\n---\n" + SHORT, encoding="utf-8")
    [result] = empty_project.ingest([path])
    assert result.failed and "more than 256 KB of metadata" in result.line()
