"""The report page's review queue: reviewing the chapter's evidence changes the draft."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis import Project

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CODER = "Sanne de Wit"


@pytest.fixture
def suggested_db(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    path = tmp_path / "review.db"
    shutil.copy(sample_db, path)
    with Project(path) as project:
        project.suggest()
    monkeypatch.setenv("INTERVIEWS_PROJECT", str(path))
    monkeypatch.setenv("INTERVIEWS_CODER", CODER)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


def _provisional(project: Project, chapter: str) -> list[str]:
    [found] = [c for c in project.build_draft().themes if c.key == chapter]
    return [s.text for s in found.sentences() if s.provisional]


def test_reviewing_the_chapters_evidence_changes_the_draft(suggested_db: Path) -> None:
    with Project(suggested_db) as project:
        queue = project.chapter_evidence("inclusion")
        before = _provisional(project, "inclusion")
    assert not queue.empty and set(queue["status"]) == {"niet beoordeeld"}
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page("ui/report.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="report_chapter").select("inclusion").run()
    assert any("Bewijs van dit hoofdstuk beoordelen" in m.value for m in at.markdown)
    first = queue.iloc[0]
    at.button(key=f"report_evidence_accept_{first.segment_id}_{first.code}").click().run()
    assert not at.exception, at.exception
    with Project(suggested_db) as project:
        after_queue = project.chapter_evidence("inclusion")
        after = _provisional(project, "inclusion")
    status = after_queue.set_index(["segment_id", "code"]).loc[
        (first.segment_id, first.code), "status"]
    assert status == "geaccepteerd"
    assert after != before  # a claim now rests on a reviewed passage
    assert len(after) < len(before)


def test_a_proposed_example_box_is_marked_and_can_be_taken_over(suggested_db: Path) -> None:
    with Project(suggested_db) as project:
        themes = project.build_draft().themes
    proposals = {c.key: [b for b in c.boxes if b.proposed] for c in themes}
    chapter = next(key for key, boxes in proposals.items() if boxes)
    [box] = proposals[chapter]
    assert box.quote is not None and box.institution in box.title
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page("ui/report.py").run()
    at.selectbox(key="report_chapter").select(chapter).run()
    at.button(key=f"report_box_adopt_{chapter}_0").click().run()
    assert not at.exception, at.exception
    with Project(suggested_db) as project:
        items = project.report_items(chapter)
        [taken] = [b for c in project.build_draft().themes if c.key == chapter for b in c.boxes]
    assert list(items["kind"]) == ["box"] and items.iloc[0]["institution"] == box.institution
    assert not taken.proposed and taken.title == box.title


def test_saying_a_college_does_not_make_a_point_changes_the_draft(suggested_db: Path) -> None:
    with Project(suggested_db) as project:
        pairs = project.point_review("inclusion")
        before = [s.text for c in project.build_draft().themes if c.key == "inclusion"
                  for s in c.sentences()]
    assert not pairs.empty and set(pairs["status"]) == {"niet beoordeeld"}
    first = pairs.iloc[0]
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page("ui/report.py").run()
    at.selectbox(key="report_chapter").select("inclusion").run()
    assert any("Bevindingen per instelling beoordelen" in m.value for m in at.markdown)
    at.button(key=f"report_point_not_{first.code}_{first.point}_{first.institution}").click().run()
    assert not at.exception, at.exception
    with Project(suggested_db) as project:
        [point] = [p for p in project.findings()[first.code].points
                   if f"{p.source}:{p.label}" == first.point] or [None]
        after = [s.text for c in project.build_draft().themes if c.key == "inclusion"
                 for s in c.sentences()]
        status = project.point_review("inclusion").set_index(["point", "institution"]).loc[
            (first.point, first.institution), "status"]
    assert point is None or first.institution not in point.colleges
    assert status == "klopt niet"
    assert after != before
