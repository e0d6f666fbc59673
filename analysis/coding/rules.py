"""Keyword rules: the codebook's keywords and phrases found in a segment, matched on lemmas.

Matching runs spaCy's ``PhraseMatcher`` over a parallel Doc of match keys (stemmed lemmas, see
``analysis.coding.text``), so "stages", "stage" and "buitenlandstages" all meet the keyword
"stage", and the phrase "naar het buitenland" matches whatever the inflection. A match does not
count when

- a negation ("geen", "niet", "nooit", "nauwelijks", ...) stands shortly before it in the same
  clause ("we hebben nog geen partnerschool"), except in "niet alleen ... maar ook";
- it lies in words the respondent repeats from the interviewer's question (three or more words
  in a row that also occur in the question): echoing a question is not an answer.

Confidence grows with the evidence: one keyword alone is a weak hint (a word used in passing),
several different keywords or a phrase are strong ones. The rationale lists the matched words
as they stand in the text, and the matches that were set aside, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from spacy.attrs import IS_ALPHA, LOWER
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from analysis.coding.items import CodeItem, Scores, SegmentItem
from analysis.coding.text import compound_head, match_key
from analysis.nlp import PIPE_BATCH_SIZE, SENTENCE_PIPES, get_nlp

STOP_KEY_MARK = "~"  # prefix of a stop word's match key (see ``_key``)
NEGATION_CUES = frozenset(
    {"geen", "niet", "nooit", "nauwelijks", "amper", "niets", "niks", "nergens", "niemand",
     "zonder", "allerminst", "geenszins"}
)
# A cue followed by one of these is no negation: "niet alleen X maar ook Y", "niet zonder".
PSEUDO_NEGATION_NEXT = frozenset({"alleen", "enkel", "slechts", "zomaar", "zonder", "uitsluitend"})
# Words that open a new clause; the negation window stops there.
CLAUSE_WORDS = frozenset(
    {"maar", "want", "omdat", "terwijl", "hoewel", "doordat", "zodat", "dus", "daarom", "toen",
     "behalve", "alhoewel", "ofschoon", "dan"}
)
CLAUSE_PUNCT = frozenset(",;:.!?()–—-\"“”")
NEGATION_WINDOW = 6  # tokens before the match
ECHO_LENGTH = 3  # words in a row shared with the question

KEYWORD_WEIGHT = 0.63
PHRASE_WEIGHT = 1.26


def confidence_of(keywords: int, phrases: int) -> float:
    """1 - exp(-evidence): one keyword ≈ 0.47 (just under the default threshold: a word alone
    may be used in passing), two keywords or one phrase ≈ 0.72."""
    return 1.0 - math.exp(-(KEYWORD_WEIGHT * keywords + PHRASE_WEIGHT * phrases))


class RuleSuggester:
    """Finds each code's keywords and phrases in segments."""

    origin = "rule"

    def __init__(self, codes: Sequence[CodeItem]) -> None:
        self.nlp = get_nlp()
        self.codes = list(codes)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        single: set[str] = set()
        for code in self.codes:
            texts = [*code.keywords, *code.phrases]
            patterns = []
            for doc in self.nlp.pipe(texts, disable=SENTENCE_PIPES):
                words = [_key(t) for t in doc if not (t.is_punct or t.is_space)]
                if not words:
                    continue
                if len(words) == 1:
                    single.add(words[0])
                patterns.append(Doc(self.nlp.vocab, words=words))
            if patterns:
                self.matcher.add(code.key, patterns)
        self.single = frozenset(single)
        self.column = {code.key: j for j, code in enumerate(self.codes)}

    def _token_keys(self, doc: Doc) -> list[str]:
        result = []
        for token in doc:
            if token.is_punct or token.is_space:
                result.append(token.text)
                continue
            key = _key(token)
            if key not in self.single and not token.is_stop:
                key = compound_head(key, self.single) or key
            result.append(key)
        return result

    def scores(self, segments: Sequence[SegmentItem]) -> Scores:
        confidence = np.zeros((len(segments), len(self.codes)), dtype=np.float32)
        reasons: dict[tuple[int, int], dict] = {}
        texts = [s.text for s in segments]
        echo_cache: dict[str, set[tuple[int, ...]]] = {}
        docs = self.nlp.pipe(texts, disable=SENTENCE_PIPES, batch_size=PIPE_BATCH_SIZE)
        for i, doc in enumerate(docs):
            key_doc = Doc(self.nlp.vocab, words=self._token_keys(doc))
            found = self.matcher(key_doc)
            if not found:
                continue
            question = segments[i].question
            if question not in echo_cache:
                echo_cache[question] = _ngrams(self.nlp.tokenizer(question))
            echoed = _echoed(doc, echo_cache[question])
            per_code: dict[str, list[tuple[int, int]]] = {}
            for match_id, start, end in found:
                per_code.setdefault(self.nlp.vocab.strings[match_id], []).append((start, end))
            for code_key, spans in per_code.items():
                kept, ignored = [], []
                for start, end in _outermost(spans):
                    text = doc[start:end].text
                    if negated(doc, start):
                        ignored.append({"text": text, "why": "negation"})
                    elif all(k in echoed for k in range(start, end)):
                        ignored.append({"text": text, "why": "question"})
                    else:
                        kept.append((start, end, text))
                if not kept:
                    continue
                keywords = len({key_doc[s].text for s, e, _ in kept if e - s == 1})
                phrases = len({key_doc[s:e].text for s, e, _ in kept if e - s > 1})
                j = self.column[code_key]
                confidence[i, j] = confidence_of(keywords, phrases)
                reasons[(i, j)] = {
                    "matches": list(dict.fromkeys(text for _, _, text in kept)),
                    "ignored": ignored,
                }
        return Scores(self.origin, confidence, lambda i, j: reasons.get((i, j), {}))


