"""OpenDocument transcripts (.odt), as written by LibreOffice or exported from Google Docs.

Paragraphs and headings are read in document order, through sections and lists; footnotes,
comments and tracked deletions are not speech and are left out. A table row of two cells
("Instelling | ROC ..." or "Naam | speech") becomes "first: second", so that the header block
and the speaker parser read it as they read plain text; other rows give their cells as lines.
The package is opened with odfdo; its size was checked before (``archive.py``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree
from odfdo import Document, Element

from .base import IngestError, ParsedTranscript
from .text import normalise
from .txt import transcript_from_text

_NOT_SPEECH = {
    "text:note",
    "office:annotation",
    "office:annotation-end",
    "text:tracked-changes",
    "text:sequence-decls",
    "office:forms",
}
_INLINE_SPACE = {"text:s", "text:tab", "text:line-break"}  # odfdo gives their text as spaces


def read_odt(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read an .odt transcript; ``known`` are speaker names from outside metadata."""
    try:
        document = Document(io.BytesIO(data))
        if document.get_type() != "text":
            raise IngestError(path, f"is an OpenDocument {document.get_type()}, not a text")
        lines = _blocks(document.body)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, etree.XMLSyntaxError) as exc:
        raise IngestError(
            path, "is not a readable OpenDocument text (damaged, or not .odt)"
        ) from exc
    text = normalise("\n".join(lines))
    if not text.strip():
        raise IngestError(path, "contains no text")
    return transcript_from_text(text, "odt", known, {}, laid_out=True)


def _blocks(element: Element) -> list[str]:
    lines: list[str] = []
    for child in element.children:
        if child.tag in ("text:p", "text:h"):
            lines.append(_inline(child))
        elif child.tag == "table:table":
            lines.extend(_table(child))
        elif child.tag not in _NOT_SPEECH:
            lines.extend(_blocks(child))  # sections, lists, list items, frames
    return lines


def _inline(element: Element) -> str:
    parts = [element.text or ""]
    for child in element.children:
        if child.tag in _INLINE_SPACE:
            parts.append(child.text or " ")
        elif child.tag not in _NOT_SPEECH:
            parts.append(_inline(child))  # spans, links, bookmarks
        parts.append(child.tail or "")
    return "".join(parts)


def _table(table: Element) -> list[str]:
    lines: list[str] = []
    for row in table.get_elements(".//table:table-row"):
        cells = [
            " ".join(" ".join(_blocks(cell)).split())
            for cell in row.children
            if cell.tag == "table:table-cell"
        ]
        cells = [cell for cell in cells if cell]
        if len(cells) == 2 and ":" not in cells[0] and len(cells[0]) <= 60:
            lines.append(f"{cells[0]}: {cells[1]}")
        else:
            lines.extend(cells)
    return lines
