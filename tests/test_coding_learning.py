"""Learning: an evaluator's accepts and rejects change the suggestions for segments not yet seen."""

from __future__ import annotations

import numpy as np
from coding_support import add_interview

from analysis import Project
from analysis.coding import learned
from analysis.coding.suggest import build_space, compute, load_codes, load_segments

CODE = "inclusion.measures"
# How this college lowers the threshold: a 'maatje' (a buddy) from a higher year who prepares
# the first-timers.
# The codebook's keywords for the code hardly occur here.
RIGHT_TRAIN = [
    "Iedere student die voor het eerst gaat, krijgt een maatje van een jaar hoger.",
    "Het maatje gaat mee naar de avond voor vertrek en vertelt wat je daar eet en waar je slaapt.",
    "We koppelen eerstejaars aan een ouderejaars die zelf al een keer weg is geweest.",
    "Die ouderejaars belt de eerste avond even op, gewoon om te vragen hoe het gaat.",
    "Voor de meiden van de entree regelen we een maatje die ook uit hun eigen wijk komt.",
    "Een maatje neemt veel spanning weg, dat merken we echt aan de aanmeldingen.",
    "Wie twijfelt, mag eerst een middag meelopen met een maatje die al geweest is.",
    "De maatjes krijgen er studiepunten voor, dus ze doen het graag.",
    "Bij de logistiek hebben ze nu ook maatjes, dat hebben ze van de zorg afgekeken.",
    "Met een maatje erbij durven ook de stillere studenten zich op te geven.",
]
RIGHT_UNSEEN = [
    "Een ouderejaars als maatje maakt het voor de twijfelaars veel makkelijker.",
    "Wie voor het eerst weg gaat, krijgt van ons altijd een maatje die het al kent.",
    "Dat maatje belt de eerste dagen even hoe het gaat.",
    "Ook bij de techniek koppelen we nu elke eerstejaars aan een maatje.",
]
# Keywords of the code used in another sense: to be rejected.
WRONG_TRAIN = [
    "Het pensioenfonds van het personeel is een hele andere discussie.",
    "De vergadering van de raad van toezicht was gelukkig kort.",
    "Het is verplicht om je parkeerkaart zichtbaar achter de voorruit te leggen.",
    "De begeleiding van de verbouwing ligt bij een extern bureau.",
    "Voorlichting over de nieuwe cao komt van de vakbond.",
    "Ons fonds voor het onderhoud van de gebouwen is bijna op.",
    "Het was een korte winter, dus de verwarming kon vroeg uit.",
    "Verplichte nascholing voor de BHV'ers is elk jaar in maart.",
    "De begeleiding van de aanbesteding voor de kantine kostte veel tijd.",
    "De voorlichting over het nieuwe rooster was helaas kort.",
]
WRONG_UNSEEN = [
    "Het fonds voor het onderhoud van het dak is ook bijna leeg.",
    "De begeleiding van de nieuwbouw ligt nu bij de gemeente.",
    "Het is verplicht om je pasje bij de receptie te laten zien.",
    "De voorlichting over de cao was kort maar duidelijk.",
]


def confidences(project: Project, ids: list[int]) -> np.ndarray:
    with project.store.session() as session:
        codes = load_codes(session)
        segments = load_segments(session)
        combined, summary = compute(
            session, codes, segments, space=build_space(codes, segments)
        )
        rows = {s.id: k for k, s in enumerate(segments)}
        column = [c.key for c in codes].index(CODE)
        return np.array([combined.confidence[rows[i], column] for i in ids]), summary


def test_ten_accepts_raise_the_right_and_lower_the_wrong(empty_project: Project) -> None:
    question = "Wat doen jullie voor studenten voor wie het niet vanzelf gaat?"
    texts = RIGHT_TRAIN + WRONG_TRAIN + RIGHT_UNSEEN + WRONG_UNSEEN
    ids = add_interview(empty_project, "leren.txt", [(question, [t]) for t in texts])
    right_train, wrong_train = ids[:10], ids[10:20]
    right_unseen, wrong_unseen = ids[20:24], ids[24:28]

    before_right, summary = confidences(empty_project, right_unseen)
    before_wrong, _ = confidences(empty_project, wrong_unseen)
    assert summary == {}  # nothing to learn from yet

    for segment_id in right_train:
        empty_project.apply_code(segment_id, CODE, "Marieke")
    for segment_id in wrong_train:
        empty_project.reject(segment_id, CODE, "Marieke")

    after_right, summary = confidences(empty_project, right_unseen)
    after_wrong, _ = confidences(empty_project, wrong_unseen)
    threshold = summary[CODE].pop("threshold")  # learned from the same decisions
    assert summary[CODE] == {"accepted": 10, "rejected": 10, "calibrated": False}
    assert 0.05 <= threshold <= 0.95
    # Applied means at or above the threshold: the default one (0.5) before learning, the one
    # learned from the same decisions after.
    assert after_right.mean() >= before_right.mean() + 0.2
    assert (after_right >= threshold).all() and not (before_right >= 0.5).all()
    assert after_wrong.mean() <= before_wrong.mean() - 0.1
    assert (after_wrong < threshold).all()

    # The suggestion says why: the words it learned.
    empty_project.suggest()
    queue = empty_project.suggestion_queue(code=CODE)
    row = queue[queue["segment_id"] == right_unseen[0]].iloc[0]
    assert row["origin"] == "geleerd" and "maatje" in row["rationale"]


def test_models_are_cached_by_the_decisions_they_learn_from(empty_project: Project) -> None:
    question = "Wat doen jullie voor studenten voor wie het niet vanzelf gaat?"
    ids = add_interview(
        empty_project, "cache.txt", [(question, [t]) for t in RIGHT_TRAIN + WRONG_TRAIN]
    )
    for segment_id in ids[:6]:
        empty_project.apply_code(segment_id, CODE, "Marieke")
    for segment_id in ids[10:16]:
        empty_project.reject(segment_id, CODE, "Marieke")
    learned._cache.clear()
    confidences(empty_project, ids[:1])
    trained = len(learned._cache)
    confidences(empty_project, ids[:1])
    assert len(learned._cache) == trained  # same decisions: no retraining
    empty_project.apply_code(ids[6], CODE, "Marieke")
    confidences(empty_project, ids[:1])
    assert len(learned._cache) > trained  # a new decision: retrained
