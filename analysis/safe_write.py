"""Writing an export file: whole or not at all, and never replacing what is not a file.

Every export writer (CSV, JSON Lines, XLSX, .qdc, .qdpx, the Word draft) hands its bytes to
``write_bytes``. The target is checked before anything is written: its folder must exist, and it
must be a regular file or a new name. A regular file is written beside the target and renamed
over it only when complete, so a full disk leaves the old file as it was. A character device
(``/dev/null``, ``/dev/stdout``, ``/dev/full``) is written directly: renaming over it would
replace the device node with a regular file. Pipes, sockets and block devices are refused (a pipe
without a reader would hang). Machine faults become a ``ResourceError`` naming the target.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from analysis.faults import ResourceError, from_os_error


def check_target(path: Path) -> bool:
    """Raise ``ResourceError`` when ``path`` cannot be written; True for a character device."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise ResourceError("no_folder", path) from None
        return False
    except OSError as error:
        _raise_fault(error, path)
        raise
    if stat.S_ISDIR(mode):
        raise ResourceError("is_folder", path)
    if stat.S_ISCHR(mode):
        return True
    if not stat.S_ISREG(mode):
        raise ResourceError("not_file", path)
    return False


def write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (regular files) or directly (character devices)."""
    path = Path(path)
    device = check_target(path)
    try:
        if device:
            with path.open("wb") as stream:
                stream.write(data)
            return
        _replace(path, data)
    except OSError as error:
        _raise_fault(error, path)
        raise


def _raise_fault(error: OSError, path: Path) -> None:
    """Raise the ``ResourceError`` an ``OSError`` means; return when it means none."""
    fault = from_os_error(error, path)
    if fault is not None:
        raise fault from error


def _replace(path: Path, data: bytes) -> None:
    """Write beside ``path`` in its folder, flush to disk, then rename over it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The existing file's permissions, else rw-r--r-- (reading the umask is not thread-safe)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o644
