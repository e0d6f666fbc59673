"""Turn the bytes of a text-like file into one normalised ``str``.

Decoding order, and why: charset detection on short texts (a few Dutch sentences) is a guess, and
a wrong guess turns "één" or ’curly quotes’ into mojibake. So the certain cases come first:

1. a byte-order mark (UTF-8, UTF-16) says what the file is;
2. bytes that decode as strict UTF-8 *are* UTF-8 (legacy 8-bit Dutch text with any accented
   letter or curly quote almost never happens to be valid UTF-8);
3. bytes where some lines are UTF-8 with accents and others are not UTF-8 (a file pasted
   together from two editors) are decoded line by line, each line in its own encoding, and
   flagged: decoding it whole as Windows-1252 would turn the UTF-8 "café" into "cafÃ©";
4. otherwise Windows-1252, the encoding of Dutch Word/Notepad exports. It is a superset of the
   printable part of Latin-1, so Latin-1 files decode to the same text;
5. only bytes that are not valid Windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) go to
   charset-normalizer, and Latin-1 (which decodes anything) is the last resort.

Normalisation: the BOM is stripped, ``\\r\\n`` and lone ``\\r`` become ``\\n``, and the text is
put in Unicode NFC so that "ë" is one code point whatever the editor wrote. NUL characters (a
UTF-16 file may hold them) are dropped and lone surrogates (a PDF's text layer may hold them)
become U+FFFD: PostgreSQL cannot store NUL, neither database driver can encode a lone surrogate,
and a project must hold the same text on SQLite as on PostgreSQL. Every other character, control
characters included, is kept: later stages must cope with them (and are tested on them).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from .base import IngestError

# Share of control characters above which a "text" file is taken to be binary (an image or a
# zip renamed to .txt). Real transcripts have at most a stray form feed or vertical tab.
_MAX_CONTROL_SHARE = 0.05
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_SURROGATE = re.compile("[\ud800-\udfff]")


class NotTextError(ValueError):
    """The bytes are not text in any encoding we accept (binary content)."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # Python codec name actually used ("utf-8+cp1252" for a mixed file)
    legacy_lines: tuple[int, ...] = ()  # in a mixed file, the (1-based) lines read as cp1252

    def warnings(self) -> list[str]:
        """What the user should know about the decoding (a mixed file), in one line."""
        if not self.legacy_lines:
            return []
        shown = ", ".join(map(str, self.legacy_lines[:5]))
        more = f" and {len(self.legacy_lines) - 5} more" if len(self.legacy_lines) > 5 else ""
        return [
            f"mixed encodings: line {shown}{more} in Windows-1252, the rest in UTF-8; "
            "each line was read in its own encoding (check the accents there)"
        ]


def decode_bytes(data: bytes) -> DecodedText:
    """Decode ``data`` (see the module docstring for the order) and normalise the result."""
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(normalise(data.decode("utf-8-sig", errors="replace")), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(normalise(data.decode("utf-16", errors="replace")), "utf-16")
    if b"\x00" in data:
        raise NotTextError("contains NUL bytes")
    mixed = _decode_mixed(data)
    if mixed is not None:
        return DecodedText(normalise(mixed[0]), "utf-8+cp1252", mixed[1])
    text, encoding = _decode_without_bom(data)
    controls = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS
    )
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise NotTextError("consists largely of control characters")
    return DecodedText(normalise(text), encoding)


def decode_transcript_with_warnings(path: Path, data: bytes) -> tuple[str, list[str]]:
    """The decoded text and the decoding's warnings (``DecodedText.warnings``); binary content
    is an IngestError for ``path``."""
    try:
        decoded = decode_bytes(data)
        return decoded.text, decoded.warnings()
    except NotTextError as exc:
        raise IngestError(
            path, f"is not a text file ({exc}); is it a binary file with a {path.suffix} name?"
        ) from exc


def _decode_mixed(data: bytes) -> tuple[str, tuple[int, ...]] | None:
    """Line-by-line decoding when some lines are UTF-8 with non-ASCII characters and others are
    not UTF-8 at all; None for a file in one encoding (step 3 of the module docstring)."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    lines: list[str] = []
    legacy: list[int] = []
    utf8_accents = False
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
            utf8_accents = utf8_accents or not raw.isascii()
        except UnicodeDecodeError:
            try:
                lines.append(raw.decode("cp1252"))
            except UnicodeDecodeError:
                lines.append(raw.decode("latin-1"))
            legacy.append(number)
    if not utf8_accents:
        return None
    return "\n".join(lines), tuple(legacy)


def _decode_without_bom(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("latin-1"), "latin-1"


def normalise(text: str) -> str:
    """Strip a leading BOM and NULs, replace lone surrogates, unify line ends to ``\\n`` and
    compose to NFC."""
    text = _SURROGATE.sub("\ufffd", text.removeprefix("\ufeff").replace("\x00", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)
