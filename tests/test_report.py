"""The Word draft read back: structure, verbatim quotes, phases, templates, privacy."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt, RGBColor
from sqlalchemy import select

from analysis import Project
from analysis.report import ReportError
from analysis.report.attribution import BOARD
from analysis.report.build import period_text
from analysis.report.docx_writer import STEPS_HEADING
from analysis.store import Transcript
from tests.report_checks import (
    all_paragraphs,
    code_by_keywords,
    docx_parts,
    headings,
    ingest,
    quotes_in,
    segment_ids,
    write_interview,
)

FIXED_BEFORE = ["Inleiding", "Werkwijze"]
FIXED_AFTER = [
    "Ontwikkelingsfasen van internationalisering",
    "Hoe verder?",
    "Bijlage A. Codeboek",
    "Bijlage B. Fasen per instelling",
    "Bijlage C. Codes per instelling",
]


@pytest.fixture(scope="module")
def coded_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus coded by two people (the second on part of the first one's segments),
    with one phase judged and one example box."""
    path = tmp_path_factory.mktemp("coded") / "coded.db"
    shutil.copy(sample_db, path)
    with Project(path) as project:
        code_by_keywords(project, "Femke Vos", per_code=4)
        code_by_keywords(project, "Jan Smit", per_code=2)
        project.judge_phase("ROC Amstelduin", 3, "Breed gedragen, nog niet in de cyclus.",
                            "Femke Vos")
        heuvelland = segment_ids(project, "ROC Heuvelland Zuid")[3]
        project.add_box("regional_cooperation", "ROC Heuvelland Zuid", "Over de grens naar Aken",
                        "Studenten lopen stage net over de grens en slapen thuis.", heuvelland)
    return path


@pytest.fixture
def coded(coded_db: Path, tmp_path: Path) -> Iterator[Project]:
    path = tmp_path / "project.db"
    shutil.copy(coded_db, path)
    with Project(path) as project:
        yield project


def _theme_labels(project: Project) -> list[str]:
    return [c.label for c in project.codebook().top_level() if c.key != "phases"]


def test_the_draft_has_the_publications_structure(coded: Project, tmp_path: Path) -> None:
    path = coded.write_report(tmp_path / "concept.docx")
    document = Document(str(path))
    codebook = coded.codebook()

    assert document.paragraphs[0].style.name == "Title"
    assert headings(document, 1) == FIXED_BEFORE + _theme_labels(coded) + FIXED_AFTER
    expected_h2 = [
        child.label
        for code in codebook.top_level() if code.key != "phases"
        for child in codebook.children(code.key)
    ] + [child.label for child in codebook.children("phases")] + ["Per instelling", STEPS_HEADING]
    assert headings(document, 2) == expected_h2

    body = "\n".join(p.text for p in document.paragraphs)
    transcripts = coded.transcripts()
    period = period_text(transcripts["date"])
    assert "gebaseerd op 9 interviews met bestuurders en medewerkers van 9 " in body
    assert period.startswith("tussen ") and f"gehouden {period}." in body
    for college in transcripts["institution"]:
        assert college in body  # the list of participating colleges
    # "Hoe verder?" holds highlighted placeholders for the evaluators' conclusions.
    next_steps = body.split("Hoe verder?")[1].split("Bijlage A")[0]
    assert next_steps.count("[") >= 2

    # Word machinery: a TOC field, a PAGE field in the footer, Dutch, neutral properties.
    parts = docx_parts(path)
    assert 'TOC \\o "1-2"' in parts["word/document.xml"]
    footers = [text for name, text in parts.items() if name.startswith("word/footer")]
    assert any(" PAGE " in text for text in footers)
    assert re.search(r'<w:rPrDefault>.*<w:lang w:val="nl-NL"', parts["word/styles.xml"], re.S)
    assert 'w:val="en-US"' not in parts["word/styles.xml"]
    # Word fills the fields on open; the setting stands where the schema wants it.
    settings = parts["word/settings.xml"]
    assert -1 < settings.index('<w:updateFields w:val="true"/>') < settings.index("<w:compat")
    properties = document.core_properties
    assert (properties.language, properties.author, properties.title) == (
        "nl-NL", "Evaluatieteam", document.paragraphs[0].text)


