"""Tables out of the project: CSV, JSON Lines and Excel workbooks, optionally pseudonymised.

The tables reviewers ask for:

- **segments**: every segment with its college, speaker, the question it answers and its codes
  (``views.SEGMENT_COLUMNS`` without the lemmas);
- **coded segments** (``quotes``): one row per quote and code, the code's path in columns
  (``code_1``, ``code_2`` … labels from the top down), the college's metadata, the question
  answered and the coders. A quote with a sub-code is listed under the sub-code only (its path
  shows the parent), so quotes are not repeated for implied parent codes;
- **code × college matrix**: the number of segments per code and college, or 0/1 presence;
  a parent code counts the segments of its sub-codes too;
- **co-occurrence**: per pair of codes the number of segments that carry both (the diagonal is
  the number of segments with the code).

CSV and JSON Lines keep English column names (scripts read them); Excel sheets get Dutch
headers, a styled and frozen header row, filters and sized columns, one sheet per table. No cell
is ever a formula (``cells.py``): CSV text that a spreadsheet would run gets a leading
apostrophe, and workbook cells are stored as text.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Mapping
from itertools import combinations
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from analysis.codebook_store import read_codebook
from analysis.coding.state import AUTO_CODER, current_codings, segment_codes
from analysis.exchange.cells import inert_frame, mark_text, workbook_frame
from analysis.pseudonymise import Pseudonymiser
from analysis.safe_write import check_target, write_bytes
from analysis.store import PhaseJudgement, Segment, Transcript, Turn
from analysis.views import segments_frame

TABLE_FORMATS = ("csv", "jsonl", "xlsx")

# Dutch headers for Excel; columns not listed keep their own name (code labels, colleges).
HEADERS = {
    "source": "Bestand",
    "transcript": "Transcript",
    "transcript_id": "Transcript-id",
    "institution": "Instelling",
    "sector": "Sector",
    "region": "Regio",
    "phase": "Fase",
    "date": "Datum",
    "turn_index": "Beurt",
    "speaker": "Spreker",
    "role": "Rol",
    "segment_id": "Fragment-id",
    "start": "Begin",
    "end": "Eind",
    "text": "Tekst",
    "quote": "Citaat",
    "question": "Vraag",
    "codable": "Codeerbaar",
    "codes": "Codes",
    "suggestions": "Suggesties",
    "code": "Code",
    "code_key": "Codesleutel",
    "code_label": "Code",
    "coders": "Codeurs",
    "total": "Totaal",
    "kind": "Soort",
    "original": "Origineel",
    "pseudonym": "Pseudoniem",
}
_WIDE = {"text", "quote", "question"}
_MAX_WIDTH = 80
_HEADER_FILL = PatternFill("solid", start_color="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")


# --- writing ------------------------------------------------------------------------------------


def write_table(frame: pd.DataFrame, path: Path, fmt: str, *, sheet: str = "Tabel") -> None:
    """Write one table; the file appears whole or not at all (``analysis.safe_write``)."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; choose one of {', '.join(TABLE_FORMATS)}")
    if fmt == "xlsx":
        write_workbook({sheet: frame}, path)
        return
    check_target(Path(path))  # before the table is built: a wrong path fails at once
    if fmt == "csv":
        text = inert_frame(frame).to_csv(index=False)
    else:
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
    write_bytes(path, text.encode("utf-8"))


def write_workbook(sheets: Mapping[str, pd.DataFrame], path: Path) -> None:
    """One Excel workbook, one sheet per table, headers styled and columns sized."""
    check_target(Path(path))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            title = _sheet_title(name)
            clean = workbook_frame(frame.rename(columns=lambda c: HEADERS.get(c, c)))
            clean.to_excel(writer, sheet_name=title, index=False)
            _style(writer.sheets[title], frame)
    write_bytes(path, buffer.getvalue())


def _sheet_title(name: str) -> str:
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31]


def _style(sheet, frame: pd.DataFrame) -> None:  # sheet: an openpyxl Worksheet
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    mark_text(sheet)
    for index, column in enumerate(frame.columns, start=1):
        header = str(HEADERS.get(column, column))
        values = frame[column].astype(str).str.len()
        longest = max([len(header), *(values.tolist() or [0])])
        width = min(longest + 2, _MAX_WIDTH)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(width, 8)
        if column in _WIDE:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if frame.shape[1]:
        sheet.auto_filter.ref = sheet.dimensions


