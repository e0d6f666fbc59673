"""How far the language model's word counts against the offline evidence, for codes without
a learned model of their own.

The blend is a logistic one: ``p = σ(a · logit(model) + b · logit(offline))``. With no
decisions yet the prior ``DEFAULT`` (a = 1, b = 0.25) lets a code the model names with
confidence 0.9 pass the 0.5 threshold unless the offline evidence is strongly against it, and
a code it does not name stay below it: a configured model is trusted first, as the evaluator
chose to configure it. That prior is set by reasoning, not tuned on the gold set.

Once the evaluator has decided on enough pairs (``MIN_POSITIVE`` accepted, ``MIN_NEGATIVE``
rejected, pooled over all codes, where the model was asked), the weights are chosen from
``GRID`` by the F1 of the blend at 0.5 on those decisions, ties going to the smaller model
weight. ``a = 0`` is in the grid and is the offline confidence's own decision (``σ(b·logit(x))``
crosses 0.5 where ``x`` does), so a model that codes at random loses its say entirely. With
applied codes but too few rejections, only recall can be judged: a model that names fewer than
``MIN_RECALL`` of the applied codes loses its say, else the prior stays. Codes
with a learned model weigh the model in their own stack instead (``learned``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.coding.learned import MIN_NEGATIVE, MIN_POSITIVE, STACK_EPSILON

GRID_MODEL = (0.0, 0.25, 0.5, 1.0, 2.0)
GRID_OFFLINE = (0.25, 0.5, 1.0)
CUT = 0.5
MIN_RECALL = 0.5  # with only applied codes: the model must name at least half of them


@dataclass(frozen=True)
class Trust:
    model: float  # a: the weight of logit(model confidence)
    offline: float  # b: the weight of logit(offline confidence)
    learned_from: int = 0  # decisions the weights were chosen on (0: the prior)


DEFAULT = Trust(1.0, 0.25)


def _logit(p: np.ndarray) -> np.ndarray:
    clipped = np.clip(np.asarray(p, dtype=np.float64), STACK_EPSILON, 1 - STACK_EPSILON)
    return np.log(clipped / (1 - clipped))


def blend(offline: np.ndarray, model: np.ndarray, trust: Trust) -> np.ndarray:
    """σ(a · logit(model) + b · logit(offline)), elementwise."""
    z = trust.model * _logit(model) + trust.offline * _logit(offline)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def learn_trust(offline: np.ndarray, model: np.ndarray, decided: np.ndarray) -> Trust:
    """The grid weights with the best F1 on decisions (1-d arrays: offline and model
    confidences of the decided pairs, and the decision); the prior when there are too few."""
    y = decided.astype(bool)
    if y.sum() < MIN_POSITIVE:
        return DEFAULT
    if (~y).sum() < MIN_NEGATIVE:
        # Only codes applied, none rejected: precision cannot be judged, recall can. A model
        # that misses most of the codes the evaluator applied is not trusted over the codebook.
        recall = float(np.mean(np.asarray(model)[y] >= CUT))
        return DEFAULT if recall >= MIN_RECALL else Trust(0.0, 1.0, len(y))
    best, best_f1 = DEFAULT, -1.0
    for a in GRID_MODEL:
        for b in sorted(GRID_OFFLINE, reverse=True):
            predicted = blend(offline, model, Trust(a, b)) >= CUT
            hits = float((predicted & y).sum())
            f1 = 2 * hits / (predicted.sum() + y.sum())
            if f1 > best_f1 + 1e-9:
                best, best_f1 = Trust(a, b, len(y)), f1
    return best