def test_every_quote_is_verbatim_attributed_and_spread(coded: Project, tmp_path: Path) -> None:
    document = Document(str(coded.write_report(tmp_path / "concept.docx", verbatim=True)))
    segments = {row.text: row for row in coded.segments().itertuples()}
    with coded.store.session() as session:
        functions = {
            name: set(roles) for name, roles in session.execute(
                select(Transcript.institution, Transcript.roles)
            )
        }
    quotes = quotes_in(document)
    chapters_with_quotes = {chapter for _, _, chapter, _ in quotes}
    assert set(_theme_labels(coded)) <= chapters_with_quotes

    per_chapter: Counter[tuple[str, str]] = Counter()
    for text, attribution, chapter, in_box in quotes:
        assert text in segments, text  # verbatim: exactly one segment's text
        segment = segments[text]
        assert segment.role == "respondent"
        function, college = attribution.rsplit(", ", 1)
        assert college == segment.institution
        assert function == BOARD or function in functions[college], attribution
        if not in_box:
            per_chapter[(chapter, college)] += 1
    assert max(per_chapter.values()) <= 2  # no college more than twice per chapter
    # Pull quotes: each theme chapter opens with an Intense Quote.
    first_styles = {}
    chapter = ""
    for paragraph in all_paragraphs(document):
        if paragraph.style.name == "Heading 1":
            chapter = paragraph.text
        elif paragraph.style.name in ("Quote", "Intense Quote"):
            first_styles.setdefault(chapter, paragraph.style.name)
    assert {first_styles[label] for label in _theme_labels(coded)} == {"Intense Quote"}

    # A board member is "bestuurder"; a policy adviser keeps the function from the metadata.
    functions_used = {attribution.rsplit(", ", 1)[0] for _, attribution, _, _ in quotes}
    assert BOARD in functions_used and len(functions_used) > 1

    # The example box: a shaded table with its title, story and quote of that college.
    box = next(t for t in document.tables if t.cell(0, 0).paragraphs[0].text == "Over de grens "
               "naar Aken")
    box_text = box.cell(0, 0).text
    assert "slapen thuis" in box_text and "ROC Heuvelland Zuid" in box_text
    assert any(in_box and college_of(a) == "ROC Heuvelland Zuid" for _, a, _, in_box in quotes)


def college_of(attribution: str) -> str:
    return attribution.rsplit(", ", 1)[1]


def test_the_phases_chapter_has_its_table_and_chart(coded: Project, tmp_path: Path) -> None:
    document = Document(str(coded.write_report(tmp_path / "concept.docx")))
    table = next(t for t in document.tables if t.cell(0, 0).text == "Instelling")
    assert [c.text for c in table.rows[0].cells] == ["Instelling", "Fase", "Basis"]
    assert table.style.name == "Light Grid Accent 1"
    rows = {r.cells[0].text: (r.cells[1].text, r.cells[2].text) for r in table.rows[1:]}
    expected = {r["institution"]: r["label"] for r in coded.phase_assessments().to_dict("records")}
    assert {college: label for college, (label, _) in rows.items()} == expected
    assert rows["ROC Amstelduin"] == ("3", "oordeel evaluator")
    assert all(basis.startswith("schatting (zekerheid 0,") for college, (_, basis) in rows.items()
               if college != "ROC Amstelduin")

    # The bar chart: one PNG picture with Dutch alt text, and its caption.
    assert len(document.inline_shapes) == 1
    image = document.inline_shapes[0]
    blip = image._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert document.part.related_parts[blip].content_type == "image/png"
    assert image._inline.docPr.get("descr").startswith("Staafdiagram")
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "Figuur 1. Aantal instellingen per ontwikkelingsfase" in captions
    assert "Tabel 1. Overeenstemming tussen codeurs (alle codes)" in captions
    # Each phase is described under its own heading.
    body = [p.text for p in document.paragraphs]
    for child in coded.codebook().children("phases"):
        assert body[body.index(child.label) + 1] == " ".join(child.phase_description.split())


def test_agreement_between_coders_is_in_the_method(coded: Project, tmp_path: Path) -> None:
    document = Document(str(coded.write_report(tmp_path / "concept.docx")))
    table = next(t for t in document.tables if t.cell(0, 0).text == "Codeurs")
    assert [c.text for c in table.rows[0].cells][:2] == ["Codeurs", "Fragmenten"]
    assert table.rows[1].cells[0].text == "Femke Vos en Jan Smit"
    assert re.fullmatch(r"\d+%", table.rows[1].cells[2].text)
    method = "\n".join(p.text for p in document.paragraphs).split("Werkwijze")[1]
    assert "Gecodeerd door Femke Vos en Jan Smit" in method


def _template(path: Path, *, author: str = "Afdeling Communicatie") -> Path:
    """A house-style template: distinctive Heading 1, a header, body text that must go, and
    no Intense Quote style (the writer adds what a template lacks)."""
    template = Document()
    heading = template.styles["Heading 1"]
    heading.font.name = "Georgia"
    heading.font.size = Pt(21)
    heading.font.color.rgb = RGBColor(0x80, 0x00, 0x20)
    intense = template.styles["Intense Quote"].element
    intense.getparent().remove(intense)
    template.sections[0].header.paragraphs[0].text = "Huisstijl Nationaal Agentschap"
    template.add_paragraph("Sjabloontekst die moet verdwijnen.")
    template.core_properties.author = author
    template.core_properties.comments = "Interne notitie over ROC Amstelduin"
    template.save(str(path))
    return path


