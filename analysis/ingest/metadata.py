"""Transcript metadata: where it comes from, how its keys and values are normalised, how it merges.

Sources, from weakest to strongest:

1. ``metadata.csv`` in the transcript's folder (one row per file: the evaluator's batch list);
2. a sidecar ``<stem>.yaml`` / ``<stem>.yml`` next to the transcript (one file, made on purpose);
3. metadata inside the transcript: YAML front matter (.txt/.md), a key/value header block at the
   top ("Datum: 15 september 2026"), or the key/value table at the top of a Word file.

The closest source to the content wins, field by field: a batch list is typed from memory and
in advance, while what is written in (or right next to) the transcript was written with the
conversation at hand; an empty value never overrides a filled one. A missing institution falls
back to the file name ("roc_amstelduin_2026.txt" -> "ROC Amstelduin").

Keys may be Dutch or English (see ``keys.py``). Values: ``respondents`` and ``roles`` are lists
(``;``-separated in text, a "Naam (functie)" respondent gives its function to ``roles``), dates
become ISO ``YYYY-MM-DD`` when they can be read ("15 september 2026", "15-09-2026").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import yaml
from dateutil import parser as date_parser

from .base import IngestError
from .keys import FIELDS, LIST_FIELDS, is_metadata_key, normalise_key
from .speakers import label_shape_ok
from .text import NotTextError, decode_bytes

METADATA_CSV = "metadata.csv"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_KEY_LINE = re.compile(
    r"^[ \t]*(?:[-*][ \t]+)?(?:\*\*)?(?P<key>[^\W\d][\w ()’'.\-]{0,40}?)(?:\*\*)?[ \t]*:"
    r"(?:\*\*)?[ \t]*(?P<value>.*?)[ \t]*$"
)
_PERSON_FIELDS = frozenset({"respondents", "interviewer"})
_MAX_TITLE_LINES = 3
_NAME_WITH_FUNCTION = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<function>[^()]+)\)\s*$")
_DATE_IN_STEM = re.compile(r"(?:19|20)\d{2}[-_]?\d{2}[-_]?\d{2}")
_UPPER_WORDS = {
    "roc": "ROC",
    "mbo": "MBO",
    "aoc": "AOC",
    "hbo": "HBO",
    "ict": "ICT",
    "vmbo": "VMBO",
}


# Metadata is a few lines; these bounds keep a hostile file (a YAML alias bomb, a symlink to a
# device) from taking minutes and gigabytes before it is refused.
MAX_METADATA_BYTES = 256 * 1024
MAX_METADATA_CSV_BYTES = 5 * 1024 * 1024  # one row per interview: thousands fit


class _MetadataLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases: metadata never needs them, and nested aliases
    ("billion laughs", 563 bytes) expand to gigabytes."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in metadata", event.start_mark
            )
        return super().compose_node(parent, index)


def load_yaml(text: str) -> object:
    """Parse metadata YAML with the alias and size limits above (raises ``yaml.YAMLError``)."""
    if len(text) > MAX_METADATA_BYTES:
        raise yaml.YAMLError(f"more than {MAX_METADATA_BYTES // 1024} KB of metadata")
    return yaml.load(text, Loader=_MetadataLoader)


def read_small_file(path: Path, limit: int = MAX_METADATA_BYTES) -> bytes:
    """The bytes of a metadata file, which must be a regular file of at most ``limit`` bytes."""
    if not path.is_file():
        raise IngestError(path, "is not a regular file")
    if path.stat().st_size > limit:
        raise IngestError(path, f"is larger than {limit // 1024} KB, too large for metadata")
    with path.open("rb") as handle:
        return handle.read(limit)


# Year dateutil fills in when the text has none; such a date is rejected rather than guessed.
_NO_YEAR = dt.datetime(1, 1, 1)


class MetadataError(ValueError):
    """Metadata inside a transcript cannot be read; the reader adds the file name."""


class _DutchDates(date_parser.parserinfo):
    """dateutil's parser taught Dutch month and weekday names (it knows only English ones)."""

    MONTHS: ClassVar[list[tuple[str, ...]]] = [
        ("jan", "januari", "january"),
        ("feb", "februari", "february"),
        ("mrt", "maart", "mar", "march"),
        ("apr", "april"),
        ("mei", "may"),
        ("jun", "juni", "june"),
        ("jul", "juli", "july"),
        ("aug", "augustus", "august"),
        ("sep", "sept", "september"),
        ("okt", "oktober", "oct", "october"),
        ("nov", "november"),
        ("dec", "december"),
    ]
    WEEKDAYS: ClassVar[list[tuple[str, ...]]] = [
        ("ma", "maandag", "mon", "monday"),
        ("di", "dinsdag", "tue", "tuesday"),
        ("wo", "woensdag", "wed", "wednesday"),
        ("do", "donderdag", "thu", "thursday"),
        ("vr", "vrijdag", "fri", "friday"),
        ("za", "zaterdag", "sat", "saturday"),
        ("zo", "zondag", "sun", "sunday"),
    ]
    JUMP: ClassVar[list[str]] = [*date_parser.parserinfo.JUMP, "om", "uur", "op"]

    def __init__(self) -> None:
        super().__init__(dayfirst=True)


