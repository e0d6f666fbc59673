"""Names inside what people said (issue 15): detection, review, and every pseudonymised output.

The corpus is tests/data/names: six crafted interviews whose gold list (gold.json) was written
before detection ran. The project is built once per module: imported, then its review list read,
which runs the deduce library on every transcript (names are detected on first use, issue 14).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from analysis import Project
from analysis.cli import main
from analysis.ingest.keys import PARTICLES
from analysis.names.evaluation import score
from analysis.quotes import export_bytes
from analysis.store import Coding, Mention, Segment, Transcript
from analysis.topics.vocabulary import name_words
from tests.conftest import DATA_DIR
from tests.exchange_checks import assert_valid

NAMES_DIR = DATA_DIR / "names"
GOLD = json.loads((NAMES_DIR / "gold.json").read_text(encoding="utf-8"))["files"]
NS = {"p": "urn:QDA-XML:project:1.0"}
# Detections that are not people in this corpus (read off the review list): the evaluator
# ignores them. Places stay listed for review and are not replaced.
NOT_NAMES = {"Mooi", "Pas", "Berlijn", "Bremen", "Vlaanderen", "de Kempen"}
ROLES = {"Marieke": "[coördinator]", "Wilma Drenth": "[coördinator]"}


def searched_terms() -> list[str]:
    """What no pseudonymised output may contain: every gold person form (metadata people and
    people mentioned), e-mail address and phone number, plus the bare first names and
    surnames of the people in full, and the lower-case e-mail user names."""
    terms: set[str] = set()
    for forms in GOLD.values():
        for group in ("metadata", "person", "email", "phone", "address"):
            terms.update(forms[group])
        for person in forms["metadata"] + forms["person"]:
            words = person.split()
            if len(words) > 1:
                terms.update(w for w in (words[0], words[-1]) if w.lower() not in PARTICLES)
    terms.discard("Meer")  # the surname core of "Roos van der Meer": also a word ("Meer ...")
    return sorted(terms)


def leaks(text: str, terms: list[str]) -> list[str]:
    """Terms found in ``text``: names as whole words (as written and in upper case), the
    e-mail addresses and phone numbers anywhere."""
    found = []
    for term in terms:
        if "@" in term or term[:1].isdigit():
            if term in text:
                found.append(term)
            continue
        for form in {term, term.upper()}:
            if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text):
                found.append(form)
    return found


@pytest.fixture(scope="module")
def names_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("names") / "names.db"
    with Project(path) as project:
        results = project.ingest([NAMES_DIR])
        assert not [r.line() for r in results if r.failed or r.warnings]
        assert project.names_to_detect() == 6  # nothing read at import
        assert len(project.names()) > 0  # the review list reads them first
        assert project.names_to_detect() == 0
    return path


@pytest.fixture
def project(names_db: Path, tmp_path: Path) -> Iterator[Project]:
    path = tmp_path / "project.db"
    shutil.copy(names_db, path)
    with Project(path) as project:
        yield project


def review(project: Project) -> None:
    """What an evaluator does with the review list: ignore what is no person, give two people
    their role, confirm the rest."""
    for row in project.names().itertuples():
        if row.source == "metadata":
            continue
        if row.name in NOT_NAMES:
            project.decide_name(row.id, "ignored")
        elif row.kind == "person":
            project.decide_name(row.id, "confirmed", replacement=ROLES.get(row.name, "[collega]"))
        elif row.kind in ("email", "phone", "address"):
            project.decide_name(row.id, "confirmed")  # the default: "[e-mailadres]" ...


def _transcript_id(project: Project, source: str) -> int:
    return int(project.transcripts().set_index("source").loc[source, "id"])


@pytest.fixture
def deduce_refused(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fails any use of the deduce library (every use goes through ``detect._deduce``)."""
    from analysis.names import detect

    calls: list[str] = []

    def refuse():
        calls.append("deduce")
        raise AssertionError("deduce was loaded")

    monkeypatch.setattr(detect, "_deduce", refuse)
    return calls


