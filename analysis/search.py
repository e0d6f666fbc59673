"""Searching what respondents said, across every interview: which passages hold all the words
asked for, which words in them to mark, and how many hits each interview has.

A word of the text matches a search word when it contains it (case ignored: "stage" finds
"stageplekken", as the quote filter does) or when both have the same Dutch Snowball stem
(:func:`analysis.coding.text.match_key`: "ouders" finds "ouder", "bedrijven" finds "bedrijf",
which the containment alone misses). A passage is a hit when every search word matches at
least one of its words (AND, as in the reader's "Zoek in dit gesprek").

Why a vocabulary first: at 1,000 interviews the segment table holds some 65,000 passages.
Deciding per distinct word (tens of thousands) which search word it matches, and then finding
the passages with one vectorised pattern per search word, keeps a search to one pass of C-level
regular expressions over the text instead of a Python loop over every word of every passage.
The text and its vocabulary are prepared once per segment table (:class:`SearchIndex`), not
per query. Only the passages shown are cut into marked pieces (:func:`pieces`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.coding.text import match_key

# A word as a person sees one: letters and digits, joined by a hyphen or an apostrophe
# ("oud-studenten", "collega's").
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def search_terms(query: str) -> tuple[str, ...]:
    """The words of a query, case-folded, each once, in the order typed; punctuation around a
    word is dropped ("ouders," is "ouders") and a query of punctuation only has no words."""
    found: list[str] = []
    for part in query.casefold().split():
        for word in WORD.findall(part):
            if word not in found:
                found.append(word)
    return tuple(found)


def word_matches(word: str, term: str) -> bool:
    """Whether a (case-folded) word of the text matches a (case-folded) search word."""
    return term in word or match_key(word) == match_key(term)


def matching_words(vocabulary: Iterable[str], terms: Sequence[str]) -> dict[str, frozenset[str]]:
    """Per search word, the words of ``vocabulary`` (case-folded) that match it."""
    words = set(vocabulary)
    return {term: frozenset(w for w in words if word_matches(w, term)) for term in terms}


def _words_pattern(words: Iterable[str]) -> str:
    # Longest first, so that an alternative never stops at a shorter word's prefix.
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return rf"(?<!\w)(?<!\w[-'’])(?:{alternatives})(?!\w|[-'’]\w)"


@dataclass(frozen=True)
class SearchIndex:
    """A segment table made ready for searching, once per table rather than once per query:
    the passages without hand-cut spans (their words are also in their passage, so they would
    count twice), their text case-folded, and the distinct words of that text."""

    frame: pd.DataFrame
    text: pd.Series
    vocabulary: frozenset[str]


def build_index(frame: pd.DataFrame) -> SearchIndex:
    """The :class:`SearchIndex` of a segment table (``Project.segments()``)."""
    if "kind" in frame.columns:
        frame = frame[frame["kind"] != "span"]
    text = frame["text"].fillna("").str.casefold()
    vocabulary = frozenset(text.str.findall(WORD).explode().dropna().unique())
    return SearchIndex(frame, text, vocabulary)


def find_passages(source: pd.DataFrame | SearchIndex, query: str) -> pd.DataFrame:
    """The rows of a segment table (or of its :class:`SearchIndex`, which a page keeps between
    queries) whose text matches every word of ``query``, in table order, with a column
    ``hits``: how many words in the text match. Hand-cut spans are left out. An empty query
    finds nothing."""
    index = source if isinstance(source, SearchIndex) else build_index(source)
    frame, text = index.frame, index.text
    terms = search_terms(query)
    columns = [*frame.columns, "hits"]
    if not terms or frame.empty:
        return pd.DataFrame(columns=columns)
    keep = pd.Series(True, index=frame.index)
    matched: set[str] = set()
    for words in matching_words(index.vocabulary, terms).values():
        if not words:
            return pd.DataFrame(columns=columns)
        keep &= text.str.contains(_words_pattern(words), regex=True)
        matched |= words
    found = frame[keep]
    hits = text[keep].str.count(_words_pattern(matched))
    return found.assign(hits=hits.astype(int))


def per_interview(found: pd.DataFrame) -> pd.DataFrame:
    """Hits per interview: ``transcript_id``, ``institution``, ``source``, ``passages`` and
    ``hits`` (words marked), most hits first (ties by college and file name)."""
    columns = ["transcript_id", "institution", "source", "passages", "hits"]
    if found.empty:
        return pd.DataFrame(columns=columns)
    table = (
        found.assign(institution=found["institution"].fillna(""))
        .groupby(["transcript_id", "institution", "source"], as_index=False)
        .agg(passages=("segment_id", "size"), hits=("hits", "sum"))
    )
    return table.sort_values(
        ["hits", "institution", "source"], ascending=[False, True, True], ignore_index=True
    )[columns]


def pieces(text: str, query: str) -> list[tuple[str, bool]]:
    """``text`` cut into consecutive pieces, each ``(piece, is_hit)``: the words that match a
    search word are hits, everything between them is not. Joined, the pieces are ``text``."""
    terms = search_terms(query)
    found: list[tuple[str, bool]] = []
    position = 0
    for word in WORD.finditer(text):
        if any(word_matches(word.group().casefold(), term) for term in terms):
            if word.start() > position:
                found.append((text[position : word.start()], False))
            found.append((word.group(), True))
            position = word.end()
    if position < len(text):
        found.append((text[position:], False))
    return found
