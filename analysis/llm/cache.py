"""Replies kept in the project, keyed by the hash of model, prompt and input.

A re-run of ``code`` or ``ask`` then sends no request and gives the same result as before
(a local model's sampling and version vary), and a run stopped halfway resumes where it was.
Only replies that passed parsing and validation are stored, each in its own short
transaction, so the cache never holds half a reply.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from sqlalchemy import select

from analysis.store import LLMResponse, Store, utcnow


def cache_key(model: str, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str:
    """The sha256 of model, messages (prompt and input) and the expected reply's schema."""
    text = json.dumps(
        {"model": model, "messages": messages, "schema": schema},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResponseCache:
    """The project's reply cache (table ``llm_response``); safe to call from worker threads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock, self.store.session() as session:
            return session.scalar(select(LLMResponse.content).where(LLMResponse.key == key))

    def put(self, key: str, model: str, content: str) -> None:
        with self._lock, self.store.session() as session:
            if session.get(LLMResponse, key) is None:
                session.add(LLMResponse(key=key, model=model, content=content, created_at=utcnow()))
