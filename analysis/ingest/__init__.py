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

from .archive import ARCHIVE_SUFFIXES, ArchiveLimits, archive_problem
from .base import ROLES, IngestError, ParsedTranscript, ParsedTurn
from .files import read_regular
from .metadata import (
    folder_entry,
    institution_from_stem,
    load_folder_metadata,
    merge_metadata,
    normalise_metadata,
    read_sidecar,
)
from .roles import assign_roles
from .rtf import read_rtf
from .srt import read_srt
from .txt import people, read_text
from .vtt import read_vtt

__all__ = [
    "DEFAULT_MAX_BYTES",
    "HINTS",
    "ROLES",
    "SUPPORTED_SUFFIXES",
    "IngestError",
    "ParsedTranscript",
    "ParsedTurn",
    "assign_roles",
    "load_folder_metadata",
    "read_regular",
    "read_transcript",
]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt", ".pdf", ".odt", ".rtf", ".doc")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_Reader = Callable[[Path, bytes, Iterable[str]], ParsedTranscript]


# The Word, OpenDocument and PDF readers load python-docx/lxml, odfdo and pypdf, so they are
# imported when such a file is read, not whenever the package is (start-up needs IngestError).
def read_docx(path: Path, data: bytes, names: Iterable[str]) -> ParsedTranscript:
    from .docx import read_docx as read

    return read(path, data, names)


def read_pdf(path: Path, data: bytes, names: Iterable[str]) -> ParsedTranscript:
    from .pdf import read_pdf as read

    return read(path, data, names)


def read_odt(path: Path, data: bytes, names: Iterable[str]) -> ParsedTranscript:
    from .odt import read_odt as read

    return read(path, data, names)


def read_doc(path: Path, data: bytes, names: Iterable[str]) -> ParsedTranscript:
    from .doc import read_doc as read

    return read(path, data, names)


_READERS: dict[str, _Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".vtt": read_vtt,
    ".srt": read_srt,
    ".pdf": read_pdf,
    ".odt": read_odt,
    ".rtf": read_rtf,
    ".doc": read_doc,  # through antiword or LibreOffice when installed (doc.py)
}
# Advice for formats an evaluator is likely to have but that are not read.
HINTS = {
    ".pages": " (export it from Pages as .docx)",
    ".wpd": " (save it as .docx)",
    ".docm": " (save it as .docx without macros)",
    ".dotx": " (a Word template: save the transcript as .docx)",
    ".odm": " (save it as .odt)",
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
            f"unsupported file type {shown}{HINTS.get(suffix, '')}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    data = _read_bytes(path, max_bytes)
    if suffix in ARCHIVE_SUFFIXES:
        problem = archive_problem(data, ArchiveLimits.for_max_bytes(max_bytes))
        if problem:
            raise IngestError(path, f"refused before reading: {problem}")
    if folder_metadata is None:
        folder_metadata = load_folder_metadata(path.parent)
    outside, _ = normalise_metadata(
        merge_metadata(folder_entry(folder_metadata, path), read_sidecar(path))
    )

    parsed = _READERS[suffix](path, data, people(outside))
    metadata, warnings = normalise_metadata(merge_metadata(outside, parsed.metadata))
    own, _ = normalise_metadata(parsed.metadata)
    if outside.get("date") and own.get("date") and own["date"] != outside["date"]:
        # The file's own header is the most specific source and wins, as for every field, but
        # a date that contradicts metadata.csv (or the sidecar) is never replaced silently.
        warnings.append(
            f"the file's header gives the date {own['date']}, metadata.csv or the sidecar "
            f"{outside['date']}; the header's date is used, correct it if it is wrong"
        )
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
    data = read_regular(path, max_bytes)
    if not data.strip():
        raise IngestError(path, "is empty")
    return data
