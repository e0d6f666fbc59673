"""How far the language model's word counts for codes without a learned model of their own."""

from __future__ import annotations

import numpy as np

from analysis.coding.trust import DEFAULT, Trust, blend, learn_trust


def test_with_no_decisions_a_named_code_passes_and_an_unnamed_one_does_not() -> None:
    offline = np.array([0.001, 0.2, 0.999, 0.6], dtype=np.float32)
    model = np.array([0.9, 0.9, 0.02, 0.02], dtype=np.float32)
    assert (blend(offline, model, DEFAULT) >= 0.5).tolist() == [True, True, False, False]


def test_decisions_choose_the_weights() -> None:
    rng = np.random.default_rng(0)
    y = rng.random(200) < 0.3
    offline = (np.where(y, 0.6, 0.35) + rng.normal(0, 0.2, 200)).clip(0, 1)  # often wrong
    good = np.where(y, 0.9, 0.02)
    random = np.where(rng.random(200) < 0.3, 0.9, 0.02)
    assert learn_trust(offline, good, y).model > 0
    assert learn_trust(offline, random, y) == Trust(0.0, 1.0, 200)  # the offline decision


def test_only_applied_codes_judge_the_model_by_recall() -> None:
    y = np.ones(10, dtype=bool)
    offline = np.full(10, 0.6)
    assert learn_trust(offline, np.full(10, 0.9), y) == DEFAULT
    assert learn_trust(offline, np.full(10, 0.02), y) == Trust(0.0, 1.0, 10)
    assert learn_trust(offline[:3], np.full(3, 0.02), y[:3]) == DEFAULT  # too few to judge
