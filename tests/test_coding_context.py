"""Context: the question a segment answers and the rest of its answer support a code, and never
code on their own."""

from __future__ import annotations

import numpy as np
from coding_support import add_interview

from analysis import Project
from analysis.coding.context import answer_evidence
from analysis.coding.items import SegmentItem
from analysis.coding.suggest import build_space, compute, load_codes, load_segments

THRESHOLD = 0.5
INCLUSION_QUESTION = (
    "Hoe zorgen jullie ervoor dat ook studenten op niveau 2 en de entree naar het buitenland "
    "kunnen, ook als het thuis niet vanzelf gaat?"
)
WEATHER_QUESTION = "Was het druk op de weg vanochtend?"
MEASURE = "Wie voor het eerst gaat, krijgt een buddy uit een hoger jaar, en we geven een beurs."
# On inclusion, without one of its words: a coder reads it with the question and the answer.
FOLLOW_UP = "Sindsdien melden de stillere jongens uit de wijk zich ook aan, dat zagen we nooit."
UNRELATED = "De nieuwbouw loopt uit en de begroting moet dit jaar sluitend zijn."


def scores(project: Project, code: str) -> tuple[dict[int, float], dict[int, dict]]:
    """Zero-shot confidence of ``code`` per segment, and each one's rationale."""
    with project.store.session() as session:
        codes = load_codes(session)
        segments = load_segments(session)
        combined, _ = compute(session, codes, segments, space=build_space(codes, segments))
        j = [c.key for c in codes].index(code)
        return (
            {s.id: float(combined.confidence[i, j]) for i, s in enumerate(segments)},
            {s.id: combined.rationale(i, j) for i, s in enumerate(segments)},
        )


def test_question_and_answer_lift_a_segment_without_the_codes_words(
    empty_project: Project,
) -> None:
    in_context = add_interview(
        empty_project, "context.txt", [(INCLUSION_QUESTION, [MEASURE, FOLLOW_UP])]
    )
    alone = add_interview(empty_project, "los.txt", [(WEATHER_QUESTION, [FOLLOW_UP])])
    confidence, rationale = scores(empty_project, "inclusion")
    assert confidence[in_context[1]] >= confidence[alone[0]] + 0.2
    assert rationale[in_context[1]]["context"]["question"] > 0.1  # and the reason says so
    assert rationale[alone[0]]["scores"]["context"] < 0.05


def test_context_does_not_code_on_its_own(empty_project: Project) -> None:
    ids = add_interview(
        empty_project,
        "kaal.txt",
        [(INCLUSION_QUESTION, [MEASURE, "Ja, klopt.", UNRELATED])],
    )
    confidence, _ = scores(empty_project, "inclusion")
    assert confidence[ids[0]] >= THRESHOLD  # the measure itself
    assert confidence[ids[1]] < 0.2  # a bare "yes" says nothing of its own
    assert confidence[ids[2]] < THRESHOLD  # the right question, an unrelated answer


def test_answer_evidence_is_the_best_of_the_other_segments() -> None:
    segments = [
        SegmentItem(id=1, text="a", transcript_id=1, answer=10),
        SegmentItem(id=2, text="b", transcript_id=1, answer=10),
        SegmentItem(id=3, text="c", transcript_id=1, answer=10),
        SegmentItem(id=4, text="d", transcript_id=1, answer=11),  # answers another question
        SegmentItem(id=5, text="e", transcript_id=2, answer=10),  # another interview
    ]
    own = np.array([[0.9, 0.1], [0.2, 0.7], [0.4, 0.3], [0.8, 0.8], [0.6, 0.6]], np.float32)
    result = answer_evidence(segments, own)
    np.testing.assert_allclose(
        result, [[0.4, 0.7], [0.9, 0.3], [0.9, 0.7], [0.0, 0.0], [0.0, 0.0]]
    )
