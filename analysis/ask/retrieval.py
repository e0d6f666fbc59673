"""Ranking segments for a question: BM25, semantic similarity and codes, fused by rank.

Three rankings of the segments inside the filters are made and fused by reciprocal rank fusion
(RRF, Cormack et al. 2009: a segment's score is the sum over rankings of
``weight / (RRF_K + rank)``), which needs no calibration between their very different scores:

1. **lexical**: BM25 over search terms (:mod:`analysis.ask.terms`). Per concept the best of
   its word, its near-synonyms (:mod:`analysis.ask.synonyms`, three quarters) and its compound
   parts (half) counts, so "stageplekken" finds "stage" and a segment with "buitenlandstage"
   is found by "buitenland". The words of the interviewer question a segment answers count
   too (:data:`CONTEXT_WEIGHT`), in a BM25 index of their own: "Vervanging, vooral." is an
   answer to "Wat houdt docenten tegen?" without saying so. So do the words of the segment
   before one that opens with "die", "daar" or the like (:data:`ANTECEDENT_WEIGHT`,
   :func:`analysis.ask.index.antecedent_documents`), which reorder but earn no coverage;
2. **semantic**: cosine similarity to the question under the configured embedding model, or,
   without one, TF-IDF over the same terms plus the interviewer question's
   (:class:`analysis.ask.index.TfidfBackend`, at half weight since it shares BM25's evidence);
3. **codes**: the question's words matched against each code's keywords, phrases, label and
   definition (:func:`code_scores`); segments to which a matching code is applied rank by that
   match, so a question about "ouders" also favours segments coded ``inclusion.measures``.

A segment is **evidence** only when it covers at least :data:`MIN_COVERAGE` of the question's
weight (concepts weighted by damped inverse document frequency; a part or synonym covers its
share, a word only the interviewer question has :data:`CONTEXT_COVERAGE`), or, with a semantic
embedding model, when its similarity reaches :data:`MIN_SIMILARITY`. Codes and TF-IDF reorder
the evidence but never make a segment evidence on their own: an answer rests only on what
respondents said about the question's subject. Finally each further segment of a college
counts less (:func:`_diversified`), so the first quotes come from different colleges.

When no segment is evidence, the ranking **relaxes** before it concludes (:func:`_relaxed`):
fewer of the question's words, then its codebook theme, then any shared word; "Geen bewijs"
only when no passage shares the question's content at all.

**Pseudo-relevance feedback** (:func:`_feedback`) then ranks a second time: the words that
weigh most in the first :data:`FEEDBACK_DOCS` segments join the lexical ranking at
:data:`FEEDBACK_WEIGHT`, and a segment holding :data:`FEEDBACK_EVIDENCE` of their weight
becomes evidence, because answers often use the words of other answers rather than the
question's ("simulatorlessen omgegooid" beside "lessen anders"). Feedback only follows real
first-pass evidence: a question nothing answers still gets no evidence.

The constants before feedback were set on the whole judged question set
(``tests/data/questions.jsonl``); the feedback and antecedent constants, and any constant from
now on, on its tuning half only (:func:`analysis.ask.evaluation.split_questions`). The blind
set (``tests/data/questions_blind.jsonl``) and the new set (``questions_new.jsonl``) are never
used to choose one; figures in ``docs/evaluation.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from analysis.ask.index import CodeLayer, TextIndex
from analysis.ask.query import Concept, Filters, Query
from analysis.phases import assess

RRF_K = 60
LEXICAL_WEIGHT = 1.0
SEMANTIC_WEIGHT = 1.0  # a configured embedding model: a real second opinion
TFIDF_WEIGHT = 0.5  # TF-IDF shares BM25's evidence, so it counts half
CODE_WEIGHT = 1.0
DEPTH = 200  # entries per ranking that take part in the fusion
MIN_COVERAGE = 0.34
MIN_SIMILARITY = 0.5
MIN_CODE_SCORE = 0.2
LABEL_MATCH = 0.8
DEFINITION_MATCH = 0.5
CONTEXT_WEIGHT = 1.5  # BM25 of the interviewer question, relative to the segment's own words
CONTEXT_COVERAGE = 0.75  # coverage credit of a word only the interviewer question has
# BM25 of the sentence an anaphoric segment refers back to, relative to its own words; it
# reorders, but earns no coverage (a coverage credit changed nothing on the tuning half).
ANTECEDENT_WEIGHT = 1.0
IDF_POWER = 0.5  # damping of idf in coverage: a rare question word must not drown the rest
REPEAT_DECAY = 0.5
REQUIRED_MATCH = 0.75
# Pseudo-relevance feedback, chosen on the tuning half of the question set only (docs/).
FEEDBACK_DOCS = 10  # first-pass segments whose words expand the question (0: no feedback)
FEEDBACK_TERMS = 20
FEEDBACK_WEIGHT = 0.7  # of a feedback term's BM25 score, relative to a question word
FEEDBACK_EVIDENCE: float | None = 0.2  # feedback share that makes a segment evidence


class AskError(ValueError):
    """A question or filter that cannot be answered as given, in one sentence."""


@dataclass(frozen=True)
class Hit:
    """One segment that answers the question, with why it ranks where it does."""

    row: int
    segment_id: int
    score: float
    lexical: float
    similarity: float
    coverage: float
    matched: tuple[str, ...]  # the question's words it contains
    codes: tuple[str, ...]  # matching codes applied to it


@dataclass
class Ranking:
    """The evidence for a question, best first, and what the ranking was based on."""

    hits: list[Hit]
    codes: dict[str, float]
    institutions_in_scope: list[str]
    notes: list[str] = field(default_factory=list)


def rank(index: TextIndex, layer: CodeLayer, query: Query, session: Session | None) -> Ranking:
    """Every segment inside the query's filters that is evidence for it, best first."""
    mask, notes = filter_mask(index, layer, query.filters, session)
    scope = sorted({index.institution(r) for r in np.flatnonzero(mask).tolist()}, key=str.casefold)
    concepts = list(query.concepts)
    if not concepts or not mask.any():
        return Ranking([], {}, scope, notes)
    lexical, coverage, matched = _lexical(index, concepts)
    for position, concept in enumerate(concepts):
        if concept.required:  # the word itself or a synonym; a compound part is not enough
            mask &= matched[position] >= REQUIRED_MATCH
    similarity = index.dense.similarities(query.weights(), query.search_text)
    matched_codes = code_scores(index, layer, concepts)
    code_score = np.zeros(len(index), dtype=np.float64)
    for key, value in matched_codes.items():
        rows = layer.applied.get(key)
        if rows is not None:
            code_score[rows] += value

    evidence = mask & (coverage >= MIN_COVERAGE)
    if index.dense.semantic:
        evidence |= mask & (similarity >= MIN_SIMILARITY)
    semantic = SEMANTIC_WEIGHT if index.dense.semantic else TFIDF_WEIGHT
    strict = bool(evidence.any())
    if not strict:
        evidence, relaxed_notes = _relaxed(index, layer, concepts, matched, mask, matched_codes)
        notes.extend(relaxed_notes)
    order, fused = _ordered(
        index, mask, evidence, lexical, coverage, similarity, code_score, semantic
    )
    if FEEDBACK_DOCS and order and strict:
        feedback, share = _feedback(index, concepts, np.array(order[:FEEDBACK_DOCS]))
        lexical = lexical + FEEDBACK_WEIGHT * feedback
        if FEEDBACK_EVIDENCE is not None:
            evidence |= mask & (share >= FEEDBACK_EVIDENCE)
        order, fused = _ordered(
            index, mask, evidence, lexical, coverage, similarity, code_score, semantic
        )
    hits = []
    for row in order:
        codes = tuple(
            key for key in matched_codes if (applied := layer.applied.get(key)) is not None
            and _contains(applied, row)
        )
        hits.append(
            Hit(
                row=row,
                segment_id=int(index.segment_ids[row]),
                score=round(float(fused[row]), 6),
                lexical=round(float(lexical[row]), 4),
                similarity=round(float(similarity[row]), 4),
                coverage=round(float(coverage[row]), 4),
                matched=tuple(c.word for i, c in enumerate(concepts) if matched[i][row] > 0),
                codes=codes,
            )
        )
    return Ranking(hits, matched_codes, scope, notes)


