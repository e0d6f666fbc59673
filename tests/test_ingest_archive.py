"""Archives that unpack to absurd sizes are refused with their figures, in bounded memory.

The 1 GB cases run the real command (``analysis.cli.main``) in a child process, so that earlier
tests of the session cannot have raised the peak already. The child reads its resident memory
(``/proc/self/statm``) after its imports and its peak (``resource.getrusage``) after the
command; the bound is on the difference, what reading the archive may cost. (Importing the
package itself loads spaCy and torch today, about 640 MB; that is start-up, not this file.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from analysis.ingest import IngestError, read_transcript
from analysis.ingest.archive import ArchiveLimits, archive_problem
from tests.bombs import docx_bomb, qdpx_bomb
from tests.conftest import ROOT, SAMPLE_DIR

RSS_BOUND_MB = 300
_CHILD = """
import json, os, resource, sys
from analysis.cli import main
before = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
code = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"code": code, "before": before, "peak": peak}))
"""


def _run(args: list[str], cwd: Path) -> tuple[int, str, float]:
    """Run the command in a child; (exit code, stderr, MB its peak rose above its start)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], cwd=cwd, env=env, capture_output=True, text=True,
        check=False,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures["code"], done.stderr, figures["peak"] - figures["before"]


def test_a_1_gb_docx_is_refused_before_reading_in_bounded_memory(tmp_path: Path) -> None:
    bomb = docx_bomb(tmp_path / "opname_bestuur.docx")
    assert bomb.stat().st_size < 4 * 1024 * 1024  # small on disk: --max-mb alone lets it in
    code, err, peak = _run(["ingest", str(bomb), "--project", "p.db", "-q"], tmp_path)
    assert code == 1, err
    assert "Traceback" not in err
    [line] = [line for line in err.splitlines() if "FAILED" in line]
    assert line.endswith(
        "opname_bestuur.docx: refused before reading: its part word/document.xml unpacks to "
        "1.0 GB, above the limit of 80 MB per part"
    )
    assert peak < RSS_BOUND_MB, f"reading it raised the peak RSS by {peak:.0f} MB"


def test_a_1_gb_qdpx_is_refused_before_reading_in_bounded_memory(tmp_path: Path) -> None:
    bomb = qdpx_bomb(tmp_path / "project.qdpx")
    code, err, peak = _run(["import", "project", str(bomb), "--project", "p.db"], tmp_path)
    assert code == 2
    assert err.strip() == (
        "interviews: project.qdpx: refused before reading: its part project.qde unpacks to "
        "1.0 GB, above the limit of 80 MB per part"
    )
    assert peak < RSS_BOUND_MB, f"reading it raised the peak RSS by {peak:.0f} MB"


def test_a_part_that_inflates_absurdly_is_refused_with_its_ratio(tmp_path: Path) -> None:
    bomb = docx_bomb(tmp_path / "klein.docx", size=3 * 1024 * 1024)
    with pytest.raises(IngestError) as caught:
        read_transcript(bomb)
    assert str(caught.value) == (
        "klein.docx: refused before reading: its part word/document.xml unpacks 331 times "
        "(9 KB to 3 MB), above the limit of 100 times"
    )


def test_the_limits_follow_max_mb(tmp_path: Path) -> None:
    sample = SAMPLE_DIR / "groene_delta.docx"  # its stylesWithEffects.xml is 428 KB unpacked
    assert archive_problem(sample, ArchiveLimits.for_max_bytes(20 * 1024 * 1024)) is None
    with pytest.raises(IngestError) as caught:
        read_transcript(sample, max_bytes=100 * 1024)
    assert str(caught.value).endswith(
        "stylesWithEffects.xml unpacks to 428 KB, above the limit of 400 KB per part"
    )
    assert ArchiveLimits.for_max_bytes(1024) == ArchiveLimits(member=4096, total=10240)


def test_a_sample_docx_still_imports(tmp_path: Path) -> None:
    parsed = read_transcript(SAMPLE_DIR / "lindenhorst_interview.docx")
    assert len(parsed.turns) > 10


def test_an_archive_with_too_many_parts_is_refused_from_its_end_record(tmp_path: Path) -> None:
    path = tmp_path / "veel.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(10_001):
            archive.writestr(f"word/media/{number}.xml", "")
    with pytest.raises(IngestError) as caught:
        read_transcript(path)
    assert str(caught.value) == (
        "veel.docx: refused before reading: the archive lists 10,001 parts, above the limit of "
        "10,000"
    )


def test_what_is_not_an_archive_is_left_to_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "nep.docx"
    path.write_text("Interviewer: Dit is geen Word-bestand.\n", encoding="utf-8")
    assert archive_problem(path, ArchiveLimits.for_max_bytes(1024 * 1024)) is None
    with pytest.raises(IngestError, match="not a readable Word file"):
        read_transcript(path)


def test_an_odt_is_checked_like_a_docx(tmp_path: Path) -> None:
    bomb = docx_bomb(tmp_path / "kempenland.odt", size=3 * 1024 * 1024)
    with pytest.raises(IngestError) as caught:
        read_transcript(bomb, folder_metadata={})
    assert str(caught.value).startswith(
        "kempenland.odt: refused before reading: its part word/document.xml unpacks 331 times"
    )
