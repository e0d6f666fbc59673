"""Write a :class:`~analysis.report.model.Draft` as an editable Word document (python-docx).

The evaluators finish the draft in Word, so it uses Word's own machinery rather than look-alike
formatting: built-in styles (Title, Heading 1/2, Quote and Intense Quote for pull quotes,
Caption, a table style), a table-of-contents field and SEQ-numbered captions that Word fills
when the document opens, a PAGE field in the footer, and Dutch as the language of every style
so the spelling checker works. With a template (the agency's house style, ``.docx`` or
``.dotx``) its styles, page set-up, headers and footers are used and its body is dropped; a
style the template lacks is added with a plain definition.

Every text passes :func:`xml_safe` on its way in, so control characters that came with a
transcript never stop the export. The file is written to a temporary name and renamed, so an
interrupted export leaves no half-written document.
"""

from __future__ import annotations

import copy
import io
import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from analysis.findings.prose import Paragraph as FindingParagraph
from analysis.findings.prose import Sentence
from analysis.messages import fail
from analysis.report.items import ReportError
from analysis.report.model import SUGGESTED_MARK, Box, Draft, Quote, Table, ThemeChapter
from analysis.safe_write import write_bytes

TABLE_STYLES = ("Light Grid Accent 1", "Table Grid")  # first one the document has is used
BOX_FILL = "EAF1FB"
MAX_TABLE_COLUMNS = 14  # wider frequency tables are split into several
TOC_LEVELS = "1-2"
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.5)

# Definitions for styles a user template may lack: (base style, bold, italic, size in pt,
# outline level for headings so the table of contents finds them).
_FALLBACK_STYLES: dict[str, tuple[str, bool, bool, float, int | None]] = {
    "Title": ("Normal", True, False, 26, None),
    "Subtitle": ("Normal", False, True, 14, None),
    "Heading 1": ("Normal", True, False, 16, 0),
    "Heading 2": ("Normal", True, False, 13, 1),
    "Quote": ("Normal", False, True, 11, None),
    "Intense Quote": ("Normal", True, True, 12, None),
    "Caption": ("Normal", False, True, 9, None),
    "List Bullet": ("Normal", False, False, 11, None),
}
COMMENT_AUTHOR = "Interviewanalyse"
STEPS_HEADING = "Stappen naar een volgende fase"
COMMENT_REFS = 12  # passages listed in one comment; the rest are counted
COMMENT_EXCERPT = 90  # characters of each passage in a comment
# The comment on a quote that rests only on a machine suggestion (``Quote.suggested``).
SUGGESTED_COMMENT = [
    f"{SUGGESTED_MARK[0].upper()}{SUGGESTED_MARK[1:]}: alleen een suggestie van de software "
    "plaatst dit fragment onder deze code; geen codeur heeft die code hier geaccepteerd.",
    "Beoordeel de suggestie op de pagina Coderen, of kies zelf citaten op de pagina Rapport.",
]

# The elements that follow w:updateFields in w:settings (ECMA-376 CT_Settings).
_AFTER_UPDATE_FIELDS = frozenset(
    qn(f"w:{name}") for name in (
        "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
        "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
        "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
        "decimalSymbol", "listSeparator",
    )
) | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}

