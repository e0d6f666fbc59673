"""Stable pseudonyms for colleges, respondents and interviewers, applied to every export.

Interview data is personal data (GDPR): evaluators share quotes, spreadsheets and REFI-QDA
projects with colleagues and reviewers who must not learn who said what. Every export and the
report can therefore run its texts, file names and metadata through a :class:`Pseudonymiser`.

**The mapping** lives in the project's ``pseudonym`` table and is only ever extended: once
"ROC Amstelduin" is "Instelling A", it stays so in every later export, report and re-export.
New names get the next free pseudonym — transcripts sorted by college, date and file; per
transcript the college, the interviewer(s), the respondents as listed in the metadata, then
speakers whose label is a person's name not in the metadata. Respondents and interviewers are
numbered ("Respondent 1", "Interviewer 1"). Colleges get letters in an order that is random per
project (``letter_order``: a seed drawn once and stored in the project), never alphabetical or
in import order, so that a published list of participating colleges does not undo the letters.
The mapping (the key) is exported only on explicit request (``export pseudonyms``), never
inside a pseudonymised file.

**Names inside the answers** (colleagues, e-mail addresses, phone numbers, addresses) come from
``analysis.names``: every identifier found there and not ignored by the evaluator joins the
mapping with its bracketed replacement ("[collega]"), so each output below replaces it too.

**What is replaced** in texts, for each name in the mapping (case-sensitive: only capitalised
or upper-case spellings, because a lower-case "bos" is a wood, not Pieter Bos):

- the full name, in title case and in upper case ("HENK VAN ROOIJ:" as a speaker label);
- the first name(s) alone ("Marieke"), the surname with and without particles and with the
  particle capitalised as Dutch writes it without a first name ("van Rooij", "Van Rooij",
  "Rooij"), an initial with the surname ("M. Jansen");
- possessives: "Marieke's", "Jansens", "Hermans'" become "Respondent 1's" and so on;
- a college's full name and its distinctive part ("ROC Amstelduin", "Amstelduin"), and the
  first word of a multi-word distinctive part when it is not an ordinary Dutch word
  ("Heuvelland" of "Heuvelland Zuid", but not "Groene" of "Groene Delta", never "Zuid").

**False positives, and the choice made.** A first name or surname can be a Dutch word ("Bos",
"Roos", "Wit", "Ben", "Wil"). A name part that is a Dutch *function* word (spaCy's Dutch stop
words: "Ben", "Wil") is left alone at the start of a sentence, where "Ben je ..." is the verb,
and replaced elsewhere when capitalised (mid-sentence capitals mark a name), before a colon
(speaker label) and in the possessive. Every other name part is replaced wherever it is
capitalised, even when it is also a content word ("Bos", "Roos"): in a privacy tool a replaced
word at the start of a sentence costs less than a leaked name. Ordinary words are recognised
with spaCy's Dutch stop-word list and the Dutch lookup lemma table of ``spacy-lookups-data``.

**Not covered**: names typed in lower case, misspellings, and people ``analysis.names`` did not
find and the evaluator did not add. The evaluator remains
responsible for reading an anonymised export before sharing it.
"""

from __future__ import annotations

import random
import re
import secrets
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.ingest.keys import PARTICLES, fold
from analysis.lemma_lookup import lemma_lookup
from analysis.store import Meta, Pseudonym, Transcript, Turn
from analysis.words_nl import SPACY_STOP_WORDS as STOP_WORDS

INSTITUTION, RESPONDENT, INTERVIEWER = "institution", "respondent", "interviewer"
KINDS = (INSTITUTION, RESPONDENT, INTERVIEWER)
PREFIXES = {INSTITUTION: "Instelling", RESPONDENT: "Respondent", INTERVIEWER: "Interviewer"}
LETTER_SEED_KEY = "pseudonym_letter_seed"  # Meta key of the project's letter order

