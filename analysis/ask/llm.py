"""An optional summary written by a local language model, kept honest by citations.

Off by default and never required: it runs only when the project setting ``ask_llm_url`` names
an OpenAI-compatible endpoint (a local Ollama, llama.cpp or vLLM server:
``http://127.0.0.1:11434/v1``), with the model in ``ask_llm_model``. The model sees only the
question and the answer's quotes, each with its id (``[S12]``), and is told to end every
sentence with the ids it rests on. Its reply is then checked sentence by sentence: a sentence
without a citation, or citing an id that is not one of the quotes, is dropped and listed as
dropped. What remains is shown beside, never instead of, the quotes and the extractive summary.

Interview data is personal data, so the endpoint must be on this computer (a loopback
address) unless the setting ``ask_llm_allow_remote`` is true, and system proxy settings are
ignored. The request uses the standard library (``urllib``): one POST needs no extra package.
"""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

URL_SETTING = "ask_llm_url"
MODEL_SETTING = "ask_llm_model"
ALLOW_REMOTE_SETTING = "ask_llm_allow_remote"
TIMEOUT_SETTING = "ask_llm_timeout"
DEFAULT_TIMEOUT = 120.0
MAX_SENTENCES = 5

SYSTEM_PROMPT = (
    "Je bent een zorgvuldige onderzoeksassistent. Je vat citaten uit interviews met "
    "bestuurders van mbo-instellingen samen, in het Nederlands. Gebruik uitsluitend wat in de "
    "citaten staat en verzin niets. Sluit elke zin af met de id's van de citaten waarop die zin "
    "steunt, tussen blokhaken, bijvoorbeeld [S12] of [S12, S40]. Een zin zonder geldige bron "
    f"wordt weggelaten. Schrijf hoogstens {MAX_SENTENCES} zinnen, zonder opsomming of kopjes."
)

_CITATION = re.compile(r"\[\s*(S\d+(?:\s*[,;]\s*S\d+)*)\s*\]")
_ANY_BRACKET = re.compile(r"\[[^\]]*\]")
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)(?:\s*\[[^\]]*\])*")
_ID = re.compile(r"S\d+")


class LLMError(RuntimeError):
    """The language model could not be asked or gave no usable reply, in one sentence."""


@dataclass(frozen=True)
class LLMSettings:
    """Where the local model is: the base URL of its OpenAI-compatible API and the model."""

    url: str
    model: str
    timeout: float = DEFAULT_TIMEOUT
    allow_remote: bool = False
    api_key: str | None = None

    @classmethod
    def from_settings(cls, setting: Callable[[str, object], object]) -> LLMSettings | None:
        """The settings from a project's ``setting(key, default)``; None when not configured."""
        url = str(setting(URL_SETTING, "") or "").strip()
        if not url:
            return None
        return cls(
            url=url,
            model=str(setting(MODEL_SETTING, "") or "").strip(),
            timeout=float(setting(TIMEOUT_SETTING, DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT),
            allow_remote=bool(setting(ALLOW_REMOTE_SETTING, False)),
        )

    @property
    def endpoint(self) -> str:
        """The chat-completions URL (the setting may be the API's base or the full URL)."""
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


@dataclass(frozen=True)
class CitedSentence:
    text: str
    citations: tuple[str, ...]


@dataclass
class GeneratedSummary:
    """The model's sentences that cite valid quotes, and those that were dropped."""

    model: str
    sentences: list[CitedSentence] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "sentences": [{"text": s.text, "citations": list(s.citations)} for s in self.sentences],
            "dropped": self.dropped,
        }


def check_endpoint(settings: LLMSettings) -> None:
    """Refuse an endpoint that is not http(s) or, unless allowed, not on this computer."""
    parts = urlsplit(settings.endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMError(f"the language model URL {settings.url!r} is not an http(s) URL")
    if settings.allow_remote:
        return
    host = parts.hostname
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    if not local:
        raise LLMError(
            f"the language model at {host} is not on this computer; interview data stays local "
            f"(set {ALLOW_REMOTE_SETTING} to true to allow it)"
        )


def messages(question: str, quotes: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """The chat messages: the rules, then the question and the quotes (id, college, text)."""
    listed = "\n".join(
        f"[{quote_id}] ({institution}) {' '.join(text.split())}"
        for quote_id, institution, text in quotes
    )
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Vraag: {question}\n\nCitaten:\n{listed}"},
    ]


def generate_summary(
    question: str, quotes: list[tuple[str, str, str]], settings: LLMSettings
) -> GeneratedSummary:
    """Ask the model for a cited summary of ``quotes`` (id, college, text) and check it."""
    check_endpoint(settings)
    if not settings.model:
        raise LLMError("no language model chosen (set ask_llm_model)")
    payload = {
        "model": settings.model,
        "messages": messages(question, quotes),
        "temperature": 0,
        "stream": False,
    }
    reply = _post(settings, payload)
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as error:
        raise LLMError("the language model's reply has no message content") from error
    kept, dropped = checked_sentences(str(content), {quote_id for quote_id, _, _ in quotes})
    return GeneratedSummary(model=settings.model, sentences=kept, dropped=dropped)


def checked_sentences(text: str, valid: set[str]) -> tuple[list[CitedSentence], list[str]]:
    """Split a reply into sentences; keep those that cite, and cite only ids in ``valid``."""
    lines = (line.strip().lstrip("-*•").strip() for line in text.splitlines())
    kept: list[CitedSentence] = []
    dropped: list[str] = []
    # A line break ends a sentence too: models write lists without full stops.
    sentences = (m.group(0).strip() for line in lines for m in _SENTENCE.finditer(line))
    for sentence in sentences:
        if not sentence:
            continue
        cited = [i for group in _CITATION.findall(sentence) for i in _ID.findall(group)]
        brackets = _ANY_BRACKET.findall(sentence)
        well_formed = len(brackets) == len(_CITATION.findall(sentence))
        if cited and well_formed and all(i in valid for i in cited):
            kept.append(CitedSentence(sentence, tuple(dict.fromkeys(cited))))
        else:
            dropped.append(sentence)
    return kept, dropped


def _post(settings: LLMSettings, payload: dict[str, Any]) -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    request = urllib.request.Request(
        settings.endpoint, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST"
    )
    # No proxies: a system proxy would carry interview text off this computer.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=settings.timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        message = f"the language model at {settings.endpoint} answered HTTP {error.code}"
        raise LLMError(message) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        message = f"cannot reach the language model at {settings.endpoint}: {reason}"
        raise LLMError(message) from error
    try:
        reply = json.loads(body)
    except ValueError as error:
        raise LLMError("the language model's reply is not JSON") from error
    if not isinstance(reply, dict):
        raise LLMError("the language model's reply is not a JSON object")
    return reply
