"""Topic runs in the store: make one, list them, and the evaluator's edits (rename, merge, code).

A run keeps its parameters and versions (``TopicRun.params``), its topics (``Topic``: number,
label, keywords, size, representative segments) and every segment's topic with its probability
(``SegmentTopic``). For unit "turn" each segment of a respondent turn carries the turn's topic.

Edits never destroy what the model found:

* **rename** changes ``Topic.label``; the run's ``params["history"]`` records old and new label;
* **merge** points the merged topics at the surviving one (``Topic.merged_into_id``); segment
  assignments stay as the model made them and are read through that pointer, so the survivor's
  size, keywords (c-TF-IDF recomputed over all its segments) and representatives cover all;
* **topic to code** adds a code to the project codebook (keywords from the topic, its best
  quotes as examples) and stores the topic's representative segments as suggestions for it:
  coder ``auto``, status ``suggested``, origin ``topic``, confidence the segment's topic
  probability. ``origin="topic"`` rather than "similarity" keeps the audit trail truthful: an
  evaluator can see that the suggestion came from a theme, not from a suggester.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.metadata import version
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.codebook import Code as CodebookCode
from analysis.codebook_store import read_codebook, write_codebook
from analysis.coding.manual import new_batch, record
from analysis.coding.state import AUTO_CODER
from analysis.embeddings import (
    Embedder,
    fit_lemma_embedder,
    normalise_rows,
    segment_vectors,
)
from analysis.store import Segment, SegmentTopic, Topic, TopicRun, Transcript, utcnow
from analysis.topics import TOP_WORDS, TopicError
from analysis.topics.vocabulary import (
    DEFAULT_MIN_LEMMAS,
    Documents,
    build_documents,
    clean_lemmas,
    label_words,
    name_words,
)

if TYPE_CHECKING:
    from analysis.topics.model import FitResult

OUTLIER_LABEL = "Overig (geen duidelijk thema)"
TOPIC_ORIGIN = "topic"
EXAMPLES = 3
Progress = Callable[[str], None]

TOPIC_COLUMNS = [
    "id",
    "topic",
    "size",
    "label",
    "keywords",
    "colleges",
    "examples",
    "segment_ids",
    "representative_ids",
    "code",
]


# --- making a run ---------------------------------------------------------------------------


def run_topics(
    session: Session,
    *,
    unit: str = "segment",
    embedder: Embedder | None = None,
    embedding_model: str | None = None,
    min_topic_size: int | None = None,
    seed: int = 0,
    min_lemmas: int = DEFAULT_MIN_LEMMAS,
    progress: Progress | None = None,
) -> int:
    """Fit a topic model over the project's segments (or turns) and store it; returns the run id.

    ``embedder`` is the configured model (``embedding_model`` names it in the parameters);
    None means the offline default, TF-IDF + SVD over the documents' lemmas.
    """
    if min_topic_size is not None and min_topic_size < 2:
        raise TopicError("the minimum topic size must be at least 2 segments")
    say = progress or (lambda _message: None)
    say("Documenten voorbereiden")
    documents = build_documents(session, unit, min_lemmas)
    if len(documents) < 2:
        raise TopicError(
            f"too few segments with content words for topics ({len(documents)}); "
            "import interviews first"
        )
    say("Embeddings berekenen")
    default_backend = embedder is None
    if embedder is None:
        embedder = fit_lemma_embedder(documents.lemmas, seed=seed)
        embeddings = embedder.encode(documents.lemmas)
    else:
        embeddings = _unit_vectors(session, documents, embedder)
    say("Thema's zoeken")
    from analysis.topics.model import fit_topics  # imports BERTopic and torch: only when fitting

    result = fit_topics(
        documents.lemmas,
        embeddings,
        embedder,
        default_backend=default_backend,
        min_topic_size=min_topic_size,
        seed=seed,
        groups=documents.interviews,
    )
    say("Opslaan")
    params = {
        "unit": unit,
        "embedding_model": embedding_model or None,
        "embedder": embedder.name,
        "min_topic_size": min_topic_size,
        "seed": seed,
        "min_lemmas": min_lemmas,
        "skipped_documents": documents.skipped,
        **result.details,
        **_sample_params(documents, result),
        "coordinates": {str(t): list(xy) for t, xy in result.coordinates.items()},
        "versions": {
            name: version(name) for name in ("bertopic", "umap-learn", "hdbscan", "scikit-learn")
        },
        "history": [],
    }
    return _store(session, documents, result, params)


def _sample_params(documents: Documents, result: FitResult) -> dict:
    """For a run fitted on a sample: the segments the model was fitted on (sorted ids); every
    other segment of the run was assigned to the nearest topic afterwards (see
    ``topics.model.fit_topics``). Nothing for a run fitted on all its documents."""
    if result.fitted is None or result.fitted.all():
        return {}
    ids = sorted(i for d in np.flatnonzero(result.fitted) for i in documents.segment_ids[d])
    return {"fitted_segment_ids": ids}


def fitted_segment_ids(run: TopicRun) -> set[int] | None:
    """The segments a run's model was fitted on, or None when it was fitted on all of them."""
    ids = (run.params or {}).get("fitted_segment_ids")
    return None if ids is None else set(ids)


