"""Pseudo-relevance feedback and the tuning/held-out split of the judged question set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import Project
from analysis.ask import retrieval
from analysis.ask.engine import catalogue_of
from analysis.ask.evaluation import load_questions, split_questions
from analysis.ask.index import project_index
from analysis.ask.query import parse_question
from tests.conftest import DATA_DIR

COORDINATOR = (
    "Wat gebeurt er met internationalisering als de vaste coördinator uitvalt of vertrekt?"
)
# An answer to it in the sample (ijsselvallei) that uses none of the question's words
STOP = "Als ik morgen stop, gaat het in de zorg door."


@pytest.fixture(scope="module")
def project(sample_db: Path) -> Iterator[Project]:
    with Project(sample_db) as opened:
        yield opened


def _ranked(project: Project, question: str) -> list[tuple[str, tuple[str, ...], set[str]]]:
    """(text, question words matched, search terms) of every hit, best first."""
    with project.store.session() as session:
        index, layer = project_index(session, project.url)
        query = parse_question(question, index, catalogue_of(index, layer))
        hits = retrieval.rank(index, layer, query, session).hits
        matrix, vocabulary = index.term_matrix
        return [
            (
                index.texts[hit.row],
                hit.matched,
                {vocabulary[c] for c in matrix[hit.row].indices.tolist()},
            )
            for hit in hits
        ]


def test_feedback_brings_in_an_answer_that_shares_no_word_with_the_question(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retrieval, "FEEDBACK_DOCS", 0)
    first_pass = _ranked(project, COORDINATOR)
    assert first_pass and all(matched for _, matched, _ in first_pass)
    assert not any(STOP in text for text, _, _ in first_pass)

    monkeypatch.setattr(retrieval, "FEEDBACK_DOCS", 10)
    with_feedback = _ranked(project, COORDINATOR)
    position, (_, matched, terms) = next(
        (i, item) for i, item in enumerate(with_feedback) if STOP in item[0]
    )
    assert position < 10
    assert matched == ()  # neither the answer nor its interviewer question has a question word
    top_terms = set().union(*(t for _, _, t in first_pass[:10]))
    assert terms & top_terms  # it came in through the words of the first answers


def test_feedback_never_turns_no_evidence_into_an_answer(project: Project) -> None:
    assert retrieval.FEEDBACK_DOCS > 0
    assert project.ask("Hoe denken de scholen over cryptovaluta en blockchain?").no_evidence


def test_the_question_set_splits_by_id_parity_into_two_fixed_halves() -> None:
    questions = load_questions(DATA_DIR / "questions.jsonl")
    tuning, held_out = split_questions(list(reversed(questions)))
    assert [q["id"] for q in tuning][:4] == ["n01", "q01", "q03", "q05"]
    assert [q["id"] for q in held_out][:4] == ["n02", "q02", "q04", "q06"]
    assert len(tuning) + len(held_out) == len(questions)
    assert not {q["id"] for q in tuning} & {q["id"] for q in held_out}
    # each half has answerable questions and an unanswerable one
    for half in (tuning, held_out):
        assert any(q.get("no_evidence") for q in half)
        assert sum(1 for q in half if q["quotes"]) == 9
