"""The search index of a project: respondent segments as BM25 terms and vectors, plus codes.

Building it reads every codable segment once, so it is kept per project in memory
(:func:`project_index`) and rebuilt only when its fingerprint changes. There are two layers
with their own fingerprints, because they change at different speeds:

* the **text layer** (:class:`TextIndex`): segment terms in a ``bm25s`` index, the terms of
  the interviewer questions they answer in a second one, the terms of the sentence an
  anaphoric segment refers back to in a third (:func:`antecedent_documents`), the compound
  splitter over the corpus vocabulary, and a vector per segment for the semantic ranking —
  the configured embedding model's vectors (cached in the store by
  :func:`analysis.embeddings.segment_vectors`) or, without one, TF-IDF over the segment's and
  its question's terms.
  Its fingerprint covers the segments (count, highest id, total length), the transcripts'
  metadata and the ``embedding_model`` setting; it changes on import, re-segmentation and
  metadata edits.
* the **code layer** (:class:`CodeLayer`): the codebook's codes as terms and the codes
  applied to each segment. Its fingerprint covers the coding log (append-only: count and
  highest id), the codes and the threshold setting; it changes with every coding decision,
  and rebuilding it is cheap.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.ask.terms import CompoundSplitter, quick_terms, quick_words, text_terms
from analysis.coding.state import THRESHOLD_SETTING, segment_codes
from analysis.coding.text import match_key
from analysis.embeddings import Embedder, load_embedder, normalise_rows, segment_vectors
from analysis.nlp import lemmatise, refers_back
from analysis.store import Code, Coding, Meta, PhaseJudgement, Segment, Transcript, Turn

EMBEDDING_SETTING = "embedding_model"
# BM25 parameters: Lucene's defaults; segments are short and even in length (15-80 words).
BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(frozen=True)
class TranscriptInfo:
    """What filters and answers need of a transcript."""

    id: int
    source: str
    institution: str
    sector: str
    region: str


class DenseBackend:
    """Semantic similarity of every segment to a question; subclasses say how."""

    name: str = ""
    semantic: bool = False  # True when similarity without shared words is meaningful

    def similarities(self, terms: dict[str, float], question: str) -> np.ndarray:
        raise NotImplementedError


class TfidfBackend(DenseBackend):
    """Cosine similarity of TF-IDF vectors over search terms: the offline default.

    Without a configured model this is the second opinion that reciprocal rank fusion needs:
    it ranks by the share of a segment's weight the question covers (length-normalised), where
    BM25 ranks by saturated term counts.
    """

    name = "tfidf"

    def __init__(self, documents: Sequence[list[str]]) -> None:
        self.vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=1)
        self.matrix = self.vectorizer.fit_transform(documents).tocsr()

    def similarities(self, terms: dict[str, float], question: str) -> np.ndarray:
        vocabulary = self.vectorizer.vocabulary_
        columns = [vocabulary[t] for t in terms if t in vocabulary]
        if not columns:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        weights = np.array(
            [terms[t] for t in terms if t in vocabulary], dtype=np.float64
        ) * self.vectorizer.idf_[columns]
        query = np.zeros(self.matrix.shape[1])
        query[columns] = weights / np.linalg.norm(weights)
        return np.asarray(self.matrix @ query, dtype=np.float32).ravel()


class EmbedderBackend(DenseBackend):
    """Cosine similarity under the project's configured embedding model."""

    semantic = True

    def __init__(self, embedder: Embedder, vectors: np.ndarray) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.vectors = vectors

    def similarities(self, terms: dict[str, float], question: str) -> np.ndarray:
        if self.vectors.size == 0:
            return np.zeros(len(self.vectors), dtype=np.float32)
        query = normalise_rows(self.embedder.encode([question]))[0]
        return (self.vectors @ query).astype(np.float32)


def _identity(terms: list[str]) -> list[str]:
    return terms


