"""Choosing quotes: the filters of the "quotes by theme" view, applied to the segment table.

The app caches the segment table (``Project.segments()``) and filters it here on every
interaction, so a filter change never goes back to the database. Keeping the filter semantics in
the library (AND/OR over codes, sub-codes counting for their parent through the ``codes`` column,
free text that ignores case) means the CLI, the tests and the app agree on what a selection is.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from analysis.pseudonymise import Pseudonymiser

MATCH_MODES = ("any", "all")
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_COLUMNS = [
    "institution",
    "sector",
    "region",
    "source",
    "speaker",
    "role",
    "question",
    "text",
    "codes",
    "segment_id",
    "start",
    "end",
]


@dataclass(frozen=True)
class QuoteFilter:
    """What to show; empty fields do not filter. ``segment_ids`` narrows to a set chosen
    elsewhere (a topic's segments, a question's answers); ``None`` means no such narrowing."""

    codes: tuple[str, ...] = ()
    match: str = "any"
    institutions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    segment_ids: frozenset[int] | None = None
    text: str = ""

    def __post_init__(self) -> None:
        if self.match not in MATCH_MODES:
            raise ValueError(
                f"unknown match mode {self.match!r}; choose one of {', '.join(MATCH_MODES)}"
            )


def _carries(codes: pd.Series, key: str) -> pd.Series:
    """Whether each ``a;b;c`` cell holds ``key`` as a whole entry (vectorised: tables are big)."""
    return codes.fillna("").str.contains(rf"(?:^|;){re.escape(key)}(?:;|$)", regex=True)


def _isin(column: pd.Series, values: Collection[str]) -> pd.Series:
    return column.fillna("").isin(list(values))


def select_quotes(frame: pd.DataFrame, chosen: QuoteFilter) -> pd.DataFrame:
    """The rows of a segment table (``Project.segments()``) that pass the filter, in order."""
    keep = pd.Series(True, index=frame.index)
    if chosen.codes:
        hits = [_carries(frame["codes"], key) for key in chosen.codes]
        combine = (lambda a, b: a & b) if chosen.match == "all" else (lambda a, b: a | b)
        keep &= functools.reduce(combine, hits)
    if chosen.institutions:
        keep &= _isin(frame["institution"], chosen.institutions)
    if chosen.sectors:
        keep &= _isin(frame["sector"], chosen.sectors)
    if chosen.regions:
        keep &= _isin(frame["region"], chosen.regions)
    if chosen.segment_ids is not None:
        keep &= frame["segment_id"].isin(list(chosen.segment_ids))
    terms = chosen.text.casefold().split()
    if terms:
        text = frame["text"].str.casefold()
        for term in terms:
            keep &= text.str.contains(term, regex=False)
    return without_enclosing(frame[keep])


def without_enclosing(frame: pd.DataFrame) -> pd.DataFrame:
    """The quotes less every passage that holds a hand-cut span also among them, so that words a
    person coded count once and appear once (the span is the quote: its words are the ones the
    evaluator chose). A passage whose span is not in the selection stays."""
    needed = {"kind", "transcript_id", "start", "end"}
    if frame.empty or not needed <= set(frame.columns) or not (frame["kind"] == "span").any():
        return frame
    spans = frame[frame["kind"] == "span"]
    passages = frame[frame["kind"] != "span"]
    enclosing: set = set()
    for span in spans.itertuples():
        holds = passages[
            (passages["transcript_id"] == span.transcript_id)
            & (passages["start"] < span.end)
            & (passages["end"] > span.start)
        ]
        enclosing.update(holds.index)
    return frame.drop(index=list(enclosing))


def per_institution(frame: pd.DataFrame) -> pd.DataFrame:
    """How many of the selected quotes each college gave, most first (ties by name)."""
    counts = frame.groupby("institution").size().rename("quotes").reset_index()
    return counts.sort_values(["quotes", "institution"], ascending=[False, True], ignore_index=True)


def pseudonymised(frame: pd.DataFrame, anon: Pseudonymiser) -> pd.DataFrame:
    """Quotes (rows of ``Project.segments``) with every name replaced as the project's other
    exports replace them (``Pseudonymiser.quote_row``)."""
    rows = [
        anon.quote_row(row, int(row["transcript_id"]), ("speaker", "question", "text"))
        for row in frame.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=frame.columns, index=frame.index)


def export_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """A selection of quotes as a file: CSV (UTF-8 with a byte-order mark, so Excel reads the
    accents) or XLSX. Text is written verbatim, except that XLSX drops the control characters
    XML forbids (they come in with some transcripts and would make the export fail)."""
    table = frame[[c for c in EXPORT_COLUMNS if c in frame.columns]]
    if fmt == "csv":
        return table.to_csv(index=False).encode("utf-8-sig")
    if fmt == "xlsx":
        table = table.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            table.to_excel(writer, index=False, sheet_name="Citaten")
        return buffer.getvalue()
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
