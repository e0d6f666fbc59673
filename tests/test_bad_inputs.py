"""Issue 21: the bad-input corpus (``tests/data/bad/``, 40+ files) imported as one folder with a
good interview: no traceback, every file named in the output, the good file imported."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from analysis import Project
from analysis.cli import main

BAD = Path(__file__).resolve().parent / "data" / "bad"
GOOD = """---
institution: ROC Goede Hoop
date: 2026-05-12
---
Interviewer: Wat heeft de uitwisseling met Porto jullie opgeleverd?

Fenna Bos: Veel meer dan we dachten. De studenten van de horeca-opleiding kwamen terug met
ideeën voor ons eigen leerrestaurant, en twee docenten hebben hun lessen omgebouwd.

Interviewer: Hoe betrekken jullie de ouders?

Fenna Bos: We nodigen ze uit voor een avond met oud-deelnemers. Dan horen ze het van iemand die
het zelf heeft meegemaakt, en dat werkt beter dan elke folder.
"""


def _make_bad():
    spec = importlib.util.spec_from_file_location("make_bad", BAD / "make_bad.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bad_corpus_with_one_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_bad = _make_bad()
    folder = tmp_path / "aangeleverd"
    folder.mkdir()
    for source in make_bad.committed():
        shutil.copy(source, folder / source.name)
    make_bad.build(folder)
    (folder / "goed.txt").write_text(GOOD, encoding="utf-8")
    entries = sorted(p.name for p in folder.iterdir())
    sidecars = [name for name in entries if name.endswith(".yaml")]
    transcripts = [name for name in entries if name not in sidecars]
    assert len(entries) - 1 >= 40  # the bad corpus, without the good file

    project = tmp_path / "project.db"
    code = main(["ingest", str(folder), "--project", str(project), "-q"])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == 1  # some files failed, and said so
    assert "Traceback" not in output
    lines = [line.strip() for line in output.splitlines()]
    named = {line.split(maxsplit=1)[1].split(": ", 1)[0] for line in lines if ": " in line}
    assert sorted(set(transcripts) - named) == []
    for sidecar in sidecars:  # a sidecar is named in its transcript's line
        assert any(sidecar.removesuffix(".yaml") + ".txt: metadata for" in line for line in lines)
    assert any(line.startswith("imported  goed.txt: 4 turns") for line in lines), lines
    not_files = {  # in a folder, what is not a regular file is skipped, never opened
        "pijp.txt": "is a named pipe, not a transcript file; not read",
        "nul_apparaat.txt": "is a device, not a transcript file; not read",
        "map_met_naam.txt": "is a folder, not a transcript file; not read",
    }
    for name, message in not_files.items():
        assert f"skipped  {name}: {message}" in lines
    expected = {
        "te_groot.txt": "is 21 MB, above the limit of 20 MB",
        "yaml_bom.txt": "front matter is not valid YAML (line 3: aliases (*name) are not allowed "
        "in metadata)",
    }
    for name, message in expected.items():
        assert f"FAILED  {name}: {message}" in lines
    with Project(project) as opened:
        frame = opened.transcripts()
        assert "ROC Goede Hoop" in set(frame["institution"])
        texts = {row.source: opened.transcript_text(int(row.id)) for row in frame.itertuples()}
    assert "één keer per jaar" in texts["gemengde_codering.txt"]  # mixed encodings, read right
    assert "ideeën" in texts["gemengde_codering.txt"]
    assert not any("\x00" in text for text in texts.values())
