"""Read-only tables (pandas) over the store: what the CLI lists, the app shows and exports write.

One query per table rather than per row, so that a project of 1,000 interviews still answers
in well under a second. pandas is imported where a frame is built: ``transcript_rows`` gives
the CLI's listing the same rows without it (its import is most of that command's start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from analysis.coding.state import segment_codes
from analysis.messages import reason
from analysis.store import Segment, Transcript, Turn

if TYPE_CHECKING:
    import pandas as pd

SEGMENT_COLUMNS = [
    "source",
    "transcript",
    "transcript_id",
    "institution",
    "sector",
    "region",
    "date",
    "turn_index",
    "speaker",
    "role",
    "segment_id",
    "start",
    "end",
    "text",
    "question",
    "codable",
    "lemmas",
    "codes",
    "suggestions",
    "suggested_codes",
    "kind",
]


TRANSCRIPT_COLUMNS = [
    "id",
    "name",
    "source",
    "format",
    "institution",
    "date",
    "interviewer",
    "sector",
    "region",
    "respondents",
    "turns",
    "segments",
    "words",
    "warnings",
]


def transcripts_frame(session: Session, *, lang: str = "en") -> pd.DataFrame:
    """One row per transcript with its metadata and counts of turns, segments and words; the
    import's warnings in ``lang`` ("nl" for the app)."""
    import pandas as pd

    return pd.DataFrame(transcript_rows(session, lang=lang), columns=TRANSCRIPT_COLUMNS)


def transcript_rows(session: Session, *, lang: str = "en") -> list[dict]:
    """The rows of :func:`transcripts_frame` as dicts (keys: ``TRANSCRIPT_COLUMNS``), ordered
    by college and file name."""
    turns = (
        select(Turn.transcript_id, func.count(Turn.id).label("turns"))
        .group_by(Turn.transcript_id)
        .subquery()
    )
    segments = (
        select(Segment.transcript_id, func.count(Segment.id).label("segments"))
        .group_by(Segment.transcript_id)
        .subquery()
    )
    query = (
        select(
            Transcript.id,
            Transcript.name,
            Transcript.source_name.label("source"),
            Transcript.format,
            Transcript.institution,
            Transcript.date,
            Transcript.interviewer,
            Transcript.sector,
            Transcript.region,
            Transcript.respondents,
            Transcript.text,
            Transcript.warnings,
            func.coalesce(turns.c.turns, 0).label("turns"),
            func.coalesce(segments.c.segments, 0).label("segments"),
        )
        .outerjoin(turns, turns.c.transcript_id == Transcript.id)
        .outerjoin(segments, segments.c.transcript_id == Transcript.id)
        .order_by(Transcript.institution, Transcript.source_name)
    )
    rows = [dict(row._mapping) for row in session.execute(query)]
    for row in rows:
        row["words"] = len(row.pop("text").split())
        row["respondents"] = "; ".join(row["respondents"] or [])
        row["warnings"] = "; ".join(reason(w, lang) for w in row["warnings"] or [])
    return rows


def segments_frame(
    session: Session,
    *,
    transcript_id: int | None = None,
    include_uncodable: bool = False,
) -> pd.DataFrame:
    """One row per segment with its college, speaker, the question it answers and its codes.

    ``codes`` joins the applied codes with ``;`` (accepted ones plus suggestions at or above the
    code's threshold); ``suggested_codes`` those of them no person gave (shown as "voorstel");
    ``suggestions`` lists open automatic suggestions as ``code:confidence``. ``kind`` is "span"
    for words a person cut out of a passage (they lie inside one of the turn's "auto" segments).
    """
    import pandas as pd

    question = aliased(Turn)
    query = (
        select(
            Transcript.source_name.label("source"),
            Transcript.name.label("transcript"),
            Transcript.id.label("transcript_id"),
            Transcript.institution,
            Transcript.sector,
            Transcript.region,
            Transcript.date,
            Turn.index.label("turn_index"),
            Turn.speaker,
            Turn.role,
            Segment.id.label("segment_id"),
            Segment.start,
            Segment.end,
            Segment.text,
            question.start.label("q_start"),
            question.end.label("q_end"),
            Segment.transcript_id.label("_tid"),
            Segment.codable,
            Segment.lemmas,
            Segment.kind,
        )
        .join(Transcript, Segment.transcript_id == Transcript.id)
        .join(Turn, Segment.turn_id == Turn.id)
        .outerjoin(question, Segment.question_turn_id == question.id)
        .order_by(Transcript.institution, Transcript.source_name, Segment.start, Segment.id)
    )
    if transcript_id is not None:
        query = query.where(Segment.transcript_id == transcript_id)
    if not include_uncodable:
        query = query.where(Segment.codable.is_(True))
    rows = [dict(row._mapping) for row in session.execute(query)]
    texts = _texts(session, {row["_tid"] for row in rows if row["q_start"] is not None})
    codes = segment_codes(session, [row["segment_id"] for row in rows]) if rows else {}
    for row in rows:
        tid = row.pop("_tid")
        q_start, q_end = row.pop("q_start"), row.pop("q_end")
        row["question"] = texts[tid][q_start:q_end] if q_start is not None else ""
        state = codes.get(row["segment_id"])
        row["codes"] = ";".join(state.applied) if state else ""
        row["suggestions"] = (
            ";".join(f"{code}:{conf:.2f}" for code, conf in state.suggestions) if state else ""
        )
        row["suggested_codes"] = ";".join(state.suggested_only) if state else ""
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def _texts(session: Session, transcript_ids: set[int]) -> dict[int, str]:
    if not transcript_ids:
        return {}
    query = select(Transcript.id, Transcript.text).where(Transcript.id.in_(transcript_ids))
    return dict(session.execute(query).all())
