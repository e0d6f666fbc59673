"""Shared fixtures: the sample corpus imported once per test session, copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import Project

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
    failed = [r.line() for r in results if r.failed]
    assert not failed, failed
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
