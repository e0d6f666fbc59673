"""From a question in plain Dutch to what retrieval needs: weighted terms and filters.

A question becomes **concepts**: one per content word (its search term, the terms of its
compound parts, and the word as the evaluator wrote it, for the answer's wording). The words
that frame every evaluator question ("wat *zeggen bestuurders* over de *rol* van ouders?")
are dropped, since no answer is about them, and so are the frame phrases of
:mod:`analysis.ask.frames` ("*in hoeverre*", "waar *lopen* ze *tegenaan*").

Names in the question become **filters** instead of search words: a college ("Amstelduin",
"Groene Delta"), a region as the transcripts' metadata spells it ("in Limburg",
"Noord-Brabant"), a phase ("fase 2"), a sector when it is named as one ("sector zorg"), a code
by key ("code inclusion.measures"). The :class:`Catalogue` knows these names for one project.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from analysis.ask.frames import frame_spans
from analysis.ask.index import CodeLayer, TextIndex
from analysis.ask.synonyms import synonyms
from analysis.ask.terms import (
    LEVEL_PREFIX,
    dutch_words,
    joined_terms,
    lemma,
    level_terms,
    words,
)
from analysis.coding.text import match_key
from analysis.nlp import content_positions, get_nlp

PART_WEIGHT = 0.5  # a compound part counts half as much as the word itself
SYNONYM_WEIGHT = 0.75  # a near-synonym (analysis.ask.synonyms) counts three quarters

@functools.cache
def question_words() -> frozenset[str]:
    """The frame of evaluator questions: saying, thinking and experiencing, who is asked, "the
    role of", and verbs that only carry the grammar. Compared with lemmas, not stems, so that
    dropping the verb "ervaren" keeps the noun "ervaring". Built on first use (lemmatising
    needs the Dutch pipeline), not when the module is imported."""
    return frozenset(
        lemma(word)
        for word in words(
            """
        zeggen zegt vertellen vertelt noemen noemt vinden vindt denken denkt spelen speelt
        bestuurder bestuurders respondent respondenten geïnterviewde geïnterviewden
        instelling instellingen college colleges roc roc's mbo mbo-instelling
        rol rollen manier manieren internationalisering interview interviews gesprek gesprekken
        school scholen gaan gaat komen komt willen wil kunnen kan moeten moet laten laat worden
        wordt ervaren ervaart
        """
        )
    )


# Words in a college's name that do not tell colleges apart.
_GENERIC_NAME_WORDS = frozenset(
    words(
        """roc mbo college vakcollege school vakschool scholengemeenschap opleidingen
        vakopleidingen opleidingscentrum centrum instituut de het van en"""
    )
)
_COMPASS = frozenset({"noord", "zuid", "oost", "west", "midden"})
_NUMBERS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4}
_PHASE = re.compile(
    r"\bfasen?\s+((?:[1-4]|een|één|twee|drie|vier)"
    r"(?:\s*(?:,|en|of)\s*(?:[1-4]|een|één|twee|drie|vier))*)\b",
    re.IGNORECASE,
)
_PHASE_NUMBER = re.compile(r"[1-4]|een|één|twee|drie|vier", re.IGNORECASE)
_SECTOR = re.compile(r"\bsector(?:en)?\s+([^?.!,;]+)", re.IGNORECASE)
_CODE_KEY = re.compile(r"\bcode\s+([a-z0-9_]+(?:\.[a-z0-9_]+)*)", re.IGNORECASE)
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class Concept:
    """One thing the question asks about.

    ``term`` is the word's search term, ``parts`` the terms of its compound parts; ``word`` is
    how the question wrote it. A ``required`` concept must occur in every answer ("alleen over
    stages").
    """

    word: str
    term: str
    parts: tuple[str, ...] = ()
    weight: float = 1.0
    required: bool = False
    synonyms: tuple[str, ...] = ()

    def alternatives(self) -> list[tuple[str, float]]:
        """(term, weight) pairs by which a segment matches this concept."""
        found = {self.term: 1.0}
        for term, weight in [
            *((s, SYNONYM_WEIGHT) for s in self.synonyms),
            *((p, PART_WEIGHT) for p in self.parts),
        ]:
            found[term] = max(found.get(term, 0.0), weight)
        return list(found.items())


@dataclass(frozen=True)
class Filters:
    """Restrictions on the answer's segments: any of the values per kind, every kind at once."""

    codes: tuple[str, ...] = ()
    colleges: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    phases: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return any((self.codes, self.colleges, self.sectors, self.regions, self.phases))

    @classmethod
    def of(
        cls,
        *,
        codes: str | Iterable[str] | None = None,
        colleges: str | Iterable[str] | None = None,
        sectors: str | Iterable[str] | None = None,
        regions: str | Iterable[str] | None = None,
        phases: int | str | Iterable[int | str] | None = None,
    ) -> Filters:
        """Filters from one value or several per kind (None: no filter of that kind)."""
        try:
            numbers = tuple(int(p) for p in _values(phases))
        except ValueError as error:
            raise ValueError(f"a phase is a number from 1 to 4, not {phases!r}") from error
        return cls(
            codes=tuple(str(v) for v in _values(codes)),
            colleges=tuple(str(v) for v in _values(colleges)),
            sectors=tuple(str(v) for v in _values(sectors)),
            regions=tuple(str(v) for v in _values(regions)),
            phases=numbers,
        )

    @property
    def scope(self) -> Filters:
        """The filters that say *where* (college, sector, region, phase), without codes."""
        return replace(self, codes=())

    def overridden_by(self, other: Filters) -> Filters:
        """These filters, with every kind that ``other`` sets taken from ``other``."""
        return Filters(
            codes=other.codes or self.codes,
            colleges=other.colleges or self.colleges,
            sectors=other.sectors or self.sectors,
            regions=other.regions or self.regions,
            phases=other.phases or self.phases,
        )

    def narrowed_by(self, other: Filters) -> Filters:
        """Both sets of filters at once: values of one kind are combined."""
        return Filters(
            codes=_union(self.codes, other.codes),
            colleges=_union(self.colleges, other.colleges),
            sectors=_union(self.sectors, other.sectors),
            regions=_union(self.regions, other.regions),
            phases=_union(self.phases, other.phases),
        )

    def describe(self) -> list[str]:
        """The filters in Dutch, one phrase per kind."""
        parts = []
        if self.colleges:
            parts.append("instelling: " + ", ".join(self.colleges))
        if self.regions:
            parts.append("regio: " + ", ".join(self.regions))
        if self.sectors:
            parts.append("sector: " + ", ".join(self.sectors))
        if self.phases:
            parts.append("fase: " + ", ".join(str(p) for p in self.phases))
        if self.codes:
            parts.append("code: " + ", ".join(self.codes))
        return parts


def _values(value: object) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


def _union(first: tuple, second: tuple) -> tuple:
    return tuple(dict.fromkeys((*first, *second)))


@dataclass(frozen=True)
class Query:
    """A question ready for retrieval: what it asks about and where to look."""

    text: str
    concepts: tuple[Concept, ...]
    filters: Filters = field(default_factory=Filters)
    notes: tuple[str, ...] = ()  # how a follow-up was understood, in Dutch
    context: tuple[str, ...] = ()  # the earlier questions a follow-up builds on

    @property
    def search_text(self) -> str:
        """The question with the questions it follows up, for semantic similarity."""
        return " ".join((*self.context, self.text))

    def weights(self) -> dict[str, float]:
        """Every search term with its weight (the highest when two concepts share one)."""
        weights: dict[str, float] = {}
        for concept in self.concepts:
            for term, weight in concept.alternatives():
                weights[term] = max(weights.get(term, 0.0), weight * concept.weight)
        return weights

    def topic(self) -> str:
        """The question's subject in the evaluator's own words: "ouders en niveau 2"."""
        said = list(dict.fromkeys(c.word for c in self.concepts))
        if len(said) <= 1:
            return "".join(said)
        return ", ".join(said[:-1]) + " en " + said[-1]


# --- names of colleges, regions, sectors, codes -------------------------------------------------


@dataclass
class Catalogue:
    """The names a question may use for a project's colleges, regions, sectors and codes."""

    colleges: dict[tuple[str, ...], str]  # word sequence -> institution
    regions: dict[tuple[str, ...], tuple[str, ...]]  # word sequence -> region values
    sectors: tuple[str, ...]
    codes: dict[str, frozenset[str]]  # code key -> its label's and key's terms

    @classmethod
    def of(cls, index: TextIndex, layer: CodeLayer) -> Catalogue:
        dictionary = dutch_words()
        colleges: dict[tuple[str, ...], str] = {}
        institutions = sorted({t.institution for t in index.transcripts if t.institution})
        for name in institutions:
            name_words = tuple(_words(name))
            colleges[name_words] = name
            own = tuple(w for w in name_words if w not in _GENERIC_NAME_WORDS)
            if own:
                colleges.setdefault(own, name)
            # A single distinctive word names the college if it is no ordinary Dutch word.
            for word in own:
                if len(word) >= 5 and word not in dictionary:
                    colleges.setdefault((word,), name)
        regions: dict[tuple[str, ...], set[str]] = {}
        for region in sorted({t.region for t in index.transcripts if t.region}):
            region_words = tuple(_words(region.replace("-", " ")))
            regions.setdefault(region_words, set()).add(region)
            for word in region_words:
                if len(word) >= 5 and word not in _COMPASS:
                    regions.setdefault((word,), set()).add(region)
        codes = {
            key: info.label_terms | frozenset(match_key(p) for p in re.split(r"[._]", key) if p)
            for key, info in layer.codes.items()
        }
        return cls(
            colleges=colleges,
            regions={key: tuple(sorted(values)) for key, values in regions.items()},
            sectors=tuple(sorted({t.sector for t in index.transcripts if t.sector})),
            codes=codes,
        )

    def facets(self, text: str) -> tuple[Filters, list[tuple[int, int]]]:
        """Filters named in ``text`` and the character spans that named them."""
        spans: list[tuple[int, int]] = []
        colleges = self._sequences(text, self.colleges, spans)
        regions = [r for values in self._sequences(text, self.regions, spans) for r in values]
        phases: list[int] = []
        for match in _PHASE.finditer(text):
            phases.extend(_phase_number(n) for n in _PHASE_NUMBER.findall(match.group(1)))
            spans.append(match.span())
        sectors: list[str] = []
        for match in _SECTOR.finditer(text):
            wanted = match.group(1).strip().lower()
            found = [
                s for s in self.sectors if wanted and (wanted in s.lower() or s.lower() in wanted)
            ]
            if found:
                sectors.extend(found)
                spans.append(match.span())
        codes = []
        for match in _CODE_KEY.finditer(text):
            if match.group(1).lower() in self.codes:
                codes.append(match.group(1).lower())
                spans.append(match.span())
        filters = Filters(
            codes=tuple(dict.fromkeys(codes)),
            colleges=tuple(dict.fromkeys(colleges)),
            sectors=tuple(dict.fromkeys(sectors)),
            regions=tuple(dict.fromkeys(regions)),
            phases=tuple(dict.fromkeys(phases)),
        )
        return filters, spans

    def code_named(self, text: str) -> str | None:
        """The code whose label or key best covers the words of ``text`` ("de Euregio")."""
        terms = {match_key(lemma(w)) for w in _words(text)} - {match_key("de"), match_key("het")}
        if not terms:
            return None
        best = max(
            (
                (len(terms & label) / len(terms), key.count("."), key)
                for key, label in self.codes.items()
            ),
            default=None,
        )
        return best[2] if best and best[0] >= 0.5 else None

    @staticmethod
    def _sequences(text: str, table: dict, spans: list[tuple[int, int]]) -> list:
        """Values of the longest word sequences of ``table`` found in ``text``."""
        tokens = [
            (m.group(0).lower().removesuffix("'s").removesuffix("’s"), m.span())
            for m in _WORD.finditer(text)
        ]
        found = []
        i = 0
        while i < len(tokens):
            for length in range(min(4, len(tokens) - i), 0, -1):
                key = tuple(w for w, _ in tokens[i : i + length])
                if key in table:
                    found.append(table[key])
                    spans.append((tokens[i][1][0], tokens[i + length - 1][1][1]))
                    i += length
                    break
            else:
                i += 1
        return found


def _words(text: str) -> list[str]:
    return [m.group(0).lower() for m in _WORD.finditer(text)]


def _phase_number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text.lower()]


