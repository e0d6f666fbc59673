"""Where each college stands in the four development phases (KIS 2020), and why we think so.

The evaluator judges each college's phase; this module gathers the evidence and proposes an
estimate that the judgement may confirm or overrule. Evidence is per respondent segment and per
phase, from three sources:

- **codings**: a segment to which a phase code (``phases.1_bureau`` ...) is applied. A person's
  acceptance weighs :data:`HUMAN_WEIGHT`, an automatic suggestion at or above its threshold
  :data:`SUGGESTED_WEIGHT` times its confidence (applied codes as :mod:`analysis.coding.state`
  defines them).
- **indicators in the text**: the phase codes' ``indicators`` (lemma sequences such as
  ``contactpersoon`` or ``naast het gewoon werk``) matched on the lemmas of every respondent
  segment, whatever else it is coded with, by spaCy's ``PhraseMatcher``; overlapping matches keep
  the longest. An indicator that is negated (as the rule suggester reads negation: "niet meer
  aan één persoon") or set in the past by a cue earlier in its sentence ("vroeger deden we wat
  de subsidie ...") is not evidence: board members describe how far they have come by naming
  the phase they left behind.
- **indicators in other codes**: an indicator may name a code key
  (``professionalisation.hr_policy``); a segment carrying that code then counts like a
  suggested phase coding of weight :data:`CODE_INDICATOR_WEIGHT`.

A person who *rejected* a phase code on a segment has said the segment is no evidence for that
phase: its indicators for that phase are ignored. A person who *applied* a phase code has read
the segment: the indicators of other phases in it are ignored.

**Scores.** Per college and phase, codings add up. Indicators are weighed like terms in TF-IDF:
by how few colleges use them (``ln((N+1)/df) / ln(N+1)``: 1 for an indicator only one of N
colleges uses, near 0 for one they all use, such as "stage", or "subsidie" in complaints about
paperwork) and sub-linearly in how many of the college's segments use them (``1 + ln(n)``), so
that a word repeated in passing does not outweigh a phase described once in its own words; one
segment adds at most :data:`INDICATOR_CAP`, however many indicators it strings together.

**The estimate** is the phase with the highest score (a tie goes to the lower phase, the
cautious reading). When a neighbouring phase reaches :data:`MIXED_RATIO` of the best score,
the college shows mixed signals and is reported as "tussen 2 en 3". The confidence (0–1) is the
share of the score behind the estimate times a factor that grows with the amount of evidence,
so three mentions never look as certain as thirty.

**The evaluator's judgement** (``PhaseJudgement``; the newest per college is in force) always
wins: it sets the phase; the estimate and its evidence stay visible beside it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from analysis.codebook import Codebook, CodebookError
from analysis.codebook_store import read_codebook
from analysis.coding.state import (
    AUTO_CODER,
    NEGATIVE,
    Decision,
    SegmentCodes,
    current_codings,
    segment_codes,
)
from analysis.messages import fail
from analysis.store import Meta, PhaseJudgement, Segment, Transcript, Turn

if TYPE_CHECKING:
    import pandas as pd
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

PHASES_ROOT = "phases"
HUMAN_WEIGHT = 3.0
SUGGESTED_WEIGHT = 2.0
CODE_INDICATOR_WEIGHT = 1.0
INDICATOR_CAP = 2.0
MIXED_RATIO = 0.6
MIN_EVIDENCE = 1.0  # below this total there is nothing to estimate from
EVIDENCE_SCALE = 6.0  # total weight at which the amount factor reaches 1 - 1/e

# Words that set what follows in the past ("Vroeger deden we wat de subsidie mogelijk maakte"),
# anywhere before an indicator in its sentence. Our own short list: no Dutch tense or
# negation-scope model is available offline.
PAST_CUES = frozenset({"vroeger", "ooit", "destijds", "toen", "voorheen", "aanvankelijk"})

_PHASE_NUMBER = re.compile(r"(\d+)")


class PhaseError(ValueError):
    """A user mistake about phases (unknown college, phase out of range, missing note)."""


@dataclass(frozen=True)
class PhaseDefinition:
    """One phase of the model as the project's codebook describes it."""

    number: int
    key: str
    label: str
    description: str
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class PhaseEvidence:
    """What one segment says about one phase, with the reasons in Dutch for the evaluator.

    ``coded`` is the weight of its codings, ``terms`` the indicators found in its text with
    their weight; ``weight`` (codings plus indicators, capped) ranks the quotes that carry a
    phase.
    """

    segment_id: int
    transcript_id: int
    source: str
    phase: int
    coded: float
    terms: tuple[tuple[str, float], ...]
    reasons: tuple[str, ...]
    text: str

    @property
    def weight(self) -> float:
        return round(self.coded + min(INDICATOR_CAP, sum(w for _, w in self.terms)), 3)


