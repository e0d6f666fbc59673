"""The Dutch language pipeline shared by segmentation, coding suggestions, topics and search.

Why this shape: no trained Dutch spaCy pipeline can be installed offline, so the pipeline is
``spacy.blank("nl")`` (tokenizer with Dutch abbreviations) + the rule-based sentencizer + the
lookup lemmatizer from ``spacy-lookups-data``. Two small components repair sentence
boundaries that matter in transcripts: a blank line ends a sentence (typists often drop the
final full stop before a new paragraph), and an opening quote or bracket after a full stop
belongs to the next sentence (the sentencizer glues it to the previous one).

"Content words" are what themes, codes and search are built from: lower-case lookup lemmas of
alphabetic tokens of at least two characters that are neither numbers nor stop words, where
the stop words are spaCy's Dutch list plus the fillers and function words of spoken Dutch
(:mod:`analysis.lang_nl_fillers`), and multi-word fillers ("ik bedoel", "in principe") are
dropped as a whole. The work is done on ``Doc.to_array`` columns with numpy, so that Python
touches only the content words it returns.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import spacy
from spacy.attrs import (
    IS_ALPHA,
    IS_SPACE,
    IS_STOP,
    LEMMA,
    LENGTH,
    LIKE_NUM,
    LOWER,
    ORTH,
    SENT_START,
)
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc, Span

from analysis.lang_nl_fillers import ABBREVIATIONS, FILLER_PHRASES
from analysis.lemma_lookup import lemma_lookup
from analysis.words_nl import STOP_WORDS, lemma_of, refers_back

__all__ = ["STOP_WORDS", "lemma_of", "refers_back"]  # re-exported: the pipeline's word lists

# Docs per nlp.pipe batch: large batches amortise the per-batch overhead of the pipeline.
PIPE_BATCH_SIZE = 512

# The components of get_nlp() that only set sentence boundaries: a matcher on words or lemmas
# passes them as ``nlp.pipe(..., disable=SENTENCE_PIPES)`` (they are most of the pipeline's time)
# and runs them later, if at all, on the few docs where sentences matter.
SENTENCE_PIPES = ("sentencizer", "interviews_paragraph_breaks", "interviews_opening_punct")

# Columns of the token table that content-word selection reads (see content_positions).
_ATTRS = [IS_ALPHA, LIKE_NUM, LENGTH, IS_STOP, LEMMA, LOWER, SENT_START]
_ALPHA, _NUM, _LEN, _STOP, _LEMMA, _LOWER, _SENT = range(len(_ATTRS))


def hash_table(strings: Iterable[str]) -> np.ndarray:
    """Sorted spaCy string hashes, for :func:`in_table` membership tests on token columns."""
    return np.unique(np.array([hash_string(s) for s in strings], dtype=np.uint64))


def in_table(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Elementwise ``value in table`` for a sorted hash table.

    Faster than ``np.isin`` for the short columns of one Doc: no sort of the table per call.
    """
    found = np.searchsorted(table, values)
    found[found == len(table)] = 0
    return table[found] == values


_STOP_HASHES = hash_table(STOP_WORDS)


def _phrase_index() -> dict[int, list[tuple[tuple[int, ...], int]]]:
    """Map each non-stop word of a filler phrase to (phrase as hashes, its position in it).

    Only these words can survive the stop-word filter, so only they need a phrase check.
    """
    index: dict[int, list[tuple[tuple[int, ...], int]]] = defaultdict(list)
    for phrase in FILLER_PHRASES:
        hashes = tuple(hash_string(w) for w in phrase)
        for position, word in enumerate(phrase):
            if word not in STOP_WORDS:
                index[hash_string(word)].append((hashes, position))
    return dict(index)


_PHRASE_INDEX = _phrase_index()
_PHRASE_WORD_HASHES = np.unique(np.array(list(_PHRASE_INDEX), dtype=np.uint64))

# Characters that open a quotation or aside; see _opening_punct_boundaries.
_OPENERS = frozenset("\"'“‘„‚«‹([{")
_OPENER_HASHES = hash_table(_OPENERS)


