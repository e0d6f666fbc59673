"""PDF transcripts: the text layer (pypdf), then the plain-text speaker parser.

A PDF without a text layer is a scan; we do not run OCR (a large, slow dependency for a rare
case), so it is refused with a message saying so. Page furniture (page numbers, a running
header or footer repeated on most pages) is dropped before parsing, and hard line wraps inside
a turn are joined with spaces.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pypdf
from pypdf.errors import FileNotDecryptedError, PdfReadError

from .base import IngestError, ParsedTranscript
from .text import normalise
from .txt import transcript_from_text

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–]\s*)?(?:pagina|page|p\.)?\s*\d+\s*(?:(?:/|van|of)\s*\d+)?\s*(?:[-–])?\s*$",
    re.IGNORECASE,
)


def read_pdf(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read a .pdf transcript; ``known`` are speaker names from outside metadata."""
    pages = _page_texts(path, data)
    text = normalise("\n".join(_without_furniture(pages)))
    if not text.strip():
        raise IngestError(path, "has no text layer (scanned PDF?); OCR is not supported")
    return transcript_from_text(text, "pdf", known, {}, laid_out=True, join_lines=True)


def _page_texts(path: Path, data: bytes) -> list[str]:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "is password-protected; save it without a password first")
        return [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as exc:
        raise IngestError(path, "is password-protected; save it without a password first") from exc
    except (PdfReadError, ValueError, KeyError) as exc:
        raise IngestError(path, "is not a readable PDF file (damaged, or not a PDF)") from exc


def _without_furniture(pages: list[str]) -> list[str]:
    """Page texts without page-number lines and first/last lines repeated on most pages."""
    split = [page.splitlines() for page in pages]
    repeated: set[str] = set()
    if len(split) >= 2:
        edges = Counter(
            line.strip() for lines in split for line in {*lines[:1], *lines[-1:]} if line.strip()
        )
        repeated = {line for line, count in edges.items() if count > len(split) / 2}
    return [
        "\n".join(
            line for line in lines if not _PAGE_NUMBER.match(line) and line.strip() not in repeated
        )
        for lines in split
    ]
