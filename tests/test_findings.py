"""Findings on the crafted fixture: the known points, with the right colleges and the denial."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import Project
from analysis.codebook import Aspect, CodebookError, load_codebook, parse_codebook
from analysis.findings import write_prose
from analysis.findings.extract import denies
from analysis.findings.prose import quantifier
from tests.findings_support import code_as_gold, expected, ingest_fixture


@pytest.fixture(scope="module")
def coded(findings_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    path: Path = tmp_path_factory.mktemp("findings") / "fixture.db"
    shutil.copy(findings_db, path)
    with Project(path) as project:
        yield project


def _found(findings: dict, gold: dict):
    """The found point of ``gold``'s sub-code whose label or terms share a gold keyword."""
    words = [w.lower() for w in gold["keywords"]]
    for point in findings[gold["code"]].points:
        text = (point.label + " " + " ".join(point.terms)).lower()
        if any(w in text for w in words):
            return point
    return None


@pytest.mark.parametrize("index", range(len(expected()["points"])))
def test_known_points_are_found_with_their_colleges(coded: Project, index: int) -> None:
    gold = expected()["points"][index]
    point = _found(coded.findings(), gold)
    assert point is not None, gold["point"]
    assert point.colleges == sorted(gold["colleges"], key=str.casefold)
    assert point.contrast == sorted(gold.get("contrast", []), key=str.casefold)
    assert point.source == ("cluster" if gold.get("inductive") else "aspect")
    assert not point.provisional  # a person coded every passage


def test_denial_is_a_contrast_in_the_prose(coded: Project) -> None:
    findings = coded.findings()["regional_cooperation.euregio"]
    sentences = [s for p in write_prose(findings, 6, "seed") for s in p.sentences]
    contrast = [s for s in sentences if "ROC Rivierenland Oost" in s.text]
    assert contrast and "niet speelt" in contrast[0].text
    assert "ROC Kempenland" in contrast[0].text
    assert {e.institution for e in contrast[0].refs} >= {"ROC Rivierenland Oost", "ROC Kempenland"}


def test_suggestions_alone_make_provisional_points(tmp_path: Path) -> None:
    with Project(tmp_path / "zero.db") as project:
        ingest_fixture(project)
        project.suggest()
        findings = project.findings()
    points = [p for f in findings.values() for p in f.points]
    assert points, "suggestions should carry some points"
    assert all(p.provisional for p in points)
    for f in findings.values():
        for paragraph in write_prose(f, 6, "seed"):
            for sentence in paragraph.sentences:
                assert sentence.provisional and "voorlopig" in sentence.text


def test_cluster_labels_are_content_words(coded: Project) -> None:
    clusters = [p for f in coded.findings().values() for p in f.points if p.source == "cluster"]
    assert clusters
    for point in clusters:
        for word in point.terms:
            assert not word.endswith("en"), point.label  # no infinitives or adverbs
            assert word not in {"kempenland", "dollard", "rivierenland"}, point.label


def test_denial_phrases() -> None:
    assert denies("Nee, dat hele Euregio-verhaal speelt bij ons niet.")
    assert denies("Maar daar doen we helemaal niks mee.")
    assert not denies("Dat speelt een grote rol bij ons in de regio.")


def test_quantifiers_follow_the_counts() -> None:
    assert quantifier(9, 9) == "alle negen instellingen"
    assert quantifier(8, 9) == "vrijwel alle instellingen"
    assert quantifier(6, 9) == "de meeste instellingen"
    assert quantifier(4, 9) == "ongeveer de helft van de instellingen"
    assert quantifier(2, 9) == "enkele instellingen"
    assert quantifier(1, 9) == "één instelling"


def test_codebook_aspects_round_trip_and_validate() -> None:
    codebook = load_codebook()
    measures = codebook.get("inclusion.measures")
    labels = [a.label for a in measures.aspects]
    assert "Kortere reizen en stages" in labels and "Het betrekken van ouders" in labels
    assert isinstance(measures.aspects[0], Aspect)
    again = parse_codebook(codebook.to_dict(), "copy")
    assert again.get("inclusion.measures").aspects == measures.aspects
    data = codebook.to_dict()
    data["codes"][0]["aspects"] = [{"label": "Zonder woorden", "indicators": []}]
    with pytest.raises(CodebookError, match="needs at least one indicator"):
        parse_codebook(data, "bad.yaml")


def test_project_keeps_aspects(coded: Project) -> None:
    assert coded.codebook().get("inclusion.measures").aspects == (
        load_codebook().get("inclusion.measures").aspects
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ja, kijk. Wij hebben met twee scholen in Gent een netwerk opgezet waarin docenten "
         "elkaar elke maand spreken.",
         "(…) Wij hebben met twee scholen in Gent een netwerk opgezet waarin docenten elkaar "
         "elke maand spreken."),
        ("Nou, een paar dingen. Om te beginnen hebben we kortere reizen gemaakt, twee weken in "
         "plaats van drie maanden.",
         "(…) Om te beginnen hebben we kortere reizen gemaakt, twee weken in plaats van drie "
         "maanden."),
        ("Grote verschillen. Dat zie je overal.", None),
        ("We hebben een fonds van veertigduizend euro per jaar uit eigen middelen voor studenten "
         "die het nodig hebben.",
         "We hebben een fonds van veertigduizend euro per jaar uit eigen middelen voor studenten "
         "die het nodig hebben."),
    ],
)
def test_quotes_stand_on_their_own(text: str, expected: str | None) -> None:
    from analysis.report.quotes import stand_alone, stands_alone

    assert stand_alone(text) == expected
    if expected is not None:
        assert stands_alone(expected)
    assert not stands_alone("Vooral de vervanging.")


def test_large_sub_themes_cluster_a_subset_and_join_the_rest(
    coded: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.findings import extract

    whole = {k: [(p.label, p.colleges) for p in f.points if p.source == "cluster"]
             for k, f in coded.findings().items()}
    monkeypatch.setattr(extract, "MAX_CLUSTERED", 2)
    subset = coded.findings()
    for key, found in subset.items():
        for point in found.points:
            assert len(point.colleges) >= 2 or point.source == "aspect" or point.contrast
        assert len([p for p in found.points if p.source == "cluster"]) <= max(1, len(whole[key]))


def test_cli_prints_the_points_with_reviewed_colleges_and_the_contrast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from analysis.cli import main

    path = tmp_path / "cli.db"
    with Project(path) as project:
        ingest_fixture(project)
        code_as_gold(project)
    assert main(["findings", "--code", "regional_cooperation.euregio", "--project", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Samenwerking over de grens [aspect]: ROC Kempenland*, ROC Veluwezoom*" in out
    assert "not: ROC Rivierenland Oost" in out
