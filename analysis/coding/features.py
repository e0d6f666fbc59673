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

from analysis.coding.text import match_key
from analysis.nlp import lemmatise


def key_texts(texts: Sequence[str]) -> list[str]:
    """Lemmatise raw texts (codebook definitions, examples) and return them as key strings."""
    return [" ".join(match_key(lemma) for lemma in lemmas) for lemmas in lemmatise(texts)]


class KeyTfidf:
    """TF-IDF over space-separated key strings: what scikit-learn's ``TfidfVectorizer(
    token_pattern=r"[^ ]+", lowercase=False, sublinear_tf=True, dtype=np.float32)`` computes,
    to the bit (same vocabulary order, float32 arithmetic, smooth idf, l2 rows summed in
    double in storage order), without importing scikit-learn: its import (scipy.stats with it)
    cost a coding run about 1.5 s of CPU and 140 MB. ``tests/test_coding_suggesters.py``
    compares the two."""

    def __init__(self, corpus: Sequence[str]) -> None:
        documents = [text.split(" ") for text in corpus]
        terms = sorted({term for tokens in documents for term in tokens if term})
        if not terms:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        self.vocabulary = {term: index for index, term in enumerate(terms)}
        self.names = np.asarray(terms, dtype=object)
        counts = self._counts(documents)
        frequency = np.bincount(counts.indices, minlength=len(terms)).astype(np.float32)
        frequency += np.float32(1.0)
        idf = np.full_like(frequency, fill_value=counts.shape[0] + 1, dtype=np.float32)
        idf /= frequency
        np.log(idf, out=idf)
        idf += np.float32(1.0)
        self.idf = idf

    def _counts(self, documents: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        vocabulary = self.vocabulary
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for tokens in documents:
            counter: dict[int, int] = {}
            for token in tokens:
                column = vocabulary.get(token)
                if column is not None:
                    counter[column] = counter.get(column, 0) + 1
            for column in sorted(counter):
                indices.append(column)
                values.append(counter[column])
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (
                np.asarray(values, dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int32),
            ),
            shape=(len(documents), len(vocabulary)),
        )

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        matrix = self._counts([text.split(" ") for text in texts])
        data = matrix.data
        np.log(data, out=data)
        data += np.float32(1.0)
        data *= self.idf[matrix.indices]
        # l2 per row, as scikit-learn's Cython loop: float32 squares added in double, in order
        lengths = np.diff(matrix.indptr)
        starts = matrix.indptr[:-1]
        squares = (data * data).astype(np.float64)
        sums = np.zeros(len(lengths), dtype=np.float64)
        for position in range(int(lengths.max(initial=0))):
            rows = np.flatnonzero(lengths > position)
            sums[rows] += squares[starts[rows] + position]
        norms = np.sqrt(sums)
        norms[sums == 0.0] = 1.0  # empty rows stay as they are
        matrix.data = (data.astype(np.float64) / np.repeat(norms, lengths)).astype(np.float32)
        return matrix


class LemmaSpace:
    """TF-IDF vectors of key strings, plus a readable word for each key (for rationales)."""

    def __init__(self, corpus: Sequence[str], lemma_texts: Sequence[str] = ()) -> None:
        self.vectorizer = KeyTfidf(list(corpus) or [""])
        self.names = self.vectorizer.names
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