# --- questions to concepts ----------------------------------------------------------------------


def concepts_of(text: str, index: TextIndex, skip: list[tuple[int, int]] = ()) -> list[Concept]:
    """The concepts of a text, leaving out the characters in ``skip`` (names used as filters)
    and the question's frame (:mod:`analysis.ask.frames`, :func:`question_words`), unless the
    frame is all there is: "Welke rol speelt de bestuurder?" is about the board member."""
    frames = [*skip, *frame_spans(text)]
    for frame_words in (False, True):
        for masked in (frames, skip):
            concepts = _concepts(text, index, masked, frame_words=frame_words)
            if concepts:
                return concepts
    return []


def _concepts(
    text: str, index: TextIndex, skip: list[tuple[int, int]], *, frame_words: bool = False
) -> list[Concept]:
    """The concepts of ``text`` outside ``skip``; ``frame_words`` keeps the question words."""
    masked = list(text)
    for start, end in skip:
        masked[start:end] = " " * (end - start)
    clean = "".join(masked)
    doc = get_nlp()(clean)
    positions, lemmas = content_positions(doc)
    concepts: list[Concept] = []
    levels = list(dict.fromkeys(level_terms(clean)))
    for term in levels:
        concepts.append(Concept(word=f"niveau {term.removeprefix(LEVEL_PREFIX)}", term=term))
    for position, item in zip(positions.tolist(), lemmas, strict=True):
        term = match_key(item)
        if (item in question_words() and not frame_words) or (levels and item == "niveau"):
            continue
        parts = tuple(index.splitter.parts(item))
        concepts.append(
            Concept(
                word=doc[position].text.lower(), term=term, parts=parts,
                synonyms=synonyms(term),
            )
        )
    for term in joined_terms(clean):
        concepts.append(Concept(word=term, term=term, synonyms=synonyms(term)))
    unique: dict[str, Concept] = {}
    for concept in concepts:
        unique.setdefault(concept.term, concept)
    return list(unique.values())


def parse_question(
    question: str, index: TextIndex, catalogue: Catalogue, filters: Filters | None = None
) -> Query:
    """A question as concepts plus filters; ``filters`` given by the caller win per kind."""
    named, spans = catalogue.facets(question)
    combined = named.overridden_by(filters) if filters else named
    return Query(
        text=question, concepts=tuple(concepts_of(question, index, spans)), filters=combined
    )
