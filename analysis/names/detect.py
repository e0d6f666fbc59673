"""Finding identifying mentions in a transcript's text: people, e-mail, phone, addresses, places.

Three detectors, merged per transcript (where two overlap, the earlier one wins):

1. **metadata**: the project's own people (respondents, interviewers, names in speaker labels)
   in every spelling the :class:`~analysis.pseudonymise.Pseudonymiser` replaces ("Marieke",
   "Van Rooij", "HENK VAN ROOIJ:"), so recall on them is 1.0 by construction;
2. **the evaluator's list** (``interviews names add``): names and strings added by hand, found
   wherever they are written with a capital (or exactly, for strings that are not names);
3. **deduce** (Menger et al., rule- and list-based de-identification of Dutch text): other
   person names (lists of Dutch first names and surnames, initials, particles, titles), e-mail
   addresses, phone numbers, street names with house numbers, postal codes, places and
   institutions. Dates, ages and ID numbers are switched off: an interview's date is metadata,
   and "twintig jaar" is no identifier here.

deduce gives no score, so ``confidence`` is ours, from the shape of the mention: a pattern
(e-mail, phone) 0.95, a multi-word name 0.9, a one-word name that is not an ordinary Dutch word
0.7, one that is ("Roos", "Bos") 0.5; metadata and the evaluator's list 1.0.

deduce loads about 75 MB of lookup structures. It is imported and loaded only when detection
runs (once per process), with Python's garbage collector paused while it unpickles them (that
halves the load time). The first load on a machine builds that cache (one to three minutes);
it goes to the user's cache folder (``$INTERVIEWS_CACHE``, else ``$XDG_CACHE_HOME/interviews``,
else ``~/.cache/interviews``), never into site-packages, and uses no network.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.ingest.keys import PARTICLES, fold

PERSON, EMAIL, PHONE, ADDRESS, PLACE, INSTITUTION, URL = (
    "person", "email", "phone", "address", "place", "institution", "url"
)
KINDS = (PERSON, EMAIL, PHONE, ADDRESS, PLACE, INSTITUTION, URL)
# Kinds that are replaced unless the evaluator ignores them; the others (indirect identifiers)
# are listed for review and replaced only once confirmed.
DIRECT_KINDS = frozenset({PERSON, EMAIL, PHONE, ADDRESS})
DEFAULT_REPLACEMENTS = {
    PERSON: "[naam]",
    EMAIL: "[e-mailadres]",
    PHONE: "[telefoonnummer]",
    ADDRESS: "[adres]",
    PLACE: "[plaats]",
    INSTITUTION: "[instelling]",
    URL: "[website]",
}
_DEDUCE_KINDS = {
    "persoon": PERSON,
    "patient": PERSON,
    "emailadres": EMAIL,
    "telefoonnummer": PHONE,
    "locatie": PLACE,  # an address when it holds a house number or postal code
    "instelling": INSTITUTION,
    "ziekenhuis": INSTITUTION,
    "url": URL,
}
_DISABLED = frozenset(
    {"date_dmy_1", "date_dmy_2", "date_ymd_1", "date_ymd_2", "age", "bsn", "identifier",
     "eponymous_disease", "patient_name"}
)
# Titles and forms of address deduce includes in a name ("de heer Bos"); the mention keeps
# them out, so the output reads "de heer [naam]".
_TITLE = re.compile(
    r"^(?:(?:de\s+)?(?:heer|meneer|mevrouw|mevr\.?|mw\.?|dhr\.?|dr\.?|drs\.?|ir\.?|mr\.?|"
    r"prof\.?|ing\.?|juffrouw|juf|meester)\s+)+",
    re.IGNORECASE,
)

# Where one of deduce's person annotations holds two names: punctuation after a word of two or
# more letters (not after an initial, "M. Jansen"), or "en" between names.
_NAME_BREAK = re.compile(r"(?<=\w\w)[.!?;:,]\s+|\s+en\s+")

# deduce reads "Jolanda Postma van het Noorderpoort" as one name; after a first name and a
# surname, "van het ..." names the person's organisation (surnames with "van het" are rare).
_OF_THE = re.compile(r"\s+van\s+het\s")


@dataclass(frozen=True)
class Found:
    """One mention a detector found: offsets into the text, and the name it stands for."""

    start: int
    end: int
    text: str
    kind: str
    confidence: float
    detector: str  # metadata, list, deduce
    name: str  # the identifier's name: the person's name as written, an e-mail as is


def cache_folder() -> Path:
    """Where deduce keeps its lookup cache (a writable user folder, see the module docstring)."""
    if os.environ.get("INTERVIEWS_CACHE"):
        return Path(os.environ["INTERVIEWS_CACHE"]) / "deduce"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "interviews" / "deduce"


@contextlib.contextmanager
def _root_logging_kept():
    """Undo what importing deduce does to the root logger: ``deduce/deduce.py`` calls
    ``logging.basicConfig(stream=sys.stdout, level=logging.DEBUG)``, after which every library's
    debug messages in the process are formatted and printed (numba's compiler alone writes
    hundreds of thousands of lines while the app warms up the topic model)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@functools.cache
