"""Old Word transcripts (.doc, Word 97-2003) through a converter found on the machine.

No maintained Python library reads the binary .doc format, so the file is converted by a program
installed beside the product (both are Debian packages): antiword (fast, plain text) or, when
antiword cannot read it (Word 6/95, damaged), LibreOffice headless to .docx, which then goes
through the Word reader with its bold speaker labels. Which converters exist is decided at run
time; without one, a folder import names the file as skipped with the advice to save it as
.docx. A ".doc" that is really Rich Text (Word's "save as" often did that) is read as RTF; one
without the compound-file header of a real .doc is refused before any converter sees it
(LibreOffice would import random bytes as text).
Conversions run with a time limit in a private temporary folder and never touch the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .base import IngestError, ParsedTranscript
from .rtf import RTF_MAGIC, read_rtf
from .text import normalise
from .txt import transcript_from_text

CONVERT_SECONDS = 120
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # the compound-file header of every Word .doc
NO_CONVERTER = (
    ".doc is not read here (neither antiword nor LibreOffice is installed); save it as .docx"
)


def converters() -> list[str]:
    """The converters on this machine, in the order they are tried."""
    return [name for name in ("antiword", "soffice") if shutil.which(name)]


def read_doc(path: Path, data: bytes, known: Iterable[str]) -> ParsedTranscript:
    """Read a .doc transcript by converting it; ``known``: speaker names from outside metadata."""
    if data.lstrip().startswith(RTF_MAGIC):
        parsed = read_rtf(path, data, known)
        parsed.format = "doc"
        return parsed
    if not data.startswith(OLE2_MAGIC):  # a converter would import any bytes as text
        raise IngestError(
            path, "is not a Word 97-2003 file (no Word header); if it is plain text, rename it "
            "to .txt"
        )
    found = converters()
    if not found:
        raise IngestError(path, NO_CONVERTER)
    with tempfile.TemporaryDirectory(prefix="interviews-doc-") as folder:
        source = Path(folder) / "bron.doc"
        source.write_bytes(data)
        for name in found:
            convert = _antiword if name == "antiword" else _soffice
            parsed = convert(path, source, known)
            if parsed is not None:
                parsed.format = "doc"
                return parsed
    raise IngestError(path, "is not a readable Word 97-2003 file (damaged, or not a .doc)")


def _antiword(path: Path, source: Path, known: Iterable[str]) -> ParsedTranscript | None:
    """antiword's text (UTF-8, paragraphs unwrapped), or None when it cannot read the file."""
    done = _run(["antiword", "-m", "UTF-8.txt", "-w", "0", str(source)], source.parent)
    if done is None or done.returncode != 0 or not done.stdout.strip():
        return None
    text = normalise(done.stdout.decode("utf-8", errors="replace"))
    return transcript_from_text(text, "doc", known, {}, laid_out=True)


def _soffice(path: Path, source: Path, known: Iterable[str]) -> ParsedTranscript | None:
    """LibreOffice's .docx of the file read by the Word reader, or None when it fails."""
    folder = source.parent
    profile = (folder / "profiel").as_uri()  # a private profile: no clash with a running office
    done = _run(
        [
            "soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "docx", "--outdir", str(folder / "uit"), str(source),
        ],
        folder,
    )
    converted = folder / "uit" / "bron.docx"
    if done is None or not converted.is_file():
        return None
    from .docx import read_docx  # python-docx: loaded only when a .doc is converted

    return read_docx(path, converted.read_bytes(), known)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes] | None:
    env = {**os.environ, "HOME": str(cwd)}  # LibreOffice and antiword look for files there
    try:
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, timeout=CONVERT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
