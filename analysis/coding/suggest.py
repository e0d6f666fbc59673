"""Run the suggesters over the project and store what they suggest as coder ``auto``.

Suggestions are rows in the same append-only log as people's decisions. A run appends a row
only where something changed: a new suggestion, a confidence that moved, or a suggestion that
fell away (status ``withdrawn``). Suggestions below ``STORE_FLOOR`` are not stored at all:
nobody reviews a 5 % guess, and 100,000 segments times 21 codes would swamp the log. Where a
code's threshold is lower than that (a threshold learned from the evaluator's decisions can
be), its floor is its threshold, so that everything that counts as applied is stored.

With a language model configured, its answers (``coding.llm``, asked before this transaction
opens) are one more piece of evidence (``combine``); without one nothing here changes.

Each run also stores the thresholds learned with the models (``state.thresholds`` uses them for
codes without a threshold of their own).

A (segment, code) that a person has decided on is never suggested again, and neither are the
sub-codes of a code a person rejected there, nor the parent of a sub-code a person accepted
(it is implied already).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, aliased

from analysis.coding.combine import ORIGINS, Combined, combine
from analysis.coding.context import answered_questions, context_scores
from analysis.coding.evidence import noisy_or, zero_shot
from analysis.coding.features import LemmaSpace, key_texts
from analysis.coding.items import CodeItem, Scores, SegmentItem
from analysis.coding.learned import (
    LearnedSuggester,
    StackedFeatures,
    train_models,
    trainable,
    training_labels,
)
from analysis.coding.rules import RuleSuggester
from analysis.coding.similarity import SimilaritySuggester, profile_texts
from analysis.coding.state import (
    AUTO_CODER,
    DECIDED,
    POSITIVE,
    current_codings,
    default_threshold,
    store_learned_thresholds,
    thresholds,
)
from analysis.coding.trust import DEFAULT, Trust, learn_trust
from analysis.store import Code, Coding, Segment, Transcript, Turn, id_chunks, utcnow

STORE_FLOOR = 0.3
CHANGE = 0.01  # a confidence that moved less than this is not written again


class ModelAnswers(Protocol):
    """What a language model said per segment (``coding.llm.LLMCoding``)."""

    model: str

    def scores(self, keys: Sequence[str], items: Sequence[SegmentItem]) -> Scores: ...


@dataclass
class SuggestReport:
    """What a run did, for the CLI and the app."""

    segments: int
    stored: int
    unchanged: int
    withdrawn: int
    applied: dict[str, int] = field(default_factory=dict)  # suggestions at/above threshold
    learned: dict[str, dict[str, object]] = field(default_factory=dict)
    seconds: float = 0.0
    llm: dict[str, object] = field(default_factory=dict)  # model, requests, trust, messages


def load_codes(session: Session) -> list[CodeItem]:
    return [
        CodeItem(
            key=row.key,
            label=row.label,
            definition=row.definition,
            when_to_use=row.when_to_use,
            examples=tuple(row.examples or ()),
            keywords=tuple(row.keywords or ()),
            phrases=tuple(row.phrases or ()),
            parent=row.parent_key,
        )
        for row in session.scalars(select(Code).order_by(Code.position, Code.key))
    ]


def load_segments(
    session: Session,
    transcript_ids: Iterable[int] | None = None,
    *,
    ids: Iterable[int] | None = None,
) -> list[SegmentItem]:
    """Respondent segments with the question each answers.

    By default the automatic, codable ones (of some transcripts); with ``ids`` exactly those
    segments, hand-cut spans included (the examples a person coded).
    """
    question = aliased(Turn)
    query = (
        select(
            Segment.id, Segment.text, Segment.lemmas, Segment.transcript_id,
            Segment.question_turn_id, question.start, question.end,
        )
        .join(Turn, Segment.turn_id == Turn.id)
        .outerjoin(question, Segment.question_turn_id == question.id)
        .order_by(Segment.transcript_id, Segment.start, Segment.id)
    )
    if ids is None:
        query = query.where(
            Segment.kind == "auto", Segment.codable.is_(True), Turn.role == "respondent"
        )
        if transcript_ids is not None:
            query = query.where(Segment.transcript_id.in_(list(transcript_ids)))
        rows = session.execute(query).all()
    else:
        wanted = sorted(set(ids))
        rows = []
        for chunk in id_chunks(wanted):
            rows += session.execute(query.where(Segment.id.in_(chunk))).all()
    texts = dict(
        session.execute(
            select(Transcript.id, Transcript.text).where(
                Transcript.id.in_({row.transcript_id for row in rows})
            )
        ).all()
    )
    return [
        SegmentItem(
            id=row.id,
            text=row.text,
            lemmas=row.lemmas or "",
            question=texts[row.transcript_id][row.start : row.end] if row.start is not None else "",
            transcript_id=row.transcript_id,
            answer=row.question_turn_id,
        )
        for row in rows
    ]


def build_space(codes: Sequence[CodeItem], segments: Sequence[SegmentItem]) -> LemmaSpace:
    """The TF-IDF space over the corpus and the codebook's own texts."""
    code_texts = [text for code in codes for text in profile_texts(code)]
    corpus = [s.key_text for s in segments] + key_texts(code_texts)
    return LemmaSpace(corpus, [s.lemmas for s in segments])


