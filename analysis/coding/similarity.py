"""Similarity: how close a segment is to what the codebook says about a code.

Each code is represented by its description (label, definition, keywords, phrases) and by each
of its examples; a segment's similarity to a code is its highest cosine similarity to any of
these. Offline the vectors are TF-IDF over match keys (``features.LemmaSpace``); when the
project names an embedding model (setting ``embedding_model``), the shared embedder of
``analysis.embeddings`` is used instead, so paraphrases that share no word can still meet.

A cosine is not a probability, and its scale depends on the representation. It becomes a
confidence through a logistic curve centred where, in that representation, a segment is
typically on-topic: fixed for TF-IDF (sparse vectors of short texts rarely pass 0.3), and for
an embedder at a high quantile of the segment-code similarities of the corpus itself, because
dense models crowd all their cosines into a narrow band whose place differs per model. The
rationale names the nearest example (or the definition), with its similarity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from analysis.coding.features import LemmaSpace, key_texts
from analysis.coding.items import CodeItem, Scores, SegmentItem

# TF-IDF cosine at which similarity alone gives confidence 0.5, and the width of the curve.
TFIDF_CENTRE = 0.15
TFIDF_WIDTH = 0.05
# A TF-IDF cosine of a two-word answer ("Prima, de trein was op tijd.") is high as soon as one
# word is shared; cosines are shrunk by n / (n + SHORT_TEXT_WORDS) for n content words.
SHORT_TEXT_WORDS = 4
# For an embedder: centre at this quantile of all segment-code cosines, width from the spread.
EMBEDDING_QUANTILE = 0.97
DESCRIPTION = "definitie"


def substance(key_texts: Sequence[str]) -> np.ndarray:
    """How much each text says of its own, in [0, 1): n / (n + SHORT_TEXT_WORDS) for n content
    words (a text's match keys, space-joined)."""
    words = np.array([len(text.split()) for text in key_texts], dtype=np.float32)
    return words / (words + SHORT_TEXT_WORDS)


def profile_texts(code: CodeItem) -> list[str]:
    """The texts that represent a code: its description first, then its examples."""
    description = " ".join([code.label, code.definition, *code.keywords, *code.phrases])
    return [description, *code.examples]


def _without_keywords(
    space: LemmaSpace, profiles: sparse.csr_matrix, owner: list[int], codes: Sequence[CodeItem]
) -> sparse.csr_matrix:
    """Profiles with each code's own keyword and phrase keys removed.

    The keywords are the rules' evidence; similarity should bring independent evidence: do the
    *other* words of the segment sound like the code? Then a keyword used in passing in an
    unrelated sentence gets no help from similarity, and adding the two does not count one word
    twice.
    """
    column = {name: k for k, name in enumerate(space.names)}
    own = [
        {column[w] for text in key_texts([*code.keywords, *code.phrases]) for w in text.split()
         if w in column}
        for code in codes
    ]
    profiles = profiles.tolil()
    for row, j in enumerate(owner):
        for k in own[j]:
            profiles[row, k] = 0.0
    return profiles.tocsr()


def _logistic(x: np.ndarray, centre: float, width: float) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-(x - centre) / width))).astype(np.float32)


class SimilaritySuggester:
    """Scores segments against code profiles in a TF-IDF or embedding space."""

    origin = "similarity"

    def __init__(
        self,
        codes: Sequence[CodeItem],
        *,
        space: LemmaSpace | None = None,
        embedder: object | None = None,
    ) -> None:
        if (space is None) == (embedder is None):
            raise ValueError("give exactly one of space (TF-IDF) or embedder")
        self.codes = list(codes)
        self.space = space
        self.embedder = embedder
        self.texts: list[str] = []
        self.owner: list[int] = []  # column of the code each profile text belongs to
        for j, code in enumerate(self.codes):
            for text in profile_texts(code):
                self.texts.append(text)
                self.owner.append(j)
        self.owner_array = np.array(self.owner, dtype=np.int64)
        if space is not None:
            self.profiles = _without_keywords(
                space, space.transform(key_texts(self.texts)), self.owner, self.codes
            )
        else:
            self.profiles = np.asarray(embedder.encode(self.texts), dtype=np.float32)  # type: ignore[union-attr]

    def scores(
        self, segments: Sequence[SegmentItem], vectors: np.ndarray | None = None
    ) -> Scores:
        """``vectors``: the segments' embeddings when an embedder is used (row per segment)."""
        if self.space is not None:
            texts = [s.key_text for s in segments]
            matrix = self.space.transform(texts)
            cosines = (matrix @ self.profiles.T).toarray() * substance(texts)[:, None]
        else:
            if vectors is None:
                raise ValueError("segment vectors are needed with an embedder")
            cosines = vectors @ self.profiles.T
        n_codes = len(self.codes)
        best = np.zeros((len(segments), n_codes), dtype=np.float32)
        nearest = np.zeros((len(segments), n_codes), dtype=np.int64)
        for j in range(n_codes):
            columns = np.flatnonzero(self.owner_array == j)
            block = cosines[:, columns]
            pick = block.argmax(axis=1)
            best[:, j] = block[np.arange(len(segments)), pick]
            nearest[:, j] = columns[pick]
        if self.space is not None:
            confidence = _logistic(best, TFIDF_CENTRE, TFIDF_WIDTH)
        else:
            centre = float(np.quantile(best, EMBEDDING_QUANTILE)) if best.size else 0.5
            width = max(float(best.std()) / 2.0, 1e-3) if best.size else 0.05
            confidence = _logistic(best, centre, width)

        def explain(i: int, j: int) -> dict:
            k = int(nearest[i, j])
            is_description = k == 0 or self.owner[k - 1] != self.owner[k]
            return {
                "nearest": DESCRIPTION if is_description else self.texts[k],
                "similarity": round(float(best[i, j]), 3),
            }

        return Scores(self.origin, confidence, explain)
