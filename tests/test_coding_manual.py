"""Manual coding: every decision is a new row with coder and time; undo walks back; spans."""

from __future__ import annotations

import pandas as pd
import pytest
from coding_support import add_interview
from sqlalchemy import select

from analysis import Project
from analysis.coding import CodingError
from analysis.coding.state import current_codings, full_rows, rationales
from analysis.store import Coding

EXCHANGES = [
    (
        "Wat houdt docenten tegen om naar het buitenland te gaan?",
        [
            "Vervanging, dat is het eerste. Als een docent een week weg is, moet iemand anders "
            "voor de klas staan.",
            "En de werkdruk is hoog, dus het blijft iets extra's.",
        ],
    ),
    (
        "Hoe zit het met de studenten op niveau 2?",
        ["Die gaan bijna niet. Thuis is er geen geld en ze hebben vaak een bijbaantje."],
    ),
]


@pytest.fixture
def project_with_segments(empty_project: Project) -> tuple[Project, list[int]]:
    return empty_project, add_interview(empty_project, "gesprek.txt", EXCHANGES)


def test_each_decision_is_a_new_row_with_coder_and_replaces(project_with_segments) -> None:
    project, ids = project_with_segments
    first = project.apply_code(ids[0], "professionalisation.barriers", "Marieke")
    second = project.remove_code(ids[0], "professionalisation.barriers", "Marieke")
    history = project.coding_history(segment_id=ids[0])
    assert list(history["id"]) == [first, second]
    assert list(history["status"]) == ["accepted", "removed"]
    assert list(history["coder"]) == ["Marieke", "Marieke"]
    assert history["replaces_id"].iloc[1] == first
    assert history["created_at"].notna().all()
    # Applying what is already in force adds nothing to the log.
    project.apply_code(ids[1], "professionalisation.barriers", "Marieke")
    project.apply_code(ids[1], "professionalisation.barriers", "Marieke")
    assert len(project.coding_history(segment_id=ids[1])) == 1


def test_undo_walks_back_one_decision_at_a_time(project_with_segments) -> None:
    project, ids = project_with_segments
    code = "inclusion.barriers"
    project.apply_code(ids[2], code, "Marieke")
    project.add_memo(ids[2], code, "Marieke", "geld en bijbaan: typisch niveau 2")
    project.apply_code(ids[2], "inclusion", "Pieter")  # another coder's decision stays put

    assert project.undo("Marieke") == 1  # the memo goes, the coding stays
    history = project.coding_history(segment_id=ids[2], coder="Marieke")
    assert history["status"].iloc[-1] == "accepted" and pd.isna(history["memo"].iloc[-1])
    assert project.segments().set_index("segment_id").loc[ids[2], "codes"] == (
        "inclusion;inclusion.barriers"
    )

    assert project.undo("Marieke") == 1  # now the coding itself
    history = project.coding_history(segment_id=ids[2], coder="Marieke")
    assert history["status"].iloc[-1] == "undone"
    assert history["undone"].sum() == 2 and history["replaces_id"].notna().iloc[-1]
    assert project.segments().set_index("segment_id").loc[ids[2], "codes"] == "inclusion"
    with pytest.raises(CodingError, match="no decision to undo"):
        project.undo("Marieke")
    assert project.coding_history(coder="Pieter")["status"].tolist() == ["accepted"]


def test_recode_is_one_decision_and_one_undo(project_with_segments) -> None:
    project, ids = project_with_segments
    project.apply_code(ids[1], "professionalisation.hr_policy", "Marieke")
    project.recode(
        ids[1], "professionalisation.hr_policy", "professionalisation.barriers", "Marieke"
    )
    codes = project.segments().set_index("segment_id").loc[ids[1], "codes"]
    assert codes == "professionalisation;professionalisation.barriers"
    assert project.undo("Marieke") == 2
    codes = project.segments().set_index("segment_id").loc[ids[1], "codes"]
    assert codes == "professionalisation;professionalisation.hr_policy"


