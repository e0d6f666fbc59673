"""Every sample transcript in transcripts/ reads cleanly with its metadata.csv row.

Runs over whatever sample files exist, so a new sample is checked the moment it is added.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_checks import check_turns

from analysis.ingest import SUPPORTED_SUFFIXES, load_folder_metadata, read_transcript

SAMPLES = Path(__file__).resolve().parent.parent / "transcripts"
FILES = sorted(
    path
    for path in SAMPLES.iterdir()
    if path.suffix.lower() in SUPPORTED_SUFFIXES and path.stem.casefold() != "readme"
)


def test_sample_corpus_has_transcripts_and_metadata() -> None:
    rows = load_folder_metadata(SAMPLES)
    assert FILES, "no sample transcripts in transcripts/"
    assert {path.name for path in FILES} <= set(rows), "sample without a metadata.csv row"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_sample_transcript_reads_with_speakers_roles_and_metadata(path: Path) -> None:
    rows = load_folder_metadata(SAMPLES)
    parsed = read_transcript(path, folder_metadata=rows)
    check_turns(parsed)
    roles = [turn.role for turn in parsed.turns]
    assert len({turn.speaker for turn in parsed.turns}) >= 2
    assert "interviewer" in roles and "respondent" in roles
    assert parsed.metadata["institution"] == rows[path.name]["institution"]
    assert not any("no speaker labels" in warning for warning in parsed.warnings)