def _unit_vectors(session: Session, documents: Documents, embedder: Embedder) -> np.ndarray:
    """Document vectors from the cached segment vectors (a turn: the mean of its segments)."""
    flat = [i for ids in documents.segment_ids for i in ids]
    vectors = segment_vectors(session, flat, embedder)
    rows, start = [], 0
    for ids in documents.segment_ids:
        rows.append(vectors[start : start + len(ids)].mean(axis=0))
        start += len(ids)
    return normalise_rows(np.vstack(rows))


def _store(session: Session, documents: Documents, result: FitResult, params: dict) -> int:
    run = TopicRun(params=params)
    session.add(run)
    session.flush()
    assignments = result.assignments
    topic_rows: dict[int, Topic] = {}
    for number in [t for t in result.topic_numbers if t >= 0] + [-1] * (-1 in result.topic_numbers):
        words = [word for word, _score in result.keywords.get(number, [])][:TOP_WORDS]
        label = (
            OUTLIER_LABEL
            if number == -1
            else (" · ".join(label_words(words)) or f"Thema {number + 1}")
        )
        representatives = [
            _quotable_segment(documents, i, words) for i in result.representatives.get(number, [])
        ]
        row = Topic(
            run_id=run.id,
            topic_index=number,
            label=label,
            keywords=words,
            size=sum(len(documents.segment_ids[i]) for i in np.flatnonzero(assignments == number)),
            representative_segment_ids=representatives,
        )
        session.add(row)
        topic_rows[number] = row
    session.flush()
    links = []
    for i, number in enumerate(assignments.tolist()):
        probability = None
        if result.probabilities is not None and not np.isnan(result.probabilities[i]):
            probability = round(float(result.probabilities[i]), 6)
        for segment_id in documents.segment_ids[i]:
            links.append(
                {
                    "run_id": run.id,
                    "segment_id": segment_id,
                    "topic_id": topic_rows[number].id,
                    "probability": probability,
                }
            )
    session.execute(SegmentTopic.__table__.insert(), links)
    session.flush()
    return run.id


def _quotable_segment(documents: Documents, index: int, keywords: Sequence[str]) -> int:
    """The segment that stands for document ``index``: for a turn, the segment that holds the
    most of the topic's keyword words (ties: the earliest), so representatives are quotable."""
    ids = documents.segment_ids[index]
    if len(ids) == 1:
        return ids[0]
    wanted = {word for keyword in keywords for word in keyword.split()}
    overlap = [len(wanted.intersection(documents.segment_words.get(i, ()))) for i in ids]
    return ids[int(np.argmax(overlap))]


# --- reading runs ---------------------------------------------------------------------------


