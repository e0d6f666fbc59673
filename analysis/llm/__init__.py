"""An optional local language model, used only when the evaluator has configured one.

Every part of the product works without it (the offline default). When a project setting or
the environment names an OpenAI-compatible chat-completions server (Ollama, llama.cpp's
server, vLLM, LM Studio), the model adds coding suggestions, cited answers, topic labels and
fluent findings prose, and every claim it makes is checked against the verbatim text.

Modules, one job each:

- ``config``: where the model is (project settings, then ``INTERVIEWS_LLM_*``) and the
  loopback rule: interview data stays on this computer unless remote use is allowed;
- ``client``: the HTTP client: timeouts, bounded retries, bounded concurrency, progress,
  JSON-schema structured output with strict parsing and one repair attempt;
- ``cache``: replies stored in the project, keyed by the hash of model, prompt and input;
- ``citations``: the verified-citation rule (every sentence ends in [n] and shares content
  words with the passages it cites);
- ``prose``: topic labels and the rewriting of a findings paragraph.
"""

from __future__ import annotations

from analysis.llm.config import LLMConfig, LLMError, check_endpoint

__all__ = ["LLMConfig", "LLMError", "check_endpoint"]
