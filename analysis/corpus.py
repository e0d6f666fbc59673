"""From files to stored transcripts, turns and segments: import, re-import, re-segmentation.

Each file is imported in its own transaction, so one bad file never leaves half a transcript
behind and never stops the batch. Re-importing an unchanged file (same sha256) is a no-op; a
changed file replaces the stored version only when asked, and every coding, memo and report
choice on a passage whose text is unchanged moves over to the new version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from analysis.ingest import (
    SUPPORTED_SUFFIXES,
    IngestError,
    ParsedTranscript,
    load_folder_metadata,
    read_transcript,
)
from analysis.store import Coding, Memo, ReportItem, Segment, SpeakerRole, Store, Transcript, Turn

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Files that live beside transcripts in a folder but are not transcripts themselves.
_FOLDER_SKIP = {"metadata.csv"}
_FOLDER_SKIP_STEMS = {"readme"}


@dataclass
class IngestResult:
    """What happened to one input file, in one line an evaluator can read."""

    path: Path
    status: str  # imported, replaced, unchanged, failed
    message: str
    transcript_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    words: int = 0
    segments: int = 0

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def line(self) -> str:
        return f"{self.path.name}: {self.message}"


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files to import: folders give their supported files (sorted), files are taken as given.

    A folder's ``metadata.csv``, sidecar ``.yaml`` files and README are not transcripts. An
    explicitly named file with an unsupported extension is kept, so that it gets its error line.
    """
    files: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            for child in sorted(item.iterdir()):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and child.name.lower() not in _FOLDER_SKIP
                    and child.stem.lower() not in _FOLDER_SKIP_STEMS
                ):
                    files.append(child)
        else:
            files.append(item)
    return files


def ingest_files(
    store: Store,
    paths: Iterable[Path | str],
    *,
    replace: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[Path], None] | None = None,
) -> list[IngestResult]:
    """Import every file; one result per file, in order. Never raises for a bad file."""
    results: list[IngestResult] = []
    folder_metadata: dict[Path, dict[str, dict]] = {}
    for path in expand_paths(paths):
        if progress:
            progress(path)
        try:
            folder = path.parent.resolve()
            if folder not in folder_metadata:
                folder_metadata[folder] = load_folder_metadata(folder)
            results.append(
                _ingest_one(
                    store, path, folder_metadata[folder], replace=replace, max_bytes=max_bytes
                )
            )
        except IngestError as error:
            results.append(IngestResult(path, "failed", error.reason))
        except OSError as error:
            results.append(IngestResult(path, "failed", f"cannot read the file ({error.strerror})"))
    return results


def _sha256(path: Path, max_bytes: int) -> str:
    if not path.exists():
        raise IngestError(path, "file not found")
    if path.stat().st_size > max_bytes:
        raise IngestError(
            path, f"file is larger than the limit of {max_bytes / 1024 / 1024:.0f} MB"
        )
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ingest_one(
    store: Store, path: Path, folder_metadata: dict[str, dict], *, replace: bool, max_bytes: int
) -> IngestResult:
    digest = _sha256(path, max_bytes)
    with store.session() as session:
        existing = session.scalars(
            select(Transcript).where(Transcript.source_name == path.name)
        ).first()
        if existing is not None and existing.sha256 == digest:
            return IngestResult(path, "unchanged", "unchanged, already imported", existing.id)
        if existing is None:
            twin = session.scalars(select(Transcript).where(Transcript.sha256 == digest)).first()
            if twin is not None:
                return IngestResult(
                    path,
                    "unchanged",
                    f"same content as {twin.source_name}, not imported again",
                    twin.id,
                )
        if existing is not None and not replace:
            raise IngestError(
                path, "a different version is already imported; use --replace to replace it"
            )

    parsed = read_transcript(path, max_bytes=max_bytes, folder_metadata=folder_metadata)
    with store.session() as session:
        old = None
        if existing is not None:
            old = session.get(Transcript, existing.id)
            old.source_name = f"{old.source_name} (replaced #{old.id})"  # frees the unique name
            session.flush()
        transcript, segments = _add_transcript(session, path, digest, parsed)
        carried, dropped = (0, 0)
        if old is not None:
            _copy_role_corrections(session, old, transcript)
            carried, dropped = _carry_over(session, old, transcript)
            session.delete(old)
        words = len(parsed.text.split())
        message = f"{len(parsed.turns)} turns, {segments} segments, {words} words"
        if old is not None:
            message += f"; replaced the old version ({carried} codings carried over"
            message += f", {dropped} dropped because their passage changed)" if dropped else ")"
        if parsed.warnings:
            message += "; warning: " + "; ".join(parsed.warnings)
        return IngestResult(
            path,
            "replaced" if old is not None else "imported",
            message,
            transcript.id,
            list(parsed.warnings),
            words,
            segments,
        )


