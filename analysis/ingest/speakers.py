"""Speaker-turn parsing of plain text: find the speaker labels at line starts, cut the turns.

Forms recognised at the start of a line (time stamps ``[00:12:41]``, ``(00:12:41)``, ``00:12:41``
or ``1:02:03`` may stand before the label, after it, or after the colon)::

    Interviewer: ...        I: ...      R1: ...      Respondent 2: ...     INTERVIEWER: ...
    Marieke Jansen: ...     Marieke Jansen (voorzitter CvB): ...      **Sanne de Wit:** ...
    [00:12:41] Sanne de Wit: ...        Sanne de Wit 00:12:41   (alone on a line; speech below)

A turn runs until the next label, over any number of lines and paragraphs; a Markdown heading
line ends it. Turn offsets point at the speech (not the label or time stamp), trimmed of white
space, so ``text[turn.start:turn.end]`` is exactly what was said.

False positives are the danger ("Nou: dat vond ik lastig", "Wat ik bedoel is dit: ..."), so a
candidate label must be short and shaped like a name or a role word, and must then be *trusted*:
a role word (``Interviewer``, ``R1``, ``Spreker 2``), a name known from the metadata, a label with
typographic evidence (time stamp, bold, ``(functie)``, an ALL CAPS full name), or a label seen twice
in the file. A capitalised sentence opener that happens to precede a colon once is none of these.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .base import ParsedTurn
from .keys import PARTICLES, fold, is_metadata_key, name_variants
from .roles import is_generic_label, vocabulary_role

_TS = r"(?<![\d:])(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?(?!:?\d)"
_TS_ANY = rf"(?:\[\s*{_TS}\s*\]|\(\s*{_TS}\s*\)|{_TS})"
_EMPH = r"(?:\*\*|__|\*|_)"
_LABEL = r"['’]?[^\W\d_][\w'’.\- ]{0,60}?"

_COLON_LABEL = re.compile(
    rf"""^[ \t]*
    (?:(?P<ts1>{_TS_ANY})[ \t]*(?:[-–—|][ \t]*)?)?
    (?P<e1>{_EMPH})?
    (?P<label>{_LABEL})
    (?:[ \t]*\((?P<paren>[^()\n]{{1,80}})\))?
    (?:[ \t]*(?P<ts2>{_TS_ANY}))?
    [ \t]*(?P<e2>{_EMPH})?[ \t]*:(?P<e3>{_EMPH})?
    (?:[ \t]*(?P<ts3>{_TS_ANY})(?![\d:]))?
    [ \t]*""",
    re.VERBOSE,
)
# "Sanne de Wit   00:12:41" or "[00:12:41] Sanne de Wit" alone on a line, speech on the next.
_BARE_LABEL = re.compile(
    rf"^[ \t]*(?:(?P<ts1>{_TS_ANY})[ \t]+(?P<label1>{_LABEL})"
    rf"|(?P<label2>{_LABEL})[ \t]+(?P<ts2>{_TS_ANY}))[ \t]*$"
)
_TS_ONLY = re.compile(rf"^\s*[\[(]?\s*(?P<ts>{_TS})\s*[\])]?\s*$")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]")
_NAME_TOKEN = re.compile(r"^['’]?[^\W\d_][^\W\d_'’.\-]*(?:['’.\-][^\W\d_]*)*\.?$")
_MAX_LABEL_WORDS = 5
_LABEL_REACH = 200  # longest possible label prefix: stamp, markup, 60-char name, function, stamp

# Capitalised words that open Dutch (and English) sentences before a colon, never a speaker.
# fmt: off
_NOT_SPEAKERS = frozenset([
    "nou", "dus", "ja", "nee", "kijk", "maar", "en", "want", "of", "dat", "die", "dit", "deze",
    "het", "een", "ik", "wij", "we", "jij", "je", "u", "hij", "zij", "ze", "mijn", "onze", "ons",
    "jullie", "hun", "wat", "hoe", "wie", "waar", "wanneer", "waarom", "welke", "welk", "dan",
    "toen", "nu", "ook", "alleen", "eigenlijk", "natuurlijk", "zeker", "precies", "inderdaad",
    "goed", "oke", "ok", "okay", "prima", "klopt", "juist", "tja", "hmm", "eh", "uh", "voorbeeld",
    "bijvoorbeeld", "conclusie", "samenvatting", "opmerking", "noot", "nb", "ps", "let", "tip",
    "punt", "stelling", "thema", "ten", "eerst", "daarna", "daarnaast", "verder", "kortom",
    "namelijk", "immers", "omdat", "als", "toch", "wel", "niet", "geen", "er", "hier", "daar",
    "zo", "zoals", "citaat", "quote", "doel", "resultaat", "actie", "status", "agenda", "bron",
    "link", "website", "email", "e-mail", "tel", "telefoon", "adres", "note", "example", "so",
    "well", "yes", "no", "and", "but", "the", "this", "what", "how", "why", "om", "in", "op",
    "met", "voor", "na", "bij", "over", "door", "tot", "vanaf", "sinds",
])
# fmt: on

UNKNOWN_SPEAKER = "Onbekende spreker"


@dataclass(frozen=True)
class LabelMatch:
    """A candidate speaker label at the start of one line."""

    label: str  # the name as written, without time stamps, markup or function
    speech_offset: int  # where the speech starts inside the line
    media_start: float | None = None
    function: str | None = None  # "voorzitter CvB" in "Marieke Jansen (voorzitter CvB):"
    marked: bool = False  # time stamp, bold or function: typography says "this is a label"
    bare: bool = False  # label and time stamp alone on the line, without a colon


@dataclass
class TurnParse:
    """Turns found in a text, plus the non-speech lines (preamble, headings) between them."""

    turns: list[ParsedTurn]
    others: list[tuple[int, int]]  # (start, end) of non-speech lines (preamble, headings)
    functions: dict[str, str] = field(default_factory=dict)
    labelled: bool = True  # False when no label was found and the text is one unknown turn


def parse_timestamp(value: str) -> float:
    """Seconds in ``[00:12:41]``, ``(1:02:03)``, ``12:41`` or ``00:12:41.500``."""
    parts = value.strip(" []()").replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


# Bidirectional-text controls (LRM/RLM, embeddings, overrides, isolates, the Arabic letter mark)
# and zero-width characters (spaces, joiners, word joiner, BOM). Invisible, they come in with
# copied names, or on purpose: "\u202eInterviewer:" must still be a label, and the label must not
# carry them (two spellings of one speaker, a reversed name shown).
BIDI_CONTROLS = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def without_bidi(text: str) -> str:
    """``text`` without bidirectional-text controls (for speaker names)."""
    return BIDI_CONTROLS.sub("", text)


def match_label(line: str) -> LabelMatch | None:
    """The speaker label a line starts with, if it has the shape of one (trust is decided later).

    Bidi controls are ignored for matching and left out of the label; the speech offset still
    points into ``line`` as written."""
    if BIDI_CONTROLS.search(line, 0, _LABEL_REACH) is None:
        return _match_label(line)
    kept = [i for i, char in enumerate(line) if not BIDI_CONTROLS.match(char)]
    found = _match_label("".join(line[i] for i in kept))
    if found is None:
        return None
    kept.append(len(line))
    return dataclasses.replace(found, speech_offset=kept[found.speech_offset])


def _match_label(line: str) -> LabelMatch | None:
    # Cheap pre-checks: a label's colon is near the line start, and a bare label line is short.
    m = _COLON_LABEL.match(line) if ":" in line[:_LABEL_REACH] else None
    if m:
        label, paren = _clean_label(m["label"]), m["paren"]
        stamp = m["ts1"] or m["ts2"] or m["ts3"]
        if paren and _TS_ONLY.match(paren):
            stamp, paren = stamp or paren, None
        if label and label_shape_ok(label):
            return LabelMatch(
                label=label,
                speech_offset=m.end(),
                media_start=parse_timestamp(stamp) if stamp else None,
                function=paren.strip() if paren else None,
                marked=bool(stamp or paren or m["e1"] or m["e2"]),
            )
    m = _BARE_LABEL.match(line) if len(line) <= _LABEL_REACH else None
    if m:
        label = _clean_label(m["label1"] or m["label2"])
        if label and label_shape_ok(label):
            stamp = m["ts1"] or m["ts2"]
            return LabelMatch(label, len(line), parse_timestamp(stamp), marked=True, bare=True)
    return None


def _clean_label(raw: str) -> str:
    return " ".join(raw.strip(" \t*_").split())


def label_shape_ok(label: str) -> bool:
    """Whether ``label`` looks like a speaker: a role word, or 1–5 capitalised name words."""
    if vocabulary_role(label) or is_generic_label(label):
        return True
    tokens = label.split()
    if not 1 <= len(tokens) <= _MAX_LABEL_WORDS or is_metadata_key(label):
        return False
    if fold(tokens[0]).rstrip(".") in _NOT_SPEAKERS or not tokens[0].lstrip("'’")[:1].isupper():
        return False
    names = 0
    for token in tokens:
        if fold(token) in PARTICLES:
            continue
        if not _NAME_TOKEN.match(token) or not token.lstrip("'’")[:1].isupper():
            return False
        names += 1
    return names > 0


class SpeakerVocabulary:
    """Which candidate labels to trust: see the module docstring.

    ``trust_full_names`` also trusts a once-seen label of two or more name words ("Jelle
    Dijkstra:"): right for subtitle cues, where a name prefix at a cue start is the format's own
    convention and a speaker may have only one (long) turn.
    """

    def __init__(
        self, matches: Iterable[LabelMatch], known: Iterable[str], *, trust_full_names: bool = False
    ) -> None:
        self._counts = Counter(fold(m.label) for m in matches)
        self._known: set[str] = set()
        for name in known:
            self._known.update(part for part in name_variants(name) if part)
        self._trust_full_names = trust_full_names

    def trusts(self, match: LabelMatch) -> bool:
        key = fold(match.label)
        if (
            vocabulary_role(match.label)
            or is_generic_label(match.label)
            or name_variants(match.label)[0] in self._known
        ):
            return True
        if match.bare:
            return self._counts[key] >= 2
        name_words = sum(fold(t) not in PARTICLES for t in match.label.split())
        # "HENK VAN ROOIJ:" is a label; a lone "MBO:" or "ICT:" is more likely an abbreviation.
        all_caps = name_words >= 2 and match.label.upper() == match.label
        full_name = self._trust_full_names and name_words >= 2
        return match.marked or all_caps or full_name or self._counts[key] >= 2


def parse_turns(text: str, *, known: Iterable[str] = (), start: int = 0) -> TurnParse:
    """Cut ``text[start:]`` into speaker turns.

    ``known`` holds speaker names trusted beforehand (from metadata, or bold labels in a Word
    file).
    When no label is trusted, the whole text becomes one turn of ``UNKNOWN_SPEAKER``.
    """
    lines = _line_spans(text, start)
    candidates = {i: m for i, (s, e) in enumerate(lines) if (m := match_label(text[s:e]))}
    vocabulary = SpeakerVocabulary(candidates.values(), known)
    accepted = {i: m for i, m in candidates.items() if vocabulary.trusts(m)}

    result = TurnParse(turns=[], others=[])
    if not accepted:
        span = _trim(text, start, len(text))
        if span:
            result.turns.append(ParsedTurn(UNKNOWN_SPEAKER, *span))
        result.labelled = False
        return result

    current: ParsedTurn | None = None
    last: ParsedTurn | None = None
    spelling: dict[str, str] = {}  # "MARIEKE JANSEN" and "Marieke Jansen" are one speaker

    def close() -> None:
        nonlocal current
        if current is not None:
            span = _trim(text, current.start, current.end)
            if span:
                current.start, current.end = span
                result.turns.append(current)
        current = None

    for i, (s, e) in enumerate(lines):
        if i in accepted:
            close()
            m = accepted[i]
            speaker = spelling.setdefault(fold(m.label), m.label)
            current = last = ParsedTurn(speaker, s + m.speech_offset, e, media_start=m.media_start)
            if m.function:
                result.functions.setdefault(speaker, m.function)
        elif not text[s:e].strip():
            continue
        elif _HEADING.match(text[s:e]):
            close()
            result.others.append((s, e))
        elif current is not None:
            current.end = e
        elif last is not None:  # speech after a heading continues the previous speaker
            current = ParsedTurn(last.speaker, s, e)
        else:
            result.others.append((s, e))
    close()
    return result


def _line_spans(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each line from ``start`` on, split on ``\\n`` only (not on form feeds)."""
    spans = []
    pos = start
    while pos <= len(text):
        end = text.find("\n", pos)
        if end == -1:
            end = len(text)
        spans.append((pos, end))
        pos = end + 1
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` narrowed to exclude surrounding white space; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