def test_ingest_does_not_run_the_name_detector(tmp_path: Path, deduce_refused: list) -> None:
    with Project(tmp_path / "p.db") as project:
        results = project.ingest([NAMES_DIR / "duinstreek_gesprek.txt"])
        assert [r.status for r in results] == ["imported"] and not results[0].warnings
        assert project.names_to_detect() == 1
    assert deduce_refused == []


def test_the_setting_import_detects_at_import(tmp_path: Path) -> None:
    with Project(tmp_path / "p.db") as project:
        project.set_setting("detect_names", "import")
        project.ingest([NAMES_DIR / "duinstreek_gesprek.txt"])
        assert project.names_to_detect() == 0
        with project.store.session() as session:
            assert session.scalars(select(Mention).where(Mention.detector == "deduce")).first()


def test_a_pseudonymised_output_right_after_ingest_replaces_a_colleague(tmp_path: Path) -> None:
    """Privacy does not depend on anyone running ``names detect``: the first pseudonymised
    output reads the new transcripts first; a re-import is read again."""
    source = tmp_path / "duinstreek_gesprek.txt"
    shutil.copy(NAMES_DIR / "duinstreek_gesprek.txt", source)
    database = str(tmp_path / "p.db")
    assert main(["ingest", str(source), "--project", database]) == 0
    out = tmp_path / "segmenten.csv"
    assert main(["export", "segments", "-o", str(out), "--anonymise", "--project", database]) == 0
    exported = out.read_text(encoding="utf-8-sig")
    assert "Fatma" in source.read_text(encoding="utf-8")
    assert "Fatma" not in exported and "[naam]" in exported
    # A replaced transcript is a new text: read again before the next output.
    said = "Nog één ding: bel gerust Sevda Kaya van de Hanze."
    source.write_text(source.read_text(encoding="utf-8") + f"\n{said}\n", encoding="utf-8")
    assert main(["ingest", str(source), "--replace", "--project", database]) == 0
    with Project(database) as project:
        assert project.names_to_detect() == 1
        text = project.pseudonymiser().text(said)
        assert "Sevda" not in text and project.names_to_detect() == 0


def test_detection_meets_the_targets_on_the_gold_corpus(project: Project) -> None:
    with project.store.session() as session:
        result = score(session, NAMES_DIR / "gold.json")
    assert result.recall("metadata") == 1.0
    assert result.recall("person") >= 0.95, result.missed
    for group in ("email", "phone", "address"):
        assert result.recall(group) == 1.0, result.missed
    assert result.precision >= 0.8, result.wrong


def test_one_person_is_one_identifier_and_one_replacement(project: Project) -> None:
    names = project.names()
    people = names[names["kind"] == "person"].set_index("name")
    # Short and full mentions of one person are one identifier ("Roos" of Roos van der Meer,
    # "Ruud" of Ruud Hendriks), with all its mentions.
    assert "Roos" not in people.index and "Ruud" not in people.index
    assert people.loc["Roos van der Meer", "mentions"] == 3
    assert people.loc["Ruud Hendriks", "mentions"] == 3
    assert people.loc["Marieke", "mentions"] == 4
    review(project)
    anon = project.pseudonymiser()
    duinstreek = _transcript_id(project, "duinstreek_gesprek.txt")
    text = anon.text(project.transcript_text(duinstreek), transcript_id=duinstreek)
    assert "Roos" not in text and "van der Meer" not in text
    assert text.count("[collega]") >= 3 + 2 + 2  # Roos (3), Fatma (2), Jan-Willem (2)
    zeeuws = _transcript_id(project, "zeeuwse_kust.txt")
    text = anon.text(project.transcript_text(zeeuws), transcript_id=zeeuws)
    assert text.count("[coördinator]") == 4 and "Marieke" not in text
    assert "[e-mailadres]" in text and "[telefoonnummer]" in text
    # The metadata respondent "Anouk Roos" keeps her pseudonym; the flower stays a flower.
    assert "een roos die" in text and "Respondent" in text