@dataclass(frozen=True)
class Judgement:
    """The evaluator's judgement in force for a college."""

    phase: int
    note: str
    assessor: str
    created_at: str


@dataclass
class PhaseAssessment:
    """A college's phase: the estimate from the evidence, and the evaluator's judgement if any."""

    institution: str
    sources: list[str]
    estimate: int | None
    between: tuple[int, int] | None
    estimate_confidence: float
    scores: dict[int, float]
    evidence: list[PhaseEvidence] = field(default_factory=list)
    judgement: Judgement | None = None

    @property
    def phase(self) -> int | None:
        """The phase in force: the evaluator's, else the estimate."""
        return self.judgement.phase if self.judgement else self.estimate

    @property
    def mixed(self) -> tuple[int, int] | None:
        """The two phases a college sits between, unless the evaluator decided."""
        return None if self.judgement else self.between

    @property
    def confidence(self) -> float:
        return 1.0 if self.judgement else self.estimate_confidence

    @property
    def label(self) -> str:
        """The phase in words: "3", "tussen 2 en 3" or "onbekend"."""
        if self.mixed:
            return f"tussen {self.mixed[0]} en {self.mixed[1]}"
        return str(self.phase) if self.phase is not None else "onbekend"

    @property
    def estimate_label(self) -> str:
        if self.between:
            return f"tussen {self.between[0]} en {self.between[1]}"
        return str(self.estimate) if self.estimate is not None else "onbekend"

    @property
    def carrying(self) -> list[PhaseEvidence]:
        """The evidence for the phase(s) in force, strongest first: the quotes that carry it."""
        wanted = set(self.mixed or ()) or ({self.phase} if self.phase is not None else set())
        return [item for item in self.evidence if item.phase in wanted]


@dataclass
class Codings:
    """The codings in force, read once (the decision log is the largest table) and shared by
    the estimator and the report: applied codes per segment as :mod:`analysis.coding.state`
    defines them, and the newest decision per (segment, code, coder)."""

    applied: dict[int, SegmentCodes]
    rows: list[Decision]

    @classmethod
    def read(cls, session: Session) -> Codings:
        rows = current_codings(session)
        return cls(segment_codes(session, decisions=rows), rows)

    @functools.cached_property
    def people(self) -> list[Decision]:
        return [row for row in self.rows if row.coder != AUTO_CODER]

    @functools.cached_property
    def accepted(self) -> set[tuple[int, str]]:
        return {(r.segment_id, r.code_key) for r in self.people if r.status == "accepted"}

    @functools.cached_property
    def rejected(self) -> set[tuple[int, str]]:
        return {(r.segment_id, r.code_key) for r in self.people if r.status in NEGATIVE}


# --- the model from the codebook ---------------------------------------------------------------


def phase_definitions(codebook: Codebook) -> list[PhaseDefinition]:
    """The phase codes (children of ``phases``) in phase order; the number comes from the key."""
    if PHASES_ROOT not in codebook:
        raise CodebookError(codebook.source, [f"the codebook has no '{PHASES_ROOT}' code"])
    definitions = []
    for position, code in enumerate(codebook.children(PHASES_ROOT), start=1):
        found = _PHASE_NUMBER.search(code.key.rsplit(".", 1)[-1])
        definitions.append(
            PhaseDefinition(
                number=int(found.group(1)) if found else position,
                key=code.key,
                label=code.label,
                description=code.phase_description or code.definition,
                indicators=tuple(code.indicators),
            )
        )
    return sorted(definitions, key=lambda d: d.number)


