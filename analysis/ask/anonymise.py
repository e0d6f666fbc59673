"""An answer of ``ask`` with its names replaced, for sharing it outside the project team.

Every part that can carry a name goes through the project's
:class:`~analysis.pseudonymise.Pseudonymiser` (colleges, respondents, interviewers, and the
people, e-mail addresses and phone numbers found inside the answers): the question, the notes,
each quote with the people of its own interview, its question and source, the summary
sentences, the colleges with evidence, a local model's summary, and the colleges of the
findings' points.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.ask.answer import Answer
from analysis.ask.points import renamed
from analysis.pseudonymise import Pseudonymiser
from analysis.store import Segment, id_chunks


def pseudonymise_answer(session: Session, answer: Answer) -> Answer:
    """A copy of ``answer`` with every name replaced (see the module docstring)."""
    anon = Pseudonymiser.from_session(session)
    ids = [quote.segment_id for quote in answer.quotes]
    transcript_of: dict[int, int] = {}
    for chunk in id_chunks(ids):
        transcript_of.update(
            session.execute(
                select(Segment.id, Segment.transcript_id).where(Segment.id.in_(chunk))
            ).all()
        )
    quotes = [
        replace(
            quote,
            institution=anon.institution(quote.institution),
            source=anon.file_name(quote.source),
            text=anon.text(quote.text, transcript_id=transcript_of.get(quote.segment_id)),
            question=anon.text(quote.question, transcript_id=transcript_of.get(quote.segment_id)),
        )
        for quote in answer.quotes
    ]
    summary = [
        replace(sentence, text=anon.text(sentence.text),
                institution=anon.institution(sentence.institution))
        for sentence in answer.summary
    ]
    generated = answer.generated
    if generated is not None:
        generated = replace(
            generated,
            sentences=[replace(s, text=anon.text(s.text)) for s in generated.sentences],
            dropped=[anon.text(text) for text in generated.dropped],
        )
    return replace(
        answer,
        question=anon.text(answer.question),
        quotes=quotes,
        summary=summary,
        institutions=[anon.institution(i) for i in answer.institutions],
        institutions_in_scope=[anon.institution(i) for i in answer.institutions_in_scope],
        partial=[anon.institution(i) for i in answer.partial],
        notes=[anon.text(note) for note in answer.notes],
        generated=generated,
        points=renamed(answer.points, anon.institution),
    )