def test_the_decision_is_per_person_and_survives_detection_again(project: Project) -> None:
    names = project.names().set_index("name")
    identifier = int(names.loc["Hennie", "id"])
    project.decide_name(identifier, "confirmed", replacement="financieel medewerker")
    assert project.detect_names() > 0
    after = project.names().set_index("name")
    assert after.loc["Hennie", "status"] == "confirmed"
    assert after.loc["Hennie", "replaced_by"] == "[financieel medewerker]"
    mentions = project.name_mentions(int(after.loc["Hennie", "id"]))
    assert len(mentions) == 3 and set(mentions["status"]) == {"confirmed"}
    assert all("[[Hennie]]" in context for context in mentions["context"])


def test_an_ignored_name_is_not_replaced_and_places_wait_for_confirmation(
    project: Project,
) -> None:
    names = project.names().set_index("name")
    project.decide_name(int(names.loc["Mooi", "id"]), "ignored")
    assert names.loc["Emmen", "kind"] == "place" and names.loc["Emmen", "replaced_by"] == "Emmen"
    anon = project.pseudonymiser()
    assert anon.text("Mooi. In Emmen.") == "Mooi. In Emmen."
    project.decide_name(int(names.loc["Emmen", "id"]), "confirmed")
    assert project.pseudonymiser().text("Mooi. In Emmen.") == "Mooi. In [plaats]."
    # A one-word name that is also a Dutch word waits for confirmation; a full name does not.
    assert names.loc["Bram", "replaced_by"] == "Bram"
    assert names.loc["Sevda Kaya", "replaced_by"] == "[naam]"
    project.decide_name(int(names.loc["Bram", "id"]), "confirmed")
    assert project.names().set_index("name").loc["Bram", "replaced_by"] == "[naam]"


def test_an_added_name_is_found_everywhere(project: Project) -> None:
    identifier = project.add_name(
        "Noorderpoort", kind="institution", replacement="een andere school"
    )
    mentions = project.name_mentions(identifier)
    assert mentions["text"].tolist() == ["Noorderpoort"]
    assert "[een andere school]" in project.pseudonymiser().text("van het Noorderpoort")


def _export_everything(project: Project, folder: Path) -> list[Path]:
    """Every pseudonymised output, written into ``folder``."""
    for row in project.segments().itertuples():  # code every passage, so the report quotes it
        project.apply_code(int(row.segment_id), "impact", "Evaluator Een")
    project.export_project(folder / "anoniem.qdpx", anonymise=True)
    project.export_table("tables", folder / "anoniem.xlsx", "xlsx", anonymise=True)
    project.export_table("segments", folder / "segmenten.csv", "csv", anonymise=True)
    project.export_table("quotes", folder / "citaten.csv", "csv", anonymise=True)
    project.write_report(folder / "concept.docx", anonymise=True)
    shared = project.pseudonymise_quotes(project.segments())  # the quote browser's download
    (folder / "download.csv").write_bytes(export_bytes(shared, "csv"))
    (folder / "download.xlsx").write_bytes(export_bytes(shared, "xlsx"))
    answer = project.ask("Wie coördineert de internationalisering?", anonymise=True)
    (folder / "ask.txt").write_text(project.pseudonymiser().text(answer.to_text()))
    (folder / "ask.json").write_text(json.dumps([q.to_dict() for q in answer.quotes]))
    return sorted(folder.iterdir())