@Language.component("interviews_paragraph_breaks")
def _paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after a blank line, full stop or not.

    The blank line itself goes to the sentence before, so no sentence is whitespace only.
    """
    spaces = np.flatnonzero(doc.to_array(IS_SPACE)[:-1])
    for i in spaces.tolist():
        if doc[i].text.count("\n") >= 2:
            doc[i + 1].is_sent_start = True
            if i > 0:
                doc[i].is_sent_start = False
    return doc


@Language.component("interviews_opening_punct")
def _opening_punct_boundaries(doc: Doc) -> Doc:
    """Move a sentence start back over opening quotes/brackets preceded by whitespace.

    The sentencizer keeps punctuation that follows a full stop in the old sentence, which is
    right for a closing quote (`we."`) and wrong for an opening one (`Klaar. "Nou ja," zei hij.`).
    """
    if len(doc) < 3:
        return doc
    table = doc.to_array([SENT_START, ORTH])
    starts = np.flatnonzero(table[1:, 0] == 1) + 1
    starts = starts[in_table(table[starts - 1, 1], _OPENER_HASHES)]
    for start in starts.tolist():
        k = start - 1
        while k > 0 and doc[k].text in _OPENERS and not doc[k].whitespace_:
            k -= 1
        if k + 1 < start and (doc[k].whitespace_ or doc[k].is_space):
            doc[k + 1].is_sent_start = True
            doc[start].is_sent_start = False
    return doc


@Language.factory("interviews_lookup_lemmatizer")
class LookupLemmatizer:
    """spaCy's Dutch lookup lemmas (``spacy-lookups-data`` table ``lemma_lookup``), set in bulk.

    Same result as ``add_pipe("lemmatizer", config={"mode": "lookup"})`` (lemma = table entry
    for the lower-cased text, else the lower-cased text; always lower case); hand-written
    because spaCy's component creates a Python Token per token, which took 40 % of the
    segmentation time. Lemmas are cached per lower-cased text.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.strings = nlp.vocab.strings
        self.table = lemma_lookup()  # a plain dict: spaCy's Table cost more than the file
        self.cache: dict[int, int] = {}  # lower-case text hash -> lemma hash

    def __call__(self, doc: Doc) -> Doc:
        cache = self.cache
        lemmas = [cache.get(h) or self._lemma(h) for h in doc.to_array(LOWER).tolist()]
        if lemmas:
            doc.from_array([LEMMA], np.array(lemmas, dtype=np.uint64).reshape(-1, 1))
        return doc

    def _lemma(self, lower: int) -> int:
        text = self.strings[lower]
        lemma = self.strings.add(self.table.get(text, text).lower())  # the table is lower case
        self.cache[lower] = lemma
        return lemma


def _is_stop(string: str) -> bool:
    return string.lower() in STOP_WORDS


@functools.cache
def get_nlp() -> Language:
    """The process-wide Dutch pipeline (built once; callers must not modify it).

    ``token.is_stop`` agrees with :data:`STOP_WORDS`, fillers included.
    """
    nlp = spacy.blank("nl")
    # Lexemes created from now on take is_stop from our list; existing ones are updated below.
    nlp.vocab.lex_attr_getters[IS_STOP] = _is_stop
    for abbreviation in ABBREVIATIONS:
        for form in (abbreviation, abbreviation.capitalize()):
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("interviews_paragraph_breaks")
    nlp.add_pipe("interviews_opening_punct")
    nlp.add_pipe("interviews_lookup_lemmatizer", name="lemmatizer")
    nlp.initialize()
    for lexeme in nlp.vocab:
        lexeme.is_stop = _is_stop(lexeme.orth_)
    return nlp



def filler_phrase_words() -> frozenset[str]:
    """Every word of a filler phrase: whether it counts as a content word depends on context."""
    return frozenset(word for phrase in FILLER_PHRASES for word in phrase)


def content_positions(
    doc: Doc, start: int = 0, end: int | None = None
) -> tuple[np.ndarray, list[str]]:
    """Token indices (into ``doc``) of the content words in ``doc[start:end]``, and their lemmas.

    A filler phrase counts only when it lies inside the range and inside one sentence, so
    the result for a run of whole sentences equals the concatenation per sentence.
    """
    table = doc.to_array(_ATTRS)[start:end]
    mask = (
        (table[:, _ALPHA] == 1)
        & (table[:, _NUM] == 0)
        & (table[:, _LEN] >= 2)
        & (table[:, _STOP] == 0)
        & ~in_table(table[:, _LEMMA], _STOP_HASHES)
    )
    lower = table[:, _LOWER]
    for i in np.flatnonzero(mask & in_table(lower, _PHRASE_WORD_HASHES)).tolist():
        for phrase, position in _PHRASE_INDEX[int(lower[i])]:
            first, last = i - position, i - position + len(phrase)
            if (
                first >= 0
                and last <= len(table)
                and tuple(lower[first:last].tolist()) == phrase
                and not (table[first + 1 : last, _SENT] == 1).any()
            ):
                mask[i] = False
                break
    strings = doc.vocab.strings
    lemmas = [strings[h] for h in table[mask, _LEMMA].tolist()]
    return np.flatnonzero(mask) + start, lemmas


def content_lemmas(doc_or_span: Doc | Span) -> list[str]:
    """Lower-case lemmas of the content words of a Doc or Span, in text order (repeats kept)."""
    if isinstance(doc_or_span, Span):
        return content_positions(doc_or_span.doc, doc_or_span.start, doc_or_span.end)[1]
    return content_positions(doc_or_span)[1]


def lemmatise(texts: Iterable[str]) -> list[list[str]]:
    """Content lemmas of each text (for keyword rules, search and topic vocabularies)."""
    return [content_lemmas(doc) for doc in get_nlp().pipe(texts, batch_size=PIPE_BATCH_SIZE)]


