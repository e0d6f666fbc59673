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
from .layout import blocks_from_parse, lay_out
from .metadata import normalise_metadata, split_header_block
from .speakers import parse_turns
from .text import normalise
from .txt import NO_LABELS_WARNING, people, with_functions

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
    header, header_end = split_header_block(text)
    metadata, warnings = normalise_metadata(header)
    parse = parse_turns(text, known=[*known, *people(metadata)], start=header_end)
    laid_out, turns = lay_out(blocks_from_parse(text, parse, join_lines=True))
    return ParsedTranscript(
        text=laid_out,
        turns=turns,
        format="pdf",
        metadata=with_functions(metadata, parse),
        warnings=warnings + ([] if parse.labelled else [NO_LABELS_WARNING]),
    )


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