# Words that make up the generic part of a Dutch college's name ("ROC", "Vakschool" ...).
_INSTITUTION_WORDS = frozenset(
    {"roc", "mbo", "aoc", "college", "vakcollege", "vakschool", "vakscholen", "opleidingen",
     "vakopleidingen", "opleidingscentrum", "onderwijsgroep", "scholengroep", "school",
     "scholen", "instituut", "stichting", "regionaal", "regio", "de", "het"}
)
# Speaker-label words that name a role, not a person ("Interviewster", "Spreker 2" ...).
_GENERIC_LABEL_WORDS = frozenset(
    {"interviewer", "interviewers", "interviewster", "respondent", "respondente", "respondenten",
     "spreker", "speaker", "deelnemer", "participant", "geinterviewde", "interviewee",
     "onbekend", "unknown", "vraag", "antwoord", "moderator", "notulist", "gespreksleider",
     "evaluator", "bestuurder", "voorzitter", "en", "and", "i", "r", "v", "a", "q"}
)
_TITLES = frozenset(
    {"dhr", "dhr.", "mw", "mw.", "mevr", "mevr.", "mevrouw", "meneer", "mr", "mr.", "drs",
     "drs.", "dr", "dr.", "ir", "ir.", "ing", "ing.", "prof", "prof."}
)
_POSSESSIVE = r"(?P<poss>(?i:['’]s|s|['’]))?"
_OPENERS = "\"'“‘„«([*-–—"
_SENTENCE_ENDS = ".!?:;…"


@cache
def _dutch_words() -> frozenset[str]:
    """Every word form and lemma of the Dutch lookup lemmatizer (about 300,000), lower case."""
    table = lemma_lookup()
    return frozenset(table) | frozenset(table.values())


def is_dutch_word(word: str) -> bool:
    """Whether ``word`` (any case) is an ordinary Dutch word or function word."""
    lower = word.lower()
    return lower in STOP_WORDS or lower in _dutch_words()


@dataclass(frozen=True)
class PseudonymEntry:
    """One row of the mapping: a college's or person's name and its pseudonym."""

    kind: str
    original: str
    pseudonym: str


@dataclass(frozen=True)
class OffsetMap:
    """Where offsets of a text land after names in it were replaced.

    ``spans`` holds (old start, old end, new start, new end) of each replacement, in order. An
    offset inside a replaced name moves to the start of its pseudonym when it starts a passage,
    and to the end when it ends one, so a passage never cuts a pseudonym in half.
    """

    spans: list[tuple[int, int, int, int]]

    def start(self, offset: int) -> int:
        return self._map(offset, end=False)

    def end(self, offset: int) -> int:
        return self._map(offset, end=True)

    def _map(self, offset: int, *, end: bool) -> int:
        index = bisect_right(self.spans, (offset, float("inf"))) - 1
        if index < 0:
            return offset
        old_start, old_end, new_start, new_end = self.spans[index]
        if offset >= old_end:
            return new_end + offset - old_end
        if offset == old_start:
            return new_start
        return new_end if end else new_start


@dataclass
class _Variant:
    """One spelling to replace and the entries it may stand for (more than one when shared)."""

    entries: list[PseudonymEntry] = field(default_factory=list)
    guarded: bool = False  # a function word: not replaced at the start of a sentence


