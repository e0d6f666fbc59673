"""The findings fixture (tests/data/findings): import it and code it as its gold says."""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis import Project

FIXTURE = Path(__file__).resolve().parent / "data" / "findings"
CODER = "Lotte"


def expected() -> dict:
    return yaml.safe_load((FIXTURE / "expected.yaml").read_text(encoding="utf-8"))


def ingest_fixture(project: Project) -> None:
    failed = [r.line() for r in project.ingest([FIXTURE]) if r.failed]
    assert not failed, failed


def gold_segments(project: Project) -> list[tuple[int, str]]:
    """(segment id, code) for every segment of each respondent turn the gold codes."""
    segments = project.segments()
    pairs = []
    for coding in expected()["codings"]:
        rows = segments[segments.source == coding["file"]]
        hit = rows[rows.text.str.contains(coding["fragment"], regex=False)]
        assert len(hit), coding
        turn = hit.iloc[0].turn_index
        pairs.extend((int(s), coding["code"]) for s in rows[rows.turn_index == turn].segment_id)
    return pairs


def code_as_gold(project: Project) -> None:
    for segment_id, code in gold_segments(project):
        project.apply_code(segment_id, code, CODER)
