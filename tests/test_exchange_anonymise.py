"""Anonymised exports: no college, respondent or interviewer name in any file they contain."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

from lxml import etree

from analysis import Project
from analysis.cli import main
from tests.conftest import SAMPLE_DIR
from tests.exchange_checks import assert_valid, code_sample, segment_with

NS = {"p": "urn:QDA-XML:project:1.0"}
_GENERIC = {"ROC", "College", "Vakcollege", "Vakschool", "Opleidingen", "Vakopleidingen"}
_PARTICLES = {"van", "de", "der", "den", "El"}


def forbidden_names() -> set[str]:
    """Every name of the sample's metadata, written out independently of the pseudonymiser:
    colleges with and without "ROC"/"Vakschool", people in full, first names, surnames."""
    names: set[str] = set()
    with (SAMPLE_DIR / "metadata.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            college = row["institution"]
            names.add(college)
            names.add(" ".join(w for w in college.split() if w not in _GENERIC))
            for person in [*row["respondents"].split(";"), row["interviewer"]]:
                words = person.split()
                names.update({person.strip(), words[0]})
                surname = words[1:]
                names.add(" ".join(surname))
                names.add(" ".join(w for w in surname if w not in _PARTICLES))
    return {name for name in names if name}


def leaks(text: str, names: set[str]) -> list[str]:
    """Names found as whole words, as written and in upper case."""
    found = []
    for name in names:
        for form in {name, name.upper()}:
            if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text):
                found.append(form)
    return found


def file_leaks(file_name: str, names: set[str]) -> list[str]:
    """Names in a file name, in any case, with any separator between words."""
    flat = re.sub(r"[\W_]+", " ", file_name).lower()
    return [n for n in names if re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", flat)]


def test_anonymised_archive_and_spreadsheets_hold_no_names(
    sample_project: Project, tmp_path: Path
) -> None:
    coded = {segment for segment, _, _ in code_sample(sample_project)}  # an interviewer codes
    for word in ("Ingrid", "Bart", "Fatima"):  # passages that name people
        coded.add(segment_with(sample_project, word))
        sample_project.apply_code(segment_with(sample_project, word), "impact", "Sanne de Wit")
    names = forbidden_names()
    assert {"Amstelduin", "Marieke", "Rooij", "van Rooij", "Sanne de Wit"} <= names

    archive_path = tmp_path / "anoniem.qdpx"
    sample_project.export_project(archive_path, anonymise=True)
    workbook = tmp_path / "anoniem.xlsx"
    sample_project.export_table("tables", workbook, "xlsx", anonymise=True)
    quotes = tmp_path / "anoniem.csv"
    sample_project.export_table("quotes", quotes, "csv", anonymise=True)
    codebook = tmp_path / "anoniem.qdc"
    sample_project.export_codebook(codebook, anonymise=True)  # an example quotes "Marieke"

    problems = []
    for container in (archive_path, workbook):
        with zipfile.ZipFile(container) as archive:
            for member in archive.namelist():
                problems += [f"{container.name}:{member} name" for _ in file_leaks(member, names)]
                text = archive.read(member).decode("utf-8")
                problems += [f"{container.name}:{member}: {n}" for n in leaks(text, names)]
    for path in (quotes, codebook):
        problems += [f"{path.name}: {n}" for n in leaks(path.read_text(encoding="utf-8"), names)]
    assert problems == []

    # Still a valid project, and every coded passage still points at its (anonymised) words.
    with zipfile.ZipFile(archive_path) as archive:
        root = assert_valid(archive.read("project.qde"), "Project.xsd")
        sources = {m: archive.read(m).decode("utf-8") for m in archive.namelist()}
    pseudonymiser = sample_project.pseudonymiser()
    segments = sample_project.segments()
    expected = {
        pseudonymiser.text(row.text, transcript_id=row.transcript_id)
        for row in segments.itertuples()
    }
    checked = 0
    for source in root.iterfind("p:Sources/p:TextSource", NS):
        text = sources[f"sources/{source.get('guid')}.txt"]
        assert source.get("name").startswith("Instelling_")
        for selection in source.iterfind("p:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] in expected
            checked += 1
    assert checked == len(coded)
    cases = sorted(case.get("name") for case in root.iterfind("p:Cases/p:Case", NS))
    assert len(set(cases)) == 9 and all(re.fullmatch(r"Instelling [A-Z]+", c) for c in cases)
    assert root.findtext("p:Description", namespaces=NS).startswith("Gepseudonimiseerde export")
    users = sorted(user.get("name") for user in root.iterfind("p:Users/p:User", NS))
    assert users == ["Evaluator Twee", "Interviewer 3"]


def test_the_mapping_leaves_the_project_only_on_request(
    sample_project: Project, tmp_path: Path
) -> None:
    database = sample_project.url.removeprefix("sqlite:///")
    sample_project.close()
    out = tmp_path / "sleutel.csv"
    assert main(["export", "pseudonyms", "-o", str(out), "--project", database]) == 0
    with out.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    mapping = {row["original"]: row["pseudonym"] for row in rows}
    assert mapping["Henk van Rooij"].startswith("Respondent ")
    assert mapping["ROC Amstelduin"].startswith("Instelling ")
    assert {"institution", "respondent", "interviewer"} <= {row["kind"] for row in rows}
    # An anonymised export carries pseudonyms but never the mapping itself.
    archive = tmp_path / "anoniem.qdpx"
    command = ["export", "project", "-o", str(archive), "--anonymise", "--project", database]
    assert main(command) == 0
    with zipfile.ZipFile(archive) as zipped:
        qde = etree.fromstring(zipped.read("project.qde"))
    assert "Henk van Rooij" not in etree.tostring(qde, encoding="unicode")
    assert main(["export", "pseudonyms", "-o", str(out), "--anonymise", "--project", database]) == 2


def test_a_pseudonymised_quote_selection_holds_no_names(sample_project: Project) -> None:
    from analysis.quotes import QuoteFilter, export_bytes, select_quotes

    frame = sample_project.segments()
    selection = select_quotes(frame, QuoteFilter(text="Fatima"))  # quotes that name a person
    assert not selection.empty
    assert leaks(export_bytes(selection, "csv").decode("utf-8-sig"), forbidden_names())
    shared = sample_project.pseudonymise_quotes(selection)
    exported = export_bytes(shared, "csv").decode("utf-8-sig")
    assert leaks(exported, forbidden_names()) == []
    assert shared["institution"].str.startswith("Instelling ").all()
    # Same pseudonyms as every other export, and the quotes are otherwise the same words.
    pseudonymiser = sample_project.pseudonymiser()
    assert shared["text"].tolist() == [
        pseudonymiser.text(row.text, transcript_id=row.transcript_id)
        for row in selection.itertuples()
    ]