class Pseudonymiser:
    """Replaces the names of the mapping in texts, file names and metadata.

    Build it with :meth:`from_session` (which also stores new names' pseudonyms); the
    constructor takes a ready mapping, for tests and for tools that bring their own.
    ``scopes`` maps a transcript id to the originals of the people in it, so that a first name
    shared by two people resolves to the one in that transcript (``text(..., transcript_id=)``).
    """

    def __init__(
        self,
        entries: Sequence[PseudonymEntry],
        scopes: dict[int, set[str]] | None = None,
        forms: dict[PseudonymEntry, set[str]] | None = None,
    ) -> None:
        self.entries = list(entries)
        self.scopes = scopes or {}
        self._by_name = {(e.kind == INSTITUTION, fold(e.original)): e for e in self.entries}
        self._variants: dict[str, _Variant] = {}
        given = forms or {}
        for entry in self.entries:
            if entry in given:
                forms = given[entry]
            elif entry.kind == INSTITUTION:
                forms = _institution_forms(entry.original)
            else:
                forms = _person_forms(entry.original)
            for form in forms:
                variant = self._variants.setdefault(form, _Variant())
                if entry not in variant.entries:
                    variant.entries.append(entry)
                variant.guarded = " " not in form and form.lower() in STOP_WORDS
        self._text_pattern = _alternation(self._variants, flexible=False)
        self._file_pattern = _alternation(
            {f: v for f, v in self._variants.items() if not v.guarded}, flexible=True
        )

    # --- building the mapping ------------------------------------------------------------

    @classmethod
    def from_session(cls, session: Session, *, mentions: bool = True) -> Pseudonymiser:
        """The project's mapping, extended with names seen since it was last built, plus (with
        ``mentions``) the identifiers found inside the transcripts' text (``analysis.names``;
        transcripts not scanned for names yet are scanned first, before anything is written)."""
        if mentions:
            from analysis.names.mentions import detect_unscanned

            detect_unscanned(session)
        rows = session.scalars(select(Pseudonym).order_by(Pseudonym.id)).all()
        builder = _MappingBuilder(
            [PseudonymEntry(r.kind, r.original, r.pseudonym) for r in rows],
            letter_order(_letter_seed(session)),
        )
        transcripts = session.scalars(select(Transcript)).all()
        transcripts = sorted(
            transcripts, key=lambda t: (fold(t.institution or ""), t.date or "", t.source_name)
        )
        labels: dict[int, list[tuple[str, str]]] = {}
        for speaker, role, transcript_id in session.execute(
            select(Turn.speaker, Turn.role, Turn.transcript_id).order_by(
                Turn.transcript_id, Turn.index
            )
        ):
            seen = labels.setdefault(transcript_id, [])
            if (speaker, role) not in seen:
                seen.append((speaker, role))
        scopes: dict[int, set[str]] = {}
        for transcript in transcripts:
            scopes[transcript.id] = builder.add_transcript(
                transcript, labels.get(transcript.id, [])
            )
        for entry in builder.new:
            session.add(
                Pseudonym(kind=entry.kind, original=entry.original, pseudonym=entry.pseudonym)
            )
        session.flush()
        if not mentions:
            return cls(builder.entries, scopes)
        from analysis.names.replace import mentioned_entries

        extra, forms, mentioned_scopes = mentioned_entries(session, builder.entries)
        for transcript_id, originals in mentioned_scopes.items():
            scopes.setdefault(transcript_id, set()).update(originals)
        return cls([*builder.entries, *extra], scopes, forms)

    # --- applying it -------------------------------------------------------------------------

    def text(self, value: str | None, *, transcript_id: int | None = None) -> str:
        """``value`` with every name of the mapping replaced by its pseudonym."""
        return self.text_with_offsets(value, transcript_id=transcript_id)[0]

    def text_with_offsets(
        self, value: str | None, *, transcript_id: int | None = None
    ) -> tuple[str, OffsetMap]:
        """Like :meth:`text`, plus a map from offsets in ``value`` to offsets in the result, so
        that coded passages keep pointing at the same words in an anonymised transcript."""
        spans: list[tuple[int, int, int, int]] = []
        if not value or self._text_pattern is None:
            return value or "", OffsetMap(spans)
        pieces: list[str] = []
        position = length = 0
        for match, replacement in self._matches(value, transcript_id):
            pieces.append(value[position : match.start()])
            length += match.start() - position
            spans.append((match.start(), match.end(), length, length + len(replacement)))
            pieces.append(replacement)
            length += len(replacement)
            position = match.end()
        pieces.append(value[position:])
        return "".join(pieces), OffsetMap(spans)

    def _matches(
        self, value: str, transcript_id: int | None
    ) -> Iterable[tuple[re.Match[str], str]]:
        """Each name of the mapping in ``value`` with its replacement, in text order."""
        if not value or self._text_pattern is None:
            return
        scope = self.scopes.get(transcript_id, set()) if transcript_id is not None else set()
        for match in self._text_pattern.finditer(value):
            replacement = self._replacement(match, scope)
            if replacement is not None:
                yield match, replacement

    def find(
        self, value: str, *, transcript_id: int | None = None
    ) -> list[tuple[int, int, PseudonymEntry]]:
        """Where the names of the mapping occur in ``value``: (start, end, entry) of each name
        itself (without a possessive ending), as :meth:`text` would replace them."""
        scope = self.scopes.get(transcript_id, set()) if transcript_id is not None else set()
        return [
            (
                match.start(),
                match.end("name"),
                _choose(self._variants[match.group("name")].entries, scope),
            )
            for match, _ in self._matches(value, transcript_id)
        ]

    def _replacement(self, match: re.Match[str], scope: set[str]) -> str | None:
        """The pseudonym for one match, or None when the match is the ordinary word."""
        name, possessive = match.group("name"), match.group("poss") or ""
        variant = self._variants[name]
        label = match.string[match.end() : match.end() + 1] == ":"
        if (
            variant.guarded
            and _sentence_initial(match.string, match.start())
            and not label
            and not possessive.startswith(("'", "’"))
        ):
            return None
        pseudonym = _choose(variant.entries, scope).pseudonym
        if possessive in ("'", "’") and not name.lower().endswith(("s", "x", "z")):
            return pseudonym + possessive  # a closing quote, not a possessive
        return pseudonym + ("'s" if possessive else "")

    def institution(self, name: str | None) -> str:
        """A college's pseudonym; a name outside the mapping goes through :meth:`text`."""
        if not name:
            return ""
        entry = self._by_name.get((True, fold(name)))
        return entry.pseudonym if entry else self.text(name)

    def person(self, name: str | None) -> str:
        """A respondent's or interviewer's pseudonym; other names go through :meth:`text`."""
        if not name:
            return ""
        entry = self._by_name.get((False, fold(name)))
        return entry.pseudonym if entry else self.text(name)

    def quote_row(self, row: dict, transcript_id: int | None, scoped: tuple[str, ...]) -> dict:
        """A quote's row of a table with its names replaced: the college, the source file, sector
        and region, and the ``scoped`` text columns (speaker, question, the quote itself) with
        the people of its own interview. The one rule for every table of quotes."""
        result = dict(row)
        result["institution"] = self.institution(row["institution"])
        result["source"] = self.file_name(row["source"])
        for column in ("sector", "region"):
            result[column] = self.text(row[column]) if row[column] else row[column]
        for column in scoped:
            result[column] = self.text(row[column], transcript_id=transcript_id)
        return result

    def file_name(self, name: str) -> str:
        """A file name with college and person names replaced, in any case and with ``_``, ``-``
        or ``.`` between words ("groene_delta.docx" -> "Instelling_A.docx")."""
        name = unicodedata.normalize("NFC", name)
        if self._file_pattern is None:
            return name
        by_fold = {fold(form): variant for form, variant in self._variants.items()}

        def replace(match: re.Match[str]) -> str:
            key = fold(re.sub(r"[\s_.\-]+", " ", match.group("name")))
            variant = by_fold.get(key)
            if variant is None:
                return match.group(0)
            return variant.entries[0].pseudonym.replace(" ", "_")

        return self._file_pattern.sub(replace, name)

    def mapping_frame(self) -> pd.DataFrame:
        """The mapping as a table (kind, original, pseudonym): for an explicit export only."""
        order = {kind: i for i, kind in enumerate(KINDS)}
        entries = sorted(self.entries, key=lambda e: (order.get(e.kind, 9), _natural(e.pseudonym)))
        return pd.DataFrame(
            [(e.kind, e.original, e.pseudonym) for e in entries],
            columns=["kind", "original", "pseudonym"],
        )

    def sensitive_terms(self) -> list[str]:
        """Every spelling this pseudonymiser replaces (for leak checks of exports)."""
        return sorted(self._variants, key=lambda form: (-len(form), form))