def test_no_name_email_or_phone_in_any_pseudonymised_output(
    project: Project, tmp_path: Path
) -> None:
    review(project)
    terms = searched_terms()
    # The test searches for these (printed with -s); a few that must be among them:
    print("searched for:", ", ".join(terms))
    assert {"Marieke", "Hennie", "Roos", "Bos", "Wit", "Van Dijk", "Yvonne Wit",
            "marieke.dekker@zeeuwsekust.nl", "0118-412345", "0591 - 62 48 10"} <= set(terms)
    folder = tmp_path / "out"
    folder.mkdir()
    problems, searched = [], []
    for path in _export_everything(project, folder):
        if zipfile.is_zipfile(path):  # .qdpx, .xlsx, .docx: every member, names and XML alike
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    searched.append(f"{path.name}:{member}")
                    problems += [f"{path.name}:{member} (name) {t}" for t in leaks(member, terms)]
                    text = z.read(member).decode("utf-8", errors="replace")
                    problems += [f"{path.name}:{member}: {t}" for t in leaks(text, terms)]
        else:
            searched.append(path.name)
            text = path.read_bytes().decode("utf-8-sig")
            problems += [f"{path.name}: {t}" for t in leaks(text, terms)]
    assert any(s.startswith("concept.docx:word/header") or s == "concept.docx:docProps/core.xml"
               for s in searched)
    assert len([s for s in searched if s.startswith("anoniem.qdpx:sources/")]) == 6
    assert problems == []


