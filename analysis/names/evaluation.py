"""Recall and precision of the stored mentions against a gold list (``tests/data/names``).

The gold file lists, per transcript file, the forms of each kind (``metadata`` people,
other ``person`` names, ``email``, ``phone``, ``address``; ``place`` is listed, not scored).
Every case-sensitive, whole-word occurrence of a form in the transcript's text is a gold
occurrence, longest form first (so "Roos van der Meer" is one occurrence, not also "Roos").

- **recall** per group: the share of gold occurrences that a stored mention of the same kind
  overlaps;
- **precision**: the share of stored mentions of the direct kinds (person, e-mail, phone,
  address) that overlap a gold occurrence of any direct kind. Places and institutions are for
  review only and are counted separately.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.names.detect import DIRECT_KINDS, PERSON
from analysis.store import Mention, Transcript

GROUPS = ("metadata", "person", "email", "phone", "address")
_KIND_OF_GROUP = {"metadata": PERSON, "person": PERSON, "email": "email", "phone": "phone",
                  "address": "address"}


@dataclass
class Score:
    """Counts per group and the mentions that missed or were wrong, for the benchmark's print."""

    found: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    true_positives: int = 0
    detected: int = 0
    review_only: int = 0
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # file, group, form
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # file, kind, text

    def recall(self, group: str) -> float:
        return self.found.get(group, 0) / self.total[group] if self.total.get(group) else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.detected if self.detected else 1.0

    def lines(self) -> list[str]:
        result = [
            f"recall {group:<9} {self.recall(group):.3f}  "
            f"({self.found.get(group, 0)}/{self.total.get(group, 0)})"
            for group in GROUPS
        ]
        result.append(
            f"precision (direct kinds) {self.precision:.3f}  "
            f"({self.true_positives}/{self.detected})"
        )
        result.append(f"places and institutions listed for review: {self.review_only}")
        result.extend(f"missed  {f}: {g} {t!r}" for f, g, t in self.missed)
        result.extend(f"wrong   {f}: {k} {t!r}" for f, k, t in self.wrong)
        return result


def gold_occurrences(text: str, forms: dict[str, list[str]]) -> list[tuple[int, int, str, str]]:
    """(start, end, group, form) of every gold occurrence, longest form first, no overlaps."""
    candidates = sorted(
        ((group, form) for group in GROUPS for form in forms.get(group, [])),
        key=lambda pair: -len(pair[1]),
    )
    taken: list[tuple[int, int, str, str]] = []
    for group, form in candidates:
        for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text):
            if not any(match.start() < e and s < match.end() for s, e, _, _ in taken):
                taken.append((match.start(), match.end(), group, form))
    return sorted(taken)


def score(session: Session, gold_path: Path) -> Score:
    """Score the project's stored mentions against the gold file (transcripts by file name)."""
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))["files"]
    result = Score()
    for transcript in session.scalars(select(Transcript)):
        forms = gold.get(transcript.source_name)
        if forms is None:
            continue
        occurrences = gold_occurrences(transcript.text, forms)
        mentions = session.scalars(
            select(Mention).where(Mention.transcript_id == transcript.id)
        ).all()
        for start, end, group, form in occurrences:
            result.total[group] = result.total.get(group, 0) + 1
            if any(
                m.start < end and start < m.end and m.kind == _KIND_OF_GROUP[group]
                for m in mentions
            ):
                result.found[group] = result.found.get(group, 0) + 1
            else:
                result.missed.append((transcript.source_name, group, form))
        for mention in mentions:
            if mention.kind not in DIRECT_KINDS:
                result.review_only += 1
                continue
            result.detected += 1
            if any(mention.start < e and s < mention.end for s, e, _, _ in occurrences):
                result.true_positives += 1
            else:
                result.wrong.append((transcript.source_name, mention.kind, mention.text))
    return result
