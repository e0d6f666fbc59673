"""Memos on transcripts, passages and codes: one target, the author's own words, newest first,
gone with what they are about, and exported to REFI-QDA."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from coding_support import add_interview
from sqlalchemy import func, select

from analysis import Project
from analysis.codebook import CodebookError
from analysis.memos import MEMO_COLUMNS, MemoError
from analysis.store import Memo
from tests.exchange_checks import assert_valid

NS = {"p": "urn:QDA-XML:project:1.0"}
SANNE, BRAM = "Sanne de Wit", "Bram Kuipers"
ON_PARENTS = "Bestuurder noemt de ouders pas na doorvragen; terugkomen in hoofdstuk inclusie."
ON_TRANSCRIPT = "Open gesprek, maar de bestuurder bleef dicht bij het beleidsplan."
ON_CODE = "Inclusie: ook 'niveau 2' en 'drempels' hieronder laten vallen, niet onder impact."

EXCHANGES = [
    (
        "Wie beslissen er mee over een stage in het buitenland?",
        [
            "Eerst de student zelf, en de mentor natuurlijk.",
            "Ja, en de ouders ook wel. Die maken zich vaak zorgen als het ver weg is.",
        ],
    ),
    (
        "Hoe zit het met studenten op niveau 2?",
        ["Die gaan bijna niet. Thuis is er geen geld en ze hebben vaak een bijbaantje."],
    ),
]


@pytest.fixture
def interviews(empty_project: Project) -> tuple[Project, int, list[int], int, list[int]]:
    """Two interviews: (project, first transcript, its segments, second, its segments)."""
    first_segments = add_interview(empty_project, "amstelduin.txt", EXCHANGES)
    second_segments = add_interview(
        empty_project, "ijsselvallei.txt", EXCHANGES, institution="ROC IJsselvallei"
    )
    ids = dict(zip(empty_project.transcripts()["source"], empty_project.transcripts()["id"],
                   strict=True))
    return (
        empty_project, int(ids["amstelduin.txt"]), first_segments,
        int(ids["ijsselvallei.txt"]), second_segments,
    )


def test_a_memo_on_each_kind_of_target_is_stored_stripped(interviews) -> None:
    project, transcript, segments, _, _ = interviews
    on_transcript = project.write_memo(f"  {ON_TRANSCRIPT}\n", SANNE, transcript_id=transcript)
    on_segment = project.write_memo(ON_PARENTS, SANNE, segment_id=segments[1])
    on_code = project.write_memo(ON_CODE, BRAM, code="inclusion")
    frame = project.memos()
    assert list(frame.columns) == MEMO_COLUMNS
    assert list(frame["id"]) == [on_code, on_segment, on_transcript]  # newest first
    rows = frame.set_index("id")
    assert rows.loc[on_transcript, "text"] == ON_TRANSCRIPT
    assert rows.loc[on_transcript, "target"] == "transcript"
    assert rows.loc[on_segment, "target"] == "segment"
    assert rows.loc[on_segment, "transcript_id"] == transcript  # the segment's transcript
    assert "ouders ook wel" in rows.loc[on_segment, "passage"]
    assert (rows.loc[on_code, "target"], rows.loc[on_code, "code"]) == ("code", "inclusion")
    assert rows.loc[on_code, "author"] == BRAM
    with project.store.session() as session:  # a memo on a segment names only the segment
        memo = session.get(Memo, on_segment)
        assert (memo.transcript_id, memo.segment_id, memo.code_key) == (None, segments[1], None)


def test_a_memo_needs_exactly_one_existing_target(interviews) -> None:
    project, transcript, segments, _, _ = interviews
    with pytest.raises(MemoError, match=r"exactly one transcript, segment or code \(none given\)"):
        project.write_memo(ON_PARENTS, SANNE)
    with pytest.raises(MemoError, match=r"\(got transcript, segment\)"):
        project.write_memo(ON_PARENTS, SANNE, transcript_id=transcript, segment_id=segments[0])
    with pytest.raises(MemoError, match="no transcript with id 999"):
        project.write_memo(ON_PARENTS, SANNE, transcript_id=999)
    with pytest.raises(MemoError, match="no segment with id 999"):
        project.write_memo(ON_PARENTS, SANNE, segment_id=999)
    with pytest.raises(MemoError, match="no code 'ouders'"):
        project.write_memo(ON_PARENTS, SANNE, code="ouders")
    assert project.memos().empty


def test_empty_text_and_missing_author_are_refused(interviews) -> None:
    project, transcript, _, _, _ = interviews
    for text in ("", "   \n\t "):
        with pytest.raises(MemoError, match="the memo is empty"):
            project.write_memo(text, SANNE, transcript_id=transcript)
    with pytest.raises(MemoError, match="needs an author"):
        project.write_memo(ON_TRANSCRIPT, "  ", transcript_id=transcript)
    with pytest.raises(MemoError, match="reserved"):
        project.write_memo(ON_TRANSCRIPT, "auto", transcript_id=transcript)
    memo = project.write_memo(ON_TRANSCRIPT, SANNE, transcript_id=transcript)
    with pytest.raises(MemoError, match="the memo is empty"):
        project.edit_memo(memo, " ", SANNE)
    assert project.memos()["text"].tolist() == [ON_TRANSCRIPT]


def test_only_the_author_edits_or_deletes_a_memo(interviews) -> None:
    project, _, segments, _, _ = interviews
    memo = project.write_memo(ON_PARENTS, SANNE, segment_id=segments[1])
    with pytest.raises(MemoError, match=f"written by {SANNE}; only its author can edit it"):
        project.edit_memo(memo, "Ouders zijn juist de drijvende kracht.", BRAM)
    with pytest.raises(MemoError, match="only its author can delete it"):
        project.delete_memo(memo, BRAM)
    assert project.memos()["text"].tolist() == [ON_PARENTS]

    corrected = ON_PARENTS.replace("hoofdstuk inclusie", "hoofdstuk inclusie en impact")
    project.edit_memo(memo, f" {corrected} ", f" {SANNE}")
    [row] = project.memos().to_dict("records")
    assert (row["id"], row["author"], row["text"]) == (memo, SANNE, corrected)
    project.delete_memo(memo, SANNE)
    assert project.memos().empty
    with pytest.raises(MemoError, match=f"no memo with id {memo}"):
        project.delete_memo(memo, SANNE)


def test_filters_combine_and_segments_join_their_transcript_when_asked(interviews) -> None:
    project, first, first_segments, second, second_segments = interviews
    a = project.write_memo(ON_TRANSCRIPT, SANNE, transcript_id=first)
    b = project.write_memo(ON_PARENTS, SANNE, segment_id=first_segments[1])
    c = project.write_memo("Niveau 2: thuis is geen geld.", BRAM, segment_id=first_segments[2])
    d = project.write_memo("Zelfde verhaal als bij Amstelduin.", BRAM, transcript_id=second)
    e = project.write_memo("Ouders ook hier genoemd.", SANNE, segment_id=second_segments[1])
    f = project.write_memo(ON_CODE, BRAM, code="inclusion")

    def ids(**filters) -> list[int]:
        return project.memos(**filters)["id"].tolist()

    assert ids() == [f, e, d, c, b, a]
    assert ids(transcript_id=first) == [a]
    assert ids(transcript_id=first, with_segments=True) == [c, b, a]
    assert ids(transcript_id=second, with_segments=True) == [e, d]
    assert ids(transcript_id=first, with_segments=True, author=BRAM) == [c]
    assert ids(segment_id=first_segments[1]) == [b]
    assert ids(code="inclusion") == [f]
    assert ids(author=SANNE) == [e, b, a]
    assert ids(author="Niemand") == []
    assert list(project.memos(author="Niemand").columns) == MEMO_COLUMNS


def test_deleting_a_transcript_deletes_its_memos_and_those_on_its_passages(interviews) -> None:
    project, first, first_segments, second, _ = interviews
    project.write_memo(ON_TRANSCRIPT, SANNE, transcript_id=first)
    project.write_memo(ON_PARENTS, SANNE, segment_id=first_segments[1])
    kept = project.write_memo("Zelfde verhaal als bij Amstelduin.", BRAM, transcript_id=second)
    project.delete_transcript(first)
    assert project.memos()["id"].tolist() == [kept]
    with project.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Memo)) == 1


def test_memos_written_here_are_in_the_refi_qda_export(interviews, tmp_path: Path) -> None:
    project, first, first_segments, _, _ = interviews
    project.write_memo(ON_TRANSCRIPT, SANNE, transcript_id=first)
    project.write_memo(ON_PARENTS, SANNE, segment_id=first_segments[1])
    project.write_memo(ON_CODE, BRAM, code="inclusion")
    out = tmp_path / "memos.qdpx"
    result = project.export_project(out)
    assert result.counts["notes"] == 3
    with zipfile.ZipFile(out) as archive:
        root = assert_valid(archive.read("project.qde"), "Project.xsd")
    notes = {
        note.get("guid"): note.find("p:PlainTextContent", NS).text
        for note in root.iterfind("p:Notes/p:Note", NS)
    }
    assert sorted(notes.values()) == sorted([ON_TRANSCRIPT, ON_PARENTS, ON_CODE])
    by_text = {text: guid for guid, text in notes.items()}
    source = root.find("p:Sources/p:TextSource[@name='amstelduin.txt']", NS)
    assert [r.get("targetGUID") for r in source.findall("p:NoteRef", NS)] == [
        by_text[ON_TRANSCRIPT]
    ]
    [selection] = source.findall("p:PlainTextSelection", NS)
    assert "ouders ook wel" in selection.get("name")
    assert [r.get("targetGUID") for r in selection.findall("p:NoteRef", NS)] == [
        by_text[ON_PARENTS]
    ]
    code_refs = [r.get("targetGUID") for r in root.iterfind(".//p:Code/p:NoteRef", NS)]
    assert code_refs == [by_text[ON_CODE]]

    # And back: a new project gets the same memos on the same kinds of target.
    with Project(tmp_path / "nieuw.db") as copy:
        assert copy.import_project(out).memos == 3
        frame = copy.memos()
        assert sorted(zip(frame["target"], frame["author"], frame["text"], strict=True)) == sorted(
            [("transcript", SANNE, ON_TRANSCRIPT), ("segment", SANNE, ON_PARENTS),
             ("code", BRAM, ON_CODE)]
        )


def test_a_code_with_memos_is_not_removed_from_the_codebook(interviews) -> None:
    project, _, _, _, _ = interviews
    memo = project.write_memo(ON_CODE, BRAM, code="inclusion.sectors")
    book = project.codebook()
    book.remove("inclusion.sectors")
    with pytest.raises(CodebookError, match=r"inclusion\.sectors: code has memos"):
        project.save_codebook(book)
    assert project.memos()["id"].tolist() == [memo]
    project.delete_memo(memo, BRAM)
    project.save_codebook(book)
    assert "inclusion.sectors" not in project.codebook()
