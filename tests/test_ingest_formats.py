"""Older and open formats (.odt, .rtf, .doc) and a folder in which every file is accounted for.

The .odt and .rtf files are built here; the .doc is a 10 KB Word 97 file made by
``scripts/make_doc_fixture.sh`` (LibreOffice), because no Python library writes that format.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from ingest_checks import check_turns, labelled_layout
from odfdo import Document, Header, Note, Paragraph, Table

import analysis.ingest.doc as doc_module
from analysis.cli import main
from analysis.ingest import IngestError, read_transcript

DOC_FIXTURE = Path(__file__).parent / "data" / "formats" / "oud_verslag.doc"


def odt_transcript(path: Path) -> Path:
    document = Document("text")
    body = document.body
    body.append(Header(1, "Gesprek ROC Kempenland"))
    table = Table("Gegevens", width=2, height=3)
    for row, (key, value) in enumerate(
        [("Instelling", "ROC Kempenland"), ("Datum", "2 oktober 2026"),
         ("Interviewer", "Thomas Verbeek")]
    ):
        table.set_value((0, row), key)
        table.set_value((1, row), value)
    body.append(table)
    body.append(Paragraph("Thomas Verbeek: Waar begon de uitwisseling met Porto mee?"))
    answer = Paragraph("Ilse van Dam: Met twee docenten zorg die er een week meeliepen.")
    answer.append(Note(note_id="n1", citation="1", body="Navragen welk jaar dit was."))
    body.append(answer)
    body.append(Paragraph("Dat  gaf\tmeteen energie in het team."))
    body.append(Paragraph("Thomas Verbeek: En de studenten?"))
    body.append(Paragraph("Ilse van Dam: Die volgen nu. Vorig jaar gingen er vijftien."))
    document.save(path)
    return path


RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Calibri;}}"
    r"{\info{\title Gesprek}}"
    r"\pard\b Instelling:\b0  Grafisch Lyceum Zuidwaard\par"
    r"\pard\b Datum:\b0  5 november 2026\par"
    r"\pard\par"
    r"\pard{\b Interviewer:} Wat levert het caf\'e9-project in Lissabon op?\par"
    r"\pard{\b Jeroen Smit:} Studenten koken daar voor echte gasten. Dat kost ons ongeveer "
    r"\u8364?400 per student{\footnote\pard Bedrag uit de begroting 2025.}, en het is het "
    r"waard.\par"
    r"\pard{\b Interviewer:} Waarom?\par"
    r"\pard{\b Jeroen Smit:} Omdat ze terugkomen met een ander beeld van hun vak.\par}"
)


def test_odt_reads_speakers_metadata_and_no_footnotes(tmp_path: Path) -> None:
    parsed = read_transcript(odt_transcript(tmp_path / "kempenland.odt"), folder_metadata={})
    speeches = check_turns(parsed)
    labelled_layout(parsed)
    assert parsed.format == "odt"
    assert [t.speaker for t in parsed.turns] == ["Thomas Verbeek", "Ilse van Dam"] * 2
    assert [t.role for t in parsed.turns] == ["interviewer", "respondent"] * 2
    assert speeches[1] == (
        "Met twee docenten zorg die er een week meeliepen.\nDat  gaf\tmeteen energie in het team."
    )
    assert "Navragen" not in parsed.text
    assert parsed.metadata["institution"] == "ROC Kempenland"
    assert parsed.metadata["date"] == "2026-10-02"


def test_rtf_reads_speakers_code_page_and_unicode(tmp_path: Path) -> None:
    path = tmp_path / "zuidwaard.rtf"
    path.write_bytes(RTF.encode("ascii"))
    parsed = read_transcript(path, folder_metadata={})
    speeches = check_turns(parsed)
    labelled_layout(parsed)
    assert parsed.format == "rtf"
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Jeroen Smit"] * 2
    assert [t.role for t in parsed.turns] == ["interviewer", "respondent"] * 2
    assert speeches[0] == "Wat levert het café-project in Lissabon op?"
    assert "€400 per student, en het is het waard." in speeches[1]
    assert "begroting" not in parsed.text
    assert parsed.metadata["institution"] == "Grafisch Lyceum Zuidwaard"
    assert parsed.metadata["date"] == "2026-11-05"


def test_rtf_that_is_not_rtf(tmp_path: Path) -> None:
    path = tmp_path / "nep.rtf"
    path.write_text("Interviewer: hallo\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"is not a Rich Text file"):
        read_transcript(path, folder_metadata={})


@pytest.mark.parametrize("converter", ["antiword", "soffice"])
def test_doc_is_converted_with_speakers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, converter: str
) -> None:
    if shutil.which(converter) is None:
        pytest.fail(f"{converter} is needed for this test (Debian: antiword, libreoffice-writer)")
    monkeypatch.setattr(doc_module, "converters", lambda: [converter])
    path = tmp_path / "oud_verslag.doc"
    shutil.copy(DOC_FIXTURE, path)
    parsed = read_transcript(path, folder_metadata={})
    speeches = check_turns(parsed)
    labelled_layout(parsed)
    assert parsed.format == "doc"
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Marieke Bos"] * 2
    assert speeches[1].startswith("Via een docent logistiek die daar een congres bezocht.")
    assert speeches[1].endswith("en één daarvan werkte.")
    assert parsed.metadata["institution"] == "ROC Oud-Rijnland"


def test_doc_that_is_rich_text_is_read_as_rtf(tmp_path: Path) -> None:
    path = tmp_path / "opgeslagen_als.doc"
    path.write_bytes(RTF.encode("ascii"))
    parsed = read_transcript(path, folder_metadata={})
    assert parsed.format == "doc" and len(parsed.turns) == 4


def test_doc_without_a_converter_names_the_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doc_module.shutil, "which", lambda _name: None)
    path = tmp_path / "oud_verslag.doc"
    shutil.copy(DOC_FIXTURE, path)
    with pytest.raises(IngestError) as caught:
        read_transcript(path, folder_metadata={})
    assert str(caught.value) == (
        "oud_verslag.doc: .doc is not read here (neither antiword nor LibreOffice is installed); "
        "save it as .docx"
    )


def _mixed_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "amstelveen.txt").write_text(
        "Interviewer: Wat doen jullie met de ervaringen van studenten?\n\n"
        "Respondent: We laten ze presenteren in de eerstejaarsklassen.\n",
        encoding="utf-8",
    )
    word = docx.Document()
    word.add_paragraph("Interviewer: Hoe betrekken jullie het bedrijfsleven?")
    word.add_paragraph("Respondent: Via de praktijkbegeleiders, die gaan soms mee.")
    word.save(folder / "bergland.docx")
    shutil.copy(DOC_FIXTURE, folder / "oud_verslag.doc")
    odt_transcript(folder / "kempenland.odt")
    (folder / "zuidwaard.rtf").write_bytes(RTF.encode("ascii"))
    (folder / "notities.pages").write_bytes(b"PK\x03\x04 niet te lezen")
    (folder / "~$rgland.docx").write_bytes(b"\x0bThomas   ")  # Word's lock file
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "metadata.csv").write_text(
        "file,institution\namstelveen.txt,ROC Amstelveen\n", encoding="utf-8"
    )
    (folder / "bergland.yaml").write_text("institution: Bergland College\n", encoding="utf-8")
    return folder


def test_a_folder_accounts_for_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _mixed_folder(tmp_path / "map")
    project = folder / "interviews.db"  # the project beside the transcripts is not reported
    assert main(["transcripts", "--project", str(project)]) == 0
    capsys.readouterr()
    code = main(["ingest", str(folder), "--project", str(project), "-q"])
    out, err = capsys.readouterr()
    assert code == 1  # documented: 1 when any file of the batch is not in the project
    assert "Traceback" not in err
    assert out.splitlines()[-1] == "5 imported, 0 unchanged, 0 failed, 1 skipped"
    imported = {line.split()[1].rstrip(":") for line in out.splitlines() if "imported " in line}
    assert imported == {
        "amstelveen.txt", "bergland.docx", "oud_verslag.doc", "kempenland.odt", "zuidwaard.rtf"
    }
    assert err.strip() == (
        "skipped  notities.pages: .pages is not read; export it from Pages as .docx"
    )
    for quiet in ("~$rgland", ".DS_Store", "metadata.csv", "bergland.yaml"):
        assert quiet not in out + err

    assert main(["transcripts", "--project", str(project)]) == 0
    listing = capsys.readouterr().out
    for college in ("ROC Amstelveen", "Bergland College", "ROC Oud-Rijnland", "ROC Kempenland",
                    "Grafisch Lyceum Zuidwaard"):
        assert college in listing


def test_a_folder_without_a_doc_converter_skips_the_doc_with_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doc_module.shutil, "which", lambda _name: None)
    folder = _mixed_folder(tmp_path / "map")
    code = main(["ingest", str(folder), "--project", str(tmp_path / "p.db"), "-q"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[-1] == "4 imported, 0 unchanged, 0 failed, 2 skipped"
    assert (
        "skipped  oud_verslag.doc: .doc is not read here (neither antiword nor "
        "LibreOffice is installed); save it as .docx"
    ) in [line.strip() for line in err.splitlines()]


def test_a_folder_of_transcripts_only_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "map"
    folder.mkdir()
    (folder / "zuidwaard.rtf").write_bytes(RTF.encode("ascii"))
    (folder / ".~lock.zuidwaard.rtf#").write_text("Noor,host,01.12.2026", encoding="utf-8")
    assert main(["ingest", str(folder), "--project", str(tmp_path / "p.db"), "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "1 imported, 0 unchanged, 0 failed, 0 skipped"
    )


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 40, b"Interviewer: platte tekst onder een .doc-naam\n"],
)
def test_a_doc_without_a_word_header_is_refused_not_converted(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "kapot.doc"
    path.write_bytes(content)
    with pytest.raises(IngestError) as caught:
        read_transcript(path, folder_metadata={})
    assert str(caught.value) == (
        "kapot.doc: is not a Word 97-2003 file (no Word header); if it is plain text, rename it "
        "to .txt"
    )


def test_a_pipe_or_device_in_a_folder_is_skipped_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "map"
    folder.mkdir()
    (folder / "zuidwaard.rtf").write_bytes(RTF.encode("ascii"))
    os.mkfifo(folder / "wacht.txt")  # reading it would wait for a writer for ever
    (folder / "nul.txt").symlink_to("/dev/zero")  # reading it would never end
    code = main(["ingest", str(folder), "--project", str(tmp_path / "p.db"), "-q"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[-1] == "1 imported, 0 unchanged, 0 failed, 2 skipped"
    assert sorted(line.strip() for line in err.splitlines()) == [
        "skipped  nul.txt: is a device, not a transcript file; not read",
        "skipped  wacht.txt: is a named pipe, not a transcript file; not read",
    ]


def test_an_odt_that_is_damaged_or_not_a_text(tmp_path: Path) -> None:
    damaged = tmp_path / "kapot.odt"
    damaged.write_bytes(b"geen OpenDocument")
    with pytest.raises(IngestError) as caught:
        read_transcript(damaged, folder_metadata={})
    assert str(caught.value) == (
        "kapot.odt: is not a readable OpenDocument text (damaged, or not .odt)"
    )
    sheet = tmp_path / "cijfers.odt"
    with zipfile.ZipFile(sheet, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(IngestError) as caught:
        read_transcript(sheet, folder_metadata={})
    assert str(caught.value) == "cijfers.odt: is an OpenDocument spreadsheet, not a text"