# --- the mapping ---------------------------------------------------------------------------


class _MappingBuilder:
    """Extends a mapping with the names of transcripts, keeping every existing pseudonym."""

    def __init__(self, entries: list[PseudonymEntry], letters: Sequence[int] = ()) -> None:
        self.entries = list(entries)
        self._letters = letters
        self.new: list[PseudonymEntry] = []
        self._institutions = {fold(e.original): e for e in entries if e.kind == INSTITUTION}
        self._people = {fold(e.original): e for e in entries if e.kind != INSTITUTION}
        self._used = {e.pseudonym for e in entries}

    def add_transcript(self, transcript: Transcript, labels: Sequence[tuple[str, str]]) -> set[str]:
        """Add the transcript's college and people; return the originals of its people."""
        if transcript.institution:
            self._add(INSTITUTION, transcript.institution.strip())
        people: list[PseudonymEntry] = []
        for name in _split_names(transcript.interviewer):
            people.append(self._add(INTERVIEWER, name))
        for name in transcript.respondents or []:
            if _clean(name):
                people.append(self._add(RESPONDENT, _clean(name)))
        for label, role in labels:
            for candidate, plausible in _label_names(label):
                entry = self._match(candidate, people)
                if entry is None and plausible:
                    entry = self._add(INTERVIEWER if role == INTERVIEWER else RESPONDENT, candidate)
                if entry is not None and entry not in people:
                    people.append(entry)
        return {entry.original for entry in people}

    def _add(self, kind: str, name: str) -> PseudonymEntry:
        name = _clean(name) if kind == INSTITUTION else _display(name)
        known = (self._institutions if kind == INSTITUTION else self._people).get(fold(name))
        if known is not None:
            return known
        entry = PseudonymEntry(kind, name, self._next(kind))
        (self._institutions if kind == INSTITUTION else self._people)[fold(name)] = entry
        self._used.add(entry.pseudonym)
        self.entries.append(entry)
        self.new.append(entry)
        return entry

    def _next(self, kind: str) -> str:
        if kind == INSTITUTION:
            for number in self._letters:
                candidate = f"{PREFIXES[kind]} {_letters(number)}"
                if candidate not in self._used:
                    return candidate
        number = 1
        while True:
            suffix = _letters(number) if kind == INSTITUTION else str(number)
            candidate = f"{PREFIXES[kind]} {suffix}"
            if candidate not in self._used:
                return candidate
            number += 1

    def _match(self, candidate: str, people: Sequence[PseudonymEntry]) -> PseudonymEntry | None:
        """The person a speaker label names: full name, else a first name or surname that
        belongs to exactly one person of this transcript, else of the whole project."""
        key = fold(candidate)
        if key in self._people:
            return self._people[key]
        for pool in (people, list(self._people.values())):
            hits = [e for e in pool if key in _short_keys(e.original)]
            if len({e.original for e in hits}) == 1:
                return hits[0]
        return None


