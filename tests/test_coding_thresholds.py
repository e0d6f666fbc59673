"""Learned thresholds: the cut per code learned from the evaluator's own decisions.

The cut is chosen on out-of-fold probabilities (``learned.train``), stored by each
suggestion run, and used only for codes without a threshold of their own.
"""

from __future__ import annotations

import numpy as np
import pytest
from coding_support import add_interview

from analysis import Project
from analysis.coding.learned import THRESHOLD_BOUNDS, best_cut
from analysis.coding.state import learned_thresholds, thresholds

CODE = "impact.measurement"
QUESTION = "Hoe weten jullie wat het de studenten oplevert?"
# How this college shows what it yields: a yearly survey and a story evening with alumni.
ACCEPTED = [
    "Elk jaar sturen we een enquête naar de studenten die terug zijn, met twintig vragen.",
    "Die enquête laat zien dat ze na de stage vaker doorstromen naar niveau vier.",
    "In juni is er een avond waar oud-studenten vertellen wat de reis ze heeft gebracht.",
    "De uitkomsten van de enquête gaan elk jaar naar het college van bestuur.",
    "We houden bij hoeveel studenten er gaan, per opleiding en per niveau.",
    "Die avond met oud-studenten filmen we, zodat de eerstejaars het ook kunnen zien.",
    "We vragen de leerbedrijven na een half jaar wat ze aan de student merken.",
    "Het lastige is dat je groei in zelfvertrouwen niet in een getal vangt.",
]
REJECTED = [
    "De kantine is vorig jaar helemaal verbouwd, dat was hard nodig.",
    "We hebben twee nieuwe teamleiders voor de techniek aangenomen.",
    "Het rooster voor volgend jaar is pas in juni klaar.",
    "De parkeerplaats achter het gebouw is te klein geworden.",
    "Onze bestuurder gaat volgend jaar met pensioen.",
    "In de bibliotheek staan nu ook laptops voor studenten.",
    "De open dag trok dit jaar meer bezoekers dan ooit.",
    "We werken sinds kort met een nieuw systeem voor de roosters.",
]


def test_best_cut_maximises_f1_where_the_default_would_not() -> None:
    # The evaluator's positives score 0.38-0.45 out of fold: a cut at 0.5 finds one of four.
    probabilities = np.array([0.92, 0.45, 0.41, 0.38, 0.30, 0.22, 0.15, 0.08])
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    cut = best_cut(probabilities, y)
    assert cut == pytest.approx((0.38 + 0.30) / 2)  # halfway to the best rejected one

    def f1(threshold: float) -> float:
        predicted = probabilities >= threshold
        return 2 * (predicted & (y == 1)).sum() / (predicted.sum() + y.sum())

    assert f1(cut) == 1.0 and f1(0.5) == 0.4


def test_best_cut_takes_tied_scores_together_and_stays_within_bounds() -> None:
    # Taking both 0.6 scores, one right and one wrong, gives F1 0.8, better than 0.9 alone; the
    # cut lies halfway to the 0.1 left out.
    assert best_cut(np.array([0.9, 0.6, 0.6, 0.1]), np.array([1, 1, 0, 0])) == pytest.approx(0.35)
    # Taking 0.9 and taking all four both give F1 2/3 (0.6 gives 0.4): on a tie the stricter
    # split wins, halfway between 0.9 and 0.6.
    assert best_cut(np.array([0.9, 0.6, 0.6, 0.2]), np.array([1, 0, 0, 1])) == pytest.approx(0.75)
    assert best_cut(np.array([0.02, 0.01, 0.01]), np.array([1, 0, 0])) == THRESHOLD_BOUNDS[0]
    assert best_cut(np.array([0.99, 0.98]), np.array([1, 0])) == THRESHOLD_BOUNDS[1]


def decide(project: Project) -> list[int]:
    ids = add_interview(project, "meten.txt", [(QUESTION, [t]) for t in ACCEPTED + REJECTED])
    for segment_id in ids[: len(ACCEPTED)]:
        project.apply_code(segment_id, CODE, "Marieke")
    for segment_id in ids[len(ACCEPTED) :]:
        project.reject(segment_id, CODE, "Marieke")
    return ids


def limits(project: Project) -> tuple[dict[str, float], dict[str, float]]:
    with project.store.session() as session:
        return thresholds(session), learned_thresholds(session)


def test_learned_threshold_is_used_for_codes_without_their_own(empty_project: Project) -> None:
    decide(empty_project)
    before, learned = limits(empty_project)
    assert learned == {} and before[CODE] == 0.5  # nothing learned yet: the project default

    report = empty_project.suggest()
    in_force, learned = limits(empty_project)
    cut = report.learned[CODE]["threshold"]
    assert THRESHOLD_BOUNDS[0] <= cut <= THRESHOLD_BOUNDS[1]
    assert learned[CODE] == cut and in_force[CODE] == cut
    assert in_force["inclusion.barriers"] == 0.5  # no model, no learned threshold
    empty_project.set_threshold(None, 0.9)  # the project default is for codes without one
    in_force, _ = limits(empty_project)
    assert in_force[CODE] == cut and in_force["inclusion.barriers"] == 0.9


def test_explicit_threshold_wins_over_the_learned_one(empty_project: Project) -> None:
    decide(empty_project)
    empty_project.suggest()
    cut = limits(empty_project)[1][CODE]
    empty_project.set_threshold(CODE, 0.97)
    in_force, learned = limits(empty_project)
    assert in_force[CODE] == 0.97 and learned[CODE] == cut
    empty_project.suggest()  # a new run learns again but still does not override it
    assert limits(empty_project)[0][CODE] == 0.97
    empty_project.set_threshold(CODE, None)  # the evaluator lets go: the learned one applies
    assert limits(empty_project)[0][CODE] == cut


def test_learned_threshold_goes_with_its_model(empty_project: Project) -> None:
    decide(empty_project)
    empty_project.suggest()
    assert CODE in limits(empty_project)[1]
    for _ in range(len(ACCEPTED) - 4):  # back below the minimum of accepted examples
        empty_project.undo("Marieke")
    for _ in range(len(REJECTED)):
        empty_project.undo("Marieke")
    report = empty_project.suggest()
    assert CODE not in report.learned
    in_force, learned = limits(empty_project)
    assert CODE not in learned and in_force[CODE] == 0.5
