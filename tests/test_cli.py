"""The `interviews` command as a user meets it: exit codes, one-line errors, exports, help."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import TRANSCRIPT_LISTING, _print_rows, _print_table, build_parser, main
from analysis.project import Project
from tests.conftest import SAMPLE_DIR

ANSWER = """Interviewer: Wat levert internationalisering jullie studenten op?

Respondent: Zelfvertrouwen vooral. Een student van de opleiding verzorgende kwam terug uit
Portugal en durfde ineens het woord te nemen in de klas. Dat zie je echt terug.
"""


def test_ingest_reports_each_file_and_exits_1_when_one_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "goed.txt").write_text(ANSWER, encoding="utf-8")
    (tmp_path / "plaatje.txt").write_bytes(bytes(range(256)) * 20)
    code = main(
        [
            "ingest",
            str(tmp_path / "plaatje.txt"),
            str(tmp_path / "goed.txt"),
            "--project",
            str(tmp_path / "p.db"),
            "--quiet",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1
    [failure] = [line for line in err.splitlines() if "FAILED" in line]
    assert "plaatje.txt:" in failure
    assert "goed.txt:" in out and "1 imported, 0 unchanged, 1 failed" in out


def test_ingest_sample_then_list_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(tmp_path / "p.db")
    assert main(["ingest", str(SAMPLE_DIR), "--project", project, "-q"]) == 0
    assert main(["ingest", str(SAMPLE_DIR), "--project", project, "-q"]) == 0  # all unchanged
    capsys.readouterr()
    assert main(["transcripts", "--project", project]) == 0
    listing = capsys.readouterr().out
    assert "Scheldewaard College" in listing and "transcripts," in listing

    out_csv = tmp_path / "segments.csv"
    assert (
        main(["export", "segments", "--format", "csv", "-o", str(out_csv), "--project", project])
        == 0
    )
    with out_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    required = {
        "source",
        "transcript",
        "institution",
        "turn_index",
        "speaker",
        "role",
        "segment_id",
        "start",
        "end",
        "text",
        "question",
        "codes",
        "suggestions",
    }
    assert required <= set(rows[0])
    assert {row["role"] for row in rows} == {"respondent"}
    assert any(row["question"] for row in rows)

    out_jsonl = tmp_path / "segments.jsonl"
    assert (
        main(
            ["export", "segments", "--format", "jsonl", "-o", str(out_jsonl), "--project", project]
        )
        == 0
    )
    records = [json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(rows)
    assert records[0]["text"] == rows[0]["text"]


def test_user_error_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["transcripts", "--project", "postgresql+psycopg://x:y@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("interviews: cannot open project database") and err.count("\n") == 1


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name in commands:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        assert "--project" in capsys.readouterr().out


def test_transcript_listing_prints_what_pandas_prints(
    sample_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`interviews transcripts` prints its rows without pandas, as `to_string` printed them."""
    assert main(["transcripts", "--project", sample_project.url]) == 0
    listing = capsys.readouterr().out
    frame = sample_project.transcripts()
    _print_table(frame, TRANSCRIPT_LISTING)
    assert listing.startswith(capsys.readouterr().out)
    assert listing.splitlines()[-1] == (
        f"{len(frame)} transcripts, {frame['segments'].sum()} segments, "
        f"{frame['words'].sum()} words"
    )
    # What the sample lacks: no region anywhere, a missing sector, a long and an odd file name.
    rows = [
        {"id": 12, "source": "gesprek\tROC Rijnmond (definitief, geanonimiseerd) versie 3 "
         "met bijlagen en aantekeningen.docx", "sector": None, "region": None, "turns": 140},
        {"id": 3, "source": "Noorderpoort\nopname.vtt", "sector": "zorg en welzijn",
         "region": None, "turns": 7},
        {"id": 1, "source": "é.txt", "sector": "", "region": None, "turns": 0},
    ]
    columns = ["id", "source", "sector", "region", "turns"]
    for subset in (rows, rows[1:2]):
        _print_rows(subset, columns)
        ours = capsys.readouterr().out
        _print_table(pd.DataFrame(subset, columns=columns), columns)
        assert ours == capsys.readouterr().out
        assert "..." in ours or len(subset) == 1
