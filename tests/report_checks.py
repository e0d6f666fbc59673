"""Helpers shared by the phase and report tests: small interviews on disk, coding, reading .docx."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.text.paragraph import Paragraph

from analysis import Project

QUOTE_STYLES = ("Quote", "Intense Quote")
_QUOTE = re.compile(
    r"“(?P<text>.*)”\n— (?P<attribution>.+?)(?P<mark> \(voorstel, niet beoordeeld\))?",
    re.DOTALL,
)


def write_interview(
    folder: Path,
    stem: str,
    institution: str,
    answers: Sequence[str],
    *,
    respondent: str = "Karin Mulder",
    role: str = "voorzitter college van bestuur",
    date: str = "2026-05-12",
    question: str = "Kunt u daar iets meer over vertellen?",
) -> Path:
    """A plain-text interview with YAML front matter; a question before each answer."""
    lines = [
        "---",
        f"institution: {institution}",
        f"date: {date}",
        "interviewer: Femke Vos",
        f"respondents: {respondent}",
        f"roles: {role}",
        "---",
        "",
    ]
    for answer in answers:
        lines += [f"Femke Vos: {question}", "", f"{respondent}: {answer}", ""]
    path = folder / f"{stem}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def ingest(project: Project, *paths: Path) -> None:
    results = project.ingest(list(paths))
    assert not [r.line() for r in results if r.failed]


def segment_ids(project: Project, institution: str) -> list[int]:
    frame = project.segments()
    return [int(i) for i in frame[frame["institution"] == institution]["segment_id"]]


def segment_with(project: Project, *words: str) -> int:
    """The id of the one segment whose text contains all ``words``."""
    frame = project.segments()
    hits = [int(r.segment_id) for r in frame.itertuples() if all(w in r.text for w in words)]
    assert len(hits) == 1, (words, hits)
    return hits[0]


def code_by_keywords(project: Project, coder: str, per_code: int = 3) -> dict[int, set[str]]:
    """Code the sample like a quick human coder: for each theme's sub-code, the first segments
    (by id) whose lemmas contain one of its keywords. Returns segment id -> codes applied."""
    frame = project.segments().sort_values("segment_id")
    codebook = project.codebook()
    applied: dict[int, set[str]] = {}
    for code in codebook.codes:
        if code.parent is None or code.key.startswith("phases"):
            continue
        keywords = set(code.keywords)
        hits = [
            int(row.segment_id) for row in frame.itertuples()
            if keywords & set(row.lemmas.split())
        ][:per_code]
        for segment_id in hits:
            project.apply_code(segment_id, code.key, coder)
            applied.setdefault(segment_id, set()).add(code.key)
    return applied


def docx_parts(path: Path) -> dict[str, str]:
    """Every XML part of a .docx (body, styles, headers, footers, properties, relationships)."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def all_paragraphs(document: DocumentObject) -> Iterator[Paragraph]:
    """Body paragraphs and those inside tables (example boxes), in document order."""
    for paragraph, _in_table in _paragraphs(document):
        yield paragraph


def _paragraphs(document: DocumentObject) -> Iterator[tuple[Paragraph, bool]]:
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            yield Paragraph(block, document), False
        elif block.tag.endswith("}tbl"):
            for element in block.iter():
                if element.tag.endswith("}p"):
                    yield Paragraph(element, document), True


def quotes_in(document: DocumentObject) -> list[tuple[str, str, str, bool]]:
    """(quote text, attribution, chapter heading, inside a box) for every quote paragraph."""
    found = []
    chapter = ""
    for paragraph, in_table in _paragraphs(document):
        if paragraph.style.name == "Heading 1":
            chapter = paragraph.text
        if paragraph.style.name in QUOTE_STYLES:
            match = _QUOTE.fullmatch(paragraph.text)
            assert match, paragraph.text
            found.append((match.group("text"), match.group("attribution"), chapter, in_table))
    return found


def suggested_quotes(document: DocumentObject) -> list[str]:
    """The text of every quote marked as resting only on a machine suggestion."""
    found = []
    for paragraph in all_paragraphs(document):
        if paragraph.style.name in QUOTE_STYLES:
            match = _QUOTE.fullmatch(paragraph.text)
            if match and match.group("mark"):
                found.append(match.group("text"))
    return found


def headings(document: DocumentObject, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]
