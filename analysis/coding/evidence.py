"""How the suggesters' pieces of evidence add up to one zero-shot confidence per code.

Shared by the context suggester (which reads the other segments' own evidence) and the
combiner (which adds everything up): independent pieces combine as a noisy-OR, and a sub-code
implies its parent, so a parent's confidence is at least its best child's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.coding.items import CodeItem


def noisy_or(*parts: np.ndarray) -> np.ndarray:
    """Independent pieces of evidence for the same code: 1 - Π(1 - p)."""
    missing = np.ones_like(parts[0], dtype=np.float32)
    for part in parts:
        missing *= 1.0 - part.astype(np.float32)
    return 1.0 - missing


def lift_parents(
    codes: Sequence[CodeItem],
    confidence: np.ndarray,
    leader: np.ndarray | None = None,
    via: np.ndarray | None = None,
) -> None:
    """In place: a parent's confidence becomes at least its best child's (deepest first).

    ``leader`` and ``via`` (which suggester led, which child a parent's score came from) follow
    the lifted scores when given.
    """
    column = {code.key: j for j, code in enumerate(codes)}
    depth = {code.key: code.key.count(".") for code in codes}
    for code in sorted(codes, key=lambda c: -depth[c.key]):  # grandchildren up
        if code.parent is None or code.parent not in column:
            continue
        child, parent = column[code.key], column[code.parent]
        lifted = confidence[:, child] > confidence[:, parent]
        confidence[lifted, parent] = confidence[lifted, child]
        if leader is not None:
            leader[lifted, parent] = leader[lifted, child]
        if via is not None:
            via[lifted, parent] = np.where(via[lifted, child] >= 0, via[lifted, child], child)


def zero_shot(codes: Sequence[CodeItem], *parts: np.ndarray) -> np.ndarray:
    """The zero-shot confidence of every code (what a learned model is weighed against):
    the evidence of ``parts`` combined, a parent lifted to its best child."""
    confidence = noisy_or(*parts)
    lift_parents(codes, confidence)
    return confidence
