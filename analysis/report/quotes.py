"""Choosing quotes for a chapter when the evaluator has not chosen any.

A good pull quote is well supported (a person accepted the code, rather than a suggestion
applying it), reads on its own (20–70 words: shorter is a fragment, longer is a passage; and it
does not open by pointing back at what was said before, "Dat was een bewuste keuze") and comes
from a college the chapter has not quoted yet. So candidates are ranked by (accepted, length in
range, reads on its own, confidence, closeness to 45 words, segment id) and picked in rounds
over the sub-themes, each round preferring a college not yet quoted in the chapter (among
equally supported candidates of the right length), never taking a third quote from one
college, and never a segment already quoted elsewhere in the draft. Every step is
deterministic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from analysis.words_nl import refers_back

MIN_WORDS = 20
MAX_WORDS = 70
IDEAL_WORDS = 45
MAX_PER_COLLEGE = 2
# A quote that stands on its own: its opening sentences that only answer the interviewer
# ("Ja, kijk.", "Nou, een paar dingen.", "Grote verschillen.") or point back are left out and
# marked "(…)"; what remains must still be a quote (at least this many words).
MIN_STANDING_WORDS = 12
REPLY_WORDS = 6
TRIM_MARK = "(…)"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-Þ“‘\"'(])")


@dataclass(frozen=True)
class Candidate:
    """A respondent segment with what is known about its codes."""

    segment_id: int
    transcript_id: int
    institution: str
    speaker: str
    text: str
    applied: frozenset[str]
    accepted: frozenset[str]
    confidence: Mapping[str, float]

    @property
    def words(self) -> int:
        return len(self.text.split())

    def rank(self, keys: Iterable[str]) -> tuple:
        """Sort key for a quote on any of ``keys`` (lower is better)."""
        wanted = set(keys)
        accepted = bool(self.accepted & wanted)
        confidence = 1.0 if accepted else max(
            (self.confidence.get(key, 0.0) for key in wanted & self.applied), default=0.0
        )
        in_range = MIN_WORDS <= self.words <= MAX_WORDS
        return (not accepted, not in_range, refers_back(self.text), -confidence,
                abs(self.words - IDEAL_WORDS), self.segment_id)


def strongest_theme(candidate: Candidate, parents: Mapping[str, str | None]) -> str | None:
    """The top-level theme a segment is most about: a code a person accepted first, else the
    applied code with the highest suggestion confidence (the deepest code on a tie). A pull
    quote belongs only under this theme's chapter."""
    weights = {key: candidate.confidence.get(key, 0.0) for key in candidate.applied}
    weights.update({key: 2.0 for key in candidate.accepted if key in weights})
    if not weights:
        return None
    key = max(weights, key=lambda k: (weights[k], k.count("."), k))
    while parents.get(key):
        key = parents[key]  # type: ignore[assignment]
    return key


def sentences(text: str) -> list[str]:
    """The text's sentences (a full stop, question or exclamation mark before a capital)."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def is_reply(sentence: str) -> bool:
    """A sentence that only answers the question before it: a few words ("Grote verschillen.",
    "Nou, een paar dingen.", "Ja, kijk.") or one that opens by pointing back ("Dat was …")."""
    return len(sentence.split()) <= REPLY_WORDS or refers_back(sentence)


def stand_alone(text: str) -> str | None:
    """The quote from its first sentence that stands on its own, "(…)" marking what was left
    out; None when no such sentence leaves enough words to quote."""
    parts = sentences(text)
    start = 0
    while start < len(parts) and is_reply(parts[start]):
        start += 1
    rest = " ".join(parts[start:])
    if len(rest.split()) < MIN_STANDING_WORDS:
        return None
    return rest if start == 0 else f"{TRIM_MARK} {rest}"


def stands_alone(text: str) -> bool:
    """The rule of :func:`stand_alone` as a check: the quote opens with a sentence of its own
    (or with the trim mark) and is long enough."""
    body = text.removeprefix(TRIM_MARK).strip()
    first = sentences(body)[:1]
    return bool(first) and not is_reply(first[0]) and len(body.split()) >= MIN_STANDING_WORDS


def pick(
    groups: Sequence[tuple[str, Sequence[str]]],
    candidates: Sequence[Candidate],
    *,
    per_group: int,
    used: set[int],
) -> dict[str, list[Candidate]]:
    """Up to ``per_group`` quotes per group (a sub-theme key and the codes that count for it).

    ``used`` holds segment ids quoted elsewhere; picked ids are added to it.
    """
    ranked = {
        name: sorted(
            (c for c in candidates if c.applied & set(keys)), key=lambda c: c.rank(keys)
        )
        for name, keys in groups
    }
    chosen: dict[str, list[Candidate]] = {name: [] for name, _ in groups}
    per_college: Counter[str] = Counter()
    for _round in range(per_group):
        for name, keys in groups:
            options = [
                c for c in ranked[name]
                if c.segment_id not in used and per_college[c.institution] < MAX_PER_COLLEGE
            ]
            if not options:
                continue
            tier = options[0].rank(keys)[:2]
            fresh = [
                c for c in options
                if per_college[c.institution] == 0 and c.rank(keys)[:2] == tier
            ]
            choice = (fresh or options)[0]
            chosen[name].append(choice)
            used.add(choice.segment_id)
            per_college[choice.institution] += 1
    return chosen
