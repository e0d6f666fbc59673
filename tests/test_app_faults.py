"""The app on a full disk: the import stops with the one Dutch line, never a traceback."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import analysis.store as store_module
from analysis import Project

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ANSWER = """Interviewer: Wat merken de docenten van de uitwisseling?

Respondent: Ze kijken anders naar hun eigen lessen. Een collega uit de bouw heeft na een week in
Gent zijn hele praktijkopdracht omgegooid.
"""


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_import_on_a_full_disk_says_so_in_dutch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "project.db"
    Project(path).close()
    with sqlite3.connect(path) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    original = store_module._sqlite_pragmas

    def full(connection, record) -> None:
        original(connection, record)
        connection.execute(f"PRAGMA max_page_count={pages}")

    monkeypatch.setattr(store_module, "_sqlite_pragmas", full)
    monkeypatch.setenv("INTERVIEWS_PROJECT", str(path))
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("ui/project_page.py").run()
    assert not at.exception, at.exception
    [uploader] = [w for w in at.get("file_uploader") if w.key == "upload"]
    long_interview = "\n".join([ANSWER] * 400)  # more than the free pages the file has left
    uploader.upload("gent.txt", long_interview.encode("utf-8"), "text/plain")
    at.run()
    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors == [
        f"Schijf vol: {path}. Er is niets half opgeslagen; maak ruimte vrij en probeer opnieuw."
    ]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM transcript").fetchone()[0] == 0
