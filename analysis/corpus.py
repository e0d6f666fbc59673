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

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from analysis.ingest import (
    SUPPORTED_SUFFIXES,
    IngestError,
    ParsedTranscript,
    load_folder_metadata,
    read_transcript,
)
from analysis.segment import segment_turns
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
                _ingest_one(store, path, folder_metadata[folder], replace=replace, max_bytes=max_bytes)
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
                    path, "unchanged", f"same content as {twin.source_name}, not imported again",
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
        transcript = _add_transcript(session, path, digest, parsed)
        carried, dropped = (0, 0)
        if old is not None:
            _copy_role_corrections(session, old, transcript)
            carried, dropped = _carry_over(session, old, transcript)
            session.delete(old)
        words = len(parsed.text.split())
        segments = len(transcript.segments)
        message = f"{len(transcript.turns)} turns, {segments} segments, {words} words"
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


def _add_transcript(session: Session, path: Path, digest: str, parsed: ParsedTranscript) -> Transcript:
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
    for index, turn in enumerate(parsed.turns):
        transcript.turns.append(
            Turn(
                index=index,
                speaker=turn.speaker,
                role=turn.role or "respondent",
                start=turn.start,
                end=turn.end,
                media_start=turn.media_start,
                media_end=turn.media_end,
            )
        )
    session.flush()
    build_segments(session, transcript)
    return transcript


def _text_or_none(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(";") if part.strip()]


def build_segments(session: Session, transcript: Transcript) -> None:
    """Cut the transcript's respondent turns into segments and link each to its question."""
    turns = sorted(transcript.turns, key=lambda t: t.index)
    spans = segment_turns(transcript.text, turns)
    by_index = {turn.index: turn for turn in turns}
    question_for = _questions(turns)
    for number, span in enumerate(spans):
        turn = by_index[span.turn_index]
        question = question_for.get(turn.index)
        transcript.segments.append(
            Segment(
                turn_id=turn.id,
                question_turn_id=question.id if question else None,
                index=number,
                start=span.start,
                end=span.end,
                text=transcript.text[span.start : span.end],
                lemmas=" ".join(span.lemmas),
                codable=span.codable,
                kind="auto",
            )
        )
    session.flush()


def _questions(turns: Sequence[Turn]) -> dict[int, Turn]:
    """For each turn index, the nearest interviewer turn before it (the question it answers)."""
    result: dict[int, Turn] = {}
    last: Turn | None = None
    for turn in turns:
        if turn.role == "interviewer":
            last = turn
        elif last is not None:
            result[turn.index] = last
    return result


def _copy_role_corrections(session: Session, old: Transcript, new: Transcript) -> None:
    corrections = session.scalars(select(SpeakerRole).where(SpeakerRole.transcript_id == old.id))
    roles = {c.speaker: c.role for c in corrections}
    for correction in session.scalars(select(SpeakerRole).where(SpeakerRole.transcript_id == old.id)):
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
    old_segments = [s for s in transcript.segments if s.kind == "auto"]
    snapshot = [(s.id, s.text, s.start) for s in old_segments]
    build_segments(session, transcript)
    fresh = [s for s in transcript.segments if s.kind == "auto" and s not in old_segments]
    _move_by_text(session, snapshot, fresh)  # before the old rows go: their codings cascade
    for segment in old_segments:
        transcript.segments.remove(segment)
    session.flush()


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
    return _move_by_text(session, snapshot, new.segments)


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
    session: Session, snapshot: list[tuple[int, str, int]], candidates: list[Segment]
) -> tuple[int, int]:
    """Re-point dependants of old segments to new segments with the same text."""
    new_by_text: dict[tuple[str, str], list[Segment]] = {}
    for segment in candidates:
        new_by_text.setdefault((segment.kind, segment.text), []).append(segment)
    kinds = {
        sid: kind
        for sid, kind in session.execute(
            select(Segment.id, Segment.kind).where(Segment.id.in_([s for s, _, _ in snapshot]))
        )
    }
    carried = dropped = 0
    for old_id, text, start in snapshot:
        candidates = new_by_text.get((kinds.get(old_id, "auto"), text), [])
        count = session.scalar(
            select(func.count()).select_from(Coding).where(Coding.segment_id == old_id)
        )
        if not candidates:
            dropped += count
            continue
        target = min(candidates, key=lambda s: abs(s.start - start))
        for model in (Coding, Memo, ReportItem):
            session.execute(
                update(model).where(model.segment_id == old_id).values(segment_id=target.id)
            )
        carried += count
    return carried, dropped
