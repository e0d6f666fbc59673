"""A person's coding decisions, each recorded as a new ``Coding`` row that never overwrites one.

Every decision appends rows with the coder's name and the time; ``replaces_id`` points at the
row it supersedes (the coder's own previous row for that segment and code, else the automatic
suggestion it decides on). Each row is a full snapshot of the state (status, confidence, memo),
so the history reads without replaying it.

Decisions that touch several rows at once (a re-code, an import) share a ``batch`` id in the
rationale, so that ``undo`` takes back the whole decision. Undo appends rows too: each restores
the state before the undone row (or ``undone``, meaning no decision in force) and points at the
undone row through ``replaces_id``; repeated undo walks further back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from analysis.coding import CodingError
from analysis.coding.state import AUTO_CODER, NEGATIVE, Decision, current_codings
from analysis.coding.units import coder_labels, units
from analysis.corpus import span_question
from analysis.messages import fail
from analysis.store import Code, Coding, Segment, Transcript, utcnow

MAX_CODER_LENGTH = 100
# The origin of the rejections recorded when a coder declares a transcript fully coded.
COMPLETE_ORIGIN = "complete"
HISTORY_COLUMNS = [
    "id", "created_at", "segment_id", "code", "coder", "origin", "status", "confidence",
    "memo", "replaces_id", "undone",
]


def check_person(
    value: str, *, what: str, missing: str, error: type[ValueError] = ValueError
) -> str:
    """A usable person's name (a coder, a memo's author): stripped, not empty (``missing``, a
    message key, says so), not the reserved ``auto``, at most 100 characters; ``error`` is the
    caller's type."""
    name = (value or "").strip()
    if not name:
        raise fail(error, missing)
    if name.lower() == AUTO_CODER:
        raise fail(error, "coding.coder_reserved", name=AUTO_CODER)
    if len(name) > MAX_CODER_LENGTH:
        raise fail(error, "coding.name_too_long", what=what, limit=MAX_CODER_LENGTH)
    return name


def check_coder(coder: str) -> str:
    """A usable coder name: not empty, not the reserved ``auto``, at most 100 characters."""
    return check_person(
        coder, what="coder name", missing="coding.coder_missing",
        error=CodingError,
    )


def new_batch() -> str:
    return uuid.uuid4().hex


