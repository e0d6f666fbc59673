"""An answer made only of what respondents said: quotes, a summary of their sentences, a count.

* **Quotes**: the best segments, each with its college, the interviewer question it answered
  and its codes, citable as ``[S<segment id>]``; grouped by college and by matching code.
* **Summary**: at most :data:`SUMMARY_SENTENCES` sentences taken verbatim from the best quotes
  (extractive: no sentence is written here), chosen by how much of the question they cover,
  from different colleges where possible.
* **Count**: "7 van de 23 instellingen zeggen iets over ouders": colleges with at least one
  segment that covers at least :data:`COUNT_COVERAGE` of the question, out of the colleges
  inside the filters; colleges with weaker evidence (only part of a longer question) are named
  separately, so a count never claims more than the quotes show.
* **No evidence**: when no segment is evidence (see :mod:`analysis.ask.retrieval`), the answer
  says "Geen bewijs gevonden" and holds no quotes and no summary, never a guess.
* **Points**: the findings' points for the sub-theme(s) the question is about
  (:mod:`analysis.ask.points`), printed after the quotes. They rest on the coded passages the
  report rests on, not on the ranking, so they can stand beside "Geen bewijs gevonden" when
  the question's words occur in none of those passages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.ask.index import TextIndex
from analysis.ask.query import Query
from analysis.ask.retrieval import MIN_SIMILARITY, Hit, Ranking, concept_weight
from analysis.ask.terms import text_terms
from analysis.nlp import content_lemmas, get_nlp

SUMMARY_SENTENCES = 3
SUMMARY_POOL = 6  # the best quotes the summary draws from
MIN_SENTENCE_WORDS = 6
COUNT_COVERAGE = 0.5
NO_EVIDENCE = "Geen bewijs gevonden"
OTHER_CODE = "(geen passende code)"
POINTS_HEADING = "Bevindingen over dit thema (zoals in het rapport):"


def quote_id(segment_id: int) -> str:
    """The citation id of a segment: "S12". Stable, since segment ids are."""
    return f"S{segment_id}"


@dataclass(frozen=True)
class Quote:
    """A respondent segment cited in an answer (``text`` is verbatim from the transcript)."""

    id: str
    segment_id: int
    rank: int
    score: float
    institution: str
    source: str
    text: str
    question: str  # the interviewer's question it answered ("" when none precedes it)
    codes: tuple[str, ...]  # codes applied to the segment
    matched: tuple[str, ...]  # the question's words it contains

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "quote_id": self.id,
            "segment_id": self.segment_id,
            "source": self.source,
            "institution": self.institution,
            "text": self.text,
            "score": self.score,
            "question": self.question,
            "codes": list(self.codes),
            "matched": list(self.matched),
        }


@dataclass(frozen=True)
class SummarySentence:
    """One sentence of the extractive summary, with the quote it comes from."""

    text: str
    quote_id: str
    institution: str


@dataclass
class Answer:
    """The answer to one question; ``generated`` holds the optional language-model summary."""

    question: str
    query: Query
    quotes: list[Quote]
    summary: list[SummarySentence]
    institutions: list[str]  # colleges with evidence for (most of) the question
    institutions_in_scope: list[str]
    codes: dict[str, float]  # codes the question matched, with their match score
    notes: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)  # colleges with evidence for part of it
    generated: Any = None  # analysis.ask.llm.GeneratedSummary when a local model was used
    # the findings' points for the sub-themes asked about (analysis.ask.points.AnswerPoint)
    points: list[Any] = field(default_factory=list)

    @property
    def no_evidence(self) -> bool:
        return not self.quotes

    @property
    def count_text(self) -> str:
        """ "3 van de 9 instellingen zeggen iets over ouders." (or the no-evidence sentence)."""
        total = len(self.institutions_in_scope)
        topic = self.query.topic() or "deze vraag"
        if self.no_evidence or not self.institutions:
            if not total:
                return f"{NO_EVIDENCE}: er zijn geen interviews binnen deze selectie."
            colleges = f"{total} {_instellingen(total)}"
            if self.no_evidence:
                return f"{NO_EVIDENCE}: geen van de {colleges} zegt iets over {topic}."
            return f"Geen van de {colleges} zegt iets over {topic} als geheel; wel over een deel."
        found = len(self.institutions)
        verb = "zegt" if found == 1 else "zeggen"
        return f"{found} van de {total} {_instellingen(total)} {verb} iets over {topic}."

    def by_institution(self) -> dict[str, list[Quote]]:
        """Quotes per college, colleges in the order of their best quote."""
        groups: dict[str, list[Quote]] = {}
        for quote in self.quotes:
            groups.setdefault(quote.institution, []).append(quote)
        return groups

    def by_code(self) -> dict[str, list[Quote]]:
        """Quotes per code the question matched (best code first); the rest under
        :data:`OTHER_CODE`. Empty when the question matched no code."""
        if not self.codes:
            return {}
        groups: dict[str, list[Quote]] = {}
        for quote in self.quotes:
            keys = [key for key in self.codes if key in quote.codes] or [OTHER_CODE]
            groups.setdefault(keys[0], []).append(quote)
        order = [*self.codes, OTHER_CODE]
        return {key: groups[key] for key in order if key in groups}

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "no_evidence": self.no_evidence,
            "count": self.count_text,
            "institutions": self.institutions,
            "partial": self.partial,
            "institutions_in_scope": self.institutions_in_scope,
            "filters": self.query.filters.describe(),
            "notes": self.notes,
            "summary": [
                {"text": s.text, "quote_id": s.quote_id, "institution": s.institution}
                for s in self.summary
            ],
            "generated": self.generated.to_dict() if self.generated else None,
            "quotes": [quote.to_dict() for quote in self.quotes],
            "points": [point.to_dict() for point in self.points],
        }

    def to_text(self) -> str:
        """The answer as plain Dutch text (what the CLI prints)."""
        lines = [f"Vraag: {self.question}"]
        understood = [self.query.topic() or "(geen zoekwoorden)", *self.query.filters.describe()]
        lines.append("Gezocht op: " + " · ".join(understood))
        lines.extend(self.notes)
        lines.append("")
        lines.append(self.count_text)
        if self.no_evidence:
            lines.append(
                "Er is geen antwoord samengesteld; probeer andere woorden of minder filters."
            )
            lines.extend(self.points_text())
            return "\n".join(lines)
        missing = [
            i for i in self.institutions_in_scope
            if i not in self.institutions and i not in self.partial
        ]
        if self.institutions:
            lines.append("Met bewijs: " + ", ".join(self.institutions) + ".")
        if self.partial:
            lines.append("Over een deel van de vraag: " + ", ".join(self.partial) + ".")
        if missing:
            lines.append("Geen bewijs bij: " + ", ".join(missing) + ".")
        if self.summary:
            lines.extend(["", "Samenvatting (letterlijke zinnen uit de citaten):"])
            lines.extend(f"- {s.text} [{s.quote_id}, {s.institution}]" for s in self.summary)
        if self.generated is not None and self.generated.sentences:
            lines.extend(["", f"Samenvatting door taalmodel ({self.generated.model}):"])
            lines.extend(f"- {s.text}" for s in self.generated.sentences)
        lines.extend(["", "Citaten per instelling:"])
        for institution, quotes in self.by_institution().items():
            lines.append(f"\n{institution}")
            for quote in quotes:
                codes = f" · codes: {', '.join(quote.codes)}" if quote.codes else ""
                lines.append(f"  [{quote.id}] {quote.source}{codes}")
                if quote.question:
                    lines.append(f"    Vraag: {_one_line(quote.question)}")
                lines.append(f"    “{_one_line(quote.text)}”")
        lines.extend(self.points_text())
        return "\n".join(lines)

    def points_by_theme(self) -> list[tuple[str, str, list]]:
        """The findings' points in their order, as (sub-theme label, code, its points): what
        the CLI text and the app's ask page both lay out."""
        groups: list[tuple[str, str, list]] = []
        for point in self.points:
            if not groups or groups[-1][0] != point.theme:
                groups.append((point.theme, point.code, []))
            groups[-1][2].append(point)
        return groups

    def points_text(self) -> list[str]:
        """The findings' points as lines (after the quotes), grouped by sub-theme."""
        if not self.points:
            return []
        lines = ["", POINTS_HEADING]
        for theme, code, points in self.points_by_theme():
            lines.append(f"\n{theme} ({code})")
            for point in points:
                first, *rest = point.lines()
                lines.append(f"  - {first}")
                lines.extend(f"    {line}" for line in rest)
        return lines


