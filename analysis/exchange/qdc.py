"""REFI-QDA codebooks (.qdc): export the project's codebook, import one made in another tool.

**Export.** Codes nest as in the project (``impact.student`` inside ``impact``) and keep their
stable GUID (``Code.guid``), so that a code exported twice, or by a colleague's copy of the
project, is recognised as the same code. A REFI code has a name, a colour and one free
``Description``; everything else of ours (definition, when to use, when not to use, examples,
keywords, the key) goes into that description as labelled Dutch paragraphs that read well in
ATLAS.ti, NVivo, MAXQDA or QualCoder and that this module parses back::

    <definitie>

    Wanneer gebruiken: ...
    Wanneer niet gebruiken: ...
    Voorbeelden:
    - "..."
    Trefwoorden: a, b
    Sleutel: impact.student

**Import** merges into the project's codebook and reports what it did. A code is recognised by
its GUID, else by the ``Sleutel`` line, else by its name under the same parent; a recognised code
gets the new name (reported as renamed), definition texts and colour, but keeps its key and
place, because codings refer to codes by key. New codes get a key made from their name under
their parent's key. Other tools' habits are handled: ``isCodable="false"`` folders become parent
codes (our codebook has no folders; reported), a missing colour becomes the parent's or the
default, and names such as ``Impact::Studenten`` or ``Impact\\Studenten`` (a hierarchy flattened
into names by some exporters) are unfolded into parent and child.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.codebook import DEFAULT_COLOUR, Code, Codebook, CodebookError
from analysis.codebook_store import code_guids, read_codebook, write_codebook
from analysis.exchange.refi import (
    CODEBOOK_NS,
    ORIGIN,
    ExchangeError,
    child,
    children,
    local,
    normalise_guid,
    parse_xml,
    schema_problems,
    write_atomic,
    xml_text,
)
from analysis.ingest.keys import fold
from analysis.store import Code as CodeRow

# Labelled paragraphs of a code's description: (field, Dutch heading, English alias).
_TEXT_SECTIONS = (
    ("description", "Toelichting", "Description"),
    ("when_to_use", "Wanneer gebruiken", "When to use"),
    ("when_not_to_use", "Wanneer niet gebruiken", "When not to use"),
    ("phase_description", "Fasebeschrijving", "Phase"),
)
_LIST_SECTIONS = (
    ("examples", "Voorbeelden", "Examples"),
    ("keywords", "Trefwoorden", "Keywords"),
    ("phrases", "Woordgroepen", "Phrases"),
    ("indicators", "Indicatoren", "Indicators"),
)
_KEY_HEADING = "Sleutel"
_HEADINGS = {
    fold(name): field_name
    for field_name, dutch, english in (
        *_TEXT_SECTIONS, *_LIST_SECTIONS, ("key", _KEY_HEADING, "Key")
    )
    for name in (dutch, english)
}
_HEADING_LINE = re.compile(r"^\s*([^\W\d][\w ]{1,30}?)\s*:\s*(.*)$")
_FLATTENED = re.compile(r"\s*(?:::|\\)\s*")
_KEY_PART = re.compile(r"[a-z0-9][a-z0-9_]*\Z")
_COLOUR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\Z")


# --- description text ------------------------------------------------------------------------


def describe(code: Code) -> str:
    """A code's texts as one REFI ``Description`` (see the module docstring)."""
    parts = [code.definition.strip()] if code.definition.strip() else []
    lines: list[str] = []
    for name, heading, _ in _TEXT_SECTIONS:
        value = getattr(code, name, "")
        if value and value.strip():
            lines.append(f"{heading}: {value.strip()}")
    for name, heading, _ in _LIST_SECTIONS:
        values = [v for v in getattr(code, name, []) or [] if v]
        if not values:
            continue
        if name == "examples":
            lines.append(f"{heading}:")
            lines.extend(f"- {value.strip()}" for value in values)
        else:
            lines.append(f"{heading}: {', '.join(values)}")
    lines.append(f"{_KEY_HEADING}: {code.key}")
    return "\n\n".join([*parts, "\n".join(lines)])


