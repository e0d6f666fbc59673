"""Follow-up questions: "en bij niveau 2-studenten?" refines the question before it.

A :class:`Conversation` remembers the questions of one session (the app keeps the object in
``st.session_state``; it holds only plain data and pickles). A new question is read against the
previous one by its opening words:

* **restrict** ("alleen in de Euregio", "alleen bij Amstelduin"): the previous question, with
  the new filter added to its filters. What the words name decides the filter: a college,
  region, sector or phase, else the code whose label they name ("Euregio" is the code
  ``regional_cooperation.euregio``), else the words become required in every quote;
* **more** ("en bij niveau 2-studenten?", "en in Limburg?", "hoe zit het met de zorg?"): the
  previous question's words plus the new ones; a college, region, sector or phase named here
  replaces the previous one ("en in Limburg?" moves the question to Limburg);
* **topic** ("en wat zeggen ze over vervanging?"): a new subject in the same selection;
* anything else is a new question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from analysis.ask.query import Catalogue, Concept, Filters, Query, concepts_of, parse_question

_ARTICLE = r"(?:(?:de|het|een|onze|hun)\s+)?"
_PREPOSITION = r"(?:(?:in|bij|over|voor|van|op|met|binnen|onder|tussen)\s+)?"
_RESTRICT = re.compile(
    rf"^(?:en\s+)?(?:alleen|enkel|uitsluitend|specifiek|beperkt\s+tot)\s+{_PREPOSITION}{_ARTICLE}(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_MORE = re.compile(
    rf"^(?:en\s+ook|en|maar|ook|dan|hoe\s+zit\s+(?:het|dat)|hoe\s+is\s+(?:het|dat)|wat\s+als|"
    rf"en\s+wat\s+als|idem|zelfde\s+vraag)\b[\s,]*{_PREPOSITION}{_ARTICLE}(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_NEW_QUESTION = re.compile(
    r"^(?:wat|hoe|welke|welk|waarom|wie|waar|wanneer|waardoor|waarmee|zijn|is|hebben|heeft|"
    r"doen|doet|komt|komen|kunnen|kan|speelt|spelen|noemen|noemt|zeggen|zegt)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Exchange:
    """One question of the conversation as it was understood and answered."""

    question: str
    query: Query
    count: str
    quote_ids: tuple[str, ...]
    generated: str = ""  # the language model's kept sentences, when a model answered


@dataclass
class Conversation:
    """The questions of one session, so that a follow-up can build on the one before."""

    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def last_query(self) -> Query | None:
        return self.exchanges[-1].query if self.exchanges else None

    def reset(self) -> None:
        self.exchanges.clear()

    def record(self, question: str, query: Query, count: str, quote_ids: tuple[str, ...]) -> None:
        self.exchanges.append(Exchange(question, query, count, quote_ids))

    def note_generated(self, text: str) -> None:
        """Keep the language model's (checked) answer to the last question."""
        if self.exchanges:
            self.exchanges[-1] = replace(self.exchanges[-1], generated=text)

    def history(self) -> list[tuple[str, str]]:
        """The earlier questions with the model's answers, for a follow-up's prompt."""
        return [(e.question, e.generated) for e in self.exchanges[:-1]]

    def resolve(
        self, question: str, index, catalogue: Catalogue, filters: Filters | None = None
    ) -> Query:
        """The query a question stands for in this conversation (see the module docstring)."""
        previous = self.last_query
        text = " ".join(question.split())
        if previous is None:
            return parse_question(text, index, catalogue, filters)
        kind, rest = classify(text)
        if kind == "new":
            return parse_question(text, index, catalogue, filters)
        named, spans = catalogue.facets(rest)
        concepts = concepts_of(rest, index, spans)
        first = previous.context[0] if previous.context else previous.text
        if kind == "topic":
            chosen = previous.filters.scope.overridden_by(named)
            query = Query(text=text, concepts=tuple(concepts), filters=chosen)
            note = f"Nieuw onderwerp binnen dezelfde selectie als „{first}”."
        elif kind == "restrict":
            chosen, concepts, how = _restrict(previous, named, concepts, rest, catalogue)
            query = _follow(previous, text, concepts, chosen)
            note = f"Vervolgvraag op „{first}”: {how}."
        else:
            chosen = previous.filters
            if named.scope:
                chosen = Filters(codes=previous.filters.codes).narrowed_by(named)
            elif named.codes:
                chosen = chosen.narrowed_by(named)
            query = _follow(previous, text, [*previous.concepts, *concepts], chosen)
            note = f"Vervolgvraag op „{first}”."
        if filters:
            query = replace(query, filters=query.filters.overridden_by(filters))
        return replace(query, notes=(note,))


def classify(question: str) -> tuple[str, str]:
    """("restrict" | "more" | "topic" | "new", the words after the opening)."""
    text = question.strip()
    match = _RESTRICT.match(text)
    if match:
        return "restrict", match.group("rest")
    match = _MORE.match(text)
    if match:
        rest = match.group("rest")
        return ("topic" if _NEW_QUESTION.match(rest) else "more"), rest
    return "new", text


def _restrict(
    previous: Query, named: Filters, concepts: list[Concept], rest: str, catalogue: Catalogue
) -> tuple[Filters, list[Concept], str]:
    """Filters and concepts for "alleen ...", and how it was understood (Dutch)."""
    if named:
        return previous.filters.narrowed_by(named), list(previous.concepts), "alleen " + (
            " · ".join(named.describe())
        )
    code = catalogue.code_named(rest)
    if code is not None:
        return (
            previous.filters.narrowed_by(Filters(codes=(code,))),
            list(previous.concepts),
            f"alleen fragmenten met de code {code}",
        )
    required = [replace(c, required=True) for c in concepts]
    words = ", ".join(c.word for c in required) or rest
    kept = [c for c in previous.concepts if c.term not in {r.term for r in required}]
    return previous.filters, [*kept, *required], f"alleen citaten die {words} noemen"


def _follow(previous: Query, text: str, concepts: list[Concept], filters: Filters) -> Query:
    unique: dict[str, Concept] = {}
    for concept in concepts:
        unique[concept.term] = concept  # a later mention (e.g. now required) wins
    return Query(
        text=text,
        concepts=tuple(unique.values()),
        filters=filters,
        context=(*previous.context, previous.text),
    )
