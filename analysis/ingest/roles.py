"""Deciding who is the interviewer, who the respondent, who something else.

Evidence is used from strongest to weakest, per speaker label:

1. the label itself: role words such as ``Interviewer``, ``I``, ``Vraag`` or ``R1``,
   ``Respondent 2``, ``Bestuurder`` (also in a function after the name: ``Sanne (interviewer)``);
2. the metadata: the interviewer's and the respondents' names, matched on full name, first name
   or surname, case- and accent-insensitively, so ``HENK VAN ROOIJ`` and ``Henk`` both match
   "Henk van Rooij" (a first name or surname shared by two people decides nothing);
3. a heuristic, only when no interviewer was found yet: the speaker whose turns end in a question
   mark clearly most often asks the questions;
4. everyone else is a respondent; "other" is kept for labels that are clearly neither
   (``Notulist``, ``Tolk``, ``Onbekend``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from .base import ParsedTranscript
from .keys import fold, name_variants

_INTERVIEWER_WORDS = (
    r"interviewer|interviewster|interviewers|int|i|vraag|vraagsteller|onderzoeker|evaluator"
    r"|gespreksleider|q"
)
_RESPONDENT_WORDS = r"respondent|respondente|r|geinterviewde|bestuurder|antwoord|participant"
_OTHER_WORDS = (
    r"notulist|notuliste|tolk|observator|observer|transcribent|onbekend|meerdere|allen|iedereen"
)
_GENERIC_WORDS = r"spreker|speaker|deelnemer|persoon"

_NUMBER = r"\.?(?:\s*\d{1,2}|\s+[a-z])?$"  # "R1", "Respondent 2", "Respondent B"
_INTERVIEWER = re.compile(rf"^(?:{_INTERVIEWER_WORDS}){_NUMBER}")
_RESPONDENT = re.compile(rf"^(?:{_RESPONDENT_WORDS}){_NUMBER}")
_OTHER = re.compile(rf"^(?:{_OTHER_WORDS})\s*\d{{0,2}}$")
_GENERIC = re.compile(rf"^(?:{_GENERIC_WORDS})\s*(?:\d{{1,2}}|[a-z])$")

# A speaker counts as "asking" when at least this share of their turns ends in "?", and as the
# clear interviewer when that share is at least twice the next speaker's.
_MIN_QUESTION_SHARE = 0.3


def vocabulary_role(label: str) -> str | None:
    """The role a label's own words give (``Interviewer`` -> interviewer), or None."""
    folded = fold(label)
    if _INTERVIEWER.match(folded):
        return "interviewer"
    if _RESPONDENT.match(folded):
        return "respondent"
    if _OTHER.match(folded):
        return "other"
    return None


def is_generic_label(label: str) -> bool:
    """Whether the label is a numbered anonymous speaker (``Spreker 1``, ``Speaker B``)."""
    return bool(_GENERIC.match(fold(label)))


def assign_roles(parsed: ParsedTranscript, interviewer: str | None = None) -> None:
    """Set ``role`` on every turn of ``parsed`` (in place); see the module docstring for the order.

    ``interviewer`` overrides the interviewer's name from ``parsed.metadata``.
    """
    labels = list(dict.fromkeys(turn.speaker for turn in parsed.turns))
    people = _people(parsed, interviewer)
    functions = parsed.metadata.get("speaker_functions") or {}
    roles: dict[str, str | None] = {}
    for label in labels:
        roles[label] = (
            vocabulary_role(label) or _function_role(functions.get(label)) or people(label)
        )
    if "interviewer" not in roles.values():
        asker = _clear_asker(parsed, [label for label in labels if roles[label] is None])
        if asker is not None:
            roles[asker] = "interviewer"
    for turn in parsed.turns:
        turn.role = roles[turn.speaker] or "respondent"


def _function_role(function: object) -> str | None:
    if not isinstance(function, str):
        return None
    role = vocabulary_role(function)
    return role if role in ("interviewer", "respondent") else None


def _people(parsed: ParsedTranscript, interviewer: str | None) -> Callable[[str], str | None]:
    """A lookup from speaker label to role by the metadata's names.

    A full name decides; a first name or surname decides only when one person has it.
    """
    named = [
        (name, "interviewer")
        for name in _as_names(interviewer or parsed.metadata.get("interviewer"))
    ]
    named += [(name, "respondent") for name in _as_names(parsed.metadata.get("respondents"))]
    by_full: dict[str, str] = {}
    by_part: dict[str, str] = {}
    part_counts: Counter[str] = Counter()
    for name, role in named:
        full, first, surname = name_variants(name)
        by_full[full] = role
        for part in (first, surname):
            if part:
                by_part[part] = role
                part_counts[part] += 1

    def lookup(label: str) -> str | None:
        full, first, surname = name_variants(label)
        if full in by_full:
            return by_full[full]
        for key in (full, first, surname):
            if key and part_counts[key] == 1:
                return by_part[key]
        return None

    return lookup


def _as_names(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(part).strip() for part in value if str(part).strip()]
    return []


def _clear_asker(parsed: ParsedTranscript, candidates: list[str]) -> str | None:
    """The one candidate whose turns most clearly end in questions, or None when unclear."""
    if len({turn.speaker for turn in parsed.turns}) < 2:
        return None
    turns_by: Counter[str] = Counter()
    questions: Counter[str] = Counter()
    for turn in parsed.turns:
        if turn.speaker in candidates:
            turns_by[turn.speaker] += 1
            if parsed.text[turn.start : turn.end].rstrip(" \"”’')").endswith("?"):
                questions[turn.speaker] += 1
    shares = sorted(
        (
            (questions[label] / turns_by[label], label)
            for label in turns_by
            if questions[label] >= 2
        ),
        reverse=True,
    )
    if not shares or shares[0][0] < _MIN_QUESTION_SHARE:
        return None
    if len(shares) > 1 and shares[0][0] < 2 * shares[1][0]:
        return None
    return shares[0][1]