def _key(token: Token) -> str:
    """A token's match key; stop words get a key of their own kind.

    Stems collide: "waarde" and the stop word "waar" share the stem "waar". A stop word still
    takes part in a phrase ("in de regio"), since phrases are keyed the same way, but never
    stands for a content keyword on its own.
    """
    key = match_key(token.lemma_) or token.lower_  # a stem can be empty ("ge")
    return STOP_KEY_MARK + key if token.is_stop else key


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop matches inside a longer match of the same code ("kans" inside "gelijke kansen")."""
    spans = sorted(set(spans), key=lambda se: (se[0], -(se[1] - se[0])))
    result: list[tuple[int, int]] = []
    for start, end in spans:
        if not any(s <= start and end <= e for s, e in result):
            result.append((start, end))
    return result


def negated(doc: Doc, start: int) -> bool:
    """A negation cue within the window before ``start``, in the same clause."""
    for k in range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1):
        token = doc[k]
        lower = token.lower_
        if lower in CLAUSE_WORDS or (token.is_punct and token.text in CLAUSE_PUNCT):
            return False
        if lower in NEGATION_CUES:
            following = doc[k + 1].lower_ if k + 1 < len(doc) else ""
            if following not in PSEUDO_NEGATION_NEXT:
                return True
    return False


def _words(doc: Doc) -> tuple[np.ndarray, list[int]]:
    """Token indices of the words (alphabetic tokens) and their lower-case hashes."""
    table = doc.to_array([IS_ALPHA, LOWER])
    positions = np.flatnonzero(table[:, 0])
    return positions, table[positions, 1].tolist()


def _ngrams(doc: Doc) -> set[tuple[int, ...]]:
    lowers = _words(doc)[1]
    return {tuple(lowers[k : k + ECHO_LENGTH]) for k in range(len(lowers) - ECHO_LENGTH + 1)}


def _echoed(doc: Doc, question_ngrams: set[tuple[int, ...]]) -> set[int]:
    """Token indices of the segment that lie in a run of words repeated from the question."""
    if not question_ngrams:
        return set()
    positions, lowers = _words(doc)
    marked: set[int] = set()
    for k in range(len(lowers) - ECHO_LENGTH + 1):
        if tuple(lowers[k : k + ECHO_LENGTH]) in question_ngrams:
            marked.update(positions[k : k + ECHO_LENGTH].tolist())
    return marked