@dataclass
class TextIndex:
    """Codable respondent segments in a searchable form; row ``i`` is one segment."""

    segment_ids: np.ndarray
    transcript_rows: np.ndarray  # row -> position in ``transcripts``
    texts: list[str]
    question_turn_ids: list[int | None]
    transcripts: list[TranscriptInfo]
    bm25: bm25s.BM25
    document_frequency: dict[str, int]
    context_rows: np.ndarray  # row -> its interviewer question in ``context_bm25``, or -1
    context_bm25: bm25s.BM25
    context_frequency: dict[str, int]
    antecedent_bm25: bm25s.BM25  # row i: the terms of the segment row i refers back to
    antecedent_frequency: dict[str, int]
    splitter: CompoundSplitter
    dense: DenseBackend
    fingerprint: tuple
    row_of: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.row_of = {int(s): i for i, s in enumerate(self.segment_ids.tolist())}

    def __len__(self) -> int:
        return len(self.segment_ids)

    @functools.cached_property
    def term_matrix(self) -> tuple[sparse.csr_matrix, list[str]]:
        """Segment x term BM25 weights (rows are segments) and the term of each column, for
        pseudo-relevance feedback; made from ``bm25s``'s own score matrix on first use."""
        return self.term_columns[0].tocsr(), self.term_columns[1]

    @functools.cached_property
    def term_columns(self) -> tuple[sparse.csc_matrix, list[str]]:
        """The same weights by column (``bm25s``'s own layout), for scoring a few terms."""
        scores = self.bm25.scores
        columns = len(scores["indptr"]) - 1  # bm25s may list a token (the empty one) past these
        vocabulary = [""] * columns
        for term, column in self.bm25.vocab_dict.items():
            if column < columns:
                vocabulary[column] = term
        matrix = sparse.csc_matrix(
            (scores["data"], scores["indices"], scores["indptr"]),
            shape=(scores["num_docs"], columns),
        )
        return matrix, vocabulary

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency; a term no segment has gets the highest value."""
        n = len(self)
        df = self.document_frequency.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def term_scores(self, term: str) -> np.ndarray | None:
        """BM25 score of every segment for one term (None when no segment has it)."""
        if term not in self.document_frequency:
            return None
        return self.bm25.get_scores([term])

    def context_scores(self, term: str) -> np.ndarray | None:
        """BM25 score of every segment's interviewer question for one term (None: no question
        has it). A segment inherits the score of the question it answers."""
        if term not in self.context_frequency:
            return None
        per_question = np.append(self.context_bm25.get_scores([term]), 0.0)
        return per_question[self.context_rows]

    def antecedent_scores(self, term: str) -> np.ndarray | None:
        """BM25 score for one term of the segment each segment refers back to (None: no such
        segment has it; 0 for a segment that does not refer back)."""
        if term not in self.antecedent_frequency:
            return None
        return self.antecedent_bm25.get_scores([term])

    def institution(self, row: int) -> str:
        return self.transcripts[self.transcript_rows[row]].institution

    def source(self, row: int) -> str:
        return self.transcripts[self.transcript_rows[row]].source


@dataclass(frozen=True)
class CodeInfo:
    """A code's words as search terms: keywords and phrases, label, definition."""

    key: str
    label: str
    keywords: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    label_terms: frozenset[str]
    definition_terms: frozenset[str]


@dataclass
class CodeLayer:
    """The codebook as terms and, per code, the index rows it is applied to."""

    codes: dict[str, CodeInfo]
    applied: dict[str, np.ndarray]
    fingerprint: tuple
    phases: dict[str, frozenset[int]] | None = None  # filled on first use of a phase filter
    catalogue: object | None = None  # analysis.ask.query.Catalogue, filled on first question


# --- building --------------------------------------------------------------------------------


