"""The current state of codings, read from the append-only decision log.

Each (segment, code, coder) has a history of rows; the newest row is the state in force. A code
counts as *applied* to a segment when a person accepted it, or when an automatic suggestion at
or above the code's threshold is not rejected by anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.store import Code, Coding

DEFAULT_THRESHOLD = 0.5
AUTO_CODER = "auto"


@dataclass
class SegmentCodes:
    """What is known about one segment's codes right now."""

    applied: list[str] = field(default_factory=list)
    suggestions: list[tuple[str, float]] = field(default_factory=list)


def current_codings(session: Session, segment_ids: Iterable[int] | None = None) -> list[Coding]:
    """The newest row per (segment, code, coder): the decisions in force."""
    newest = select(func.max(Coding.id)).group_by(Coding.segment_id, Coding.code_key, Coding.coder)
    query = select(Coding).where(Coding.id.in_(newest))
    if segment_ids is not None:
        ids = list(segment_ids)
        query = query.where(Coding.segment_id.in_(ids))
    return list(session.scalars(query.order_by(Coding.segment_id, Coding.code_key)))


def thresholds(session: Session) -> dict[str, float]:
    """Each code's suggestion threshold (the code's own, else the default)."""
    return {
        key: value if value is not None else DEFAULT_THRESHOLD
        for key, value in session.execute(select(Code.key, Code.threshold))
    }


def segment_codes(
    session: Session, segment_ids: Iterable[int] | None = None
) -> dict[int, SegmentCodes]:
    """Applied codes and open suggestions per segment (segments without any are left out)."""
    limits = thresholds(session)
    rows = current_codings(session, segment_ids)
    rejected = {(r.segment_id, r.code_key) for r in rows if r.coder != AUTO_CODER and r.status in ("rejected", "removed")}
    result: dict[int, SegmentCodes] = {}
    for row in rows:
        state = result.setdefault(row.segment_id, SegmentCodes())
        if row.coder != AUTO_CODER and row.status == "accepted":
            if row.code_key not in state.applied:
                state.applied.append(row.code_key)
        elif row.coder == AUTO_CODER and row.status == "suggested":
            confidence = row.confidence or 0.0
            state.suggestions.append((row.code_key, confidence))
            if (
                confidence >= limits.get(row.code_key, DEFAULT_THRESHOLD)
                and (row.segment_id, row.code_key) not in rejected
                and row.code_key not in state.applied
            ):
                state.applied.append(row.code_key)
    for state in result.values():
        state.applied.sort()
        state.suggestions.sort(key=lambda pair: (-pair[1], pair[0]))
    return result
