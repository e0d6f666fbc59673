"""The language-model suggester: the model reads each segment as a coder does.

Used only when a model is configured (``analysis.llm``). Per respondent segment the model gets
the codebook (per code its label, definition, when to use and not to use, examples), the
evaluator's own accepted and rejected passages per code as further examples, the
interviewer's question and the segment, and answers with JSON: the codes that apply, each
with a confidence, a verbatim quote from the segment and a short rationale.

Proof against the text: a code whose quote (or any words the rationale puts between
quotation marks) is not a run of the segment's own words is discarded, and with it the rest
of that reply; the model may not invent the evidence it points to. Codes the model does not
name get ``NOT_NAMED``; a segment the model could not answer gets no score at all (NaN), so
the other suggesters decide there.

The confidences enter ``combine`` and the learned models (``learned``) as a further piece of
evidence whose weight is learned from the evaluator's decisions like the others.

Everything here runs outside any write transaction: the model may take minutes, and the
suggestions are stored afterwards in one transaction by ``suggest``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select

from analysis.coding.items import Scores, SegmentItem
from analysis.coding.learned import training_labels
from analysis.coding.suggest import load_codes, load_segments
from analysis.llm.cache import ResponseCache
from analysis.llm.client import Job, LLMClient
from analysis.llm.config import LLMConfig
from analysis.store import Code, Segment, Store

NOT_NAMED = 0.02  # the confidence of a code the model did not name for a segment
NAMED_DEFAULT = 0.9  # when the model names a code without a usable confidence
CONFIDENCE_BOUNDS = (0.05, 0.99)
EXAMPLES_PER_CODE = 2  # accepted and rejected passages of the evaluator per code, each
EXAMPLE_CHARS = 300
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_QUOTED = re.compile(r"[\"“„”«»](.+?)[\"“”«»]")

SYSTEM = (
    "Je bent een zorgvuldige kwalitatieve onderzoeker die interviewfragmenten codeert met een "
    "codeboek. Je krijgt het codeboek, voorbeelden van de beoordelaar, de vraag van de "
    "interviewer en één fragment uit het antwoord van een respondent. Geef de codes die op het "
    "fragment van toepassing zijn (vaak geen of één, soms meer). Geef per code een zekerheid "
    "tussen 0 en 1, een letterlijk citaat uit het fragment (alleen woorden die in het fragment "
    "staan) waarop de code steunt, en een korte toelichting in het Nederlands. Antwoord "
    "uitsluitend met JSON volgens dit schema: "
)


@dataclass(frozen=True)
class Suggestion:
    code: str
    confidence: float
    quote: str
    rationale: str


@dataclass
class LLMCoding:
    """What the model said per segment id, and what went wrong, for one run."""

    model: str
    named: dict[int, list[Suggestion]] = field(default_factory=dict)  # segment id -> codes
    discarded: int = 0  # codes whose quote is not in the segment
    requests: int = 0
    messages: list[str] = field(default_factory=list)

    def scores(self, keys: Sequence[str], items: Sequence[SegmentItem]) -> Scores:
        """Confidences for ``items`` x ``keys``: NaN for a segment the model did not answer."""
        column = {key: j for j, key in enumerate(keys)}
        confidence = np.full((len(items), len(keys)), np.nan, dtype=np.float32)
        for i, item in enumerate(items):
            named = self.named.get(item.id)
            if named is None:
                continue
            confidence[i] = NOT_NAMED
            for suggestion in named:
                confidence[i, column[suggestion.code]] = suggestion.confidence

        def explain(i: int, j: int) -> dict:
            for suggestion in self.named.get(items[i].id, []):
                if suggestion.code == keys[j]:
                    return {"model": self.model, "quote": suggestion.quote,
                            "rationale": suggestion.rationale}
            return {}

        return Scores("llm", confidence, explain)


def schema(keys: Sequence[str]) -> dict[str, Any]:
    """The JSON schema of a reply: the codes that apply, each with its proof."""
    return {
        "type": "object",
        "properties": {
            "codes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "enum": list(keys)},
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                        "quote": {"type": "string"},
                        "rationale": {"type": "string"},
                    },
                    "required": ["code", "confidence", "quote", "rationale"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["codes"],
        "additionalProperties": False,
    }


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def quotes_segment(segment: str, quote: str, rationale: str) -> bool:
    """True when the quote, and every quoted part of the rationale, is a run of the segment's
    own words (case and punctuation aside)."""
    own = " " + " ".join(words(segment)) + " "
    parts = [quote, *_QUOTED.findall(rationale)]
    runs = [" ".join(words(part)) for part in parts]
    return bool(runs[0]) and all(f" {run} " in own for run in runs if run)


def validator(keys: Sequence[str]) -> Callable[[Any], list[Suggestion]]:
    """The strict check of a reply's shape (a failure earns the model one repair attempt)."""
    known = set(keys)

    def validate(value: Any) -> list[Suggestion]:
        if not isinstance(value, dict) or not isinstance(value.get("codes"), list):
            raise ValueError('expected an object with a list "codes"')
        result = []
        for entry in value["codes"]:
            if not isinstance(entry, dict):
                raise ValueError('every element of "codes" must be an object')
            code = entry.get("code")
            if code not in known:
                raise ValueError(f"unknown code {code!r}; use only the codebook's keys")
            raw = entry.get("confidence")
            confidence = float(raw) if isinstance(raw, int | float) else NAMED_DEFAULT
            result.append(Suggestion(
                code=str(code),
                confidence=float(np.clip(confidence, *CONFIDENCE_BOUNDS)),
                quote=str(entry.get("quote") or ""),
                rationale=str(entry.get("rationale") or ""),
            ))
        return result

    return validate


