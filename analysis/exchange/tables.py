"""Tables out of the project: CSV and JSON Lines (one record per line, UTF-8, verbatim text)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

TABLE_FORMATS = ("csv", "jsonl")


def write_table(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write one table; the file appears whole or not at all (written aside, then renamed)."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; choose one of {', '.join(TABLE_FORMATS)}")
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    if fmt == "csv":
        frame.to_csv(partial, index=False, encoding="utf-8")
    else:
        frame.to_json(partial, orient="records", lines=True, force_ascii=False)
    partial.replace(path)
