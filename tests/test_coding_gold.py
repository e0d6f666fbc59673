"""Gold codings: import them as a coder's decisions and evaluate against them (known answers)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from coding_support import add_interview

from analysis import Project
from analysis.cli import main
from analysis.coding.gold import locate, normalise

SEGMENTS = [
    "Bij ons krijgt iedere student een ‘buddy’ mee.",
    "Dat   werkt    goed, zeggen ze zelf.",
    "Thuis is er vaak geen geld.",
    "Het weer was slecht, dat ook.",
]


def gold_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(quote: str, codes: list[str], subcodes: list[str], file: str = "gesprek.txt") -> str:
    return json.dumps(
        {"file": file, "quote": quote, "codes": codes, "subcodes": subcodes}, ensure_ascii=False
    )


@pytest.fixture
def fixture(empty_project: Project, tmp_path: Path) -> tuple[Project, list[int], Path]:
    ids = add_interview(
        empty_project, "gesprek.txt", [("Wat doen jullie voor wie niet vanzelf gaat?", SEGMENTS)]
    )
    path = gold_file(
        tmp_path,
        [
            # straight quotes and single spaces where the transcript has ‘’ and runs of spaces;
            # the quote covers the first two segments
            record(
                "Bij ons krijgt iedere student een 'buddy' mee. Dat werkt goed, zeggen ze zelf.",
                ["inclusion"], ["inclusion.measures"],
            ),
            record("Thuis is er vaak geen geld.", ["inclusion"], ["inclusion.barriers"]),
            "{niet: geldig}",
            record("Wie dan?", ["impact"], [], file="onbekend.txt"),
            record("Dit staat er niet in.", ["impact"], []),
        ],
    )
    return empty_project, ids, path


def test_normalise_keeps_a_map_back_to_the_original() -> None:
    text = "Hij zei: “ja”  en\n’t  ging…"
    flat, where = normalise(text)
    assert flat == 'Hij zei: "ja" en \'t ging...'
    assert all(text[where[k]] in (flat[k], "“", "”", "’", "…", "\n", " ") for k in range(len(flat)))
    start, end = locate(text, '"ja" en \'t ging...')
    assert text[start:end] == "“ja”  en\n’t  ging…"


def test_import_codings_records_a_complete_coding(fixture, capsys) -> None:
    project, ids, path = fixture
    location = project.url.removeprefix("sqlite:///")
    assert main(["import", "codings", str(path), "--coder", "Gold", "--project", location]) == 1
    captured = capsys.readouterr()
    assert "2 of 4 quotes placed on 4 segments" in captured.out
    assert "line 3: not valid JSON" in captured.err
    assert "onbekend.txt is not in the project" in captured.err
    assert "line 5: quote not found" in captured.err

    codes = project.segments().set_index("segment_id")["codes"]
    assert codes[ids[0]] == codes[ids[1]] == "inclusion;inclusion.measures"
    assert codes[ids[2]] == "inclusion;inclusion.barriers"
    assert codes[ids[3]] == ""
    history = project.coding_history(coder="Gold")
    n_codes = len(project.codebook().codes)
    assert (history["status"] == "accepted").sum() == 6
    assert (history["status"] == "rejected").sum() == 4 * n_codes - 6
    assert set(history["origin"]) == {"imported"}
    # Importing the same file again changes nothing; one undo takes the whole import back.
    again = project.import_codings(path, "Gold")
    assert again.accepted == again.rejected == 0
    assert project.undo("Gold") == 4 * n_codes
    assert project.segments()["codes"].eq("").all()
    assert main(["import", "codings", str(path), "--project", location]) == 2
    assert "needs --coder" in capsys.readouterr().err


def test_evaluate_gives_known_figures(fixture, capsys) -> None:
    project, ids, path = fixture
    project.apply_code(ids[0], "inclusion.measures", "Pieter")
    project.apply_code(ids[2], "inclusion.measures", "Pieter")  # should have been barriers
    result = project.evaluate(path, coder="Pieter")
    assert result.units == 4 and len(result.problems) == 3
    rows = result.per_code.set_index("code")
    inclusion = rows.loc["inclusion"]
    assert (inclusion["gold"], inclusion["predicted"], inclusion["tp"]) == (3, 2, 2)
    assert inclusion["precision"] == 1.0
    assert inclusion["recall"] == pytest.approx(2 / 3)
    assert inclusion["f1"] == pytest.approx(0.8)
    # gold 1,1,1,0 against 1,0,1,0: alpha = 1 - (8 - 1) * 1 / (5 * 3)
    assert inclusion["alpha"] == pytest.approx(1 - 7 / 15)
    assert rows.loc["inclusion.measures", "f1"] == pytest.approx(0.5)
    assert rows.loc["inclusion.barriers", "f1"] == 0.0
    assert math.isnan(rows.loc["impact", "f1"])  # neither gold nor coder used it
    averages = result.averages.set_index(["level", "average"])["f1"]
    assert averages[("top", "macro")] == pytest.approx(0.8)  # undefined codes left out
    assert averages[("top", "micro")] == pytest.approx(0.8)
    assert averages[("sub", "macro")] == pytest.approx(0.25)

    location = project.url.removeprefix("sqlite:///")
    assert main(["evaluate", "--gold", str(path), "--coder", "Pieter", "--project", location]) == 1
    out = capsys.readouterr().out
    assert "inclusion.measures" in out and "macro top-level codes" in out
    missing = path.parent / "geen.jsonl"
    assert main(["evaluate", "--gold", str(missing), "--project", location]) == 2