def _instellingen(count: int) -> str:
    return "instelling" if count == 1 else "instellingen"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def compose(
    index: TextIndex,
    query: Query,
    ranking: Ranking,
    top_k: int,
    questions: Mapping[int, str],
    codes: Mapping[int, tuple[str, ...]],
) -> Answer:
    """The answer from a ranking: the best ``top_k`` quotes, the summary and the count.

    ``questions`` and ``codes`` give, per segment id of the chosen quotes, the interviewer
    question it answered and its applied codes.
    """
    quotes = []
    for rank, hit in enumerate(ranking.hits[:top_k], start=1):
        quotes.append(
            Quote(
                id=quote_id(hit.segment_id),
                segment_id=hit.segment_id,
                rank=rank,
                score=hit.score,
                institution=index.institution(hit.row),
                source=index.source(hit.row),
                text=index.texts[hit.row],
                question=questions.get(hit.segment_id, ""),
                codes=codes.get(hit.segment_id, ()),
                matched=hit.matched,
            )
        )
    strong = {index.institution(h.row) for h in ranking.hits if _counts(h)}
    weak = {index.institution(h.row) for h in ranking.hits} - strong
    return Answer(
        question=query.text,
        query=query,
        quotes=quotes,
        summary=summarise(index, query, quotes),
        institutions=sorted(strong, key=str.casefold),
        partial=sorted(weak, key=str.casefold),
        institutions_in_scope=ranking.institutions_in_scope,
        codes=ranking.codes,
        notes=[*query.notes, *ranking.notes],
    )


