"""Learned suggestions: per code, a classifier trained on the evaluators' own decisions.

Once a code has at least ``MIN_POSITIVE`` segments that people accepted and ``MIN_NEGATIVE``
that they rejected or removed, a logistic regression learns what the evaluators mean by it.
A person's decision on a sub-code counts for its parent too (an accepted ``impact.student`` is
an ``impact`` segment), and a rejected parent counts against its sub-codes. Where coders
disagree on a segment, the newest decision wins.

Features (``StackedFeatures``): the segment's TF-IDF match keys, the TF-IDF keys of the question
it answers (interviews are organised by theme, and a coder reads the answer with its question),
and the rule, similarity and context scores of every code. With the zero-shot scores among its
inputs the model learns, per code, how far the keywords and the codebook examples can be
trusted, and it still has them for words the few examples never contained.

Weighed against the codebook: with the tens of decisions an evaluator makes at first, the
model also fits accidents of those segments, and on unseen interviews it was worse than the
zero-shot confidence for some codes. So the final probability is a second, two-weight logistic
regression (``CodeModel.stack``) on the logits of the model's out-of-fold probability and of
the zero-shot confidence (``evidence.zero_shot``), fitted on the same decisions: where the
evaluator's decisions follow the codebook it keeps its say, and where they go against it (a
keyword the evaluator keeps rejecting in another sense) its weight drops to nothing.

Probabilities: with enough examples of both classes (``CALIBRATE_MIN`` each) the model is
wrapped in ``CalibratedClassifierCV`` (sigmoid, 3 folds), which fits the probability map on
held-out folds. Below that a fold would hold one or two positives and its calibration curve
would be noisier than the regularised regression's own probabilities, so those are used as
they are. The regression uses balanced class weights: accepted segments are rare, and without
them a handful of positives would barely move the probabilities.

Learned threshold: a probability still needs a cut, and the right one differs per code (a
code the evaluator applies often wants a low cut, a rare and strict one a high cut). The cut is
learned from the evaluator's own decisions: the code's model is trained ``THRESHOLD_FOLDS``
times on part of the decisions and predicts the rest (out-of-fold probabilities), these are
weighed against the zero-shot confidence as above, and the cut that gives the best F1 on the
result becomes the code's learned threshold. It applies
only to codes without a threshold of their own (``state.thresholds``): a threshold the
evaluator or the codebook set always wins.

A language model (``coding.llm``), when configured, is a third input of the stack (the logit of
its confidence; where it gave none, the zero-shot confidence stands in): its weight is learned
from the same decisions, so a model that codes well takes over and one that codes at random
gets next to no weight.

Models are trained when suggestions are computed and kept in a process cache keyed by the
training data itself (a hash of the feature rows and labels), so an accept or reject retrains
only the codes it touches; the classifier with its out-of-fold probabilities (``Fit``, nearly
all the cost) is cached apart from the stack, so a language model that answers differently
re-fits only the stack. The rationale lists the features that pushed a score up most.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from sqlalchemy.orm import Session

from analysis.coding.context import Questions
from analysis.coding.features import LemmaSpace
from analysis.coding.items import CodeItem, Scores, SegmentItem
from analysis.coding.state import AUTO_CODER, NEGATIVE, POSITIVE, current_codings

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

MIN_POSITIVE = 5
MIN_NEGATIVE = 5
CALIBRATE_MIN = 15
CALIBRATION_FOLDS = 3
REGULARISATION = 1.0  # LogisticRegression's C
THRESHOLD_FOLDS = 5
# Bounds of a learned threshold: below the lower one a code would be applied on noise.
THRESHOLD_BOUNDS = (0.05, 0.95)
TOP_FEATURES = 5
STACK_EPSILON = 1e-3  # probabilities are clipped to [e, 1 - e] before taking logits
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
    stack: LogisticRegression
    threshold: float | None = None  # the F1-best cut on out-of-fold probabilities
    uses_llm: bool = False  # the stack has the language model's confidence as third input

    def probabilities(
        self, matrix: sparse.csr_matrix, prior: np.ndarray, llm: np.ndarray | None = None
    ) -> np.ndarray:
        """The model's probability weighed against the zero-shot confidence ``prior`` (and the
        language model's ``llm``, NaN where it gave none, when the stack was trained with it)."""
        own = self.classifier.predict_proba(matrix)[:, 1]  # type: ignore[attr-defined]
        if not self.uses_llm:
            return self.stack.predict_proba(_stack_inputs(own, prior))[:, 1]
        llm = np.full(len(prior), np.nan) if llm is None else llm
        return self.stack.predict_proba(_stack_inputs(own, prior, llm))[:, 1]


