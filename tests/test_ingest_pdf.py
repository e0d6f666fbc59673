"""PDF transcripts: the text layer with speaker turns; scans and damaged files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from ingest_checks import check_turns, labelled_layout
from pypdf import PdfWriter

from analysis.ingest import IngestError, read_transcript

PAGES = [
    [
        "Verslag interview ROC IJsselvallei",
        "Datum: 13 oktober 2026",
        "Interviewer: Sanne de Wit",
        "Geïnterviewden: Fatima El Amrani (lid CvB), Bart Kuipers (coördinator)",
        "",
        "Sanne de Wit: Wat is de rol van het college van bestuur bij de",
        "internationalisering?",
        "Fatima El Amrani: Wij zetten de koers uit. Bart Kuipers doet de",
        "uitvoering, samen met de teams.",
    ],
    [
        "Bart Kuipers: Klopt. Ik coördineer alle aanvragen en de",
        "begeleiding van studenten met een beperking, ook bij de entree-opleidingen.",
        "Sanne de Wit: Wat levert het de studenten op?",
        "Fatima El Amrani: Zelfvertrouwen. Dat zie je terug in de stagebeoordelingen.",
    ],
]


class _Transcript(FPDF):
    """A typed transcript as an office exports it: running header and page numbers."""

    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.cell(0, 6, "ROC IJsselvallei - vertrouwelijk", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 6, f"Pagina {self.page_no()} van {{nb}}")


def write_pdf(path: Path, pages: list[list[str]]) -> None:
    pdf = _Transcript()
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_pdf_text_layer_turns_across_pages(tmp_path: Path) -> None:
    path = tmp_path / "ijsselvallei_gesprek.pdf"
    write_pdf(path, PAGES)
    parsed = read_transcript(path, folder_metadata={})
    speeches = check_turns(parsed)
    labelled_layout(parsed)
    assert parsed.format == "pdf"
    assert [t.speaker for t in parsed.turns] == [
        "Sanne de Wit",
        "Fatima El Amrani",
        "Bart Kuipers",
        "Sanne de Wit",
        "Fatima El Amrani",
    ]
    assert [t.role for t in parsed.turns] == [
        "interviewer",
        "respondent",
        "respondent",
        "interviewer",
        "respondent",
    ]
    assert speeches[0] == "Wat is de rol van het college van bestuur bij de internationalisering?"
    assert (
        speeches[1]
        == "Wij zetten de koers uit. Bart Kuipers doet de uitvoering, samen met de teams."
    )
    assert speeches[2].endswith("ook bij de entree-opleidingen.")
    assert parsed.metadata["date"] == "2026-10-13"
    assert parsed.metadata["interviewer"] == "Sanne de Wit"
    assert parsed.metadata["respondents"] == ["Fatima El Amrani", "Bart Kuipers"]
    assert parsed.metadata["roles"] == ["lid CvB", "coördinator"]
    assert "Pagina" not in parsed.text and "vertrouwelijk" not in parsed.text
    # The header block (title and key lines) is metadata, not part of the laid-out text.
    assert parsed.text.startswith("Sanne de Wit: Wat is de rol")
    assert parsed.metadata["institution"] == "IJsselvallei"


def test_scanned_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(IngestError) as info:
        read_transcript(path, folder_metadata={})
    assert str(info.value) == "scan.pdf: has no text layer (scanned PDF?); OCR is not supported"


def test_damaged_pdf_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "goed.pdf"
    write_pdf(good, PAGES)
    path = tmp_path / "kapot.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"rommel " * 50)
    with pytest.raises(IngestError) as info:
        read_transcript(path, folder_metadata={})
    assert str(info.value) == "kapot.pdf: is not a readable PDF file (damaged, or not a PDF)"


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "goed.pdf"
    write_pdf(good, PAGES)
    writer = PdfWriter(clone_from=str(good))
    writer.encrypt(user_password="geheim", algorithm="RC4-128")
    path = tmp_path / "beveiligd.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(IngestError) as info:
        read_transcript(path, folder_metadata={})
    assert (
        str(info.value) == "beveiligd.pdf: is password-protected; save it without a password first"
    )
