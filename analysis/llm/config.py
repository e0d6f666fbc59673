"""Where the language model is, and whether interview text may go there.

Settings are read from the project first (``llm_url``, ``llm_model``, ``llm_timeout``,
``llm_concurrency``, ``llm_retries``, ``llm_allow_remote``; the older ``ask_llm_*`` names
still count), then from the environment (``INTERVIEWS_LLM_URL``, ``INTERVIEWS_LLM_MODEL``,
``INTERVIEWS_LLM_KEY``): a project remembers its model, and an evaluator can point every
project at one server without touching them. The API key is read only from the environment,
never stored in a project file that is copied and shared.

Interview data is personal data: the server must be on this computer (a loopback address)
unless remote use is allowed explicitly, and then the caller warns that text leaves it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

ENV_URL = "INTERVIEWS_LLM_URL"
ENV_MODEL = "INTERVIEWS_LLM_MODEL"
ENV_KEY = "INTERVIEWS_LLM_KEY"
URL_SETTINGS = ("llm_url", "ask_llm_url")
MODEL_SETTINGS = ("llm_model", "ask_llm_model")
ALLOW_REMOTE_SETTINGS = ("llm_allow_remote", "ask_llm_allow_remote")
TIMEOUT_SETTINGS = ("llm_timeout", "ask_llm_timeout")
CONCURRENCY_SETTING = "llm_concurrency"
RETRIES_SETTING = "llm_retries"
DEFAULT_TIMEOUT = 120.0
DEFAULT_RETRIES = 2
DEFAULT_CONCURRENCY = 2
DEFAULT_BACKOFF = 1.0


class LLMError(RuntimeError):
    """The language model could not be asked or gave no usable reply, in one sentence."""


@dataclass(frozen=True)
class LLMConfig:
    """The base URL of an OpenAI-compatible API, the model, and how to talk to it."""

    url: str
    model: str
    api_key: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES  # further attempts after a timeout, 429 or 5xx
    backoff: float = DEFAULT_BACKOFF  # seconds before the first retry, doubling after
    concurrency: int = DEFAULT_CONCURRENCY  # requests in flight at once
    allow_remote: bool = False

    @classmethod
    def from_settings(
        cls,
        setting: Callable[[str, object], object],
        environ: dict[str, str] | None = None,
        *,
        allow_remote: bool = False,
    ) -> LLMConfig | None:
        """The configuration from a project's ``setting(key, default)`` and the environment;
        None when no URL is configured (the offline default)."""
        env = os.environ if environ is None else environ

        def first(keys: tuple[str, ...], env_key: str | None = None) -> str:
            for key in keys:
                value = setting(key, None)
                if value not in (None, ""):
                    return str(value).strip()
            return env.get(env_key, "").strip() if env_key else ""

        url = first(URL_SETTINGS, ENV_URL)
        if not url:
            return None
        timeout = first(TIMEOUT_SETTINGS)
        concurrency = setting(CONCURRENCY_SETTING, None)
        retries = setting(RETRIES_SETTING, None)
        remote = first(ALLOW_REMOTE_SETTINGS).lower() in ("true", "1", "yes", "ja")
        return cls(
            url=url,
            model=first(MODEL_SETTINGS, ENV_MODEL),
            api_key=env.get(ENV_KEY) or None,
            timeout=float(timeout) if timeout else DEFAULT_TIMEOUT,
            concurrency=max(1, int(concurrency)) if concurrency else DEFAULT_CONCURRENCY,
            retries=max(0, int(retries)) if retries is not None else DEFAULT_RETRIES,
            allow_remote=allow_remote or remote,
        )

    def allowing_remote(self) -> LLMConfig:
        return replace(self, allow_remote=True)

    @property
    def endpoint(self) -> str:
        """The chat-completions URL (the setting may be the API's base or the full URL)."""
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else f"{base}/chat/completions"

    @property
    def host(self) -> str:
        return urlsplit(self.endpoint).hostname or ""

    @property
    def is_local(self) -> bool:
        """True when the server is on this computer (a loopback address or ``localhost``)."""
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def check_endpoint(config: LLMConfig) -> None:
    """Refuse a URL that is not http(s), a missing model, or (unless allowed) a remote host."""
    parts = urlsplit(config.endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMError(f"the language model URL {config.url!r} is not an http(s) URL")
    if not config.model:
        raise LLMError(f"no language model chosen (set llm_model or {ENV_MODEL})")
    if not config.allow_remote and not config.is_local:
        raise LLMError(
            f"the language model at {config.host} is not on this computer and interview text "
            "would leave it; use --allow-remote (or the setting llm_allow_remote) to allow it"
        )


def remote_warning(config: LLMConfig) -> str | None:
    """The warning to show when interview text is sent off this computer, else None."""
    if config.is_local:
        return None
    return f"warning: interview text is sent to {config.host}, off this computer"
