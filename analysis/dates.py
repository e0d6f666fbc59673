"""Interview dates as people type them, stored one way: ``JJJJ-MM-DD`` (ISO 8601).

Why: a date typed as "20-11-2026" beside others in ISO form sorts wrongly and reads as two
different formats in the report. The metadata editor and the CLI pass what was typed here; a
Dutch way of writing the date is read (day first, as in the Netherlands), anything else is
refused with a message that says how to write it.
"""

from __future__ import annotations

import re
from datetime import date

from analysis.messages import fail

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan"),
            ("februari", "feb"),
            ("maart", "mrt", "mar"),
            ("april", "apr"),
            ("mei",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augustus", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_WRITTEN = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")


def parse_date(value: object, error: type[ValueError] = ValueError) -> str | None:
    """``value`` as ``JJJJ-MM-DD``; None for an empty value. Reads 2026-11-20, 20-11-2026,
    20/11/2026, 20.11.2026 and "20 november 2026" (also "20 nov. 2026"); raises ``error``
    (message ``metadata.date_invalid``) for anything else, an impossible day included."""
    text = " ".join(str(value or "").split()).casefold()
    if not text:
        return None
    parts: tuple[int, int, int] | None = None
    if match := _ISO.fullmatch(text):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _DAY_FIRST.fullmatch(text):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    elif (match := _WRITTEN.fullmatch(text)) and match[2] in MONTHS:
        parts = (int(match[3]), MONTHS[match[2]], int(match[1]))
    try:
        if parts is None:
            raise ValueError(text)
        return date(*parts).isoformat()
    except ValueError:
        raise fail(error, "metadata.date_invalid", value=str(value).strip()) from None
