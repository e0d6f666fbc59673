"""Word transcripts (.docx), as typed by an assistant.

Body paragraphs and tables are read in document order; headers, footers and comments live in
other parts of the package and are never read. A speaker label is a bold name followed by a
colon (inside or after the bold run), or any label the plain-text parser recognises. A 2-column
key/value table before the first speech ("Instelling | ROC ...", "Datum | ...") is metadata;
other tables are text, and a table row "Naam | speech" (optionally with a time cell) is a turn.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from .base import IngestError, ParsedTranscript
from .metadata import split_header_block
from .roles import vocabulary_role
from .speakers import label_shape_ok, match_label, parse_timestamp
from .text import normalise
from .txt import transcript_from_text

# python-docx reports a damaged package through whichever layer fails first.
_UNREADABLE = (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError)


def read_docx(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read a .docx transcript; ``known`` are speaker names from outside metadata."""
    try:
        document = docx.Document(io.BytesIO(data))
    except _UNREADABLE as exc:
        raise IngestError(path, "is not a readable Word file (damaged, or not a .docx)") from exc

    lines: list[str] = []
    bold_labels: list[str] = []
    table_metadata: dict[str, str] = {}
    speech_seen = False
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            if not speech_seen and not table_metadata and (found := _metadata_table(item)):
                table_metadata = found
                continue
            lines.extend(_table_lines(item))
        else:
            line, label = _paragraph_line(item)
            if label:
                bold_labels.append(label)
            speech_seen = speech_seen or bool(label) or match_label(line) is not None
            lines.append(line)

    text = normalise("\n".join(lines))
    if not text.strip():
        raise IngestError(path, "contains no text")
    return transcript_from_text(text, "docx", [*known, *bold_labels], table_metadata, laid_out=True)


def _is_bold(run: Run) -> bool:
    """Bold directly, or through a character style such as "Strong"."""
    if run.bold is not None:
        return run.bold
    # ``run.style`` scans all styles for the default when the run has none: 10 ms a run.
    if run._r.style is None:
        return False
    return bool(run.style.font.bold)


def _paragraph_line(paragraph: Paragraph) -> tuple[str, str | None]:
    """The paragraph's text and its bold speaker label, if it starts with one.

    A bold name without a colon gets one, so that the plain-text parser sees the usual
    "Label: speech", when a tab follows it ("**Erik Hoekstra**<tab>Goedemorgen") or it is a role
    word ("**Interviewer** Goedemorgen"); a bold first word of a sentence ("**Belangrijk** is
    dat ...") stays text.
    """
    text = paragraph.text
    bold = ""
    for item in paragraph.iter_inner_content():
        if not isinstance(item, Run) or not (item.text.strip() == "" or _is_bold(item)):
            break
        bold += item.text
    candidate = bold.strip().rstrip(":").strip()
    if not candidate:
        return text, None
    match = match_label(text)
    if match is not None and match.speech_offset >= len(bold.rstrip()):
        return text, match.label
    rest = text[len(bold) :]
    announced = bold.endswith("\t") or rest.startswith("\t") or vocabulary_role(candidate)
    if match is None and announced and rest.strip() and label_shape_ok(candidate):
        return f"{candidate}: {rest.strip()}", candidate
    return text, None


def _unique_cells(row) -> list[str]:
    """Cell texts of a table row; a merged cell (reported once per grid column) counts once."""
    seen: set[int] = set()
    texts = []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            texts.append(cell.text)
    return texts


def _metadata_table(table: Table) -> dict[str, str]:
    """Fields of a key/value table, or {} when the table is not (only) metadata."""
    rows = [_unique_cells(row) for row in table.rows]
    if not rows or any(len(cells) != 2 for cells in rows):
        return {}
    lines = [
        f"{key.strip()}: {'; '.join(v.strip() for v in value.splitlines() if v.strip())}"
        for key, value in rows
    ]
    fields, end = split_header_block("\n".join(lines))
    return fields if end == len("\n".join(lines)) else {}


def _table_lines(table: Table) -> list[str]:
    """Lines for a non-metadata table: rows of a speaker table become "speaker: speech".

    A table is a speaker table when every row is "[time] | name | speech" and it shows it is one:
    a time column, a name on two rows, or a role word. Otherwise ("Metaal | 18") the cells are
    plain text in reading order.
    """
    rows = [[cell.strip() for cell in _unique_cells(row)] for row in table.rows]
    rows = [cells for cells in rows if any(cells)]
    turns = [turn for cells in rows if (turn := _speaker_row(cells))]
    labels = [label for _, label, _ in turns]
    is_speaker_table = (
        bool(turns)
        and len(turns) == len(rows)
        and (
            any(stamp for stamp, _, _ in turns)
            or len(set(labels)) < len(labels)
            or any(vocabulary_role(label) for label in labels)
        )
    )
    if is_speaker_table:
        return [
            f"{f'[{stamp}] ' if stamp else ''}{label}: {speech}" for stamp, label, speech in turns
        ]
    return [cell for cells in rows for cell in cells if cell]


def _speaker_row(cells: list[str]) -> tuple[str | None, str, str] | None:
    """(time, label, speech) when the row reads "[time] | label | speech ...", else None."""
    stamp = None
    if len(cells) >= 3 and _is_time(cells[0]):
        stamp, cells = cells[0], cells[1:]
    label = cells[0].rstrip(":").strip() if cells else ""
    speech = "\n".join(cell for cell in cells[1:] if cell)
    if speech and "\n" not in label and label and label_shape_ok(label):
        return stamp, label, speech
    return None


def _is_time(value: str) -> bool:
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return ":" in value
