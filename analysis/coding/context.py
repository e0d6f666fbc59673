"""Context: what the interviewer asked, and what the rest of the answer is about.

A coder never reads a segment alone. Interviews are organised by theme, so the question a
segment answers says a good deal about its code ("Wat doen jullie voor studenten voor wie het
niet vanzelf gaat?" announces inclusion), and an answer of several segments usually stays on
one theme: the segment after "we hebben een buddysysteem" that says "en dat werkt echt" is
about the same measure without naming it.

Two kinds of evidence per (segment, code), each a confidence in [0, 1]:

- *question*: the rules and similarity suggesters run on the interviewer's question (the
  echo and interviewer exclusions of the rules concern the segment's own words; here the
  question is read on purpose, as context);
- *answer*: the strongest own evidence (rules and similarity, parents lifted) among the other
  segments that answer the same question.

Context supports; it does not code on its own. Each kind is weighted (``QUESTION_WEIGHT``,
``ANSWER_WEIGHT``, both below any sensible threshold) and scaled by the segment's own
substance (``similarity.substance``: n / (n + 4) for n content words), as similarity scales
short texts: a bare "Ja, klopt." under a question about inclusion gets next to nothing, a
substantive answer without the code's words gets a real push. The weights were set on the two
training interviews of the development gold, never on the held-out ones (README, "Coding
suggestions (dev set)").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.coding.evidence import noisy_or, zero_shot
from analysis.coding.items import CodeItem, Scores, SegmentItem
from analysis.coding.rules import RuleSuggester
from analysis.coding.similarity import substance
from analysis.nlp import lemmatise

QUESTION_WEIGHT = 0.5
ANSWER_WEIGHT = 0.5


# Similarity confidences of some items (rows) for every code (columns): TF-IDF or embedder.
SimilarityOf = Callable[[list[SegmentItem]], np.ndarray]


@dataclass(frozen=True)
class Questions:
    """The distinct interviewer questions that segments answer, each lemmatised once.

    Read by the context evidence here and by the learned models' question words
    (``learned.StackedFeatures``), so that each question goes through spaCy once per run.
    """

    items: list[SegmentItem]  # one per distinct question, its lemmas filled in
    row: np.ndarray  # per segment, its question's index in ``items``, or -1 for none


def answered_questions(segments: Sequence[SegmentItem]) -> Questions:
    texts = sorted({s.question for s in segments if s.question.strip()})
    items = [
        SegmentItem(id=k, text=text, lemmas=" ".join(words))
        for k, (text, words) in enumerate(zip(texts, lemmatise(texts), strict=True))
    ]
    index = {text: k for k, text in enumerate(texts)}
    row = np.array([index.get(s.question, -1) for s in segments], dtype=np.int64)
    return Questions(items, row)


def question_evidence(
    questions: Questions, rules: RuleSuggester, similarity_of: SimilarityOf
) -> np.ndarray:
    """Rules and similarity on the question each segment answers (each question read once)."""
    result = np.zeros((len(questions.row), len(rules.codes)), dtype=np.float32)
    if not questions.items:
        return result
    scores = noisy_or(rules.scores(questions.items).confidence, similarity_of(questions.items))
    answered = questions.row >= 0
    result[answered] = scores[questions.row[answered]]
    return result


def answer_evidence(segments: Sequence[SegmentItem], own: np.ndarray) -> np.ndarray:
    """Per segment, the strongest ``own`` evidence among the other segments of its answer."""
    result = np.zeros_like(own, dtype=np.float32)
    answers: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, segment in enumerate(segments):
        if segment.answer is not None:
            answers[(segment.transcript_id, segment.answer)].append(i)
    for rows in answers.values():
        if len(rows) < 2:
            continue
        block = own[rows]
        order = np.argsort(-block, axis=0)
        columns = np.arange(block.shape[1])
        best, second = block[order[0], columns], block[order[1], columns]
        for position, i in enumerate(rows):
            is_best = order[0] == position
            result[i] = np.where(is_best, second, best)  # the best of the *others*
    return result


def context_scores(
    codes: Sequence[CodeItem],
    segments: Sequence[SegmentItem],
    questions: Questions,
    rules: RuleSuggester,
    similarity_of: SimilarityOf,
    own_rules: np.ndarray,
    own_similarity: np.ndarray,
) -> Scores:
    """The weighted context evidence of every segment and code, with its reasons."""
    own = zero_shot(codes, own_rules, own_similarity)
    weight = substance([s.key_text for s in segments])[:, None]
    question = QUESTION_WEIGHT * weight * question_evidence(questions, rules, similarity_of)
    answer = ANSWER_WEIGHT * weight * answer_evidence(segments, own)
    confidence = noisy_or(question, answer)

    def explain(i: int, j: int) -> dict:
        return {
            "question": round(float(question[i, j]), 3),
            "answer": round(float(answer[i, j]), 3),
        }

    return Scores("context", confidence, explain)