def test_span_becomes_its_own_segment_with_exact_offsets(project_with_segments) -> None:
    project, ids = project_with_segments
    segments = project.segments().set_index("segment_id")
    transcript_id = int(segments.loc[ids[0], "transcript_id"])
    text = project.transcript_text(transcript_id)
    phrase = "Als een docent een week weg is"
    start = text.index(phrase)
    # Chosen with the space before it: the span is trimmed to the words.
    span_id = project.code_span(
        transcript_id, start - 1, start + len(phrase), "professionalisation.barriers",
        "Marieke", memo="vervanging",
    )
    row = project.segments().set_index("segment_id").loc[span_id]
    assert row["text"] == phrase == text[row["start"] : row["end"]]
    assert (row["start"], row["end"]) == (start, start + len(phrase))
    assert row["question"] == EXCHANGES[0][0]
    assert "professionalisation.barriers" in row["codes"]
    # The same span again reuses its segment.
    again = project.code_span(
        transcript_id, start, start + len(phrase), "professionalisation", "Pieter"
    )
    assert again == span_id


def test_span_must_lie_inside_one_respondent_turn(project_with_segments) -> None:
    project, _ = project_with_segments
    transcript_id = int(project.segments()["transcript_id"].iloc[0])
    text = project.transcript_text(transcript_id)
    question = text.index("Wat houdt")
    with pytest.raises(CodingError, match="interviewer speech"):
        project.code_span(transcript_id, question, question + 10, "impact", "Marieke")
    across = text.index("extra's.")
    with pytest.raises(CodingError, match="not inside one speaker turn"):
        project.code_span(transcript_id, across, across + 40, "impact", "Marieke")
    with pytest.raises(CodingError, match="outside"):
        project.code_span(transcript_id, 0, len(text) + 5, "impact", "Marieke")


def test_user_mistakes_are_one_clear_line(project_with_segments) -> None:
    project, ids = project_with_segments
    with pytest.raises(CodingError, match=r"no code 'impact\.onbekend'"):
        project.apply_code(ids[0], "impact.onbekend", "Marieke")
    with pytest.raises(CodingError, match="reserved"):
        project.apply_code(ids[0], "impact", "auto")
    with pytest.raises(CodingError, match="coder name"):
        project.apply_code(ids[0], "impact", "  ")
    with pytest.raises(CodingError, match="no segment with id"):
        project.apply_code(10_000, "impact", "Marieke")
    with pytest.raises(CodingError, match="nothing to remove"):
        project.remove_code(ids[0], "impact", "Marieke")
    with pytest.raises(CodingError, match="no coding"):
        project.add_memo(ids[0], "impact", "Marieke", "notitie")


def test_state_read_is_the_newest_row_per_segment_code_and_coder(project_with_segments) -> None:
    """``current_codings`` picks the newest decisions in SQL and reads only some columns; on a
    history with suggestions, withdrawals, undo and re-code it must agree with the plain
    reading of the whole log, for every filter, and the rows it leaves out stay readable."""
    project, ids = project_with_segments
    project.suggest()
    with project.store.session() as session:
        session.add_all(
            Coding(segment_id=ids[0], code_key="impact", coder="auto", origin="rule",
                   status=status, confidence=confidence, rationale={"step": status})
            for status, confidence in [("suggested", 0.9), ("withdrawn", None), ("suggested", 0.6)]
        )
    project.apply_code(ids[0], "impact", "Marieke", memo="eerst ja")
    project.remove_code(ids[0], "impact", "Marieke")
    project.apply_code(ids[0], "impact", "Marieke")
    project.reject(ids[0], "impact", "Pieter")
    project.apply_code(ids[1], "professionalisation.hr_policy", "Marieke")
    project.recode(
        ids[1], "professionalisation.hr_policy", "professionalisation.barriers", "Marieke"
    )
    project.apply_code(ids[2], "inclusion.barriers", "Pieter")
    project.apply_code(ids[2], "inclusion", "Pieter")
    project.undo("Pieter")
    project.undo("Pieter")
    with project.store.session() as session:
        log = session.scalars(select(Coding)).all()
        newest: dict[tuple[int, str, str], Coding] = {}
        for row in log:
            key = (row.segment_id, row.code_key, row.coder)
            if key not in newest or row.id > newest[key].id:
                newest[key] = row

        def expected(segments: set[int] | None, coder: str | None) -> list[tuple]:
            kept = [
                row for row in newest.values()
                if (segments is None or row.segment_id in segments)
                and (coder is None or row.coder == coder)
            ]
            kept.sort(key=lambda r: (r.segment_id, r.code_key, r.id))
            return [
                (r.id, r.segment_id, r.code_key, r.coder, r.origin, r.status, r.confidence)
                for r in kept
            ]

        assert len(log) > len(newest)  # there is history to skip
        for segments in (None, {ids[0]}, {ids[1], ids[2]}):
            for coder in (None, "auto", "Marieke", "Pieter"):
                found = current_codings(session, segments, coder=coder)
                assert [tuple(row) for row in found] == expected(segments, coder)
        state = {(r.segment_id, r.code_key, r.coder): r.status for r in current_codings(session)}
        assert state[(ids[0], "impact", "auto")] == "suggested"
        assert state[(ids[0], "impact", "Marieke")] == "accepted"
        assert state[(ids[0], "impact", "Pieter")] == "rejected"
        assert state[(ids[1], "professionalisation.hr_policy", "Marieke")] == "removed"
        assert state[(ids[2], "inclusion", "Pieter")] == "undone"
        decisions = current_codings(session, {ids[0]})
        rows = full_rows(session, decisions)
        assert [row.id for row in rows] == [d.id for d in decisions]
        assert [row.memo for row in rows] == [newest[d[1:4]].memo for d in decisions]
        auto = next(d for d in decisions if d.coder == "auto")
        assert rationales(session, [auto.id]) == {auto.id: {"step": "suggested"}}


