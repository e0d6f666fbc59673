"""Helpers shared by the exchange tests: the official schemas, a coded sample, a snapshot."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from sqlalchemy import select

from analysis import Project
from analysis.exchange.refi import schema_dir
from analysis.store import Code, Coding, Memo, PhaseJudgement, Pseudonym, Segment, Transcript


def schema(name: str) -> etree.XMLSchema:
    """``Codebook.xsd`` or ``Project.xsd`` from ../shared/reference/refi-qda (or
    $REFI_QDA_SCHEMAS); the test fails, never skips, when they are missing."""
    folder = schema_dir()
    assert folder is not None, "REFI-QDA schemas not beside the checkout nor in $REFI_QDA_SCHEMAS"
    return etree.XMLSchema(etree.parse(str(folder / name)))


def assert_valid(document: bytes, name: str) -> etree._Element:
    root = etree.fromstring(document)
    validator = schema(name)
    assert validator.validate(root), [str(e) for e in validator.error_log]
    return root


def code_sample(project: Project) -> list[tuple[int, str, str]]:
    """Code segments of three colleges by two coders (one of them also the interviewer);
    returns (segment id, code, coder) as coded."""
    frame = project.segments()
    done = []
    plan = [
        ("ROC Amstelduin", "impact.student", "Sanne de Wit"),
        ("ROC Amstelduin", "impact.organisation", "Evaluator Twee"),
        ("ROC IJsselvallei", "impact.student", "Evaluator Twee"),
        ("Wadden Vakschool", "impact.organisation", "Sanne de Wit"),
    ]
    for number, (college, code, coder) in enumerate(plan):
        rows = frame[frame["institution"] == college]
        segment_id = int(rows["segment_id"].iloc[number % len(rows)])
        project.apply_code(segment_id, code, coder)
        done.append((segment_id, code, coder))
    # One segment with two codes by both coders: co-occurrence and several codings per selection.
    first = done[0][0]
    project.apply_code(first, "impact.organisation", "Evaluator Twee")
    project.apply_code(first, "impact.student", "Evaluator Twee")
    done += [
        (first, "impact.organisation", "Evaluator Twee"),
        (first, "impact.student", "Evaluator Twee"),
    ]
    project.add_memo(
        first, "impact.student", "Sanne de Wit", "Mooi citaat over Marieke's studenten."
    )
    return done


def segment_with(project: Project, *words: str) -> int:
    """The id of a segment whose text contains all ``words``."""
    frame = project.segments()
    for row in frame.itertuples():
        if all(word in row.text for word in words):
            return int(row.segment_id)
    raise AssertionError(f"no segment contains {words}")


def snapshot(project: Project) -> dict[str, object]:
    """Everything an import could change, comparable with ==."""
    with project.store.session() as session:
        return {
            "codes": sorted(
                (c.key, c.label, c.parent_key, c.definition, c.colour, c.guid)
                for c in session.scalars(select(Code))
            ),
            "transcripts": sorted(
                (t.source_name, t.sha256, t.institution)
                for t in session.scalars(select(Transcript))
            ),
            "segments": session.query(Segment).count(),
            "codings": session.query(Coding).count(),
            "memos": session.query(Memo).count(),
            "phases": session.query(PhaseJudgement).count(),
            "pseudonyms": session.query(Pseudonym).count(),
        }


def codings_in_force(project: Project) -> list[tuple]:
    """(source, start, end, code, coder, memo) of every person's accepted coding in force."""
    from analysis.coding.state import current_codings, full_rows

    with project.store.session() as session:
        rows = []
        for row in full_rows(session, current_codings(session)):
            if row.coder == "auto" or row.status != "accepted":
                continue
            segment = session.get(Segment, row.segment_id)
            rows.append(
                (segment.transcript.source_name, segment.start, segment.end, row.code_key,
                 row.coder, row.memo)
            )
        return sorted(rows, key=lambda r: (*r[:5], r[5] or ""))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