def _add_transcript(
    session: Session, path: Path, digest: str, parsed: ParsedTranscript
) -> tuple[Transcript, int]:
    """Store the transcript, its turns and its segments; returns it with its segment count."""
    meta = dict(parsed.metadata)
    known = {"institution", "date", "interviewer", "sector", "region", "respondents", "roles"}
    transcript = Transcript(
        name=path.stem,
        source_name=path.name,
        sha256=digest,
        format=parsed.format,
        text=parsed.text,
        institution=str(meta.get("institution") or path.stem),
        date=_text_or_none(meta.get("date")),
        interviewer=_text_or_none(meta.get("interviewer")),
        sector=_text_or_none(meta.get("sector")),
        region=_text_or_none(meta.get("region")),
        respondents=_as_list(meta.get("respondents")),
        roles=_as_list(meta.get("roles")),
        extra={k: v for k, v in meta.items() if k not in known},
        warnings=list(parsed.warnings),
    )
    session.add(transcript)
    session.flush()
    rows = [
        {
            "transcript_id": transcript.id,
            "index": index,
            "speaker": turn.speaker,
            "role": turn.role or "respondent",
            "start": turn.start,
            "end": turn.end,
            "media_start": turn.media_start,
            "media_end": turn.media_end,
        }
        for index, turn in enumerate(parsed.turns)
    ]
    # Bulk inserts: the ORM's unit of work costs more than segmentation itself at this volume.
    ids = (
        session.scalars(insert(Turn).returning(Turn.id, sort_by_parameter_order=True), rows).all()
        if rows
        else []
    )
    turns = [
        _TurnRef(id_, row["index"], row["start"], row["end"], row["role"])
        for id_, row in zip(ids, rows, strict=True)
    ]
    segments = _insert_segments(session, transcript.id, transcript.text, turns)
    return transcript, len(segments)


@dataclass(frozen=True)
class _TurnRef:
    """The few facts about a stored turn that segmentation and question linking need."""

    id: int
    index: int
    start: int
    end: int
    role: str


