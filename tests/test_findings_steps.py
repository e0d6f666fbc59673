"""The phases chapter's steps to a next phase, and the title page, on the crafted steps fixture
(tests/data/steps: four interviews whose steps were written down in expected.yaml before the
code that finds them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn

from analysis import Project
from analysis.findings.steps import describes_change
from analysis.report.build import fieldwork_text
from analysis.report.docx_writer import STEPS_HEADING

FIXTURE = Path(__file__).resolve().parent / "data" / "steps"
EXPECTED = yaml.safe_load((FIXTURE / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def steps_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The fixture imported (no suggestions) and coded by a person as expected.yaml says."""
    path = tmp_path_factory.mktemp("steps") / "steps.db"
    with Project(path) as project:
        failed = [r.line() for r in project.ingest([FIXTURE]) if r.failed]
        assert not failed, failed
        segments = project.segments()
        for coding in EXPECTED["codings"]:
            rows = segments[segments.source == coding["file"]]
            hit = rows[rows.text.str.contains(coding["fragment"], regex=False)]
            assert len(hit), coding
            for segment_id in rows[rows.turn_index == hit.iloc[0].turn_index].segment_id:
                project.apply_code(int(segment_id), coding["code"], "Noor")
        yield project


def test_steps_are_found_with_their_colleges(steps_project: Project) -> None:
    steps = steps_project.phase_steps()
    found = {p.code.rsplit(".", 1)[-1]: p for p in steps.points}
    for expected in EXPECTED["steps"]:
        point = found.get(expected["kind"])
        assert point is not None, expected
        assert point.colleges == sorted(expected["colleges"], key=str.casefold), expected
        assert not set(expected.get("not", [])) & set(point.colleges), expected
    assert {k for k, p in found.items() if p.provisional} == set(EXPECTED["provisional"])
    per_college = steps.per_college()
    assert [kind for kind, _ in per_college["ROC Duinstreek"]] == ["curriculum", "quality"]
    assert all(ids for kinds in per_college.values() for _, ids in kinds)
    assert all(college in steps.phase_of for college in per_college)


def test_a_passage_without_a_change_is_no_step() -> None:
    assert describes_change("Inmiddels heeft elk team een eigen contactpersoon.")
    assert describes_change("De volgende stap was dat we vaste partnerscholen kozen.")
    assert not describes_change("Onze coördinator regelt de aanvragen en de verzekeringen.")


def test_draft_has_the_steps_section_with_comments(steps_project: Project,
                                                   tmp_path: Path) -> None:
    draft = steps_project.build_draft()
    sentences = [s for p in draft.phases.steps for s in p.sentences]
    assert sentences and all(s.refs for s in sentences)
    for sentence in sentences:
        assert ("(voorlopig)" in sentence.text) == (not any(e.reviewed for e in sentence.refs))
    assert any("ROC Duinstreek" in s.text and "(voorlopig)" in s.text for s in sentences)
    assert any("Lingecollege Vakopleidingen" in s.text and "(voorlopig)" not in s.text
               for s in sentences)

    document = Document(str(steps_project.write_report(tmp_path / "stappen.docx")))
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == STEPS_HEADING)
    assert paragraphs[start].style.name == "Heading 2"
    section = []
    for paragraph in paragraphs[start + 1:]:
        if paragraph.style.name.startswith("Heading"):
            break
        section.append(paragraph)
    assert " ".join(p.text for p in section) == " ".join(
        " ".join(s.text for s in p.sentences) for p in draft.phases.steps)
    comments = {c.comment_id: c.text for c in document.comments}
    ids = [int(r.get(qn("w:id"))) for p in section for r in p._p.iter(qn("w:commentRangeStart"))]
    assert len(ids) == len(sentences)  # one comment per sentence
    assert all(comments[i].startswith("Bron: ") for i in ids)
    assert any("ROC Noorderkwartier, fragment" in comments[i] for i in ids)


def test_title_page_carries_agency_evaluation_fieldwork_and_concept_date(
    steps_project: Project, tmp_path: Path
) -> None:
    steps_project.set_setting("report_evaluation", "Tussentijdse evaluatie mobiliteitscharter")
    steps_project.set_setting("report_date", "2026-12-02")
    try:
        document = Document(str(steps_project.write_report(tmp_path / "titel.docx")))
    finally:
        steps_project.set_setting("report_evaluation", "")
        steps_project.set_setting("report_date", "")
    front = [p.text for p in document.paragraphs[:8]]
    assert "Tussentijdse evaluatie mobiliteitscharter" in front
    assert "Nationaal Agentschap Erasmus+ Onderwijs & Training" in front
    assert f"Gesprekken gevoerd: {EXPECTED['period']}" in front
    assert "Concept van 2 december 2026" in front


def test_fieldwork_months_in_dutch() -> None:
    assert fieldwork_text(["2024-05-14", "2024-06-20", None]) == "mei–juni 2024"
    assert fieldwork_text(["2024-03-02", "2024-03-30"]) == "maart 2024"
    assert fieldwork_text(["2025-11-20", "2026-01-08"]) == "november 2025–januari 2026"
    assert fieldwork_text(["onbekend", ""]) == ""
