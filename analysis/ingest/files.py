"""Reading an input file's bytes safely: regular files only, never more than a limit.

A folder handed to the import may hold things that only look like transcripts: a named pipe
called ``gesprek.txt`` (reading it waits forever), a symlink to ``/dev/zero`` (reading it never
ends and fills the memory), a folder named ``notities.txt``. The file is opened without blocking,
checked to be a regular file on the open handle (so it cannot be swapped between check and
read), and read up to the limit; anything else is one clear ``IngestError`` line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .base import IngestError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file (a symlink to one is fine) of at most
    ``max_bytes``; otherwise one ``IngestError`` naming what it is."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError as exc:
        raise IngestError(path, "file not found") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(mode):
        raise IngestError(path, f"is {kind_of(mode)}, not a transcript file; not read")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror or exc})") from exc
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(path, f"is {kind_of(info.st_mode)}, not a transcript file; not read")
        if info.st_size > max_bytes:
            raise IngestError(
                path, f"is {_size(info.st_size)}, above the limit of {_size(max_bytes)}"
            )
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we read it
        raise IngestError(path, f"is larger than the limit of {_size(max_bytes)}")
    return data


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
