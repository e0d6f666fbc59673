"""Crafted ZIP archives that unpack to about 1 GB while being about 1 MB on disk (zip bombs).

Compressing 1 GB takes seconds of CPU; instead one 1 MB block of the repeated text is deflated
once, ending in a full flush (which resets the compressor), so the same compressed bytes stand
for every further block. The result is a genuine, valid archive: each member's CRC and sizes are
right and Python's ``zipfile`` would inflate it to the full size.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BLOCK = 1024 * 1024


def _deflate(parts: list[tuple[bytes, int]]) -> tuple[bytes, int, int]:
    """Raw deflate of ``parts`` (bytes, times repeated): (compressed, crc32, size)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out: list[bytes] = []
    crc = size = 0
    for data, times in parts:
        block = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
        out.append(block * times)
        for _ in range(times):
            crc = zlib.crc32(data, crc)
        size += len(data) * times
    out.append(compressor.flush())
    return b"".join(out), crc, size


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP archive from (name, raw deflate, crc32, uncompressed size), sizes under 4 GB."""
    body = bytearray()
    directory = bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        body += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
            len(encoded), 0, 0, 0, 0, 0, offset,
        )
        directory += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return bytes(body + directory + end)


def _member(name: str, head: bytes, filler: bytes, target: int, tail: bytes):
    repeated = filler * (BLOCK // len(filler))  # whole elements, so the XML stays well-formed
    data, crc, size = _deflate([(head, 1), (repeated, target // len(repeated)), (tail, 1)])
    return name, data, crc, size


def _small(name: str, text: str):
    data, crc, size = _deflate([(text.encode(), 1)])
    return name, data, crc, size


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/'
    'document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(path: Path, size: int = 1024**3) -> Path:
    """A Word file whose document.xml is ``size`` bytes of "Respondent: Ja." paragraphs."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode()
    filler = b"<w:p><w:r><w:t>Respondent: Ja, dat klopt.</w:t></w:r></w:p>"
    members = [
        _small("[Content_Types].xml", CONTENT_TYPES),
        _small("_rels/.rels", RELS),
        _member("word/document.xml", head, filler, size, b"</w:body></w:document>"),
    ]
    path.write_bytes(_zip(members))
    return path


def qdpx_bomb(path: Path, size: int = 1024**3) -> Path:
    """A REFI-QDA project whose project.qde is ``size`` bytes of one description."""
    head = (
        b'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
        b'name="Bom"><Description>'
    )
    members = [
        _member("project.qde", head, b"internationalisering ", size, b"</Description></Project>")
    ]
    path.write_bytes(_zip(members))
    return path
