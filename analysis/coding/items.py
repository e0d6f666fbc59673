"""Plain inputs and outputs of the suggesters, free of the database.

Suggesters work on ``SegmentItem``/``CodeItem`` lists and return a ``Scores`` table, so they can
be tested on hand-made Dutch sentences and run on 100,000 segments alike: confidences are one
dense matrix, and rationales are worked out only for the (segment, code) pairs worth storing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from analysis.coding.text import keys


@dataclass(frozen=True)
class SegmentItem:
    """One respondent segment: its text, its content lemmas and the question it answers.

    ``answer`` identifies the answer the segment belongs to (the interviewer turn it answers,
    ``Segment.question_turn_id``): segments with the same one are read as one answer.
    """

    id: int
    text: str
    lemmas: str = ""  # content lemmas, space-joined (Segment.lemmas)
    question: str = ""
    transcript_id: int = 0
    answer: int | None = None

    @property
    def key_text(self) -> str:
        """The content words as match keys, space-joined (the input of TF-IDF)."""
        return " ".join(keys(self.lemmas.split()))


@dataclass(frozen=True)
class CodeItem:
    """What the suggesters read of one code."""

    key: str
    label: str = ""
    definition: str = ""
    when_to_use: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    parent: str | None = None


@dataclass
class Scores:
    """Confidences in [0, 1], one row per segment and one column per code, plus the reasons.

    ``explain(row, column)`` gives the rationale of one pair; it is called only for pairs that
    are stored, so a suggester may do its costlier explaining lazily.
    """

    origin: str
    confidence: np.ndarray
    explain: Callable[[int, int], dict] = field(repr=False)
