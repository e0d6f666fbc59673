"""Fake OpenAI-compatible chat servers for the language-model tests, on 127.0.0.1 only.

``FakeLLM`` is ``http.server`` in a thread. Its ``answer(body)`` decides each reply: a string
is the message content, a dict a whole message (``{"refusal": ...}``), an int an HTTP status;
``hang`` makes the server accept the request and never answer (a timeout). Every request is
recorded, so tests can count what was sent. Connections are kept alive (HTTP/1.1), as by
Ollama, llama.cpp and vLLM, so the client's kept connections are exercised.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from analysis.llm.config import LLMConfig

SEGMENT = re.compile(r'Fragment:\n"""\n(.*)\n"""', re.DOTALL)
Answer = Callable[[dict[str, Any]], str | dict | int]


@dataclass
class FakeLLM:
    answer: Answer
    hang: bool = False
    close_after_reply: bool = False  # drop the kept connection after each reply, without notice
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def config(self, **overrides: object) -> LLMConfig:
        values: dict[str, Any] = {"url": self.url, "model": "fake-model", "timeout": 5.0,
                                  "backoff": 0.0, "retries": 1}
        values.update(overrides)
        return LLMConfig(**values)


def segment_of(body: dict[str, Any]) -> str:
    """The segment text a coding prompt asks about."""
    match = SEGMENT.search(body["messages"][-1]["content"])
    return match.group(1) if match else ""


def codes_reply(codes: list[str], segment: str, confidence: float = 0.95) -> str:
    """A well-formed coding reply whose quote is the segment's first words."""
    quote = " ".join(segment.split()[:4])
    return json.dumps({"codes": [
        {"code": c, "confidence": confidence, "quote": quote, "rationale": f'Zegt "{quote}".'}
        for c in codes
    ]}, ensure_ascii=False)


@contextmanager
def fake_llm(
    answer: Answer, *, hang: bool = False, close_after_reply: bool = False
) -> Iterator[FakeLLM]:
    fake = FakeLLM(answer, hang=hang, close_after_reply=close_after_reply)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do: one connection per worker
        # Headers and body go out in two writes; with Nagle's algorithm on, the second waits
        # for the client's delayed ACK (~40 ms a reply on Linux), which real servers avoid.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with fake.lock:
                fake.requests.append({"path": self.path, "body": body})
            if fake.hang:
                fake.release.wait()
                return
            reply = fake.answer(body)
            status = reply if isinstance(reply, int) else 200
            message = reply if isinstance(reply, dict) else {"role": "assistant",
                                                              "content": reply}
            payload = json.dumps({"choices": [{"message": message}]}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            if fake.close_after_reply:
                self.close_connection = True  # no "Connection: close": the client finds out later

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
