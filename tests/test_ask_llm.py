"""Answers by a language model, against fake OpenAI-compatible servers on 127.0.0.1.

The model composes a Dutch answer from the retrieved passages only; every sentence must end in
citations [n] to passages that share content words with it, else it is dropped before it is
shown. Nothing leaves this computer: the servers bind 127.0.0.1, and a remote URL is refused.
"""

from __future__ import annotations

import json

import pytest

from analysis import Project
from analysis.llm.citations import check
from analysis.llm.client import Job, LLMClient
from analysis.llm.config import LLMConfig, LLMError, check_endpoint
from analysis.project import ProjectError
from tests.llm_support import fake_llm

OUDERS = "Wat zeggen bestuurders over de rol van ouders?"


def reply(text: str) -> str:
    return json.dumps({"antwoord": text}, ensure_ascii=False)


def use_model(project: Project, url: str) -> None:
    project.set_setting("llm_url", url)
    project.set_setting("llm_model", "llama-test")
    project.set_setting("llm_retries", 0)


def test_an_invented_sentence_is_dropped_and_a_supported_one_kept() -> None:
    passages = {
        1: "Ouders beslissen vaak mee of hun zoon of dochter mee mag op buitenlandstage.",
        2: "We meten de opbrengst met een vragenlijst na terugkomst, maar die zegt weinig.",
    }
    text = (
        "Ouders beslissen mee over de stage [1]. "
        "Elke school organiseert een ouderavond [1]. "
        "De vragenlijst na terugkomst zegt weinig [2].\n"
        "- Ook ouders en de vragenlijst komen terug [1, 2]\n"
        "Dit staat in een verslag [3]. Dit citeert verkeerd (1). Geen bron hier."
    )
    kept, dropped = check(text, passages)
    assert [s.text for s in kept] == [
        "Ouders beslissen mee over de stage [1].",
        "De vragenlijst na terugkomst zegt weinig [2].",
        "Ook ouders en de vragenlijst komen terug [1, 2]",
    ]
    assert kept[2].citations == (1, 2)
    assert dropped == [
        "Elke school organiseert een ouderavond [1].",  # no content word of passage 1
        "Dit staat in een verslag [3].",  # no passage 3
        "Dit citeert verkeerd (1).",
        "Geen bron hier.",
    ]


def test_the_model_answers_from_numbered_passages_and_only_supported_sentences_survive(
    sample_project: Project,
) -> None:
    plain = sample_project.ask(OUDERS, top_k=3, use_llm=False)
    first, second = plain.quotes[0], plain.quotes[1]
    word_1 = max(first.text.split(), key=len).strip(".,?!")
    word_2 = max(second.text.split(), key=len).strip(".,?!")
    answer_text = (
        f"Bestuurders noemen {word_1} [1]. "
        "Daarom organiseert elke school een ouderavond. "
        f"Ook {word_2} komt terug [2]. "
        f"Dat {word_1} bleek uit de gesprekken [9]."
    )
    with fake_llm(lambda body: reply(answer_text)) as fake:
        use_model(sample_project, fake.url)
        answer = sample_project.ask(OUDERS, top_k=3)
    assert len(fake.requests) == 1
    request = fake.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "llama-test"
    prompt = request["body"]["messages"][-1]["content"]
    for number, quote in enumerate(answer.quotes, start=1):
        assert f"[{number}] ({quote.institution})" in prompt
    generated = answer.generated
    assert [s.text for s in generated.sentences] == [
        f"Bestuurders noemen {word_1} [{first.id}].",
        f"Ook {word_2} komt terug [{second.id}].",
    ]
    assert generated.sentences[0].citations == (first.id,)
    assert generated.dropped == [
        "Daarom organiseert elke school een ouderavond.",
        f"Dat {word_1} bleek uit de gesprekken [9].",
    ]
    text = answer.to_text()
    assert "Samenvatting door taalmodel (llama-test)" in text
    assert "ouderavond" not in text
    assert answer.to_dict()["generated"]["dropped"] == generated.dropped


