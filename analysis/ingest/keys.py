"""Normalising metadata keys and person names so that different spellings compare equal.

Shared by the metadata readers (``Instelling`` and ``institution`` are one field), the speaker
parser (``Datum:`` at a line start is a header, not a speaker) and the role assigner
(``HENK VAN ROOIJ`` is the respondent "Henk van Rooij").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The metadata fields every reader fills, in the order the user sees them.
FIELDS = ("institution", "date", "respondents", "roles", "interviewer", "sector", "region")
LIST_FIELDS = frozenset({"respondents", "roles"})

# Folded spelling (see ``fold``) -> field. Plural markers such as "(n)", "(en)", "(s)" are removed
# before the lookup, so "Geïnterviewde(n)" and "Functie(s)" need no entry of their own.
_KEY_ALIASES = {
    "institution": "institution",
    "instelling": "institution",
    "school": "institution",
    "college": "institution",
    "organisatie": "institution",
    "instituut": "institution",
    "onderwijsinstelling": "institution",
    "date": "date",
    "datum": "date",
    "interviewdatum": "date",
    "datum interview": "date",
    "datum gesprek": "date",
    "gespreksdatum": "date",
    "respondents": "respondents",
    "respondent": "respondents",
    "respondenten": "respondents",
    "geinterviewde": "respondents",
    "geinterviewden": "respondents",
    "gesprekspartner": "respondents",
    "gesprekspartners": "respondents",
    "roles": "roles",
    "role": "roles",
    "functie": "roles",
    "functies": "roles",
    "rol": "roles",
    "rollen": "roles",
    "function": "roles",
    "functions": "roles",
    "interviewer": "interviewer",
    "interviewers": "interviewer",
    "interviewster": "interviewer",
    "gespreksleider": "interviewer",
    "sector": "sector",
    "sectoren": "sector",
    "sectors": "sector",
    "region": "region",
    "regio": "region",
    "provincie": "region",
    # Header words that are not product fields but must never be taken for a speaker.
    "locatie": "location",
    "location": "location",
    "plaats": "location",
    "duur": "duration",
    "duration": "duration",
    "tijd": "time",
    "tijdstip": "time",
    "onderwerp": "subject",
    "titel": "title",
    "title": "title",
    "opname": "recording",
    "aanwezig": "attendees",
    "aanwezigen": "attendees",
    "transcriptie": "transcriber",
    "getranscribeerd door": "transcriber",
    "file": "file",
    "bestand": "file",
    "bestandsnaam": "file",
}

_PLURAL_MARK = re.compile(r"\((?:n|en|s|e)\)$")
_TITLES = frozenset(
    {
        "dhr",
        "dhr.",
        "mw",
        "mw.",
        "mevr",
        "mevr.",
        "mevrouw",
        "meneer",
        "mr",
        "mr.",
        "drs",
        "drs.",
        "dr",
        "dr.",
        "ir",
        "ir.",
        "ing",
        "ing.",
        "prof",
        "prof.",
    }
)
PARTICLES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "’t",
        "ter",
        "ten",
        "te",
        "el",
        "al",
        "la",
        "le",
        "du",
        "da",
        "di",
        "dos",
        "das",
        "del",
        "von",
        "vom",
        "zu",
        "op",
        "in",
        "'s",
        "’s",
        "bin",
        "ben",
        "ibn",
        "abu",
        "st.",
        "y",
    }
)


@lru_cache(maxsize=8192)  # labels repeat on every turn; folding is the parser's hot spot
def fold(value: str) -> str:
    """Case-fold, drop accents and collapse white space: the form names and keys are compared in."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("’", "'").split())


def normalise_key(key: str) -> str:
    """Map a metadata key in Dutch or English to its field name; unknown keys are folded."""
    folded = _PLURAL_MARK.sub("", fold(key).rstrip(":").strip()).strip()
    return _KEY_ALIASES.get(folded, folded.replace(" ", "_"))


def is_metadata_key(word: str) -> bool:
    """Whether ``word`` is a known metadata key (``Datum``, ``Instelling``, ``Locatie`` ...)."""
    return _PLURAL_MARK.sub("", fold(word).rstrip(":").strip()).strip() in _KEY_ALIASES


def name_variants(name: str) -> tuple[str, str | None, str | None]:
    """Folded (full name, first name, surname with particles) of a person's name.

    Titles ("Dhr.", "Mevr.") are dropped. A one-word name has no separate first name or surname.
    "Henk van Rooij" -> ("henk van rooij", "henk", "van rooij").
    """
    tokens = [t for t in fold(name).removeprefix("de heer ").split() if t not in _TITLES]
    if not tokens:
        return fold(name), None, None
    if len(tokens) == 1:
        return tokens[0], None, None
    return " ".join(tokens), tokens[0], " ".join(tokens[1:])
