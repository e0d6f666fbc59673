"""Plain-text and Markdown transcripts (.txt, .md).

The text is kept as the user wrote it (decoded, line ends unified, NFC; YAML front matter
removed), so turn offsets point into what the user sees in their own editor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from .base import IngestError, ParsedTranscript
from .layout import blocks_from_parse, lay_out
from .metadata import MetadataError, normalise_metadata, split_front_matter, split_header_block
from .speakers import parse_turns
from .text import decode_transcript_with_warnings

NO_LABELS_WARNING = "no speaker labels found; the whole text is one respondent turn"


def read_text(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read a .txt or .md transcript; ``known`` are speaker names from outside metadata."""
    text, notes = decode_transcript_with_warnings(path, data)
    try:
        front, body_start = split_front_matter(text)
    except MetadataError as exc:
        raise IngestError(path, str(exc)) from exc
    text = text[body_start:]
    if not text.strip():
        raise IngestError(path, "is empty" if not front else "has metadata but no transcript text")
    parsed = transcript_from_text(text, path.suffix.lower().lstrip("."), known, front)
    parsed.warnings.extend(notes)
    return parsed


def transcript_from_text(
    text: str,
    fmt: str,
    known: Iterable[str],
    file_metadata: Mapping[object, object],
    *,
    laid_out: bool = False,
    join_lines: bool = False,
) -> ParsedTranscript:
    """Header block, speaker turns and in-file metadata of a plain text (shared by txt/docx/pdf).

    ``file_metadata`` (front matter, a Word metadata table) wins over a header block. With
    ``laid_out`` the text is rewritten one paragraph per turn (``layout.py``); ``join_lines``
    unwraps hard line breaks inside a turn (PDF).
    """
    header, header_end = split_header_block(text)
    metadata, warnings = normalise_metadata({**header, **file_metadata})
    parse = parse_turns(text, known=[*known, *people(metadata)], start=header_end)
    if parse.functions:
        metadata["speaker_functions"] = dict(parse.functions)
    if not parse.labelled:
        warnings.append(NO_LABELS_WARNING)
    turns = parse.turns
    if laid_out:
        text, turns = lay_out(blocks_from_parse(text, parse, join_lines=join_lines))
    return ParsedTranscript(text, turns, fmt, metadata, warnings)


def people(metadata: dict[str, object]) -> list[str]:
    """The person names in normalised metadata: trusted as speaker labels when parsing."""
    names = list(metadata.get("respondents") or [])
    interviewer = metadata.get("interviewer") or []
    if isinstance(interviewer, str):
        interviewer = interviewer.split(";")
    return names + [str(part).strip() for part in interviewer if str(part).strip()]
