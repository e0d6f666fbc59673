"""WebVTT transcripts (.vtt) as exported by Teams (``<v Naam>`` voice tags) and Zoom (``Naam:``).

Parsing is webvtt-py's; we only read speakers from voice tags (per line, as a cue may hold two
voices), strip the remaining cue tags, and leave merging cues into turns to ``cues.py``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Caption

from .base import IngestError, ParsedTranscript
from .cue_repair import repair_cues
from .cues import Cue, cues_to_transcript
from .text import decode_transcript_with_warnings

_TAG = re.compile(r"<[^>]*>")


def read_vtt(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read a .vtt transcript; ``known`` are speaker names from outside metadata."""
    decoded, notes = decode_transcript_with_warnings(path, data)
    text, repairs = repair_cues(decoded, "vtt")
    try:
        captions = webvtt.from_string(text).captions
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise IngestError(path, f"is not a valid WebVTT file ({exc})") from exc
    cues = [cue for caption in captions for cue in _caption_cues(caption)]
    if not any(cue.text.strip() for cue in cues):
        raise IngestError(path, "has no cues (no timed text) in this WebVTT file")
    parsed = cues_to_transcript(cues, "vtt", known)
    parsed.warnings.extend(notes + repairs)
    return parsed


def _caption_cues(caption: Caption) -> list[Cue]:
    """One cue per voice in the caption (usually one), with tags removed and entities decoded."""
    start = caption.start_time.in_milliseconds() / 1000
    end = caption.end_time.in_milliseconds() / 1000
    cues: list[Cue] = []
    for line in caption.lines:
        voice = Caption.VOICE_SPAN_PATTERN.match(line.strip())
        spoken = html.unescape(_TAG.sub("", line)).strip()
        if voice or not cues:
            cues.append(Cue(spoken, start, end, voice[1].strip() if voice else None))
        else:
            cues[-1].text = f"{cues[-1].text} {spoken}"
    return cues
