"""Resource faults: a full disk, a locked database and bad export targets end in one clear line.

The full database is simulated with SQLite's ``max_page_count`` pragma (it fails a write with
SQLITE_FULL exactly as a full file system does); a full export target is ``/dev/full``, whose
every write fails with ENOSPC. Each case checks the exit code, that stderr is one line without a
traceback, that nothing was half-written, and that the next run works once space is free.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

import analysis.store as store_module
from analysis.cli import main
from analysis.corpus import expand_paths
from analysis.faults import ResourceError, from_database_error
from analysis.safe_write import write_bytes
from tests.conftest import SAMPLE_DIR

ANSWER = """Interviewer: Hoe kijken jullie docenten naar de uitwisseling met Gent?

Respondent: Heel positief. Twee collega's van de opleiding installatietechniek zijn vorig jaar
een week meegelopen en ze kwamen terug met een nieuwe opzet voor de praktijklessen.
"""


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def _transcripts(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM transcript").fetchone()[0]


def _page_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA page_count").fetchone()[0]


def _limit_pages(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Every new connection of the project may grow the database to ``pages`` pages only."""
    original = store_module._sqlite_pragmas

    def pragmas(connection, record) -> None:
        original(connection, record)
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA max_page_count={pages}")
        cursor.close()

    monkeypatch.setattr(store_module, "_sqlite_pragmas", pragmas)


def test_ingest_on_a_full_disk_is_one_line_exit_2_and_the_next_run_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "p.db"
    assert main(["transcripts", "--project", str(project)]) == 0  # creates the empty project
    capsys.readouterr()
    _limit_pages(monkeypatch, _page_count(project) + 2)

    code = main(["ingest", str(SAMPLE_DIR), "--project", str(project), "-q"])
    err = capsys.readouterr().err
    line = _one_line(err)
    assert code == 2
    assert "disk full" in line and str(project) in line and "nothing was half-saved" in line
    assert _integrity(project) == "ok"
    assert _transcripts(project) == 0  # the failing transaction rolled back whole

    monkeypatch.undo()  # space is free again
    assert main(["ingest", str(SAMPLE_DIR), "--project", str(project), "-q"]) == 0
    assert _transcripts(project) == len(expand_paths([SAMPLE_DIR]))
    assert _integrity(project) == "ok"


def test_a_decision_on_a_full_disk_leaves_the_project_whole(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = tmp_path / "p.db"
    shutil.copy(sample_db, project)
    _limit_pages(monkeypatch, _page_count(project))
    code = main(["code", "--project", str(project)])
    line = _one_line(capsys.readouterr().err)
    assert code == 2 and "disk full" in line
    assert _integrity(project) == "ok"
    with sqlite3.connect(project) as connection:
        assert connection.execute("SELECT count(*) FROM coding").fetchone()[0] == 0


def test_export_to_dev_full_is_one_line_exit_2_and_the_device_stays(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path("/dev/full").exists():
        pytest.fail("/dev/full is needed for this test (Linux)")
    project = tmp_path / "p.db"
    shutil.copy(sample_db, project)
    for what, fmt in (("segments", "csv"), ("matrix", "xlsx"), ("project", "qdpx")):
        code = main(
            ["export", what, "--format", fmt, "-o", "/dev/full", "--project", str(project)]
        )
        line = _one_line(capsys.readouterr().err)
        assert code == 2, what
        assert line == (
            "interviews: /dev/full: disk full; nothing was half-saved; free some space and try "
            "again"
        )
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # not replaced by a regular file
    assert _integrity(project) == "ok"


def test_export_to_dev_null_writes_through_the_device(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.db"
    shutil.copy(sample_db, project)
    assert main(["export", "quotes", "-o", "/dev/null", "--project", str(project)]) == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("geen_map/x.csv", "the folder does not exist"),
        ("een_map", "is a folder, not a file"),
        ("pijp.csv", "is not a regular file"),
    ],
)
def test_export_paths_are_checked_before_writing(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str,
    expected: str,
) -> None:
    out = tmp_path / "uit"
    (out / "een_map").mkdir(parents=True)
    os.mkfifo(out / "pijp.csv")  # opening it for writing would wait for a reader for ever
    project = tmp_path / "p.db"
    shutil.copy(sample_db, project)
    output = out / target
    code = main(["export", "segments", "-o", str(output), "--project", str(project)])
    line = _one_line(capsys.readouterr().err)
    assert code == 2 and expected in line and str(output) in line
    assert sorted(p.name for p in out.iterdir()) == ["een_map", "pijp.csv"]  # nothing written
    assert not any((out / "een_map").iterdir())


def test_a_failed_write_keeps_the_old_file_and_leaves_no_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "citaten.csv"
    target.write_text("oude versie\n", encoding="utf-8")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ResourceError) as caught:
        write_bytes(target, b"nieuwe versie\n" * 1000)
    assert caught.value.kind == "full"
    assert target.read_text(encoding="utf-8") == "oude versie\n"
    assert [p.name for p in tmp_path.iterdir()] == ["citaten.csv"]
    monkeypatch.undo()
    write_bytes(target, b"nieuwe versie\n")
    assert target.read_bytes() == b"nieuwe versie\n"


