"""`ask` gives the findings' points for the sub-theme asked about: the same colleges as the
findings, kept apart by reviewed and suggestion-only, inside the college filter, without
changing the ranking. On the crafted findings fixture, coded by a person as its gold says."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import Project
from analysis.ask import Filters
from analysis.ask import engine as ask_engine
from analysis.ask.points import answer_points, point_codes
from analysis.cli import main
from analysis.findings import Evidence, Point, SubThemeFindings
from tests.findings_support import expected

MEASURES = "Welke maatregelen voor inclusie noemen de colleges?"
EUREGIO = "Wie werkt samen in de Euregio?"
REPLACEMENT = "Wat zeggen ze over de vervanging van docenten?"


@pytest.fixture(scope="module")
def project(findings_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    path = tmp_path_factory.mktemp("ask_points") / "fixture.db"
    shutil.copy(findings_db, path)
    with Project(path) as opened:
        yield opened


def _gold(point: str) -> dict:
    return next(p for p in expected()["points"] if p["point"] == point)


def _by_label(answer, word: str):
    return next(p for p in answer.points if word in p.label.lower())


def _quotes(answer) -> list[int]:
    return [quote.segment_id for quote in answer.quotes]


def test_a_sub_theme_question_gives_its_points_with_the_findings_colleges(
    project: Project,
) -> None:
    answer = project.ask(MEASURES, use_llm=False)
    assert answer.points and {p.code for p in answer.points} == {"inclusion.measures"}
    parents = _by_label(answer, "ouders")
    assert list(parents.colleges) == sorted(_gold("ouders betrekken")["colleges"], key=str.casefold)
    assert parents.reviewed == parents.colleges and not parents.suggested  # a person coded them
    found = {p.label: p for p in project.findings()["inclusion.measures"].points}
    for point in answer.points:  # what the report says, point for point
        assert list(point.colleges) == found[point.label].colleges
        assert list(point.references) == [f"S{i}" for i in found[point.label].segment_ids]


def test_the_denial_is_the_points_contrast(project: Project) -> None:
    answer = project.ask(EUREGIO, use_llm=False)
    point = _by_label(answer, "grens")
    gold = _gold("samenwerking over de grens in de Euregio")
    assert list(point.colleges) == sorted(gold["colleges"], key=str.casefold)
    assert list(point.contrast) == gold["contrast"]
    assert point.contrast_references
    assert not set(point.contrast_references) & set(point.references)


def test_a_question_on_another_theme_gives_none_of_these_points(project: Project) -> None:
    answer = project.ask(REPLACEMENT, use_llm=False)
    assert {p.code for p in answer.points} == {"professionalisation.barriers"}
    assert not project.ask("Wat vinden ze van kernenergie?", use_llm=False).points


def test_the_points_follow_the_college_filter_and_leave_the_ranking_alone(
    project: Project,
) -> None:
    with project.store.session() as session:
        plain = ask_engine.ask(session, project.url, MEASURES, points=False)
        plain_dollard = ask_engine.ask(
            session, project.url, MEASURES, points=False,
            filters=Filters(colleges=("Dollard",)),
        )
    answer = project.ask(MEASURES, use_llm=False)
    assert _quotes(answer) == _quotes(plain) and answer.codes == plain.codes
    dollard = project.ask(MEASURES, college="Dollard", use_llm=False)
    assert _quotes(dollard) == _quotes(plain_dollard)
    assert dollard.points
    assert {c for p in dollard.points for c in p.colleges} == {"Dollard College"}
    assert all(p.contrast == () for p in dollard.points)
    everywhere = {p.label for p in answer.points if "Dollard College" in p.colleges}
    assert {p.label for p in dollard.points} == everywhere
    dollard_ids = {f"S{i}" for i in project.segments().query(
        "institution == 'Dollard College'").segment_id}
    assert {r for p in dollard.points for r in p.references} <= dollard_ids

    # a follow-up that restricts the college restricts the points too
    conversation = project.new_conversation()
    project.ask(EUREGIO, conversation=conversation, use_llm=False)
    only = project.ask("alleen bij Rivierenland", conversation=conversation, use_llm=False)
    point = _by_label(only, "grens")
    assert point.colleges == () and point.contrast == ("ROC Rivierenland Oost",)


def test_reviewed_and_suggested_colleges_stay_apart() -> None:
    evidence = [
        Evidence(1, "ROC Kempenland", "Kortere stages helpen.", reviewed=True),
        Evidence(2, "Dollard College", "We doen kortere periodes.", reviewed=False),
        Evidence(3, "ROC Rivierenland Oost", "Dat speelt bij ons niet.", False, denies=True),
    ]
    findings = {
        "inclusion.measures": SubThemeFindings(
            "inclusion.measures", "Maatregelen voor inclusie",
            ["Dollard College", "ROC Kempenland", "ROC Rivierenland Oost"],
            [Point("inclusion.measures", "Kortere reizen en stages", "aspect", evidence)],
        ),
        "impact.student": SubThemeFindings(
            "impact.student", "Impact op studenten", ["ROC Kempenland"],
            [Point("impact.student", "Zelfvertrouwen", "aspect", evidence[:1])],
        ),
    }
    parents = {"inclusion.measures": "inclusion", "impact.student": "impact"}
    (point,) = answer_points(findings, {"inclusion.measures": 0.8, "inclusion": 0.5}, parents)
    assert point.reviewed == ("ROC Kempenland",) and point.suggested == ("Dollard College",)
    assert point.contrast == ("ROC Rivierenland Oost",) and point.contrast_references == ("S3",)
    text = "\n".join(point.lines())
    assert "beoordeeld fragment: ROC Kempenland" in text
    assert "alleen voorstel, niet beoordeeld: Dollard College" in text
    (inside,) = answer_points(
        findings, {"inclusion.measures": 0.8}, parents, scope={"Dollard College"}
    )
    assert inside.reviewed == () and inside.suggested == ("Dollard College",)
    assert inside.provisional and inside.references == ("S2",)
    # a theme asked as a whole brings its sub-themes; a weak or far-behind match brings nothing
    assert point_codes({"inclusion": 0.9}, findings, parents) == ["inclusion.measures"]
    assert point_codes({"inclusion.measures": 0.9, "impact.student": 0.4}, findings, parents) == [
        "inclusion.measures"
    ]
    assert point_codes({"impact.student": 0.3}, findings, parents) == []
    assert point_codes({}, findings, parents, filter_codes=["impact.student"]) == [
        "impact.student"
    ]


def test_cli_prints_the_points_after_the_quotes(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", EUREGIO, "--top", "3", "--project", project.url]) == 0
    out = capsys.readouterr().out
    quotes, points = out.index("Citaten per instelling:"), out.index("Bevindingen over dit thema")
    assert quotes < points
    tail = out[points:]
    assert "Euregio en grensregio (regional_cooperation.euregio)" in tail
    assert "beoordeeld fragment: ROC Kempenland, ROC Veluwezoom" in tail
    assert "zegt het tegendeel of dat het niet speelt: ROC Rivierenland Oost" in tail
    assert "fragmenten: S" in tail


def test_pseudonymised_points_name_no_college(project: Project) -> None:
    answer = project.ask(EUREGIO, use_llm=False, anonymise=True)
    names = {c for p in answer.points for c in (*p.reviewed, *p.suggested, *p.contrast)}
    assert len(names) == 3  # two colleges make the point, one denies it
    real = set(project.segments().institution)
    assert not names & real
    assert not any(name in line for p in answer.points for line in p.lines() for name in real)
