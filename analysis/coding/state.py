"""The current state of codings, read from the append-only decision log.

Each (segment, code, coder) has a history of rows; the newest row is the state in force.
Statuses: a person's row is ``accepted``, ``rejected``, ``removed`` or ``undone`` (no decision
in force any more); an automatic row (coder ``auto``) is ``suggested`` or ``withdrawn`` (a later
run no longer suggests it).

A code counts as *applied* to a segment when a person accepted it, or when an automatic
suggestion at or above the code's threshold is not rejected or removed by anyone. The threshold
is the code's own (set in the codebook or by the evaluator), else the one learned from the
evaluators' decisions (``learned.train``, stored by each suggestion run), else the
project default. A sub-code
implies its parent: the parent counts as applied wherever a child is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.store import Code, Coding, Meta, id_chunks

DEFAULT_THRESHOLD = 0.5
AUTO_CODER = "auto"
THRESHOLD_SETTING = "coding_threshold"  # project setting: default threshold for codes without one
LEARNED_THRESHOLDS = "learned_thresholds"  # Meta key: code -> threshold learned from decisions

POSITIVE = frozenset({"accepted"})
NEGATIVE = frozenset({"rejected", "removed"})
DECIDED = POSITIVE | NEGATIVE

# Above this many ids, filter in Python: SQLite limits the number of bound parameters.
_MAX_IN = 900


@dataclass
class SegmentCodes:
    """What is known about one segment's codes right now."""

    applied: list[str] = field(default_factory=list)
    suggestions: list[tuple[str, float]] = field(default_factory=list)
    # The applied codes no person has given (a suggestion at or above its threshold, and not a
    # parent of a code a person gave): shown as "voorstel", never as a person's code.
    suggested_only: list[str] = field(default_factory=list)


class Decision(NamedTuple):
    """The columns of a coding row that the readers of the state need.

    A plain tuple, not a ``Coding``: the log is the largest table (over 100,000 rows at 1,000
    interviews) and building ORM objects, with their JSON ``rationale``, cost ten times the
    query. ``rationale``, ``memo`` and ``created_at`` are read where they are shown
    (:func:`rationales`, :func:`full_rows`).
    """

    id: int
    segment_id: int
    code_key: str
    coder: str
    origin: str
    status: str
    confidence: float | None


def current_codings(
    session: Session, segment_ids: Iterable[int] | None = None, *, coder: str | None = None
) -> list[Decision]:
    """The newest row per (segment, code, coder): the decisions in force, ordered by segment,
    code and id.

    The newest row is chosen in SQL (``max(id)`` per group: plain SQL for SQLite and PostgreSQL
    alike, and SQLite answers it from the (segment, code, coder) index alone); the coder and up
    to ``_MAX_IN`` segment ids filter inside that grouping, so a few segments' state reads only
    their own rows.
    """
    newest = select(func.max(Coding.id)).group_by(Coding.segment_id, Coding.code_key, Coding.coder)
    if coder is not None:
        newest = newest.where(Coding.coder == coder)
    wanted: set[int] | None = None
    if segment_ids is not None:
        ids = list(segment_ids)
        if len(ids) <= _MAX_IN:
            newest = newest.where(Coding.segment_id.in_(ids))
        else:
            wanted = set(ids)
    query = (
        select(*(getattr(Coding, name) for name in Decision._fields))
        .where(Coding.id.in_(newest))
        .order_by(Coding.segment_id, Coding.code_key, Coding.id)
    )
    return [
        Decision(*row)
        for row in session.execute(query)
        if wanted is None or row[1] in wanted
    ]


def full_rows(session: Session, decisions: Iterable[Decision]) -> list[Coding]:
    """The complete ``Coding`` rows of these decisions, in the same order: for the few readers
    that need the memo, the time or the rationale of the decisions they keep."""
    ids = [decision.id for decision in decisions]
    found: dict[int, Coding] = {}
    for chunk in id_chunks(ids):
        rows = session.scalars(select(Coding).where(Coding.id.in_(chunk)))
        found.update((row.id, row) for row in rows)
    return [found[i] for i in ids]


