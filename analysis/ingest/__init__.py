"""Reading interview transcripts: one file in, one ``ParsedTranscript`` out.

``read_transcript`` checks the file (type, size, emptiness), reads it with the reader for its
format, cuts it into speaker turns, merges its metadata (``metadata.py`` says from where and in
which order) and assigns roles (``roles.py``). Every user mistake is an ``IngestError`` whose
text is one line naming the file; a file without speaker labels is not a mistake (one respondent
turn and a warning). The readers know nothing of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from .base import ROLES, IngestError, ParsedTranscript, ParsedTurn
from .metadata import (
    folder_entry,
    institution_from_stem,
    load_folder_metadata,
    merge_metadata,
    normalise_metadata,
    read_sidecar,
)
from .roles import assign_roles
from .srt import read_srt
from .txt import people, read_text
from .vtt import read_vtt

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ROLES",
    "SUPPORTED_SUFFIXES",
    "IngestError",
    "ParsedTranscript",
    "ParsedTurn",
    "assign_roles",
    "load_folder_metadata",
    "read_transcript",
]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt", ".pdf")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_Reader = Callable[[Path, bytes, Iterable[str]], ParsedTranscript]


# The Word and PDF readers load python-docx/lxml and pypdf, so they are imported when such a
# file is read, not whenever the package is (the CLI's start-up needs IngestError only).
def read_docx(path: Path, data: bytes, names: Iterable[str]) -> ParsedTranscript:
    from .docx import read_docx as read

    return read(path, data, names)


def read_pdf(path: Path, data: bytes, names: Iterable[str]) -> ParsedTranscript:
    from .pdf import read_pdf as read

    return read(path, data, names)


_READERS: dict[str, _Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".vtt": read_vtt,
    ".srt": read_srt,
    ".pdf": read_pdf,
}
_HINTS = {
    ".doc": " (save it as .docx in Word)",
    ".rtf": " (save it as .docx or .txt)",
    ".odt": " (save it as .docx)",
}


def read_transcript(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    folder_metadata: dict[str, dict] | None = None,
) -> ParsedTranscript:
    """Read one transcript file; raises ``IngestError`` (one line: file name + reason) on bad input.

    ``folder_metadata`` is what ``load_folder_metadata`` returns for the file's folder; when None
    it is loaded here (a batch should load it once and pass it; ``{}`` ignores metadata.csv).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        shown = f"'{suffix}'" if suffix else "without an extension"
        raise IngestError(
            path,
            f"unsupported file type {shown}{_HINTS.get(suffix, '')}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    data = _read_bytes(path, max_bytes)
    if folder_metadata is None:
        folder_metadata = load_folder_metadata(path.parent)
    outside, _ = normalise_metadata(
        merge_metadata(folder_entry(folder_metadata, path), read_sidecar(path))
    )

    parsed = _READERS[suffix](path, data, people(outside))
    metadata, warnings = normalise_metadata(merge_metadata(outside, parsed.metadata))
    if not metadata.get("institution"):
        metadata["institution"] = institution_from_stem(path.stem)
        warnings.append(
            f"no institution in the metadata; taken from the file name: {metadata['institution']}"
        )
    parsed.metadata = metadata
    parsed.warnings = list(dict.fromkeys(warnings + parsed.warnings))
    assign_roles(parsed)
    return parsed


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IngestError(path, "is not a file")
        if size > max_bytes:
            raise IngestError(path, f"is {_size(size)}, above the limit of {_size(max_bytes)}")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError(path, "file not found") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise IngestError(path, "is empty")
    return data


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