# --- tables -------------------------------------------------------------------------------------


def judged_phases(session: Session) -> dict[str, int]:
    """The phase judgement in force per college (the newest row)."""
    newest = select(func.max(PhaseJudgement.id)).group_by(PhaseJudgement.institution)
    rows = session.scalars(select(PhaseJudgement).where(PhaseJudgement.id.in_(newest)))
    return {row.institution: row.phase for row in rows}


def segments_table(session: Session, anon: Pseudonymiser | None = None) -> pd.DataFrame:
    """The segment table (``views.SEGMENT_COLUMNS`` without lemmas), names replaced if asked."""
    frame = segments_frame(session).drop(columns=["lemmas"])
    if anon is None or frame.empty:
        return frame
    frame = frame.copy()
    for column in ("source", "transcript"):
        frame[column] = frame[column].map(anon.file_name)
    frame["institution"] = frame["institution"].map(anon.institution)
    frame["speaker"] = frame["speaker"].map(anon.text)
    for column in ("text", "question"):
        frame[column] = [
            anon.text(value, transcript_id=tid)
            for value, tid in zip(frame[column], frame["transcript_id"], strict=True)
        ]
    return frame


def coded_segments(session: Session, anon: Pseudonymiser | None = None) -> pd.DataFrame:
    """One row per quote and (most specific) applied code; see the module docstring."""
    codebook = read_codebook(session)
    labels = {code.key: code.label for code in codebook.codes}
    parents = {code.key: code.parent for code in codebook.codes}
    order = {code.key: index for index, code in enumerate(codebook.codes)}
    applied = {sid: state.applied for sid, state in segment_codes(session).items() if state.applied}
    coders: dict[tuple[int, str], set[str]] = defaultdict(set)
    for row in current_codings(session, list(applied)):
        if row.coder != AUTO_CODER and row.status == "accepted":
            coders[(row.segment_id, row.code_key)].add(row.coder)
    depth = max((len(_path(key, parents)) for key in labels), default=1)
    question = aliased(Turn)
    query = (
        select(Segment, Transcript, Turn.speaker, question.start, question.end)
        .join(Transcript, Segment.transcript_id == Transcript.id)
        .join(Turn, Segment.turn_id == Turn.id)
        .outerjoin(question, Segment.question_turn_id == question.id)
        .where(Segment.id.in_(list(applied)))
        .order_by(Transcript.institution, Transcript.source_name, Segment.start)
    )
    phases = judged_phases(session)
    rows = []
    for segment, transcript, speaker, q_start, q_end in session.execute(query) if applied else []:
        codes = applied[segment.id]
        specific = [c for c in codes if not any(c in _path(o, parents)[:-1] for o in codes)]
        asked = transcript.text[q_start:q_end] if q_start is not None else ""
        for key in sorted(specific, key=lambda k: order.get(k, len(order))):
            path = _path(key, parents)
            who = sorted(coders.get((segment.id, key), set())) or [AUTO_CODER]
            row = {
                "code_key": key,
                **{f"code_{level + 1}": "" for level in range(depth)},
                "coders": "; ".join(who),
                "institution": transcript.institution,
                "sector": transcript.sector,
                "region": transcript.region,
                "phase": phases.get(transcript.institution),
                "date": transcript.date,
                "source": transcript.source_name,
                "transcript_id": transcript.id,
                "segment_id": segment.id,
                "speaker": speaker,
                "start": segment.start,
                "end": segment.end,
                "question": asked,
                "quote": segment.text,
            }
            for level, part in enumerate(path):
                row[f"code_{level + 1}"] = labels.get(part, part)
            if anon is not None:
                row = anon.quote_row(row, transcript.id, ("speaker", "question", "quote"))
                row["coders"] = anon.text(row["coders"])
            rows.append(row)
    columns = [
        "code_key",
        *(f"code_{level + 1}" for level in range(depth)),
        "coders",
        "institution",
        "sector",
        "region",
        "phase",
        "date",
        "source",
        "transcript_id",
        "segment_id",
        "speaker",
        "start",
        "end",
        "question",
        "quote",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["phase"] = frame["phase"].astype("Int64")
    return frame


def _path(key: str, parents: dict[str, str | None]) -> list[str]:
    """The keys from the top-level code down to ``key``."""
    path = [key]
    seen = {key}
    while (parent := parents.get(path[0])) is not None and parent not in seen:
        path.insert(0, parent)
        seen.add(parent)
    return path


def code_college_matrix(
    session: Session, *, binary: bool = False, anon: Pseudonymiser | None = None
) -> pd.DataFrame:
    """Codes (rows, codebook order) × colleges (columns, sorted): segment counts or 0/1."""
    codebook = read_codebook(session)
    colleges = sorted(session.scalars(select(Transcript.institution).distinct()))
    college_of = dict(
        session.execute(select(Segment.id, Transcript.institution).join(Transcript)).all()
    )
    counts: Counter[tuple[str, str]] = Counter()
    for segment_id, state in segment_codes(session).items():
        for key in state.applied:
            counts[(key, college_of[segment_id])] += 1
    names = {college: anon.institution(college) if anon else college for college in colleges}
    rows = []
    for code in codebook.codes:
        row = {"code_key": code.key, "code_label": anon.text(code.label) if anon else code.label}
        for college in colleges:
            number = counts[(code.key, college)]
            row[names[college]] = int(number > 0) if binary else number
        row["total"] = sum(row[names[c]] for c in colleges)
        rows.append(row)
    return pd.DataFrame(
        rows, columns=["code_key", "code_label", *(names[c] for c in colleges), "total"]
    )


def cooccurrence(session: Session, *, anon: Pseudonymiser | None = None) -> pd.DataFrame:
    """Code × code: segments carrying both (diagonal: segments carrying the code)."""
    codes = read_codebook(session).codes
    keys = [code.key for code in codes]
    counts: Counter[tuple[str, str]] = Counter()
    for state in segment_codes(session).values():
        for key in state.applied:
            counts[(key, key)] += 1
        for a, b in combinations(sorted(state.applied), 2):
            counts[(a, b)] += 1
            counts[(b, a)] += 1
    frame = pd.DataFrame([[counts[(a, b)] for b in keys] for a in keys], index=keys, columns=keys)
    frame.insert(0, "code_label", [anon.text(c.label) if anon else c.label for c in codes])
    return frame.rename_axis("code_key").reset_index()


# --- one export ---------------------------------------------------------------------------------

TABLES = ("segments", "quotes", "matrix", "cooccurrence", "tables")
_SHEETS = {
    "segments": "Fragmenten",
    "quotes": "Gecodeerde citaten",
    "matrix": "Code x instelling",
    "binary": "Code x instelling (0-1)",
    "cooccurrence": "Samen voorkomen",
}


def export_tables(
    session: Session,
    what: str,
    path: Path,
    fmt: str,
    *,
    anonymise: bool = False,
    binary: bool = False,
) -> int:
    """Write one table (or, for ``tables``, a workbook with all of them); returns the rows.

    ``anonymise`` replaces college, respondent and interviewer names (see ``pseudonymise``);
    ``binary`` gives the matrix as 0/1 presence in CSV/JSON Lines (a workbook has both).
    """
    if what not in TABLES:
        raise ValueError(f"unknown table {what!r}; choose one of {', '.join(TABLES)}")
    anon = Pseudonymiser.from_session(session) if anonymise else None
    if what == "tables" and fmt != "xlsx":
        raise ValueError("all tables at once need --format xlsx (one sheet per table)")
    frames: dict[str, pd.DataFrame] = {}
    if what in ("segments", "tables"):
        frames["segments"] = segments_table(session, anon)
    if what in ("quotes", "tables"):
        frames["quotes"] = coded_segments(session, anon)
    if what in ("matrix", "tables"):
        if fmt == "xlsx" or not binary:
            frames["matrix"] = code_college_matrix(session, anon=anon)
        if fmt == "xlsx" or binary:
            frames["binary"] = code_college_matrix(session, binary=True, anon=anon)
    if what in ("cooccurrence", "tables"):
        frames["cooccurrence"] = cooccurrence(session, anon=anon)
    if fmt == "xlsx":
        write_workbook({_SHEETS[name]: frame for name, frame in frames.items()}, path)
    else:
        write_table(next(iter(frames.values())), path, fmt)
    return sum(len(frame) for frame in frames.values())