@functools.lru_cache(maxsize=8)
def _matcher(indicators: tuple[tuple[str, tuple[str, ...]], ...]) -> PhraseMatcher:
    """A lemma matcher for (phase key, indicators) pairs; the patterns' lemmas are the terms."""
    from spacy.matcher import PhraseMatcher

    from analysis.nlp import get_nlp

    nlp = get_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for key, terms in indicators:
        patterns = []
        for term in terms:
            pattern = nlp.make_doc(term)
            for token in pattern:
                token.lemma_ = token.lower_
            patterns.append(pattern)
        if patterns:
            matcher.add(key, patterns)
    return matcher


def _left_behind(doc: Doc, start: int) -> bool:
    """Whether token ``start`` is negated (as the rule suggester reads negation: a cue shortly
    before it in the same clause) or set in the past by a cue earlier in its sentence."""
    from analysis.coding.rules import negated  # one reading of negation for all matchers

    if negated(doc, start):
        return True
    return any(token.lower_ in PAST_CUES for token in doc[doc[start].sent.start:start])


# --- evidence ----------------------------------------------------------------------------------


@dataclass
class _Segment:
    id: int
    transcript_id: int
    institution: str
    source: str
    text: str
    lemmas: str = ""  # the stored content lemmas, space-joined (Segment.lemmas)


def _respondent_segments(session: Session, institution: str | None = None) -> list[_Segment]:
    query = (
        select(Segment.id, Segment.transcript_id, Transcript.institution,
               Transcript.source_name, Segment.text, Segment.lemmas)
        .join(Transcript, Segment.transcript_id == Transcript.id)
        .join(Turn, Segment.turn_id == Turn.id)
        .where(Segment.codable.is_(True), Turn.role == "respondent")
        .order_by(Transcript.institution, Transcript.source_name, Segment.start, Segment.id)
    )
    if institution is not None:
        query = query.where(Transcript.institution == institution)
    return [_Segment(*row) for row in session.execute(query)]


def _indicator_hits(
    segments: Sequence[_Segment], definitions: Sequence[PhaseDefinition]
) -> dict[int, dict[int, set[str]]]:
    """segment id -> phase -> the indicators (lemma form) found in its text, negations dropped."""
    # spaCy is imported here, not with the module: with the hits cached (cached_indicator_hits)
    # `interviews phases` needs no tokeniser at all.
    from spacy.util import filter_spans

    from analysis.nlp import PIPE_BATCH_SIZE, SENTENCE_PIPES, get_nlp

    pairs = _indicator_pairs(definitions)
    matcher = _matcher(pairs)
    number = {d.key: d.number for d in definitions}
    nlp = get_nlp()
    required = _required_lemmas(t for _, terms in pairs for t in terms)
    if required is not None:
        segments = [s for s in segments if _may_match(s, required)]
    # Match on tokens and lemmas alone; sentence boundaries (for the past cues of _left_behind)
    # are set afterwards on the tenth of the segments with a match: the sentence components
    # took three quarters of the pipeline's time and change neither tokens nor lemmas.
    docs = nlp.pipe((s.text for s in segments), batch_size=PIPE_BATCH_SIZE, disable=SENTENCE_PIPES)
    matched = []
    for segment, doc in zip(segments, docs, strict=True):
        spans = filter_spans(matcher(doc, as_spans=True))
        if spans:
            matched.append((segment, doc, spans))
    others = [name for name in nlp.pipe_names if name not in SENTENCE_PIPES]
    sentenced = nlp.pipe((doc for _, doc, _ in matched), batch_size=PIPE_BATCH_SIZE, disable=others)
    hits: dict[int, dict[int, set[str]]] = {}
    for (segment, _, spans), doc in zip(matched, sentenced, strict=True):
        for span in spans:
            if _left_behind(doc, span.start):
                continue
            term = " ".join(token.lemma_.lower() for token in span)
            hits.setdefault(segment.id, {}).setdefault(number[span.label_], set()).add(term)
    return hits


