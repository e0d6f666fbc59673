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

from analysis.faults import ResourceError
from analysis.ingest import (
    HINTS,
    SUPPORTED_SUFFIXES,
    IngestError,
    ParsedTranscript,
    load_folder_metadata,
    read_regular,
    read_transcript,
)
from analysis.ingest.doc import NO_CONVERTER as NO_DOC_CONVERTER
from analysis.ingest.doc import converters as doc_converters
from analysis.ingest.files import kind_of
from analysis.store import Coding, Memo, ReportItem, Segment, SpeakerRole, Store, Transcript, Turn

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Files that live beside transcripts in a folder but are not transcripts themselves: never
# imported and never reported (besides hidden files, Word's "~$" lock files and sidecars).
_FOLDER_SKIP = {"metadata.csv", "thumbs.db", "desktop.ini"}
_FOLDER_SKIP_STEMS = {"readme"}
_SIDECAR_SUFFIXES = (".yaml", ".yml")
# A project database kept beside the transcripts (the default), with SQLite's companion files.
_DATABASE_ENDINGS = (".db", ".sqlite", ".sqlite3", "-wal", "-shm", "-journal")


@dataclass
class IngestResult:
    """What happened to one input file, in one line an evaluator can read."""

    path: Path
    status: str  # imported, replaced, unchanged, failed, skipped
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


def scan_paths(paths: Iterable[Path | str]) -> list[tuple[Path, str | None]]:
    """Every file to account for, in order: (path, None) to import, (path, why) to skip.

    Folders give their files sorted by name; a file in a folder that is not a transcript is
    skipped with a reason (".pages is not read; ..."), so that nothing vanishes from
    the summary. Hidden files, Word's ``~$`` lock files, ``metadata.csv``, a transcript's
    sidecar ``.yaml``, a README, a project database and sub-folders are not reported. An
    explicitly named file is always tried, so that it gets its own error line.
    """
    entries: list[tuple[Path, str | None]] = []
    for item in map(Path, paths):
        if item.is_dir():
            entries.extend(_folder_entries(item))
        else:
            entries.append((item, None))
    return entries


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """The files ``scan_paths`` would import (not the skipped ones)."""
    return [path for path, reason in scan_paths(paths) if reason is None]


def _folder_entries(folder: Path) -> Iterable[tuple[Path, str | None]]:
    children = sorted(folder.iterdir())
    transcripts = {c.stem for c in children if c.suffix.lower() in SUPPORTED_SUFFIXES}
    for child in children:
        name = child.name
        if (
            name.startswith((".", "~$"))
            or name.lower() in _FOLDER_SKIP
            or name.lower().endswith(_DATABASE_ENDINGS)
            or child.stem.lower() in _FOLDER_SKIP_STEMS
            or (child.is_dir() and child.suffix.lower() not in SUPPORTED_SUFFIXES)
            or (child.suffix.lower() in _SIDECAR_SUFFIXES and child.stem in transcripts)
        ):
            continue
        yield child, skip_reason(child)


def skip_reason(path: Path) -> str | None:
    """Why a file found in a folder is not imported, or None when it is a transcript to read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        try:
            kind = kind_of(path.stat().st_mode)
        except OSError:
            kind = "not readable"
        return f"is {kind}, not a transcript file; not read"
    if suffix == ".doc" and not doc_converters():
        return NO_DOC_CONVERTER
    if suffix in SUPPORTED_SUFFIXES:
        return None
    if suffix in _SIDECAR_SUFFIXES:
        return f"metadata for a transcript {path.stem}.* that is not in the folder"
    shown = suffix if suffix else "a file without an extension"
    advice = HINTS.get(suffix, "").strip(" ()") or f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
    return f"{shown} is not read; {advice}"


def ingest_files(
    store: Store,
    paths: Iterable[Path | str],
    *,
    replace: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[Path], None] | None = None,
    uploaded: bool = False,
) -> list[IngestResult]:
    """Import every file; one result per file, in order. Never raises for a bad file.

    ``uploaded`` files (saved by the app in a temporary folder) are known by their name alone:
    a stored transcript of that name is their earlier version when it is the only one.
    """
    results: list[IngestResult] = []
    folder_metadata: dict[Path, dict[str, dict]] = {}
    for path, skipped in scan_paths(paths):
        if skipped:
            results.append(IngestResult(path, "skipped", skipped))
            continue
        identity = path.name if uploaded else source_identity(path)
        if progress:
            progress(path)
        try:
            folder = path.parent.resolve()
            if folder not in folder_metadata:
                folder_metadata[folder] = load_folder_metadata(folder)
            results.append(
                _ingest_one(
                    store,
                    path,
                    identity,
                    folder_metadata[folder],
                    replace=replace,
                    max_bytes=max_bytes,
                )
            )
        except IngestError as error:
            results.append(IngestResult(path, "failed", error.reason))
        except OSError as error:
            results.append(IngestResult(path, "failed", f"cannot read the file ({error.strerror})"))
        except ResourceError:  # the project database itself (disk full, locked): stop the batch
            raise
        except Exception as error:  # one file's surprise must not stop the batch
            results.append(IngestResult(path, "failed", _unexpected(error)))
    return results


def _unexpected(error: Exception) -> str:
    """One line for an error no check foresaw: what kind, and the first line of its message."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    detail = f": {reason[0][:200]}" if reason else ""
    return f"not imported, unexpected error ({type(error).__name__}{detail}); nothing was stored"