_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")
_BREAKS = re.compile("[\x0b\x0c]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def xml_safe(text: str | None) -> str:
    """Text Word's XML can hold. XML 1.0 forbids most control characters, U+FFFE/U+FFFF and lone
    surrogates, and python-docx raises on them: vertical tab and form feed (line and page breaks
    from pasted text) become a space, lone surrogates U+FFFD, the other forbidden ones go."""
    if not text:
        return ""
    text = _BREAKS.sub(" ", text)
    text = _SURROGATES.sub("\ufffd", text)
    return _FORBIDDEN.sub("", text)


def write_docx(draft: Draft, path: str | os.PathLike[str], *, template: str | os.PathLike[str]
               | None = None) -> Path:
    """Write the draft to ``path`` (atomically) and return the path."""
    document = _open(template)
    writer = _Writer(document)
    writer.write(draft)
    target = Path(path)
    buffer = io.BytesIO()
    document.save(buffer)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(target, buffer.getvalue())
    return target


# --- opening the document --------------------------------------------------------------------


def _open(template: str | os.PathLike[str] | None) -> DocumentObject:
    """A new document, or one on the template's styles with its body cleared."""
    if template is None:
        document = Document()
        section = document.sections[0]  # python-docx's own template is US Letter
        section.page_width, section.page_height = A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)
        return document
    path = Path(template)
    if not path.is_file():
        raise FileNotFoundError(f"template {path} does not exist")
    try:
        data = path.read_bytes()
        if path.suffix.lower() == ".dotx":
            data = _dotx_as_docx(data)
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, ValueError, KeyError) as error:
        raise fail(ReportError, "report.bad_template", template=path.name, error=error) from error
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _dotx_as_docx(data: bytes) -> bytes:
    """A Word template (.dotx) differs from a document only in its main part's content type."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"wordprocessingml.template.main+xml", b"wordprocessingml.document.main+xml"
                )
            target.writestr(item, content)
    return output.getvalue()


# --- the writer ------------------------------------------------------------------------------


class _Writer:
    def __init__(self, document: DocumentObject) -> None:
        self.document = document
        self.tables = 0
        self.figures = 0
        self._style_ids: dict[str, str | None] = {}
        for name in _FALLBACK_STYLES:
            self._ensure_style(name)
        names = {style.name for style in document.styles}
        self.table_style = next((name for name in TABLE_STYLES if name in names), None)

    def write(self, draft: Draft) -> None:
        self._language(draft.language)
        self._properties(draft)
        self._page_numbers()
        self._front(draft)
        self._introduction(draft)
        self._method(draft)
        for chapter in draft.themes:
            self._theme(chapter)
        self._phases(draft)
        self._next_steps(draft)
        self._appendices(draft)
        self._update_fields_on_open()

    # document-wide settings

    def _ensure_style(self, name: str) -> None:
        styles = self.document.styles
        if name in [style.name for style in styles]:
            return
        base, bold, italic, size, outline = _FALLBACK_STYLES[name]
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.font.bold, style.font.italic, style.font.size = bold, italic, Pt(size)
        if outline is not None:
            properties = style.element.get_or_add_pPr()
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), str(outline))
            properties.append(level)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.space_before = Pt(12)

    def _language(self, language: str) -> None:
        """Dutch for the document defaults and every style that names a language itself."""
        root = self.document.styles.element
        defaults = root.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = OxmlElement("w:docDefaults")
            root.insert(0, defaults)
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is None:
            run_defaults = OxmlElement("w:rPrDefault")
            defaults.insert(0, run_defaults)
        properties = run_defaults.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            run_defaults.append(properties)
        lang = properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            properties.append(lang)
        for element in [lang, *root.iter(qn("w:lang"))]:
            element.set(qn("w:val"), language)  # East Asian and bidi languages stay as they are
        settings = self.document.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), language)

    def _properties(self, draft: Draft) -> None:
        """Neutral core properties: a template's author, comments or keywords never carry over."""
        core = self.document.core_properties
        core.title = xml_safe(draft.title)
        core.subject = "Concept"
        core.author = core.last_modified_by = xml_safe(draft.author)
        core.language = draft.language
        core.keywords = core.comments = core.category = core.identifier = ""
        core.content_status = "Concept"
        core.revision = 1

    def _page_numbers(self) -> None:
        """A centred PAGE field in the footer, unless the template's footer already has one."""
        footer = self.document.sections[0].footer
        if any("PAGE" in (node.text or "") for node in footer._element.iter(qn("w:instrText"))):
            return
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        if paragraph.text.strip():
            paragraph = footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(paragraph, "PAGE", "1")

    def _update_fields_on_open(self) -> None:
        """Ask Word to fill the table of contents and caption numbers when it opens the file."""
        settings = self.document.settings.element
        if settings.find(qn("w:updateFields")) is not None:
            return
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        # The schema fixes the order of settings; Word rejects a file with one out of place.
        later = next((child for child in settings if child.tag in _AFTER_UPDATE_FIELDS), None)
        if later is None:
            settings.append(update)
        else:
            later.addprevious(update)

    # building blocks

    def _paragraph(self, text: str, style: str | None = None) -> Paragraph:
        return self._add_paragraph(self.document, xml_safe(text), style)

    def _add_paragraph(
        self, target: DocumentObject | _Cell, text: str = "", style: str | None = None
    ) -> Paragraph:
        """``target.add_paragraph(text, style)`` with the style's id looked up once per name:
        python-docx searches the styles part on every call, which took a tenth of the writing
        time at 1,000 interviews."""
        paragraph = target.add_paragraph(text)
        if style is not None:
            if style not in self._style_ids:
                self._style_ids[style] = self.document.part.get_style_id(
                    self.document.styles[style], WD_STYLE_TYPE.PARAGRAPH
                )
            paragraph._p.style = self._style_ids[style]
        return paragraph

    def _heading(self, text: str, level: int, *, new_page: bool = False) -> Paragraph:
        paragraph = self._add_paragraph(self.document, xml_safe(text), f"Heading {level}")
        if new_page:
            paragraph.paragraph_format.page_break_before = True
        return paragraph

    def _prose(self, paragraphs: list[FindingParagraph]) -> None:
        """Findings prose: every sentence carries a Word comment listing the passages (college,
        excerpt, fragment number, reviewed or suggestion) the claim rests on."""
        for block in paragraphs:
            if block.bullets:
                if block.lead:
                    self._sentences(self.document.add_paragraph(), [block.lead])
                for sentence in block.sentences:
                    item = self._add_paragraph(self.document, style="List Bullet")
                    self._sentences(item, [sentence])
            else:
                self._sentences(self.document.add_paragraph(), block.sentences)

    def _sentences(self, paragraph: Paragraph, sentences: list[Sentence]) -> None:
        for index, sentence in enumerate(sentences):
            run = paragraph.add_run(xml_safe(("" if index == 0 else " ") + sentence.text))
            if sentence.refs:
                self._comment(run, _comment_text(sentence).split("\n"))

    def _comment(self, run: Run, lines: list[str]) -> None:
        """A Word comment on ``run``, a paragraph per line, as ``add_comment(text=...)`` writes it.

        python-docx puts text in character by character; a line after the second is a copy of
        the second's paragraph with its text put in (a tenth of the draft's time at 1,000
        interviews went into comment text)."""
        comment = self.document.add_comment(run, text=lines[0], author=COMMENT_AUTHOR,
                                            initials="IA")
        template = None
        for line in lines[1:]:
            if template is None or _needs_runs(line):
                paragraph = comment.add_paragraph(text=line)
                if template is None and not _needs_runs(line):
                    template = paragraph._p
                continue
            p = copy.deepcopy(template)
            t = p.find(f"{qn('w:r')}/{qn('w:t')}")
            _set_text(t, line)
            template.getparent().append(p)

    def _placeholder_or_text(self, text: str) -> None:
        """Placeholders "[...]" are highlighted so the evaluator sees what is left to write."""
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(xml_safe(text))
        if text.startswith("[") and text.endswith("]"):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def _quote(
        self, quote: Quote, *, pull: bool = False, container: _Cell | None = None
    ) -> Paragraph:
        """The quote verbatim in typographic quotes, its attribution on a line of its own. A
        quote that rests only on a machine suggestion says so after its attribution and in a
        Word comment on its text, so that it is checked before the draft goes out."""
        target = container if container is not None else self.document
        paragraph = self._add_paragraph(target, style="Intense Quote" if pull else "Quote")
        text = paragraph.add_run(f"“{xml_safe(quote.text)}”")
        paragraph.add_run().add_break()
        attribution = paragraph.add_run(f"— {xml_safe(quote.attribution)}")
        attribution.italic = False
        attribution.font.size = Pt(9)
        if quote.suggested:
            mark = paragraph.add_run(f" ({SUGGESTED_MARK})")
            mark.italic = False
            mark.font.size = Pt(9)
            mark.font.highlight_color = WD_COLOR_INDEX.YELLOW
            self._comment(text, SUGGESTED_COMMENT)
        return paragraph

    def _caption(self, label: str, number: int, text: str) -> Paragraph:
        paragraph = self._add_paragraph(self.document, style="Caption")
        paragraph.add_run(f"{label} ")
        _field(paragraph, f"SEQ {label} \\* ARABIC", str(number))
        paragraph.add_run(f". {xml_safe(text)}")
        return paragraph

    def _table(
        self, table: Table, *, font_size: float | None = None,
        widths: Sequence[float] | None = None,
    ) -> None:
        """A captioned table; ``widths`` are shares of the text width (default: the first column
        twice as wide as the others)."""
        columns = len(table.header)
        if columns - 1 > MAX_TABLE_COLUMNS:
            # Split the columns after the first (the row labels) over several tables.
            body = list(range(1, columns))
            for start in range(0, len(body), MAX_TABLE_COLUMNS):
                chosen = [0, *body[start:start + MAX_TABLE_COLUMNS]]
                self._table(
                    Table(
                        caption=table.caption + " (vervolg)" if start else table.caption,
                        header=[table.header[i] for i in chosen],
                        rows=[[row[i] for i in chosen] for row in table.rows],
                    ),
                    font_size=font_size,
                    widths=widths,
                )
            return
        self.tables += 1
        self._caption("Tabel", self.tables, table.caption)
        shares = list(widths) if widths else [2.0] + [1.0] * (columns - 1)
        lengths = [int(self._text_width() * share / sum(shares)) for share in shares]
        grid = self.document.add_table(rows=1, cols=columns)
        if self.table_style:
            grid.style = self.document.styles[self.table_style]
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        for column, length in zip(grid.columns, lengths, strict=True):
            column.width = length
        cells = zip(grid.rows[0].cells, table.header, lengths, strict=True)
        for cell, text, length in cells:
            _cell_text(cell, text, font_size, length, bold=True)
        _repeat_header(grid)
        _body_rows(grid, table.rows, font_size, lengths)
        self.document.add_paragraph()

    def _text_width(self) -> int:
        """The width between the margins of the current (last) section, in EMU."""
        section = self.document.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    def _box(self, box: Box) -> None:
        """An example box: a shaded one-cell table with the college's story (a proposal is
        marked as such in its title)."""
        self._box_table(box)

    def _box_table(self, box: Box) -> None:
        """An example box: a shaded one-cell table with the college's story."""
        grid = self.document.add_table(rows=1, cols=1)
        if "Table Grid" in {style.name for style in self.document.styles}:
            grid.style = self.document.styles["Table Grid"]
        grid.autofit = False
        cell = grid.rows[0].cells[0]
        cell.width = self._text_width()
        _shade(cell, BOX_FILL)
        title = cell.paragraphs[0]
        if box.proposed:
            mark = title.add_run("Voorstel voor een voorbeeldkader: ")
            mark.italic = True
            mark.font.size = Pt(12)
        run = title.add_run(xml_safe(box.title))
        run.bold = True
        run.font.size = Pt(12)
        if box.text:
            cell.add_paragraph(xml_safe(box.text))
        if box.proposed:
            hint = cell.add_paragraph().add_run(
                "Neem dit voorstel over op de pagina Rapport, schrijf het kader uit of laat het "
                "weg."
            )
            hint.font.size = Pt(9)
        if box.quote:
            self._quote(box.quote, container=cell)
        source = cell.add_paragraph()
        source_run = source.add_run(xml_safe(box.institution))
        source_run.italic = True
        source_run.font.size = Pt(9)
        self.document.add_paragraph()

    # chapters

    def _front(self, draft: Draft) -> None:
        self._paragraph(draft.title, "Title")
        self._paragraph(draft.subtitle, "Subtitle")
        for line in (
            draft.evaluation, draft.agency,
            f"Gesprekken gevoerd: {draft.fieldwork}" if draft.fieldwork else "",
            f"Concept van {draft.date}" if draft.date else "",
        ):
            if line:
                self._paragraph(line)
        if draft.anonymised:
            self._paragraph(
                "Namen van instellingen en personen zijn in deze versie vervangen door "
                "pseudoniemen."
            )
        heading = self._paragraph("Inhoud", "Subtitle")
        heading.paragraph_format.space_before = Pt(18)
        toc = self.document.add_paragraph()
        _field(
            toc,
            f'TOC \\o "{TOC_LEVELS}" \\h \\z \\u',
            "Open het document in Word en werk de velden bij (F9) om de inhoudsopgave te vullen.",
        )

    def _introduction(self, draft: Draft) -> None:
        self._heading("Inleiding", 1, new_page=True)
        for text in draft.introduction:
            self._placeholder_or_text(text)
        colleges = self._paragraph("  –  ".join(draft.colleges))
        colleges.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in colleges.runs:
            run.bold = True

    def _method(self, draft: Draft) -> None:
        self._heading("Werkwijze", 1, new_page=True)
        for text in draft.method:
            self._placeholder_or_text(text)
        if draft.agreement:
            self._table(draft.agreement)

    def _theme(self, chapter: ThemeChapter) -> None:
        self._heading(chapter.title, 1, new_page=True)
        if chapter.intro and chapter.intro != chapter.definition:
            self._placeholder_or_text(chapter.intro)
        if chapter.definition:
            definition = self.document.add_paragraph()
            definition.add_run("Afbakening (uit het codeboek): ").bold = True
            definition.add_run(xml_safe(chapter.definition)).italic = True
        self._prose(chapter.prose)
        pulled = False
        for quote in chapter.quotes:
            self._quote(quote, pull=not pulled)
            pulled = True
        for sub in chapter.subthemes:
            self._heading(sub.label, 2)
            if sub.prose:
                self._prose(sub.prose)
            else:
                self._placeholder_or_text("[Nog geen fragmenten bij dit subthema gecodeerd.]")
            for quote in sub.quotes:
                self._quote(quote, pull=not pulled)
                pulled = True
        for box in chapter.boxes:
            self._box(box)

    def _phases(self, draft: Draft) -> None:
        chapter = draft.phases
        self._heading(chapter.title, 1, new_page=True)
        self._placeholder_or_text(chapter.intro)
        for text in chapter.narrative:
            self._paragraph(text)
        picture = self.document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        shape = picture.add_run().add_picture(io.BytesIO(chapter.chart_png), width=Cm(13))
        shape._inline.docPr.set("descr", xml_safe(chapter.chart_alt))
        shape._inline.docPr.set("name", "Fasen per instelling")
        self.figures += 1
        self._caption("Figuur", self.figures, "Aantal instellingen per ontwikkelingsfase")
        for section in chapter.phases:
            self._heading(section.title, 2)
            self._paragraph(section.description)
        if chapter.evidence:
            self._heading("Per instelling", 2)
            for college, where, quote in chapter.evidence:
                line = self.document.add_paragraph()
                line.add_run(xml_safe(college)).bold = True
                line.add_run(xml_safe(f", {where}"))
                if quote:
                    self._quote(quote)
        if chapter.steps:
            self._heading(STEPS_HEADING, 2)
            self._prose(chapter.steps)
        for box in chapter.boxes:
            self._box(box)

    def _next_steps(self, draft: Draft) -> None:
        self._heading("Hoe verder?", 1, new_page=True)
        for text in draft.next_steps:
            self._placeholder_or_text(text)

    def _appendices(self, draft: Draft) -> None:
        self._heading("Bijlage A. Codeboek", 1, new_page=True)
        self._table(draft.codebook, font_size=9, widths=(3, 6))
        if draft.phase_table:
            self._heading("Bijlage B. Fasen per instelling", 1, new_page=True)
            self._table(draft.phase_table, widths=(4, 2, 3))
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        if section.page_width < section.page_height:
            section.page_width, section.page_height = section.page_height, section.page_width
        self._heading(f"Bijlage {'C' if draft.phase_table else 'B'}. Codes per instelling", 1)
        self._table(draft.frequencies, font_size=8)


