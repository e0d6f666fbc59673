"""Point review on the crafted fixture: the evaluator says per college whether it makes a point,
and the findings, the draft's prose and its provisional wording follow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from analysis import Project
from analysis.findings import write_prose
from analysis.findings.review import point_key
from analysis.project import ProjectError
from analysis.store import SCHEMA_VERSION, Meta, PointDecision
from tests.findings_support import ingest_fixture

CODER = "Sanne de Wit"
MEASURES = "inclusion.measures"


@pytest.fixture
def project(findings_db: Path, tmp_path: Path):
    path = tmp_path / "review.db"
    shutil.copy(findings_db, path)
    with Project(path) as opened:
        yield opened


def _shorter_trips(project: Project):
    [point] = [p for p in project.findings()[MEASURES].points if "kort" in p.terms]
    return point


def test_a_rejected_college_leaves_the_point_and_its_sentence(project: Project) -> None:
    point = _shorter_trips(project)
    assert "ROC Veluwezoom" in point.colleges
    project.decide_point(MEASURES, point_key(point), "ROC Veluwezoom", "not", CODER)
    after = _shorter_trips(project)
    assert after.colleges == ["Dollard College", "ROC Kempenland"]
    assert after.review == {"ROC Veluwezoom": "not"}
    assert {e.institution for e in after.set_aside} == {"ROC Veluwezoom"}
    sentences = [s for p in write_prose(project.findings()[MEASURES], 6, "seed")
                 for s in p.sentences]
    about = [s for s in sentences if any(e.segment_id in after.segment_ids for e in s.refs)]
    assert about and all("Veluwezoom" not in s.text for s in about)
    assert all(e.institution != "ROC Veluwezoom" for s in about for e in s.refs)
    # The app's list keeps the pair, with its passage, so the decision can be undone.
    pairs = project.point_review("inclusion")
    row = pairs[(pairs.point == point_key(point)) & (pairs.institution == "ROC Veluwezoom")]
    assert row.status.tolist() == ["klopt niet"] and "kortere stages" in row.text.iloc[0]
    assert project.undo_point_decision(MEASURES, point_key(point), "ROC Veluwezoom")
    assert "ROC Veluwezoom" in _shorter_trips(project).colleges
    assert not project.undo_point_decision(MEASURES, point_key(point), "ROC Veluwezoom")


def test_a_confirmed_college_no_longer_reads_as_provisional(tmp_path: Path) -> None:
    """Suggestions alone make provisional points; confirming every college of one makes it a
    reviewed claim, while the other points stay provisional."""
    with Project(tmp_path / "zero.db") as project:
        ingest_fixture(project)
        project.suggest()
        point = next(p for f in project.findings().values() for p in f.points if p.colleges)
        assert point.provisional
        for college in point.colleges:
            project.decide_point(point.code, point_key(point), college, "makes", CODER)
        findings = project.findings()
        [after] = [p for p in findings[point.code].points if point_key(p) == point_key(point)]
        assert not after.provisional and after.reviewed_colleges == point.colleges
        assert any(p.provisional for f in findings.values() for p in f.points)


def test_ask_follows_a_point_decision(project: Project) -> None:
    question = "Welke maatregelen voor inclusie noemen de colleges?"
    before = next(p for p in project.ask(question, use_llm=False).points
                  if "kort" in p.label.lower())
    assert "ROC Veluwezoom" in [*before.reviewed, *before.suggested]
    point = _shorter_trips(project)
    project.decide_point(MEASURES, point_key(point), "ROC Veluwezoom", "not", CODER)
    after = next(p for p in project.ask(question, use_llm=False).points
                 if "kort" in p.label.lower())
    assert "ROC Veluwezoom" not in [*after.reviewed, *after.suggested]


def test_a_new_decision_replaces_the_old_and_bad_ones_are_refused(project: Project) -> None:
    point = _shorter_trips(project)
    key = point_key(point)
    project.decide_point(MEASURES, key, "Dollard College", "not", CODER)
    project.decide_point(MEASURES, key, "Dollard College", "makes", CODER)
    assert "Dollard College" in _shorter_trips(project).colleges
    with project.store.session() as session:
        verdicts = session.scalars(select(PointDecision.verdict)).all()
    assert verdicts == ["makes"]
    with pytest.raises(ProjectError, match="verdict"):
        project.decide_point(MEASURES, key, "Dollard College", "misschien", CODER)
    with pytest.raises(ProjectError, match="coder"):
        project.decide_point(MEASURES, key, "Dollard College", "not", " ")
    with pytest.raises(ProjectError, match="no code"):
        project.decide_point("inclusion.onbekend", key, "Dollard College", "not", CODER)
    # A college the extractor did not name for the point: nothing to take out or confirm.
    project.decide_point(MEASURES, key, "Zuiderzee Vakschool", "makes", CODER)
    assert "Zuiderzee Vakschool" not in _shorter_trips(project).colleges


def test_a_version_5_project_gets_the_point_decision_table(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    with Project(path) as project:
        project.set_setting("coder", CODER)
        with project.store.session() as session:
            session.execute(text("DROP TABLE point_decision"))
            session.execute(
                Meta.__table__.update().where(Meta.key == "schema_version").values(value=5)
            )
    with Project(path) as project, project.store.session() as session:
        assert session.get(Meta, "schema_version").value == SCHEMA_VERSION == 6
        assert session.scalars(select(PointDecision)).all() == []
        assert project.setting("coder") == CODER
