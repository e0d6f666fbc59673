"""Which codes each coder gave each unit, for evaluation and reliability.

The unit of analysis is the automatic segment (the quote unit every coder sees). A person's
coding of a hand-cut span counts for the automatic segments the span overlaps (see
``overlaps``), and every code implies its ancestors, so coders who choose a sub-code and
coders who choose its parent agree on the parent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.coding.state import (
    AUTO_CODER,
    current_codings,
    default_threshold,
    parent_map,
    segment_codes,
    thresholds,
    with_ancestors,
)
from analysis.store import Coding, Segment, Transcript, Turn

# A quote or span counts for a segment when they share at least this share of the shorter one.
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class Unit:
    """An automatic, codable respondent segment."""

    id: int
    transcript_id: int
    start: int
    end: int
    text: str


def overlaps(start: int, end: int, units: Sequence[Unit]) -> list[Unit]:
    """The units that [start, end) overlaps by at least half of the shorter of the two.

    A quote that only grazes a neighbouring segment (its last words, a trailing space) does not
    count for it; a quote inside a segment, or a segment inside a quote, always counts.
    """
    hits = []
    for unit in units:
        shared = min(end, unit.end) - max(start, unit.start)
        if shared > 0 and shared >= MIN_OVERLAP * min(end - start, unit.end - unit.start):
            hits.append(unit)
    return hits


def units(session: Session, transcript_ids: Iterable[int] | None = None) -> list[Unit]:
    """The automatic codable respondent segments, in transcript order."""
    query = (
        select(Segment.id, Segment.transcript_id, Segment.start, Segment.end, Segment.text)
        .join(Turn, Segment.turn_id == Turn.id)
        .where(Segment.kind == "auto", Segment.codable.is_(True), Turn.role == "respondent")
        .order_by(Segment.transcript_id, Segment.start)
    )
    if transcript_ids is not None:
        query = query.where(Segment.transcript_id.in_(list(transcript_ids)))
    return [Unit(*row) for row in session.execute(query)]


def coded_transcripts(session: Session, coder: str) -> set[int]:
    """Transcripts in which the coder has recorded anything (for auto: any suggestion run)."""
    query = (
        select(Segment.transcript_id)
        .join(Coding, Coding.segment_id == Segment.id)
        .where(Coding.coder == coder)
        .distinct()
    )
    return set(session.scalars(query))


def coder_labels(
    session: Session, coder: str | None, unit_list: Sequence[Unit]
) -> dict[int, set[str]]:
    """The codes (with implied ancestors) each unit carries according to ``coder``.

    ``None``: the project's applied codes (what exports show). ``"auto"``: the automatic
    suggestions at or above their code's threshold, whatever people decided. A name: that
    person's accepted codes, spans projected onto the units they overlap.
    """
    parents = parent_map(session)
    ids = [unit.id for unit in unit_list]
    labels: dict[int, set[str]] = {unit.id: set() for unit in unit_list}
    if coder is None:
        for segment_id, state in segment_codes(session, ids).items():
            if segment_id in labels:
                labels[segment_id].update(state.applied)
        _add_spans(session, None, unit_list, labels)
    elif coder == AUTO_CODER:
        limits, default = thresholds(session), default_threshold(session)
        for row in current_codings(session, ids, coder=AUTO_CODER):
            if row.status == "suggested" and (row.confidence or 0.0) >= limits.get(
                row.code_key, default
            ):
                labels[row.segment_id].add(row.code_key)
    else:
        for row in current_codings(session, ids, coder=coder):
            if row.status == "accepted":
                labels[row.segment_id].add(row.code_key)
        _add_spans(session, coder, unit_list, labels)
    return {sid: with_ancestors(codes, parents) for sid, codes in labels.items()}


def _add_spans(
    session: Session, coder: str | None, unit_list: Sequence[Unit], labels: dict[int, set[str]]
) -> None:
    """Project accepted codings of hand-cut spans onto the units they overlap."""
    by_transcript: dict[int, list[Unit]] = {}
    for unit in unit_list:
        by_transcript.setdefault(unit.transcript_id, []).append(unit)
    query = (
        select(Segment.transcript_id, Segment.start, Segment.end, Coding)
        .join(Coding, Coding.segment_id == Segment.id)
        .where(Segment.kind == "span", Segment.transcript_id.in_(list(by_transcript)))
        .order_by(Coding.id)
    )
    if coder is not None:
        query = query.where(Coding.coder == coder)
    newest: dict[tuple[int, str, str], tuple[int, int, int, str]] = {}
    for transcript_id, start, end, row in session.execute(query):
        newest[(row.segment_id, row.code_key, row.coder)] = (transcript_id, start, end, row.status)
    for (_, code_key, _), (transcript_id, start, end, status) in newest.items():
        if status == "accepted":
            for unit in overlaps(start, end, by_transcript.get(transcript_id, [])):
                labels[unit.id].add(code_key)


def transcript_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Transcript.id, Transcript.source_name)).all())
