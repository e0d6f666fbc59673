"""Search terms: the one normal form in which questions and segments meet, compounds included.

A term is the match key of :mod:`analysis.coding.text` (the Snowball stem of the lower-cased
lookup lemma), so "ouders" meets "ouder" and "studenten" meets "student", exactly as coding
rules see them. Three things are added to the stored content lemmas of a text:

* **words with a hyphen, apostrophe or plus** ("oud-studenten", "2-studenten", "buddy's",
  "collega's", "Erasmus+"): content lemmas skip them as non-alphabetic tokens, so their
  alphabetic parts are taken from the raw text (a plural "'s" drops its "s");
* **level terms**: MBO levels are numbers, which content lemmas drop, so "niveau 2",
  "niveau 2-studenten" and "niveau 1 en 2" yield ``niveau_2`` (and ``niveau_1``); the entree
  programme is level 1, so "entree", "entreestudenten" and "entree-opleidingen" yield
  ``niveau_1`` too;
* **compound parts** (:class:`CompoundSplitter`): Dutch writes compounds as one word, so
  "stageplekken" must find "stage" and "buitenlandstage" must find "buitenland".

Why our own splitter: the one Dutch-capable decompounder on PyPI (``compound-split``,
CharSplit) is a character n-gram model trained on German nouns that returns one body/head cut
and has not been released since 2020; splitting against the vocabulary of the corpus itself
(backed by spaCy's Dutch lemma table) needs no model and only ever yields parts that can meet a
word in the interviews.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable

from analysis.coding.text import match_key
from analysis.lemma_lookup import lemma_lookup
from analysis.nlp import STOP_WORDS

LEVEL_PREFIX = "niveau_"


def words(block: str) -> list[str]:
    """The whitespace-separated words of a block (keeps the word lists readable)."""
    return block.split()


# "niveau 2", "niveau-2", "niveau 2-studenten", "niveau 1 en 2", "niveaus 3 en 4".
_LEVELS = re.compile(
    r"\bniveaus?[\s-]*([1-4](?:\s*(?:,|en|of|tot|-)\s*[1-4])*)(?![0-9])", re.IGNORECASE
)
_DIGIT = re.compile(r"[1-4]")
_ENTREE = re.compile(r"\bentree", re.IGNORECASE)
# A word with a hyphen, apostrophe or trailing plus: "oud-studenten", "buddy's", "Erasmus+".
_JOINED = re.compile(r"\w+(?:[-'’]\w+)+|\w+\+")
_ALPHA = re.compile(r"[^\W\d_]{2,}")
_PLURAL_S = re.compile(r"['’]s$")

# Derivational prefixes and particles: "verwachten" and "aanstelling" are not compounds of
# "ver" + "wachten" or "aan" + "stelling", so no part may be one of these.
_NOT_A_PART = frozenset(
    words(
        """be ge ver ont her mis er aan af bij door in mee na om onder op over toe uit voor weg
        tegen terug samen achter boven binnen buiten rond vol"""
    )
)
# Linking sounds between the parts of a compound: "gesprek-s-cyclus", "student-en-raad".
_LINKS = ("", "s", "en", "e")
MIN_COMPOUND = 7  # shorter words are not split
MIN_MODIFIER = 3
MIN_HEAD = 4
MIN_DICTIONARY_PART = 5
MAX_PARTS = 4
# Derivational suffixes that are also words ("lijk", "baar"): "persoonlijk" is no compound.
_SUFFIXES = frozenset(words("lijk lijks baar heid isch achtig loos zaam ing eren ende lende"))


def level_terms(text: str) -> list[str]:
    """``niveau_N`` terms for every MBO level the text names (entree counts as level 1)."""
    terms = [
        f"{LEVEL_PREFIX}{digit}"
        for match in _LEVELS.finditer(text)
        for digit in _DIGIT.findall(match.group(1))
    ]
    terms.extend(f"{LEVEL_PREFIX}1" for _ in _ENTREE.finditer(text))
    return terms


@functools.cache
def dutch_words() -> frozenset[str]:
    """Every lemma in spaCy's Dutch lookup table: a dictionary of real Dutch words.

    Lemmas only, not the inflected forms: that is what this set always held (it was built from
    spaCy's ``Table``, whose keys are string hashes, so the forms never matched a word), and
    the compound splits and college names of ``ask`` are tested on it. Adding the forms is a
    change of behaviour to decide on its own.
    """
    return frozenset(lemma_lookup().values())


def lemma(word: str) -> str:
    """The lookup lemma of one lower-case word (itself when the table does not know it)."""
    return lemma_lookup().get(word, word)


def joined_terms(text: str) -> list[str]:
    """Keys of the alphabetic parts of words with a hyphen, apostrophe or plus, which content
    lemmas leave out ("collega's" -> collega, "oud-studenten" -> oud, student)."""
    terms = []
    for match in _JOINED.finditer(text):
        word = _PLURAL_S.sub("", match.group(0).lower().rstrip("+"))
        for part in _ALPHA.findall(word):
            if part not in STOP_WORDS:
                terms.append(match_key(lemma(part)))
    return terms


def text_terms(lemmas: Iterable[str], text: str) -> list[str]:
    """The search terms of a text, given its content lemmas (repeats kept, compounds whole)."""
    terms = [match_key(item) for item in lemmas]
    terms.extend(joined_terms(text))
    terms.extend(level_terms(text))
    return terms


_WORDS = re.compile(r"[^\W\d_]{2,}")


def quick_words(text: str) -> list[str]:
    """The content lemmas of a text without the spaCy pipeline, for short texts read in bulk
    (interviewer questions): lower-cased words looked up in the same lemma table, minus stop
    words and the words that :func:`joined_terms` handles."""
    words = []
    for word in _WORDS.findall(_JOINED.sub(" ", text.lower())):
        base = lemma(word)
        if word not in STOP_WORDS and base not in STOP_WORDS:
            words.append(base)
    return words


def quick_terms(text: str) -> list[str]:
    """:func:`text_terms` of a text, with :func:`quick_words` as its lemmas."""
    terms = [match_key(word) for word in quick_words(text)]
    terms.extend(joined_terms(text))
    terms.extend(level_terms(text))
    return terms


class CompoundSplitter:
    """Splits Dutch compounds into parts that occur as words of their own in a corpus.

    ``vocabulary`` holds the corpus' content lemmas. A split cuts a word into two to
    :data:`MAX_PARTS` parts, optionally joined by a linking sound (``s``, ``en``, ``e``). Every
    part must be a word of the corpus (itself, or an inflected form of one: "plekken" for
    "plek"), except that one part of at least :data:`MIN_DICTIONARY_PART` letters may instead be
    any word of spaCy's Dutch lemma table, so a question can use a compound the interviews never
    do ("stageplekken" still finds "stage"). No part is a stop word, a prefix ("ver", "aan") or
    a suffix that happens to be a word ("lijk", "baar"). Of all splits the one with the fewest
    parts wins, then the one with most corpus parts, then the most even one. ``parts`` returns
    the keys of the corpus parts: the terms by which a compound is also found.
    """

    def __init__(self, vocabulary: Collection[str]) -> None:
        self.corpus_words = frozenset(w for w in vocabulary if self._eligible(w))
        self.corpus_keys = frozenset(match_key(w) for w in self.corpus_words)
        self._words = dutch_words()
        self._split = functools.lru_cache(maxsize=None)(self._best_split)
        self._parts: dict[str, list[str]] = {}  # parts() per word: indexing asks per occurrence

    @staticmethod
    def _eligible(word: str) -> bool:
        return len(word) >= MIN_MODIFIER and word.isalpha() and word not in STOP_WORDS

    def _in_corpus(self, part: str) -> bool:
        """The corpus uses ``part`` as a word, or a form of it whose stem only drops an ending
        (the stemmer also strips a leading "ge", which would make "geplek" a form of "plek")."""
        if part in self.corpus_words:
            return True
        key = match_key(part)
        return key in self.corpus_keys and part.startswith(key[:-1])

    def _kind(self, part: str, *, head: bool) -> int | None:
        """2 for a corpus part, 1 for a dictionary part, None for no part at all."""
        if not self._eligible(part) or part in _NOT_A_PART or part in _SUFFIXES:
            return None
        if len(part) < MIN_HEAD and head:
            return None
        if self._in_corpus(part):
            return 2
        if len(part) >= MIN_DICTIONARY_PART and part in self._words:
            return 1
        return None

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of ``word`` (lower case), or ``()`` when it is not a compound."""
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return ()
        best = self._split(word, MAX_PARTS, False)
        return best[1] if best is not None else ()

    def parts(self, word: str) -> list[str]:
        """Keys of the corpus parts of ``word`` (none when it is not a compound)."""
        found = self._parts.get(word)
        if found is None:
            keys = [match_key(part) for part in self.split(word) if self._in_corpus(part)]
            whole = match_key(word)
            found = self._parts[word] = [key for key in dict.fromkeys(keys) if key != whole]
        return found

    def _best_split(
        self, word: str, budget: int, whole: bool
    ) -> tuple[tuple[int, int, int], tuple[str, ...]] | None:
        """The best cut of ``word`` into at most ``budget`` parts with at most one dictionary
        part, as (sort key, parts); with ``whole`` the word may stay one part (it is the rest
        of a longer word), otherwise it needs two or more."""
        candidates: list[tuple[tuple[int, int, int], tuple[str, ...]]] = []
        kind = self._kind(word, head=True) if whole else None
        if kind is not None:
            candidates.append(((1, -kind, -len(word)), (word,)))
        if budget >= 2:
            for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
                modifier = word[:cut]
                first = self._kind(modifier, head=False)
                if first is None:
                    continue
                rest = word[cut:]
                for link in _LINKS:
                    if not rest.startswith(link) or len(rest) - len(link) < MIN_HEAD:
                        continue
                    tail = self._split(rest[len(link) :], budget - 1, True)
                    if tail is None:
                        continue
                    (count, known, shortest), parts = tail
                    rank = (count + 1, known - first, max(shortest, -len(modifier)))
                    candidates.append((rank, (modifier, *parts)))
        # A dictionary part is allowed once: corpus parts score 2, so n parts score >= 2n - 1.
        allowed = [c for c in candidates if -c[0][1] >= 2 * c[0][0] - 1]
        return min(allowed) if allowed else None
