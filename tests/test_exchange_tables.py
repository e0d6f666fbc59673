"""Tables for reviewers: coded quotes, code × college matrix, co-occurrence; CSV and styled XLSX."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import Project
from analysis.cli import main
from analysis.exchange.tables import write_workbook
from analysis.views import SEGMENT_COLUMNS
from tests.exchange_checks import code_sample


def test_coded_quotes_have_code_paths_metadata_and_question(
    sample_project: Project, tmp_path: Path
) -> None:
    coded = code_sample(sample_project)
    out = tmp_path / "citaten.csv"
    rows = sample_project.export_table("quotes", out, "csv")
    frame = pd.read_csv(out, keep_default_na=False)
    assert rows == len(frame) == len({(s, c) for s, c, _ in coded})  # per quote and code
    assert list(frame.columns[:5]) == ["code_key", "code_1", "code_2", "coders", "institution"]
    assert {"sector", "region", "phase", "date", "question", "quote"} <= set(frame.columns)
    student = frame[frame["code_key"] == "impact.student"].iloc[0]
    assert (student["code_1"], student["code_2"]) == (
        "Impact van internationalisering", "Impact op de student"
    )
    double = frame[(frame["segment_id"] == coded[0][0]) & (frame["code_key"] == "impact.student")]
    assert double["coders"].tolist() == ["Evaluator Twee; Sanne de Wit"]
    segments = sample_project.segments().set_index("segment_id")
    for row in frame.itertuples():
        assert row.quote == segments.loc[row.segment_id, "text"]
        assert row.question == segments.loc[row.segment_id, "question"]
        assert row.institution == segments.loc[row.segment_id, "institution"]
    assert set(frame["institution"]) == {"ROC Amstelduin", "ROC IJsselvallei", "Wadden Vakschool"}


def test_matrix_counts_presence_and_cooccurrence(sample_project: Project, tmp_path: Path) -> None:
    code_sample(sample_project)
    sample_project.export_table("matrix", tmp_path / "m.csv", "csv")
    sample_project.export_table("matrix", tmp_path / "b.csv", "csv", binary=True)
    counts = pd.read_csv(tmp_path / "m.csv").set_index("code_key")
    binary = pd.read_csv(tmp_path / "b.csv").set_index("code_key")
    assert counts.columns.tolist()[1:-1] == sorted(sample_project.transcripts()["institution"])
    assert counts.loc["impact.student", "ROC Amstelduin"] == 1
    assert counts.loc["impact.organisation", "ROC Amstelduin"] == 2
    # A parent counts the segments of its sub-codes (a segment with both children counts once).
    assert counts.loc["impact", "ROC Amstelduin"] == 2
    assert counts.loc["impact", "total"] == 4
    assert counts.loc["inclusion", "total"] == 0
    assert binary.loc["impact.organisation", "ROC Amstelduin"] == 1
    presence = binary.drop(columns=["code_label", "total"]).to_numpy().ravel()
    assert set(presence) <= {0, 1}

    sample_project.export_table("cooccurrence", tmp_path / "c.csv", "csv")
    matrix = pd.read_csv(tmp_path / "c.csv").set_index("code_key").drop(columns="code_label")
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()
    assert matrix.loc["impact.student", "impact.organisation"] == 1
    assert matrix.loc["impact.student", "impact.student"] == 2
    assert matrix.loc["impact", "impact"] == 4


def test_workbook_has_one_styled_sheet_per_table(sample_project: Project, tmp_path: Path) -> None:
    code_sample(sample_project)
    out = tmp_path / "tabellen.xlsx"
    sample_project.export_table("tables", out, "xlsx")
    book = load_workbook(out)
    assert book.sheetnames == [
        "Fragmenten", "Gecodeerde citaten", "Code x instelling", "Code x instelling (0-1)",
        "Samen voorkomen",
    ]
    sheet = book["Gecodeerde citaten"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Codesleutel", "code_1", "code_2"] and "Citaat" in header
    assert all(cell.font.bold and cell.fill.fgColor.rgb.endswith("1F4E78") for cell in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    quote_column = sheet.cell(row=1, column=header.index("Citaat") + 1).column_letter
    assert sheet.column_dimensions[quote_column].width == 80  # long quotes: capped and wrapped
    assert sheet[f"{quote_column}2"].alignment.wrap_text


def test_workbook_keeps_text_verbatim_and_drops_what_excel_cannot_hold(tmp_path: Path) -> None:
    frame = pd.DataFrame({"quote": ["=SOM(A1:A3) zei ze", "regel\x0bnaar beneden"], "end": [1, 2]})
    out = tmp_path / "lastig.xlsx"
    write_workbook({"Citaten/Lijst?": frame}, out)
    sheet = load_workbook(out)["Citaten Lijst "]
    assert sheet["A2"].value == "=SOM(A1:A3) zei ze" and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "regelnaar beneden"
    assert [c.value for c in sheet[1]] == ["Citaat", "Eind"]


def test_cli_keeps_segment_export_and_refuses_impossible_formats(
    sample_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = str(sample_project.url.removeprefix("sqlite:///"))
    sample_project.close()
    out = tmp_path / "fragmenten.csv"
    command = ["export", "segments", "--format", "csv", "-o", str(out), "--project", database]
    assert main(command) == 0
    frame = pd.read_csv(out)
    assert frame.columns.tolist() == [c for c in SEGMENT_COLUMNS if c != "lemmas"]
    assert main(["export", "segments", "--format", "jsonl", "-o", str(tmp_path / "f.jsonl"),
                 "--project", database]) == 0
    assert len((tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()) == len(frame)
    capsys.readouterr()
    assert main(["export", "tables", "-o", str(tmp_path / "t.csv"), "--project", database]) == 2
    assert "export tables can be written as xlsx, not csv" in capsys.readouterr().err
    assert not (tmp_path / "t.csv").exists()
