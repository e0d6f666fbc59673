"""Importing into a project: re-import, --replace with carry-over, role corrections, bad batches."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from analysis import Project, segment
from analysis.store import Coding, Segment, SpeakerRole, Transcript, Turn

FIRST = """Interviewer: Hoe is het begonnen met internationalisering bij jullie?

Mirjam Kok: Dat begon eigenlijk heel klein, met één docent die contacten had in Finland. Die
stuurde elk jaar een paar studenten naar een school in Tampere, helemaal op eigen initiatief.

Interviewer: En hoe zit het met de ouders van studenten?

Mirjam Kok: De ouders zijn vaak bang, zeker bij de jongere studenten op niveau 2. Wij organiseren
daarom een ouderavond waar oud-deelnemers vertellen hoe het was, en dat helpt enorm.
"""

# The second version changes only the first answer: the second answer's coding must survive.
SECOND = FIRST.replace(
    "Die\nstuurde elk jaar een paar studenten",
    "Die\nnam elk voorjaar een groepje studenten mee",
)


def _code(project: Project, contains: str, key: str, coder: str = "anna") -> int:
    with project.store.session() as session:
        segment = next(s for s in session.scalars(select(Segment)) if contains in s.text)
        session.add(
            Coding(
                segment_id=segment.id, code_key=key, coder=coder, origin="manual", status="accepted"
            )
        )
        return segment.id


def test_reimport_of_unchanged_file_is_a_no_op(empty_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "kok.txt"
    path.write_text(FIRST, encoding="utf-8")
    [first] = empty_project.ingest([path])
    [again] = empty_project.ingest([path])
    assert first.status == "imported"
    assert again.status == "unchanged"
    assert again.transcript_id == first.transcript_id
    assert len(empty_project.transcripts()) == 1


def test_same_content_under_another_name_is_not_imported_twice(
    empty_project: Project, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "kopie van a.txt").write_text(FIRST, encoding="utf-8")
    results = empty_project.ingest([tmp_path / "a.txt", tmp_path / "kopie van a.txt"])
    assert [r.status for r in results] == ["imported", "unchanged"]
    assert f"same content as {tmp_path.name}/a.txt" in results[1].message


def test_changed_file_needs_replace(empty_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "kok.txt"
    path.write_text(FIRST, encoding="utf-8")
    empty_project.ingest([path])
    path.write_text(SECOND, encoding="utf-8")
    [result] = empty_project.ingest([path])
    assert result.failed
    assert (
        result.line()
        == f"kok.txt: a different version of {tmp_path.name}/kok.txt (Kok) is already imported;"
        " use --replace to replace it"
    )
    assert "één docent" in empty_project.transcript_text(int(empty_project.transcripts()["id"][0]))


def test_replace_carries_codings_on_unchanged_passages(
    empty_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "kok.txt"
    path.write_text(FIRST, encoding="utf-8")
    empty_project.ingest([path])
    _code(empty_project, "ouderavond", "inclusion.measures")
    _code(empty_project, "Tampere", "phases.1_bureau")
    path.write_text(SECOND, encoding="utf-8")
    [result] = empty_project.ingest([path], replace=True)
    assert result.status == "replaced"
    assert "1 codings carried over, 1 dropped" in result.message
    frame = empty_project.segments()
    coded = frame[frame["codes"] != ""]
    assert list(coded["codes"]) == ["inclusion;inclusion.measures"]  # a sub-code implies its parent
    assert "ouderavond" in coded["text"].iloc[0]
    with empty_project.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Transcript)) == 1


def test_role_correction_resegments_and_survives_replace(
    empty_project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "kok.txt"
    path.write_text(FIRST, encoding="utf-8")
    [result] = empty_project.ingest([path])
    tid = result.transcript_id
    _code(empty_project, "ouderavond", "inclusion.measures")
    empty_project.set_speaker_role(tid, "Interviewer", "respondent", changed_by="anna")
    frame = empty_project.segments()
    assert "Interviewer" in set(frame["speaker"])  # the former questions are now segments too
    assert frame["codes"].str.contains("inclusion.measures").any()  # it followed its passage
    path.write_text(SECOND, encoding="utf-8")
    [replaced] = empty_project.ingest([path], replace=True)
    speakers = empty_project.speakers(replaced.transcript_id)
    assert (
        dict(zip(speakers["speaker"], speakers["role"], strict=True))["Interviewer"] == "respondent"
    )
    with empty_project.store.session() as session:
        assert session.scalars(select(SpeakerRole.changed_by)).one() == "anna"


def test_unknown_role_and_speaker_are_refused(empty_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "kok.txt"
    path.write_text(FIRST, encoding="utf-8")
    [result] = empty_project.ingest([path])
    from analysis.project import ProjectError

    with pytest.raises(ProjectError, match="unknown role"):
        empty_project.set_speaker_role(result.transcript_id, "Mirjam Kok", "notulist")
    with pytest.raises(ProjectError, match="no speaker 'Piet'"):
        empty_project.set_speaker_role(result.transcript_id, "Piet", "respondent")


def test_bad_files_do_not_stop_the_batch(empty_project: Project, tmp_path: Path) -> None:
    (tmp_path / "leeg.txt").write_bytes(b"")
    (tmp_path / "kapot.docx").write_bytes(b"PK\x03\x04 not really a word file")
    (tmp_path / "notities.odt").write_bytes(b"whatever")
    (tmp_path / "goed.txt").write_text(FIRST, encoding="utf-8")
    results = empty_project.ingest(
        [
            tmp_path / "leeg.txt",
            tmp_path / "kapot.docx",
            tmp_path / "notities.odt",
            tmp_path / "goed.txt",
        ]
    )
    assert [r.status for r in results] == ["failed", "failed", "failed", "imported"]
    for result in results[:3]:
        assert result.line().startswith(result.path.name + ": ")
        assert "\n" not in result.line()
    assert len(empty_project.transcripts()) == 1


def test_failure_inside_an_import_leaves_nothing_behind(
    empty_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kok.txt"
    path.write_text(FIRST, encoding="utf-8")

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(segment, "segment_turns", broken)  # corpus imports it per call
    [result] = empty_project.ingest([path])  # an unforeseen error is this file's FAILED line
    assert result.failed
    assert result.line() == (
        "kok.txt: not imported, unexpected error (RuntimeError: disk full); nothing was stored"
    )
    with empty_project.store.session() as session:
        assert session.scalar(select(func.count()).select_from(Transcript)) == 0
        assert session.scalar(select(func.count()).select_from(Turn)) == 0


def test_size_limit(empty_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "groot.txt"
    path.write_text(FIRST * 40, encoding="utf-8")
    [result] = empty_project.ingest([path], max_bytes=10_000)
    assert result.failed and "limit" in result.message


def test_folder_import_skips_readme_and_sidecars(empty_project: Project, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Over deze map\n", encoding="utf-8")
    (tmp_path / "kok.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "kok.yaml").write_text(
        "institution: ROC Zilverberg\nsector: zorg\n", encoding="utf-8"
    )
    results = empty_project.ingest([tmp_path])
    assert [r.path.name for r in results] == ["kok.txt"]
    frame = empty_project.transcripts()
    assert frame["institution"][0] == "ROC Zilverberg"


def test_every_sample_segment_is_its_transcript_slice(sample_project: Project) -> None:
    with sample_project.store.session() as session:
        for transcript in session.scalars(select(Transcript)):
            assert transcript.segments, transcript.source_name
            for segment in transcript.segments:
                assert segment.text == transcript.text[segment.start : segment.end]
                turn = segment.turn
                assert turn.start <= segment.start < segment.end <= turn.end
                assert turn.role == "respondent"


def test_sample_corpus_is_complete(sample_project: Project) -> None:
    frame = sample_project.transcripts()
    assert len(frame) >= 8
    assert {"txt", "docx", "vtt", "srt"} <= set(frame["format"])
    assert frame["words"].between(1500, 3600).all(), frame[["source", "words"]]
    assert frame["institution"].is_unique