def _split_names(value: str | None) -> list[str]:
    """People in a metadata field that may hold several ("Sanne de Wit; Thomas Verbeek")."""
    if not value:
        return []
    parts = re.split(r"\s*(?:[;,&/]|\ben\b)\s*", value)
    return [_clean(part) for part in parts if _clean(part)]


def _clean(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(name)).split())


def _display(name: str) -> str:
    """An upper-case label ("HENK VAN ROOIJ") as the name is written ("Henk van Rooij")."""
    name = _clean(name)
    if not name.isupper():
        return name
    words = name.lower().split()
    return " ".join(
        w if w in PARTICLES and i > 0 else _capitalise(w) for i, w in enumerate(words)
    )


def _capitalise(word: str) -> str:
    if word.startswith("ij"):  # Dutch capitalises the digraph: IJsselvallei
        return "IJ" + word[2:]
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def _label_names(label: str) -> list[tuple[str, bool]]:
    """The names in a speaker label ("Interviewer (Sanne de Wit)" -> "Sanne de Wit"), each
    with whether it is plausible as a new person's name.

    Role words and numbers are dropped. A single ordinary word ("Voorzitter", "Bos") may still
    be the short name of a known person, but never becomes a new person.
    """
    names = []
    for part in re.split(r"[()\[\]/|,]+", label):
        words = [
            w for w in re.findall(r"[^\W\d_](?:[^\W\d_]|['’.-])*", part)
            if fold(w) not in _GENERIC_LABEL_WORDS
        ]
        words = [w for w in words if w.lower().strip(".") not in _TITLES]
        if not words or not words[0][:1].isupper():
            continue
        if len(words[0]) < 2 and len(words) == 1:
            continue
        names.append((" ".join(words), len(words) > 1 or not is_dutch_word(words[0])))
    return names


def _short_keys(name: str) -> set[str]:
    """Folded first name(s) and surname forms of a person, for matching speaker labels."""
    given, surname, core = _name_parts(name)
    keys = {fold(g) for g in given}
    keys.update(fold(s) for s in (surname, core) if s)
    return keys


def _letter_seed(session: Session) -> int:
    """The project's seed for the order of college letters, drawn once and stored."""
    row = session.get(Meta, LETTER_SEED_KEY)
    if row is None:
        row = Meta(key=LETTER_SEED_KEY, value=secrets.randbelow(2**31))
        session.add(row)
        session.flush()
    return int(row.value)


