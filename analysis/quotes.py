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
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.exchange.cells import inert_frame, mark_text, workbook_frame
from analysis.pseudonymise import Pseudonymiser

MATCH_MODES = ("any", "all")
EXPORT_FORMATS = ("csv", "xlsx")
# The quote table's columns as a person reads them (Dutch headers, codes by label, a person's
# codes apart from suggestions), then the keys for scripts. (column, header) pairs.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("institution", "Instelling"),
    ("sector", "Sector"),
    ("region", "Regio"),
    ("source", "Bestand"),
    ("speaker", "Spreker"),
    ("role", "Rol"),
    ("question", "Vraag"),
    ("text", "Citaat"),
    ("code_labels", "Codes"),
    ("suggested_labels", "Waarvan voorstel (nog door niemand beoordeeld)"),
    ("codes", "codes_keys"),
    ("suggested_codes", "voorstel_keys"),
    ("segment_id", "segment_id"),
    ("start", "start"),
    ("end", "end"),
]
ROLE_NAMES = {"interviewer": "interviewer", "respondent": "respondent", "other": "overig"}


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


def export_bytes(
    frame: pd.DataFrame, fmt: str, labels: Mapping[str, str] | None = None
) -> bytes:
    """A selection of quotes as a file: CSV (UTF-8 with a byte-order mark, so Excel reads the
    accents) or XLSX, with Dutch headers and codes by their ``labels`` (a code only a suggestion
    gives is listed again under "Waarvan voorstel"); the code keys follow in their own columns
    for scripts. No cell is ever a formula (``exchange.cells``: CSV text a spreadsheet would run
    gets a leading apostrophe, workbook cells are text) and XLSX drops the characters XML
    forbids (they come in with some transcripts and would make the export fail)."""
    names = dict(labels or {})

    def readable(keys: object) -> str:
        return "; ".join(names.get(k, k) for k in str(keys or "").split(";") if k)

    table = frame.assign(
        code_labels=frame["codes"].map(readable) if "codes" in frame else "",
        suggested_labels=(
            frame["suggested_codes"].map(readable) if "suggested_codes" in frame else ""
        ),
    )
    if "role" in table:
        table = table.assign(role=table["role"].map(lambda r: ROLE_NAMES.get(r, r)))
    kept = [(column, header) for column, header in EXPORT_COLUMNS if column in table.columns]
    table = table[[column for column, _ in kept]].set_axis([h for _, h in kept], axis=1)
    if fmt == "csv":
        return inert_frame(table).to_csv(index=False).encode("utf-8-sig")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            workbook_frame(table).to_excel(writer, index=False, sheet_name="Citaten")
            mark_text(writer.sheets["Citaten"])
        return buffer.getvalue()
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