@dataclass(frozen=True)
class Fit:
    """The expensive part of a code's model: the classifier and its out-of-fold probabilities.

    It depends on the feature rows and the decisions only, not on the zero-shot or language
    model confidences that the cheap stack weighs it against, so it is cached on its own: a new
    language model, or its answers changing, re-fits only the stack."""

    classifier: object
    coefficients: np.ndarray
    calibrated: bool
    out_of_fold: np.ndarray


_cache: dict[str, CodeModel] = {}
_fits: dict[str, Fit] = {}


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


LEARNING_COLUMNS = ["code", "accepted", "rejected", "learning", "needs_accepted", "needs_rejected"]


def learning_status(session: Session, codes: Sequence[CodeItem]) -> pd.DataFrame:
    """Per code, the people's decisions a learned model would train on and whether there are
    enough (``MIN_POSITIVE`` accepted and ``MIN_NEGATIVE`` rejected), with how many of each are
    still missing: so an evaluator sees which codes learn from them and what would make the rest
    learn."""
    import pandas as pd

    labels = training_labels(session, codes)
    learning = trainable(labels)
    rows = []
    for code in codes:
        examples = labels.get(code.key, {})
        accepted = sum(examples.values())
        rejected = len(examples) - accepted
        rows.append(
            {
                "code": code.key,
                "accepted": accepted,
                "rejected": rejected,
                "learning": code.key in learning,
                "needs_accepted": max(0, MIN_POSITIVE - accepted),
                "needs_rejected": max(0, MIN_NEGATIVE - rejected),
            }
        )
    return pd.DataFrame(rows, columns=LEARNING_COLUMNS)


def trainable(labels: dict[str, dict[int, bool]]) -> dict[str, dict[int, bool]]:
    """The codes with enough accepted and rejected segments to learn from."""
    return {
        key: examples
        for key, examples in labels.items()
        if sum(examples.values()) >= MIN_POSITIVE
        and len(examples) - sum(examples.values()) >= MIN_NEGATIVE
    }