def parse_description(text: str | None) -> dict[str, object]:
    """The fields a description holds: labelled paragraphs by heading, the rest is the
    definition. A description from another tool is usually all definition."""
    result: dict[str, object] = {}
    current = "definition"
    buffer: dict[str, list[str]] = {"definition": []}
    for line in (text or "").splitlines():
        match = _HEADING_LINE.match(line)
        heading = _HEADINGS.get(fold(match.group(1))) if match else None
        if heading is not None:
            current = heading
            buffer.setdefault(current, [])
            if match.group(2).strip():
                buffer[current].append(match.group(2))
            continue
        buffer.setdefault(current, []).append(line)
    for name, lines in buffer.items():
        if name == "examples":
            examples: list[str] = []
            for line in lines:
                if line.lstrip().startswith("- "):
                    examples.append(line.lstrip()[2:].strip())
                elif line.strip() and examples:
                    examples[-1] += "\n" + line.strip()
                elif line.strip():
                    examples.append(line.strip())
            result[name] = examples
        elif name in ("keywords", "phrases", "indicators"):
            joined = " ".join(line.strip() for line in lines)
            result[name] = [term.strip() for term in joined.split(",") if term.strip()]
        else:
            value = "\n".join(lines).strip()
            value = re.sub(r"\n{3,}", "\n\n", value)
            if value:
                result[name] = value
    return result


# --- export -------------------------------------------------------------------------------------


def codes_element(
    codebook: Codebook,
    guids: dict[str, str],
    namespace: str,
    *,
    text: Callable[[str], str] = str,
    note_refs: dict[str, list[str]] | None = None,
) -> etree._Element:
    """The ``<Codes>`` tree of a codebook, nested by parent, in codebook order.

    ``text`` is applied to names and descriptions (the pseudonymiser, for anonymised exports);
    ``note_refs`` lists note GUIDs per code key (project files only: a .qdc has no notes).
    """
    codes = etree.Element(f"{{{namespace}}}Codes")
    by_parent: dict[str | None, list[Code]] = {}
    keys = set(codebook.keys())
    for code in codebook.codes:
        parent = code.parent if code.parent in keys else None
        by_parent.setdefault(parent, []).append(code)

    def add(parent_element: etree._Element, code: Code) -> None:
        element = etree.SubElement(
            parent_element,
            f"{{{namespace}}}Code",
            guid=guids[code.key],
            name=xml_text(text(code.label)),
            isCodable="true",
        )
        if _COLOUR.match(code.colour or ""):
            element.set("color", code.colour.upper())
        etree.SubElement(element, f"{{{namespace}}}Description").text = xml_text(
            text(describe(code))
        )
        for note in (note_refs or {}).get(code.key, []):
            etree.SubElement(element, f"{{{namespace}}}NoteRef", targetGUID=note)
        for sub in by_parent.get(code.key, []):
            add(element, sub)

    for code in by_parent.get(None, []):
        add(codes, code)
    return codes


@dataclass
class ExportResult:
    """What an export wrote: counts by kind and anything the reader should know."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        counted = ", ".join(f"{number} {kind}" for kind, number in self.counts.items())
        return [f"wrote {self.path.name}: {counted}", *(f"warning: {w}" for w in self.warnings)]


def export_codebook(
    session: Session, path: Path, *, text: Callable[[str], str] = str
) -> ExportResult:
    """Write the project's codebook as a schema-valid .qdc file."""
    codebook = read_codebook(session)
    if not codebook.codes:
        raise ExchangeError(path, "the project has no codes to export")
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    root.append(codes_element(codebook, code_guids(session), CODEBOOK_NS, text=text))
    result = ExportResult(Path(path), {"codes": len(codebook.codes)})
    result.warnings.extend(check_schema(root, path))
    write_atomic(
        Path(path),
        etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True),
    )
    return result


def check_schema(root: etree._Element, path: Path | str) -> list[str]:
    """Refuse to write a document that breaks the schema; a warning when no schema is at hand."""
    problems = schema_problems(root)
    if problems is None:
        return ["REFI-QDA schemas not found (set REFI_QDA_SCHEMAS); the file was not validated"]
    if problems:
        raise ExchangeError(path, "the export does not validate: " + "; ".join(problems[:3]))
    return []


# --- import -------------------------------------------------------------------------------------


@dataclass(eq=False)
class ImportedCode:
    """One code as another tool describes it, with its parent in the same import."""

    name: str
    parent: ImportedCode | None = None
    guid: str | None = None
    codable: bool = True
    colour: str | None = None
    fields: dict[str, object] = field(default_factory=dict)
    synthetic: bool = False  # made from a flattened name ("A::B" gives a made-up "A")

    def path(self) -> str:
        return f"{self.parent.path()} › {self.name}" if self.parent else self.name


@dataclass
class CodebookImportReport:
    """What importing a codebook did, for the evaluator to check."""

    source: str
    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # imported GUID -> project key

    def lines(self) -> list[str]:
        lines = [
            f"{self.source}: {len(self.added)} added, {len(self.renamed)} renamed, "
            f"{len(self.updated)} updated, {self.unchanged} unchanged, {len(self.skipped)} skipped"
        ]
        lines += [f"  added    {item}" for item in self.added]
        lines += [f"  renamed  {item}" for item in self.renamed]
        lines += [f"  updated  {item}" for item in self.updated]
        lines += [f"  skipped  {item}" for item in self.skipped]
        lines += [f"  note     {item}" for item in self.notes]
        return lines


