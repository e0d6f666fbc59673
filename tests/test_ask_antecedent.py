"""A segment that opens with "die" or "daar" is also found by the words of the sentence before
it, and the blind question set is a usable, separate measurement."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import Project
from analysis.ask import retrieval
from analysis.ask.engine import catalogue_of
from analysis.ask.evaluation import evaluate, load_questions
from analysis.ask.index import antecedent_documents, project_index
from analysis.ask.query import parse_question
from analysis.nlp import refers_back
from tests.conftest import DATA_DIR

COMPANIES = "Wat vragen bedrijven in de regio van studenten als het gaat om internationaal werken?"
# Lindenhorst: "De installatiebedrijven hier werken steeds vaker in Duitsland, ..." and then,
# as a segment of its own, this answer, whose "Die" are those companies.
ANAPHORIC_ANSWER = "Die vragen ons: kunnen jullie studenten een beetje Duits?"


@pytest.fixture(scope="module")
def project(sample_db: Path) -> Iterator[Project]:
    with Project(sample_db) as opened:
        yield opened


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("En die doet nu elke ochtend een veiligheidsbriefing.", True),
        ("Daar hebben we nu een oplossing voor gevonden.", True),
        ("Ja, dat is echt een groei.", True),
        ("Maar, eh, toen bleek dat de examens verschoven waren.", True),
        ("Een van onze lasdocenten is twee weken naar Bilbao geweest.", False),
        ("Vervanging, vooral.", False),
        ("En de ouders zeggen ook: wat moet hij daar?", False),
        ("", False),
    ],
)
def test_refers_back_looks_at_the_first_real_word(text: str, expected: bool) -> None:
    assert refers_back(text) is expected


def test_only_a_segment_that_refers_back_inherits_the_words_before_it_in_its_own_turn() -> None:
    documents = [["lasdocent", "bilbao"], ["ochtend", "briefing"], ["collega"], ["werkdruk"]]
    turns = [1, 1, 1, 2]
    texts = [
        "Een van onze lasdocenten is naar Bilbao geweest.",
        "En die doet nu elke ochtend een briefing.",
        "Zijn collega's kwamen kijken.",  # no pronoun first: nothing inherited
        "Die werkdruk, ja.",  # a pronoun, but the first segment of a new turn
    ]
    assert antecedent_documents(documents, turns, texts) == [
        [], ["lasdocent", "bilbao"], [], []
    ]


def _first_five(project: Project, question: str) -> list[str]:
    with project.store.session() as session:
        index, layer = project_index(session, project.url)
        query = parse_question(question, index, catalogue_of(index, layer))
        hits = retrieval.rank(index, layer, query, session).hits
        return [index.texts[hit.row] for hit in hits[:5]]


def test_an_answer_that_says_die_for_the_companies_is_found_through_the_sentence_before(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retrieval, "ANTECEDENT_WEIGHT", 0.0)
    assert not any(ANAPHORIC_ANSWER in text for text in _first_five(project, COMPANIES))
    monkeypatch.setattr(retrieval, "ANTECEDENT_WEIGHT", 1.0)
    assert any(ANAPHORIC_ANSWER in text for text in _first_five(project, COMPANIES))


def test_the_blind_question_set_is_separate_verbatim_and_scorable(project: Project) -> None:
    blind = load_questions(DATA_DIR / "questions_blind.jsonl")
    judged = load_questions(DATA_DIR / "questions.jsonl")
    assert len([q for q in blind if q["quotes"]]) >= 12
    assert any(q.get("no_evidence") for q in blind)
    assert not {q["id"] for q in blind} & {q["id"] for q in judged}
    assert not {q["question"] for q in blind} & {q["question"] for q in judged}
    with project.store.session() as session:
        # evaluate() raises when a passage is not verbatim respondent speech
        result = evaluate(session, project.url, blind, k=5)
    # Every answerable blind question gets quotes (issue 19); the unanswerable Brexit question
    # gets a weak answer said to be one (tests/test_ask_frames.py), no longer "geen bewijs".
    assert result.false_no_evidence == 0
    # A guard against breakage, far under the README figure; never a target to tune towards.
    assert result.recall >= 0.35