def _text_or_none(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def build_segments(session: Session, transcript: Transcript) -> None:
    """Cut a stored transcript's respondent turns into segments linked to their questions."""
    turns = [_TurnRef(t.id, t.index, t.start, t.end, t.role) for t in transcript.turns]
    _insert_segments(session, transcript.id, transcript.text, turns)
    session.expire(transcript, ["segments"])


def _insert_segments(
    session: Session, transcript_id: int, text: str, turns: list[_TurnRef]
) -> list[tuple[int, str, str, int]]:
    """Segment and bulk-insert; returns (id, kind, text, start) of each new segment."""
    from analysis.segment import segment_turns  # spaCy: loaded only where text is segmented

    turns = sorted(turns, key=lambda t: t.index)
    spans = segment_turns(text, turns)
    by_index = {turn.index: turn for turn in turns}
    question_for = _questions(turns)
    rows = []
    for number, span in enumerate(spans):
        question = question_for.get(span.turn_index)
        rows.append(
            {
                "transcript_id": transcript_id,
                "turn_id": by_index[span.turn_index].id,
                "question_turn_id": question.id if question else None,
                "index": number,
                "start": span.start,
                "end": span.end,
                "text": text[span.start : span.end],
                "lemmas": " ".join(span.lemmas),
                "codable": span.codable,
                "kind": "auto",
            }
        )
    if not rows:
        return []
    ids = session.scalars(
        insert(Segment).returning(Segment.id, sort_by_parameter_order=True), rows
    ).all()
    return [(id_, "auto", row["text"], row["start"]) for id_, row in zip(ids, rows, strict=True)]


def _questions(turns: Sequence[_TurnRef | Turn]) -> dict[int, _TurnRef | Turn]:
    """For each turn index, the nearest interviewer turn before it (the question it answers)."""
    result: dict[int, _TurnRef | Turn] = {}
    last: _TurnRef | Turn | None = None
    for turn in turns:
        if turn.role == "interviewer":
            last = turn
        elif last is not None:
            result[turn.index] = last
    return result


def _copy_role_corrections(session: Session, old: Transcript, new: Transcript) -> None:
    corrections = session.scalars(select(SpeakerRole).where(SpeakerRole.transcript_id == old.id))
    roles = {c.speaker: c.role for c in corrections}
    for correction in session.scalars(
        select(SpeakerRole).where(SpeakerRole.transcript_id == old.id)
    ):
        correction.transcript_id = new.id
    if roles:
        apply_roles(session, new, roles)


def apply_roles(session: Session, transcript: Transcript, roles: dict[str, str]) -> None:
    """Set speakers' roles and re-segment, carrying codings over to segments with the same text."""
    changed = False
    for turn in transcript.turns:
        role = roles.get(turn.speaker)
        if role and turn.role != role:
            turn.role = role
            changed = True
    if not changed:
        return
    session.flush()
    old_segments = [s for s in transcript.segments if s.kind == "auto"]
    snapshot = [(s.id, s.text, s.start) for s in old_segments]
    turns = [_TurnRef(t.id, t.index, t.start, t.end, t.role) for t in transcript.turns]
    fresh = _insert_segments(session, transcript.id, transcript.text, turns)
    _move_by_text(session, snapshot, fresh)  # before the old rows go: their codings cascade
    session.execute(delete(Segment).where(Segment.id.in_([sid for sid, _, _ in snapshot])))
    session.expire(transcript, ["segments"])


def _carry_over(session: Session, old: Transcript, new: Transcript) -> tuple[int, int]:
    """Move codings, memos and report items from the old version's segments to the new one's.

    A segment matches when its text is identical (the nearest by offset among equals); a hand-cut
    span is re-cut at the place where its exact text occurs in the new version.
    """
    for span in (s for s in old.segments if s.kind == "span"):
        position = new.text.find(span.text)
        turn = _turn_at(new, position) if position >= 0 else None
        if turn is not None:
            new.segments.append(
                Segment(
                    turn_id=turn.id,
                    question_turn_id=span_question(new, turn),
                    index=len(new.segments),
                    start=position,
                    end=position + len(span.text),
                    text=span.text,
                    lemmas=span.lemmas,
                    codable=True,
                    kind="span",
                )
            )
    session.flush()
    snapshot = [(s.id, s.text, s.start) for s in old.segments]
    candidates = [(s.id, s.kind, s.text, s.start) for s in new.segments]
    return _move_by_text(session, snapshot, candidates)


def _turn_at(transcript: Transcript, position: int) -> Turn | None:
    for turn in transcript.turns:
        if turn.start <= position < turn.end:
            return turn
    return None


def span_question(transcript: Transcript, turn: Turn) -> int | None:
    """The id of the interviewer turn a turn answers (for hand-cut spans)."""
    question = _questions(sorted(transcript.turns, key=lambda t: t.index)).get(turn.index)
    return question.id if question else None


def _move_by_text(
    session: Session,
    snapshot: list[tuple[int, str, int]],
    candidates: list[tuple[int, str, str, int]],
) -> tuple[int, int]:
    """Re-point dependants of old segments (id, text, start) to new segments with the same text.

    ``candidates`` are the new segments as (id, kind, text, start).
    """
    new_by_text: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for segment_id, kind, text, start in candidates:
        new_by_text.setdefault((kind, text), []).append((segment_id, start))
    kinds = {
        sid: kind
        for sid, kind in session.execute(
            select(Segment.id, Segment.kind).where(Segment.id.in_([s for s, _, _ in snapshot]))
        )
    }
    carried = dropped = 0
    for old_id, text, start in snapshot:
        matches = new_by_text.get((kinds.get(old_id, "auto"), text), [])
        count = session.scalar(
            select(func.count()).select_from(Coding).where(Coding.segment_id == old_id)
        )
        if not matches:
            dropped += count
            continue
        target, _ = min(matches, key=lambda match: abs(match[1] - start))
        for model in (Coding, Memo, ReportItem):
            session.execute(
                update(model).where(model.segment_id == old_id).values(segment_id=target)
            )
        carried += count
    return carried, dropped
