"""The codebook: codes with their definitions, keywords and colours, stored as YAML.

A codebook is what evaluators code interview segments against. Every other part of the
workbench reads it: the suggesters use `keywords`, `phrases` and `examples`, the phase
estimator uses `indicators`, the report uses `label` and `description`, the UI uses
`colour`. So this module guards its shape: one validation routine, run on load, on save
and on every edit, that names the file, the code and the problem in one line each.

YAML layout (see codebook/codebook.yaml for the shipped default)::

    name: ...            # shown in the UI and in exports
    version: "1.0"
    language: nl
    codes:               # a flat list; order is the display order
      - key: impact.student
        label: ...
        ...

Why a flat list with explicit `key` fields rather than a nested mapping: PyYAML keeps the
last of two equal mapping keys without a word, so only a list lets us report a duplicate
code to the user. The hierarchy comes from the dotted key (`impact.student` is a child of
`impact`); a user code without a dot may name its parent explicitly with `parent`.

`keywords`, `phrases` and `indicators` hold lemmas as spaCy's Dutch lookup lemmatizer
produces them (lower-case, phrases as space-separated lemma sequences), because
suggesters match them against lemmatised text; `lemma_problems` checks that with any
lemmatiser the caller supplies, so this module stays free of spaCy.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_]*)*\Z")
COLOUR_PATTERN = re.compile(r"#[0-9A-Fa-f]{6}\Z")
DEFAULT_COLOUR = "#D9D9D9"

_PACKAGE_DIR = Path(__file__).resolve().parent
_TOP_LEVEL_FIELDS = ("name", "version", "language", "codes")


class CodebookError(ValueError):
    """A codebook that cannot be used as it is.

    `problems` holds one line per problem, each naming the code it concerns; `str()`
    prefixes every line with the source file, so the message can be shown to the user
    as it is.
    """

    def __init__(self, source: str | os.PathLike[str], problems: list[str]) -> None:
        self.source = str(source)
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {problem}" for problem in self.problems)


@dataclass(frozen=True)
class Aspect:
    """A point the codebook expects respondents to make within a sub-code (deductive findings).

    The evaluator lists what the literature or an earlier evaluation names (for inclusion
    measures: shorter trips, group travel, an own fund, ...); :mod:`analysis.findings` counts
    which colleges make each point. `indicators` are lemmas, like a code's keywords; a phrase
    of several words matches when all its lemmas occur in a segment.
    """

    label: str
    description: str = ""
    indicators: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label}
        if self.description:
            data["description"] = self.description
        data["indicators"] = list(self.indicators)
        return data


def _aspect(value: Any) -> Any:
    """An Aspect from its YAML mapping; anything else is kept for validation to report."""
    if isinstance(value, Aspect):
        return value
    if isinstance(value, dict) and set(value) <= {"label", "description", "indicators"}:
        indicators = value.get("indicators") or ()
        return Aspect(
            label=value.get("label", ""),
            description=value.get("description") or "",
            indicators=tuple(indicators) if isinstance(indicators, list | tuple) else indicators,
        )
    return value


@dataclass(frozen=True)
class Code:
    """One code. Frozen so that every change goes through `Codebook.update` and is validated.

    `parent` is derived from a dotted key (`impact.student` -> `impact`); only a key
    without a dot may carry an explicit parent. `description` opens a report chapter
    (top-level codes); `phase_description` and `indicators` describe a development phase
    for the phase estimator; `threshold` overrides the project's suggestion threshold.
    """

    key: str
    label: str
    definition: str
    when_to_use: str = ""
    when_not_to_use: str = ""
    examples: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    colour: str = DEFAULT_COLOUR
    parent: str | None = None
    description: str = ""
    threshold: float | None = None
    phase_description: str = ""
    indicators: list[str] = field(default_factory=list)
    aspects: list[Aspect] = field(default_factory=list)

    def __post_init__(self) -> None:
        if isinstance(self.aspects, list | tuple):
            object.__setattr__(self, "aspects", [_aspect(a) for a in self.aspects])
        if self.parent is None and isinstance(self.key, str) and "." in self.key:
            object.__setattr__(self, "parent", self.key.rsplit(".", 1)[0])

    def to_dict(self) -> dict[str, Any]:
        """The YAML mapping: empty optional fields and a derived parent are left out."""
        data: dict[str, Any] = {"key": self.key, "label": self.label}
        if self.parent is not None and self.parent != _derived_parent(self.key):
            data["parent"] = self.parent
        optional: list[tuple[str, Any]] = [
            ("description", self.description),
            ("definition", self.definition),
            ("when_to_use", self.when_to_use),
            ("when_not_to_use", self.when_not_to_use),
            ("examples", list(self.examples)),
            ("keywords", list(self.keywords)),
            ("phrases", list(self.phrases)),
            ("phase_description", self.phase_description),
            ("indicators", list(self.indicators)),
            ("aspects", [a.to_dict() if isinstance(a, Aspect) else a for a in self.aspects]),
        ]
        data.update((name, value) for name, value in optional if value)
        data["colour"] = self.colour
        if self.threshold is not None:
            data["threshold"] = self.threshold
        return data


CODE_FIELDS = tuple(f.name for f in dataclasses.fields(Code))


@dataclass
class Codebook:
    """An ordered set of codes. Edits go through add/update/remove, which refuse invalid results.

    `source` names where the codebook came from; it only serves error messages.
    """

    name: str
    version: str
    codes: list[Code] = field(default_factory=list)
    language: str = "nl"
    source: str = field(default="<codebook>", compare=False)

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, key: object) -> bool:
        return any(code.key == key for code in self.codes)

    def get(self, key: str) -> Code:
        """The code with this key; KeyError names the key if there is none."""
        for code in self.codes:
            if code.key == key:
                return code
        raise KeyError(f"unknown code '{key}'")

    def keys(self) -> list[str]:
        return [code.key for code in self.codes]

    def top_level(self) -> list[Code]:
        return [code for code in self.codes if code.parent is None]

    def children(self, key: str) -> list[Code]:
        """Direct sub-codes of `key`, in codebook order."""
        self.get(key)
        return [code for code in self.codes if code.parent == key]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "language": self.language,
            "codes": [code.to_dict() for code in self.codes],
        }

    def validate(self) -> None:
        """Raise CodebookError listing every problem; return quietly if there are none."""
        problems = _codebook_problems(self.name, self.version, self.language, self.codes)
        if problems:
            raise CodebookError(self.source, problems)

    def add(self, code: Code) -> None:
        """Append a code; the codebook is unchanged if the result would be invalid."""
        self._replace_codes([*self.codes, code])

    def update(self, key: str, /, **fields: Any) -> Code:
        """Change fields of a code and return the new code; the key itself cannot change.

        Codings in the store refer to codes by key, so renaming would orphan them: add a
        new code instead.
        """
        old = self.get(key)
        problems = [
            f"code '{key}': unknown field '{name}'{_did_you_mean(name, CODE_FIELDS)}"
            for name in fields
            if name not in CODE_FIELDS
        ]
        if "key" in fields and fields["key"] != key:
            problems.append(
                f"code '{key}': the key of a code cannot be changed; add a new code instead"
            )
        if problems:
            raise CodebookError(self.source, problems)
        new = dataclasses.replace(old, **fields)
        self._replace_codes([new if code.key == key else code for code in self.codes])
        return new

    def remove(self, key: str) -> Code:
        """Remove a code and return it; a code that still has sub-codes is refused."""
        code = self.get(key)
        children = self.children(key)
        if children:
            names = ", ".join(child.key for child in children)
            raise CodebookError(
                self.source,
                [f"code '{key}': has sub-codes ({names}); remove or move those first"],
            )
        self.codes = [other for other in self.codes if other.key != key]
        return code

    def _replace_codes(self, codes: list[Code]) -> None:
        problems = _codebook_problems(self.name, self.version, self.language, codes)
        if problems:
            raise CodebookError(self.source, problems)
        self.codes = codes


def parse_codebook(data: Any, source: str) -> Codebook:
    """Build and validate a codebook from the mapping YAML gives; `source` names it in errors."""
    if not isinstance(data, dict):
        raise CodebookError(
            source, ["not a codebook: expected a mapping with name, version, language and codes"]
        )
    problems = [
        f"unknown field '{name}'{_did_you_mean(str(name), _TOP_LEVEL_FIELDS)}"
        for name in data
        if name not in _TOP_LEVEL_FIELDS
    ]
    raw_codes = data.get("codes")
    if raw_codes is None:
        raw_codes = []
    if not isinstance(raw_codes, list):
        problems.append("'codes' must be a list of codes")
        raw_codes = []
    codes: list[Code] = []
    for number, entry in enumerate(raw_codes, start=1):
        code, entry_problems = _parse_code(number, entry)
        problems.extend(entry_problems)
        if code is not None:
            codes.append(code)
    version = data.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        version = str(version)  # `version: 1.0` unquoted is read as a number
    codebook = Codebook(
        name=data.get("name"),
        version=version,
        codes=codes,
        language=data.get("language", "nl"),
        source=source,
    )
    problems.extend(_codebook_problems(codebook.name, codebook.version, codebook.language, codes))
    if problems:
        raise CodebookError(source, problems)
    return codebook


def load_codebook(path: str | os.PathLike[str] | None = None) -> Codebook:
    """Read a codebook YAML file (default: the shipped one); any problem names the file."""
    path = default_codebook_path() if path is None else Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")  # -sig: editors on Windows add a BOM
    except OSError as error:
        raise CodebookError(path, [f"cannot read the file: {error.strerror or error}"]) from error
    except UnicodeDecodeError as error:
        raise CodebookError(
            path, [f"not UTF-8 text (byte {error.start}); save the file as UTF-8"]
        ) from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CodebookError(path, [_yaml_problem(error)]) from error
    return parse_codebook(data, str(path))


def save_codebook(codebook: Codebook, path: str | os.PathLike[str]) -> None:
    """Validate, then write atomically (temporary file + rename): never a half-written codebook."""
    path = Path(path)
    codebook.validate()
    text = yaml.safe_dump(codebook.to_dict(), allow_unicode=True, sort_keys=False, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def default_codebook_path() -> Path:
    """The default codebook shipped with the product.

    The canonical, user-facing file is `codebook/codebook.yaml` at the repository root,
    beside the `analysis` package, so an editable install (which runs the package from
    the source tree) finds it there. A regular wheel cannot reach the repository root,
    so `analysis/data/codebook.yaml` is a symbolic link to that file, declared as package
    data: building a wheel copies the file's content into the package, where it is
    tried second. There is one file to edit, never two to keep in step by hand.
    """
    candidates = (
        _PACKAGE_DIR.parent / "codebook" / "codebook.yaml",
        _PACKAGE_DIR / "data" / "codebook.yaml",
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise CodebookError(
        "codebook.yaml",
        ["default codebook not found in " + " or ".join(str(c) for c in candidates)],
    )


def lemma_problems(codebook: Codebook, lemmatise: Callable[[str], list[str]]) -> list[str]:
    """Keywords, phrases and indicators that are not in the form the lemmatiser produces.

    `lemmatise` maps a text to its lemmas (e.g. spaCy's Dutch lookup lemmatizer). A term
    that does not lemmatise to itself would never match lemmatised text, so it is
    reported with the form it should have.
    """
    problems = []
    for code in codebook.codes:
        for kind, terms in (
            ("keyword", code.keywords),
            ("phrase", code.phrases),
            ("indicator", code.indicators),
        ):
            for term in terms:
                lemmas = " ".join(lemmatise(term))
                if lemmas != term:
                    problems.append(
                        f"code '{code.key}': {kind} '{term}' is not a lemma form; "
                        f"the lemmatiser gives '{lemmas}'"
                    )
    return problems


def _derived_parent(key: str) -> str | None:
    return key.rsplit(".", 1)[0] if isinstance(key, str) and "." in key else None


def _did_you_mean(name: str, known: tuple[str, ...]) -> str:
    matches = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return " ".join(f"not valid YAML{where}: {problem}".split())


def _parse_code(number: int, entry: Any) -> tuple[Code | None, list[str]]:
    if not isinstance(entry, dict):
        return None, [f"code number {number}: expected a mapping with key, label, definition, ..."]
    key = entry.get("key")
    if key is None:
        return None, [f"code number {number}: missing key"]
    if not isinstance(key, str):
        return None, [f"code number {number}: key {key!r} must be text"]
    problems = [
        f"code '{key}': unknown field '{name}'{_did_you_mean(str(name), CODE_FIELDS)}"
        for name in entry
        if name not in CODE_FIELDS
    ]
    # An empty YAML value (`examples:`) reads as None: treat it as absent.
    values = {
        name: value for name, value in entry.items() if name in CODE_FIELDS and value is not None
    }
    values.setdefault("label", "")
    values.setdefault("definition", "")
    return Code(**values), problems


def _codebook_problems(name: Any, version: Any, language: Any, codes: list[Code]) -> list[str]:
    problems = []
    if not isinstance(name, str) or not name.strip():
        problems.append("the codebook needs a name")
    if not isinstance(version, str) or not version.strip():
        problems.append("the codebook needs a version")
    if not isinstance(language, str) or not language.strip():
        problems.append("the codebook needs a language")
    seen: set[str] = set()
    for code in codes:
        if code.key in seen:
            problems.append(f"code '{code.key}': duplicate key; each key may occur only once")
        seen.add(code.key)
        problems.extend(_code_problems(code))
    parents = {code.key: code.parent for code in codes}
    for code in codes:
        consistent = _derived_parent(code.key) in (None, code.parent)  # else reported already
        if isinstance(code.parent, str) and consistent and code.parent not in parents:
            problems.append(f"code '{code.key}': unknown parent '{code.parent}'")
        elif _has_cycle(code.key, parents):
            problems.append(f"code '{code.key}': its chain of parents loops back on itself")
    return problems


def _has_cycle(key: str, parents: dict[str, str | None]) -> bool:
    visited = {key}
    current = parents.get(key)
    while current is not None and current in parents:
        if current in visited:
            return True
        visited.add(current)
        current = parents[current]
    return False


def _code_problems(code: Code) -> list[str]:
    where = f"code '{code.key}'"
    problems = []
    if not isinstance(code.key, str) or not KEY_PATTERN.match(code.key):
        problems.append(
            f"{where}: the key may only contain lower-case letters, digits and '_', "
            "with '.' between the parts of a sub-code (e.g. impact.student)"
        )
    if not _is_text(code.label):
        problems.append(f"{where}: missing label")
    if not _is_text(code.definition):
        problems.append(f"{where}: empty definition")
    for name in ("when_to_use", "when_not_to_use", "description", "phase_description"):
        if not isinstance(getattr(code, name), str):
            problems.append(f"{where}: {name} must be text")
    if not isinstance(code.colour, str) or not COLOUR_PATTERN.match(code.colour):
        problems.append(f"{where}: colour {code.colour!r} is not of the form #RRGGBB")
    threshold = code.threshold
    if threshold is not None and not (
        isinstance(threshold, int | float)
        and not isinstance(threshold, bool)
        and not math.isnan(threshold)
        and 0 <= threshold <= 1
    ):
        problems.append(f"{where}: threshold {threshold!r} is not a number between 0 and 1")
    parent = code.parent
    derived = _derived_parent(code.key)
    if parent is not None and not isinstance(parent, str):
        problems.append(f"{where}: parent {parent!r} must be the key of another code")
    elif derived is not None and parent != derived:
        problems.append(
            f"{where}: parent '{parent}' contradicts the key, whose parent is '{derived}'"
        )
    elif parent == code.key:
        problems.append(f"{where}: a code cannot be its own parent")
    problems.extend(_list_problems(where, "examples", "example", code.examples))
    problems.extend(_term_problems(where, "keywords", "keyword", code.keywords))
    problems.extend(_term_problems(where, "phrases", "phrase", code.phrases))
    problems.extend(_term_problems(where, "indicators", "indicator", code.indicators))
    problems.extend(_aspect_problems(where, code.aspects))
    for phrase in code.phrases if isinstance(code.phrases, list) else []:
        if isinstance(phrase, str) and len(phrase.split()) < 2:
            problems.append(f"{where}: phrase '{phrase}' is a single word; list it under keywords")
    for keyword in code.keywords if isinstance(code.keywords, list) else []:
        if isinstance(keyword, str) and len(keyword.split()) > 1:
            problems.append(
                f"{where}: keyword '{keyword}' has several words; list it under phrases"
            )
    return problems


def _aspect_problems(where: str, aspects: Any) -> list[str]:
    if not isinstance(aspects, list):
        return [f"{where}: aspects must be a list"]
    problems = []
    labels: set[str] = set()
    for number, aspect in enumerate(aspects, start=1):
        if not isinstance(aspect, Aspect):
            problems.append(
                f"{where}: aspect number {number} must be a mapping with label, description "
                "and indicators"
            )
            continue
        if not _is_text(aspect.label):
            problems.append(f"{where}: aspect number {number} has no label")
        elif aspect.label in labels:
            problems.append(f"{where}: aspect '{aspect.label}' is listed twice")
        labels.add(aspect.label if isinstance(aspect.label, str) else "")
        if not isinstance(aspect.description, str):
            problems.append(f"{where}: aspect '{aspect.label}': description must be text")
        indicators = list(aspect.indicators) if isinstance(aspect.indicators, tuple) else None
        if not indicators:
            problems.append(f"{where}: aspect '{aspect.label}' needs at least one indicator")
        else:
            problems.extend(
                _term_problems(f"{where}, aspect '{aspect.label}'", "indicators", "indicator",
                               indicators)
            )
    return problems


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _list_problems(where: str, name: str, singular: str, values: Any) -> list[str]:
    if not isinstance(values, list):
        return [f"{where}: {name} must be a list"]
    return [
        f"{where}: {singular} number {number} is empty or not text"
        for number, value in enumerate(values, start=1)
        if not _is_text(value)
    ]


def _term_problems(where: str, name: str, singular: str, values: Any) -> list[str]:
    """Terms are matched against lower-case lemmas, so they must be lower-case and unique."""
    problems = _list_problems(where, name, singular, values)
    if problems:
        return problems
    seen: set[str] = set()
    for value in values:
        if value != value.lower():
            problems.append(f"{where}: {singular} '{value}' is not lower-case")
        if value in seen:
            problems.append(f"{where}: {singular} '{value}' is listed twice")
        seen.add(value)
    return problems