def codebook_text(store: Store) -> tuple[list[str], str]:
    """The code keys and the codebook as the prompt shows it, with the evaluator's examples."""
    with store.session() as session:
        rows = list(session.scalars(select(Code).order_by(Code.position, Code.key)))
        labels = training_labels(session, load_codes(session))
        wanted: dict[str, tuple[list[int], list[int]]] = {}
        for key, examples in labels.items():
            accepted = sorted(s for s, ok in examples.items() if ok)[:EXAMPLES_PER_CODE]
            rejected = sorted(s for s, ok in examples.items() if not ok)[:EXAMPLES_PER_CODE]
            wanted[key] = (accepted, rejected)
        ids = {s for pair in wanted.values() for part in pair for s in part}
        texts = dict(session.execute(
            select(Segment.id, Segment.text).where(Segment.id.in_(ids))
        ).all()) if ids else {}
    blocks = []
    for row in rows:
        lines = [f"- {row.key}: {row.label}"]
        for name, value in (("definitie", row.definition), ("gebruik als", row.when_to_use),
                            ("niet gebruiken", row.when_not_to_use)):
            if value:
                lines.append(f"  {name}: {' '.join(value.split())}")
        for example in (row.examples or [])[:EXAMPLES_PER_CODE]:
            lines.append(f"  voorbeeld: {_short(example)}")
        accepted, rejected = wanted.get(row.key, ([], []))
        lines += [f"  wel (beoordelaar): {_short(texts[s])}" for s in accepted if s in texts]
        lines += [f"  niet (beoordelaar): {_short(texts[s])}" for s in rejected if s in texts]
        blocks.append("\n".join(lines))
    return [row.key for row in rows], "Codeboek:\n" + "\n".join(blocks)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def messages(system: str, segment: SegmentItem) -> list[dict[str, str]]:
    question = " ".join(segment.question.split()) or "(geen vraag)"
    user = f'Vraag van de interviewer: {question}\n\nFragment:\n"""\n{segment.text}\n"""'
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def code_segments(
    store: Store,
    config: LLMConfig,
    *,
    transcript_ids: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LLMCoding:
    """Ask the model about every codable respondent segment (of some transcripts).

    Raises ``LLMError`` when the server is absent or broken (the first request fails); other
    failures are counted in ``messages`` and leave those segments to the other suggesters.
    """
    keys, codebook = codebook_text(store)
    with store.session() as session:
        segments = load_segments(session, transcript_ids)
    reply_schema = schema(keys)
    system = SYSTEM + json.dumps(reply_schema, ensure_ascii=False) + "\n\n" + codebook
    client = LLMClient(config, ResponseCache(store))
    jobs = [Job(messages(system, s), reply_schema, validator(keys), "codes") for s in segments]
    result = client.run(jobs, progress)
    coding = LLMCoding(model=config.model, requests=result.requests)
    for segment, value in zip(segments, result.values, strict=True):
        if value is None:
            continue
        proven = [s for s in value if quotes_segment(segment.text, s.quote, s.rationale)]
        if len(proven) < len(value):
            # A reply that invents its evidence was not a reading of this segment: the whole
            # reply goes, and the other suggesters decide here.
            coding.discarded += len(value) - len(proven)
            continue
        coding.named[segment.id] = proven
    coding.messages = result.messages()
    if coding.discarded:
        coding.messages.append(
            f"{coding.discarded} code(s) of the language model discarded: the quoted words "
            "are not in the segment (the other suggesters decide there)"
        )
    return coding
