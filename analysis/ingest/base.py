"""What every reader produces: the transcript as one normalised text plus speaker turns.

Readers know nothing of the database; the store turns a ``ParsedTranscript`` into rows. A turn's
offsets point at the *speech* inside ``text`` (not at the speaker label), so that a segment cut
from a turn is always ``text[start:end]`` and quotes stay verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("interviewer", "respondent", "other")


class IngestError(Exception):
    """A user-facing problem with one input file; ``str()`` is one clear line naming the file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


@dataclass
class ParsedTurn:
    """One speaker's uninterrupted speech. ``role`` is None until roles are assigned."""

    speaker: str
    start: int
    end: int
    role: str | None = None
    media_start: float | None = None  # seconds from the start of the recording
    media_end: float | None = None


@dataclass
class ParsedTranscript:
    """A transcript as read from one file: normalised text, turns, metadata, warnings."""

    text: str
    turns: list[ParsedTurn]
    format: str  # "txt", "md", "docx", "vtt", "srt", "pdf"
    metadata: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
