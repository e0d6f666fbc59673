"""Word transcripts: bold labels, metadata table, multi-paragraph turns, tables, no furniture."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from ingest_checks import check_turns, labelled_layout

from analysis.ingest import IngestError, read_transcript


def bold_turn(document, label: str, speech: str, *, colon_in_bold: bool = True):
    paragraph = document.add_paragraph()
    if colon_in_bold:
        paragraph.add_run(f"{label}:").bold = True
        paragraph.add_run(f" {speech}")
    else:
        paragraph.add_run(label).bold = True
        paragraph.add_run(f": {speech}")
    return paragraph


def lindenhorst_docx(path: Path) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Vertrouwelijk – concepttranscript"
    section.footer.paragraphs[0].text = "Pagina 1 van 3"
    document.add_heading("Interview Vakcollege Lindenhorst", level=1)
    table = document.add_table(rows=0, cols=2)
    for key, value in [
        ("Instelling", "Vakcollege Lindenhorst"),
        ("Datum", "22 september 2026"),
        ("Geïnterviewde(n)", "Erik Hoekstra"),
        ("Functie", "lid college van bestuur"),
        ("Interviewer", "Thomas Verbeek"),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value
    bold_turn(
        document, "Thomas Verbeek", "Welkom. Hoe is internationalisering bij jullie begonnen?"
    )
    answer = bold_turn(
        document,
        "Erik Hoekstra",
        "Met één docent metaal die contacten had in Duitsland.",
        colon_in_bold=False,
    )
    document.add_comment(answer.runs[1], text="Klopt dit jaartal? Navragen.", author="Assistent")
    document.add_paragraph("Nou: dat liep niet meteen, want de roosters waren een probleem.")
    document.add_paragraph("Inmiddels gaan er ieder jaar veertig studenten naar het buitenland.")
    bold_turn(document, "Thomas Verbeek", "Kunt u de aantallen per opleiding noemen?")
    bold_turn(document, "Erik Hoekstra", "Ja, die heb ik hier:")
    numbers = document.add_table(rows=2, cols=2)
    numbers.cell(0, 0).text, numbers.cell(0, 1).text = "Metaal", "18"
    numbers.cell(1, 0).text, numbers.cell(1, 1).text = "ICT", "22"
    document.add_paragraph("Dat zijn de cijfers van vorig jaar.")
    speech_table = document.add_table(rows=0, cols=3)
    for stamp, who, said in [
        ("00:41:10", "Thomas Verbeek", "Tot slot: wat is uw ambitie?"),
        ("00:41:20", "Erik Hoekstra", "Dat elke student een keer over de grens kijkt."),
    ]:
        cells = speech_table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = stamp, who, said
    document.save(str(path))


def test_word_transcript_with_metadata_table_bold_labels_comments_and_tables(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lindenhorst_interview.docx"
    lindenhorst_docx(path)
    parsed = read_transcript(path, folder_metadata={})
    speeches = check_turns(parsed)
    labelled_layout(parsed)
    assert parsed.format == "docx"
    assert [t.speaker for t in parsed.turns] == ["Thomas Verbeek", "Erik Hoekstra"] * 3
    assert [t.role for t in parsed.turns] == ["interviewer", "respondent"] * 3
    assert speeches[1] == (
        "Met één docent metaal die contacten had in Duitsland.\n"
        "Nou: dat liep niet meteen, want de roosters waren een probleem.\n"
        "Inmiddels gaan er ieder jaar veertig studenten naar het buitenland."
    )
    assert (
        speeches[3]
        == "Ja, die heb ik hier:\nMetaal\n18\nICT\n22\nDat zijn de cijfers van vorig jaar."
    )
    assert speeches[4:] == [
        "Tot slot: wat is uw ambitie?",
        "Dat elke student een keer over de grens kijkt.",
    ]
    assert [t.media_start for t in parsed.turns[4:]] == [2470.0, 2480.0]
    assert parsed.metadata == {
        "institution": "Vakcollege Lindenhorst",
        "date": "2026-09-22",
        "respondents": ["Erik Hoekstra"],
        "roles": ["lid college van bestuur"],
        "interviewer": "Thomas Verbeek",
    }
    for furniture in ("Vertrouwelijk", "Pagina 1", "Navragen", "Instelling"):
        assert furniture not in parsed.text
    assert parsed.text.startswith("Interview Vakcollege Lindenhorst\n\nThomas Verbeek: Welkom.")


def test_plain_typed_labels_and_bold_label_without_colon(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: Wat zijn uw plannen met het nieuwe charter?")
    paragraph = document.add_paragraph()
    paragraph.add_run("Respondent").bold = True
    paragraph.add_run("\tWe willen de groene opleidingen laten aansluiten.")
    document.add_paragraph("Interviewer: Hoe dan?")
    paragraph = document.add_paragraph()
    paragraph.add_run("Ingrid Smit").bold = True
    paragraph.add_run("\tVia partners in Vlaanderen.")
    paragraph = document.add_paragraph()
    paragraph.add_run("Belangrijk").bold = True
    paragraph.add_run(" is dat de teams het zelf willen.")
    path = tmp_path / "groene_delta.docx"
    document.save(str(path))
    parsed = read_transcript(path, folder_metadata={})
    labelled_layout(parsed)
    assert check_turns(parsed) == [
        "Wat zijn uw plannen met het nieuwe charter?",
        "We willen de groene opleidingen laten aansluiten.",
        "Hoe dan?",
        "Via partners in Vlaanderen.\nBelangrijk is dat de teams het zelf willen.",
    ]
    assert [t.speaker for t in parsed.turns] == [
        "Interviewer",
        "Respondent",
        "Interviewer",
        "Ingrid Smit",
    ]
    assert [t.role for t in parsed.turns] == ["interviewer", "respondent"] * 2


def test_bold_sentence_opener_is_not_a_speaker(tmp_path: Path) -> None:
    document = docx.Document()
    bold_turn(document, "Interviewer", "Wat was het effect?")
    bold_turn(document, "Respondent", "Groot.")
    paragraph = document.add_paragraph()
    paragraph.add_run("Let op:").bold = True
    paragraph.add_run(" dat geldt alleen voor de entree-opleidingen.")
    path = tmp_path / "x.docx"
    document.save(str(path))
    parsed = read_transcript(path, folder_metadata={})
    assert check_turns(parsed)[1] == "Groot.\nLet op: dat geldt alleen voor de entree-opleidingen."


def test_docx_without_labels_is_one_turn_with_warning(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Samenvatting van het gesprek met de bestuurder.")
    document.add_paragraph("De school wil meer docenten laten uitwisselen.")
    path = tmp_path / "samenvatting.docx"
    document.save(str(path))
    parsed = read_transcript(path, folder_metadata={})
    assert check_turns(parsed) == [
        "Samenvatting van het gesprek met de bestuurder.\n"
        "De school wil meer docenten laten uitwisselen."
    ]
    assert parsed.turns[0].role == "respondent"
    assert "no speaker labels found; the whole text is one respondent turn" in parsed.warnings


@pytest.mark.parametrize(
    "data",
    [b"Dit is geen Word-bestand maar platte tekst.", b"PK\x03\x04" + bytes(range(256)) * 4],
)
def test_corrupt_docx_is_not_a_readable_word_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "kapot.docx"
    path.write_bytes(data)
    with pytest.raises(IngestError) as info:
        read_transcript(path, folder_metadata={})
    assert str(info.value) == "kapot.docx: is not a readable Word file (damaged, or not a .docx)"


def test_truncated_docx_is_not_a_readable_word_file(tmp_path: Path) -> None:
    good = tmp_path / "goed.docx"
    lindenhorst_docx(good)
    path = tmp_path / "afgebroken.docx"
    path.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(IngestError, match=r"^afgebroken\.docx: is not a readable Word file"):
        read_transcript(path, folder_metadata={})


def test_docx_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "leeg.docx"
    docx.Document().save(str(path))
    with pytest.raises(IngestError, match=r"^leeg\.docx: contains no text$"):
        read_transcript(path, folder_metadata={})


def test_bold_through_the_strong_character_style(tmp_path: Path) -> None:
    document = docx.Document()
    for label, speech in [
        ("Lotte Brouwer", "Welkom. Wat doet Maasdelta aan internationalisering?"),
        ("Rachid Bouzid", "Onze koks lopen stage in Lyon en Bologna."),
    ]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}:", style="Strong")
        paragraph.add_run(f" {speech}")
    path = tmp_path / "maasdelta.docx"
    document.save(str(path))
    parsed = read_transcript(path, folder_metadata={})
    labelled_layout(parsed)
    # Each name occurs once: only the bold style makes them trusted speaker labels.
    assert [t.speaker for t in parsed.turns] == ["Lotte Brouwer", "Rachid Bouzid"]
    assert check_turns(parsed)[1] == "Onze koks lopen stage in Lyon en Bologna."
