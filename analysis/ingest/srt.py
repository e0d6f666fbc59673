"""SubRip transcripts (.srt): numbered cues, speaker as a ``NAAM:`` prefix on a turn's first cue.

Parsing is the ``srt`` package's; the prefix carries over to the following cues until another
speaker appears (``cues.py``). Formatting tags (``<i>``, ``{\\an8}``) are removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import srt

from .base import IngestError, ParsedTranscript
from .cue_repair import repair_cues
from .cues import Cue, cues_to_transcript
from .text import decode_transcript_with_warnings

_TAGS = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def read_srt(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read a .srt transcript; ``known`` are speaker names from outside metadata."""
    decoded, notes = decode_transcript_with_warnings(path, data)
    text, repairs = repair_cues(decoded, "srt")
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        raise IngestError(
            path, f"is not a valid SRT file (no numbered, timed cue at line {line})"
        ) from exc
    cues = [
        Cue(_TAGS.sub("", sub.content), sub.start.total_seconds(), sub.end.total_seconds())
        for sub in subtitles
    ]
    if not any(cue.text.strip() for cue in cues):
        raise IngestError(path, "has no cues (no numbered, timed subtitles) in this SRT file")
    parsed = cues_to_transcript(cues, "srt", known)
    parsed.warnings.extend(notes + repairs)
    return parsed