def _segment(session: Session, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise fail(CodingError, "coding.segment_unknown", segment_id=segment_id)
    return segment


def _label(session: Session, code_key: str) -> str:
    """A code's Dutch label for a message (its key when the code is gone)."""
    code = session.get(Code, code_key)
    return code.label if code is not None else code_key


def _code(session: Session, code_key: str) -> Code:
    code = session.get(Code, code_key)
    if code is None:
        raise fail(CodingError, "coding.code_unknown", code=code_key)
    return code


def own_row(session: Session, segment_id: int, code_key: str, coder: str) -> Coding | None:
    """The coder's row in force for this segment and code, if any."""
    return session.scalars(
        select(Coding)
        .where(Coding.segment_id == segment_id, Coding.code_key == code_key, Coding.coder == coder)
        .order_by(Coding.id.desc())
        .limit(1)
    ).first()


def open_suggestion(session: Session, segment_id: int, code_key: str) -> Coding | None:
    """The automatic suggestion in force for this segment and code, if it is still suggested."""
    row = own_row(session, segment_id, code_key, AUTO_CODER)
    return row if row is not None and row.status == "suggested" else None


def record(
    session: Session,
    *,
    segment_id: int,
    code_key: str,
    coder: str,
    origin: str,
    status: str,
    batch: str,
    confidence: float | None = None,
    rationale: dict | None = None,
    memo: str | None = None,
    replaces_id: int | None = None,
) -> Coding:
    """Append one decision row (the only way rows enter the log from a person's hand)."""
    row = Coding(
        segment_id=segment_id,
        code_key=code_key,
        coder=coder,
        origin=origin,
        status=status,
        confidence=confidence,
        rationale={**(rationale or {}), "batch": batch},
        memo=memo,
        replaces_id=replaces_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def _decide(
    session: Session,
    segment_id: int,
    code_key: str,
    coder: str,
    status: str,
    *,
    memo: str | None,
    batch: str | None = None,
    origin: str = "manual",
    rationale: dict | None = None,
) -> Coding:
    """Record ``status`` for (segment, code) by ``coder`` unless it is already in force."""
    coder = check_coder(coder)
    _segment(session, segment_id)
    _code(session, code_key)
    mine = own_row(session, segment_id, code_key, coder)
    if mine is not None and mine.status == status and memo is None:
        return mine  # nothing changes: no row, so the history holds only real decisions
    suggestion = open_suggestion(session, segment_id, code_key)
    confidence = None
    details = dict(rationale or {})
    if suggestion is not None and (mine is None or mine.status == "undone"):
        origin = suggestion.origin
        confidence = suggestion.confidence
        details = {**{k: v for k, v in suggestion.rationale.items() if k != "run"}, **details}
        details["suggestion_id"] = suggestion.id
    if memo is None and mine is not None and mine.status != "undone":
        memo = mine.memo  # a memo stays with the coding until the coder changes it
    replaces = mine if mine is not None else suggestion
    return record(
        session,
        segment_id=segment_id,
        code_key=code_key,
        coder=coder,
        origin=origin,
        status=status,
        batch=batch or new_batch(),
        confidence=confidence,
        rationale=details,
        memo=memo,
        replaces_id=replaces.id if replaces is not None else None,
    )


def apply_code(
    session: Session, segment_id: int, code_key: str, coder: str, *, memo: str | None = None
) -> Coding:
    """The coder applies a code to a segment (accepting a suggestion for it if there is one)."""
    return _decide(session, segment_id, code_key, coder, "accepted", memo=memo)


def accept(
    session: Session, segment_id: int, code_key: str, coder: str, *, memo: str | None = None
) -> Coding:
    """The coder accepts the suggestion of a code on a segment."""
    if open_suggestion(session, segment_id, code_key) is None and own_row(
        session, segment_id, code_key, check_coder(coder)
    ) is None:
        raise fail(
            CodingError, "coding.no_suggestion", code=code_key, label=_label(session, code_key),
            segment_id=segment_id,
        )
    return _decide(session, segment_id, code_key, coder, "accepted", memo=memo)


def reject(
    session: Session, segment_id: int, code_key: str, coder: str, *, memo: str | None = None
) -> Coding:
    """The coder states that a code does not apply (usually: rejects its suggestion)."""
    return _decide(session, segment_id, code_key, coder, "rejected", memo=memo)


def remove_code(
    session: Session, segment_id: int, code_key: str, coder: str, *, memo: str | None = None
) -> Coding:
    """The coder takes a code off a segment it was applied to (by them or by a suggestion)."""
    name = check_coder(coder)
    mine = own_row(session, segment_id, code_key, name)
    if (mine is None or mine.status != "accepted") and open_suggestion(
        session, segment_id, code_key
    ) is None:
        raise fail(
            CodingError, "coding.nothing_to_remove", code=code_key,
            label=_label(session, code_key), segment_id=segment_id,
        )
    return _decide(session, segment_id, code_key, name, "removed", memo=memo)


def recode(
    session: Session,
    segment_id: int,
    old_key: str,
    new_key: str,
    coder: str,
    *,
    memo: str | None = None,
) -> tuple[Coding, Coding]:
    """Replace one code on a segment by another: one decision (one undo) of two rows."""
    if old_key == new_key:
        raise fail(CodingError, "coding.recode_same")
    _code(session, new_key)
    batch = new_batch()
    name = check_coder(coder)
    mine = own_row(session, segment_id, old_key, name)
    status = "removed" if mine is not None and mine.status == "accepted" else "rejected"
    old = _decide(session, segment_id, old_key, name, status, memo=memo, batch=batch)
    new = _decide(
        session, segment_id, new_key, name, "accepted", memo=memo, batch=batch,
        rationale={"recoded_from": old_key},
    )
    return old, new


def decide_card(
    session: Session, segment_id: int, theme: str, coder: str, status: str
) -> list[Coding]:
    """One decision on a review card: every open suggestion on the segment under ``theme`` (the
    theme itself and its sub-themes) is accepted, or rejected, in one batch, so one undo takes
    the whole card back. ``status`` is "accepted" or "rejected"."""
    if status not in ("accepted", "rejected"):
        raise ValueError(f"a card is accepted or rejected, not {status!r}")
    name = check_coder(coder)
    _segment(session, segment_id)
    parents = dict(session.execute(select(Code.key, Code.parent_key)).all())
    under = {key for key in parents if key == theme or _has_ancestor(key, theme, parents)}
    mine, suggested = mine_and_suggested(session, [segment_id], name)
    keys = sorted(
        key for (_, key) in suggested
        if key in under and (mine.get((segment_id, key)) is None
                             or mine[(segment_id, key)].status not in ("accepted", "rejected"))
    )
    if not keys:
        raise fail(CodingError, "coding.group_empty", segment_id=segment_id, code=theme)
    batch = new_batch()
    return [
        _decide(session, segment_id, key, name, status, memo=None, batch=batch) for key in keys
    ]


def _has_ancestor(key: str, ancestor: str, parents: dict[str, str | None]) -> bool:
    seen: set[str] = set()
    parent = parents.get(key)
    while parent is not None and parent not in seen:
        if parent == ancestor:
            return True
        seen.add(parent)
        parent = parents.get(parent)
    return False


def add_memo(session: Session, segment_id: int, code_key: str, coder: str, text: str) -> Coding:
    """Attach a memo to the coder's coding of this segment and code (a new row, same status)."""
    name = check_coder(coder)
    text = (text or "").strip()
    if not text:
        raise fail(CodingError, "coding.memo_empty")
    mine = own_row(session, segment_id, code_key, name)
    if mine is None or mine.status == "undone":
        raise fail(
            CodingError, "coding.memo_no_coding", name=name, code=code_key,
            label=_label(session, code_key), segment_id=segment_id,
        )
    return record(
        session,
        segment_id=segment_id,
        code_key=code_key,
        coder=name,
        origin=mine.origin,
        status=mine.status,
        batch=new_batch(),
        confidence=mine.confidence,
        rationale={k: v for k, v in mine.rationale.items() if k != "batch"},
        memo=text,
        replaces_id=mine.id,
    )


def code_span(
    session: Session,
    transcript_id: int,
    start: int,
    end: int,
    code_key: str,
    coder: str,
    *,
    memo: str | None = None,
) -> tuple[Segment, Coding]:
    """Code any character span inside one respondent turn; the span becomes its own segment.

    Surrounding whitespace is trimmed, so the span's text is exactly the words chosen and
    ``segment.text == transcript.text[segment.start:segment.end]``. Coding the same span again
    reuses its segment.
    """
    name = check_coder(coder)
    _code(session, code_key)
    transcript = session.get(Transcript, transcript_id)
    if transcript is None:
        raise fail(CodingError, "transcript.unknown", transcript_id=transcript_id)
    where = {"source": transcript.source_name}
    if not 0 <= start < end <= len(transcript.text):
        raise fail(
            CodingError, "coding.span_outside", start=start, end=end, length=len(transcript.text),
            **where,
        )
    chosen = transcript.text[start:end]
    start += len(chosen) - len(chosen.lstrip())
    end -= len(chosen) - len(chosen.rstrip())
    if start >= end:
        raise fail(CodingError, "coding.span_blank", start=start, end=end, **where)
    turn = next((t for t in transcript.turns if t.start <= start and end <= t.end), None)
    if turn is None:
        raise fail(CodingError, "coding.span_turns", start=start, end=end, **where)
    if turn.role != "respondent":
        raise fail(
            CodingError, "coding.span_not_respondent", start=start, end=end, role=turn.role,
            **where,
        )
    segment = session.scalars(
        select(Segment).where(
            Segment.transcript_id == transcript_id, Segment.start == start, Segment.end == end
        )
    ).first()
    if segment is None:
        from analysis.nlp import lemmatise  # spaCy: only a hand-made span needs tokenising

        text = transcript.text[start:end]
        segment = Segment(
            transcript_id=transcript_id,
            turn_id=turn.id,
            question_turn_id=span_question(transcript, turn),
            index=max((s.index for s in transcript.segments), default=-1) + 1,
            start=start,
            end=end,
            text=text,
            lemmas=" ".join(lemmatise([text])[0]),
            codable=True,
            kind="span",
        )
        session.add(segment)
        session.flush()
    return segment, _decide(session, segment.id, code_key, name, "accepted", memo=memo)


def mine_and_suggested(
    session: Session, segment_ids: list[int], coder: str
) -> tuple[dict[tuple[int, str], Decision], dict[tuple[int, str], Decision]]:
    """The coder's decisions in force and the open automatic suggestions on these segments, by
    (segment, code): what a bulk decision (an import, a transcript declared complete) replaces."""
    mine: dict[tuple[int, str], Decision] = {}
    suggested: dict[tuple[int, str], Decision] = {}
    for row in current_codings(session, segment_ids):
        if row.coder == coder:
            mine[(row.segment_id, row.code_key)] = row
        elif row.coder == AUTO_CODER and row.status == "suggested":
            suggested[(row.segment_id, row.code_key)] = row
    return mine, suggested


def bulk_row(
    segment_id: int,
    code_key: str,
    coder: str,
    status: str,
    *,
    origin: str,
    rationale: dict,
    replaced: Decision | None,
    at: datetime,
    confidence: float | None = None,
) -> dict:
    """One decision row for ``insert(Coding)`` (``rationale`` carries the batch id; the rows
    of one bulk decision share ``at``)."""
    return {
        "segment_id": segment_id,
        "code_key": code_key,
        "coder": coder,
        "origin": origin,
        "status": status,
        "confidence": confidence,
        "rationale": rationale,
        "memo": None,
        "replaces_id": replaced.id if replaced is not None else None,
        "created_at": at,
    }


def complete(session: Session, transcript_id: int, coder: str) -> int:
    """The coder declares a transcript fully coded: every code they did not give a segment is
    recorded as not applying to it (``rejected``), in one batch, so one undo takes it back.

    Why: a person's codes alone say what a segment *is*; the learned suggestions also need
    what it is *not*, and an evaluator who codes an interview by hand gives no rejections for
    the codes they simply did not apply. Declaring the interview complete records them, as an
    imported gold file does (``gold.import_codings``), so coding by hand in the app teaches the
    suggestions as much as an import. Codes the coder gave (their ancestors too, and codes of
    their hand-cut spans on the segments those overlap) and earlier rejections are left alone;
    an open suggestion that is now rejected leaves the review queue. Returns the number of
    (segment, code) pairs recorded.
    """
    name = check_coder(coder)
    if session.get(Transcript, transcript_id) is None:
        raise fail(CodingError, "transcript.unknown", transcript_id=transcript_id)
    unit_list = units(session, [transcript_id])
    if not unit_list:
        raise fail(CodingError, "coding.transcript_uncodable", transcript_id=transcript_id)
    given = coder_labels(session, name, unit_list)
    decided, suggested = mine_and_suggested(session, [unit.id for unit in unit_list], name)
    keys = list(session.scalars(select(Code.key).order_by(Code.position, Code.key)))
    rationale, now = {"batch": new_batch(), "complete": transcript_id}, utcnow()
    rows = []
    for unit in unit_list:
        for key in keys:
            mine = decided.get((unit.id, key))
            if key in given[unit.id] or (mine is not None and mine.status in NEGATIVE):
                continue
            suggestion = suggested.get((unit.id, key))
            rows.append(
                bulk_row(
                    unit.id, key, name, "rejected", origin=COMPLETE_ORIGIN, rationale=rationale,
                    replaced=mine if mine is not None else suggestion, at=now,
                    confidence=suggestion.confidence if suggestion is not None else None,
                )
            )
    if rows:
        session.execute(insert(Coding), rows)
    return len(rows)


def completed_transcripts(session: Session, coder: str) -> set[int]:
    """The transcripts the coder has declared fully coded (``complete``) and not undone since:
    those with a rejection from the declaration still in force."""
    newest = (
        select(func.max(Coding.id))
        .where(Coding.coder == coder)
        .group_by(Coding.segment_id, Coding.code_key)
    )
    query = (
        select(Segment.transcript_id)
        .join(Coding, Coding.segment_id == Segment.id)
        .where(Coding.id.in_(newest), Coding.origin == COMPLETE_ORIGIN)
        .distinct()
    )
    return set(session.scalars(query))


def undo(session: Session, coder: str) -> list[Coding]:
    """Take back the coder's newest decision that is not yet undone; returns the rows added."""
    name = check_coder(coder)
    rows = list(
        session.scalars(select(Coding).where(Coding.coder == name).order_by(Coding.id.desc()))
    )
    undone = {row.replaces_id for row in rows if row.origin == "undo"}
    live = [row for row in rows if row.origin != "undo" and row.id not in undone]
    if not live:
        raise fail(CodingError, "coding.nothing_to_undo", name=name)
    batch = live[0].rationale.get("batch")
    group = [row for row in live if batch is not None and row.rationale.get("batch") == batch]
    added = []
    undo_batch = new_batch()
    for row in group or live[:1]:
        previous = session.get(Coding, row.replaces_id) if row.replaces_id else None
        restores = previous if previous is not None and previous.coder == name else None
        added.append(
            record(
                session,
                segment_id=row.segment_id,
                code_key=row.code_key,
                coder=name,
                origin="undo",
                status=restores.status if restores else "undone",
                batch=undo_batch,
                confidence=restores.confidence if restores else None,
                rationale={"undo_of": row.id, "restores": restores.id if restores else None},
                memo=restores.memo if restores else None,
                replaces_id=row.id,
            )
        )
    return added


def history(
    session: Session,
    *,
    segment_id: int | None = None,
    code_key: str | None = None,
    coders: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every decision row, oldest first, with whether a later undo took it back."""
    query = select(Coding).order_by(Coding.id)
    if segment_id is not None:
        query = query.where(Coding.segment_id == segment_id)
    if code_key is not None:
        query = query.where(Coding.code_key == code_key)
    if coders is not None:
        query = query.where(Coding.coder.in_(list(coders)))
    rows = list(session.scalars(query))
    undone_ids = set(
        session.scalars(select(Coding.replaces_id).where(Coding.origin == "undo")).all()
    )
    records = [
        {
            "id": row.id,
            "created_at": row.created_at,
            "segment_id": row.segment_id,
            "code": row.code_key,
            "coder": row.coder,
            "origin": row.origin,
            "status": row.status,
            "confidence": row.confidence,
            "memo": row.memo,
            "replaces_id": row.replaces_id,
            "undone": row.id in undone_ids,
        }
        for row in rows
    ]
    return pd.DataFrame(records, columns=HISTORY_COLUMNS)