class StackedFeatures:
    """Segment words | question words | rule, similarity and context score per code."""

    def __init__(self, space: LemmaSpace, codes: Sequence[CodeItem]) -> None:
        self.space = space
        self.codes = list(codes)

    def matrix(
        self,
        items: Sequence[SegmentItem],
        questions: Questions,
        rules: np.ndarray,
        similarity: np.ndarray,
        context: np.ndarray,
    ) -> sparse.csr_matrix:
        """``questions``: the questions ``items`` answer (``context.answered_questions``)."""
        words = self.space.transform([item.key_text for item in items])
        per_question = sparse.vstack(
            [
                self.space.transform([q.key_text for q in questions.items]),
                sparse.csr_matrix((1, len(self.space.names)), dtype=np.float32),  # no question
            ],
            format="csr",
        )
        answered = np.where(questions.row >= 0, questions.row, len(questions.items))
        scores = sparse.csr_matrix(np.hstack([rules, similarity, context]).astype(np.float32))
        return sparse.hstack(
            [words, per_question[answered], scores], format="csr", dtype=np.float32
        )

    def name(self, column: int) -> str:
        """A readable (Dutch) name for a feature, for rationales."""
        width = len(self.space.names)
        if column < width:
            return self.space.word(column)
        if column < 2 * width:
            return f"vraag: {self.space.word(column - width)}"
        column -= 2 * width
        n = len(self.codes)
        kind = ("trefwoorden", "gelijkenis", "samenhang")[column // n]
        return f"{kind} {self.codes[column % n].key}"


def best_cut(probabilities: np.ndarray, y: np.ndarray) -> float:
    """The cut with the highest F1 when every probability at or above it counts as applied.

    The best split of the ranked probabilities is found first (on a tie of F1 the stricter
    one); the cut is then placed halfway between the lowest probability taken and the highest
    one left out, not on the lowest one taken: a new segment that scores a little below the
    weakest accepted example is more like it than like the strongest rejected one.
    """
    order = np.argsort(-probabilities, kind="stable")
    ranked, hits = probabilities[order], y[order]
    true_positives = np.cumsum(hits)
    f1 = 2 * true_positives / (np.arange(1, len(ranked) + 1) + y.sum())
    last_of_tie = np.r_[ranked[1:] != ranked[:-1], True]  # a cut takes all equal scores
    f1 = np.where(last_of_tie, f1, -1.0)
    taken = int(np.argmax(f1))
    cut = float(ranked[taken])
    if taken + 1 < len(ranked):
        cut = (cut + float(ranked[taken + 1])) / 2
    return float(np.clip(cut, *THRESHOLD_BOUNDS))


def out_of_fold(matrix: sparse.csr_matrix, y: np.ndarray) -> np.ndarray:
    """Each decision's probability from a model trained without it (``THRESHOLD_FOLDS`` folds)."""
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    folds = min(THRESHOLD_FOLDS, positives, negatives)
    result = np.zeros(len(y), dtype=np.float64)
    from sklearn.model_selection import StratifiedKFold  # scikit-learn only when a model trains

    splitter = StratifiedKFold(folds, shuffle=True, random_state=0)
    for fit_rows, held_out in splitter.split(np.zeros(len(y)), y):
        model = _classifier(matrix[fit_rows], y[fit_rows])[0]
        result[held_out] = model.predict_proba(matrix[held_out])[:, 1]  # type: ignore[attr-defined]
    return result


def _stack_inputs(
    own: np.ndarray, prior: np.ndarray, llm: np.ndarray | None = None
) -> np.ndarray:
    """Logits of the model's probability and the zero-shot confidence, as two columns, and of
    the language model's confidence (the prior where it is NaN) as a third when given."""
    parts = [own, prior]
    if llm is not None:
        parts.append(np.where(np.isnan(llm), prior, llm))
    clipped = [np.clip(np.asarray(p, dtype=np.float64), STACK_EPSILON, 1 - STACK_EPSILON)
               for p in parts]
    return np.column_stack([np.log(p / (1 - p)) for p in clipped])


def _classifier(matrix: sparse.csr_matrix, y: np.ndarray) -> tuple[object, np.ndarray, bool]:
    """A fitted classifier (calibrated when both classes are large enough), its coefficients
    and whether it is calibrated."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    base = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=3000)
    if min(positives, negatives) >= CALIBRATE_MIN:
        classifier = CalibratedClassifierCV(base, method="sigmoid", cv=CALIBRATION_FOLDS)
        classifier.fit(matrix, y)
        coefficients = np.mean(
            [c.estimator.coef_[0] for c in classifier.calibrated_classifiers_], axis=0
        )
        return classifier, coefficients, True
    base.fit(matrix, y)
    return base, base.coef_[0], False


def train(
    code: str,
    matrix: sparse.csr_matrix,
    y: np.ndarray,
    prior: np.ndarray,
    llm: np.ndarray | None = None,
) -> CodeModel:
    """Fit one code's classifier, weigh it against the zero-shot ``prior`` (and the language
    model's ``llm``) and learn its threshold, all from the same decisions (out of fold where the
    model judges itself)."""
    from sklearn.linear_model import LogisticRegression

    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    fitted = fit(matrix, y)
    inputs = _stack_inputs(fitted.out_of_fold, prior, llm)
    stack = LogisticRegression(C=REGULARISATION, class_weight="balanced").fit(inputs, y)
    threshold = best_cut(stack.predict_proba(inputs)[:, 1], y)
    return CodeModel(
        code, fitted.classifier, fitted.coefficients, positives, negatives, fitted.calibrated,
        stack, threshold, uses_llm=llm is not None,
    )


def fit(matrix: sparse.csr_matrix, y: np.ndarray) -> Fit:
    """The classifier and out-of-fold probabilities for these rows and decisions (cached)."""
    key = _fingerprint("", matrix, y, np.zeros(0, dtype=np.float32), None)
    if key not in _fits:
        if len(_fits) >= _CACHE_SIZE:
            _fits.pop(next(iter(_fits)))
        classifier, coefficients, calibrated = _classifier(matrix, y)
        _fits[key] = Fit(classifier, coefficients, calibrated, out_of_fold(matrix, y))
    return _fits[key]


def _fingerprint(
    code: str, matrix: sparse.csr_matrix, y: np.ndarray, prior: np.ndarray,
    llm: np.ndarray | None,
) -> str:
    digest = hashlib.sha256(code.encode())
    extra = () if llm is None else (np.ascontiguousarray(llm, dtype=np.float32), b"llm")
    for part in (matrix.data, matrix.indices, matrix.indptr, y, prior, *extra):
        digest.update(np.ascontiguousarray(part).tobytes())
    digest.update(str(matrix.shape).encode())
    return digest.hexdigest()


def train_models(
    labels: dict[str, dict[int, bool]],
    matrix: sparse.csr_matrix,
    row_of: dict[int, int],
    prior: np.ndarray,
    column: dict[str, int],
    llm: np.ndarray | None = None,
) -> dict[str, CodeModel]:
    """A model per code in ``labels`` (from the cache when trained on the same data before).

    ``prior``: the zero-shot confidences, a row per row of ``matrix`` and the column of each
    code given by ``column``; ``llm`` the language model's confidences in the same shape (NaN
    where it gave none), or None without a model.
    """
    models = {}
    for key, examples in labels.items():
        ids = sorted(s for s in examples if s in row_of)
        index = [row_of[s] for s in ids]
        rows = matrix[index]
        y = np.array([examples[s] for s in ids], dtype=int)
        if y.sum() < MIN_POSITIVE or len(y) - y.sum() < MIN_NEGATIVE:
            continue
        code_prior = np.ascontiguousarray(prior[index, column[key]], dtype=np.float32)
        code_llm = None if llm is None else np.ascontiguousarray(llm[index, column[key]])
        if code_llm is not None:
            answered = ~np.isnan(code_llm)
            if y[answered].sum() < MIN_POSITIVE or (1 - y[answered]).sum() < MIN_NEGATIVE:
                code_llm = None  # too few decisions the language model answered to weigh it
        cache_key = _fingerprint(key, rows, y, code_prior, code_llm)
        if cache_key not in _cache:
            if len(_cache) >= _CACHE_SIZE:
                _cache.pop(next(iter(_cache)))
            _cache[cache_key] = train(key, rows, y, code_prior, code_llm)
        models[key] = _cache[cache_key]
    return models


class LearnedSuggester:
    """Applies the trained models to the first ``count`` rows of a feature matrix."""

    origin = "learned"

    def __init__(
        self, codes: Sequence[CodeItem], models: dict[str, CodeModel], features: StackedFeatures
    ) -> None:
        self.codes = list(codes)
        self.models = models
        self.features = features

    def scores(
        self, matrix: sparse.csr_matrix, prior: np.ndarray, llm: np.ndarray | None = None
    ) -> Scores:
        """Probabilities for codes with a model; NaN marks codes without one.

        ``prior``: the zero-shot confidences of the same rows, which each model weighs its own
        prediction against (and ``llm``, the language model's, when given).
        """
        confidence = np.full((matrix.shape[0], len(self.codes)), np.nan, dtype=np.float32)
        for j, code in enumerate(self.codes):
            model = self.models.get(code.key)
            if model is not None and matrix.shape[0]:
                column = None if llm is None else llm[:, j]
                confidence[:, j] = model.probabilities(matrix, prior[:, j], column)

        def explain(i: int, j: int) -> dict:
            model = self.models.get(self.codes[j].key)
            if model is None:
                return {}
            row = matrix.getrow(i)
            contributions = row.data * model.coefficients[row.indices]
            order = np.argsort(-contributions)
            names = [
                self.features.name(int(row.indices[k]))
                for k in order[:TOP_FEATURES]
                if contributions[k] > 0
            ]
            weights = model.stack.coef_[0]
            shares = {"model": round(float(weights[0]), 2),
                      "codebook": round(float(weights[1]), 2)}
            if model.uses_llm:
                shares["taalmodel"] = round(float(weights[2]), 2)
            return {
                "features": names,
                "trained_on": {"accepted": model.positives, "rejected": model.negatives},
                "calibrated": model.calibrated,
                "weights": shares,
            }

        return Scores(self.origin, confidence, explain)
