"""Gold codings in JSON Lines: import them as a coder's decisions, or evaluate codes against them.

Each line is ``{"file": <source file name>, "quote": <respondent text>, "codes": [top-level
keys], "subcodes": [sub-code keys]}``. A quote is found in its transcript by text, tolerant of
differences in whitespace and quote marks (typographic ’‘“”„ and straight quotes, dashes, a
non-breaking space): both texts are normalised and an offset map leads back to the original,
so offsets stay exact. The quote then counts for every segment it overlaps (``units.overlaps``).

A gold file codes its transcripts completely: a segment of a named file that no quote covers
carries no code. Importing therefore records, for the named files, an accepted coding for every
code a quote gives a segment and a rejection for every other code; those rejections are what a
learned model needs as counter-examples. Evaluation compares the same complete picture with
the codes applied in the project.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from analysis.coding import CodingError
from analysis.coding.manual import bulk_row, check_coder, mine_and_suggested, new_batch
from analysis.coding.reliability import nominal_alpha
from analysis.coding.state import parent_map, with_ancestors
from analysis.coding.units import Unit, coder_labels, overlaps, units
from analysis.store import Code, Coding, Transcript, utcnow

_SAME = str.maketrans(
    {
        "’": "'", "‘": "'", "‚": "'", "′": "'", "`": "'", "´": "'",
        "“": '"', "”": '"', "„": '"', "″": '"', "«": '"', "»": '"',
        "–": "-", "—": "-", "‐": "-", "‑": "-",
    }
)
METRIC_COLUMNS = ["code", "level", "gold", "predicted", "tp", "precision", "recall", "f1", "alpha"]
AVERAGE_COLUMNS = ["level", "average", "precision", "recall", "f1"]


@dataclass(frozen=True)
class GoldItem:
    file: str
    quote: str
    codes: tuple[str, ...]
    line: int


@dataclass
class Alignment:
    """Gold codes per unit of the transcripts the gold file covers, and what went wrong."""

    units: list[Unit]
    labels: dict[int, set[str]]
    transcripts: set[int]
    quotes: int = 0
    problems: list[str] = field(default_factory=list)


def normalise(text: str) -> tuple[str, list[int]]:
    """Text with unified quote marks and single spaces, plus each character's original offset."""
    out: list[str] = []
    where: list[int] = []
    space = True  # drops leading whitespace
    for i, char in enumerate(text):
        if char == "…":
            out.extend("...")
            where.extend([i, i, i])
            space = False
            continue
        if char.isspace():
            if space:
                continue
            char, space = " ", True
        else:
            char, space = char.translate(_SAME), False
        out.append(char)
        where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def locate(
    text: str, quote: str, normalised: tuple[str, list[int]] | None = None
) -> tuple[int, int] | None:
    """Offsets of the first occurrence of ``quote`` in ``text``, or None.

    ``normalised``: ``normalise(text)`` when the caller already has it (a gold file holds
    hundreds of quotes per transcript, and normalising the whole text for each one was most of
    the time an evaluation or an import took)."""
    haystack, where = normalised if normalised is not None else normalise(text)
    needle = normalise(quote)[0]
    if not needle:
        return None
    position = haystack.find(needle)
    if position < 0:
        return None
    return where[position], where[position + len(needle) - 1] + 1


