"""The evaluator's choices for the report: chosen quotes, example boxes and chapter openings.

Stored as ``ReportItem`` rows so they survive re-building the draft. A chapter is named by a
code key (a theme, or a sub-theme to place a quote under that sub-heading) or by one of
:data:`FIXED_CHAPTERS`. Interviewer speech is never quoted: a quote must be a respondent segment.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.coding.state import parent_map, segment_codes
from analysis.messages import fail
from analysis.store import Code, ReportItem, Segment, Transcript, Turn

FIXED_CHAPTERS = ("introduction", "method", "phases", "next_steps")
ITEM_COLUMNS = ["id", "chapter", "kind", "segment_id", "institution", "title", "text", "position"]


class ReportError(ValueError):
    """A user mistake in report choices, in one sentence naming what is wrong."""


def chapters(session: Session) -> list[str]:
    """Every chapter name an item may use: code keys in codebook order, then the fixed ones."""
    keys = session.scalars(select(Code.key).order_by(Code.position, Code.key)).all()
    return [*keys, *FIXED_CHAPTERS]


def _check_chapter(session: Session, chapter: str) -> str:
    if chapter in FIXED_CHAPTERS or session.get(Code, chapter) is not None:
        return chapter
    raise fail(ReportError, "report.chapter_unknown", chapter=chapter,
               chapters=", ".join(FIXED_CHAPTERS))


def _respondent_segment(session: Session, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise fail(ReportError, "coding.segment_unknown", segment_id=segment_id)
    if session.get(Turn, segment.turn_id).role != "respondent":
        raise fail(ReportError, "report.not_respondent", segment_id=segment_id)
    return segment


def _next_position(session: Session, chapter: str) -> int:
    query = select(func.max(ReportItem.position)).where(ReportItem.chapter == chapter)
    last = session.scalar(query)
    return 0 if last is None else last + 1


def select_quote(
    session: Session, segment_id: int, chapter: str | None = None, position: int | None = None
) -> ReportItem:
    """Choose a segment as a quote for a chapter (default: its one applied theme).

    Choosing the same segment for the same chapter again returns the existing choice.
    """
    segment = _respondent_segment(session, segment_id)
    if chapter is None:
        codes = segment_codes(session, [segment_id]).get(segment_id)
        parents = parent_map(session)
        applied = codes.applied if codes else []
        themes = sorted({key for key in applied if parents.get(key) is None})
        if len(themes) != 1:
            found = ", ".join(themes) if themes else "no theme"
            raise fail(ReportError, "report.which_chapter", segment_id=segment_id, found=found)
        chapter = themes[0]
    _check_chapter(session, chapter)
    existing = session.scalars(
        select(ReportItem).where(
            ReportItem.chapter == chapter,
            ReportItem.kind == "quote",
            ReportItem.segment_id == segment_id,
        )
    ).first()
    if existing is not None:
        return existing
    institution = session.get(Transcript, segment.transcript_id).institution
    item = ReportItem(
        chapter=chapter,
        kind="quote",
        segment_id=segment_id,
        institution=institution,
        position=_next_position(session, chapter) if position is None else position,
    )
    session.add(item)
    session.flush()
    return item


def add_box(
    session: Session,
    chapter: str,
    institution: str,
    title: str,
    text: str,
    segment_id: int | None = None,
) -> ReportItem:
    """An example box: a college's story in the evaluator's words, with an optional quote."""
    _check_chapter(session, chapter)
    known = session.scalars(
        select(Transcript.id).where(Transcript.institution == institution).limit(1)
    ).first()
    if known is None:
        raise fail(ReportError, "phase.college_unknown", institution=institution)
    if not (title or "").strip():
        raise fail(ReportError, "report.box_title")
    if segment_id is not None:
        segment = _respondent_segment(session, segment_id)
        if session.get(Transcript, segment.transcript_id).institution != institution:
            raise fail(
                ReportError, "report.box_other_college", segment_id=segment_id,
                institution=institution,
            )
    item = ReportItem(
        chapter=chapter,
        kind="box",
        segment_id=segment_id,
        institution=institution,
        title=title.strip(),
        text=(text or "").strip(),
        position=_next_position(session, chapter),
    )
    session.add(item)
    session.flush()
    return item


def set_chapter_intro(session: Session, chapter: str, text: str) -> ReportItem | None:
    """The evaluator's opening text for a chapter; empty text restores the default opening."""
    _check_chapter(session, chapter)
    for old in session.scalars(
        select(ReportItem).where(ReportItem.chapter == chapter, ReportItem.kind == "intro")
    ):
        session.delete(old)
    if not (text or "").strip():
        return None
    item = ReportItem(chapter=chapter, kind="intro", text=text.strip())
    session.add(item)
    session.flush()
    return item


def move_item(session: Session, item_id: int, step: int) -> None:
    """Move an item ``step`` places among its chapter's items of its kind (negative: earlier);
    they are renumbered 0, 1, 2 ... in the new order."""
    item = session.get(ReportItem, item_id)
    if item is None:
        raise fail(ReportError, "report.item_unknown", item_id=item_id)
    siblings = list(session.scalars(
        select(ReportItem)
        .where(ReportItem.chapter == item.chapter, ReportItem.kind == item.kind)
        .order_by(ReportItem.position, ReportItem.id)
    ))
    index = siblings.index(item)
    siblings.insert(max(0, index + step), siblings.pop(index))
    for position, row in enumerate(siblings):
        row.position = position


def remove_item(session: Session, item_id: int) -> None:
    item = session.get(ReportItem, item_id)
    if item is None:
        raise fail(ReportError, "report.item_unknown", item_id=item_id)
    session.delete(item)


def items_frame(session: Session, chapter: str | None = None) -> pd.DataFrame:
    """The choices made so far, per chapter in position order."""
    query = select(ReportItem).order_by(ReportItem.chapter, ReportItem.position, ReportItem.id)
    if chapter is not None:
        query = query.where(ReportItem.chapter == chapter)
    rows = [{name: getattr(item, name) for name in ITEM_COLUMNS} for item in session.scalars(query)]
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)