def test_a_transcript_declared_complete_records_what_the_coder_left_out(
    project_with_segments,
) -> None:
    project, ids = project_with_segments
    transcript_id = int(project.segments().set_index("segment_id").loc[ids[0], "transcript_id"])
    keys = [c.key for c in project.codebook().codes]
    project.apply_code(ids[0], "professionalisation.barriers", "Marieke")
    project.reject(ids[1], "impact", "Marieke")  # an earlier rejection stays as it was
    text = project.transcript_text(transcript_id)
    phrase = "Thuis is er geen geld"
    start = text.index(phrase)
    project.code_span(transcript_id, start, start + len(phrase), "inclusion.barriers", "Marieke")
    project.apply_code(ids[1], "inclusion", "Pieter")  # another coder is not touched

    recorded = project.complete_transcript(transcript_id, "Marieke")

    with project.store.session() as session:
        rows = current_codings(session, ids, coder="Marieke")
    state = {(r.segment_id, r.code_key): r.status for r in rows}
    # The codes Marieke gave (with their parents, and on the span inside the third segment)
    # have no new row; every other (segment, code) of the transcript is now rejected by her.
    given = {
        (ids[0], "professionalisation.barriers"), (ids[0], "professionalisation"),
        (ids[2], "inclusion.barriers"), (ids[2], "inclusion"),
    }
    assert set(state) | given == {(i, k) for i in ids for k in keys}
    assert {pair for pair, status in state.items() if status != "rejected"} == {
        (ids[0], "professionalisation.barriers")
    }
    assert not given & {pair for pair, status in state.items() if status == "rejected"}
    assert recorded == len(keys) * len(ids) - len(given) - 1  # and the earlier rejection
    assert project.coding_history(segment_id=ids[1], coder="Pieter")["status"].tolist() == [
        "accepted"
    ]
    # Declaring it again records nothing new; one undo takes the whole declaration back.
    assert project.completed_transcripts("Marieke") == {transcript_id}
    assert project.completed_transcripts("Pieter") == set()
    assert project.complete_transcript(transcript_id, "Marieke") == 0
    assert project.undo("Marieke") == recorded
    assert project.completed_transcripts("Marieke") == set()
    with project.store.session() as session:
        rows = current_codings(session, ids, coder="Marieke")
    assert sum(r.status == "rejected" for r in rows) == 1  # the earlier rejection


def test_declared_complete_teaches_the_learned_suggestions_what_a_code_is_not(
    project_with_segments,
) -> None:
    from analysis.coding.learned import training_labels
    from analysis.coding.suggest import load_codes

    project, ids = project_with_segments
    transcript_id = int(project.segments().set_index("segment_id").loc[ids[0], "transcript_id"])
    project.apply_code(ids[0], "professionalisation.barriers", "Marieke")
    with project.store.session() as session:
        before = training_labels(session, load_codes(session))
    assert before["inclusion"] == {}  # applying codes alone says nothing against a code
    project.complete_transcript(transcript_id, "Marieke")
    with project.store.session() as session:
        after = training_labels(session, load_codes(session))
    assert after["inclusion"] == dict.fromkeys(ids, False)
    assert after["professionalisation"][ids[0]] is True
    # What the coding page shows: one accepted example, two rejected, not enough to learn.
    status = project.learning_status().set_index("code")
    row = status.loc["professionalisation"]
    assert (row["accepted"], row["rejected"], row["learning"]) == (1, 2, False)
    assert (row["needs_accepted"], row["needs_rejected"]) == (4, 3)