def test_a_locked_database_is_one_line_exit_2_after_waiting(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = tmp_path / "p.db"
    shutil.copy(sample_db, project)
    monkeypatch.setenv(store_module.LOCK_TIMEOUT_ENV, "0.2")
    other = sqlite3.connect(project, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        code = main(
            ["judge", "ROC Amstelduin", "3", "--note", "Gedeelde modules met Gent",
             "--assessor", "Noor", "--project", str(project)]
        )
        line = _one_line(capsys.readouterr().err)
        assert code == 2
        assert "in use by another program (locked)" in line and str(project) in line
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert main(
        ["judge", "ROC Amstelduin", "3", "--note", "Gedeelde modules met Gent",
         "--assessor", "Noor", "--project", str(project)]
    ) == 0
    assert _integrity(project) == "ok"


def test_the_app_says_it_in_dutch() -> None:
    fault = ResourceError("full", "interviews.db")
    assert fault.dutch == (
        "Schijf vol: interviews.db. Er is niets half opgeslagen; maak ruimte vrij en probeer "
        "opnieuw."
    )
    locked = from_database_error(sqlite3.OperationalError("database is locked"), "p.db")
    assert locked is not None and locked.dutch.startswith("Bezet door een ander programma: p.db.")
    assert from_database_error(sqlite3.OperationalError("no such table: x"), "p.db") is None


def test_a_read_only_project_file_is_one_line(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.db"
    shutil.copy(sample_db, project)
    uri = f"sqlite:///file:{project}?mode=ro&uri=true"
    code = main(
        ["judge", "ROC Amstelduin", "2", "--note", "Alles via het internationaal bureau",
         "--assessor", "Noor", "--project", uri]
    )
    line = _one_line(capsys.readouterr().err)
    assert code == 2 and "read-only" in line


@pytest.mark.parametrize(("target", "expected"), [("/dev/full", "disk full"),
                                                  ("map", "is a folder, not a file")])
def test_the_report_to_a_bad_target_is_one_line(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str,
    expected: str,
) -> None:
    project = tmp_path / "p.db"
    shutil.copy(sample_db, project)
    (tmp_path / "map").mkdir()
    output = target if target.startswith("/") else str(tmp_path / target)
    code = main(["report", "-o", output, "--project", str(project)])
    line = _one_line(capsys.readouterr().err)
    assert code == 2 and expected in line and output in line
    assert not any((tmp_path / "map").iterdir())


def test_the_app_shows_a_fault_in_dutch_and_other_errors_as_before() -> None:
    from ui.widgets import failure

    assert failure(ResourceError("no_folder", "uit/citaten.csv")) == (
        "Map bestaat niet: uit/citaten.csv. Er is niets geschreven; maak de map aan of kies een "
        "andere."
    )
    assert failure(ValueError("onbekende code")) == "Dat lukte niet: onbekende code"


def test_os_and_postgres_codes_map_to_their_cause() -> None:
    from analysis.faults import from_os_error

    assert from_os_error(OSError(errno.EACCES, "Permission denied"), "uit.csv").kind == (
        "permission"
    )
    assert from_os_error(OSError(errno.EROFS, "Read-only file system"), "uit.csv").kind == (
        "readonly"
    )
    assert from_os_error(OSError(errno.EIO, "Input/output error"), "uit.csv") is None

    class DiskFull(Exception):
        sqlstate = "53100"  # PostgreSQL: disk_full

    fault = from_database_error(DiskFull("could not extend file"), "postgresql://team/db")
    assert fault is not None and fault.kind == "full"
