"""Light editing of a quote for the publication: what a transcript keeps and a report leaves out.

Publications of this kind quote respondents in their own words but not their hesitations: an
"Ehm." or a "[lacht]" is part of the record, not of what was said. A quote in the draft is
edited only thus, and the method chapter says so:

- hesitation sounds ("eh", "ehm", "uhm", "hmm") with the comma or full stop that set them off;
- a transcriber's marks in brackets or parentheses ("[lacht]", "(zucht)", "[stilte]");
- a mark for a passage that could not be made out ("[onverstaanbaar]") becomes "(…)", so the
  reader sees that something is missing.

Every other word stays as it was spoken: no repeated word is dropped ("dat dat" is often good
Dutch) and nothing is reordered. The transcript, the quote browser and the exports stay verbatim.
"""

from __future__ import annotations

import re

from analysis.lang_nl_fillers import (
    COMMA_OPENERS,
    HESITATION_PATTERN,
    INAUDIBLE,
    STAGE_DIRECTIONS,
)
from analysis.words_nl import spacy_abbreviations

ELLIPSIS = "(…)"

_BRACKETED = re.compile(r"\s*[\[(]([^\[\]()]{1,60})[\])]")
# A hesitation as a word of its own, with the punctuation after it (a dash stays: it may open or
# close an aside, "eh - hoe zeg je dat - best lastig").
_HESITATION = re.compile(
    rf"(?P<before>,\s*)?(?<![\w-])(?:{HESITATION_PATTERN})(?![\w-])"
    rf"(?P<after>\s*(?:,|\.\.\.|…|\.)(?!\w))?",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
# A hesitation followed by one of the last few words before it marks a restart ("ik houd het
# eh, ik houd het bij elkaar"): the comma stays, as a transcript of a restart writes it.
RESTART_WORDS = 4
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?…])")
_DOUBLE_COMMA = re.compile(r",(\s*,)+")
_COMMA_AT_SENTENCE_END = re.compile(r",\s*([.!?])")
_LEADING_PUNCTUATION = re.compile(r"^[\s,;:.–-]+")
_SPACES = re.compile(r"[ \t]{2,}")
_SENTENCE_END = re.compile(r"(^|[.!?…])\s*$")
_LAST_TOKEN = re.compile(r"(\S+)\s*$")
# spaCy's Dutch abbreviations ("ca.", "bijv.", "o.a."): a full stop after one ends no sentence
# (read from spaCy's data file: the report imports no spaCy).
_ABBREVIATIONS = spacy_abbreviations()
# Where a sentence lost its first word: the next letter becomes a capital.
_CAPITAL = "\x00"
_AFTER_CAPITAL_MARK = re.compile(_CAPITAL + r"([\s,;:.…]*)(\w)?")


def _bracketed(match: re.Match[str]) -> str:
    words = set(match.group(1).lower().split())
    if words & INAUDIBLE:
        return f" {ELLIPSIS}"
    if words and words <= STAGE_DIRECTIONS:
        return ""
    return match.group(0)  # a bracket of the speaker's own, e.g. "(de Erasmus-coördinator)"


def _hesitation(match: re.Match[str]) -> str:
    """A hesitation that is a sentence of its own ("Ehm. Daar …") goes with its full stop, and
    the next sentence starts with a capital. Inside a sentence it goes with the commas that set
    it off ("een soort eh, kenniscentrum" → "een soort kenniscentrum"), but one comma stays
    after an interjection ("Nou, dat") and before a restart ("ik houd het eh, ik houd het" →
    "ik houd het, ik houd het"); a full stop after it ends a broken-off sentence and stays
    ("Het is eh. Ik …")."""
    before, after = match.group("before"), (match.group("after") or "").strip()
    preceding = match.string[: match.start()]
    if before is None and _SENTENCE_END.search(preceding) and not _after_abbreviation(preceding):
        return _CAPITAL
    if after not in ("", ","):
        return after
    earlier = [w.lower() for w in _WORD.findall(preceding)[-RESTART_WORDS:]]
    following = _WORD.search(match.string, match.end())
    if after == "," and following and following.group(0).lower() in earlier:
        return ", "  # a restart: "na eh, na heel veel gedoe" → "na, na heel veel gedoe"
    if before is not None and after == "," and earlier and earlier[-1] in COMMA_OPENERS:
        return ", "
    return " "


def _after_abbreviation(preceding: str) -> bool:
    last = _LAST_TOKEN.search(preceding)
    return last is not None and last.group(1).lower() in _ABBREVIATIONS


def edit_quote(text: str) -> str:
    """``text`` with hesitations and transcriber's marks left out (see the module docstring)."""
    edited = _BRACKETED.sub(_bracketed, text)
    edited = _HESITATION.sub(_hesitation, edited)
    edited = _AFTER_CAPITAL_MARK.sub(
        lambda m: m.group(1) + (m.group(2) or "").upper(), edited
    )
    edited = _SPACES.sub(" ", edited)
    edited = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", edited)
    edited = _DOUBLE_COMMA.sub(",", edited)
    edited = _COMMA_AT_SENTENCE_END.sub(r"\1", edited)
    edited = _LEADING_PUNCTUATION.sub("", edited).strip()
    return edited or text.strip()
