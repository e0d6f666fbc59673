"""Archive checks before parsing: a .docx, .odt or .qdpx must not unpack to an absurd size.

These formats are ZIP archives, and ``--max-mb`` limits only the file on disk: a 1 MB archive can
declare a 1 GB member, which python-docx or lxml would inflate into memory whole. Following the
zip-bomb checks of Apache POI (``ZipSecureFile``), we read only the archive's end record and
central directory, never a member's content, and refuse when

- the central directory lists more than ``MAX_MEMBERS`` entries (its own parse would be large);
- one member declares more than ``MEMBER_FACTOR`` x ``--max-mb`` uncompressed (80 MB by default);
- all members together declare more than ``TOTAL_FACTOR`` x ``--max-mb`` (200 MB by default);
- a member over ``RATIO_GRACE`` bytes inflates more than ``MAX_RATIO`` times (POI's 1 %).

The declared sizes are binding: Python's ``zipfile`` (which python-docx and the .qdpx reader use)
stops a member at its declared size and fails on the CRC, so a lying header cannot unpack more.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_MEMBERS = 10_000
MEMBER_FACTOR = 4
TOTAL_FACTOR = 10
MAX_RATIO = 100.0
RATIO_GRACE = 1024 * 1024
ARCHIVE_SUFFIXES = (".docx", ".odt", ".qdpx")


@dataclass(frozen=True)
class ArchiveLimits:
    """What an archive may unpack to, derived from the per-file limit (``--max-mb``)."""

    member: int
    total: int
    ratio: float = MAX_RATIO
    members: int = MAX_MEMBERS

    @classmethod
    def for_max_bytes(cls, max_bytes: int) -> ArchiveLimits:
        return cls(member=MEMBER_FACTOR * max_bytes, total=TOTAL_FACTOR * max_bytes)


def archive_problem(source: bytes | Path | BinaryIO, limits: ArchiveLimits) -> str | None:
    """Why this archive is refused (one phrase with its figures), or None when it may be read.

    A file that is not a ZIP archive at all gives None: the format's reader says so in its own
    words ("not a readable Word file").
    """
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    if isinstance(source, Path):
        with source.open("rb") as stream:
            return _problem(stream, limits)
    return _problem(source, limits)


def _problem(stream: BinaryIO, limits: ArchiveLimits) -> str | None:
    # The end record is in the last 64 KB; its entry count comes before parsing the directory.
    end = zipfile._EndRecData(stream)  # stable since Python 2; no public way to read the count
    if end is None:
        return None
    entries = end[zipfile._ECD_ENTRIES_TOTAL]
    if entries > limits.members:
        return f"the archive lists {entries:,} parts, above the limit of {limits.members:,}"
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > limits.member:
            return (
                f"its part {info.filename} unpacks to {_size(info.file_size)}, above the limit of "
                f"{_size(limits.member)} per part"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE and ratio > limits.ratio:
            return (
                f"its part {info.filename} unpacks {ratio:,.0f} times ({_size(info.compress_size)} "
                f"to {_size(info.file_size)}), above the limit of {limits.ratio:.0f} times"
            )
    if total > limits.total:
        return (
            f"it unpacks to {_size(total)} in all, above the limit of {_size(limits.total)}"
        )
    return None


def _size(size: int) -> str:
    if size >= 1000 * 1024**2:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024 * 1024:
        return f"{size / 1024**2:.0f} MB"
    return f"{size / 1024:.0f} KB"
