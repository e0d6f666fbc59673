"""Rich Text transcripts (.rtf), as saved by WordPad, TextEdit or older Word versions.

striprtf turns the markup into text (footnotes, pictures and other destinations left out); the
text then goes through the plain-text parser like a Word file's paragraphs. RTF is 7-bit text in
which other characters are escapes in the document's code page (``\\ansicpg1252``) or Unicode
(``\\u8364?``); the code page is read from the header.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from .base import IngestError, ParsedTranscript
from .text import normalise
from .txt import transcript_from_text

_CODE_PAGE = re.compile(rb"\\ansicpg(\d+)")
RTF_MAGIC = b"{\\rtf"


def read_rtf(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read an .rtf transcript; ``known`` are speaker names from outside metadata."""
    if not data.lstrip().startswith(RTF_MAGIC):
        raise IngestError(path, "is not a Rich Text file (it does not start with {\\rtf)")
    encoding = _encoding(data)
    try:
        text = rtf_to_text(data.decode(encoding, errors="replace"), encoding, errors="replace")
    except (ValueError, IndexError) as exc:  # striprtf on broken markup
        raise IngestError(path, "is not a readable Rich Text file (damaged markup)") from exc
    text = normalise(text)
    if not text.strip():
        raise IngestError(path, "contains no text")
    return transcript_from_text(text, "rtf", known, {}, laid_out=True)


def _encoding(data: bytes) -> str:
    """The header's code page as a Python codec; Windows-1252 when absent or unknown."""
    found = _CODE_PAGE.search(data[:4096])
    if found:
        name = f"cp{found.group(1).decode()}"
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    return "cp1252"
