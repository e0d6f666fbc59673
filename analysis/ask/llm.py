"""An optional answer written by a language model from the retrieved passages, kept honest.

Off by default and never required: it runs only when a model is configured
(``analysis.llm.config``). The model sees the question and the answer's quotes numbered
[1]..[n] (with their college), and in a follow-up also the conversation so far, and is told to
write a short Dutch answer from those passages only, every sentence ending in the numbers it
rests on. The reply is then checked by the verified-citation rule (``analysis.llm.citations``):
a sentence without a citation, citing a number that is not a passage, or sharing no content
word with a passage it cites is dropped and listed as dropped. The numbers of the kept
sentences are shown as the quotes' ids ([S12]) so the reader finds each quote in the list.
What remains is shown beside, never instead of, the quotes and the extractive summary; with no
evidence the model is not asked at all ("Geen bewijs" stays the answer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.llm.citations import check
from analysis.llm.client import Job, LLMClient

MAX_SENTENCES = 5

SYSTEM_PROMPT = (
    "Je bent een zorgvuldige onderzoeksassistent. Je beantwoordt vragen over interviews met "
    "bestuurders van mbo-instellingen, in het Nederlands, uitsluitend met wat in de genummerde "
    "passages staat; verzin niets. Sluit elke zin af met de nummers van de passages waarop die "
    "zin steunt, tussen blokhaken, bijvoorbeeld [2] of [1, 3]. Een zin zonder geldige bron "
    f"wordt weggelaten. Schrijf hoogstens {MAX_SENTENCES} zinnen, zonder opsomming of kopjes. "
    'Antwoord met JSON: {"antwoord": "..."}.'
)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"antwoord": {"type": "string"}},
    "required": ["antwoord"],
    "additionalProperties": False,
}
_NUMBERS = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")


@dataclass(frozen=True)
class CitedSentence:
    text: str
    citations: tuple[str, ...]  # quote ids (S12)


@dataclass
class GeneratedSummary:
    """The model's sentences that cite and are supported by the quotes, and those dropped."""

    model: str
    sentences: list[CitedSentence] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "sentences": [{"text": s.text, "citations": list(s.citations)} for s in self.sentences],
            "dropped": self.dropped,
        }


def messages(
    question: str,
    quotes: Sequence[tuple[str, str, str]],
    history: Sequence[tuple[str, str]] = (),
) -> list[dict[str, str]]:
    """The rules, the conversation so far (question, answer) and the numbered passages."""
    listed = "\n".join(
        f"[{number}] ({institution}) {' '.join(text.split())}"
        for number, (_, institution, text) in enumerate(quotes, start=1)
    )
    result = [{"role": "system", "content": SYSTEM_PROMPT}]
    for asked, answered in history:
        result += [{"role": "user", "content": asked},
                   {"role": "assistant", "content": answered or "(geen antwoord)"}]
    result.append({"role": "user", "content": f"Vraag: {question}\n\nPassages:\n{listed}"})
    return result


def _answer(value: Any) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("antwoord"), str):
        raise ValueError('expected an object with a string "antwoord"')
    return value["antwoord"]


def generate_summary(
    question: str,
    quotes: Sequence[tuple[str, str, str]],
    client: LLMClient,
    history: Sequence[tuple[str, str]] = (),
) -> GeneratedSummary:
    """Ask the model for an answer from ``quotes`` (id, college, text) and check every sentence."""
    reply = client.ask(Job(messages(question, quotes, history), SCHEMA, _answer, "antwoord"))
    ids = {number: quote_id for number, (quote_id, _, _) in enumerate(quotes, start=1)}
    kept, dropped = check(reply, {number: text for number, (_, _, text) in
                                  enumerate(quotes, start=1)})
    sentences = [
        CitedSentence(_as_ids(s.text, ids), tuple(ids[n] for n in s.citations)) for s in kept
    ]
    return GeneratedSummary(model=client.config.model, sentences=sentences, dropped=dropped)


def _as_ids(sentence: str, ids: dict[int, str]) -> str:
    """``[1, 3]`` written as ``[S12, S40]``: the ids the quotes carry in the answer."""
    return _NUMBERS.sub(
        lambda m: "[" + ", ".join(ids[int(n)] for n in re.findall(r"\d+", m.group(1))) + "]",
        sentence,
    )