def get_run(session: Session, run_id: int | None = None) -> TopicRun:
    """The run ``run_id``, or the newest one."""
    if run_id is None:
        run = session.scalars(select(TopicRun).order_by(TopicRun.id.desc()).limit(1)).first()
        if run is None:
            raise TopicError("there is no topic run yet; run the topic model first")
        return run
    run = session.get(TopicRun, run_id)
    if run is None:
        raise TopicError(f"no topic run with id {run_id}")
    return run


def runs_frame(session: Session) -> pd.DataFrame:
    """One row per run, newest first: id, when, unit, embedder, method, topics, documents."""
    rows = []
    for run in session.scalars(select(TopicRun).order_by(TopicRun.id.desc())):
        p = run.params or {}
        rows.append(
            {
                "id": run.id,
                "created_at": run.created_at,
                "unit": p.get("unit"),
                "embedding_model": p.get("embedding_model") or "tfidf-svd",
                "method": p.get("method"),
                "topics": sum(t.topic_index >= 0 and t.merged_into_id is None for t in run.topics),
                "documents": p.get("documents"),
                "min_topic_size": p.get("min_cluster_size"),
                "seed": p.get("seed"),
            }
        )
    columns = [
        "id",
        "created_at",
        "unit",
        "embedding_model",
        "method",
        "topics",
        "documents",
        "min_topic_size",
        "seed",
    ]
    return pd.DataFrame(rows, columns=columns)


def _root(topic: Topic, by_id: dict[int, Topic]) -> Topic:
    seen = set()
    while topic.merged_into_id is not None and topic.id not in seen:
        seen.add(topic.id)
        topic = by_id[topic.merged_into_id]
    return topic


