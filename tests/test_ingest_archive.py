"""Archives that unpack to absurd sizes are refused with their figures, in bounded memory.

The 1 GB cases run the real commands (``analysis.cli.main``), each in a child process of its
own, so that earlier tests of the session cannot have raised the peak already. The child reads
its resident memory (``/proc/self/statm``) before the command and its peak
(``VmHWM`` in ``/proc/self/status``, at most ``resource.getrusage``'s figure) after it: the
whole process must stay under 300 MB (the archive is
refused before spaCy or any reader loads), and so must what reading the archive adds.
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
# Runs each command of argv[1] (JSON) in turn; per command its exit code, stderr, the process's
# peak and how far the peak rose above its resident memory just before the command.
_CHILD = """
import contextlib, io, json, os, resource, sys
from analysis.cli import main
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
out = []
for args in json.loads(sys.argv[1]):
    before, err = rss(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(args)
    # VmHWM: this process's own peak. getrusage's ru_maxrss would also count the peak of the
    # pytest process that spawned it (Linux keeps the pre-exec high-water mark), so a long
    # session would fail the bound whatever the archive costs.
    hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    peak = int(hwm.split()[1]) / 1024
    assert peak <= resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + 1
    out.append({"code": code, "err": err.getvalue(), "rise": peak - before, "peak": peak})
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def bombs_refused(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Both 1 GB archives through the real commands, in one child process (one start-up)."""
    folder = tmp_path_factory.mktemp("bombs")
    docx = docx_bomb(folder / "opname_bestuur.docx")
    assert docx.stat().st_size < 4 * 1024 * 1024  # small on disk: --max-mb alone lets it in
    qdpx = qdpx_bomb(folder / "project.qdpx")
    commands = {
        "docx": ["ingest", str(docx), "--project", "p.db", "-q"],
        "qdpx": ["import", "project", str(qdpx), "--project", "q.db"],
    }
    runs = {}
    for kind, command in commands.items():
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps([command])], cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        [runs[kind]] = json.loads(done.stdout.strip().splitlines()[-1])
    return runs


def test_a_1_gb_docx_is_refused_before_reading_in_bounded_memory(bombs_refused) -> None:
    run = bombs_refused["docx"]
    assert run["code"] == 1, run["err"]
    assert "Traceback" not in run["err"]
    [line] = [line for line in run["err"].splitlines() if "FAILED" in line]
    assert line.endswith(
        "opname_bestuur.docx: refused before reading: its part word/document.xml unpacks to "
        "1.0 GB, above the limit of 80 MB per part"
    )
    assert run["rise"] < RSS_BOUND_MB, f"reading it raised the peak RSS by {run['rise']:.0f} MB"
    assert run["peak"] < RSS_BOUND_MB, f"the process peaked at {run['peak']:.0f} MB"


def test_a_1_gb_qdpx_is_refused_before_reading_in_bounded_memory(bombs_refused) -> None:
    run = bombs_refused["qdpx"]
    assert run["code"] == 2
    assert run["err"].strip() == (
        "interviews: project.qdpx: refused before reading: its part project.qde unpacks to "
        "1.0 GB, above the limit of 80 MB per part"
    )
    assert run["rise"] < RSS_BOUND_MB, f"reading it raised the peak RSS by {run['rise']:.0f} MB"
    assert run["peak"] < RSS_BOUND_MB, f"the process peaked at {run['peak']:.0f} MB"


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