def _relaxed(
    index: TextIndex, layer: CodeLayer, concepts: list[Concept], matched: list[np.ndarray],
    mask: np.ndarray, codes: dict[str, float],
) -> tuple[np.ndarray, list[str]]:
    """Evidence when no segment covers enough of the whole question, and notes (Dutch) that
    say how it was found, so that "Geen bewijs gevonden" means nothing in the interviews shares
    the question's content, not that one word of a long question is missing.

    Words that no interview uses are left out first (the note names them), compound parts
    and all. Then, in turn, a segment is evidence when it covers :data:`MIN_COVERAGE` of the
    remaining words; when it shares one of them and lies in the theme the question maps to
    through the codebook (a matching code applied to it, or, before anyone coded, one of the
    code's keywords in it); when it shares any of them. These answers count as being about
    part of the question (:data:`analysis.ask.answer.COUNT_COVERAGE`), and the note says so.
    A wrong "no evidence" is worse than a weak answer (the evaluator would conclude the
    colleges never said it), so even a question whose subject nobody mentioned ("de Brexit")
    is answered with what shares its other words ("stages"), under a note that names the
    words no interview uses.
    """
    weights = np.array([concept_weight(index, c) for c in concepts])
    # A word counts as used when some segment (or the question it answers) has the word or a
    # near-synonym; the parts of a compound nobody uses are not its content ("ruimtevaart" is
    # not about the "vaart" of fishing boats).
    present = np.array([bool((hit >= REQUIRED_MATCH).any()) for hit in matched])
    absent = [c.word for c, found in zip(concepts, present, strict=True) if not found]
    notes = []
    if absent:
        notes.append("Geen enkel interview gebruikt: " + ", ".join(absent) + ".")
    if not present.any():
        return np.zeros(len(index), dtype=bool), notes
    kept = weights * present
    coverage = sum(w * hit for w, hit in zip(kept, matched, strict=True)) / kept.sum()
    shares = mask & (coverage > 0)
    evidence = mask & (coverage >= MIN_COVERAGE)
    how = "de woorden die in de interviews voorkomen"
    if not evidence.any():
        theme = np.zeros(len(index), dtype=bool)
        for key in codes:
            rows = layer.applied.get(key)
            if rows is not None and len(rows):
                theme[rows] = True
            else:
                theme |= _keyword_rows(index, layer, key)
        evidence = shares & theme
        how = "het thema " + ", ".join(f"{layer.codes[k].label} ({k})" for k in codes)
        how += " in het codeboek"
    if not evidence.any():
        evidence = shares
        how = "een deel van de woorden"
    if evidence.any():
        notes.append(
            f"Geen fragment gaat over de hele vraag; gezocht op {how}. De citaten gaan over een "
            "deel van de vraag."
        )
    return evidence, notes