def assignments_frame(session: Session, run: TopicRun) -> pd.DataFrame:
    """segment_id, topic_id (after merges), probability, institution and fitted (False for a
    segment assigned to its topic after a fit on a sample) for every segment of a run."""
    by_id = {t.id: t for t in run.topics}
    rows = session.execute(
        select(
            SegmentTopic.segment_id,
            SegmentTopic.topic_id,
            SegmentTopic.probability,
            Transcript.institution,
        )
        .join(Segment, Segment.id == SegmentTopic.segment_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .where(SegmentTopic.run_id == run.id)
        .order_by(SegmentTopic.segment_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["segment_id", "topic_id", "probability", "institution"])
    frame["topic_id"] = [_root(by_id[t], by_id).id for t in frame["topic_id"]]
    fitted = fitted_segment_ids(run)
    frame["fitted"] = True if fitted is None else frame["segment_id"].isin(fitted)
    return frame


def live_topics(run: TopicRun) -> list[Topic]:
    """The run's topics that were not merged into another, by size (outliers last)."""
    alive = [t for t in run.topics if t.merged_into_id is None]
    return sorted(alive, key=lambda t: (t.topic_index < 0, -t.size, t.topic_index))


def topics_frame(session: Session, run_id: int | None = None) -> pd.DataFrame:
    """The topics of a run (newest by default): one row per topic, merged ones folded in.

    ``keywords`` is a comma-separated string, ``colleges`` the number of colleges whose segments
    the topic holds, ``examples`` the texts of its first representative segments.
    """
    run = get_run(session, run_id)
    assignments = assignments_frame(session, run)
    colleges = assignments.groupby("topic_id")["institution"].nunique().to_dict()
    segments = assignments.groupby("topic_id")["segment_id"].apply(list).to_dict()
    wanted = {i for t in run.topics for i in t.representative_segment_ids[:EXAMPLES]}
    texts = dict(
        session.execute(select(Segment.id, Segment.text).where(Segment.id.in_(wanted))).all()
    )
    codes = (run.params or {}).get("codes", {})
    rows = []
    for topic in live_topics(run):
        rows.append(
            {
                "id": topic.id,
                "topic": topic.topic_index,
                "size": topic.size,
                "label": topic.label,
                "keywords": ", ".join(topic.keywords),
                "colleges": int(colleges.get(topic.id, 0)),
                "examples": [
                    texts[i] for i in topic.representative_segment_ids[:EXAMPLES] if i in texts
                ],
                "segment_ids": segments.get(topic.id, []),
                "representative_ids": list(topic.representative_segment_ids),
                "code": codes.get(str(topic.id)),
            }
        )
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS)


def map_frame(session: Session, run_id: int | None = None) -> pd.DataFrame:
    """Live topics (outliers left out) with their 2-D map position: id, label, size, keywords,
    x, y. A merged topic sits at the size-weighted mean of the topics it absorbed."""
    run = get_run(session, run_id)
    coordinates = (run.params or {}).get("coordinates", {})
    by_id = {t.id: t for t in run.topics}
    points: dict[int, list[tuple[float, float, int]]] = {}
    for topic in run.topics:
        xy = coordinates.get(str(topic.topic_index))
        if topic.topic_index >= 0 and xy is not None:
            points.setdefault(_root(topic, by_id).id, []).append((xy[0], xy[1], topic.size or 1))
    rows = []
    for topic in live_topics(run):
        if topic.topic_index < 0 or topic.id not in points:
            continue
        xs, ys, ws = (np.array(v, dtype=float) for v in zip(*points[topic.id], strict=True))
        rows.append(
            {
                "id": topic.id,
                "label": topic.label,
                "size": topic.size,
                "keywords": ", ".join(topic.keywords[:6]),
                "x": float((xs * ws).sum() / ws.sum()),
                "y": float((ys * ws).sum() / ws.sum()),
            }
        )
    return pd.DataFrame(rows, columns=["id", "label", "size", "keywords", "x", "y"])


# --- the evaluator's edits ------------------------------------------------------------------


def _topic(session: Session, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise TopicError(f"no topic with id {topic_id}")
    if topic.merged_into_id is not None:
        raise TopicError(
            f"topic {topic_id} was merged into topic {topic.merged_into_id}; edit that one"
        )
    return topic


def _log(run: TopicRun, **entry: object) -> None:
    params = dict(run.params or {})
    params["history"] = [*params.get("history", []), {**entry, "at": utcnow().isoformat()}]
    run.params = params  # a new dict, so SQLAlchemy sees the JSON change


def rename_topic(session: Session, topic_id: int, label: str) -> None:
    """Give a topic the evaluator's own name."""
    label = " ".join((label or "").split())
    if not label:
        raise TopicError("a topic needs a name")
    if len(label) > 300:
        raise TopicError("a topic name may have at most 300 characters")
    topic = _topic(session, topic_id)
    _log(topic.run, action="rename", topic=topic.id, old=topic.label, new=label)
    topic.label = label
    params = dict(topic.run.params)
    params["renamed"] = sorted({*params.get("renamed", []), topic.id})
    topic.run.params = params


def merge_topics(session: Session, topic_ids: Sequence[int], label: str | None = None) -> int:
    """Merge topics of one run into the first of ``topic_ids``; returns the surviving topic's id."""
    ids = list(dict.fromkeys(int(i) for i in topic_ids))
    if len(ids) < 2:
        raise TopicError("choose at least two topics to merge")
    topics = [_topic(session, i) for i in ids]
    run = topics[0].run
    if any(t.run_id != run.id for t in topics):
        raise TopicError("only topics of the same run can be merged")
    if any(t.topic_index < 0 for t in topics):
        raise TopicError("the outlier topic cannot be merged; rename it or leave it")
    survivor, others = topics[0], topics[1:]
    for other in others:
        other.merged_into_id = survivor.id
    session.flush()
    session.refresh(run)
    _log(run, action="merge", into=survivor.id, topics=[t.id for t in others])
    survivor.size = sum(t.size for t in topics)
    survivor.keywords = _merged_keywords(session, run, survivor.id)
    probabilities = dict(
        session.execute(
            select(SegmentTopic.segment_id, SegmentTopic.probability).where(
                SegmentTopic.run_id == run.id, SegmentTopic.topic_id.in_([t.id for t in topics])
            )
        ).all()
    )
    pooled = [i for t in topics for i in t.representative_segment_ids]
    pooled = sorted(dict.fromkeys(pooled), key=lambda i: -(probabilities.get(i) or 0.0))
    survivor.representative_segment_ids = pooled[
        : max(len(t.representative_segment_ids) for t in topics)
    ]
    if label is not None:
        rename_topic(session, survivor.id, label)
    elif survivor.id not in (run.params or {}).get("renamed", []):
        survivor.label = " · ".join(label_words(survivor.keywords)) or survivor.label
    return survivor.id


def _merged_keywords(session: Session, run: TopicRun, topic_id: int) -> list[str]:
    """c-TF-IDF keywords of a topic over all its segments, against the run's other topics."""
    from bertopic.vectorizers import ClassTfidfTransformer

    from analysis.topics.model import keyword_vectorizer

    assignments = assignments_frame(session, run)
    lemmas = dict(  # a join, not an IN list: a run can hold more segments than SQLite binds
        session.execute(
            select(Segment.id, Segment.lemmas)
            .join(SegmentTopic, SegmentTopic.segment_id == Segment.id)
            .where(SegmentTopic.run_id == run.id)
        ).all()
    )
    excluded = name_words(session)
    assignments["doc"] = [
        " ".join(clean_lemmas(lemmas.get(i) or "", excluded)) for i in assignments["segment_id"]
    ]
    classes = assignments.groupby("topic_id")["doc"].apply(" ".join)
    vectorizer = keyword_vectorizer(assignments["doc"].tolist())
    counts = vectorizer.fit_transform(classes.tolist())
    weights = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts).toarray()
    row = weights[classes.index.get_loc(topic_id)]
    words = vectorizer.get_feature_names_out()
    best = [int(j) for j in np.lexsort((words, -row)) if row[j] > 0][:TOP_WORDS]
    return [str(words[j]) for j in best]


def topic_to_code(
    session: Session,
    topic_id: int,
    key: str,
    *,
    label: str | None = None,
    definition: str | None = None,
) -> int:
    """Add a code for a topic and suggest it on the topic's representative segments.

    Returns the number of suggestions stored. The code gets the topic's single-word keywords
    (so the rule suggester finds more of it) and its best quotes as examples; its definition
    says where it came from until the evaluator writes a better one.
    """
    topic = _topic(session, topic_id)
    if topic.topic_index < 0:
        raise TopicError("the outlier topic has no theme to turn into a code")
    codebook = read_codebook(session)
    keywords = [w for w in topic.keywords if " " not in w][:8]
    found = ", ".join(topic.keywords[:6])
    examples = [
        text
        for text in (
            session.get(Segment, i).text for i in topic.representative_segment_ids[:EXAMPLES]
        )
        if text
    ]
    codebook.add(
        CodebookCode(
            key=key,
            label=label or topic.label,
            definition=definition or f"Thema gevonden door het topic-model (trefwoorden: {found}).",
            keywords=keywords,
            examples=examples,
        )
    )
    write_codebook(session, codebook)
    probabilities = dict(
        session.execute(
            select(SegmentTopic.segment_id, SegmentTopic.probability).where(
                SegmentTopic.run_id == topic.run_id,
                SegmentTopic.segment_id.in_(topic.representative_segment_ids),
            )
        ).all()
    )
    batch = new_batch()
    for segment_id in topic.representative_segment_ids:
        record(
            session,
            segment_id=segment_id,
            code_key=key,
            coder=AUTO_CODER,
            origin=TOPIC_ORIGIN,
            status="suggested",
            batch=batch,
            confidence=probabilities.get(segment_id),
            rationale={
                "topic_run": topic.run_id,
                "topic": topic.id,
                "topic_label": topic.label,
                "keywords": list(topic.keywords[:6]),
            },
        )
    run = topic.run
    _log(run, action="code", topic=topic.id, code=key)
    params = dict(run.params)
    params["codes"] = {**params.get("codes", {}), str(topic.id): key}
    run.params = params
    return len(topic.representative_segment_ids)