def letter_order(seed: int) -> list[int]:
    """The order in which a project hands out college letters: A-Z shuffled, then AA-ZZ
    shuffled (as numbers for :func:`_letters`). Random per project, so that "Instelling A" is
    not the first college alphabetically, nor the first imported."""
    rng = random.Random(seed)
    return rng.sample(range(1, 27), 26) + rng.sample(range(27, 703), 676)


def _letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (as spreadsheet columns)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _natural(pseudonym: str) -> tuple:
    suffix = pseudonym.rsplit(" ", 1)[-1]
    return (int(suffix), "") if suffix.isdigit() else (len(suffix), suffix)


# --- the spellings of a name ----------------------------------------------------------------


def _name_parts(name: str) -> tuple[list[str], str | None, str | None]:
    """(given names, surname with particles, surname without particles) of a person.

    The surname starts at the first particle after the first word ("Henk van Rooij",
    "Fatima El Amrani"), else it is the last word. A one-word name is a given name only.
    """
    words = [w for w in _display(name).split() if w.lower() not in _TITLES]
    if len(words) < 2:
        return words, None, None
    start = next((i for i in range(1, len(words)) if words[i].lower() in PARTICLES), len(words) - 1)
    surname_words = words[start:]
    core_words = [w for w in surname_words if w.lower() not in PARTICLES] or surname_words[-1:]
    return words[:start], " ".join(surname_words), " ".join(core_words)


def _person_forms(name: str) -> set[str]:
    display = _display(name)
    given, surname, core = _name_parts(display)
    forms = {display}
    forms.update(g for g in given if len(g) >= 2)
    if len(given) > 1:
        forms.add(" ".join(given))
    if surname:
        forms.add(surname)
        forms.add(surname[:1].upper() + surname[1:])  # "Van Rooij" without a first name
        forms.add(f"{given[0][:1]}. {surname}")
        forms.add(f"{given[0][:1]}. {surname[:1].upper() + surname[1:]}")
    if core and core != surname:
        forms.add(core)
    return _with_upper(forms)


def _institution_forms(name: str) -> set[str]:
    display = _clean(name)
    forms = {display}
    words = [w for w in display.split() if w.lower() not in _INSTITUTION_WORDS]
    if words and len(words) < len(display.split()):
        forms.add(" ".join(words))
    if len(words) > 1 and len(words[0]) >= 5 and not _ordinary(words[0]):
        forms.add(words[0])  # "Heuvelland" of "Heuvelland Zuid"; never "Zuid" on its own
    return _with_upper(forms)


def _ordinary(word: str) -> bool:
    """An ordinary Dutch word, also when inflected: the lookup table lists "groen" but not every
    inflected form ("groene"), hence the stripped endings."""
    lower = word.lower()
    return any(
        is_dutch_word(lower.removesuffix(end)) for end in ("", "e", "en", "s") if lower != end
    )


def _with_upper(forms: Iterable[str]) -> set[str]:
    result = {f for f in forms if f}
    result.update(f.upper() for f in list(result))
    return result


def _alternation(variants: dict[str, _Variant], *, flexible: bool) -> re.Pattern[str] | None:
    """One regular expression for all spellings, longest first so that "Sanne de Wit" wins
    over "de Wit" and "Wit" at the same position."""
    if not variants:
        return None
    forms = sorted(variants, key=lambda form: (-len(form), form))
    if flexible:
        # In file names words are joined by "_", "-" or "."; "\w" includes "_", hence the
        # double negation for the boundaries.
        body = "|".join(r"[\s_.\-]+".join(re.escape(w) for w in f.split()) for f in forms)
        return re.compile(rf"(?<![^\W_])(?P<name>{body})(?![^\W_])", re.IGNORECASE)
    body = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<!\w)(?P<name>{body}){_POSSESSIVE}(?!\w)")


def _sentence_initial(text: str, position: int) -> bool:
    """Whether ``position`` starts a sentence, a line or the text (skipping quotes, brackets)."""
    index = position - 1
    while index >= 0:
        char = text[index]
        if char == "\n":
            return True
        if not (char.isspace() or char in _OPENERS):
            return char in _SENTENCE_ENDS
        index -= 1
    return True


def _choose(entries: Sequence[PseudonymEntry], scope: set[str]) -> PseudonymEntry:
    """The entry a shared spelling stands for: the one of the transcript at hand, else the first."""
    for entry in entries:
        if entry.original in scope:
            return entry
    return entries[0]
