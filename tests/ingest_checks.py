"""Invariants every parsed transcript must satisfy, shared by the ingest tests."""

from __future__ import annotations

import re

from analysis.ingest import ROLES, ParsedTranscript

_LEADING_STAMP = re.compile(r"^[\[(]?\d{1,2}:\d{2}")


def check_turns(parsed: ParsedTranscript) -> list[str]:
    """Assert the turn invariants and return the speech of each turn, in order.

    Each turn's ``text[start:end]`` is its speech: non-empty, trimmed, without the speaker
    label or a time stamp in front; turns are in order and do not overlap; roles are known.
    """
    speeches = []
    previous_end = 0
    for turn in parsed.turns:
        assert previous_end <= turn.start < turn.end <= len(parsed.text), turn
        speech = parsed.text[turn.start : turn.end]
        assert speech == speech.strip(), (turn, speech)
        assert not speech.casefold().startswith(turn.speaker.casefold() + ":"), speech
        assert not _LEADING_STAMP.match(speech), speech
        assert turn.role in ROLES, turn
        speeches.append(speech)
        previous_end = turn.end
    return speeches


def labelled_layout(parsed: ParsedTranscript) -> None:
    """For laid-out formats (docx, vtt, srt, pdf): each turn is a "Speaker: speech" paragraph."""
    for turn in parsed.turns:
        prefix = f"{turn.speaker}: "
        assert parsed.text[turn.start - len(prefix) : turn.start] == prefix, turn
        assert parsed.text[turn.end : turn.end + 2] in ("", "\n\n"), turn