def test_a_follow_up_question_sends_the_conversation(sample_project: Project) -> None:
    def answer(body: dict) -> str:
        line = body["messages"][-1]["content"].split("[1] (", 1)[1].split("\n")[0]
        passage = line.split(") ", 1)[1]  # after the college's name
        word = max(passage.split(), key=len).strip(".,?!()")
        return reply(f"Het gaat om {word} [1].")

    with fake_llm(answer) as fake:
        use_model(sample_project, fake.url)
        conversation = sample_project.new_conversation()
        first = sample_project.ask(OUDERS, top_k=3, conversation=conversation)
        sample_project.ask("En bij niveau 2-studenten?", top_k=3, conversation=conversation)
    assert first.generated.sentences
    follow_up = fake.requests[1]["body"]["messages"]
    assert [m["role"] for m in follow_up] == ["system", "user", "assistant", "user"]
    assert follow_up[1]["content"] == OUDERS
    assert follow_up[2]["content"] == first.generated.text
    assert len(fake.requests[0]["body"]["messages"]) == 2  # a first question has no history


def test_no_evidence_means_no_request_and_off_by_default(
    sample_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTERVIEWS_LLM_URL", raising=False)
    assert sample_project.ask(OUDERS, top_k=2).generated is None
    with fake_llm(lambda body: reply("Kernenergie [1].")) as fake:
        use_model(sample_project, fake.url)
        answer = sample_project.ask("Wat zeggen bestuurders over kernenergie?")
    assert answer.no_evidence and answer.generated is None
    assert fake.requests == []


def test_a_failing_model_leaves_the_answer_standing_with_a_note(sample_project: Project) -> None:
    with fake_llm(lambda body: 500) as fake:
        use_model(sample_project, fake.url)
        answer = sample_project.ask(OUDERS, top_k=3)
    assert answer.generated is None
    assert len(answer.quotes) == 3 and answer.summary
    assert any("HTTP 500" in note for note in answer.notes)


def test_the_same_question_twice_sends_one_request(sample_project: Project) -> None:
    with fake_llm(lambda body: reply("Ouders beslissen mee [1].")) as fake:
        use_model(sample_project, fake.url)
        sample_project.ask(OUDERS, top_k=3)
        again = sample_project.ask(OUDERS, top_k=3)
    assert len(fake.requests) == 1
    assert again.generated is not None


def test_system_proxies_are_bypassed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # the discard port: would fail
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with fake_llm(lambda body: reply("Ouders beslissen mee [1].")) as fake:
        client = LLMClient(fake.config())
        job = Job([{"role": "user", "content": "x"}], {"type": "object"}, lambda v: v)
        assert client.ask(job) == {"antwoord": "Ouders beslissen mee [1]."}


def test_only_a_server_on_this_computer_is_allowed_unless_remote_is_allowed() -> None:
    check_endpoint(LLMConfig(url="http://localhost:11434/v1", model="m"))
    check_endpoint(LLMConfig(url="http://[::1]:8080/v1/chat/completions", model="m"))
    with pytest.raises(LLMError, match=r"not on this computer.*--allow-remote"):
        check_endpoint(LLMConfig(url="http://10.1.2.3:11434/v1", model="m"))
    with pytest.raises(LLMError, match="not an http"):
        check_endpoint(LLMConfig(url="ftp://127.0.0.1/v1", model="m"))
    with pytest.raises(LLMError, match="no language model chosen"):
        check_endpoint(LLMConfig(url="http://127.0.0.1:8080/v1", model=""))
    check_endpoint(LLMConfig(url="https://models.example/v1", model="m", allow_remote=True))


def test_use_llm_true_without_a_configured_model_is_a_user_error(
    sample_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTERVIEWS_LLM_URL", raising=False)
    with pytest.raises(ProjectError, match="no language model configured"):
        sample_project.ask(OUDERS, use_llm=True)