def test_qdpx_selections_point_at_the_same_words_after_replacement(
    project: Project, tmp_path: Path
) -> None:
    review(project)
    segments = project.segments()
    named = [row for row in segments.itertuples() if "Marieke" in row.text or "Roos" in row.text]
    assert len(named) >= 4
    for row in named:
        project.apply_code(int(row.segment_id), "impact", "Evaluator Een")
    archive = tmp_path / "anoniem.qdpx"
    project.export_project(archive, anonymise=True)
    anon = project.pseudonymiser()
    expected = {anon.text(r.text, transcript_id=r.transcript_id) for r in named}
    assert not any("Marieke" in text or "Roos" in text for text in expected)
    with zipfile.ZipFile(archive) as z:
        root = assert_valid(z.read("project.qde"), "Project.xsd")
        sources = {m: z.read(m).decode("utf-8") for m in z.namelist()}
    selected = set()
    for source in root.iterfind("p:Sources/p:TextSource", NS):
        text = sources[f"sources/{source.get('guid')}.txt"]
        for selection in source.iterfind("p:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            selected.add(text[start:end])
    assert selected == expected
    # And the archive imports again: its coded passages are the same replaced words.
    with Project(tmp_path / "again.db") as again:
        again.import_project(archive)
        with again.store.session() as session:
            imported = {
                segment.transcript.text[segment.start : segment.end]
                for segment in session.scalars(
                    select(Segment).join(Coding, Coding.segment_id == Segment.id)
                )
            }
    assert imported == expected


def test_the_key_is_exported_apart_and_never_inside_a_pseudonymised_file(
    project: Project, tmp_path: Path
) -> None:
    review(project)
    database = project.url.removeprefix("sqlite:///")
    project.close()
    key = tmp_path / "sleutel.csv"
    assert main(["export", "pseudonyms", "-o", str(key), "--project", database]) == 0
    rows = key.read_text(encoding="utf-8")
    assert "Marieke,[coördinator]" in rows and "marieke.dekker@zeeuwsekust.nl" in rows
    archive = tmp_path / "anoniem.qdpx"
    assert main(["export", "project", "-o", str(archive), "--anonymise", "--project",
                 database]) == 0
    with zipfile.ZipFile(archive) as z:
        assert not any("sleutel" in m or "pseudonym" in m.lower() for m in z.namelist())


def test_the_names_command(names_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    database = str(tmp_path / "cli.db")
    shutil.copy(names_db, database)
    assert main(["names", "list", "--kind", "email", "--project", database]) == 0
    listed = capsys.readouterr().out
    assert "k.brouwer@duinstreek.nl" in listed and "[e-mailadres]" in listed
    assert main(["names", "list", "--kind", "person", "--project", database]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if " Hennie " in x)
    identifier = line.split()[0]
    assert main(["names", "show", identifier, "--project", database]) == 0
    assert "[[Hennie]]" in capsys.readouterr().out
    assert main(["names", "confirm", identifier, "--as", "[collega]", "--project", database]) == 0
    assert main(["names", "add", "Gestel", "--as", "[werkgever]", "--project", database]) == 0
    assert "found 1 mentions" in capsys.readouterr().out
    assert main(["names", "ignore", "x", "--project", database]) == 2
    assert "not an id" in capsys.readouterr().err
    with Project(database) as project:
        names = project.names().set_index("name")
    assert names.loc["Hennie", "replaced_by"] == "[collega]"
    assert names.loc["Gestel", "status"] == "confirmed"


def test_no_topic_label_or_keyword_is_a_persons_name(sample_project: Project) -> None:
    """On the sample corpus: neither metadata people nor people mentioned in the answers."""
    names = sample_project.names()
    people = names[(names["kind"] == "person") & (names["status"] != "ignored")]["name"]
    words = {w.lower() for name in people for w in re.findall(r"\w+", name) if len(w) > 2}
    words -= {"van", "der", "den"}
    assert {"marieke", "henk", "rooij"} <= words
    mentioned = names[(names["kind"] == "person") & (names["source"] == "detected")]["name"]
    assert len(mentioned) > 0  # people the sample's respondents talk about
    with sample_project.store.session() as session:
        excluded = name_words(session)
    assert {w.lower() for n in mentioned for w in re.findall(r"\w+", n)} <= excluded
    sample_project.run_topics(seed=1)
    topics = sample_project.topics()
    found = set()
    for row in topics.itertuples():
        label_words = set(re.findall(r"\w+", str(row.label).lower()))
        keyword_words = {w for k in row.keywords for w in re.findall(r"\w+", str(k).lower())}
        found |= (label_words | keyword_words) & words
    assert found == set()


def test_the_review_section_of_the_project_page(
    names_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "app.db"
    shutil.copy(names_db, path)
    with Project(path) as project, project.store.session() as session:  # as right after import
        session.execute(delete(Mention))
        session.execute(update(Transcript).values(names_scanned_at=None))
    monkeypatch.setenv("INTERVIEWS_PROJECT", str(path))
    monkeypatch.setenv("INTERVIEWS_CODER", "Evaluator Een")
    st.cache_data.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                           default_timeout=180).run()
    assert not at.exception, at.exception
    assert not any("replaced_by" in d.value.columns for d in at.dataframe)  # until opened
    at.toggle(key="names_open").set_value(True).run()
    # Opening the section does not run the detector (it costs seconds); it says what is unread.
    assert not any("replaced_by" in d.value.columns for d in at.dataframe)
    assert any("6 gesprekken zijn nog niet op namen doorzocht" in i.value for i in at.info)
    with Project(path) as project:
        assert project.names_to_detect() == 6
    at.button(key="names_detect_unread").click().run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "replaced_by" in d.value.columns)
    assert (table["mentions"] > 0).any()  # the click ran the detection
    assert {"persoon", "e-mailadres", "telefoonnummer", "adres", "plaats"} <= set(table["kind"])
    with Project(path) as project:
        assert project.names_to_detect() == 0
        hennie = int(project.names().set_index("name").loc["Hennie", "id"])
    at.selectbox(key="names_choice").set_value(hennie).run()
    contexts = next(d.value for d in at.dataframe if "context" in d.value.columns)
    assert len(contexts) == 3 and all("[[Hennie]]" in c for c in contexts["context"])
    at.text_input(key=f"names_replacement_{hennie}").set_value("[collega]").run()
    at.button(key="names_confirm").click().run()
    assert not at.exception, at.exception
    with Project(path) as project:
        row = project.names().set_index("name").loc["Hennie"]
    assert row["status"] == "confirmed" and row["replaced_by"] == "[collega]"
    st.cache_data.clear()
