"""The offline text representation shared by similarity and learning: TF-IDF over match keys.

Fitted on the project's own segments (their idf says which words are common in these
interviews) plus the codebook texts, so that a code's vocabulary is known even where the corpus
has not used it yet. Keys are stemmed lemmas (``analysis.coding.text``); stop words and fillers
are already gone from ``Segment.lemmas``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.coding.text import match_key
from analysis.nlp import lemmatise


def key_texts(texts: Sequence[str]) -> list[str]:
    """Lemmatise raw texts (codebook definitions, examples) and return them as key strings."""
    return [" ".join(match_key(lemma) for lemma in lemmas) for lemmas in lemmatise(texts)]


class LemmaSpace:
    """TF-IDF vectors of key strings, plus a readable word for each key (for rationales)."""

    def __init__(self, corpus: Sequence[str], lemma_texts: Sequence[str] = ()) -> None:
        self.vectorizer = TfidfVectorizer(
            token_pattern=r"[^ ]+", lowercase=False, sublinear_tf=True, dtype=np.float32
        )
        self.vectorizer.fit(list(corpus) or [""])
        self.names = self.vectorizer.get_feature_names_out()
        counts: Counter[tuple[str, str]] = Counter()
        for text in lemma_texts:
            counts.update((match_key(lemma), lemma) for lemma in text.split())
        words: dict[str, tuple[int, str]] = {}
        for (key, lemma), count in counts.items():
            if key not in words or (count, lemma) > words[key]:
                words[key] = (count, lemma)
        self._words = {key: lemma for key, (_, lemma) in words.items()}

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self.vectorizer.transform(list(texts))

    def word(self, column: int) -> str:
        """The most frequent lemma behind a feature (the stem itself if none was seen)."""
        key = str(self.names[column])
        return self._words.get(key, key)