def read_qdc(path: Path) -> list[ImportedCode]:
    """The codes of a .qdc file; a file that is not a REFI-QDA codebook raises ExchangeError."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ExchangeError(path, f"cannot read the file ({error.strerror or error})") from error
    if data.startswith(b"PK\x03\x04"):
        raise ExchangeError(
            path, "a ZIP archive, not a .qdc codebook (a .qdpx project? use: import project)"
        )
    root = parse_xml(data, path)
    if local(root) != "CodeBook" or not (etree.QName(root).namespace or "").startswith(
        "urn:QDA-XML:codebook"
    ):
        raise ExchangeError(
            path, f"not a REFI-QDA codebook (the root element is <{local(root) or root.tag}>, "
            "expected <CodeBook> in namespace urn:QDA-XML:codebook:1.0)"
        )
    codes = child(root, "Codes")
    if codes is None:
        raise ExchangeError(path, "the codebook has no <Codes> element")
    return read_codes(codes)


def read_codes(codes: etree._Element) -> list[ImportedCode]:
    """Codes of a ``<Codes>`` element, parents before children, flattened names unfolded."""
    result: list[ImportedCode] = []
    index: dict[tuple[int, str], ImportedCode] = {}  # (id of parent, folded name) -> code

    def placed(name: str, parent: ImportedCode | None) -> ImportedCode | None:
        return index.get((id(parent), fold(name)))

    def remember(code: ImportedCode) -> None:
        result.append(code)
        index.setdefault((id(code.parent), fold(code.name)), code)

    def walk(element: etree._Element, parent: ImportedCode | None) -> None:
        raw_name = unicodedata.normalize("NFC", (element.get("name") or "").strip())
        parts = [part for part in _FLATTENED.split(raw_name) if part]
        for part in parts[:-1]:  # a flattened hierarchy: find or make each ancestor
            ancestor = placed(part, parent)
            if ancestor is None:
                ancestor = ImportedCode(part, parent, codable=False, synthetic=True)
                remember(ancestor)
            parent = ancestor
        description = child(element, "Description")
        colour = element.get("color")
        code = ImportedCode(
            name=parts[-1] if parts else "",
            parent=parent,
            guid=normalise_guid(element.get("guid")),
            codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
            colour=_full_colour(colour) if colour and _COLOUR.match(colour.strip()) else None,
            fields=_usable_terms(
                parse_description(description.text if description is not None else "")
            ),
        )
        existing = placed(code.name, parent) if code.name else None
        if existing is not None and existing.synthetic:
            # "A::B" came before the real "A": the real one takes the made-up one's place.
            existing.guid, existing.codable = code.guid, code.codable
            existing.colour, existing.fields, existing.synthetic = code.colour, code.fields, False
            code = existing
        else:
            remember(code)
        for sub in children(element, "Code"):
            walk(sub, code)

    for element in children(codes, "Code"):
        walk(element, None)
    return result


def _usable_terms(fields: dict[str, object]) -> dict[str, object]:
    """Terms typed in another tool, in the shape our validation accepts (lower case, single
    words as keywords, word groups as phrases), rather than refusing the whole code."""
    terms = [str(t).lower() for name in ("keywords", "phrases") for t in fields.pop(name, [])]
    if terms:
        fields["keywords"] = list(dict.fromkeys(t for t in terms if len(t.split()) == 1))
        fields["phrases"] = list(dict.fromkeys(t for t in terms if len(t.split()) > 1))
    if "indicators" in fields:
        fields["indicators"] = list(dict.fromkeys(str(t).lower() for t in fields["indicators"]))
    return fields


def _full_colour(value: str) -> str:
    digits = value.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits.upper()


def merge_codes(
    session: Session, imported: Iterable[ImportedCode], source: str
) -> CodebookImportReport:
    """Merge imported codes into the project's codebook (see the module docstring).

    Runs inside the caller's transaction: a failure leaves the codebook as it was.
    """
    report = CodebookImportReport(source)
    codebook = read_codebook(session)
    guid_of = code_guids(session)
    key_of_guid = {normalise_guid(guid): key for key, guid in guid_of.items()}
    keys: dict[int, str | None] = {}
    adopt: dict[str, str] = {}  # key -> imported GUID to take over
    seen_guids: set[str] = set()
    for code in imported:
        parent_key = keys.get(id(code.parent)) if code.parent is not None else None
        if code.parent is not None and parent_key is None:
            report.skipped.append(f"{code.path()}: its parent was skipped")
            keys[id(code)] = None
            continue
        if not code.name:
            where = parent_key or "the top"
            report.skipped.append(f"code {code.guid or '?'} under {where}: no name")
            keys[id(code)] = None
            continue
        if code.guid and code.guid in seen_guids:
            report.skipped.append(f"{code.path()}: GUID {code.guid} occurs twice in the file")
            keys[id(code)] = None
            continue
        if code.guid:
            seen_guids.add(code.guid)
        key = _recognise(code, parent_key, codebook, key_of_guid)
        try:
            if key is None:
                key = _add(code, parent_key, codebook, source)
                report.added.append(f"{key}: {code.name}")
                if not code.codable:
                    report.notes.append(
                        f"{code.path()}: a folder (not codable) in the source; imported as "
                        f"parent code {key}"
                    )
            else:
                _update(code, key, parent_key, codebook, report)
        except CodebookError as error:
            report.skipped.append(f"{code.path()}: {'; '.join(error.problems)}")
            keys[id(code)] = None
            continue
        keys[id(code)] = key
        if code.guid:
            report.keys[code.guid] = key
            if key_of_guid.get(code.guid) is None:
                adopt[key] = code.guid
    write_codebook(session, codebook)
    taken = {normalise_guid(g) for g in code_guids(session).values()}
    for row in session.scalars(select(CodeRow).where(CodeRow.key.in_(list(adopt)))):
        # The code takes the other tool's GUID, so that the next exchange recognises it.
        if adopt[row.key] not in taken:
            taken.discard(normalise_guid(row.guid))
            row.guid = adopt[row.key]
            taken.add(row.guid)
    session.flush()
    return report


def _recognise(
    code: ImportedCode, parent_key: str | None, codebook: Codebook, key_of_guid: dict
) -> str | None:
    if code.guid and code.guid in key_of_guid:
        return key_of_guid[code.guid]
    hint = code.fields.get("key")
    if isinstance(hint, str) and hint in codebook and codebook.get(hint).parent == parent_key:
        return hint
    for existing in codebook.codes:
        if existing.parent == parent_key and fold(existing.label) == fold(code.name):
            return existing.key
    return None


def _update(
    code: ImportedCode, key: str, parent_key: str | None, codebook: Codebook,
    report: CodebookImportReport,
) -> None:
    existing = codebook.get(key)
    if existing.parent != parent_key:
        report.notes.append(
            f"{key}: placed under {parent_key or 'the top'} in the file; kept under "
            f"{existing.parent or 'the top'} (a code's key, to which codings refer, cannot change)"
        )
    changes: dict[str, object] = {}
    for name, value in code.fields.items():
        if name != "key" and value and value != getattr(existing, name):
            changes[name] = value
    if code.colour and code.colour.upper() != existing.colour.upper():
        changes["colour"] = code.colour
    renamed = code.name != existing.label
    if renamed:
        changes["label"] = code.name
    if not changes:
        report.unchanged += 1
        return
    codebook.update(key, **changes)
    if renamed:
        report.renamed.append(f"{key}: {existing.label} → {code.name}")
    if set(changes) - {"label"}:
        report.updated.append(f"{key}: {', '.join(sorted(set(changes) - {'label'}))}")


def _add(code: ImportedCode, parent_key: str | None, codebook: Codebook, source: str) -> str:
    hint = code.fields.get("key")
    if (
        isinstance(hint, str)
        and hint not in codebook
        and (hint.rsplit(".", 1)[0] if "." in hint else None) == parent_key
    ):
        key = hint
    else:
        key = _new_key(code.name, parent_key, set(codebook.keys()))
    colour = code.colour or (codebook.get(parent_key).colour if parent_key else DEFAULT_COLOUR)
    values = {
        name: value for name, value in code.fields.items()
        if name in ("definition", "description", "when_to_use", "when_not_to_use",
                    "phase_description", "examples", "keywords", "phrases", "indicators")
    }
    values.setdefault("definition", f"Geïmporteerd uit {source} zonder definitie; vul aan.")
    codebook.add(Code(key=key, label=code.name, colour=colour, **values))
    return key


def _new_key(name: str, parent_key: str | None, taken: set[str]) -> str:
    """A key from a name under its parent: "Studenten & ouders" -> "impact.studenten_ouders"."""
    slug = re.sub(r"[^a-z0-9]+", "_", fold(name)).strip("_")[:40].strip("_") or "code"
    if not _KEY_PART.match(slug):
        slug = "code_" + slug
    base = f"{parent_key}.{slug}" if parent_key else slug
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key