def read_gold(path: Path | str) -> tuple[list[GoldItem], list[str]]:
    """The lines of a gold file, and one problem line for each line that cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise CodingError(f"{path}: file not found")
    items, problems = [], []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise CodingError(f"{path.name}: not UTF-8 text") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: not valid JSON ({error.msg})")
            continue
        if not isinstance(record, dict):
            problems.append(f"{where}: expected an object with file, quote, codes, subcodes")
            continue
        file, quote = record.get("file"), record.get("quote")
        lists = [record.get("codes", []), record.get("subcodes", [])]
        if not isinstance(file, str) or not file.strip():
            problems.append(f"{where}: 'file' must name the transcript's source file")
        elif not isinstance(quote, str) or not quote.strip():
            problems.append(f"{where}: 'quote' must be the respondent's text")
        elif not all(isinstance(v, list) and all(isinstance(c, str) for c in v) for v in lists):
            problems.append(f"{where}: 'codes' and 'subcodes' must be lists of code keys")
        else:
            codes = tuple(dict.fromkeys(c.strip() for c in lists[0] + lists[1] if c.strip()))
            items.append(GoldItem(file.strip(), quote, codes, number))
    return items, problems


def align(session: Session, items: Sequence[GoldItem], source: str) -> Alignment:
    """Place each gold quote on the segments it overlaps; unknown files and codes are reported."""
    known = set(session.scalars(select(Code.key)))
    parents = parent_map(session)
    by_name = {
        name: (tid, text)
        for tid, name, text in session.execute(
            select(Transcript.id, Transcript.source_name, Transcript.text)
        )
    }
    normalised: dict[int, tuple[str, list[int]]] = {}  # per transcript id, made when first used
    problems: list[str] = []
    found: dict[int, list[tuple[int, int, tuple[str, ...]]]] = {}
    covered: set[int] = set()
    quotes = 0
    for item in items:
        where = f"{source} line {item.line}"
        entry = by_name.get(item.file) or by_name.get(Path(item.file).name)
        if entry is None:
            problems.append(f"{where}: {item.file} is not in the project")
            continue
        transcript_id, text = entry
        covered.add(transcript_id)
        unknown = [c for c in item.codes if c not in known]
        if unknown:
            problems.append(f"{where}: unknown code {', '.join(unknown)} (left out)")
        if transcript_id not in normalised:
            normalised[transcript_id] = normalise(text)
        span = locate(text, item.quote, normalised[transcript_id])
        if span is None:
            problems.append(f"{where}: quote not found in {item.file}: {item.quote[:60]!r}")
            continue
        quotes += 1
        codes = tuple(c for c in item.codes if c in known)
        found.setdefault(transcript_id, []).append((*span, codes))
    unit_list = units(session, covered)
    labels: dict[int, set[str]] = {unit.id: set() for unit in unit_list}
    by_transcript: dict[int, list[Unit]] = {}
    for unit in unit_list:
        by_transcript.setdefault(unit.transcript_id, []).append(unit)
    for transcript_id, spans in found.items():
        for start, end, codes in spans:
            hits = overlaps(start, end, by_transcript.get(transcript_id, []))
            if not hits:
                problems.append(
                    f"{source}: quote at {start}-{end} of transcript {transcript_id} "
                    "overlaps no respondent segment"
                )
            for unit in hits:
                labels[unit.id] |= with_ancestors(codes, parents)
    return Alignment(unit_list, labels, covered, quotes, problems)


@dataclass
class ImportReport:
    lines: int
    quotes: int
    segments: int
    accepted: int
    rejected: int
    problems: list[str]


def import_codings(session: Session, path: Path | str, coder: str) -> ImportReport:
    """Record a gold file as ``coder``'s decisions on the transcripts it names (one undo step)."""
    coder = check_coder(coder)
    items, problems = read_gold(path)
    alignment = align(session, items, Path(path).name)
    problems += alignment.problems
    keys = list(session.scalars(select(Code.key).order_by(Code.position, Code.key)))
    mine, suggested = mine_and_suggested(session, [unit.id for unit in alignment.units], coder)
    rationale, now = {"batch": new_batch(), "source": Path(path).name}, utcnow()
    rows, accepted, rejected = [], 0, 0
    for unit in alignment.units:
        for key in keys:
            status = "accepted" if key in alignment.labels[unit.id] else "rejected"
            old = mine.get((unit.id, key))
            if old is not None and old.status == status:
                continue
            rows.append(
                bulk_row(
                    unit.id, key, coder, status, origin="imported", rationale=rationale,
                    replaced=old or suggested.get((unit.id, key)), at=now,
                )
            )
            accepted += status == "accepted"
            rejected += status == "rejected"
    if rows:
        session.execute(insert(Coding), rows)
    return ImportReport(
        lines=len(items), quotes=alignment.quotes, segments=len(alignment.units),
        accepted=accepted, rejected=rejected, problems=problems,
    )


@dataclass
class Evaluation:
    """Precision, recall, F1 and alpha per code, with micro and macro averages per level."""

    per_code: pd.DataFrame
    averages: pd.DataFrame
    units: int
    problems: list[str]


def evaluate(session: Session, path: Path | str, coder: str | None = None) -> Evaluation:
    """Compare ``coder``'s codes (default: the applied codes) with the gold file's."""
    items, problems = read_gold(path)
    alignment = align(session, items, Path(path).name)
    problems += alignment.problems
    if not alignment.units:
        raise CodingError(f"{Path(path).name}: no transcript of the gold file is in the project")
    code_rows = session.execute(select(Code.key, Code.parent_key).order_by(Code.position)).all()
    keys = [key for key, _ in code_rows]
    level = {key: "top" if parent is None else "sub" for key, parent in code_rows}
    predicted = coder_labels(session, coder, alignment.units)
    gold = np.array(
        [[k in alignment.labels[u.id] for k in keys] for u in alignment.units], dtype=int
    )
    pred = np.array([[k in predicted[u.id] for k in keys] for u in alignment.units], dtype=int)
    precision, recall, f1, _ = precision_recall_fscore_support(
        gold, pred, average=None, zero_division=np.nan
    )
    rows = []
    for j, key in enumerate(keys):
        rows.append(
            {
                "code": key,
                "level": level[key],
                "gold": int(gold[:, j].sum()),
                "predicted": int(pred[:, j].sum()),
                "tp": int((gold[:, j] & pred[:, j]).sum()),
                "precision": float(precision[j]),
                "recall": float(recall[j]),
                "f1": float(f1[j]),
                "alpha": nominal_alpha([gold[:, j], pred[:, j]]),
            }
        )
    per_code = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    averages = []
    for name in ("top", "sub"):
        columns = [j for j, key in enumerate(keys) if level[key] == name]
        if not columns:
            continue
        g, p = gold[:, columns], pred[:, columns]
        micro = precision_recall_fscore_support(g, p, average="micro", zero_division=0.0)
        part = per_code[per_code["level"] == name]
        averages.append({"level": name, "average": "micro", "precision": micro[0],
                         "recall": micro[1], "f1": micro[2]})
        averages.append({"level": name, "average": "macro", "precision": part["precision"].mean(),
                         "recall": part["recall"].mean(), "f1": part["f1"].mean()})
    return Evaluation(per_code, pd.DataFrame(averages, columns=AVERAGE_COLUMNS),
                      len(alignment.units), problems)