def _counts(hit: Hit) -> bool:
    """Whether a hit answers enough of the question to count its college."""
    return hit.coverage >= COUNT_COVERAGE or hit.similarity >= MIN_SIMILARITY


def summarise(index: TextIndex, query: Query, quotes: list[Quote]) -> list[SummarySentence]:
    """Up to :data:`SUMMARY_SENTENCES` verbatim sentences of the best quotes that cover most of
    the question; one per college first, in the order of the quotes."""
    pool = quotes[:SUMMARY_POOL]
    if not pool or not query.concepts:
        return []
    weights = [concept_weight(index, c) for c in query.concepts]
    total = sum(weights) or 1.0
    candidates = []
    for quote, doc in zip(pool, get_nlp().pipe(q.text for q in pool), strict=True):
        for position, sentence in enumerate(doc.sents):
            words = sum(1 for token in sentence if not (token.is_punct or token.is_space))
            if words < MIN_SENTENCE_WORDS:
                continue
            lemmas = content_lemmas(sentence)
            terms = set(text_terms(lemmas, sentence.text))
            for item in lemmas:
                terms.update(index.splitter.parts(item))
            covered = sum(
                weight
                * max((factor for term, factor in c.alternatives() if term in terms), default=0.0)
                for c, weight in zip(query.concepts, weights, strict=True)
            )
            if covered > 0:
                text = sentence.text.strip()
                candidates.append((-covered / total, quote.rank, position, text, quote))
    candidates.sort(key=lambda c: c[:3])
    chosen: list[tuple] = []
    colleges: set[str] = set()
    for distinct in (True, False):
        for candidate in candidates:
            quote = candidate[4]
            if len(chosen) == SUMMARY_SENTENCES:
                break
            if candidate in chosen or (distinct and quote.institution in colleges):
                continue
            chosen.append(candidate)
            colleges.add(quote.institution)
    chosen.sort(key=lambda c: (c[1], c[2]))
    return [SummarySentence(text, quote.id, quote.institution) for *_, text, quote in chosen]
