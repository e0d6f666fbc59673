"""Shared fixtures: the sample corpus imported once per test session, copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import Project, store
from analysis.store import Base

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "transcripts"
DATA_DIR = Path(__file__).resolve().parent / "data"

# The app warms the topic model up in a background thread after start; in the tests' process
# (AppTest) and the browser test's server that thread would only compete with the tests.
os.environ["INTERVIEWS_NO_WARM_UP"] = "1"


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite project with the whole sample corpus imported (built once per session)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with Project(path) as project:
        results = project.ingest([SAMPLE_DIR])
        # Names are detected on first pseudonymised use (issue 14); detected once here, so that
        # each test's copy does not read the corpus again (tests/test_names.py covers first use).
        project.detect_names()
    failed = [r.line() for r in results if r.failed]
    assert not failed, failed
    return path


@pytest.fixture(scope="session")
def findings_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The findings fixture (tests/data/findings) imported and coded as its gold says, once per
    session; open a copy to change it."""
    from tests.findings_support import code_as_gold, ingest_fixture

    path = tmp_path_factory.mktemp("findings") / "fixture.db"
    with Project(path) as project:
        ingest_fixture(project)
        code_as_gold(project)
    return path


@pytest.fixture
def sample_project(sample_db: Path, tmp_path: Path) -> Iterator[Project]:
    """A private copy of the sample project that a test may change freely."""
    path = tmp_path / "project.db"
    shutil.copy(sample_db, path)
    with Project(path) as project:
        yield project


@pytest.fixture
def empty_project(tmp_path: Path) -> Iterator[Project]:
    """A new project with only the default codebook."""
    with Project(tmp_path / "empty.db") as project:
        yield project


def postgres_url() -> str:
    """The test server of .ci/run; outside CI without one, the PostgreSQL case is skipped."""
    url = os.environ.get("INTERVIEWS_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide INTERVIEWS_TEST_DATABASE_URL (see .ci/run)")
        pytest.skip(
            "no PostgreSQL server configured (set INTERVIEWS_TEST_DATABASE_URL; .ci/run does)"
        )
    return url


def clean_postgres(url: str) -> None:
    """Drop every table, so each PostgreSQL case starts from an empty database."""
    engine = store.make_engine(url)
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A project location on SQLite and on PostgreSQL, for tests that must hold on both."""
    if request.param == "sqlite":
        yield str(tmp_path / "project.db")
        return
    url = postgres_url()
    clean_postgres(url)
    yield url
    clean_postgres(url)
