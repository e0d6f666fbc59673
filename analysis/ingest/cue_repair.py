"""Malformed subtitle cues, found and reported before the parser sees them.

The subtitle parsers are strict in one way and lax in another: webvtt-py silently drops a cue
whose time line is broken (``00:0x:09.000``), and the ``srt`` package glues whatever follows a
cue up to the next well-formed one into its text, so a cue without a valid number and stray
lines ("Ondertiteling: Studio X") end up inside a respondent's quote. Here the file is read as
blocks separated by blank lines, and:

- a cue whose time line is broken keeps its text, with the time of the cue before it;
- an SRT cue whose number is missing or not a number is read anyway (it gets the next number);
- an SRT block that is not a cue (no time line) is left out, as are VTT blocks that are neither
  cues nor header, ``NOTE``, ``STYLE`` or ``REGION`` blocks;

each with one warning naming its line. The repaired text goes to the parser.
"""

from __future__ import annotations

import re

_SRT_TIME = r"\d{1,3}:\d{1,2}:\d{1,2}(?:[,.]\d{1,3})?"
_VTT_TIME = r"(?:\d{1,3}:)?\d{2}:\d{2}\.\d{3}"
_TIMING = {
    "srt": re.compile(rf"^\s*(?P<start>{_SRT_TIME})\s*-->\s*(?P<end>{_SRT_TIME})"),
    "vtt": re.compile(rf"^\s*(?P<start>{_VTT_TIME})\s+-->\s+(?P<end>{_VTT_TIME})(?P<rest>.*)$"),
}
_VTT_OTHER_BLOCKS = ("WEBVTT", "NOTE", "STYLE", "REGION")
_BLANK = re.compile(r"\n[ \t]*\n")
_SHOWN = 60


def repair_cues(text: str, fmt: str) -> tuple[str, list[str]]:
    """``text`` (a .srt or .vtt file's text) with malformed cues repaired or removed, and one
    warning per repair (see the module docstring)."""
    if "-->" not in text:
        return text, []
    timing = _TIMING[fmt]
    zero = "00:00:00,000" if fmt == "srt" else "00:00:00.000"
    last_end = zero
    number = 0
    blocks: list[str] = []
    warnings: list[str] = []
    for line_number, block in _blocks(text):
        lines = block.split("\n")
        at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if at is None:
            if fmt == "srt" or not lines[0].strip().startswith(_VTT_OTHER_BLOCKS):
                warnings.append(
                    f"line {line_number}: not a numbered, timed cue, left out "
                    f"({_shorten(block)})" if fmt == "srt"
                    else f"line {line_number}: not a cue, left out ({_shorten(block)})"
                )
                continue
            blocks.append(block)
            continue
        found = timing.match(lines[at])
        if found is None:
            warnings.append(
                f"line {line_number + at}: cue with a malformed time line "
                f"({_shorten(lines[at])}); its text is kept, with the time of the cue before"
            )
            lines[at] = f"{last_end} --> {last_end}"
        else:
            last_end = found["end"]
        if fmt == "srt":
            number += 1
            head = [line.strip() for line in lines[:at]]
            if not head or not head[-1].isdigit() or len(head) > 1:
                shown = " / ".join(h for h in head if h) or "none"
                warnings.append(
                    f"line {line_number}: cue without a valid number ({_shorten(shown)}); "
                    "read anyway"
                )
            lines = [str(number), *lines[at:]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n", warnings


def _blocks(text: str) -> list[tuple[int, str]]:
    """Non-empty blocks between blank lines, each with the number of its first line."""
    result = []
    position = 0
    for match in [*_BLANK.finditer(text), None]:
        end = match.start() if match else len(text)
        block = text[position:end]
        if block.strip():
            stripped = block.lstrip("\n")
            first_line = text.count("\n", 0, position + len(block) - len(stripped)) + 1
            result.append((first_line, stripped.rstrip()))
        if match:
            position = match.end()
    return result


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= _SHOWN else flat[: _SHOWN - 1] + "…")
