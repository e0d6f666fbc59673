"""Lay out the turns of a structured file (Word, subtitles, PDF) as one normalised text.

These formats have no plain text a user could open next to ours, so we write one: a paragraph per
turn, ``Speaker: speech``, paragraphs separated by a blank line. Non-speech blocks (a title, a
heading) become paragraphs of their own. Turn offsets point at the speech after the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import ParsedTurn
from .speakers import TurnParse

_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


@dataclass
class Block:
    """One paragraph of the laid-out text: a turn when ``speaker`` is set, else non-speech."""

    text: str
    speaker: str | None = None
    media_start: float | None = None
    media_end: float | None = None
    show_label: bool = True  # False for the single unknown-speaker turn of an unlabelled file


def lay_out(blocks: list[Block]) -> tuple[str, list[ParsedTurn]]:
    """The text and its turns; blank lines inside a block are squeezed: a block is one paragraph."""
    parts: list[str] = []
    turns: list[ParsedTurn] = []
    pos = 0
    for block in blocks:
        body = _BLANK_LINES.sub("\n", block.text.strip())
        if not body:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        prefix = f"{block.speaker}: " if block.speaker is not None and block.show_label else ""
        parts.append(prefix + body)
        if block.speaker is not None:
            start = pos + len(prefix)
            turns.append(
                ParsedTurn(
                    block.speaker,
                    start,
                    start + len(body),
                    None,
                    block.media_start,
                    block.media_end,
                )
            )
        pos += len(prefix) + len(body)
    return "".join(parts), turns


def blocks_from_parse(text: str, parse: TurnParse, *, join_lines: bool = False) -> list[Block]:
    """Blocks in document order from a plain-text parse; ``join_lines`` unwraps hard wraps (PDF)."""
    pieces: list[tuple[int, Block]] = []
    for turn in parse.turns:
        body = text[turn.start : turn.end]
        if join_lines:
            body = _LINE_BREAK.sub(" ", body)
        block = Block(
            body, turn.speaker, turn.media_start, turn.media_end, show_label=parse.labelled
        )
        pieces.append((turn.start, block))
    for start, end in parse.others:
        pieces.append((start, Block(text[start:end])))
    return [block for _, block in sorted(pieces, key=lambda piece: piece[0])]
