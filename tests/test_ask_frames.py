"""Question frames are not content, and a question that shares content is never 'no evidence'.

Issue 19: "Hoe proberen instellingen de opbrengst van internationalisering te meten, en waar
lopen ze daarbij tegenaan?" answered "Geen bewijs gevonden" because "proberen", "lopen" and
"tegenaan" were required content, although every college talks about measuring.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import Project
from analysis.ask import NO_EVIDENCE
from analysis.ask.engine import catalogue_of
from analysis.ask.frames import FRAMES, frame_spans
from analysis.ask.index import project_index
from analysis.ask.query import parse_question

MEASURING = (
    "Hoe proberen instellingen de opbrengst van internationalisering te meten, en waar lopen ze "
    "daarbij tegenaan?"
)
ANCHORING = (
    "In hoeverre is internationalisering verankerd in teamplannen, de gesprekscyclus en de "
    "kwaliteitszorg, en wat zijn de ambities daarvoor?"
)


@pytest.fixture(scope="module")
def project(sample_db: Path) -> Iterator[Project]:
    with Project(sample_db) as opened:
        yield opened


def concept_words(project: Project, question: str) -> list[str]:
    with project.store.session() as session:
        index, layer = project_index(session, project.url)
        query = parse_question(question, index, catalogue_of(index, layer))
    return [concept.word for concept in query.concepts]


@pytest.mark.parametrize(("pattern", "example"), FRAMES, ids=[e for _, e in FRAMES])
def test_every_frame_phrase_matches_its_own_example(pattern: re.Pattern[str], example: str) -> None:
    assert pattern.search(example.lower()), example
    assert frame_spans(example)


@pytest.mark.parametrize(
    ("question", "frame", "content"),
    [
        (MEASURING, ["proberen", "lopen", "tegenaan"], ["opbrengst", "meten"]),
        ("Waar lopen docenten tegen aan als ze een week weg willen?", ["lopen"], ["docenten"]),
        (ANCHORING, ["hoeverre", "ambities"], ["teamplannen", "gesprekscyclus", "kwaliteitszorg"]),
        ("Wat zijn de ambities van de scholen met hun partners in het buitenland?",
         ["ambities"], ["partners", "buitenland"]),
        ("Op welke manier bereiden scholen studenten voor op hun stage?",
         ["manier"], ["studenten", "stage"]),
        ("Welke rol speelt de ouderavond bij de keuze van meisjes om te gaan?",
         ["rol", "speelt"], ["ouderavond", "meisjes"]),
        ("Hoe zorgen scholen ervoor dat ook entreestudenten naar het buitenland gaan?",
         ["zorgen"], ["niveau 1", "buitenland"]),
    ],
)
def test_frame_words_are_dropped_and_content_words_kept(
    project: Project, question: str, frame: list[str], content: list[str]
) -> None:
    words = concept_words(project, question)
    for word in frame:
        assert word not in words, (word, words)
    for word in content:
        assert word in words, (word, words)


def test_a_frame_word_alone_is_content_and_a_question_that_is_all_frame_keeps_its_words(
    project: Project,
) -> None:
    assert "lopen" in concept_words(project, "Waar lopen de studenten van de zorg stage?")
    assert concept_words(project, "Wat zijn de ambities?") == ["ambities"]
    assert concept_words(project, "Welke rol speelt de bestuurder?") == ["bestuurder"]


def test_the_issues_measuring_question_is_answered_by_several_colleges(project: Project) -> None:
    answer = project.ask(MEASURING)
    assert not answer.no_evidence, answer.count_text
    colleges = {quote.institution for quote in answer.quotes}
    assert len(colleges) >= 5, colleges
    said = " ".join(quote.text.lower() for quote in answer.quotes)
    assert "meten" in said and "tellen" in said


def test_the_issues_anchoring_question_is_answered_about_part_of_it_and_says_so(
    project: Project,
) -> None:
    answer = project.ask(ANCHORING)
    assert not answer.no_evidence, answer.count_text
    assert "wel over een deel" in answer.count_text
    for quote in answer.quotes:
        said = (quote.text + " " + quote.question).lower()
        assert re.search(r"teamplan|gesprekscyclus|kwaliteit|verankerd", said), said
    assert len({quote.institution for quote in answer.quotes}) >= 4


def test_no_evidence_only_when_nothing_shares_the_content_and_it_names_the_words(
    project: Project,
) -> None:
    answer = project.ask("Wat zeggen bestuurders over kernenergie en kerncentrales?")
    assert answer.no_evidence and answer.count_text.startswith(NO_EVIDENCE)
    assert "kernenergie" in answer.count_text
    assert "Geen enkel interview gebruikt: kernenergie, kerncentrales." in answer.notes
    assert "Geen enkel interview gebruikt" in answer.to_text()
    # the parts of a compound nobody uses are not its content ("vaart" of fishing boats)
    assert project.ask("Wat zeggen ze over ruimtevaart en astronauten?").no_evidence
    # A subject nobody mentioned beside words that are used: a weak answer, said to be one.
    brexit = project.ask(
        "Wat zeggen bestuurders over de gevolgen van de Brexit voor stages in het Verenigd "
        "Koninkrijk?"
    )
    assert not brexit.no_evidence
    assert "Geen enkel interview gebruikt: brexit, verenigd, koninkrijk." in brexit.notes
    assert "wel over een deel" in brexit.count_text and not brexit.institutions
    for quote in brexit.quotes:  # each shares a word that interviews do use
        assert quote.matched and set(quote.matched) <= {"gevolgen", "stages"}, quote.matched


def test_when_no_passage_covers_the_whole_question_the_ranking_relaxes_and_says_so(
    project: Project,
) -> None:
    # No passage mentions the ferry, the storm and the rain together; each is mentioned once.
    answer = project.ask("Welke rol spelen de veerboot, de storm en de regen in de gesprekken?")
    assert not answer.no_evidence
    assert any("Geen fragment gaat over de hele vraag" in note for note in answer.notes)
    assert "wel over een deel" in answer.count_text
    for quote in answer.quotes[:3]:  # in the passage or in the question it answers
        said = (quote.text + " " + quote.question).lower()
        assert re.search(r"veerboot|storm|regen", said), said
    assert {"Scheldewaard College", "Wadden Vakschool"} <= {q.institution for q in answer.quotes}


def test_the_relaxed_ranking_turns_to_the_codebook_theme_of_the_question(project: Project) -> None:
    # Four things no passage names together; "paspoort" is a keyword of inclusion.barriers.
    answer = project.ask(
        "Wat zeggen bestuurders over paspoorten, de veerboot, de bitterballen en de cappuccino?"
    )
    [note] = [n for n in answer.notes if "Geen fragment gaat over de hele vraag" in n]
    assert "(inclusion.barriers) in het codeboek" in note
    assert answer.quotes and all("paspoort" in q.text.lower() for q in answer.quotes)