def parse_date(value: object) -> str | None:
    """ISO ``YYYY-MM-DD`` for a date written in Dutch or English, or None when not a full date.

    A date needs a day, a month and a year: "oktober 2026" is not one (a guessed day would be
    presented as fact).
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    numbers = re.findall(r"\d+", text)
    if len(numbers) < (2 if re.search(r"[^\W\d_]{3}", text) else 3):
        return None
    try:
        # "2026-11-10" is year-month-day; everything else Dutch is day first ("10-11-2026").
        year_first = bool(re.match(r"\d{4}\D", text))
        parsed = date_parser.parse(
            text,
            parserinfo=_DutchDates(),
            default=_NO_YEAR,
            dayfirst=not year_first,
            yearfirst=year_first,
        )
    except (ValueError, OverflowError):
        return None
    return None if parsed.year == _NO_YEAR.year else parsed.date().isoformat()


def normalise_metadata(raw: Mapping[object, object]) -> tuple[dict[str, object], list[str]]:
    """Keys to field names, values to their types; returns the metadata and warnings.

    Idempotent, so metadata normalised once (from metadata.csv) can be merged and normalised again.
    """
    result: dict[str, object] = {}
    warnings: list[str] = []
    for key, value in raw.items():
        if value is None or key is None:
            continue
        value = _without_nul(value)  # YAML's "\0": PostgreSQL cannot store it (see text.py)
        name = normalise_key(str(key).replace("\x00", ""))
        if name in LIST_FIELDS:
            # roles[i] is the function of respondents[i]: an empty role keeps its place.
            items = _as_list(value, keep_empty=name == "roles")
            if any(items):
                result[name] = items
        elif name == "date":
            iso = parse_date(value)
            if iso is None and str(value).strip():
                warnings.append(f"datum '{value}' niet herkend; onveranderd overgenomen")
            if iso or str(value).strip():
                result[name] = iso or str(value).strip()
        elif isinstance(value, str):
            if value.strip():
                result[name] = " ".join(value.split())
        else:
            result[name] = _json_safe(value)
    respondents = result.get("respondents")
    if isinstance(respondents, list):
        names, functions = _split_functions(respondents)
        result["respondents"] = names
        if "roles" not in result and any(functions):
            result["roles"] = functions
    return result, warnings


def _without_nul(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_nul(v) for v in value]
    return value


def _json_safe(value: object) -> object:
    """YAML may give dates or nested structures; the store keeps extra metadata as JSON."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _as_list(value: object, *, keep_empty: bool = False) -> list[str]:
    """Items of a YAML list or of text separated by ";" or new lines (else "," / " en " / "&")."""
    if isinstance(value, (list, tuple)):
        parts = ["" if v is None else str(v) for v in value]
    else:
        parts = re.split(r"[;\n]", str(value))
        if len(parts) == 1:
            parts = re.split(r",| en | & ", str(value))
    items = [" ".join(part.split()) for part in parts]
    return items if keep_empty else [item for item in items if item]


def _split_functions(respondents: list[str]) -> tuple[list[str], list[str]]:
    names, functions = [], []
    for item in respondents:
        m = _NAME_WITH_FUNCTION.match(item)
        names.append(m["name"].strip() if m else item)
        functions.append(m["function"].strip() if m else "")
    return names, functions


def merge_metadata(*layers: Mapping[str, object]) -> dict[str, object]:
    """Merge normalised metadata, weakest layer first; empty values never override."""
    merged: dict[str, object] = {}
    for layer in layers:
        for key, value in layer.items():
            if value not in (None, "", [], {}):
                merged[key] = value
    return merged


def institution_from_stem(stem: str) -> str:
    """A readable institution name from a file name.

    "roc_ijsselvallei_2026-10-13" -> "ROC IJsselvallei".
    """
    words = _DATE_IN_STEM.sub(" ", stem).replace("_", " ").replace("-", " ").split()
    words = [
        w
        for w in words
        if not w.isdigit() and w.casefold() not in {"interview", "transcript", "gesprek"}
    ]
    pretty = []
    for word in words or stem.split():
        lower = word.casefold()
        if lower in _UPPER_WORDS:
            pretty.append(_UPPER_WORDS[lower])
        elif lower.startswith("ij"):
            pretty.append("IJ" + word[2:])
        else:
            pretty.append(word[:1].upper() + word[1:])
    return " ".join(pretty)


