"""Who said a quote, in the words a publication uses: "bestuurder, ROC Amstelduin".

Publications of this kind attribute quotes to a function, never to a person. The function comes
from the transcript's metadata (``respondents`` and ``roles`` are parallel lists); the speaker
label is matched to a respondent by full name, a unique first name or surname, a numbered label
("R2", "Respondent 2"), or as the only respondent. A board function ("voorzitter college van
bestuur", "bestuursvoorzitter", "directeur-bestuurder") is called "bestuurder"; another function
is named as the metadata has it; an unknown one is "geïnterviewde".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analysis.ingest.keys import fold, name_variants

STYLES = ("institution", "role")  # "bestuurder, ROC X"  /  "een bestuurder"
DEFAULT_STYLE = "institution"
BOARD = "bestuurder"
UNKNOWN = "geïnterviewde"

_NUMBERED = re.compile(r"(?:r|resp|respondent|respondente|geinterviewde)\s*(\d+)\Z")


def respondent_index(speaker: str, respondents: Sequence[str]) -> int | None:
    """The position in ``respondents`` of the person a speaker label names, if it can be told."""
    label = fold(speaker)
    numbered = _NUMBERED.match(label)
    if numbered:
        index = int(numbered.group(1)) - 1
        return index if 0 <= index < len(respondents) else None
    full, first, surname = name_variants(speaker)
    variants = [name_variants(name) for name in respondents]
    for i, (other_full, _, _) in enumerate(variants):
        if other_full == full:
            return i
    for part in (first, surname, full):
        if not part:
            continue
        hits = [i for i, (_, f, s) in enumerate(variants) if part in (f, s)]
        if len(hits) == 1:
            return hits[0]
    return 0 if len(respondents) == 1 else None


def function_word(speaker: str, respondents: Sequence[str], roles: Sequence[str]) -> str:
    """"bestuurder", the metadata's function, or "geïnterviewde"."""
    index = respondent_index(speaker, respondents)
    function = roles[index].strip() if index is not None and index < len(roles) else ""
    if not function:
        return UNKNOWN
    if "bestuur" in fold(function) or "cvb" in fold(function).split():
        return BOARD
    return function


def attribution(function: str, institution: str, style: str = DEFAULT_STYLE) -> str:
    """The attribution line under a quote, per the draft's setting."""
    if style == "role":
        article = "een " if function in (BOARD, UNKNOWN) else ""
        return f"{article}{function}"
    return f"{function}, {institution}"
