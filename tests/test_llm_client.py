"""The language-model client against fake servers on 127.0.0.1: structured output, the one
repair attempt, retries, bounded concurrency and progress."""

from __future__ import annotations

import json
import threading

import pytest

from analysis.llm.client import Job, LLMClient, parse_json
from analysis.llm.config import LLMError
from tests.llm_support import fake_llm

SCHEMA = {"type": "object", "properties": {"label": {"type": "string"}}, "required": ["label"]}


def label(value: object) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("label"), str):
        raise ValueError('expected an object with a string "label"')
    return value["label"]


def job(text: str = "Noem het thema.") -> Job[str]:
    return Job([{"role": "user", "content": text}], SCHEMA, label, "label")


def test_a_reply_that_does_not_fit_gets_one_repair_request_quoting_the_error() -> None:
    replies = iter(['{"naam": "Ouders"}', '```json\n{"label": "Ouders"}\n```'])
    with fake_llm(lambda body: next(replies)) as fake:
        assert LLMClient(fake.config()).ask(job()) == "Ouders"
    repair = fake.requests[1]["body"]["messages"]
    assert [m["role"] for m in repair] == ["user", "assistant", "user"]
    assert 'expected an object with a string "label"' in repair[-1]["content"]


def test_a_second_unfit_reply_is_an_error() -> None:
    with fake_llm(lambda body: "Het thema is ouders.") as fake, \
            pytest.raises(LLMError, match="not valid JSON"):
        LLMClient(fake.config()).ask(job())
    assert len(fake.requests) == 2


def test_a_server_without_json_schema_support_is_asked_without_it() -> None:
    def answer(body: dict) -> str | int:
        return 400 if "response_format" in body else json.dumps({"label": "Ouders"})

    with fake_llm(answer) as fake:
        client = LLMClient(fake.config())
        assert client.ask(job()) == "Ouders" and client.ask(job("Nog een.")) == "Ouders"
    assert ["response_format" in r["body"] for r in fake.requests] == [True, False, False]
    assert "label" in json.dumps(fake.requests[0]["body"]["response_format"])


def test_a_kept_connection_the_server_closed_is_reopened_without_a_retry() -> None:
    themes = iter(["Ouders", "Stage"])
    with fake_llm(lambda body: json.dumps({"label": next(themes)}),
                  close_after_reply=True) as fake:
        client = LLMClient(fake.config(retries=0))
        first = client.ask(job("Noem het thema van het eerste fragment."))
        second = client.ask(job("Noem het thema van het tweede fragment."))
    assert (first, second) == ("Ouders", "Stage")
    assert len(fake.requests) == 2 and client.requests == 2


def test_a_server_error_is_retried_and_then_given_up() -> None:
    statuses = iter([503, 200])
    with fake_llm(lambda body: 503 if next(statuses) == 503 else '{"label": "x"}') as fake:
        assert LLMClient(fake.config(retries=1)).ask(job()) == "x"
    assert len(fake.requests) == 2
    with fake_llm(lambda body: 500) as fake, pytest.raises(LLMError, match="HTTP 500"):
        LLMClient(fake.config(retries=2)).ask(job())
    assert len(fake.requests) == 3


def test_requests_in_flight_stay_within_the_concurrency_and_progress_counts_all() -> None:
    lock, state = threading.Lock(), {"now": 0, "most": 0}
    gate = threading.Barrier(3, timeout=5)  # the first two jobs after the first meet here

    def answer(body: dict) -> str:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        if body["messages"][0]["content"] in ("1", "2"):
            gate.wait()  # proves two requests are in flight at once
        with lock:
            state["now"] -= 1
        return '{"label": "ok"}'

    seen: list[tuple[int, int]] = []
    with fake_llm(answer) as fake:
        client = LLMClient(fake.config(concurrency=2))
        threading.Thread(target=gate.wait, daemon=True).start()
        result = client.run([job(str(n)) for n in range(8)], lambda d, t: seen.append((d, t)))
    assert result.values == ["ok"] * 8 and result.errors == [None] * 8
    assert state["most"] == 2 and result.requests == 8  # never more than concurrency=2
    assert seen[-1] == (8, 8) and [d for d, _ in seen] == list(range(1, 9))


def test_parse_json_is_strict() -> None:
    assert parse_json(' {"a": 1} ') == {"a": 1}
    for text in ('Hier: {"a": 1}', '{"a": 1} klaar', ""):
        with pytest.raises(ValueError, match="no JSON"):
            parse_json(text)
