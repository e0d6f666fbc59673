"""One confidence per (segment, code) from the suggesters.

- Zero-shot (no decisions yet): rules, similarity and context (``context``: the question and
  the rest of the answer) combined as independent evidence (noisy-OR,
  ``1 - (1 - r)(1 - s)(1 - c)``). Rules and similarity are independent by construction:
  similarity ignores the code's own keywords (``similarity._without_keywords``), so one word is
  never counted twice, and a keyword in passing (rules just under threshold, no similar
  context) stays below the threshold while a keyword in a sentence that sounds like the code
  passes it.
- Once a code has a learned model, its probability is the confidence. The model weighs its own
  prediction against the zero-shot confidence with weights learned from the evaluators'
  decisions (``learned``), so adding the zero-shot evidence again would overrule what it
  learned.
- A language model (``coding.llm``, only when configured), where it answered: the zero-shot
  confidence is blended with the model's (``trust.blend``, weights learned from the decisions
  pooled over codes); a code with a learned model has the language model inside its stack.
- A sub-code implies its parent: the parent's confidence is at least its best child's.

The origin of a suggestion is the suggester that contributed most; the rationale keeps every
suggester's own reasons, so the evaluator sees why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.coding.evidence import lift_parents, noisy_or
from analysis.coding.items import CodeItem, Scores
from analysis.coding.trust import DEFAULT, Trust, blend

ORIGINS = ("rule", "similarity", "learned", "context", "llm")


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
    codes: Sequence[CodeItem],
    rules: Scores,
    similarity: Scores,
    context: Scores,
    learned: Scores | None,
    llm: Scores | None = None,
    trust: Trust = DEFAULT,
) -> Combined:
    r, s, c = (part.confidence.astype(np.float32) for part in (rules, similarity, context))
    confidence = noisy_or(r, s, c)
    leader = np.where(r >= s, 0, 1)
    leader = np.where(c > np.maximum(r, s), ORIGINS.index("context"), leader)
    parts = {"rule": rules, "similarity": similarity, "context": context}
    if llm is not None:
        m = llm.confidence
        asked = ~np.isnan(m)
        blended = blend(confidence, np.nan_to_num(m), trust)
        leads = asked & (trust.model > 0) & (np.nan_to_num(m) >= 0.5)
        confidence = np.where(asked, blended, confidence)
        leader = np.where(leads, ORIGINS.index("llm"), leader)
        parts["llm"] = llm
    if learned is not None:
        l_ = learned.confidence
        has_model = ~np.isnan(l_)
        confidence = np.where(has_model, np.nan_to_num(l_), confidence)
        leader = np.where(has_model, ORIGINS.index("learned"), leader)
        parts["learned"] = learned
    confidence = confidence.astype(np.float32)
    via = np.full(confidence.shape, -1, dtype=np.int64)
    lift_parents(codes, confidence, leader, via)
    return Combined(np.clip(confidence, 0.0, 1.0), leader, via, parts, [c.key for c in codes])