def build_text_index(session: Session, embedder: Embedder | None, fingerprint: tuple) -> TextIndex:
    """Read the codable segments and build BM25, the compound splitter and the vectors."""
    transcripts = [
        TranscriptInfo(row.id, row.source_name, row.institution, row.sector or "", row.region or "")
        for row in session.execute(
            select(
                Transcript.id, Transcript.source_name, Transcript.institution,
                Transcript.sector, Transcript.region,
            ).order_by(Transcript.id)
        )
    ]
    position = {info.id: i for i, info in enumerate(transcripts)}
    rows = session.execute(
        select(
            Segment.id, Segment.transcript_id, Segment.text, Segment.lemmas,
            Segment.question_turn_id, Segment.turn_id,
        )
        .where(Segment.codable.is_(True))
        .order_by(Segment.transcript_id, Segment.start, Segment.id)
    ).all()
    lemma_lists = [(row.lemmas or "").split() for row in rows]
    splitter = CompoundSplitter({lemma for lemmas in lemma_lists for lemma in lemmas})
    documents = [
        expand_terms(text_terms(lemmas, row.text), lemmas, splitter)
        for lemmas, row in zip(lemma_lists, rows, strict=True)
    ]
    frequency: Counter[str] = Counter()
    for terms in documents:
        frequency.update(set(terms))
    bm25 = _bm25(documents)
    questions = _interviewer_questions(session)
    question_ids = sorted({r.question_turn_id for r in rows if r.question_turn_id in questions})
    question_position = {turn: i for i, turn in enumerate(question_ids)}
    context_documents = [
        expand_terms(quick_terms(questions[turn]), [], splitter, questions[turn])
        for turn in question_ids
    ]
    context_frequency: Counter[str] = Counter()
    for terms in context_documents:
        context_frequency.update(set(terms))
    antecedents = antecedent_documents(
        documents, [row.turn_id for row in rows], [row.text for row in rows]
    )
    antecedent_frequency: Counter[str] = Counter()
    for terms in antecedents:
        antecedent_frequency.update(set(terms))
    segment_ids = np.array([row.id for row in rows], dtype=np.int64)
    dense: DenseBackend
    if embedder is not None:
        vectors = np.zeros((0, 0), dtype=np.float32)
        if rows:
            vectors = segment_vectors(session, segment_ids.tolist(), embedder)
        dense = EmbedderBackend(embedder, vectors)
    else:
        with_context = [
            terms + context_documents[question_position[row.question_turn_id]]
            if row.question_turn_id in question_position else terms
            for terms, row in zip(documents, rows, strict=True)
        ]
        dense = TfidfBackend(with_context) if rows else _EmptyBackend()
    return TextIndex(
        segment_ids=segment_ids,
        transcript_rows=np.array([position[row.transcript_id] for row in rows], dtype=np.int32),
        texts=[row.text for row in rows],
        question_turn_ids=[row.question_turn_id for row in rows],
        transcripts=transcripts,
        bm25=bm25,
        document_frequency=dict(frequency),
        context_rows=np.array(
            [question_position.get(row.question_turn_id, -1) for row in rows], dtype=np.int64
        ),
        context_bm25=_bm25(context_documents),
        context_frequency=dict(context_frequency),
        antecedent_bm25=_bm25(antecedents),
        antecedent_frequency=dict(antecedent_frequency),
        splitter=splitter,
        dense=dense,
        fingerprint=fingerprint,
    )


def antecedent_documents(
    documents: list[list[str]], turns: list[int], texts: list[str]
) -> list[list[str]]:
    """Per segment, the terms of the segment before it in the same respondent turn when it
    :func:`refers_back` to it, else none.

    Respondents name a subject once and go on with "die" and "daar": "Een van onze lasdocenten
    is twee weken naar Bilbao geweest." / "En die doet nu elke ochtend ...". The second segment
    holds the answer, the first the question's words. Only the one segment before counts, and
    only for a segment that opens with a pronoun: giving every segment its neighbours' words
    made the ranking worse on the tuning questions (docs/evaluation.md).
    """
    result: list[list[str]] = []
    for i, (turn, text) in enumerate(zip(turns, texts, strict=True)):
        linked = i > 0 and turns[i - 1] == turn and refers_back(text)
        result.append(list(documents[i - 1]) if linked else [])
    return result


def _bm25(documents: list[list[str]]) -> bm25s.BM25:
    """A BM25 index of ``documents``. bm25s cannot index a corpus without a single term (a small
    project where no segment refers back fails with "max() arg is an empty sequence"), so such a
    corpus gets bm25s's own empty token ``""``, a term no question ever asks for."""
    index = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    if not any(documents):
        documents = [[""], *documents[1:]]
    index.index(documents, show_progress=False)
    return index


def _interviewer_questions(session: Session) -> dict[int, str]:
    """Text of every interviewer turn that segments answer, sliced in the database."""
    answered = select(Segment.question_turn_id).where(Segment.question_turn_id.is_not(None))
    rows = session.execute(
        select(Turn.id, func.substr(Transcript.text, Turn.start + 1, Turn.end - Turn.start))
        .join(Transcript, Turn.transcript_id == Transcript.id)
        .where(Turn.id.in_(answered))
    )
    return {turn: text or "" for turn, text in rows}


class _EmptyBackend(DenseBackend):
    name = "none"

    def similarities(self, terms: dict[str, float], question: str) -> np.ndarray:
        return np.zeros(0, dtype=np.float32)


def expand_terms(
    terms: list[str], lemmas: list[str], splitter: CompoundSplitter, text: str = ""
) -> list[str]:
    """Terms plus the parts of the compounds among ``lemmas`` (or, without lemmas, among the
    words of ``text``); each compound adds its parts once per occurrence, so
    "buitenlandstage" counts for "buitenland" and for "stage"."""
    expanded = list(terms)
    for item in lemmas or quick_words(text):
        expanded.extend(splitter.parts(item))
    return expanded


