"""Cut what respondents said into quotable segments, with exact offsets into the transcript.

A segment is what an evaluator codes and what the report quotes, so it must read as a
complete thought (whole sentences, about 15–80 words) and be verbatim: ``text[start:end]``
is the segment, trimmed of surrounding whitespace, always inside one turn. Interviewer turns
are not segmented (the store links them to segments as the question).

The algorithm, per respondent turn:

1. **Sentences.** Each turn's text runs through the Dutch pipeline (:func:`analysis.nlp.get_nlp`:
   sentencizer, blank lines end sentences, abbreviations such as "bijv." and "Dhr." do not).
   All turns go through one ``nlp.pipe`` stream; sentence bounds, word counts and
   interjection flags come from ``Doc.to_array`` columns with numpy. A word is a token that
   is neither punctuation nor whitespace.
2. **Interjections.** A sentence whose words are all back-channel words ("Ja.", "Nou, ja.",
   "Mm-hm.", "Dat klopt.", see :data:`analysis.lang_nl_fillers.INTERJECTIONS`), or that has
   no words at all ("..."), is not a quote on its own. It joins the content sentence before
   it in the same turn, or the one after it when it opens the turn. A turn made only of such
   sentences becomes a single segment with ``codable=False``: it stays in the transcript but
   is not offered for coding.
3. **Packing.** Each content sentence with its interjections is a unit that stays whole.
   The turn's units are cut into consecutive runs, each of at most ``MAX_SENTENCES`` units
   and ``MAX_WORDS`` words; a single unit may exceed ``MAX_WORDS`` (a long sentence is never
   split). Of all such cuts, the one chosen has first the fewest runs below ``MIN_WORDS``,
   then the smallest sum of squared differences between each run's word count and
   ``TARGET_WORDS``; of equal cuts, the one whose later segments start earliest. This is
   the greedy idea "break at the sentence boundary nearest the target" made exact by
   dynamic programming over the units (O(units × MAX_SENTENCES)); a plain greedy pass
   leaves short tails such as a lone 12-word closing sentence. A segment is shorter than
   ``MIN_WORDS`` only when no cut of the turn has fewer short segments (a short turn, a
   short sentence between two long ones).

A turn longer than ``MAX_PIECE_CHARS`` (a whole interview typed without speaker labels, a pasted
document) is cut into pieces first, at the last line break or sentence end before the limit, and
each piece is segmented on its own: spaCy refuses texts over ``nlp.max_length`` (1,000,000
characters, error E088), and one such turn must not stop a batch. The text stays verbatim; only
a segment never spans two pieces.

The result is deterministic. Each segment's ``lemmas`` are :func:`analysis.nlp.content_lemmas`
of its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, SENT_START
from spacy.tokens import Doc

from analysis.lang_nl_fillers import INTERJECTIONS
from analysis.nlp import PIPE_BATCH_SIZE, content_positions, get_nlp, hash_table, in_table

RESPONDENT = "respondent"  # the role value (as in the store) of turns that get segmented

MIN_WORDS = 15
TARGET_WORDS = 40
MAX_WORDS = 80
MAX_SENTENCES = 3
MAX_PIECE_CHARS = 100_000  # far below spaCy's max_length, so that memory per doc stays small

_ATTRS = [SENT_START, IS_SPACE, IS_PUNCT, LOWER, IDX, LENGTH]
_SENT, _SPACE, _PUNCT, _LOWER, _IDX, _LEN = range(len(_ATTRS))
_INTERJECTION_HASHES = hash_table(INTERJECTIONS)


class TurnRef(Protocol):
    """What segmentation needs of a turn (an ingest ``ParsedTurn``, a store row, a test stub)."""

    @property
    def index(self) -> int: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def role(self) -> str | None: ...


@dataclass
class SegmentSpan:
    """One quotable unit: ``text[start:end]`` of the transcript, inside turn ``turn_index``."""

    turn_index: int
    start: int
    end: int
    codable: bool
    lemmas: list[str]


class _Sentence(NamedTuple):
    first_token: int  # token range [first_token, end_token) in the turn's Doc
    end_token: int
    start: int  # character range in the turn's text, whitespace trimmed
    end: int
    words: int
    interjection: bool


class _Unit(NamedTuple):
    """A run of sentences that stays together: one content sentence and its interjections."""

    first: int  # sentence range [first, last] (inclusive) in the turn
    last: int
    words: int


def segment_turns(text: str, turns: Sequence[TurnRef]) -> list[SegmentSpan]:
    """Segment the respondent turns of a transcript; segments follow the order of ``turns``."""
    respondent = [turn for turn in turns if turn.role == RESPONDENT]
    for turn in respondent:
        if not 0 <= turn.start <= turn.end <= len(text):
            raise ValueError(
                f"turn {turn.index}: offsets {turn.start}-{turn.end} lie outside the "
                f"transcript text (length {len(text)})"
            )
    pieces = [piece for turn in respondent for piece in _pieces(text, turn)]
    docs = get_nlp().pipe(
        (text[piece.start : piece.end] for piece in pieces), batch_size=PIPE_BATCH_SIZE
    )
    segments: list[SegmentSpan] = []
    for piece, doc in zip(pieces, docs, strict=True):
        segments.extend(_segment_turn(text, piece, doc))
    return segments


class _Piece(NamedTuple):
    """A stretch of one turn short enough for spaCy (the whole turn, unless it is huge)."""

    index: int  # the turn's index
    start: int
    end: int


_BREAKS = ("\n", ". ", "? ", "! ", " ")


def _pieces(text: str, turn: TurnRef) -> list[_Piece]:
    """The turn as pieces of at most ``MAX_PIECE_CHARS``, cut where a break is least harmful."""
    pieces: list[_Piece] = []
    start = turn.start
    while turn.end - start > MAX_PIECE_CHARS:
        limit = start + MAX_PIECE_CHARS
        cut = limit
        for mark in _BREAKS:
            found = text.rfind(mark, start + MAX_PIECE_CHARS // 2, limit)
            if found >= 0:
                cut = found + len(mark)
                break
        pieces.append(_Piece(turn.index, start, cut))
        start = cut
    pieces.append(_Piece(turn.index, start, turn.end))
    return pieces


def _segment_turn(text: str, turn: _Piece, doc: Doc) -> list[SegmentSpan]:
    sentences = _sentences(doc)
    if not sentences:
        return []
    if all(s.interjection for s in sentences):
        groups = [(0, len(sentences) - 1)]
        codable = False
    else:
        units = _units(sentences)
        groups = [(units[i].first, units[j].last) for i, j in _pack(units)]
        codable = True
    positions, lemmas = content_positions(doc)
    segments = []
    for first, last in groups:
        start, end = _trimmed(
            text, turn.start + sentences[first].start, turn.start + sentences[last].end
        )
        lo, hi = np.searchsorted(
            positions, [sentences[first].first_token, sentences[last].end_token]
        )
        segments.append(SegmentSpan(turn.index, start, end, codable, lemmas[lo:hi]))
    return segments


def _sentences(doc: Doc) -> list[_Sentence]:
    """The turn's sentences with trimmed character bounds; whitespace-only ones are dropped."""
    if len(doc) == 0:
        return []
    table = doc.to_array(_ATTRS)
    is_start = table[:, _SENT] == 1
    is_start[0] = True
    starts = np.flatnonzero(is_start)
    ends = np.append(starts[1:], len(doc))
    is_space = table[:, _SPACE] == 1
    is_word = ~is_space & (table[:, _PUNCT] == 0)
    other_word = is_word & ~in_table(table[:, _LOWER], _INTERJECTION_HASHES)
    words = _run_sums(is_word, starts, ends)
    interjection = _run_sums(other_word, starts, ends) == 0
    solid = np.flatnonzero(~is_space)
    first_solid = np.searchsorted(solid, starts)
    end_solid = np.searchsorted(solid, ends)
    keep = first_solid < end_solid
    first_tok = solid[first_solid[keep]]
    last_tok = solid[end_solid[keep] - 1]
    char_start = table[first_tok, _IDX].astype(np.int64)
    char_end = (table[last_tok, _IDX] + table[last_tok, _LEN]).astype(np.int64)
    return [
        _Sentence(*row, bool(flag))
        for row, flag in zip(
            np.column_stack((starts[keep], ends[keep], char_start, char_end, words[keep])).tolist(),
            interjection[keep].tolist(),
            strict=True,
        )
    ]


