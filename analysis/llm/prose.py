"""Text the language model writes for the evaluator: topic labels and findings paragraphs.

Both are data in, data out, and both are held to the text they rest on:

- ``label_topics``: a short Dutch label (at most ``LABEL_WORDS`` words) per topic from its
  keywords and example passages. A label must share a content word with the keywords or the
  examples (the verified-citation rule applied to a label); else the topic keeps the label it
  has (None in the result).
- ``rewrite_paragraph``: a findings paragraph rewritten fluently from its points, each point a
  sentence with the passages it cites. The rewrite passes only if every sentence ends in
  citations that support it (``citations.check``) and every passage the points cite is still
  cited; otherwise the points are returned as they were (``rewritten`` False, with the
  reason), so a citation is never lost and nothing unsupported is added.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.llm.citations import check, content_keys
from analysis.llm.client import Job, LLMClient
from analysis.llm.config import LLMError

LABEL_WORDS = 6
LABEL_CHARS = 80
EXAMPLE_CHARS = 400

LABEL_SYSTEM = (
    "Je geeft thema's uit interviews met bestuurders van mbo-instellingen een korte, "
    f"duidelijke Nederlandse naam van hoogstens {LABEL_WORDS} woorden, zoals een onderzoeker "
    "die in een rapport zou gebruiken. Gebruik alleen wat de trefwoorden en voorbeelden "
    'zeggen. Antwoord met JSON: {"label": "..."}.'
)
LABEL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"label": {"type": "string"}},
    "required": ["label"],
    "additionalProperties": False,
}
REWRITE_SYSTEM = (
    "Je herschrijft de punten van een bevinding tot één vloeiende Nederlandse alinea voor een "
    "evaluatierapport, zakelijk en zonder oordelen die niet in de punten staan. Voeg niets toe "
    "wat niet in de passages staat. Sluit elke zin af met de nummers van de passages waarop "
    "die zin steunt, tussen blokhaken, bijvoorbeeld [2] of [1, 3], en gebruik elk nummer uit "
    'de punten minstens één keer. Antwoord met JSON: {"alinea": "..."}.'
)
REWRITE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"alinea": {"type": "string"}},
    "required": ["alinea"],
    "additionalProperties": False,
}
_MARKS = re.compile(r"\s*\[[^\]]*\]")


@dataclass(frozen=True)
class TopicText:
    """What a topic label is made from."""

    keywords: Sequence[str]
    examples: Sequence[str]


@dataclass(frozen=True)
class Point:
    """One sentence of a findings paragraph and the ids of the passages it cites."""

    text: str
    citations: tuple[str, ...]


@dataclass
class Paragraph:
    """A paragraph as sentences with their citations; ``rewritten`` False: the points as given."""

    sentences: list[Point]
    rewritten: bool
    reason: str = ""
    dropped: list[str] = field(default_factory=list)

    @property
    def citations(self) -> list[str]:
        return list(dict.fromkeys(c for s in self.sentences for c in s.citations))


def _field(name: str) -> Any:
    def validate(value: Any) -> str:
        if not isinstance(value, dict) or not isinstance(value.get(name), str):
            raise ValueError(f'expected an object with a string "{name}"')
        return " ".join(value[name].split())

    return validate


def _label_ok(label: str, topic: TopicText) -> bool:
    words = label.split()
    if not 0 < len(words) <= LABEL_WORDS or len(label) > LABEL_CHARS or "[" in label:
        return False
    support = content_keys(" ".join([*topic.keywords, *topic.examples]))
    return bool(content_keys(label) & support)


def label_topics(topics: Sequence[TopicText], client: LLMClient) -> list[str | None]:
    """A label per topic, or None where the model failed or its label is not supported."""
    labels: list[str | None] = []
    for topic in topics:
        examples = "\n".join(f"- {' '.join(t.split())[:EXAMPLE_CHARS]}" for t in topic.examples)
        user = f"Trefwoorden: {', '.join(topic.keywords)}\n\nVoorbeelden:\n{examples}"
        messages = [{"role": "system", "content": LABEL_SYSTEM},
                    {"role": "user", "content": user}]
        try:
            label = client.ask(Job(messages, LABEL_SCHEMA, _field("label"), "label"))
        except LLMError:
            labels.append(None)
            continue
        label = label.strip(" .\"'„”")
        labels.append(label[:1].upper() + label[1:] if _label_ok(label, topic) else None)
    return labels


def rewrite_paragraph(
    points: Sequence[Point], passages: Mapping[str, str], client: LLMClient
) -> Paragraph:
    """The points rewritten as one fluent paragraph that keeps every citation, or the points
    unchanged (with the reason) when the model fails or its rewrite does not pass the rule.

    ``passages``: citation id -> the verbatim text it cites (every id the points use).
    """
    original = Paragraph(list(points), rewritten=False)
    ids = list(dict.fromkeys(c for p in points for c in p.citations))
    missing = [c for c in ids if c not in passages]
    if missing:
        raise ValueError(f"no passage text for citation {', '.join(missing)}")
    if not points:
        return original
    number = {c: n for n, c in enumerate(ids, start=1)}
    listed = "\n".join(f"[{number[c]}] {' '.join(passages[c].split())}" for c in ids)
    stated = "\n".join(
        f"- {_MARKS.sub('', p.text).strip()} "
        f"[{', '.join(str(number[c]) for c in p.citations)}]" for p in points
    )
    messages = [{"role": "system", "content": REWRITE_SYSTEM},
                {"role": "user", "content": f"Punten:\n{stated}\n\nPassages:\n{listed}"}]
    try:
        text = client.ask(Job(messages, REWRITE_SCHEMA, _field("alinea"), "alinea"))
    except LLMError as error:
        original.reason = str(error)
        return original
    kept, dropped = check(text, {number[c]: passages[c] for c in ids})
    by_number = {n: c for c, n in number.items()}
    cited = {by_number[n] for s in kept for n in s.citations}
    if dropped:
        original.reason = (
            f"{len(dropped)} sentence(s) of the rewrite not supported by their citations"
        )
        original.dropped = dropped
        return original
    lost = [c for c in ids if c not in cited]
    if lost:
        original.reason = f"the rewrite lost citation {', '.join(lost)}"
        return original
    sentences = [Point(_MARKS.sub("", s.text).strip(),
                       tuple(by_number[n] for n in s.citations)) for s in kept]
    return Paragraph(sentences, rewritten=True)
