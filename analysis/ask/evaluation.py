"""How well questions find their answers: recall@k and MRR on a set of judged questions.

A question set is JSON Lines, one question per line::

    {"id": "q01", "question": "Wat zeggen bestuurders over de rol van ouders?",
     "quotes": [{"source": "amstelduin_2026-09-15.txt", "text": "Bij een deel van ..."}]}

``quotes`` are the answers to the question, one per passage where a respondent answers it:
``text`` verbatim from the transcript named by ``source``, and optional ``alternatives``, other
verbatim passages of the same answer (the sentences around it that answer just as well). A line
with ``"no_evidence": true`` and no quotes is a question the interviews cannot answer. Quotes
are matched to segments by character offsets, so an answer counts as found when a retrieved
segment overlaps its text or one of its alternatives, however segmentation cut the text.

* **recall@k** is the share of a question's quotes found among its first ``k`` segments,
  out of at most ``k`` (a question with nine answering quotes cannot show more than five in
  five places, so finding five of them is full recall); averaged over the questions.
* **MRR** is the mean of 1 / the rank of the first segment that overlaps any quote.
* **no-evidence accuracy**: the share of unanswerable questions that got "geen bewijs";
  **false no-evidence**: the number of answerable questions that got it, the worse mistake
  (the evaluator concludes the colleges never said it).

:func:`split_questions` halves a set deterministically (by the parity of each question's
place in id order) into a **tuning** half, the only questions ranking constants may be chosen
on, and a **held-out** half that shows whether a change generalises.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.ask.engine import catalogue_of
from analysis.ask.index import project_index
from analysis.ask.query import parse_question
from analysis.ask.retrieval import rank
from analysis.store import Segment, Transcript


class QuestionSetError(ValueError):
    """A question set that cannot be used, naming the file, line and problem."""


@dataclass(frozen=True)
class QuestionResult:
    id: str
    question: str
    quotes: int
    found: int  # quotes found in the first k segments
    first_relevant: int | None  # rank of the first segment overlapping a quote
    recall: float
    expected_no_evidence: bool
    no_evidence: bool


@dataclass(frozen=True)
class Evaluation:
    k: int
    results: list[QuestionResult]

    @property
    def answerable(self) -> list[QuestionResult]:
        return [r for r in self.results if not r.expected_no_evidence]

    @property
    def recall(self) -> float:
        items = self.answerable
        return sum(r.recall for r in items) / len(items) if items else 0.0

    @property
    def mrr(self) -> float:
        items = self.answerable
        if not items:
            return 0.0
        return sum(1 / r.first_relevant for r in items if r.first_relevant) / len(items)

    @property
    def no_evidence_accuracy(self) -> float | None:
        items = [r for r in self.results if r.expected_no_evidence]
        return sum(r.no_evidence for r in items) / len(items) if items else None

    @property
    def false_no_evidence(self) -> int:
        """Answerable questions that got "geen bewijs"."""
        return sum(r.no_evidence for r in self.answerable)


def load_questions(path: Path | str) -> list[dict]:
    """The questions of a JSON Lines file, checked for the fields evaluation needs."""
    path = Path(path)
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            raise QuestionSetError(f"{path}:{number}: not JSON ({error})") from error
        if not isinstance(item, dict) or not str(item.get("question", "")).strip():
            raise QuestionSetError(f"{path}:{number}: a question needs a 'question' text")
        quotes = item.get("quotes", [])
        if not quotes and not item.get("no_evidence"):
            raise QuestionSetError(f"{path}:{number}: no quotes and not marked no_evidence")
        for quote in quotes:
            if not {"source", "text"} <= set(quote):
                raise QuestionSetError(f"{path}:{number}: every quote needs 'source' and 'text'")
        questions.append(item)
    return questions


def split_questions(questions: list[dict]) -> tuple[list[dict], list[dict]]:
    """(tuning, held-out): the questions at even and at odd places in sorted id order.

    Fixed by the ids alone, so adding a question never moves an existing one between halves
    unless it sorts before it; answerable and unanswerable questions are split alike.
    """
    ordered = sorted(questions, key=lambda item: str(item.get("id", "")))
    return ordered[0::2], ordered[1::2]


def evaluate(
    session: Session, project_key: str, questions: list[dict], k: int = 5
) -> Evaluation:
    """Run every question (without filters or conversation) and score its ranking."""
    index, layer = project_index(session, project_key)
    catalogue = catalogue_of(index, layer)
    spans = _segment_spans(session, index)
    results = []
    for item in questions:
        gold = [_quote_rows(session, spans, quote) for quote in item.get("quotes", [])]
        query = parse_question(item["question"], index, catalogue)
        rows = [hit.row for hit in rank(index, layer, query, session).hits]
        position = {row: i for i, row in enumerate(rows, start=1)}
        ranks = [min((position[r] for r in quote if r in position), default=None) for quote in gold]
        found = sum(1 for r in ranks if r is not None and r <= k)
        results.append(
            QuestionResult(
                id=str(item.get("id", len(results) + 1)),
                question=item["question"],
                quotes=len(gold),
                found=found,
                first_relevant=min((r for r in ranks if r is not None), default=None),
                recall=found / min(k, len(gold)) if gold else 0.0,
                expected_no_evidence=bool(item.get("no_evidence")),
                no_evidence=not rows,
            )
        )
    return Evaluation(k=k, results=results)


def _segment_spans(session: Session, index) -> dict[int, list[tuple[int, int, int]]]:
    """Per transcript: (start, end, index row) of every indexed segment."""
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for segment_id, transcript_id, start, end in session.execute(
        select(Segment.id, Segment.transcript_id, Segment.start, Segment.end)
    ):
        row = index.row_of.get(segment_id)
        if row is not None:
            spans.setdefault(transcript_id, []).append((start, end, row))
    return spans


def _quote_rows(session: Session, spans: dict, quote: dict) -> set[int]:
    """Index rows of the segments that overlap an answer's passages (all verbatim)."""
    transcript = session.execute(
        select(Transcript.id, Transcript.text).where(Transcript.source_name == quote["source"])
    ).first()
    if transcript is None:
        raise QuestionSetError(f"no transcript {quote['source']!r} in the project")
    rows: set[int] = set()
    for passage in [quote["text"], *quote.get("alternatives", [])]:
        start = transcript.text.find(passage)
        if start < 0:
            raise QuestionSetError(
                f"{quote['source']}: passage not found verbatim: {passage[:60]!r}"
            )
        end = start + len(passage)
        found = {row for s, e, row in spans.get(transcript.id, []) if s < end and start < e}
        if not found:
            raise QuestionSetError(f"{quote['source']}: not respondent speech: {passage[:60]!r}")
        rows |= found
    return rows
