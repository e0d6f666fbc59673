"""The store on SQLite and on a real PostgreSQL server (INTERVIEWS_TEST_DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from analysis import Project, store
from analysis.store import Coding, Meta, Segment, Store, StoreError, Transcript

TRANSCRIPT = """Interviewer: Goedemiddag. Wat betekent internationalisering voor jullie college?

Karin de Boer: Nou, eh, eigenlijk is het voor ons begonnen met stages in Duitsland. Inmiddels gaan
er elk jaar zo'n veertig studenten naar het buitenland, vooral uit de zorgopleidingen.

Interviewer: En de docenten?

Karin de Boer: Die gaan ook steeds vaker mee. Een collega kwam terug uit Valencia en heeft haar
hele lesprogramma omgegooid. Dat had ik niet verwacht, eerlijk gezegd.
"""


@pytest.fixture
def transcript_file(tmp_path: Path) -> Path:
    path = tmp_path / "boer_gesprek.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


def test_new_project_has_schema_version_and_default_codebook(location: str) -> None:
    with Project(location) as project:
        with project.store.session() as session:
            version = session.get(Meta, "schema_version").value
        assert version == store.SCHEMA_VERSION
        keys = project.codebook().keys()
        assert "impact.student" in keys and "phases.4_international" in keys


def test_ingest_stores_verbatim_segments(location: str, transcript_file: Path) -> None:
    with Project(location) as project:
        [result] = project.ingest([transcript_file])
        assert result.status == "imported", result.line()
        with project.store.session() as session:
            transcript = session.scalars(select(Transcript)).one()
            assert transcript.institution  # defaults from the file name
            segments = session.scalars(select(Segment)).all()
            assert segments
            for segment in segments:
                assert segment.text == transcript.text[segment.start : segment.end]
                assert segment.question_turn.role == "interviewer"
        frame = project.segments()
        assert set(frame["speaker"]) == {"Karin de Boer"}
        assert frame["question"].str.contains("docenten").any()


def test_reopening_keeps_data_and_deleting_cascades(location: str, transcript_file: Path) -> None:
    with Project(location) as project:
        project.ingest([transcript_file])
    with Project(location) as project:
        frame = project.transcripts()
        assert len(frame) == 1
        project.delete_transcript(int(frame["id"][0]))
        with project.store.session() as session:
            assert session.scalar(select(func.count()).select_from(Segment)) == 0


def test_codings_follow_renamed_code_key(location: str, transcript_file: Path) -> None:
    with Project(location) as project:
        project.ingest([transcript_file])
        with project.store.session() as session:
            segment_id = session.scalars(select(Segment.id)).first()
            session.add(
                Coding(
                    segment_id=segment_id,
                    code_key="impact.student",
                    coder="anna",
                    origin="manual",
                    status="accepted",
                )
            )
        with project.store.session() as session:
            session.execute(
                text("UPDATE code SET key = 'impact.learners' WHERE key = 'impact.student'")
            )
        with project.store.session() as session:
            assert session.scalars(select(Coding.code_key)).one() == "impact.learners"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store(path).close()
    engine = store.make_engine(path)
    with engine.begin() as connection:
        connection.execute(
            Meta.__table__.update().where(Meta.key == "schema_version").values(value=99)
        )
    engine.dispose()
    with pytest.raises(StoreError, match="newer version"):
        Store(path)


def test_older_schema_is_migrated_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    with Project(path) as project:
        project.set_setting("coder", "anna")
    applied: list[int] = []
    target = store.SCHEMA_VERSION + 1

    target = store.SCHEMA_VERSION + 1

    def add_column(connection) -> None:
        connection.execute(text("ALTER TABLE transcript ADD COLUMN language VARCHAR(5)"))
        applied.append(target)

    monkeypatch.setattr(store, "SCHEMA_VERSION", target)
    monkeypatch.setitem(store.MIGRATIONS, target, add_column)
    with Project(path) as project:
        assert project.setting("coder") == "anna"  # data survived
        with project.store.session() as session:
            assert session.get(Meta, "schema_version").value == target
    assert applied == [target]


def test_a_version_1_project_gets_source_paths_the_model_cache_and_the_mention_tables(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.db"
    with Project(path) as project:
        project.set_setting("coder", "anna")
        with project.store.session() as session:
            session.execute(text("DROP TABLE llm_response"))
            session.execute(text("DROP TABLE mention"))
            session.execute(text("DROP TABLE identifier"))
            session.execute(text("DROP INDEX ix_transcript_source_path"))
            session.execute(text("ALTER TABLE transcript DROP COLUMN source_path"))
            session.execute(text("ALTER TABLE transcript DROP COLUMN names_scanned_at"))
            session.execute(
                Meta.__table__.update().where(Meta.key == "schema_version").values(value=1)
            )
    with Project(path) as project:
        assert project.setting("coder") == "anna"
        with project.store.session() as session:
            assert session.get(Meta, "schema_version").value == store.SCHEMA_VERSION
            assert session.execute(text("SELECT count(*) FROM llm_response")).scalar() == 0
            assert session.execute(text("SELECT count(source_path) FROM transcript")).scalar() == 0
            assert session.scalars(select(store.Mention)).all() == []


def test_a_version_4_project_keeps_the_name_scans_it_made(
    tmp_path: Path, transcript_file: Path
) -> None:
    """Version 5: a transcript deduce read before keeps that scan; the others start unscanned."""
    other = tmp_path / "jansen_gesprek.txt"
    other.write_text(TRANSCRIPT.replace("Karin de Boer", "Pieter Jansen"), encoding="utf-8")
    path = tmp_path / "v4.db"
    with Project(path) as project:
        project.ingest([transcript_file, other])
        with project.store.session() as session:
            boer, jansen = session.scalars(select(Transcript).order_by(Transcript.id)).all()
            colleague = store.Identifier(kind="person", name="Valencia", source="detected")
            session.add(colleague)
            session.flush()
            start = boer.text.index("Valencia")
            session.add(
                store.Mention(
                    transcript_id=boer.id, identifier_id=colleague.id, start=start,
                    end=start + 8, text="Valencia", kind="person", confidence=0.7,
                    detector="deduce",
                )
            )
            session.execute(text("ALTER TABLE transcript DROP COLUMN names_scanned_at"))
            session.execute(
                Meta.__table__.update().where(Meta.key == "schema_version").values(value=4)
            )
    with Project(path) as project, project.store.session() as session:
        assert session.get(Meta, "schema_version").value == store.SCHEMA_VERSION
        scanned = dict(session.execute(select(Transcript.name, Transcript.names_scanned_at)).all())
    assert scanned[boer.name] is not None and scanned[jansen.name] is None


def test_two_connections_write_to_one_sqlite_file(tmp_path: Path, transcript_file: Path) -> None:
    """Two browser tabs are two sessions on one file: both decisions must be kept."""
    path = tmp_path / "shared.db"
    first, second = Project(path), Project(path)
    first.ingest([transcript_file])
    with first.store.session() as session:
        segment_id = session.scalars(select(Segment.id)).first()
    with first.store.session() as tab_a:
        tab_a.add(
            Coding(
                segment_id=segment_id,
                code_key="impact",
                coder="anna",
                origin="manual",
                status="accepted",
            )
        )
        with second.store.session() as tab_b:  # a second writer waits, it does not fail
            tab_b.add(
                Coding(
                    segment_id=segment_id,
                    code_key="inclusion",
                    coder="bram",
                    origin="manual",
                    status="accepted",
                )
            )
    with first.store.session() as session:
        assert sorted(session.scalars(select(Coding.coder))) == ["anna", "bram"]
    first.close()
    second.close()


def test_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot open project database"):
        Store("postgresql+psycopg://nobody:wrong@127.0.0.1:1/none")