def rationales(session: Session, ids: Iterable[int]) -> dict[int, dict]:
    """Each coding row's rationale by id (an empty dict when it has none), read only for the
    rows that are shown: parsing the JSON of every suggestion costs more than the rest of the
    state together."""
    wanted = sorted(set(ids))
    result: dict[int, dict] = {}
    for chunk in id_chunks(wanted):
        query = select(Coding.id, Coding.rationale).where(Coding.id.in_(chunk))
        result.update((i, value or {}) for i, value in session.execute(query))
    return result


def default_threshold(session: Session) -> float:
    """The project's threshold for codes without their own (a project setting, else 0.5)."""
    row = session.get(Meta, f"setting:{THRESHOLD_SETTING}")
    return float(row.value) if row is not None and row.value is not None else DEFAULT_THRESHOLD


def learned_thresholds(session: Session) -> dict[str, float]:
    """The thresholds the last suggestion run learned, per code with a learned model."""
    row = session.get(Meta, LEARNED_THRESHOLDS)
    return dict(row.value) if row is not None and row.value else {}


def store_learned_thresholds(session: Session, values: dict[str, float]) -> None:
    """Replace the learned thresholds (codes without a model any more lose theirs)."""
    row = session.get(Meta, LEARNED_THRESHOLDS)
    if row is None:
        session.add(Meta(key=LEARNED_THRESHOLDS, value=dict(values)))
    elif row.value != values:
        row.value = dict(values)
    session.flush()  # the thresholds read next in this session must see these


def thresholds(session: Session) -> dict[str, float]:
    """Each code's suggestion threshold: its own (codebook or evaluator), else the learned one,
    else the project default."""
    default = default_threshold(session)
    learned = learned_thresholds(session)
    return {
        key: value if value is not None else learned.get(key, default)
        for key, value in session.execute(select(Code.key, Code.threshold))
    }


def parent_map(session: Session) -> dict[str, str | None]:
    """Each code's parent key (None for a top-level code)."""
    return dict(session.execute(select(Code.key, Code.parent_key)).all())


def with_ancestors(codes: Iterable[str], parents: dict[str, str | None]) -> set[str]:
    """The codes plus every ancestor they imply."""
    result: set[str] = set()
    for code in codes:
        while code is not None and code not in result:
            result.add(code)
            code = parents.get(code)
    return result


def segment_codes(
    session: Session,
    segment_ids: Iterable[int] | None = None,
    *,
    decisions: Sequence[Decision] | None = None,
) -> dict[int, SegmentCodes]:
    """Applied codes and open suggestions per segment (segments without any are left out).

    ``suggestions`` lists the automatic suggestions nobody has decided on yet, highest first.
    A caller that has already read :func:`current_codings` passes them as ``decisions`` (then
    ``segment_ids`` is not used), so that the log is read once.
    """
    limits = thresholds(session)
    default = default_threshold(session)
    parents = parent_map(session)
    rows = current_codings(session, segment_ids) if decisions is None else decisions
    decided: dict[tuple[int, str], set[str]] = {}
    for row in rows:
        if row.coder != AUTO_CODER and row.status in DECIDED:
            decided.setdefault((row.segment_id, row.code_key), set()).add(row.status)
    applied: dict[int, set[str]] = {}
    by_people: dict[int, set[str]] = {}
    suggestions: dict[int, list[tuple[str, float]]] = {}
    for row in rows:
        if row.coder != AUTO_CODER:
            if row.status == "accepted":
                applied.setdefault(row.segment_id, set()).add(row.code_key)
                by_people.setdefault(row.segment_id, set()).add(row.code_key)
            continue
        if row.status != "suggested":
            continue
        confidence = row.confidence or 0.0
        verdicts = decided.get((row.segment_id, row.code_key), set())
        if not verdicts:
            suggestions.setdefault(row.segment_id, []).append((row.code_key, confidence))
        if confidence >= limits.get(row.code_key, default) and not verdicts & NEGATIVE:
            applied.setdefault(row.segment_id, set()).add(row.code_key)
    result = {}
    for segment_id in sorted(applied.keys() | suggestions.keys()):
        codes = with_ancestors(applied.get(segment_id, ()), parents)
        confirmed = with_ancestors(by_people.get(segment_id, ()), parents)
        result[segment_id] = SegmentCodes(
            applied=sorted(codes),
            suggestions=sorted(suggestions.get(segment_id, ()), key=lambda p: (-p[1], p[0])),
            suggested_only=sorted(codes - confirmed),
        )
    return result
