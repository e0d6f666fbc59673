"""Resource faults (full disk, read-only, locked, no permission) as one line naming the file.

The database and the export writers fail the same few ways when the machine, not the input, is
the problem. Each becomes a ``ResourceError``: ``str()`` is the English line the CLI prints
(exit code 2), ``dutch`` is the line the app shows. Both say that nothing was half-saved: the
project's transaction rolled back (SQLite's documented behaviour under SQLITE_FULL) and an export
is written beside its target and renamed only when complete (``analysis.safe_write``).
"""

from __future__ import annotations

import errno
from pathlib import Path

# kind: (English cause and advice, Dutch cause, Dutch advice)
_TEXTS: dict[str, tuple[str, str, str, str]] = {
    "full": (
        "disk full",
        "nothing was half-saved; free some space and try again",
        "Schijf vol",
        "Er is niets half opgeslagen; maak ruimte vrij en probeer opnieuw.",
    ),
    "readonly": (
        "read-only",
        "nothing was saved; choose a writable place or make the file writable",
        "Alleen-lezen",
        "Er is niets opgeslagen; kies een schrijfbare plek of maak het bestand schrijfbaar.",
    ),
    "permission": (
        "no permission to write",
        "nothing was saved; choose another place or ask for write access",
        "Geen schrijfrechten",
        "Er is niets opgeslagen; kies een andere plek of vraag schrijfrechten.",
    ),
    "locked": (
        "in use by another program (locked)",
        "nothing was half-saved; wait until the other program is done and try again",
        "Bezet door een ander programma",
        "Er is niets half opgeslagen; wacht tot het andere programma klaar is en probeer opnieuw.",
    ),
    "no_folder": (
        "the folder does not exist",
        "nothing was written; create the folder or choose another one",
        "Map bestaat niet",
        "Er is niets geschreven; maak de map aan of kies een andere.",
    ),
    "is_folder": (
        "is a folder, not a file",
        "nothing was written; give a file name inside it",
        "Dit is een map, geen bestand",
        "Er is niets geschreven; geef een bestandsnaam in die map.",
    ),
    "not_file": (
        "is not a regular file (a pipe, socket or block device)",
        "nothing was written; choose a file name",
        "Geen gewoon bestand",
        "Er is niets geschreven; kies een bestandsnaam.",
    ),
}

_ERRNO_KINDS = {
    errno.ENOSPC: "full",
    errno.EDQUOT: "full",
    errno.EFBIG: "full",
    errno.EROFS: "readonly",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.ENOENT: "no_folder",
    errno.ENOTDIR: "no_folder",
    errno.EISDIR: "is_folder",
}

# SQLite's messages (sqlite3_errstr) for the result codes that mean "the machine, not the data".
_SQLITE_KINDS = (
    ("database or disk is full", "full"),
    ("attempt to write a readonly database", "readonly"),
    ("database is locked", "locked"),
    ("database table is locked", "locked"),
)
# PostgreSQL's SQLSTATEs with the same meaning.
_PG_KINDS = {"53100": "full", "25006": "readonly", "55P03": "locked", "40P01": "locked"}


class ResourceError(Exception):
    """The machine refused a write: ``str()`` in English for the CLI, ``dutch`` for the app."""

    def __init__(self, kind: str, target: str | Path, detail: str = "") -> None:
        self.kind = kind
        self.target = str(target)
        self.detail = detail
        cause, advice, _, _ = _TEXTS[kind]
        extra = f" ({detail})" if detail else ""
        super().__init__(f"{self.target}: {cause}{extra}; {advice}")

    @property
    def dutch(self) -> str:
        _, _, cause, advice = _TEXTS[self.kind]
        return f"{cause}: {self.target}. {advice}"


def from_os_error(error: OSError, target: str | Path) -> ResourceError | None:
    """The ``ResourceError`` an ``OSError`` of a write to ``target`` means, or None."""
    kind = _ERRNO_KINDS.get(error.errno or 0)
    return ResourceError(kind, target) if kind else None


def from_database_error(error: BaseException, target: str) -> ResourceError | None:
    """The ``ResourceError`` a driver error (SQLAlchemy's wrapper or the DBAPI's own) means."""
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code in _PG_KINDS:
        return ResourceError(_PG_KINDS[code], target)
    text = str(original).lower()
    for phrase, kind in _SQLITE_KINDS:
        if phrase in text:
            return ResourceError(kind, target)
    return None
