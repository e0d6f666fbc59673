"""What REFI-QDA codebook (.qdc) and project (.qdpx) exchange share: schemas, safe parsing,
GUIDs, dates and XML-safe text.

The official XSDs are not part of the package: they live beside the checkout in
``../shared/reference/refi-qda/`` or wherever ``REFI_QDA_SCHEMAS`` points. Every export is
validated against them when they can be found; when they cannot, the export says so instead of
claiming validity it did not check.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from lxml import etree

from analysis.safe_write import write_bytes

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
SCHEMA_FILES = {CODEBOOK_NS: "Codebook.xsd", PROJECT_NS: "Project.xsd"}
SCHEMA_ENV = "REFI_QDA_SCHEMAS"
ORIGIN = "interview-analysis (Erasmus+ bestuurdersinterviews)"

# Characters XML 1.0 cannot hold at all; transcripts may carry them (form feeds, stray controls).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_GUID = re.compile(r"\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?\Z", re.I)


class ExchangeError(ValueError):
    """A file that cannot be imported or exported, in one line naming the file and the problem."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


def schema_dir() -> Path | None:
    """The folder holding ``Codebook.xsd`` and ``Project.xsd``, or None when not found."""
    candidates = []
    if os.environ.get(SCHEMA_ENV):
        candidates.append(Path(os.environ[SCHEMA_ENV]))
    repository = Path(__file__).resolve().parents[2]
    candidates.append(repository.parent / "shared" / "reference" / "refi-qda")
    for folder in candidates:
        if all((folder / name).is_file() for name in SCHEMA_FILES.values()):
            return folder
    return None


@cache
def _schema(folder: Path, name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(folder / name)))


def schema_problems(root: etree._Element) -> list[str] | None:
    """Schema errors of a codebook or project document (empty list: valid; None: no schema)."""
    folder = schema_dir()
    namespace = etree.QName(root).namespace
    if folder is None or namespace not in SCHEMA_FILES:
        return None
    schema = _schema(folder, SCHEMA_FILES[namespace])
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def parse_xml(data: bytes, path: Path | str) -> etree._Element:
    """Parse untrusted XML: no external entities, no network, no DTD loading."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_blank_text=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ExchangeError(path, f"not well-formed XML ({error.msg})") from error


def xml_text(value: object) -> str:
    """``value`` as text that XML 1.0 can hold (illegal control characters dropped)."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def normalise_guid(value: str | None) -> str | None:
    """A GUID in lower case without braces, or None when ``value`` is not a GUID."""
    match = _GUID.match((value or "").strip())
    return match.group(1).lower() if match else None


def stable_guid(namespace: str, *parts: object) -> str:
    """A GUID that is the same every time for the same project and object (uuid5)."""
    return str(uuid.uuid5(uuid.UUID(namespace), "/".join(str(p) for p in parts)))


def xml_datetime(value: datetime | None) -> str | None:
    """A stored (naive UTC) timestamp as ``xsd:dateTime`` with an explicit ``Z``."""
    if value is None:
        return None
    return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def parse_datetime(value: str | None) -> datetime | None:
    """An ``xsd:dateTime`` as naive UTC (how the store keeps time); None when absent or bad."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def local(element: etree._Element) -> str:
    """An element's name without namespace (comments and processing instructions give "")."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children called ``name``, in any namespace (tools differ in how they declare it)."""
    return [child for child in element if local(child) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (``analysis.safe_write``)."""
    write_bytes(path, data)
