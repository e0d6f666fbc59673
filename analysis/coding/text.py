"""Match keys: the one normal form in which rules, similarity and learning compare words.

A key is the Snowball (Dutch) stem of the lower-cased spaCy lookup lemma. The lookup table
misses many common forms ("studenten", "ouders", "bedrijven" come back unchanged), so the lemma
alone would not bring a plural to its keyword; stemming the lemma does, and it is the same
function on both sides, so a codebook keyword and a word in a transcript meet whenever they
share a stem. Dutch compounds put the head last ("buitenlandstage" is a kind of "stage"), so a
token whose key ends in a keyword key also counts as that keyword (see ``compound_head``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import Stemmer

# A compound head must be this long, and leave a modifier at least this long, to count: shorter
# heads ("kans", "taal") end too many unrelated words.
MIN_HEAD = 5
MIN_MODIFIER = 3


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


@functools.lru_cache(maxsize=200_000)
def match_key(lemma: str) -> str:
    """The key of one lemma (or word)."""
    return _stemmer().stemWord(lemma.lower())


def keys(lemmas: Iterable[str]) -> list[str]:
    """Keys of a sequence of lemmas, in order."""
    return [match_key(lemma) for lemma in lemmas]


def compound_head(key: str, vocabulary: frozenset[str] | set[str]) -> str | None:
    """The longest key in ``vocabulary`` that ends ``key`` as the head of a compound, if any."""
    for cut in range(MIN_MODIFIER, len(key) - MIN_HEAD + 1):
        if key[cut:] in vocabulary:
            return key[cut:]
    return None
