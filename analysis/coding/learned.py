"""Learned suggestions: per code, a classifier trained on the evaluators' own decisions.

Once a code has at least ``MIN_POSITIVE`` segments that people accepted and ``MIN_NEGATIVE``
that they rejected or removed, a logistic regression on the TF-IDF match keys learns what the
evaluators mean by that code. A person's decision on a sub-code counts for its parent too (an
accepted ``impact.student`` is an ``impact`` segment), and a rejected parent counts against its
sub-codes. Where coders disagree on a segment, the newest decision wins.

Probabilities: with enough examples of both classes (``CALIBRATE_MIN`` each) the model is
wrapped in ``CalibratedClassifierCV`` (sigmoid, 3 folds), which fits the probability map on
held-out folds. Below that a fold would hold one or two positives and its calibration curve
would be noisier than the regularised regression's own probabilities, so those are used as
they are. The regression uses balanced class weights: accepted segments are rare, and without
them a handful of positives would barely move the probabilities.

Models are trained on demand when suggestions are computed and kept in a process cache keyed
by the decisions they were trained on, so a new accept or reject retrains only that code.
The rationale lists the words that pushed a segment's score up most.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.coding.features import LemmaSpace
from analysis.coding.items import CodeItem, Scores, SegmentItem
from analysis.coding.state import AUTO_CODER, NEGATIVE, POSITIVE, current_codings
from analysis.coding.text import keys
from analysis.store import Segment

MIN_POSITIVE = 5
MIN_NEGATIVE = 5
CALIBRATE_MIN = 15
CALIBRATION_FOLDS = 3
REGULARISATION = 4.0  # LogisticRegression's C: the key space is wide and the examples few
TOP_FEATURES = 5
_CACHE_SIZE = 256


@dataclass
class CodeModel:
    """A trained model for one code, with what it was trained on."""

    code: str
    classifier: object
    coefficients: np.ndarray
    positives: int
    negatives: int
    calibrated: bool

    def probabilities(self, matrix: sparse.csr_matrix) -> np.ndarray:
        return self.classifier.predict_proba(matrix)[:, 1]  # type: ignore[attr-defined]


_cache: dict[tuple[str, str], CodeModel] = {}


def training_labels(session: Session, codes: Sequence[CodeItem]) -> dict[str, dict[int, bool]]:
    """Per code, segment id -> accepted (True) or rejected/removed (False) by a person."""
    parent = {code.key: code.parent for code in codes}
    children: dict[str, list[str]] = {}
    for code in codes:
        if code.parent:
            children.setdefault(code.parent, []).append(code.key)
    newest: dict[tuple[int, str], tuple[int, bool]] = {}
    for row in current_codings(session):
        if row.coder == AUTO_CODER or row.status not in POSITIVE | NEGATIVE:
            continue
        pair = (row.segment_id, row.code_key)
        if pair not in newest or row.id > newest[pair][0]:
            newest[pair] = (row.id, row.status in POSITIVE)
    explicit = {pair: value for pair, (_, value) in newest.items()}
    labels: dict[str, dict[int, bool]] = {code.key: {} for code in codes}
    for (segment_id, code_key), value in explicit.items():
        if code_key not in labels:
            continue
        labels[code_key][segment_id] = value
        if value:
            ancestor = parent.get(code_key)
            while ancestor is not None:
                labels[ancestor][segment_id] = True
                ancestor = parent.get(ancestor)
        else:
            stack = list(children.get(code_key, []))
            while stack:
                child = stack.pop()
                if (segment_id, child) not in explicit:
                    labels[child].setdefault(segment_id, False)
                stack.extend(children.get(child, []))
    return labels


def _fingerprint(space: LemmaSpace, code: str, examples: dict[int, bool]) -> tuple[str, str]:
    digest = hashlib.sha256()
    digest.update("\x00".join(map(str, space.names)).encode())
    for segment_id, value in sorted(examples.items()):
        digest.update(f"{segment_id}:{int(value)};".encode())
    return code, digest.hexdigest()


def train(code: str, matrix: sparse.csr_matrix, y: np.ndarray) -> CodeModel:
    """Fit one code's classifier (calibrated when both classes are large enough)."""
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    base = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=2000)
    if min(positives, negatives) >= CALIBRATE_MIN:
        classifier = CalibratedClassifierCV(base, method="sigmoid", cv=CALIBRATION_FOLDS)
        classifier.fit(matrix, y)
        coefficients = np.mean(
            [c.estimator.coef_[0] for c in classifier.calibrated_classifiers_], axis=0
        )
        calibrated = True
    else:
        classifier = base.fit(matrix, y)
        coefficients = base.coef_[0]
        calibrated = False
    return CodeModel(code, classifier, coefficients, positives, negatives, calibrated)


def models_for(
    session: Session, codes: Sequence[CodeItem], space: LemmaSpace
) -> dict[str, CodeModel]:
    """A model for every code with enough decisions (trained now or taken from the cache)."""
    labels = training_labels(session, codes)
    needed = {
        key: examples
        for key, examples in labels.items()
        if sum(examples.values()) >= MIN_POSITIVE
        and len(examples) - sum(examples.values()) >= MIN_NEGATIVE
    }
    ids = sorted({segment_id for examples in needed.values() for segment_id in examples})
    lemma_of: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        lemma_of.update(
            session.execute(select(Segment.id, Segment.lemmas).where(Segment.id.in_(chunk)))
            .tuples()
            .all()
        )
    models = {}
    for key, examples in needed.items():
        cache_key = _fingerprint(space, key, examples)
        if cache_key not in _cache:
            segment_ids = sorted(s for s in examples if s in lemma_of)
            matrix = space.transform([" ".join(keys(lemma_of[s].split())) for s in segment_ids])
            y = np.array([examples[s] for s in segment_ids], dtype=int)
            if len(_cache) >= _CACHE_SIZE:
                _cache.pop(next(iter(_cache)))
            _cache[cache_key] = train(key, matrix, y)
        models[key] = _cache[cache_key]
    return models


class LearnedSuggester:
    """Applies the trained models to segments."""

    origin = "learned"

    def __init__(self, codes: Sequence[CodeItem], models: dict[str, CodeModel], space: LemmaSpace):
        self.codes = list(codes)
        self.models = models
        self.space = space

    def scores(self, segments: Sequence[SegmentItem]) -> Scores:
        """Probabilities for codes with a model; NaN marks codes without one."""
        confidence = np.full((len(segments), len(self.codes)), np.nan, dtype=np.float32)
        matrix = self.space.transform([s.key_text for s in segments])
        for j, code in enumerate(self.codes):
            model = self.models.get(code.key)
            if model is not None and len(segments):
                confidence[:, j] = model.probabilities(matrix)

        def explain(i: int, j: int) -> dict:
            model = self.models.get(self.codes[j].key)
            if model is None:
                return {}
            row = matrix.getrow(i)
            contributions = row.data * model.coefficients[row.indices]
            order = np.argsort(-contributions)
            words = [
                self.space.word(int(row.indices[k])) for k in order[:TOP_FEATURES]
                if contributions[k] > 0
            ]
            return {
                "features": words,
                "trained_on": {"accepted": model.positives, "rejected": model.negatives},
                "calibrated": model.calibrated,
            }

        return Scores(self.origin, confidence, explain)
