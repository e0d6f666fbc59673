"""The optional summary by a local language model, against a fake OpenAI-compatible server.

The server is ``http.server`` on 127.0.0.1 in a thread, started by each test; it records the
requests it gets and replies with a canned completion, so nothing leaves this computer.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from analysis import Project
from analysis.ask.llm import (
    LLMError,
    LLMSettings,
    check_endpoint,
    checked_sentences,
    generate_summary,
)
from analysis.project import ProjectError

OUDERS = "Wat zeggen bestuurders over de rol van ouders?"


@dataclass
class FakeModel:
    """What the fake server answers, and what it was asked."""

    reply: str = ""
    status: int = 200
    requests: list[dict] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def fake_model() -> Iterator[FakeModel]:
    model = FakeModel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            model.requests.append({"path": self.path, "body": json.loads(body)})
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": model.reply}}]}
            ).encode()
            self.send_response(model.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    model.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield model
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_uncited_and_wrongly_cited_sentences_are_dropped() -> None:
    reply = (
        "Ouders beslissen vaak mee over een reis [S35]. "
        "Bestuurders vinden ouders belangrijk. "
        "Een moeder overtuigt andere ouders. [S406] "
        "Alle scholen hebben een ouderavond [S999].\n"
        "- Soms helpt de eigen taal [S37, S35]\n"
        "Dit staat in [S35, S999]. Dit citeert verkeerd (S35)."
    )
    kept, dropped = checked_sentences(reply, {"S35", "S37", "S406"})
    assert [s.text for s in kept] == [
        "Ouders beslissen vaak mee over een reis [S35].",
        "Een moeder overtuigt andere ouders. [S406]",
        "Soms helpt de eigen taal [S37, S35]",
    ]
    assert kept[2].citations == ("S37", "S35")
    assert dropped == [
        "Bestuurders vinden ouders belangrijk.",
        "Alle scholen hebben een ouderavond [S999].",
        "Dit staat in [S35, S999].",
        "Dit citeert verkeerd (S35).",
    ]


def test_the_model_gets_the_quotes_with_ids_and_only_cited_sentences_survive(
    sample_project: Project, fake_model: FakeModel
) -> None:
    sample_project.set_setting("ask_llm_url", fake_model.url)
    sample_project.set_setting("ask_llm_model", "llama-test")
    plain = sample_project.ask(OUDERS, top_k=3, use_llm=False)
    first, second = plain.quotes[0].id, plain.quotes[1].id
    fake_model.reply = (
        f"Ouders spelen een grote rol bij de keuze [{first}]. "
        "Daarom organiseert elke school een ouderavond. "
        f"Ook ouders van vorig jaar helpen [{second}]. "
        "Dat bleek uit de gesprekken [S999999]."
    )
    answer = sample_project.ask(OUDERS, top_k=3)
    assert len(fake_model.requests) == 1
    request = fake_model.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "llama-test"
    prompt = request["body"]["messages"][-1]["content"]
    for quote in answer.quotes:
        assert f"[{quote.id}]" in prompt
    generated = answer.generated
    assert [s.text for s in generated.sentences] == [
        f"Ouders spelen een grote rol bij de keuze [{first}].",
        f"Ook ouders van vorig jaar helpen [{second}].",
    ]
    assert generated.dropped == [
        "Daarom organiseert elke school een ouderavond.",
        "Dat bleek uit de gesprekken [S999999].",
    ]
    text = answer.to_text()
    assert "Samenvatting door taalmodel (llama-test)" in text
    assert "elke school een ouderavond" not in text
    assert answer.to_dict()["generated"]["dropped"] == generated.dropped


def test_the_model_is_off_by_default_and_not_asked_without_evidence(
    sample_project: Project, fake_model: FakeModel
) -> None:
    assert sample_project.ask(OUDERS, top_k=2).generated is None
    sample_project.set_setting("ask_llm_url", fake_model.url)
    sample_project.set_setting("ask_llm_model", "llama-test")
    answer = sample_project.ask("Wat zeggen bestuurders over kernenergie?")
    assert answer.no_evidence and answer.generated is None
    assert fake_model.requests == []


def test_a_failing_model_leaves_the_answer_standing_with_a_note(
    sample_project: Project, fake_model: FakeModel
) -> None:
    fake_model.status = 500
    sample_project.set_setting("ask_llm_url", fake_model.url)
    sample_project.set_setting("ask_llm_model", "llama-test")
    answer = sample_project.ask(OUDERS, top_k=3)
    assert answer.generated is None
    assert len(answer.quotes) == 3 and answer.summary
    assert any("HTTP 500" in note for note in answer.notes)


def test_system_proxies_are_bypassed(
    fake_model: FakeModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # the discard port: would fail
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    fake_model.reply = "Ouders beslissen mee [S1]."
    summary = generate_summary(
        OUDERS, [("S1", "ROC Amstelduin", "De ouders beslissen mee.")],
        LLMSettings(url=fake_model.url, model="m"),
    )
    assert [s.text for s in summary.sentences] == ["Ouders beslissen mee [S1]."]


def test_only_an_endpoint_on_this_computer_is_allowed_unless_remote_is_allowed() -> None:
    check_endpoint(LLMSettings(url="http://localhost:11434/v1", model="m"))
    check_endpoint(LLMSettings(url="http://[::1]:8080/v1/chat/completions", model="m"))
    with pytest.raises(LLMError, match="not on this computer"):
        check_endpoint(LLMSettings(url="http://10.1.2.3:11434/v1", model="m"))
    with pytest.raises(LLMError, match="not an http"):
        check_endpoint(LLMSettings(url="ftp://127.0.0.1/v1", model="m"))
    check_endpoint(LLMSettings(url="https://models.example/v1", model="m", allow_remote=True))


def test_use_llm_true_without_a_configured_model_is_a_user_error(
    sample_project: Project,
) -> None:
    with pytest.raises(ProjectError, match="no language model configured"):
        sample_project.ask(OUDERS, use_llm=True)