def compute(
    session: Session,
    codes: Sequence[CodeItem],
    segments: Sequence[SegmentItem],
    *,
    space: LemmaSpace,
    embedder: object | None = None,
    learn: bool = True,
    llm: ModelAnswers | None = None,
) -> tuple[Combined, dict[str, dict[str, object]]]:
    """Confidences for every segment and code, and a summary of the learned models.

    The segments people decided on (the training examples) are scored along with ``segments``,
    since the learned models take the rule, similarity and context scores as features.
    ``llm``: a language model's answers, one more piece of evidence (off when None).
    """
    every_label = training_labels(session, codes) if learn else {}
    labels = trainable(every_label)
    known = {s.id for s in segments}
    wanted = {sid for examples in labels.values() for sid in examples} - known
    items = list(segments) + (load_segments(session, ids=wanted) if wanted else [])
    rule_suggester = RuleSuggester(codes)
    rules = rule_suggester.scores(items)
    if embedder is None:
        tfidf = SimilaritySuggester(codes, space=space)
        similarity = tfidf.scores(items)

        def similarity_of(questions: list[SegmentItem]) -> np.ndarray:
            return tfidf.scores(questions).confidence
    else:
        from analysis.embeddings import normalise_rows, segment_vectors

        vectors = segment_vectors(session, [s.id for s in items], embedder)  # type: ignore[arg-type]
        dense = SimilaritySuggester(codes, embedder=embedder)
        similarity = dense.scores(items, vectors)

        def similarity_of(questions: list[SegmentItem]) -> np.ndarray:
            encoded = normalise_rows(embedder.encode([q.text for q in questions]))  # type: ignore[attr-defined]
            return dense.scores(questions, encoded).confidence

    questions = answered_questions(items)
    context = context_scores(
        codes, items, questions, rule_suggester, similarity_of, rules.confidence,
        similarity.confidence,
    )
    model_scores = None if llm is None else llm.scores([c.key for c in codes], items)
    model_confidence = None if model_scores is None else model_scores.confidence
    learned, models = None, {}
    if labels:
        features = StackedFeatures(space, codes)
        matrix = features.matrix(
            items, questions, rules.confidence, similarity.confidence, context.confidence
        )
        prior = zero_shot(codes, rules.confidence, similarity.confidence, context.confidence)
        models = train_models(
            labels,
            matrix,
            {item.id: k for k, item in enumerate(items)},
            prior,
            {code.key: j for j, code in enumerate(codes)},
            model_confidence,
        )
        if models:
            learned = LearnedSuggester(codes, models, features).scores(
                matrix[: len(segments)], prior[: len(segments)],
                None if model_confidence is None else model_confidence[: len(segments)],
            )
    trust = DEFAULT
    if model_confidence is not None:
        trust = _trust(codes, items, every_label, model_confidence,
                       noisy_or(rules.confidence, similarity.confidence, context.confidence))
    count = len(segments)
    parts = (rules, similarity, context) + (() if model_scores is None else (model_scores,))
    for part in parts:
        part.confidence = part.confidence[:count]
    summary = {
        key: {"accepted": m.positives, "rejected": m.negatives, "calibrated": m.calibrated,
              "threshold": m.threshold}
        for key, m in sorted(models.items())
    }
    if model_scores is not None:
        summary["llm"] = {"trust_model": trust.model, "trust_offline": trust.offline,
                          "learned_from": trust.learned_from}
    return combine(codes, rules, similarity, context, learned, model_scores, trust), summary


def _trust(
    codes: Sequence[CodeItem],
    items: Sequence[SegmentItem],
    labels: dict[str, dict[int, bool]],
    model: np.ndarray,
    offline: np.ndarray,
) -> Trust:
    """The language model's weight against the offline evidence, from every decided pair
    (pooled over codes) where the model answered."""
    row = {item.id: i for i, item in enumerate(items)}
    picked: list[tuple[int, int, bool]] = []
    for j, code in enumerate(codes):
        for segment_id, value in labels.get(code.key, {}).items():
            i = row.get(segment_id)
            if i is not None and not np.isnan(model[i, j]):
                picked.append((i, j, value))
    if not picked:
        return DEFAULT
    rows, columns, decided = (np.array(part) for part in zip(*picked, strict=True))
    return learn_trust(offline[rows, columns], model[rows, columns], decided)