def split_front_matter(text: str) -> tuple[dict[object, object], int]:
    """YAML front matter at the very top: (its mapping, offset where the body starts)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, 0
    try:
        data = load_yaml(m["body"] or "") or {}
    except yaml.YAMLError as exc:
        # Line numbers count from the file's first line, the opening "---".
        raise MetadataError(f"front matter is not valid YAML ({_yaml_where(exc, 1)})") from exc
    if not isinstance(data, dict):
        raise MetadataError("front matter is not a list of 'key: value' lines")
    return data, m.end()


def split_header_block(text: str, start: int = 0) -> tuple[dict[str, str], int]:
    """A "Key: value" header at the top (after up to three title lines): (its fields, its end).

    A header needs at least two known keys. When they are all person keys ("Interviewer: Sanne
    de Wit", "Respondent: Marieke Jansen"), every value must be full names and a blank line must
    follow, so that a dialogue opening "Interviewer: Goedemorgen" is not mistaken for a header.
    It stops at a blank line or at the first line that is not a known key, repeats a key, or
    gives a person key a sentence as value.
    """
    fields: dict[str, str] = {}
    end = pos = start
    title_lines = 0
    while pos < len(text):
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end == -1 else line_end
        line = text[pos:line_end]
        pos = line_end + 1
        if not line.strip():
            if fields:
                break
            continue
        m = _KEY_LINE.match(line)
        key = normalise_key(m["key"]) if m and is_metadata_key(m["key"]) else None
        if key and key not in fields and _plausible_value(key, m["value"]):
            fields[key] = m["value"]
            end = line_end
        elif fields or title_lines == _MAX_TITLE_LINES:
            break
        else:
            title_lines += 1
    if len(fields) < 2:
        return {}, start
    if not set(fields) - _PERSON_FIELDS:
        blank_follows = not text[end:].partition("\n")[2].partition("\n")[0].strip()
        if not (blank_follows and all(_full_names(value) for value in fields.values())):
            return {}, start
    return fields, end


def _full_names(value: str) -> bool:
    """Whether ``value`` lists only full names ("Marieke Jansen (voorzitter), Pieter Bos")."""
    names, _ = _split_functions(_as_list(value))
    return bool(names) and all(len(name.split()) >= 2 and label_shape_ok(name) for name in names)


def _plausible_value(key: str, value: str) -> bool:
    if key not in _PERSON_FIELDS:
        return True
    # A list of names, perhaps with functions; a spoken sentence ends in punctuation or is long.
    return bool(value) and not value.rstrip().endswith((".", "?", "!")) and len(value.split()) <= 30


def read_sidecar(path: Path) -> dict[str, object]:
    """Normalisable metadata from ``<stem>.yaml`` / ``<stem>.yml`` next to ``path``, if any."""
    for suffix in (".yaml", ".yml"):
        sidecar = path.with_suffix(suffix)
        if sidecar.is_file():
            try:
                data = load_yaml(decode_bytes(read_small_file(sidecar)).text) or {}
            except yaml.YAMLError as exc:
                raise IngestError(
                    sidecar, f"metadata for {path.name} is not valid YAML ({_yaml_where(exc)})"
                ) from exc
            except NotTextError as exc:
                raise IngestError(
                    sidecar, f"metadata for {path.name} is not a text file ({exc})"
                ) from exc
            if not isinstance(data, dict):
                raise IngestError(sidecar, f"metadata for {path.name} must be 'key: value' lines")
            return data
    return {}


def _yaml_where(exc: yaml.YAMLError, lines_before: int = 0) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc) or "syntax error"
    return f"line {mark.line + 1 + lines_before}: {problem}" if mark is not None else str(problem)


def load_folder_metadata(folder: Path) -> dict[str, dict]:
    """Rows of ``folder/metadata.csv`` keyed by file name (normalised); {} when there is none.

    Columns: file, institution, date, respondents, roles, interviewer, sector, region (Dutch
    column names work too); ``respondents`` and ``roles`` are ``;``-separated. The delimiter may be
    ``,`` or ``;`` (Dutch Excel writes ``;``). A malformed file raises one IngestError naming it.
    """
    path = Path(folder) / METADATA_CSV
    if not path.is_file():
        return {}
    try:
        text = decode_bytes(read_small_file(path, MAX_METADATA_CSV_BYTES)).text
    except NotTextError as exc:
        raise IngestError(path, f"is not a text file ({exc})") from exc
    lines = text.splitlines()
    header = lines[0] if lines else ""
    delimiter = max(",;\t", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise IngestError(path, f"is not valid CSV (line {reader.line_num}: {exc})") from exc
    if not rows:
        raise IngestError(path, "is empty")
    columns = [normalise_key(c) for c in rows[0][1]]
    if "file" not in columns:
        raise IngestError(path, f"has no 'file' column (expected: file, {', '.join(FIELDS)})")
    result: dict[str, dict] = {}
    for number, row in rows[1:]:
        if len(row) != len(columns):
            raise IngestError(
                path, f"line {number} has {len(row)} fields, the header has {len(columns)}"
            )
        raw = dict(zip(columns, row, strict=True))
        name = raw.pop("file").strip()
        if not name:
            raise IngestError(path, f"line {number} has no file name")
        if name.casefold() in {key.casefold() for key in result}:
            raise IngestError(path, f"file {name} is listed twice")
        result[name], _ = normalise_metadata(raw)
    return result


def folder_entry(folder_metadata: Mapping[str, dict], path: Path) -> dict:
    """The metadata.csv row for ``path``: exact file name first, then case-insensitively."""
    if path.name in folder_metadata:
        return folder_metadata[path.name]
    for name, entry in folder_metadata.items():
        if name.casefold() == path.name.casefold():
            return entry
    return {}
