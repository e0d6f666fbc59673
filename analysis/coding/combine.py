"""One confidence per (segment, code) from the three suggesters.

- Zero-shot (no decisions yet): rules and similarity combined as independent evidence
  (noisy-OR, ``1 - (1 - r)(1 - s)``). They are independent by construction: similarity ignores
  the code's own keywords (``similarity._without_keywords``), so one word is never counted
  twice, and a keyword in passing (rules just under threshold, no similar context) stays below
  the threshold while a keyword in a sentence that sounds like the code passes it.
- Once a code has a learned model, its probability is the confidence. The model has the rule
  and similarity scores among its features (``learned``), so it has learned from the
  evaluators' decisions how far to trust each of them for this code; blending them in again
  would overrule what it learned.
- A sub-code implies its parent: the parent's confidence is at least its best child's.

The origin of a suggestion is the suggester that contributed most; the rationale keeps every
suggester's own reasons, so the evaluator sees why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.coding.items import CodeItem, Scores

ORIGINS = ("rule", "similarity", "learned")


@dataclass
class Combined:
    """Final confidences, which suggester led each pair, and the parts to explain it."""

    confidence: np.ndarray
    leader: np.ndarray  # index into ``ORIGINS`` per (segment, code)
    via: np.ndarray  # column of the child a parent's confidence came from, or -1
    parts: dict[str, Scores]
    keys: list[str]

    def rationale(self, i: int, j: int) -> dict:
        source = int(self.via[i, j])
        column = source if source >= 0 else j
        result: dict[str, object] = {}
        scores = {}
        for name, part in self.parts.items():
            value = float(part.confidence[i, column])
            if np.isnan(value):
                continue
            scores[name] = round(value, 3)
            if value > 0:
                reasons = part.explain(i, column)
                if reasons:
                    result[name] = reasons
        result["scores"] = scores
        if source >= 0:
            result["via"] = self.keys[source]
        return result

    def origin(self, i: int, j: int) -> str:
        return ORIGINS[int(self.leader[i, j])]


def combine(
    codes: Sequence[CodeItem], rules: Scores, similarity: Scores, learned: Scores | None
) -> Combined:
    r = rules.confidence.astype(np.float32)
    s = similarity.confidence.astype(np.float32)
    zero_shot = 1.0 - (1.0 - r) * (1.0 - s)
    leader = np.where(r >= s, 0, 1)
    confidence = zero_shot
    parts = {"rule": rules, "similarity": similarity}
    if learned is not None:
        l_ = learned.confidence
        has_model = ~np.isnan(l_)
        confidence = np.where(has_model, np.nan_to_num(l_), zero_shot)
        leader = np.where(has_model, 2, leader)
        parts["learned"] = learned
    confidence = confidence.astype(np.float32)
    via = np.full(confidence.shape, -1, dtype=np.int64)
    column = {code.key: j for j, code in enumerate(codes)}
    depth = {code.key: code.key.count(".") for code in codes}
    for code in sorted(codes, key=lambda c: -depth[c.key]):  # deepest first: grandchildren up
        if code.parent is None or code.parent not in column:
            continue
        child, parent = column[code.key], column[code.parent]
        lifted = confidence[:, child] > confidence[:, parent]
        confidence[lifted, parent] = confidence[lifted, child]
        leader[lifted, parent] = leader[lifted, child]
        via[lifted, parent] = np.where(via[lifted, child] >= 0, via[lifted, child], child)
    return Combined(np.clip(confidence, 0.0, 1.0), leader, via, parts, [c.key for c in codes])
