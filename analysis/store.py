"""The project database: every table in one place, plus explicit, versioned migrations.

A project is one database. By default that is a SQLite file (WAL journal, foreign keys on) that
an evaluator keeps next to the transcripts; any SQLAlchemy URL works, and PostgreSQL is the
choice for a team sharing one database. The store knows nothing of file formats, spaCy or
Streamlit: readers produce ``ParsedTranscript`` objects and ``analysis.corpus`` turns them into
rows here.

Schema changes go through ``MIGRATIONS``: each entry upgrades a database from version ``n - 1``
to ``n`` inside one transaction, so a project file made by an older release opens without losing
data. (We keep migrations as plain functions rather than Alembic scripts because a project is a
single self-contained file that upgrades itself on open, with no migration environment around.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

from analysis.faults import from_database_error

SCHEMA_VERSION = 6
IN_CHUNK = 500  # ids per IN (...) query, well under every database's parameter limit


def id_chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` in slices of ``IN_CHUNK``, one ``IN (...)`` query each."""
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start : start + IN_CHUNK]


def utcnow() -> datetime:
    """Timestamps are stored in UTC so that coders in one shared database agree on order."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Key/value facts about the database itself (schema version, project settings)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class Transcript(Base):
    """One interview as imported from one source file.

    ``text`` is the normalised full text; every turn and segment offset points into it.
    College metadata that the app filters on has its own columns; anything else goes to ``extra``.
    """

    __tablename__ = "transcript"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    source_name: Mapped[str] = mapped_column(String(300), unique=True)
    # Identity of an ingested file: its path relative to the import root ("a/gesprek.txt"), so that
    # same-named files of two colleges are two transcripts; just the name for an upload, a text
    # from a .qdpx archive and a transcript stored before version 2 (see analysis.corpus).
    source_path: Mapped[str | None] = mapped_column(String(1000), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    institution: Mapped[str] = mapped_column(String(300), index=True)
    date: Mapped[str | None] = mapped_column(String(10))
    interviewer: Mapped[str | None] = mapped_column(String(300))
    sector: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(300))
    respondents: Mapped[list] = mapped_column(JSON, default=list)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When the names detector (analysis.names) last read ``text``; None: not yet, so the first
    # pseudonymised use detects first (a re-import is a new row, so it starts at None).
    names_scanned_at: Mapped[datetime | None] = mapped_column(DateTime)

    turns: Mapped[list[Turn]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Turn.index"
    )
    segments: Mapped[list[Segment]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", order_by="Segment.start"
    )


class Turn(Base):
    """One speaker's uninterrupted speech; offsets point at the speech, not the label."""

    __tablename__ = "turn"
    __table_args__ = (UniqueConstraint("transcript_id", "index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    media_start: Mapped[float | None] = mapped_column(Float)
    media_end: Mapped[float | None] = mapped_column(Float)

    transcript: Mapped[Transcript] = relationship(back_populates="turns")


class SpeakerRole(Base):
    """An evaluator's correction of a speaker's role; it survives re-segmentation and re-import."""

    __tablename__ = "speaker_role"
    __table_args__ = (UniqueConstraint("transcript_id", "speaker"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    speaker: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    changed_by: Mapped[str | None] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Segment(Base):
    """A quotable unit of respondent speech. ``text == transcript.text[start:end]`` always.

    ``question_turn_id`` links the interviewer turn the segment answers. ``lemmas`` holds the
    content-word lemmas (space-joined) so coders, topic models and search need not re-run spaCy.
    """

    __tablename__ = "segment"
    __table_args__ = (Index("ix_segment_transcript_start", "transcript_id", "start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    turn_id: Mapped[int] = mapped_column(ForeignKey("turn.id", ondelete="CASCADE"), index=True)
    question_turn_id: Mapped[int | None] = mapped_column(ForeignKey("turn.id", ondelete="SET NULL"))
    index: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    lemmas: Mapped[str] = mapped_column(Text, default="")
    codable: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[str] = mapped_column(String(10), default="auto")  # "auto" or "span" (hand-cut)

    transcript: Mapped[Transcript] = relationship(back_populates="segments")
    turn: Mapped[Turn] = relationship(foreign_keys=[turn_id])
    question_turn: Mapped[Turn | None] = relationship(foreign_keys=[question_turn_id])


class Code(Base):
    """The project's own copy of a codebook entry (the shipped YAML is only the starting point)."""

    __tablename__ = "code"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    parent_key: Mapped[str | None] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text, default="")
    when_to_use: Mapped[str] = mapped_column(Text, default="")
    when_not_to_use: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[list] = mapped_column(JSON, default=list)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    phrases: Mapped[list] = mapped_column(JSON, default=list)
    colour: Mapped[str] = mapped_column(String(7), default="#888888")
    threshold: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Coding(Base):
    """One decision about (segment, code) by one coder. Rows are never updated in place.

    A new decision (accept, reject, remove, re-code) is a new row that points at the row it
    replaces through ``replaces_id``; the current state of (segment, code, coder) is its newest
    row. Suggestions have ``coder == "auto"`` and ``status == "suggested"``.
    """

    __tablename__ = "coding"
    __table_args__ = (Index("ix_coding_segment_code_coder", "segment_id", "code_key", "coder"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True
    )
    code_key: Mapped[str] = mapped_column(
        ForeignKey("code.key", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    coder: Mapped[str] = mapped_column(String(100))
    # manual, rule, similarity, learned, imported, topic (a topic turned into a code)
    origin: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # suggested, accepted, rejected, removed
    confidence: Mapped[float | None] = mapped_column(Float)
    rationale: Mapped[dict] = mapped_column(JSON, default=dict)
    memo: Mapped[str | None] = mapped_column(Text)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("coding.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Memo(Base):
    """A note attached to a transcript, a segment or a code (at least one of them)."""

    __tablename__ = "memo"
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True
    )
    code_key: Mapped[str | None] = mapped_column(
        ForeignKey("code.key", ondelete="CASCADE", onupdate="CASCADE")
    )
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Embedding(Base):
    """A cached embedding of a segment's text under one model, shared by topics, coding, search."""

    __tablename__ = "embedding"
    __table_args__ = (UniqueConstraint("segment_id", "model"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True
    )
    model: Mapped[str] = mapped_column(String(300))
    text_sha256: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little endian


class TopicRun(Base):
    """One topic-model run with its parameters, so results can be compared and reproduced."""

    __tablename__ = "topic_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    topics: Mapped[list[Topic]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="Topic.topic_index"
    )


class Topic(Base):
    """A topic of a run. ``label`` is the evaluator's name for it when renamed."""

    __tablename__ = "topic"
    __table_args__ = (UniqueConstraint("run_id", "topic_index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("topic_run.id", ondelete="CASCADE"), index=True)
    topic_index: Mapped[int] = mapped_column(Integer)  # -1 is BERTopic's outlier topic
    label: Mapped[str] = mapped_column(String(300))
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    representative_segment_ids: Mapped[list] = mapped_column(JSON, default=list)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"))

    run: Mapped[TopicRun] = relationship(back_populates="topics")


class SegmentTopic(Base):
    """Which topic of a run a segment belongs to, with BERTopic's probability."""

    __tablename__ = "segment_topic"
    __table_args__ = (UniqueConstraint("run_id", "segment_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("topic_run.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    probability: Mapped[float | None] = mapped_column(Float)


class PhaseJudgement(Base):
    """The evaluator's judgement of a college's development phase; it always wins over estimates.

    Judgements are appended, never updated: the newest row per institution is in force.
    """

    __tablename__ = "phase_judgement"
    id: Mapped[int] = mapped_column(primary_key=True)
    institution: Mapped[str] = mapped_column(String(300), index=True)
    phase: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    assessor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReportItem(Base):
    """An evaluator's choice for the report: a quote or example box in a chapter, or a text."""

    __tablename__ = "report_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    chapter: Mapped[str] = mapped_column(String(200), index=True)  # a code key, "phases", ...
    kind: Mapped[str] = mapped_column(String(20))  # "quote", "box", "intro", "basket"
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="CASCADE"))
    institution: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Pseudonym(Base):
    """A stable pseudonym for a name (college, respondent, interviewer) used in exports."""

    __tablename__ = "pseudonym"
    __table_args__ = (UniqueConstraint("kind", "original"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # institution, respondent, interviewer
    original: Mapped[str] = mapped_column(String(300))
    pseudonym: Mapped[str] = mapped_column(String(100))


def _add_source_path(connection: Connection) -> None:
    """Version 2: transcripts get ``source_path``; old ones only knew their base name, which
    becomes their path (re-importing them from a folder matches it, see ``analysis.corpus``)."""
    connection.execute(sql_text("ALTER TABLE transcript ADD COLUMN source_path VARCHAR(1000)"))
    connection.execute(sql_text("UPDATE transcript SET source_path = source_name"))
    connection.execute(
        sql_text("CREATE INDEX IF NOT EXISTS ix_transcript_source_path ON transcript (source_path)")
    )


class LLMResponse(Base):
    """A language model's reply, keyed by the hash of model, prompt and input (``analysis.llm``).

    Kept in the project so that a re-run asks the model nothing and gives the same result: a
    local model is slow, and its answers vary with the server's sampling and version.
    """

    __tablename__ = "llm_response"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex
    model: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def add_llm_response_table(connection: Connection) -> None:
    """Version 3: the language-model reply cache (``LLMResponse``)."""
    LLMResponse.__table__.create(connection, checkfirst=True)


class Identifier(Base):
    """One person, e-mail address, phone number, address or place that transcripts mention, with
    the evaluator's decision: ``status`` suggested, confirmed or ignored, and the ``replacement``
    every pseudonymised output writes for it ("[collega]"), so one person is one replacement.
    ``source`` says where it came from: metadata (a respondent or interviewer, whose pseudonym is
    in ``pseudonym``), detected (the de-identification library) or added (by the evaluator)."""

    __tablename__ = "identifier"
    __table_args__ = (UniqueConstraint("kind", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # person, email, phone, address, place, ...
    name: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(20))  # metadata, detected, added
    status: Mapped[str] = mapped_column(String(20), default="suggested")
    replacement: Mapped[str | None] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)


class Mention(Base):
    """Where a transcript mentions an identifier: offsets into ``Transcript.text``."""

    __tablename__ = "mention"
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(
        ForeignKey("transcript.id", ondelete="CASCADE"), index=True
    )
    identifier_id: Mapped[int] = mapped_column(
        ForeignKey("identifier.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    detector: Mapped[str] = mapped_column(String(20))  # metadata, deduce, list
    status: Mapped[str] = mapped_column(String(20), default="suggested")


class PointDecision(Base):
    """An evaluator's word on one finding: does ``institution`` make the point ``point`` of the
    sub-theme ``code``? ``verdict`` is "makes" or "not"; one row per (code, point, college), a new
    decision replaces the old one and an undo deletes it. ``point`` is the point's stable key
    (``analysis.findings.review.point_key``: its source and label). The draft follows these
    decisions, and the findings' judge learns from them which other colleges to keep."""

    __tablename__ = "point_decision"
    __table_args__ = (UniqueConstraint("code", "point", "institution"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100))
    point: Mapped[str] = mapped_column(String(300))
    institution: Mapped[str] = mapped_column(String(300))
    verdict: Mapped[str] = mapped_column(String(10))  # makes, not
    coder: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def _add_identifier_tables(connection: Connection) -> None:
    """Version 4: identifying mentions inside the transcript text and their review (issue 15)."""
    Base.metadata.create_all(
        connection, tables=[Identifier.__table__, Mention.__table__], checkfirst=True
    )


def _add_names_scanned_at(connection: Connection) -> None:
    """Version 5: ``transcript.names_scanned_at`` (names are detected on first pseudonymised use,
    issue 14). A transcript with a mention from the deduce library was read by it before; any
    other starts unscanned and is read again on first use (at worst some seconds; never a name
    left in an output). Like the other steps it checks first: a database whose version was set
    back (or that a newer build created) may already have the column."""
    columns = {column["name"] for column in inspect(connection).get_columns("transcript")}
    if "names_scanned_at" in columns:
        return
    connection.execute(sql_text("ALTER TABLE transcript ADD COLUMN names_scanned_at DATETIME"))
    connection.execute(
        sql_text(
            "UPDATE transcript SET names_scanned_at = imported_at WHERE id IN "
            "(SELECT transcript_id FROM mention WHERE detector = 'deduce')"
        )
    )


def _add_point_decisions(connection: Connection) -> None:
    """Version 6: ``point_decision``, the evaluator's review of which colleges make a finding's
    point (issue 13). Creating the table checks first, like the other steps."""
    PointDecision.__table__.create(connection, checkfirst=True)


# Upgrades from version n-1 to n, each run in the transaction that bumps the version.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _add_source_path,
    3: add_llm_response_table,
    4: _add_identifier_tables,
    5: _add_names_scanned_at,
    6: _add_point_decisions,
}


class StoreError(Exception):
    """A problem opening the project database, in words an evaluator can act on."""


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def database_url(location: str | Path) -> str:
    """A SQLAlchemy URL for a path to a project file or an URL given as is."""
    text = str(location)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL still never corrupts the file; only the last commits before a power cut may
    # be lost. FULL made every small coding decision wait for the disk.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # While another writer holds the lock SQLite retries with growing pauses (its busy handler)
    # for this long; after that the write fails as "database is locked" (a ResourceError).
    cursor.execute(f"PRAGMA busy_timeout={lock_timeout_ms()}")
    cursor.close()


LOCK_TIMEOUT_ENV = "INTERVIEWS_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 30.0  # seconds; a long `interviews code` run holds the lock this long


def lock_timeout_ms() -> int:
    """How long a write waits for another writer's lock: ``INTERVIEWS_LOCK_TIMEOUT`` seconds."""
    try:
        seconds = float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        seconds = DEFAULT_LOCK_TIMEOUT
    return max(0, int(seconds * 1000))


def make_engine(location: str | Path) -> Engine:
    """An engine for the project; SQLite gets WAL, foreign keys and a busy timeout."""
    url = database_url(location)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def schema_version(connection: Connection) -> int | None:
    """The stored schema version, or None for an empty database."""
    if not inspect(connection).has_table("meta"):
        return None
    row = connection.execute(select(Meta.value).where(Meta.key == "schema_version")).first()
    return int(row[0]) if row else None


def initialise(engine: Engine) -> None:
    """Create the schema in an empty database, or migrate an older one to ``SCHEMA_VERSION``."""
    with engine.begin() as connection:
        version = schema_version(connection)
        if version is None:
            Base.metadata.create_all(connection)
            connection.execute(
                Meta.__table__.insert().values(key="schema_version", value=SCHEMA_VERSION)
            )
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the project was made by a newer version (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); update the software"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](connection)
        if version < SCHEMA_VERSION:
            connection.execute(
                Meta.__table__.update()
                .where(Meta.key == "schema_version")
                .values(value=SCHEMA_VERSION)
            )


class Store:
    """An engine plus a session factory; one short session per unit of work.

    Sessions are never shared between threads (Streamlit runs each browser tab's script in its
    own thread), so ``session()`` opens a new one every time.
    """

    def __init__(self, location: str | Path) -> None:
        self.url = database_url(location)
        self.location = _safe(str(location))  # what messages name: the path or URL as given
        try:
            self.engine = make_engine(location)
            initialise(self.engine)
        except StoreError:
            raise
        except Exception as error:  # the driver's own message is the useful part
            fault = from_database_error(error, self.location)
            if fault is not None:
                raise fault from error
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise StoreError(f"cannot open project database {_safe(self.url)}: {reason}") from error
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any exception."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except DBAPIError as error:
            # A full disk, a read-only file or a lock held too long: one line naming the file.
            fault = from_database_error(error, self.location)
            if fault is None:
                raise
            raise fault from error

    def close(self) -> None:
        self.engine.dispose()
