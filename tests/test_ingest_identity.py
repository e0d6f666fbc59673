"""Issue 21.1: a transcript is its path relative to the import root plus its content, never its
base name alone; two colleges' ``gesprek.txt`` are two interviews and --replace keeps both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from analysis import Project
from analysis.store import Coding, Segment, Transcript

AMSTELDUIN = """---
institution: ROC Amstelduin
---
Interviewer: Hoe begon internationalisering bij jullie?

Mirjam Kok: Met één docent die contacten had in Finland. Die nam elk voorjaar een groepje
studenten mee naar een school in Tampere.

Interviewer: En de ouders?

Mirjam Kok: Die zijn vaak bang bij niveau 2. We houden een ouderavond met oud-deelnemers.
"""

HEUVELLAND = """---
institution: ROC Heuvelland Zuid
---
Interviewer: Wat doen jullie over de grens?

Pieter Hendriks: We hebben gemengde projectgroepen met studenten uit Aken. Soms een dag fysiek,
meestal online, en de docenten kennen elkaar inmiddels goed.

Interviewer: En Duits?

Pieter Hendriks: Duits is een keuzedeel bij bijna alle opleidingen, dat vinden we belangrijk.
"""


def _two_colleges(root: Path) -> tuple[Path, Path]:
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "a" / "gesprek.txt").write_text(AMSTELDUIN, encoding="utf-8")
    (root / "b" / "gesprek.txt").write_text(HEUVELLAND, encoding="utf-8")
    return root / "a", root / "b"


def _code_all(project: Project, coder: str = "anna") -> int:
    with project.store.session() as session:
        segments = session.scalars(select(Segment)).all()
        for segment in segments:
            session.add(Coding(segment_id=segment.id, code_key="impact.student", coder=coder,
                               origin="manual", status="accepted"))
        return len(segments)


def _codings_per_college(project: Project) -> dict[str, int]:
    with project.store.session() as session:
        rows = session.execute(
            select(Transcript.institution, func.count(Coding.id))
            .join(Segment, Segment.transcript_id == Transcript.id)
            .join(Coding, Coding.segment_id == Segment.id)
            .group_by(Transcript.institution)
        ).all()
    return dict(rows)


def test_same_base_name_in_two_folders_is_two_transcripts(
    empty_project: Project, tmp_path: Path
) -> None:
    a, b = _two_colleges(tmp_path)
    results = empty_project.ingest([a, b])
    assert [r.status for r in results] == ["imported", "imported"], [r.line() for r in results]
    frame = empty_project.transcripts()
    assert sorted(frame["institution"]) == ["ROC Amstelduin", "ROC Heuvelland Zuid"]


def test_replace_of_two_folders_keeps_both_colleges_and_their_codings(
    empty_project: Project, tmp_path: Path
) -> None:
    a, b = _two_colleges(tmp_path)
    empty_project.ingest([a])
    coded = _code_all(empty_project)
    assert coded > 0
    results = empty_project.ingest([a, b], replace=True)
    assert [r.status for r in results] == ["unchanged", "imported"], [r.line() for r in results]
    assert _codings_per_college(empty_project) == {"ROC Amstelduin": coded}
    assert sorted(empty_project.transcripts()["institution"]) == [
        "ROC Amstelduin", "ROC Heuvelland Zuid"
    ]
    # Ingesting each folder again changes nothing.
    again = empty_project.ingest([b, a / "gesprek.txt"])
    assert [r.status for r in again] == ["unchanged", "unchanged"]


def test_changed_version_names_its_folder_and_college(
    empty_project: Project, tmp_path: Path
) -> None:
    a, b = _two_colleges(tmp_path)
    empty_project.ingest([a, b])
    (b / "gesprek.txt").write_text(HEUVELLAND.replace("Aken", "Maastricht"), encoding="utf-8")
    [refused] = empty_project.ingest([b])
    assert refused.failed
    assert "b/gesprek.txt (ROC Heuvelland Zuid)" in refused.message
    [replaced] = empty_project.ingest([b], replace=True)
    assert replaced.status == "replaced"
    assert "replaced the old version of b/gesprek.txt (ROC Heuvelland Zuid;" in replaced.message
    texts = {row.institution: empty_project.transcript_text(int(row.id))
             for row in empty_project.transcripts().itertuples()}
    assert "Maastricht" in texts["ROC Heuvelland Zuid"]
    assert "Tampere" in texts["ROC Amstelduin"]


def test_project_from_before_paths_matches_by_base_name(tmp_path: Path) -> None:
    """A version-1 project (base names only) is migrated; its files are still recognised."""
    a, _ = _two_colleges(tmp_path)
    db = tmp_path / "old.db"
    with Project(db) as project:
        project.ingest([a])
    connection = sqlite3.connect(db)
    connection.execute("DROP INDEX ix_transcript_source_path")
    connection.execute("ALTER TABLE transcript DROP COLUMN source_path")
    connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    with Project(db) as project:
        with project.store.session() as session:
            assert session.scalars(select(Transcript.source_path)).all() == ["gesprek.txt"]
        [again] = project.ingest([a])
        assert again.status == "unchanged"


def test_uploads_are_known_by_name_and_ambiguous_names_are_refused(
    empty_project: Project, tmp_path: Path
) -> None:
    a, b = _two_colleges(tmp_path)
    empty_project.ingest([a])
    upload = tmp_path / "tmpx8k2" / "gesprek.txt"  # the app saves uploads in a temporary folder
    upload.parent.mkdir()
    upload.write_text(AMSTELDUIN.replace("Tampere", "Turku"), encoding="utf-8")
    [refused] = empty_project.ingest([upload.parent], uploaded=True)
    assert refused.failed and "a/gesprek.txt (ROC Amstelduin)" in refused.message
    [replaced] = empty_project.ingest([upload.parent], uploaded=True, replace=True)
    assert replaced.status == "replaced", replaced.line()
    empty_project.ingest([b])
    upload.write_text(AMSTELDUIN.replace("Tampere", "Oulu"), encoding="utf-8")
    [ambiguous] = empty_project.ingest([upload.parent], uploaded=True, replace=True)
    assert ambiguous.failed
    assert ambiguous.message.startswith("2 imported transcripts have this name (")
    assert len(empty_project.transcripts()) == 2


def test_a_text_from_a_qdpx_is_known_by_its_name(empty_project: Project, tmp_path: Path) -> None:
    from tests.test_exchange_qdpx import MINIMAL_TEXT, _minimal_qdpx

    empty_project.import_project(_minimal_qdpx(tmp_path / "maxqda.qdpx"))
    (tmp_path / "x").mkdir()
    original = tmp_path / "x" / "zeeduin.txt"
    original.write_bytes(MINIMAL_TEXT.encode())
    [same] = empty_project.ingest([original])
    assert same.status == "unchanged", same.line()
    original.write_bytes(MINIMAL_TEXT.replace("eerste reis", "eerste lange reis").encode())
    [changed] = empty_project.ingest([original])
    assert changed.failed and "zeeduin.txt (ROC Zeeduin)" in changed.message


def test_cli_replace_of_two_folders_exits_zero_and_keeps_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The probe's exact command: ``interviews ingest --replace a b`` after ``ingest a``."""
    from analysis.cli import main

    a, b = _two_colleges(tmp_path)
    db = str(tmp_path / "project.db")
    assert main(["ingest", str(a), "--project", db, "-q"]) == 0
    with Project(db) as project:
        coded = _code_all(project)
    capsys.readouterr()
    assert main(["ingest", "--replace", str(a), str(b), "--project", db, "-q"]) == 0
    out = capsys.readouterr().out
    assert "unchanged  gesprek.txt: unchanged, already imported" in out
    assert " imported  gesprek.txt: " in out
    with Project(db) as project:
        assert _codings_per_college(project) == {"ROC Amstelduin": coded}
        assert sorted(project.transcripts()["source"]) == ["b/gesprek.txt", "gesprek.txt"]
