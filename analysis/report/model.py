"""The publication draft as plain data: what the report says, before any file format.

``build.build_draft`` fills it from the project (with names already pseudonymised when asked);
``docx_writer.write_docx`` turns it into Word. Keeping the two apart lets the app preview a draft,
lets tests check content without parsing Word, and would let another writer (Markdown, HTML) be
added without touching the selection logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.findings.prose import Paragraph


@dataclass(frozen=True)
class Quote:
    """A verbatim segment (pseudonymised when the draft is) with its attribution.

    ``selected`` tells whether the evaluator chose it or the builder picked it as best supported.
    ``suggested``: it rests only on a machine suggestion, no person's decision (the evaluator did
    not choose it and no coder accepted its code on that passage); the draft marks it
    :data:`SUGGESTED_MARK`, as it marks a claim on unreviewed passages "voorlopig".
    """

    segment_id: int
    text: str
    attribution: str
    institution: str
    selected: bool = False
    suggested: bool = False


SUGGESTED_MARK = "voorstel, niet beoordeeld"


@dataclass(frozen=True)
class Box:
    """An example box: one college's story, picked and written by the evaluator."""

    title: str
    text: str
    institution: str
    quote: Quote | None = None
    proposed: bool = False  # proposed by the builder (a distinctive practice), not picked


@dataclass
class SubTheme:
    """A sub-code within a theme chapter."""

    key: str
    label: str
    definition: str
    colleges: int
    segments: int
    quotes: list[Quote] = field(default_factory=list)
    prose: list[Paragraph] = field(default_factory=list)  # findings, each sentence with refs


@dataclass
class ThemeChapter:
    """One chapter per top-level code of the codebook."""

    key: str
    title: str
    intro: str
    definition: str
    colleges: int
    segments: int
    total_colleges: int
    quotes: list[Quote] = field(default_factory=list)  # quotes on the theme as a whole
    subthemes: list[SubTheme] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    prose: list[Paragraph] = field(default_factory=list)  # passages on no sub-theme
    # (segment id, code) of every passage the chapter's claims and quotes rest on
    evidence: list[tuple[int, str]] = field(default_factory=list)

    def sentences(self) -> list:
        """Every finding sentence of the chapter (list leads and items included)."""
        found = []
        for paragraphs in [self.prose, *(sub.prose for sub in self.subthemes)]:
            for paragraph in paragraphs:
                if paragraph.lead:
                    found.append(paragraph.lead)
                found.extend(paragraph.sentences)
        return found


@dataclass(frozen=True)
class PhaseSection:
    """One of the four phases: its description and a quote that carries it, if any."""

    number: int
    title: str
    description: str
    quote: Quote | None = None


@dataclass(frozen=True)
class PhaseRow:
    """One college's phase in the overview table."""

    institution: str
    label: str  # "3", "tussen 2 en 3", "onbekend"
    basis: str  # "oordeel evaluator" or "schatting (zekerheid 0,62)"


@dataclass
class PhasesChapter:
    title: str
    intro: str
    phases: list[PhaseSection]
    rows: list[PhaseRow]
    counts: dict[str, int]  # bar label ("Fase 1", "Fase 2–3") -> number of colleges
    chart_png: bytes
    chart_alt: str
    boxes: list[Box] = field(default_factory=list)
    narrative: list[str] = field(default_factory=list)  # counts and what sets phases apart
    # one line of evidence per college: (college, phase in words, quote)
    evidence: list[tuple[str, str, Quote | None]] = field(default_factory=list)
    steps: list[Paragraph] = field(default_factory=list)  # steps to a next phase, with refs


@dataclass(frozen=True)
class Table:
    """A plain table for the appendices: header row and body rows of text."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Draft:
    """The whole draft, in reading order."""

    title: str
    subtitle: str
    introduction: list[str]
    colleges: list[str]
    method: list[str]
    agreement: Table | None
    themes: list[ThemeChapter]
    phases: PhasesChapter
    next_steps: list[str]  # paragraphs; placeholders are wrapped in [ ]
    codebook: Table
    frequencies: Table
    anonymised: bool = False
    language: str = "nl-NL"
    author: str = "Evaluatieteam"
    agency: str = ""
    evaluation: str = ""
    date: str = ""  # the concept's date in words ("2 december 2026")
    fieldwork: str = ""  # the months of the interviews ("mei–juni 2024")
    phase_table: Table | None = None  # the estimates with their confidence (appendix)

    def quotes(self) -> list[Quote]:
        """Every quote in the draft, in reading order (for checks and previews)."""
        found: list[Quote] = []
        for chapter in self.themes:
            found.extend(chapter.quotes)
            for sub in chapter.subthemes:
                found.extend(sub.quotes)
            found.extend(box.quote for box in chapter.boxes if box.quote)
        found.extend(section.quote for section in self.phases.phases if section.quote)
        found.extend(box.quote for box in self.phases.boxes if box.quote)
        return found
