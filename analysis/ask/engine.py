"""One question, start to end: index, query, ranking, answer, optional model summary.

This is what :meth:`analysis.project.Project.ask` calls with one transactional session.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.ask.answer import Answer, compose
from analysis.ask.conversation import Conversation
from analysis.ask.index import CodeLayer, TextIndex, project_index
from analysis.ask.llm import generate_summary
from analysis.ask.points import (
    MIN_CODE_SCORE,
    AnswerPoint,
    answer_points,
    cached_findings,
    findings_fingerprint,
)
from analysis.ask.query import Catalogue, Filters, Query, parse_question
from analysis.ask.retrieval import AskError, filter_mask, rank
from analysis.coding.state import parent_map, segment_codes
from analysis.llm.client import LLMClient
from analysis.llm.config import LLMError
from analysis.store import Transcript, Turn

DEFAULT_TOP_K = 10
MAX_TOP_K = 200


def ask(
    session: Session,
    project_key: str,
    question: str,
    *,
    top_k: int = DEFAULT_TOP_K,
    filters: Filters | None = None,
    conversation: Conversation | None = None,
    points: bool = True,
) -> Answer:
    """Answer ``question`` from the project's respondent segments (see :mod:`analysis.ask`).

    ``filters`` narrow the answer and win over names used in the question. With a
    ``conversation`` the question may be a follow-up, and is recorded in it. ``points``: add
    the findings' points for the sub-themes asked about (:mod:`analysis.ask.points`); they are
    chosen after the ranking and never change it.
    """
    if not question or not question.strip():
        raise AskError("the question is empty")
    if not 1 <= top_k <= MAX_TOP_K:
        raise AskError(f"the number of quotes must be between 1 and {MAX_TOP_K}, not {top_k}")
    index, layer = project_index(session, project_key)
    catalogue = catalogue_of(index, layer)
    if conversation is not None:
        query = conversation.resolve(question, index, catalogue, filters)
    else:
        query = parse_question(" ".join(question.split()), index, catalogue, filters)
    answer = answer_query(session, index, layer, query, top_k)
    if points:  # also without quotes: the coded passages are the report's evidence
        answer.points = findings_points(session, project_key, index, layer, query, answer.codes)
    if conversation is not None:
        conversation.record(question, query, answer.count_text, tuple(q.id for q in answer.quotes))
    return answer


def findings_points(
    session: Session, project_key: str, index: TextIndex, layer: CodeLayer, query: Query,
    codes: dict[str, float],
) -> list[AnswerPoint]:
    """The findings' points for the codes a question matched, inside the query's filters that
    say where (college, sector, region, phase), from findings cached per project state."""
    from analysis.findings.read import findings_for

    if not query.filters.codes and not any(s >= MIN_CODE_SCORE for s in codes.values()):
        return []  # about no sub-theme: the findings are not even read
    fingerprint = findings_fingerprint(session, index.fingerprint, layer.fingerprint)
    findings = cached_findings(project_key, fingerprint, lambda: findings_for(session))
    where = query.filters.scope
    scope = None
    if where:
        mask, _ = filter_mask(index, layer, where, session)
        scope = {index.institution(row) for row in np.flatnonzero(mask).tolist()}
    return answer_points(
        findings, codes, parent_map(session), scope=scope, filter_codes=query.filters.codes
    )


def add_generated_summary(
    answer: Answer, client: LLMClient, conversation: Conversation | None = None
) -> Answer:
    """Let a language model add a cited answer to an answer with evidence.

    Called outside any database transaction, since a model may take a minute. In a follow-up
    the model also reads the conversation's earlier questions and its kept answers. When the
    model cannot be reached or replies nonsense, the answer says so and stands without it.
    """
    if answer.no_evidence:
        return answer
    quotes = [(q.id, q.institution, q.text) for q in answer.quotes]
    history = conversation.history() if conversation is not None and answer.query.context else []
    try:
        answer.generated = generate_summary(answer.query.text, quotes, client, history)
    except LLMError as error:
        answer.notes.append(f"Geen antwoord door het taalmodel: {error}.")
        return answer
    if conversation is not None:
        conversation.note_generated(answer.generated.text)
    return answer


def answer_query(
    session: Session, index: TextIndex, layer: CodeLayer, query: Query, top_k: int
) -> Answer:
    """Rank and compose, fetching the interviewer questions and codes of the chosen quotes."""
    ranking = rank(index, layer, query, session)
    chosen = ranking.hits[:top_k]
    ids = [hit.segment_id for hit in chosen]
    states = segment_codes(session, ids) if ids else {}
    codes = {segment_id: tuple(state.applied) for segment_id, state in states.items()}
    turns = {hit.segment_id: index.question_turn_ids[hit.row] for hit in chosen}
    return compose(index, query, ranking, top_k, interviewer_questions(session, turns), codes)


def interviewer_questions(session: Session, turns: dict[int, int | None]) -> dict[int, str]:
    """Segment id -> the text of the interviewer turn it answers."""
    wanted = {turn for turn in turns.values() if turn is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(Turn.id, Turn.start, Turn.end, Turn.transcript_id).where(Turn.id.in_(wanted))
    ).all()
    texts = dict(
        session.execute(
            select(Transcript.id, Transcript.text).where(
                Transcript.id.in_({row.transcript_id for row in rows})
            )
        ).all()
    )
    spoken = {row.id: texts[row.transcript_id][row.start : row.end].strip() for row in rows}
    return {segment: spoken.get(turn, "") for segment, turn in turns.items() if turn is not None}


def catalogue_of(index: TextIndex, layer: CodeLayer) -> Catalogue:
    """The names a question may use, built once per code layer (it depends on both layers,
    and a new text index always comes with a new code layer)."""
    if not isinstance(layer.catalogue, Catalogue):
        layer.catalogue = Catalogue.of(index, layer)
    return layer.catalogue