def _ordered(
    index: TextIndex, mask: np.ndarray, evidence: np.ndarray, lexical: np.ndarray,
    coverage: np.ndarray, similarity: np.ndarray, code_score: np.ndarray, semantic: float,
) -> tuple[list[int], np.ndarray]:
    """The evidence rows best first (the rankings fused by reciprocal rank, diversified) and
    the fused scores."""
    fused = np.zeros(len(index), dtype=np.float64)
    _fuse(fused, mask & (lexical > 0), lexical, None, LEXICAL_WEIGHT)
    _fuse(fused, mask & (similarity > 0), similarity, None, semantic)
    _fuse(fused, mask & (code_score > 0), code_score, lexical, CODE_WEIGHT)
    rows = np.flatnonzero(evidence)
    order = np.lexsort((rows, -coverage[rows], -fused[rows]))
    return _diversified(index, rows[order], fused), fused


def _feedback(
    index: TextIndex, concepts: list[Concept], top: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pseudo-relevance feedback (RM3-style, Lavrenko & Croft 2001; Abdul-Jaleel et al.
    2004): the :data:`FEEDBACK_TERMS` terms with the most BM25 weight in the first-pass top
    segments that the question does not already use, and per segment their BM25 score
    (weighted by their feedback weight, the best term 1) and the share of feedback weight it
    contains. Answers phrased without the question's words share words with answers that use
    them ("simulatorlessen" next to "lessen")."""
    matrix, vocabulary = index.term_matrix
    weights = np.asarray(matrix[top].sum(axis=0)).ravel()
    known = {term for concept in concepts for term, _ in concept.alternatives()}
    candidates = [
        column for column in np.argsort(-weights, kind="stable").tolist()
        if weights[column] > 0 and vocabulary[column] not in known and len(vocabulary[column]) > 2
    ][:FEEDBACK_TERMS]
    size = len(index)
    if not candidates:
        return np.zeros(size), np.zeros(size)
    chosen = weights[candidates] / weights[candidates[0]]
    sub = index.term_columns[0][:, candidates]
    score = np.asarray(sub @ chosen).ravel()
    share = np.asarray((sub > 0).astype(np.float64) @ chosen).ravel() / chosen.sum()
    return score, share


def _diversified(index: TextIndex, ranked: np.ndarray, fused: np.ndarray) -> list[int]:
    """The ranking with repeats from one college damped: each further segment of a college
    counts :data:`REPEAT_DECAY` times less, so the first quotes show what different colleges
    said rather than one long answer (the answer groups quotes by college anyway)."""
    seen: dict[str, int] = {}
    keyed = []
    for position, row in enumerate(ranked.tolist()):
        college = index.institution(row)
        repeats = seen.get(college, 0)
        seen[college] = repeats + 1
        keyed.append((-fused[row] * REPEAT_DECAY**repeats, position, row))
    return [row for *_, row in sorted(keyed)]


def _contains(sorted_rows: np.ndarray, row: int) -> bool:
    at = int(np.searchsorted(sorted_rows, row))
    return at < len(sorted_rows) and int(sorted_rows[at]) == row


def _fuse(
    fused: np.ndarray, eligible: np.ndarray, score: np.ndarray, tie: np.ndarray | None,
    weight: float,
) -> None:
    """Add one ranking's reciprocal ranks (its best :data:`DEPTH` rows) to ``fused``."""
    rows = np.flatnonzero(eligible)
    if not len(rows):
        return
    keys = (rows, -tie[rows], -score[rows]) if tie is not None else (rows, -score[rows])
    ranked = rows[np.lexsort(keys)][:DEPTH]
    fused[ranked] += weight / (RRF_K + np.arange(1, len(ranked) + 1))


def concept_weight(index: TextIndex, concept: Concept) -> float:
    """How much a concept counts in coverage: its weight times the idf of its word (a word no
    segment uses counts fully, so a question about something nobody mentioned finds nothing)."""
    return concept.weight * index.idf(concept.term) ** IDF_POWER


def _lexical(
    index: TextIndex, concepts: list[Concept]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """BM25 score, coverage (0-1) and, per concept, how well each segment matches it.

    A segment's own words count fully; the words of the interviewer question it answers count
    :data:`CONTEXT_WEIGHT` ("Vervanging, vooral." answers "Wat houdt docenten tegen?").
    """
    size = len(index)
    lexical = np.zeros(size, dtype=np.float64)
    covered = np.zeros(size, dtype=np.float64)
    matched: list[np.ndarray] = []
    total = 0.0
    for concept in concepts:
        best = np.zeros(size, dtype=np.float64)
        hit = np.zeros(size, dtype=np.float64)
        for term, weight in concept.alternatives():
            for scores, factor, credit in (
                (index.term_scores(term), weight, weight),
                (index.context_scores(term), weight * CONTEXT_WEIGHT, weight * CONTEXT_COVERAGE),
            ):
                if scores is not None:
                    np.maximum(best, factor * scores, out=best)
                    np.maximum(hit, credit * (scores > 0), out=hit)
            antecedent = index.antecedent_scores(term) if ANTECEDENT_WEIGHT else None
            if antecedent is not None:
                np.maximum(best, weight * ANTECEDENT_WEIGHT * antecedent, out=best)
        weight = concept_weight(index, concept)
        lexical += concept.weight * best
        covered += weight * hit
        total += weight
        matched.append(hit)
    coverage = covered / total if total > 0 else covered
    return lexical, coverage, matched


def code_scores(index: TextIndex, layer: CodeLayer, concepts: list[Concept]) -> dict[str, float]:
    """Codes whose words cover at least :data:`MIN_CODE_SCORE` of the question, best first.

    A concept matches a code fully through a keyword or a phrase of the code whose words the
    question all uses, by :data:`LABEL_MATCH` through the label and by
    :data:`DEFINITION_MATCH` through the definition; a compound part counts half.
    """
    if not concepts:
        return {}
    terms = {c.term for c in concepts}
    weights = [concept_weight(index, c) for c in concepts]
    total = sum(weights)
    result = {}
    for key, info in layer.codes.items():
        phrase_terms = {t for phrase in info.phrases if set(phrase) <= terms for t in phrase}
        keywords = info.keywords | phrase_terms
        covered = 0.0
        for concept, weight in zip(concepts, weights, strict=True):
            best = 0.0
            for term, factor in concept.alternatives():
                if term in keywords:
                    best = max(best, factor)
                elif term in info.label_terms:
                    best = max(best, factor * LABEL_MATCH)
                elif term in info.definition_terms:
                    best = max(best, factor * DEFINITION_MATCH)
            covered += weight * best
        score = covered / total if total else 0.0
        if score >= MIN_CODE_SCORE:
            result[key] = round(score, 4)
    return dict(sorted(result.items(), key=lambda item: (-item[1], item[0])))


# --- filters ---------------------------------------------------------------------------------


def filter_mask(
    index: TextIndex, layer: CodeLayer, filters: Filters, session: Session | None
) -> tuple[np.ndarray, list[str]]:
    """The rows inside the filters, and notes (Dutch) on how a filter was applied."""
    notes: list[str] = []
    transcripts = index.transcripts
    keep = np.ones(len(transcripts), dtype=bool)
    if filters.colleges:
        keep &= _matching([t.institution for t in transcripts], filters.colleges, "college")
    if filters.sectors:
        keep &= _matching([t.sector for t in transcripts], filters.sectors, "sector")
    if filters.regions:
        keep &= _matching([t.region for t in transcripts], filters.regions, "region")
    if filters.phases:
        phases = institution_phases(layer, session)
        wanted = set(filters.phases)
        keep &= np.array(
            [bool(phases.get(t.institution, frozenset()) & wanted) for t in transcripts]
        )
    mask = keep[index.transcript_rows] if len(index) else np.zeros(0, dtype=bool)
    if filters.codes:
        coded = np.zeros(len(index), dtype=bool)
        for key in filters.codes:
            if key not in layer.codes:
                raise AskError(f"unknown code {key!r}; see the project's codebook for the keys")
            rows = layer.applied.get(key)
            if rows is not None and len(rows):
                coded[rows] = True
                continue
            coded |= _keyword_rows(index, layer, key)
            notes.append(
                f"Nog geen fragment heeft de code {key}; gefilterd op de trefwoorden van die code."
            )
        mask &= coded
    return mask, notes


def _matching(values: list[str], wanted: tuple, what: str) -> np.ndarray:
    """Which values contain any wanted one, case-insensitively ("Amstelduin" matches
    "ROC Amstelduin", "zorg" the sector "zorg en welzijn"). A value nothing matches is a
    user mistake, not an empty answer."""
    result = np.zeros(len(values), dtype=bool)
    for item in wanted:
        needle = str(item).casefold().strip()
        hits = np.array([bool(needle) and needle in v.casefold() for v in values], dtype=bool)
        if not hits.any():
            raise AskError(f"no transcript has {what} {item!r}")
        result |= hits
    return result


def _keyword_rows(index: TextIndex, layer: CodeLayer, key: str) -> np.ndarray:
    """Rows that use any keyword of a code (stand-in for a code nobody has applied yet)."""
    rows = np.zeros(len(index), dtype=bool)
    for term in layer.codes[key].keywords:
        scores = index.term_scores(term)
        if scores is not None:
            rows |= scores > 0
    return rows


def institution_phases(layer: CodeLayer, session: Session | None) -> dict[str, frozenset[int]]:
    """Each college's phase in force (the evaluator's judgement, else the estimate); a college
    between two phases has both. Computed once per code layer."""
    if layer.phases is None:
        if session is None:
            raise AskError("a phase filter needs the project database")
        phases = {}
        for item in assess(session):
            values = set(item.mixed or ())
            if item.phase is not None:
                values.add(item.phase)
            phases[item.institution] = frozenset(values)
        layer.phases = phases
    return layer.phases
