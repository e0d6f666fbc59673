"""The one client for an OpenAI-compatible chat-completions server.

- Requests use the standard library (``http.client``), which never consults the system's
  proxy settings (a proxy would carry interview text off this computer), with a timeout per
  request. Each worker thread keeps its connection open (HTTP/1.1 keep-alive): a new TCP
  connection per segment cost more than the request itself on a local server. A kept
  connection that the server has closed meanwhile is reopened once, without counting as a retry.
- A timeout, a refused connection, HTTP 429 or 5xx is retried ``retries`` times with a
  doubling pause; other HTTP errors are not (they will not change).
- ``run`` sends many requests with at most ``concurrency`` in flight and reports progress.
  The first request goes alone: when the server is absent or broken the run stops there with
  one message instead of one per request.
- Structured output: the JSON schema is sent as ``response_format`` (OpenAI, vLLM, llama.cpp,
  Ollama accept it); a server that rejects it with HTTP 400 is asked again without it, the
  schema then being in the prompt only. The reply is parsed strictly (one JSON object, checked
  by the caller's ``validate``); a reply that fails gets one repair request that quotes the
  error, and a second failure is an error. A refusal (``message.refusal``) is an error.
- Replies that pass are cached (``cache.ResponseCache``), so a re-run asks nothing.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from analysis.llm.cache import ResponseCache, cache_key
from analysis.llm.config import LLMConfig, LLMError, check_endpoint

T = TypeVar("T")
Messages = list[dict[str, str]]
Validate = Callable[[Any], T]  # raises ValueError with a reason the model can act on
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class TransportError(LLMError):
    """The server could not be reached or answered with an HTTP error (after retries)."""


@dataclass(frozen=True)
class Job(Generic[T]):
    """One request: the messages, the schema of the expected JSON reply, and its check."""

    messages: Messages
    schema: dict[str, Any]
    validate: Validate[T]
    name: str = "reply"  # the schema's name for ``response_format``


@dataclass
class RunResult(Generic[T]):
    """Per job its value or its error (in job order), and how many requests were sent."""

    values: list[T | None]
    errors: list[LLMError | None]
    requests: int = 0
    cached: int = 0

    def messages(self) -> list[str]:
        """One line per kind of failure with its count, for the CLI and the app."""
        counts: dict[str, int] = {}
        for error in self.errors:
            if error is not None:
                counts[str(error)] = counts.get(str(error), 0) + 1
        total = len(self.errors)
        return [f"{text} ({n} of {total})" for text, n in counts.items()]


@dataclass
class LLMClient:
    """Talks to one configured model; ``cache`` None sends every request."""

    config: LLMConfig
    cache: ResponseCache | None = None
    structured: bool = True  # becomes False when the server rejects response_format
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def __post_init__(self) -> None:
        check_endpoint(self.config)

    def ask(self, job: Job[T]) -> T:
        """One validated reply (from the cache when asked before)."""
        key = cache_key(self.config.model, job.messages, job.schema)
        if self.cache is not None:
            stored = self.cache.get(key)
            if stored is not None:
                try:
                    return job.validate(parse_json(stored))
                except ValueError:
                    pass  # a stale entry (the check changed): ask again
        content = self._content(job, job.messages)
        try:
            value = job.validate(parse_json(content))
        except ValueError as error:
            repair = [
                *job.messages,
                {"role": "assistant", "content": content},
                {"role": "user", "content": (
                    f"Je antwoord is niet bruikbaar: {error}. Antwoord opnieuw, uitsluitend "
                    "met één JSON-object volgens het schema, zonder uitleg."
                )},
            ]
            content = self._content(job, repair)
            try:
                value = job.validate(parse_json(content))
            except ValueError as again:
                raise LLMError(f"the language model's reply is not valid JSON: {again}") from again
        if self.cache is not None:
            self.cache.put(key, self.config.model, content)
        return value

    def run(
        self, jobs: Sequence[Job[T]], progress: Callable[[int, int], None] | None = None
    ) -> RunResult[T]:
        """All ``jobs`` with at most ``concurrency`` in flight; progress(done, total) after each.

        A transport failure on the first job raises (the server is absent or broken); later
        failures are recorded per job, and the other jobs carry on.
        """
        total = len(jobs)
        values: list[T | None] = [None] * total
        errors: list[LLMError | None] = [None] * total
        before = self.requests
        done = 0

        def one(index: int) -> None:
            try:
                values[index] = self.ask(jobs[index])
            except LLMError as error:
                errors[index] = error

        if total:
            try:
                values[0] = self.ask(jobs[0])
            except TransportError:
                raise
            except LLMError as error:
                errors[0] = error
            done = 1
            if progress:
                progress(done, total)
        with ThreadPoolExecutor(max_workers=max(1, self.config.concurrency)) as pool:
            for _ in pool.map(one, range(1, total)):
                done += 1
                if progress:
                    progress(done, total)
        sent = self.requests - before
        return RunResult(values, errors, requests=sent, cached=total - min(total, sent))

    def _content(self, job: Job[Any], messages: Messages) -> str:
        payload: dict[str, Any] = {
            "model": self.config.model, "messages": messages, "temperature": 0, "stream": False,
        }
        if self.structured:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": job.name, "schema": job.schema, "strict": True},
            }
            try:
                reply = self._post(payload)
            except TransportError as error:
                if getattr(error, "status", None) != 400:
                    raise
                self.structured = False  # the schema stays in the prompt
                del payload["response_format"]
                reply = self._post(payload)
        else:
            reply = self._post(payload)
        try:
            message = reply["choices"][0]["message"]
        except (KeyError, IndexError, TypeError) as error:
            raise LLMError("the language model's reply has no message") from error
        if message.get("refusal"):
            refusal = " ".join(str(message["refusal"]).split())
            raise LLMError(f"the language model refused: {refusal}")
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            raise LLMError("the language model's reply is empty")
        return content

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        config = self.config
        headers = {"Content-Type": "application/json"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        attempt = 0
        while True:
            with self._lock:
                self.requests += 1
            try:
                status, body = self._exchange(data, headers)
                if status < 400:
                    break
                failure = TransportError(
                    f"the language model at {config.endpoint} answered HTTP {status}"
                )
                failure.status = status  # type: ignore[attr-defined]
                retry = status in _RETRY_STATUS
            except (http.client.HTTPException, OSError) as error:
                failure = TransportError(
                    f"cannot reach the language model at {config.endpoint}: {error or 'timed out'}"
                )
                retry = True
            if not retry or attempt >= config.retries:
                raise failure
            time.sleep(config.backoff * 2**attempt)
            attempt += 1
        try:
            reply = json.loads(body)
        except ValueError as error:
            raise LLMError("the language model server's response is not JSON") from error
        if not isinstance(reply, dict):
            raise LLMError("the language model server's response is not a JSON object")
        return reply

    def _exchange(self, data: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST ``data`` on this thread's kept-alive connection: the HTTP status and body."""
        parts = urlsplit(self.config.endpoint)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for fresh in (False, True):
            connection = getattr(self._local, "connection", None)
            reused = connection is not None and not fresh
            if not reused:
                kind = (http.client.HTTPSConnection if parts.scheme == "https"
                        else http.client.HTTPConnection)
                connection = kind(parts.hostname or "", parts.port, timeout=self.config.timeout)
                self._local.connection = connection
            try:
                connection.request("POST", target, body=data, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._drop(connection)
                if reused:
                    continue  # the server closed the idle connection: once more on a new one
                raise
            except BaseException:
                self._drop(connection)
                raise
            if response.will_close:
                self._drop(connection)
            return response.status, body
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _drop(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        self._local.connection = None


def parse_json(content: str) -> Any:
    """Exactly one JSON value (a Markdown code fence around it is allowed, nothing else)."""
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content.strip()
    try:
        return json.loads(text)
    except ValueError as error:
        raise ValueError(f"no JSON object ({error.args[0] if error.args else error})") from error
