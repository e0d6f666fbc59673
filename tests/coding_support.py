"""Hand-built interviews for the coding tests: exact segments, no dependence on the segmenter.

``add_interview`` stores one transcript whose respondent turns are cut into exactly the
segments given, with real offsets (``segment.text == transcript.text[start:end]``) and lemmas
from the shared Dutch pipeline, as the importer would store them.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import Project
from analysis.nlp import lemmatise
from analysis.store import Segment, Transcript, Turn


def add_interview(
    project: Project,
    name: str,
    exchanges: Sequence[tuple[str, Sequence[str]]],
    *,
    institution: str = "ROC Testdal",
) -> list[int]:
    """Store an interview of (question, answer segments) exchanges; returns the segment ids."""
    text, turns, cuts = "", [], []
    for question, answers in exchanges:
        text += "Interviewer: "
        turns.append(("Interviewer", "interviewer", len(text), len(text) + len(question)))
        text += question + "\n\nRespondent: "
        start = len(text)
        offsets = []
        for number, answer in enumerate(answers):
            if number:
                text += " "
            offsets.append((len(text), len(text) + len(answer)))
            text += answer
        turns.append(("Respondent", "respondent", start, len(text)))
        cuts.append(offsets)
        text += "\n\n"
    lemmas = lemmatise([text[a:b] for offsets in cuts for a, b in offsets])
    with project.store.session() as session:
        transcript = Transcript(
            name=name, source_name=name, sha256=name.ljust(64, "0")[:64], format="txt",
            text=text, institution=institution,
        )
        session.add(transcript)
        session.flush()
        rows = [
            Turn(transcript_id=transcript.id, index=k, speaker=s, role=r, start=a, end=b)
            for k, (s, r, a, b) in enumerate(turns)
        ]
        session.add_all(rows)
        session.flush()
        ids, number = [], 0
        for pair, offsets in enumerate(cuts):
            question, answer = rows[2 * pair], rows[2 * pair + 1]
            for a, b in offsets:
                segment = Segment(
                    transcript_id=transcript.id, turn_id=answer.id,
                    question_turn_id=question.id, index=number, start=a, end=b,
                    text=text[a:b], lemmas=" ".join(lemmas[number]), codable=True, kind="auto",
                )
                session.add(segment)
                session.flush()
                ids.append(segment.id)
                number += 1
    return ids
