"""Memos: an evaluator's notes on a transcript, on a passage (segment) or on a code.

This is what ATLAS.ti, NVivo and MAXQDA call a memo on a document, a quotation or a code: the
evaluator's thinking while reading ("Bestuurder noemt de ouders pas na doorvragen"), kept with
the material it is about and exported with it (REFI-QDA ``Note``). A memo on one person's
*coding* is something else and lives on the ``Coding`` row (``coding.manual.add_memo``).

Rules, checked here so that the app, the CLI and an import script share them:

- A memo has exactly one target: a transcript, a segment or a code. A memo on a segment does not
  also name its transcript (that follows from the segment, and a re-import moves it with the
  passage); ``memos_frame`` shows the transcript beside it all the same.
- Author and text are required; the text is stripped and may not be empty.
- Only the author edits or deletes a memo. A memo is a person's own note, written under their
  name; letting another evaluator change its words would put words in the author's mouth, and
  the table has no place to record who changed it. Someone who disagrees writes a memo of their
  own. An edit replaces the text in place (the author's own correction; ``created_at`` stays).
- Memos go with what they are about: deleting a transcript, segment or code deletes its memos
  (foreign keys with ``ON DELETE CASCADE``).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from analysis.coding.manual import check_person
from analysis.messages import fail
from analysis.store import Code, Memo, Segment, Transcript, utcnow

TARGETS = ("transcript", "segment", "code")
MEMO_COLUMNS = [
    "id", "target", "transcript_id", "segment_id", "code", "author", "text", "created_at",
    "passage",
]


class MemoError(ValueError):
    """A user mistake with a memo (no or several targets, empty text, someone else's memo), in
    one sentence that names what is wrong."""


def check_author(author: str) -> str:
    """A usable author name: not empty, not the reserved ``auto``, at most 100 characters."""
    return check_person(
        author, what="author name", missing="memo.author_missing",
        error=MemoError,
    )


def check_text(text: str) -> str:
    """The memo's text without surrounding whitespace; empty text is refused."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise fail(MemoError, "memo.empty")
    return cleaned


def add_memo(
    session: Session,
    text: str,
    author: str,
    *,
    transcript_id: int | None = None,
    segment_id: int | None = None,
    code_key: str | None = None,
) -> Memo:
    """Write a memo on exactly one transcript, segment or code; returns the new row."""
    given = [
        name
        for name, value in zip(TARGETS, (transcript_id, segment_id, code_key), strict=True)
        if value is not None
    ]
    if len(given) != 1:
        got = f"got {', '.join(given)}" if given else "none given"
        raise fail(MemoError, "memo.target", given=got)
    name = check_author(author)
    cleaned = check_text(text)
    if transcript_id is not None and session.get(Transcript, transcript_id) is None:
        raise fail(MemoError, "transcript.unknown", transcript_id=transcript_id)
    if segment_id is not None and session.get(Segment, segment_id) is None:
        raise fail(MemoError, "coding.segment_unknown", segment_id=segment_id)
    if code_key is not None and session.get(Code, code_key) is None:
        raise fail(MemoError, "coding.code_unknown", code=code_key)
    memo = Memo(
        transcript_id=transcript_id,
        segment_id=segment_id,
        code_key=code_key,
        author=name,
        text=cleaned,
        created_at=utcnow(),
    )
    session.add(memo)
    session.flush()
    return memo


def _own_memo(session: Session, memo_id: int, author: str, doing: str) -> Memo:
    """The memo, if ``author`` wrote it; otherwise a clear refusal."""
    name = check_author(author)
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise fail(MemoError, "memo.unknown", memo_id=memo_id)
    if memo.author != name:
        raise fail(MemoError, "memo.not_yours", memo_id=memo_id, author=memo.author, doing=doing)
    return memo


def edit_memo(session: Session, memo_id: int, text: str, author: str) -> Memo:
    """Replace the text of the author's own memo (stripped; empty text is refused)."""
    memo = _own_memo(session, memo_id, author, "edit")
    memo.text = check_text(text)
    return memo


def delete_memo(session: Session, memo_id: int, author: str) -> None:
    """Delete the author's own memo."""
    session.delete(_own_memo(session, memo_id, author, "delete"))


def memos_frame(
    session: Session,
    *,
    transcript_id: int | None = None,
    segment_id: int | None = None,
    code_key: str | None = None,
    author: str | None = None,
    with_segments: bool = False,
) -> pd.DataFrame:
    """The memos that match every filter given, newest first (``MEMO_COLUMNS``).

    ``transcript_id`` selects memos on that transcript; with ``with_segments`` also those on its
    segments. ``target`` says what a memo is about; ``transcript_id`` is filled for a memo on a
    segment too (its segment's transcript) and ``passage`` holds that segment's text.
    """
    query = (
        select(Memo, Segment.transcript_id, Segment.text)
        .outerjoin(Segment, Memo.segment_id == Segment.id)
        .order_by(Memo.created_at.desc(), Memo.id.desc())
    )
    if transcript_id is not None:
        query = query.where(
            or_(Memo.transcript_id == transcript_id, Segment.transcript_id == transcript_id)
            if with_segments
            else Memo.transcript_id == transcript_id
        )
    if segment_id is not None:
        query = query.where(Memo.segment_id == segment_id)
    if code_key is not None:
        query = query.where(Memo.code_key == code_key)
    if author is not None:
        query = query.where(Memo.author == author.strip())
    records = [
        {
            "id": memo.id,
            "target": (
                "segment" if memo.segment_id is not None
                else "transcript" if memo.transcript_id is not None
                else "code"
            ),
            "transcript_id": (
                memo.transcript_id if memo.transcript_id is not None else segment_transcript
            ),
            "segment_id": memo.segment_id,
            "code": memo.code_key,
            "author": memo.author,
            "text": memo.text,
            "created_at": memo.created_at,
            "passage": passage,
        }
        for memo, segment_transcript, passage in session.execute(query)
    ]
    frame = pd.DataFrame(records, columns=MEMO_COLUMNS)
    for column in ("transcript_id", "segment_id"):
        frame[column] = frame[column].astype("Int64")  # ids stay ids beside missing values
    return frame
