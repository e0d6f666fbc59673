"""Plain-text and Markdown transcripts (.txt, .md).

The text is kept as the user wrote it (decoded, line ends unified, NFC; YAML front matter
removed), so turn offsets point into what the user sees in their own editor.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .base import IngestError, ParsedTranscript
from .metadata import MetadataError, normalise_metadata, split_front_matter, split_header_block
from .speakers import TurnParse, parse_turns
from .text import decode_transcript

NO_LABELS_WARNING = "no speaker labels found; the whole text is one respondent turn"


def read_text(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read a .txt or .md transcript; ``known`` are speaker names from outside metadata."""
    text = decode_transcript(path, data)
    try:
        front, body_start = split_front_matter(text)
    except MetadataError as exc:
        raise IngestError(path, str(exc)) from exc
    text = text[body_start:]
    if not text.strip():
        raise IngestError(path, "is empty" if not front else "has metadata but no transcript text")
    header, header_end = split_header_block(text)
    metadata, warnings = normalise_metadata({**header, **front})
    parse = parse_turns(text, known=[*known, *people(metadata)], start=header_end)
    return ParsedTranscript(
        text=text,
        turns=parse.turns,
        format=path.suffix.lower().lstrip("."),
        metadata=with_functions(metadata, parse),
        warnings=warnings + ([] if parse.labelled else [NO_LABELS_WARNING]),
    )


def people(metadata: dict[str, object]) -> list[str]:
    """The person names in normalised metadata: trusted as speaker labels when parsing."""
    names = list(metadata.get("respondents") or [])
    interviewer = metadata.get("interviewer") or []
    if isinstance(interviewer, str):
        interviewer = interviewer.split(";")
    return names + [str(part).strip() for part in interviewer if str(part).strip()]


def with_functions(metadata: dict[str, object], parse: TurnParse) -> dict[str, object]:
    """``metadata`` plus the functions written after speaker names ("Naam (functie):"), if any."""
    if parse.functions:
        return {**metadata, "speaker_functions": dict(parse.functions)}
    return metadata