def source_identity(path: Path) -> str:
    """``folder/name`` of a file (POSIX separators), the folder being the one that holds it."""
    folder = path.absolute().parent.name
    return f"{folder}/{path.name}" if folder else path.name


def _sha256(path: Path, max_bytes: int) -> str:
    return hashlib.sha256(read_regular(path, max_bytes)).hexdigest()


def _ingest_one(
    store: Store,
    path: Path,
    identity: str,
    folder_metadata: dict[str, dict],
    *,
    replace: bool,
    max_bytes: int,
) -> IngestResult:
    digest = _sha256(path, max_bytes)
    with store.session() as session:
        existing = _same_identity(session, path, identity)
        if existing is not None and existing.sha256 == digest:
            return IngestResult(path, "unchanged", "unchanged, already imported", existing.id)
        if existing is None:
            twin = session.scalars(select(Transcript).where(Transcript.sha256 == digest)).first()
            if twin is not None:
                return IngestResult(
                    path,
                    "unchanged",
                    f"same content as {_described(twin)}, not imported again",
                    twin.id,
                )
        if existing is not None and not replace:
            raise IngestError(
                path,
                f"a different version of {_described(existing)} is already imported; "
                "use --replace to replace it",
            )

    parsed = read_transcript(path, max_bytes=max_bytes, folder_metadata=folder_metadata)
    _fit_for_store(parsed)
    with store.session() as session:
        old = None
        name = path.name
        if existing is not None:
            old = session.get(Transcript, existing.id)
            name = old.source_name
            identity = old.source_path or identity  # a new version keeps its identity
            old.source_name = f"{old.source_name} (replaced #{old.id})"  # frees the unique name
            session.flush()
        elif _name_taken(session, name):
            name = identity  # the same base name from another folder: shown with its folder
        transcript, segments = _add_transcript(session, path, name, identity, digest, parsed)
        carried, dropped = (0, 0)
        if old is not None:
            _copy_role_corrections(session, old, transcript)
            carried, dropped = _carry_over(session, old, transcript)
            session.delete(old)
        words = len(parsed.text.split())
        message = f"{len(parsed.turns)} turns, {segments} segments, {words} words"
        if old is not None:
            message += (
                f"; replaced the old version of {identity} ({old.institution}; "
                f"{carried} codings carried over"
            )
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


# Lengths of the store's short text columns. SQLite ignores them and PostgreSQL refuses a longer
# value (aborting the import), so both get the same clipped value and a warning instead.
_COLUMN_CHARS = {"institution": 300, "interviewer": 300, "sector": 300, "region": 300}
_SPEAKER_CHARS = 300
_DATE_CHARS = 10


def _fit_for_store(parsed: ParsedTranscript) -> None:
    """Make metadata and speaker labels storable alike on SQLite and PostgreSQL (see above)."""
    meta = parsed.metadata
    for key, limit in _COLUMN_CHARS.items():
        value = meta.get(key)
        if isinstance(value, str) and len(value) > limit:
            meta[key] = value[:limit]
            parsed.warnings.append(f"{key} is longer than {limit} characters; shortened")
    date = meta.get("date")
    if date is not None and len(str(date)) > _DATE_CHARS:
        meta["date_text"] = meta.pop("date")  # kept, but not as a date (it is none)
    for turn in parsed.turns:
        if len(turn.speaker) > _SPEAKER_CHARS:
            turn.speaker = turn.speaker[:_SPEAKER_CHARS]
            if "a speaker label is longer" not in " ".join(parsed.warnings):
                parsed.warnings.append(
                    f"a speaker label is longer than {_SPEAKER_CHARS} characters; shortened"
                )


def _same_identity(session: Session, path: Path, identity: str) -> Transcript | None:
    """The stored transcript this file is a version of: same relative path, or (for projects
    made before paths were stored, whose path is just the base name) the same base name."""
    found = session.scalars(select(Transcript).where(Transcript.source_path == identity)).first()
    if found is None:
        found = session.scalars(
            select(Transcript).where(Transcript.source_path == path.name)
        ).first()
    if found is None and identity == path.name:  # an upload: the one of that name, if one
        named = session.scalars(
            select(Transcript).where(
                Transcript.source_path.endswith(f"/{path.name}", autoescape=True)
            )
        ).all()
        if len(named) > 1:
            raise IngestError(
                path,
                f"{len(named)} imported transcripts have this name ("
                + ", ".join(_described(t) for t in named)
                + "); import it from its folder to say which one it is",
            )
        found = named[0] if named else None
    return found


def _name_taken(session: Session, name: str) -> bool:
    return bool(
        session.scalar(select(func.count()).select_from(Transcript).where(
            Transcript.source_name == name
        ))
    )


def _described(transcript: Transcript) -> str:
    """A stored transcript as the user knows it: its file with folder, and its college."""
    return f"{transcript.source_path or transcript.source_name} ({transcript.institution})"


def _add_transcript(
    session: Session,
    path: Path,
    name: str,
    identity: str,
    digest: str,
    parsed: ParsedTranscript,
) -> tuple[Transcript, int]:
    """Store the transcript, its turns and its segments; returns it with its segment count."""
    meta = dict(parsed.metadata)
    known = {"institution", "date", "interviewer", "sector", "region", "respondents", "roles"}
    transcript = Transcript(
        name=path.stem,
        source_name=name,
        source_path=identity,
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