def _indicator_pairs(
    definitions: Sequence[PhaseDefinition],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(phase key, its word indicators) pairs: what the matcher looks for."""
    return tuple((d.key, tuple(t for t in d.indicators if "." not in t)) for d in definitions)


HITS_CACHE = "cache:phase_hits"  # a Meta row: the indicator hits of every respondent segment
HITS_VERSION = 1  # raise when _indicator_hits finds something else in the same text


def _text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def cached_indicator_hits(
    session: Session, segments: Sequence[_Segment], definitions: Sequence[PhaseDefinition]
) -> dict[int, dict[int, set[str]]]:
    """``_indicator_hits``, kept in the project (Meta row ``cache:phase_hits``) per segment and
    the digest of its text, for one set of indicators and versions of spaCy and its lookup
    tables: every draft and phase overview tokenised all respondent segments again (spaCy's
    pipeline alone was about half of ``interviews phases``' CPU time). Segments that are new or
    whose text changed are read; a changed codebook indicator, or spaCy, reads them all. A
    project that cannot be written (read-only file, lock) still gets its hits, uncached."""
    key = hashlib.sha256(
        repr((HITS_VERSION, _indicator_pairs(definitions), version("spacy"),
              version("spacy-lookups-data"))).encode("utf-8")
    ).hexdigest()
    row = session.get(Meta, HITS_CACHE)
    stored = row.value if row is not None and isinstance(row.value, dict) else {}
    entries: dict[str, list] = stored.get("segments", {}) if stored.get("key") == key else {}
    digests = {segment.id: _text_digest(segment.text) for segment in segments}
    missing = [s for s in segments if entries.get(str(s.id), [None])[0] != digests[s.id]]
    hits: dict[int, dict[int, set[str]]] = {}
    for segment in segments:
        entry = entries.get(str(segment.id))
        if entry is not None and entry[0] == digests[segment.id] and entry[1]:
            hits[segment.id] = {int(phase): set(terms) for phase, terms in entry[1].items()}
    if not missing and len(entries) == len(segments):
        return hits
    found = _indicator_hits(missing, definitions) if missing else {}
    hits.update(found)
    value = {
        "key": key,
        "segments": {
            str(segment.id): [
                digests[segment.id],
                {str(phase): sorted(terms) for phase, terms in hits.get(segment.id, {}).items()},
            ]
            for segment in segments
        },
    }
    try:
        with session.begin_nested():
            if row is None:
                session.add(Meta(key=HITS_CACHE, value=value))
            else:
                row.value = value
    except DBAPIError:  # not writable now: the hits are right, only not kept
        pass
    return hits


def refresh_indicator_cache(session: Session) -> None:
    """Bring the phase-hit cache up to date for every respondent segment.

    Called by ``Project.suggest``, whose process has the Dutch pipeline loaded already: the
    draft and the phase overview that follow then read the hits without building it (about
    2 s of a new process's start-up). A codebook without phases has nothing to cache."""
    definitions = phase_definitions(read_codebook(session))
    if definitions:
        cached_indicator_hits(session, _respondent_segments(session), definitions)


_LETTERS = re.compile(r"[^\W\d_]+")


def _required_lemmas(terms: Iterable[str]) -> list[frozenset[str]] | None:
    """Per indicator, the words a segment's stored content lemmas must all contain for the
    indicator to match it; None when some indicator has no such word (then every segment is
    read).

    Re-reading every respondent segment with spaCy on each draft grew with the corpus (about
    half of the report's CPU time at 1,000 interviews); the stored lemmas (ingest's
    :func:`analysis.nlp.content_lemmas`) rule out most segments without the pipeline. A word
    is required only where the stored lemmas are sure to hold it: an alphabetic, non-numeric
    content word that is no stop word, no word of a filler phrase (those are dropped by
    context) and no lemma of a stop word's form; the matcher then decides as before
    (tests/test_phases.py checks that the hits are the same with and without the filter).
    """
    from analysis.nlp import STOP_WORDS, filler_phrase_words, get_nlp, lemma_of

    nlp = get_nlp()
    unsure = filler_phrase_words() | {lemma_of(word) for word in STOP_WORDS}
    result = []
    for term in terms:
        words = frozenset(
            token.lower_ for token in nlp.make_doc(term)
            if token.is_alpha and not token.like_num and len(token) >= 2
            and token.lower_ not in STOP_WORDS and token.lower_ not in unsure
        )
        if not words:
            return None
        result.append(words)
    return result


def _may_match(segment: _Segment, required: Sequence[frozenset[str]]) -> bool:
    """Whether some indicator's required words are all among the segment's content lemmas or
    the letter runs of its text (a form like "extra's" is no content word, yet its lemma
    "extra" matches)."""
    present = set(segment.lemmas.split()) | set(_LETTERS.findall(segment.text.lower()))
    return any(words <= present for words in required)


def _idf(
    hits: dict[int, dict[int, set[str]]], college_of: dict[int, str], colleges: int
) -> dict[str, float]:
    """Each indicator's weight over the N colleges: ln((N+1)/df) / ln(N+1) (1 when N == 1)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for segment_id, by_phase in hits.items():
        for terms in by_phase.values():
            for term in terms:
                seen[term].add(college_of[segment_id])
    if colleges <= 1:
        return dict.fromkeys(seen, 1.0)
    scale = math.log(colleges + 1)
    return {term: math.log((colleges + 1) / len(who)) / scale for term, who in seen.items()}


def collect_evidence(
    session: Session, codebook: Codebook | None = None, codings: Codings | None = None
) -> tuple[list[PhaseDefinition], dict[str, list[PhaseEvidence]]]:
    """The phase definitions and, per college, every piece of evidence (strongest first)."""
    codebook = codebook or read_codebook(session)
    definitions = phase_definitions(codebook)
    by_key = {d.key: d for d in definitions}
    segments = _respondent_segments(session)
    codings = codings or Codings.read(session)
    applied, accepted, rejected = codings.applied, codings.accepted, codings.rejected
    code_indicators = [
        (d.number, term) for d in definitions for term in d.indicators if "." in term
    ]
    hits = cached_indicator_hits(session, segments, definitions)
    college_of = {s.id: s.institution for s in segments}
    idf = _idf(hits, college_of, len(set(college_of.values())))

    evidence: dict[str, list[PhaseEvidence]] = defaultdict(list)
    for segment in segments:
        codes = applied.get(segment.id)
        confidence = dict(codes.suggestions) if codes else {}
        coded: dict[int, float] = defaultdict(float)
        terms: dict[int, tuple[tuple[str, float], ...]] = {}
        reasons: dict[int, list[str]] = defaultdict(list)
        read: set[int] = set()  # phases a person coded on this segment
        for key in codes.applied if codes else ():
            definition = by_key.get(key)
            if definition is None:
                continue
            human = (segment.id, key) in accepted
            if human:
                read.add(definition.number)
            coded[definition.number] += (
                HUMAN_WEIGHT if human else SUGGESTED_WEIGHT * confidence.get(key, 1.0)
            )
            reasons[definition.number].append(
                f"gecodeerd als {definition.label}" + ("" if human else " (suggestie)")
            )
        for number, code_key in code_indicators:
            if codes and code_key in codes.applied:
                coded[number] += CODE_INDICATOR_WEIGHT
                reasons[number].append(f"code {code_key}")
        for number, found in sorted(hits.get(segment.id, {}).items()):
            if (segment.id, _key_of(definitions, number)) in rejected:
                continue
            if read and number not in read:
                continue  # a person coded this segment's phase: other phases' words are moot
            terms[number] = tuple((t, round(idf[t], 3)) for t in sorted(found))
            reasons[number].append("indicator: " + ", ".join(sorted(found)))
        for number in sorted(set(coded) | set(terms)):
            evidence[segment.institution].append(
                PhaseEvidence(
                    segment_id=segment.id,
                    transcript_id=segment.transcript_id,
                    source=segment.source,
                    phase=number,
                    coded=coded.get(number, 0.0),
                    terms=terms.get(number, ()),
                    reasons=tuple(reasons[number]),
                    text=segment.text,
                )
            )
    for items in evidence.values():
        items.sort(key=lambda e: (-e.weight, e.phase, e.segment_id))
    return definitions, dict(evidence)


def _key_of(definitions: Sequence[PhaseDefinition], number: int) -> str:
    return next(d.key for d in definitions if d.number == number)


def scores(items: Sequence[PhaseEvidence]) -> dict[int, float]:
    """A college's score per phase: codings summed; indicators as TF-IDF with a sub-linear term
    frequency (the n-th use of a term adds ``idf * (ln n - ln(n-1))``, so n uses give
    ``idf * (1 + ln n)``), each segment adding at most :data:`INDICATOR_CAP`."""
    total: dict[int, float] = defaultdict(float)
    uses: Counter[tuple[int, str]] = Counter()
    for item in sorted(items, key=lambda e: e.segment_id):
        total[item.phase] += item.coded
        added = 0.0
        for term, weight in item.terms:
            uses[(item.phase, term)] += 1
            n = uses[(item.phase, term)]
            added += weight * (1.0 if n == 1 else math.log(n) - math.log(n - 1))
        total[item.phase] += min(INDICATOR_CAP, added)
    return {phase: round(value, 3) for phase, value in sorted(total.items()) if value > 0}


# --- estimate and judgement --------------------------------------------------------------------


def estimate(
    totals: dict[int, float]
) -> tuple[int | None, tuple[int, int] | None, float]:
    """(phase, the two phases when mixed, confidence) from the total weight per phase."""
    total = sum(totals.values())
    if total < MIN_EVIDENCE:
        return None, None, 0.0
    best = min(totals, key=lambda phase: (-totals[phase], phase))
    share = totals[best]
    neighbours = [p for p in (best - 1, best + 1) if totals.get(p, 0.0) > 0]
    between = None
    if neighbours:
        other = max(neighbours, key=lambda phase: (totals[phase], -phase))
        if totals[other] >= MIXED_RATIO * totals[best]:
            between = (min(best, other), max(best, other))
            share += totals[other]
    amount = 1.0 - math.exp(-total / EVIDENCE_SCALE)
    return best, between, round(share / total * amount, 2)


def judgements(session: Session) -> dict[str, Judgement]:
    """The judgement in force per college: the newest row."""
    newest = select(func.max(PhaseJudgement.id)).group_by(PhaseJudgement.institution)
    rows = session.scalars(select(PhaseJudgement).where(PhaseJudgement.id.in_(newest)))
    return {
        row.institution: Judgement(
            phase=row.phase,
            note=row.note,
            assessor=row.assessor,
            created_at=row.created_at.isoformat(timespec="seconds"),
        )
        for row in rows
    }


def assess(
    session: Session, codebook: Codebook | None = None, codings: Codings | None = None
) -> list[PhaseAssessment]:
    """One assessment per college in the project, in alphabetical order."""
    _, evidence = collect_evidence(session, codebook, codings)
    decided = judgements(session)
    sources: dict[str, list[str]] = defaultdict(list)
    for institution, source in session.execute(
        select(Transcript.institution, Transcript.source_name).order_by(Transcript.source_name)
    ):
        sources[institution].append(source)
    result = []
    for institution in sorted(sources, key=str.casefold):
        items = evidence.get(institution, [])
        totals = scores(items)
        phase, between, confidence = estimate(totals)
        result.append(
            PhaseAssessment(
                institution=institution,
                sources=sources[institution],
                estimate=phase,
                between=between,
                estimate_confidence=confidence,
                scores=totals,
                evidence=items,
                judgement=decided.get(institution),
            )
        )
    return result


def judge(
    session: Session, institution: str, phase: int, note: str, assessor: str
) -> PhaseJudgement:
    """Record the evaluator's judgement; it wins over the estimate until a newer one is made."""
    known = session.scalars(
        select(Transcript.institution).where(Transcript.institution == institution).limit(1)
    ).first()
    if known is None:
        raise fail(PhaseError, "phase.college_unknown", institution=institution)
    allowed = [d.number for d in phase_definitions(read_codebook(session))]
    if phase not in allowed:
        raise fail(
            PhaseError, "phase.out_of_range", phase=phase, allowed=allowed
        )
    if not (note or "").strip():
        raise fail(PhaseError, "phase.note_missing")
    if not (assessor or "").strip():
        raise fail(PhaseError, "phase.assessor_missing")
    row = PhaseJudgement(
        institution=institution, phase=phase, note=note.strip(), assessor=assessor.strip()
    )
    session.add(row)
    session.flush()
    return row


# --- tables for the app and the CLI ------------------------------------------------------------

ASSESSMENT_COLUMNS = [
    "institution", "sources", "phase", "label", "confidence", "judged", "assessor", "note",
    "estimate", "estimate_label", "estimate_confidence", "scores", "evidence",
]
EVIDENCE_COLUMNS = ["segment_id", "source", "phase", "weight", "reasons", "text"]


def as_record(assessment: PhaseAssessment) -> dict[str, object]:
    """One college as JSON-ready data; ``evidence``: the carrying segments, strongest first."""
    judgement = assessment.judgement
    return {
        "institution": assessment.institution,
        "sources": list(assessment.sources),
        "phase": assessment.phase,
        "label": assessment.label,
        "confidence": assessment.confidence,
        "judged": judgement is not None,
        "assessor": judgement.assessor if judgement else None,
        "note": judgement.note if judgement else None,
        "estimate": assessment.estimate,
        "estimate_label": assessment.estimate_label,
        "estimate_confidence": assessment.estimate_confidence,
        "scores": {str(phase): score for phase, score in assessment.scores.items()},
        "evidence": list(dict.fromkeys(item.segment_id for item in assessment.carrying)),
    }


def assessments_frame(assessments: Sequence[PhaseAssessment]) -> pd.DataFrame:
    """One row per college; ``phase`` and ``estimate`` stay None (not NaN) when unknown."""
    import pandas as pd  # only the tables need it (``code`` refreshes hits without)

    records = [as_record(a) for a in assessments]
    frame = pd.DataFrame(records, columns=ASSESSMENT_COLUMNS)
    for column in ("phase", "estimate"):
        frame[column] = pd.Series([r[column] for r in records], dtype=object)
    return frame


def _evidence_record(item: PhaseEvidence) -> dict[str, object]:
    return {
        "segment_id": item.segment_id,
        "source": item.source,
        "phase": item.phase,
        "weight": item.weight,
        "reasons": "; ".join(item.reasons),
        "text": item.text,
    }


def evidence_frame(assessment: PhaseAssessment) -> pd.DataFrame:
    """Every piece of evidence for one college, strongest first."""
    import pandas as pd  # only the tables need it (``code`` refreshes hits without)

    rows = [_evidence_record(item) for item in assessment.evidence]
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def all_evidence_frame(assessments: Sequence[PhaseAssessment]) -> pd.DataFrame:
    """Every college's evidence in one frame, ``institution`` first, each college's strongest
    first: what :func:`evidence_frame` gives per college, for a page that shows one college
    after another from one estimate."""
    import pandas as pd  # only the tables need it (``code`` refreshes hits without)

    rows = [
        {"institution": a.institution, **_evidence_record(item)}
        for a in assessments
        for item in a.evidence
    ]
    return pd.DataFrame(rows, columns=["institution", *EVIDENCE_COLUMNS])