def build_code_layer(session: Session, index: TextIndex, fingerprint: tuple) -> CodeLayer:
    """Codes as terms, and where each is applied (accepted, or suggested above threshold)."""
    rows = list(session.scalars(select(Code).order_by(Code.position, Code.key)))
    lemmas = lemmatise(
        text for code in rows for text in (code.label, f"{code.definition} {code.when_to_use}")
    )
    codes = {}
    for number, code in enumerate(rows):
        codes[code.key] = CodeInfo(
            key=code.key,
            label=code.label,
            keywords=frozenset(match_key(k) for word in code.keywords for k in word.split()),
            phrases=tuple(
                tuple(match_key(w) for w in phrase.split()) for phrase in code.phrases
            ),
            label_terms=frozenset(match_key(lemma) for lemma in lemmas[2 * number]),
            definition_terms=frozenset(match_key(lemma) for lemma in lemmas[2 * number + 1]),
        )
    applied: dict[str, list[int]] = {}
    states = segment_codes(session) if len(index) else {}
    for segment_id, state in states.items():
        row = index.row_of.get(segment_id)
        if row is None:
            continue
        for key in state.applied:
            applied.setdefault(key, []).append(row)
    return CodeLayer(
        codes=codes,
        applied={key: np.array(sorted(rows), dtype=np.int64) for key, rows in applied.items()},
        fingerprint=fingerprint,
    )


# --- fingerprints and the per-project cache ---------------------------------------------------


def text_fingerprint(session: Session, embedding_spec: str | None) -> tuple:
    """Changes when segments are added, removed or re-cut, or transcript metadata is edited."""
    segments = session.execute(
        select(
            func.count(Segment.id), func.max(Segment.id),
            func.coalesce(func.sum(Segment.end - Segment.start), 0),
        ).where(Segment.codable.is_(True))
    ).one()
    digest = hashlib.sha256()
    for row in session.execute(
        select(
            Transcript.id, Transcript.source_name, Transcript.institution,
            Transcript.sector, Transcript.region,
        ).order_by(Transcript.id)
    ):
        digest.update(json.dumps(list(row), ensure_ascii=False).encode())
    return (*segments, digest.hexdigest(), embedding_spec or "")


def code_fingerprint(session: Session) -> tuple:
    """Changes with every coding decision, codebook edit, threshold or phase judgement."""
    codings = session.execute(select(func.count(Coding.id), func.max(Coding.id))).one()
    judged = session.execute(select(func.max(PhaseJudgement.id))).scalar()
    digest = hashlib.sha256()
    for code in session.scalars(select(Code).order_by(Code.key)):
        digest.update(
            json.dumps(
                [code.key, code.label, code.keywords, code.phrases, code.definition,
                 code.when_to_use, code.threshold],
                ensure_ascii=False,
            ).encode()
        )
    threshold = session.get(Meta, f"setting:{THRESHOLD_SETTING}")
    return (*codings, judged, digest.hexdigest(), threshold.value if threshold else None)


@dataclass
class _Entry:
    text: TextIndex | None = None
    codes: CodeLayer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE: dict[str, _Entry] = {}
_CACHE_LOCK = threading.Lock()
MAX_CACHED_PROJECTS = 4


def project_index(session: Session, project_key: str) -> tuple[TextIndex, CodeLayer]:
    """The project's index, rebuilt only when a fingerprint changed since the last call.

    ``project_key`` names the project (its database URL). One lock per project makes
    concurrent callers (several browser tabs) wait for a single rebuild.
    """
    with _CACHE_LOCK:
        entry = _CACHE.pop(project_key, None) or _Entry()
        _CACHE[project_key] = entry  # most recently used last
        while len(_CACHE) > MAX_CACHED_PROJECTS:
            _CACHE.pop(next(iter(_CACHE)))
    with entry.lock:
        row = session.get(Meta, f"setting:{EMBEDDING_SETTING}")
        spec = row.value if row is not None else None
        fingerprint = text_fingerprint(session, spec)
        if entry.text is None or entry.text.fingerprint != fingerprint:
            entry.text = build_text_index(session, load_embedder(spec), fingerprint)
            entry.codes = None
        codes = code_fingerprint(session)
        if entry.codes is None or entry.codes.fingerprint != codes:
            entry.codes = build_code_layer(session, entry.text, codes)
        return entry.text, entry.codes


def clear_cache() -> None:
    """Forget every cached index (tests, and a user who wants to free memory)."""
    with _CACHE_LOCK:
        _CACHE.clear()