def _deduce():  # -> deduce.Deduce (imported lazily: heavy)
    with _root_logging_kept():
        from deduce import Deduce

    folder = cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    gc.disable()  # unpickling millions of small objects: collection passes only cost time
    try:
        return Deduce(cache_path=folder)
    finally:
        gc.enable()


def deduce_mentions(text: str) -> list[Found]:
    """What deduce finds in ``text``, as mentions of our kinds (see the module docstring)."""
    from analysis.pseudonymise import is_dutch_word

    document = _deduce().deidentify(text, disabled=set(_DISABLED))
    spans = []
    for annotation in sorted(document.annotations, key=lambda a: a.start_char):
        kind = _DEDUCE_KINDS.get(annotation.tag)
        if kind == PERSON:  # deduce joins adjacent names across "." and ",": "Marieke. Marieke"
            start = annotation.start_char
            for piece in _NAME_BREAK.split(text[start : annotation.end_char]):
                offset = text.index(piece, start)
                spans.append((kind, offset, offset + len(piece)))
                start = offset + len(piece)
        elif kind is not None:
            spans.append((kind, annotation.start_char, annotation.end_char))
    found = []
    for kind, start, end in spans:
        if kind == PERSON:
            title = _TITLE.match(text[start:end])
            if title:
                start += title.end()
        value = text[start:end].strip()
        of_the = _OF_THE.search(value) if kind == PERSON else None
        if of_the and len(value[: of_the.start()].split()) >= 2:
            value = value[: of_the.start()]
        start = text.index(value, start) if value else start
        if not value:
            continue
        if kind == PLACE and re.search(r"\d", value):
            kind = ADDRESS
        if kind == PERSON and value[:1].islower():
            # Dutch capitalises a surname's particle when no first name precedes it ("Van
            # Dijk"); "aan de Maas", "van Brussel", "de IJssel" are places deduce took for names.
            kind = PLACE
        if kind in (EMAIL, PHONE):
            confidence = 0.95
        elif kind == PERSON and len(value.split()) > 1:
            confidence = 0.9
        elif kind == PERSON:
            confidence = 0.5 if is_dutch_word(value) else 0.7
        else:
            confidence = 0.6
        found.append(Found(start, start + len(value), value, kind, confidence, "deduce", value))
    return found


def listed_mentions(text: str, names: Iterable[tuple[str, str]]) -> list[Found]:
    """Where the evaluator's listed (kind, name) pairs occur in ``text``: a person in every
    spelling of :func:`person_forms`, with a capital; anything else exactly."""
    found = []
    for kind, name in names:
        forms = person_forms(name) if kind == PERSON else {name}
        for form in sorted(forms, key=len, reverse=True):
            pattern = rf"(?<!\w){re.escape(form)}(?!\w)"
            for match in re.finditer(pattern, text):
                found.append(
                    Found(match.start(), match.end(), match.group(), kind, 1.0, "list", name)
                )
    return found


def merge(*groups: Sequence[Found]) -> list[Found]:
    """All mentions, without overlaps: earlier groups win, then longer mentions."""
    taken: list[Found] = []
    for group in groups:
        for item in sorted(group, key=lambda f: (f.start, -(f.end - f.start))):
            if not any(item.start < t.end and t.start < item.end for t in taken):
                taken.append(item)
    return sorted(taken, key=lambda f: f.start)


def name_parts(name: str) -> tuple[list[str], str]:
    """(given names, surname with its particles) of a mentioned person; a name that starts with
    a particle ("Van Gestel") is a surname only, a one-word name a given name only."""
    words = name.split()
    if not words:
        return [], ""
    if words[0].lower() in PARTICLES:
        return [], " ".join(words)
    if len(words) == 1:
        return words, ""
    start = next((i for i in range(1, len(words)) if words[i].lower() in PARTICLES), len(words) - 1)
    return words[:start], " ".join(words[start:])


def person_forms(name: str) -> set[str]:
    """The spellings a mentioned person is replaced in: the full name, the first name(s), the
    surname with its particles (also capitalised, as Dutch writes it without a first name) and
    in upper case. Unlike a respondent's, the bare surname without particles ("Meer" of "Roos
    van der Meer") is not one: nothing said it refers to the person."""
    given, surname = name_parts(name)
    forms = {name, *(g for g in given if len(g) >= 2)}
    if surname:
        forms.add(surname)
        forms.add(surname[:1].upper() + surname[1:])
        if given:
            forms.add(f"{given[0][:1]}. {surname}")
    forms.update([form.upper() for form in forms])
    return {form for form in forms if form}


def short_keys(name: str) -> set[str]:
    """Folded first names and surname of a person: what a one-word mention may stand for."""
    given, surname = name_parts(name)
    keys = {fold(g) for g in given}
    if surname:
        keys.add(fold(surname))
        keys.add(fold(" ".join(w for w in surname.split() if w.lower() not in PARTICLES)))
    return keys
