"""Topic labels and findings paragraphs by a language model (fake servers on 127.0.0.1): data
in, data out, held to the passages they rest on."""

from __future__ import annotations

import json

import pytest

from analysis import Project
from analysis.llm.client import LLMClient
from analysis.llm.prose import Point, TopicText, label_topics, rewrite_paragraph
from tests.llm_support import fake_llm

PASSAGES = {
    "S12": "Wij meten de opbrengst met een vragenlijst na terugkomst, maar die zegt weinig over "
           "wat een student echt geleerd heeft.",
    "S40": "De docenten zien dat studenten zelfstandiger terugkomen; dat staat nergens in een "
           "cijfer.",
}
POINTS = [
    Point("Colleges meten de opbrengst vooral met een vragenlijst na terugkomst.", ("S12",)),
    Point("Docenten zien meer zelfstandigheid, maar dat komt niet in cijfers terug.", ("S40",)),
]


def _rewrite(text: str) -> object:
    with fake_llm(lambda body: json.dumps({"alinea": text})) as fake:
        paragraph = rewrite_paragraph(POINTS, PASSAGES, LLMClient(fake.config(retries=0)))
    return paragraph, fake


def test_a_fluent_rewrite_that_keeps_every_citation_is_used() -> None:
    paragraph, fake = _rewrite(
        "De opbrengst wordt meestal gemeten met een vragenlijst na terugkomst [1]. "
        "Wat docenten zien, zelfstandiger studenten, staat in geen enkel cijfer [2]."
    )
    assert paragraph.rewritten
    assert [(s.text, s.citations) for s in paragraph.sentences] == [
        ("De opbrengst wordt meestal gemeten met een vragenlijst na terugkomst.", ("S12",)),
        ("Wat docenten zien, zelfstandiger studenten, staat in geen enkel cijfer.", ("S40",)),
    ]
    prompt = fake.requests[0]["body"]["messages"][-1]["content"]
    assert "[1] Wij meten de opbrengst" in prompt and "terugkomst. [1]" in prompt


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("De opbrengst wordt gemeten met een vragenlijst [1]. Alle colleges zijn tevreden [2].",
         "not supported"),
        ("De opbrengst wordt gemeten met een vragenlijst na terugkomst [1].", "lost citation S40"),
    ],
)
def test_an_invented_sentence_or_a_lost_citation_keeps_the_points(
    reply: str, reason: str
) -> None:
    paragraph, _ = _rewrite(reply)
    assert not paragraph.rewritten and reason in paragraph.reason
    assert paragraph.sentences == POINTS and paragraph.citations == ["S12", "S40"]


def test_a_failing_server_keeps_the_points() -> None:
    with fake_llm(lambda body: 503) as fake:
        paragraph = rewrite_paragraph(POINTS, PASSAGES, LLMClient(fake.config(retries=0)))
    assert not paragraph.rewritten and "HTTP 503" in paragraph.reason


def test_a_citation_without_its_passage_is_a_caller_error() -> None:
    with fake_llm(lambda body: 500) as fake, pytest.raises(ValueError, match="S99"):
        rewrite_paragraph([Point("Iets.", ("S99",))], PASSAGES, LLMClient(fake.config()))


def test_topic_labels_must_rest_on_the_keywords_or_examples() -> None:
    topics = [
        TopicText(["ouder", "ouderavond", "toestemming"],
                  ["De ouders moeten eerst overtuigd worden voordat een student mag gaan."]),
        TopicText(["euregio", "grens", "duits"], ["We werken veel samen over de grens."]),
        TopicText(["stage", "buitenland"], ["Stages in het buitenland zijn populair."]),
    ]
    answers = iter(["ouders overtuigen", "Kernenergie en klimaatbeleid",
                    "een heel lang label dat veel te veel woorden heeft voor een thema"])

    with fake_llm(lambda body: json.dumps({"label": next(answers)})) as fake:
        labels = label_topics(topics, LLMClient(fake.config()))
    assert labels == ["Ouders overtuigen", None, None]
    assert "Trefwoorden: ouder, ouderavond, toestemming" in (
        fake.requests[0]["body"]["messages"][-1]["content"]
    )


def test_the_topics_of_a_run_are_named_once_and_the_names_stored(
    empty_project: Project,
) -> None:
    from tests.test_topics_small import build_corpus

    build_corpus(empty_project, per_theme=5)
    run_id = empty_project.run_topics(seed=0)

    def answer(body: dict) -> str:
        keywords = body["messages"][-1]["content"].split("Trefwoorden: ", 1)[1].split("\n")[0]
        return json.dumps({"label": f"thema {keywords.split(', ')[0]}"})

    with fake_llm(answer) as fake:
        empty_project.set_setting("llm_url", fake.url)
        empty_project.set_setting("llm_model", "fake-model")
        named = empty_project.label_topics(run_id)
        frame = empty_project.topics(run_id)
        assert named and set(named) == set(frame["id"])
        for row in frame.itertuples():
            assert row.label == f"Thema {row.keywords.split(', ')[0]}"
        sent = len(fake.requests)
        assert empty_project.label_topics(run_id) == {}  # named already: left alone
        assert len(fake.requests) == sent