def test_a_templates_styles_are_used(coded: Project, tmp_path: Path) -> None:
    template = _template(tmp_path / "huisstijl.docx")
    document = Document(str(coded.write_report(tmp_path / "concept.docx", template=template)))
    heading = document.styles["Heading 1"]
    assert (heading.font.name, heading.font.size, heading.font.color.rgb) == (
        "Georgia", Pt(21), RGBColor(0x80, 0x00, 0x20))
    chapters = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert chapters and all(not run.font.name for p in chapters for run in p.runs)
    assert "Sjabloontekst die moet verdwijnen." not in [p.text for p in document.paragraphs]
    assert document.sections[0].header.paragraphs[0].text == "Huisstijl Nationaal Agentschap"
    assert any(p.style.name == "Intense Quote" for p in document.paragraphs)
    assert document.core_properties.author == "Evaluatieteam"
    assert document.core_properties.comments == ""

    # A Word template file (.dotx) works the same way.
    dotx = tmp_path / "huisstijl.dotx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(dotx, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(item, data)
    document = Document(str(coded.write_report(tmp_path / "uit-dotx.docx", template=dotx)))
    assert document.styles["Heading 1"].font.name == "Georgia"

    not_word = tmp_path / "kapot.docx"
    not_word.write_bytes(b"Dit is geen Word-bestand.")
    with pytest.raises(ReportError, match=r"kapot\.docx is not a Word document"):
        coded.write_report(tmp_path / "x.docx", template=not_word)
    with pytest.raises(FileNotFoundError, match=r"bestaat-niet\.docx does not exist"):
        coded.write_report(tmp_path / "x.docx", template=tmp_path / "bestaat-niet.docx")
    assert not (tmp_path / "x.docx").exists()


def test_the_anonymised_draft_names_no_college_or_person(coded: Project, tmp_path: Path) -> None:
    # The template's own properties name a respondent and a college: they must not carry over.
    template = _template(tmp_path / "huisstijl.docx", author="Marieke Jansen")
    # The evaluator's own texts name people and colleges too.
    coded.set_chapter_intro("impact", "Bij ROC Amstelduin vertelde Marieke Jansen over impact.")
    coded.add_box("phases", "ROC Amstelduin", "Marieke's aanpak in Amstelduin",
                  "Pieter Bos bouwde het netwerk op.")
    path = coded.write_report(tmp_path / "anoniem.docx", template=template, anonymise=True)
    terms = coded.pseudonymiser().sensitive_terms()
    transcripts = coded.transcripts()
    terms += [*transcripts["institution"], "Femke Vos", "Jan Smit"]  # coders too
    assert {"ROC Amstelduin", "Amstelduin", "Marieke Jansen", "Marieke", "Jansen"} <= set(terms)
    leaks = [
        (name, term)
        for name, text in docx_parts(path).items()
        for term in terms
        if term in text and re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text)
    ]
    assert leaks == []
    document = Document(str(path))
    body = "\n".join(p.text for p in all_paragraphs(document))
    assert re.search(r"Instelling [A-Z]+\b", body) and "pseudoniemen" in body
    pseudonyms = coded.pseudonymiser()
    title = pseudonyms.text("Marieke's aanpak in Amstelduin")
    assert re.fullmatch(r"Respondent \d+'s aanpak in Instelling [A-Z]+", title) and title in body
    assert pseudonyms.text("Bij ROC Amstelduin vertelde Marieke Jansen over impact.") in body
    frequency = document.tables[-1]
    mapping = pseudonyms.mapping_frame()
    letters = mapping[mapping["kind"] == "institution"]["pseudonym"].tolist()  # in letter order
    assert [c.text for c in frequency.rows[0].cells][1:3] == letters[:2]


def test_control_characters_from_a_transcript_never_stop_the_export(
    empty_project: Project, tmp_path: Path
) -> None:
    answer = (
        "Nou, eh, onze studenten\x0b gaan naar Spanje voor een stage van tien weken\x0c en ze "
        "komen terug als \x01ander mens, met veel meer zelfvertrouwen\x1f dan toen ze gingen."
    )
    ingest(empty_project, write_interview(tmp_path, "stuk", "ROC Kapotdal", [answer]))
    [segment_id] = segment_ids(empty_project, "ROC Kapotdal")
    text = empty_project.segments().set_index("segment_id").loc[segment_id, "text"]
    assert "\x0b" in text and "\x01" in text  # the control characters reached the store
    empty_project.apply_code(segment_id, "impact.student", "Femke Vos")
    empty_project.add_box("impact", "ROC Kapotdal", "Titel met\x07 bel", "Tekst\x00 met nul.")
    for anonymise in (False, True):
        path = empty_project.write_report(tmp_path / f"concept{anonymise}.docx",
                                          anonymise=anonymise, verbatim=True)
        document = Document(str(path))
        [(quote, _, _, _)] = [q for q in quotes_in(document) if not q[3]]
        cleaned = text.replace("\x0b", " ").replace("\x0c", " ")
        cleaned = cleaned.replace("\x01", "").replace("\x1f", "")
        assert quote == cleaned
        assert any(p.text == "Titel met bel" for p in all_paragraphs(document))
