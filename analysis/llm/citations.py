"""The verified-citation rule for everything a model writes from passages.

A reply is split into sentences (a line break ends one too: models write lists without full
stops). A sentence is kept only when it ends in citations to passages it was given (``[2]``,
``[1, 3]``), carries no other bracket, and shares at least one content word with *each*
passage it cites. Content words are compared as match keys (the Snowball stems the coding
suggesters use, ``coding.text``), without Dutch stop words, so "ouders" meets "ouder" and
"de" meets nothing. A sentence the passages do not support is dropped before it is shown, and
listed as dropped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analysis.coding.text import match_key

_CITATION = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_ANY_BRACKET = re.compile(r"\[[^\]]*\]")
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)(?:\s*\[[^\]]*\])*")
_TRAILING = re.compile(r"(?:\s*\[[^\]]*\])+\s*[.!?]?\s*$")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
MIN_WORD = 3


@dataclass(frozen=True)
class CitedSentence:
    """A kept sentence and the passage numbers it cites, in order."""

    text: str
    citations: tuple[int, ...]


@functools.cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS  # a word list, no model

    return frozenset(STOP_WORDS)


def content_keys(text: str) -> set[str]:
    """The match keys of a text's content words (no stop words, no words under 3 letters)."""
    stop = _stop_words()
    words = (w.lower() for w in _WORD.findall(text))
    return {match_key(w) for w in words if len(w) >= MIN_WORD and w not in stop}


def sentences(text: str) -> list[str]:
    """The reply's sentences, a citation after the full stop kept with its sentence."""
    lines = (line.strip().lstrip("-*•").strip() for line in text.splitlines())
    found = (m.group(0).strip() for line in lines for m in _SENTENCE.finditer(line))
    return [s for s in found if s]


def check(
    text: str, passages: Mapping[int, str]
) -> tuple[list[CitedSentence], list[str]]:
    """Kept sentences (cited, supported) and dropped ones, of a reply about ``passages``."""
    keys = {number: content_keys(passage) for number, passage in passages.items()}
    kept: list[CitedSentence] = []
    dropped: list[str] = []
    for sentence in sentences(text):
        cited = [int(n) for group in _CITATION.findall(sentence)
                 for n in re.findall(r"\d+", group)]
        trailing = _TRAILING.search(sentence)
        body = sentence[: trailing.start()] if trailing else sentence
        well_formed = (
            trailing is not None
            and len(_ANY_BRACKET.findall(sentence)) == len(_CITATION.findall(sentence))
            and not _ANY_BRACKET.search(body)
        )
        own = content_keys(body)
        supported = bool(cited) and all(
            number in keys and own & keys[number] for number in cited
        )
        if well_formed and supported:
            kept.append(CitedSentence(sentence, tuple(dict.fromkeys(cited))))
        else:
            dropped.append(sentence)
    return kept, dropped


def numbered(passages: Iterable[str]) -> dict[int, str]:
    """Passages numbered from 1, as the prompts show them."""
    return {number: text for number, text in enumerate(passages, start=1)}