def _run_sums(flags: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    totals = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
    return totals[ends] - totals[starts]


def _units(sentences: list[_Sentence]) -> list[_Unit]:
    """Attach each interjection to the content sentence before it (or after, at turn start)."""
    units: list[_Unit] = []
    leading_words = 0
    for i, sentence in enumerate(sentences):
        if not sentence.interjection:
            first = units[-1].last + 1 if units else 0
            units.append(_Unit(first, i, leading_words + sentence.words))
            leading_words = 0
        elif units:
            unit = units[-1]
            units[-1] = unit._replace(last=i, words=unit.words + sentence.words)
        else:
            leading_words += sentence.words
    return units


def _pack(units: list[_Unit]) -> list[tuple[int, int]]:
    """Best cut of the units into segments, as unit ranges [first, last] (module docstring, 3)."""
    # best[j]: cost of the best cut of units[:j] as (short segments, squared deviation), and
    # where its last segment starts.
    best: list[tuple[tuple[int, int], int]] = [((0, 0), 0)]
    for j in range(1, len(units) + 1):
        candidates = []
        words = 0
        for i in range(j - 1, max(j - MAX_SENTENCES, 0) - 1, -1):
            words += units[i].words
            if words > MAX_WORDS and i < j - 1:
                break
            (short, deviation), _ = best[i]
            cost = (short + (words < MIN_WORDS), deviation + (words - TARGET_WORDS) ** 2)
            candidates.append((cost, i))
        best.append(min(candidates))
    cuts = []
    j = len(units)
    while j:
        i = best[j][1]
        cuts.append((i, j - 1))
        j = i
    return cuts[::-1]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past any whitespace that spaCy did not make a space token."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())