def _comment_text(sentence: Sentence) -> str:
    """"Bron: ROC X, fragment 12 (beoordeeld): ‘…’" for each passage, at most COMMENT_REFS."""
    lines = []
    for ref in sentence.refs[:COMMENT_REFS]:
        excerpt = " ".join(ref.text.split())
        if len(excerpt) > COMMENT_EXCERPT:
            excerpt = excerpt[:COMMENT_EXCERPT].rsplit(" ", 1)[0] + " …"
        status = "beoordeeld" if ref.reviewed else "suggestie"
        lines.append(xml_safe(f"{ref.institution}, fragment {ref.segment_id} ({status}): "
                              f"‘{excerpt}’"))
    rest = len(sentence.refs) - COMMENT_REFS
    if rest > 0:
        lines.append(f"en {rest} {'ander fragment' if rest == 1 else 'andere fragmenten'}")
    return "Bron: " + "\n".join(lines)


# --- XML helpers python-docx has no API for ----------------------------------------------------


def _field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A complex field (TOC, PAGE, SEQ) with the text shown until Word updates it."""

    def fld_char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    fld_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    fld_char("separate")
    paragraph.add_run(xml_safe(cached))
    fld_char("end")


def _cell_text(
    cell: _Cell, text: str, font_size: float | None, width: int, *, bold: bool = False
) -> None:
    cell.width = width  # per cell as well: Word reads the grid, LibreOffice the cells
    run = cell.paragraphs[0].add_run(xml_safe(text))
    run.bold = bold or None
    if font_size:
        run.font.size = Pt(font_size)


def _body_rows(
    grid: DocxTable, rows: Sequence[Sequence[str]], font_size: float | None,
    lengths: Sequence[int],
) -> None:
    """The table's body: the first row cell by cell through python-docx, every further row a
    copy of it with its texts put in. python-docx re-reads the table's XML for each cell, which
    made the appendix tables (a column per college) the slowest part of the draft at 1,000
    interviews; the copy has the same XML as filling each row cell by cell."""
    template = None
    for row in rows:
        if template is None or any(_needs_runs(text) for text in row):
            cells = grid.add_row().cells
            for cell, text, length in zip(cells, row, lengths, strict=True):
                _cell_text(cell, text, font_size, length)
            if template is None and not any(_needs_runs(text) for text in row):
                template = copy.deepcopy(grid.rows[-1]._tr)
            continue
        tr = copy.deepcopy(template)
        for tc, text in zip(tr.iterchildren(qn("w:tc")), row, strict=True):
            _set_text(tc.find(f"{qn('w:p')}/{qn('w:r')}/{qn('w:t')}"), xml_safe(text))
        grid._tbl.append(tr)


def _set_text(t: BaseOxmlElement, text: str) -> None:
    """Put ``text`` (no line breaks or tabs) in a copied <w:t> as python-docx would."""
    t.text = text
    if len(text.strip()) < len(text):
        t.set(qn("xml:space"), "preserve")
    else:
        t.attrib.pop(qn("xml:space"), None)


def _needs_runs(text: str) -> bool:
    """Text that python-docx writes as more than one plain <w:t> (or none at all)."""
    return not text or any(c in text for c in "\n\t\r")


def _repeat_header(table: DocxTable) -> None:
    """Repeat the first row on every page a long table runs over."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)

