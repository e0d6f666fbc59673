"""The draft writes the findings: generated prose with references, provisional wording, quotes
that stand on their own under their own theme, and no fixed finding text across projects."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from analysis import Project
from analysis.coding.state import parent_map
from analysis.report.build import _Context
from analysis.report.quotes import stands_alone, strongest_theme
from analysis.store import Segment
from tests.findings_support import gold_segments, ingest_fixture


@pytest.fixture(scope="module")
def zero_shot(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The sample corpus with automatic suggestions only."""
    path = tmp_path_factory.mktemp("zero") / "zero.db"
    shutil.copy(sample_db, path)
    with Project(path) as project:
        project.suggest()
        yield project


@pytest.fixture(scope="module")
def half_reviewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The findings fixture with suggestions, and a person's coding of three of its interviews."""
    path = tmp_path_factory.mktemp("half") / "half.db"
    with Project(path) as project:
        ingest_fixture(project)
        project.suggest()
        segments = project.segments().set_index("segment_id")
        reviewed = {"kempenland.txt", "dollard.txt", "veluwezoom.txt"}
        for segment_id, code in gold_segments(project):
            if segments.loc[segment_id, "source"] in reviewed:
                project.apply_code(segment_id, code, "Lotte")
        yield project


def test_every_theme_chapter_has_generated_prose_zero_shot(zero_shot: Project) -> None:
    draft = zero_shot.build_draft()
    for chapter in draft.themes:
        words = sum(len(s.text.split()) for s in chapter.sentences())
        assert words >= 250, (chapter.title, words)
        assert all(s.refs for s in chapter.sentences())
        assert all(s.provisional and "voorlopig" in s.text for s in chapter.sentences())


def test_no_finding_sentence_is_shared_between_two_projects(
    zero_shot: Project, half_reviewed: Project
) -> None:
    first = {s.text for c in zero_shot.build_draft().themes for s in c.sentences()}
    second = {s.text for c in half_reviewed.build_draft().themes for s in c.sentences()}
    assert first and second
    assert not first & second


def test_pull_quotes_stand_alone_under_their_strongest_theme(zero_shot: Project) -> None:
    draft = zero_shot.build_draft()
    quotes = [(c.key, q) for c in draft.themes for s in c.subthemes for q in s.quotes]
    quotes += [(c.key, q) for c in draft.themes for q in c.quotes]
    assert len(quotes) >= 10
    with zero_shot.store.session() as session:
        context = _Context(session, anonymise=False, style="institution")
        parents = parent_map(session)
        texts = dict(session.execute(select(Segment.id, Segment.text)).all())
        ok = 0
        for theme, quote in quotes:
            candidate = context.by_segment[quote.segment_id]
            standing = stands_alone(quote.text)
            own = strongest_theme(candidate, parents) == theme
            # what is quoted is the segment's own words, from a sentence start on
            first = quote.text.removeprefix("(…) ").split()[0].lower()
            assert first in texts[quote.segment_id].lower()
            ok += standing and own
    assert ok / len(quotes) >= 0.9, (ok, len(quotes))


def _commented_runs(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Text of every run inside a comment range -> comment id; comment id -> comment text."""
    document = Document(str(path))
    comments = {str(c.comment_id): c.text for c in document.comments}
    inside: dict[str, str] = {}
    for paragraph in document.paragraphs:
        open_ids: list[str] = []
        for child in paragraph._p.iterchildren():
            if child.tag == qn("w:commentRangeStart"):
                open_ids.append(child.get(qn("w:id")))
            elif child.tag == qn("w:commentRangeEnd"):
                open_ids.remove(child.get(qn("w:id")))
            elif child.tag == qn("w:r") and open_ids:
                text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
                if text:
                    inside[text] = open_ids[-1]
    return inside, comments


def test_each_finding_sentence_carries_its_passages_in_word(
    half_reviewed: Project, tmp_path: Path
) -> None:
    path = half_reviewed.write_report(tmp_path / "concept.docx")
    sentences = [s for c in half_reviewed.build_draft().themes for s in c.sentences()]
    inside, comments = _commented_runs(path)
    provisional = 0
    for sentence in sentences:
        assert sentence.text in inside, sentence.text
        comment = comments[inside[sentence.text]]
        for ref in sentence.refs[:3]:
            assert f"fragment {ref.segment_id}" in comment and ref.institution in comment
        reviewed = "(beoordeeld)" in comment
        assert ("voorlopig" in sentence.text) == (not reviewed), sentence.text
        provisional += not reviewed
    assert 0 < provisional < len(sentences)  # both kinds occur in a half-reviewed project


def test_method_counts_claims_on_reviewed_passages(half_reviewed: Project) -> None:
    draft = half_reviewed.build_draft()
    [paragraph] = [p for p in draft.method if "beoordeelde fragmenten rusten" in p]
    for chapter in draft.themes:
        sentences = chapter.sentences()
        if sentences:
            reviewed = sum(not s.provisional for s in sentences)
            assert f"‘{chapter.title}’: {reviewed} van de {len(sentences)}" in paragraph


def test_title_page_and_chapters_on_new_pages(half_reviewed: Project, tmp_path: Path) -> None:
    document = Document(str(half_reviewed.write_report(tmp_path / "titel.docx")))
    front = [p.text for p in document.paragraphs[:8]]
    assert any("Nationaal Agentschap" in line for line in front)
    assert any("Evaluatie" in line for line in front)
    assert any(line.startswith("Concept van ") for line in front)
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            before = paragraph._p.getprevious()
            new_section = before is not None and before.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") \
                is not None  # the landscape appendix starts a section of its own
            assert paragraph.paragraph_format.page_break_before or new_section, paragraph.text
    codebook = next(t for t in document.tables if t.rows[0].cells[0].text == "Code")
    assert "inclusion.measures" not in {row.cells[0].text for row in codebook.rows}


def test_phases_chapter_is_a_narrative_without_confidence_numbers(zero_shot: Project) -> None:
    draft = zero_shot.build_draft()
    chapter = draft.phases
    assert chapter.narrative[0].startswith(f"Van de {len(draft.colleges)} instellingen")
    text = " ".join(chapter.narrative + [where for _, where, _ in chapter.evidence])
    assert "zekerheid" not in text and not re.search(r"\d,\d", text)
    assert [college for college, _, _ in chapter.evidence] and all(
        quote is not None for _, _, quote in chapter.evidence[:3])
    assert draft.phase_table is not None
    assert any("zekerheid" in row[2] for row in draft.phase_table.rows)  # in the appendix


def test_pseudonymised_prose_and_references_name_no_college(zero_shot: Project) -> None:
    names = set(zero_shot.transcripts()["institution"])
    draft = zero_shot.build_draft(anonymise=True)
    sentences = [s for c in draft.themes for s in c.sentences()]
    assert sentences
    for sentence in sentences:
        assert not any(name in sentence.text for name in names), sentence.text
        for ref in sentence.refs:
            assert ref.institution not in names and not any(n in ref.text for n in names)
    for chapter in draft.themes:
        for box in chapter.boxes:
            assert not any(name in box.title + box.text for name in names)