def _blocked(
    session: Session, codes: Sequence[CodeItem], segment_ids: set[int]
) -> set[tuple[int, str]]:
    """(segment, code) pairs that people have decided, directly or through a parent or child."""
    parent = {code.key: code.parent for code in codes}
    children: dict[str, list[str]] = {}
    for code in codes:
        if code.parent:
            children.setdefault(code.parent, []).append(code.key)
    blocked: set[tuple[int, str]] = set()
    for row in current_codings(session, segment_ids):
        if row.coder == AUTO_CODER or row.status not in DECIDED:
            continue
        blocked.add((row.segment_id, row.code_key))
        if row.status in POSITIVE:
            ancestor = parent.get(row.code_key)
            while ancestor is not None:
                blocked.add((row.segment_id, ancestor))
                ancestor = parent.get(ancestor)
        else:
            stack = list(children.get(row.code_key, []))
            while stack:
                child = stack.pop()
                blocked.add((row.segment_id, child))
                stack.extend(children.get(child, []))
    return blocked


def suggest(
    session: Session,
    *,
    embedder: object | None = None,
    transcript_ids: Iterable[int] | None = None,
    floor: float = STORE_FLOOR,
    llm: ModelAnswers | None = None,
) -> SuggestReport:
    """Compute suggestions for the project (or some transcripts) and store the changes.

    ``llm``: a language model's answers, asked beforehand (``coding.llm.code_segments``).
    """
    began = time.perf_counter()
    codes = load_codes(session)
    every = load_segments(session)
    wanted = set(transcript_ids) if transcript_ids is not None else None
    segments = [s for s in every if wanted is None or s.transcript_id in wanted]
    if not segments:  # nothing to suggest on (an empty project): nothing to store or withdraw
        return SuggestReport(
            segments=0, stored=0, unchanged=0, withdrawn=0, applied={}, learned={},
            seconds=time.perf_counter() - began,
        )
    space = build_space(codes, every)
    combined, learned = compute(
        session, codes, segments, space=space, embedder=embedder, llm=llm
    )
    model_summary = learned.pop("llm", None)
    store_learned_thresholds(
        session,
        {key: info["threshold"] for key, info in learned.items() if info["threshold"] is not None},
    )
    ids = {s.id for s in segments}
    blocked = _blocked(session, codes, ids)
    previous = {
        (row.segment_id, row.code_key): row
        for row in current_codings(session, ids, coder=AUTO_CODER)
    }
    limits, default = thresholds(session), default_threshold(session)
    now = utcnow()
    rows: list[dict] = []
    seen: set[tuple[int, str]] = set()
    unchanged = 0
    applied: Counter[str] = Counter()
    floors = np.array([min(floor, limits.get(code.key, default)) for code in codes])
    candidates = np.argwhere(combined.confidence >= floors[None, :])
    for i, j in candidates.tolist():
        segment_id, code_key = segments[i].id, codes[j].key
        pair = (segment_id, code_key)
        if pair in blocked:
            continue
        seen.add(pair)
        confidence = float(combined.confidence[i, j])
        if confidence >= limits.get(code_key, default):
            applied[code_key] += 1
        old = previous.get(pair)
        origin = combined.origin(i, j)
        if (
            old is not None
            and old.status == "suggested"
            and abs((old.confidence or 0.0) - confidence) < CHANGE
            and old.origin == origin
        ):
            unchanged += 1
            continue
        rows.append(
            {
                "segment_id": segment_id,
                "code_key": code_key,
                "coder": AUTO_CODER,
                "origin": origin,
                "status": "suggested",
                "confidence": round(confidence, 4),
                "rationale": combined.rationale(i, j),
                "memo": None,
                "replaces_id": old.id if old is not None else None,
                "created_at": now,
            }
        )
    stored = len(rows)
    for pair, old in previous.items():
        # Only the suggesters' own suggestions fall away; others (e.g. from a topic turned into a
        # code) were not made by this run and stay until a person decides.
        if (
            old.status == "suggested"
            and old.origin in ORIGINS
            and pair not in seen
            and pair not in blocked
        ):
            rows.append(
                {
                    "segment_id": pair[0],
                    "code_key": pair[1],
                    "coder": AUTO_CODER,
                    "origin": old.origin,
                    "status": "withdrawn",
                    "confidence": None,
                    "rationale": {},
                    "memo": None,
                    "replaces_id": old.id,
                    "created_at": now,
                }
            )
    if rows:
        session.execute(insert(Coding), rows)
    return SuggestReport(
        segments=len(segments),
        stored=stored,
        unchanged=unchanged,
        withdrawn=len(rows) - stored,
        applied=dict(sorted(applied.items())),
        learned=learned,
        seconds=time.perf_counter() - began,
        llm=dict(model_summary or {}),
    )
