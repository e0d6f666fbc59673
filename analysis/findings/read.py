"""From the project's database to :class:`FindingSegment` rows (the only part that reads SQL)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.codebook_store import read_codebook
from analysis.coding.state import parent_map, thresholds, with_ancestors
from analysis.findings.extract import find_points
from analysis.findings.model import FindingSegment, SubThemeFindings
from analysis.findings.review import PointDecision, apply_review
from analysis.phases import Codings
from analysis.store import PointDecision as PointDecisionRow
from analysis.store import Segment, Transcript, Turn

# A suggestion counts for a point only at or above this confidence (or the code's own threshold
# when that is higher): findings name colleges, so a wrong suggestion costs more than a missed
# one. Chosen on the coding gold of the sample (tests/data/gold_dev.jsonl), not on the findings
# gold; see docs/findings.md.
PRECISION_CUT = 0.6


def read_segments(session: Session, codings: Codings | None = None) -> list[FindingSegment]:
    """Every codable respondent segment with a person's codes and the suggestions above the cut."""
    codings = codings or Codings.read(session)
    parents = parent_map(session)
    limits = thresholds(session)
    accepted: dict[int, set[str]] = defaultdict(set)
    for segment_id, key in codings.accepted:
        accepted[segment_id].add(key)
    rows = session.execute(
        select(Segment.id, Segment.transcript_id, Transcript.institution, Segment.text,
               Segment.lemmas)
        .join(Turn, Segment.turn_id == Turn.id)
        .join(Transcript, Segment.transcript_id == Transcript.id)
        .where(Segment.codable.is_(True), Turn.role == "respondent")
        .order_by(Segment.transcript_id, Segment.start, Segment.id)
    ).all()
    result = []
    for segment_id, transcript_id, institution, text, lemmas in rows:
        state = codings.applied.get(segment_id)
        strong = {
            key: confidence for key, confidence in (state.suggestions if state else ())
            if confidence >= max(limits.get(key, 0.0), PRECISION_CUT)
            and (segment_id, key) not in codings.rejected
        }
        mine = accepted.get(segment_id, set())
        decided = with_ancestors(mine, parents)
        weights = {key: 1.0 for key in mine} | {k: v for k, v in strong.items() if k not in mine}
        result.append(
            FindingSegment(
                segment_id=segment_id,
                transcript_id=transcript_id,
                institution=institution or "",
                text=text,
                lemmas=tuple((lemmas or "").split()),
                reviewed=frozenset(decided),
                suggested=frozenset(with_ancestors(strong, parents) - decided),
                strongest=_top(max(weights, key=lambda k: (weights[k], k)), parents)
                if weights else None,
            )
        )
    return result


def _top(key: str, parents: dict[str, str | None]) -> str:
    while parents.get(key) is not None:
        key = parents[key]  # type: ignore[assignment]
    return key


def findings_for(
    session: Session, codings: Codings | None = None,
    segments: list[FindingSegment] | None = None,
) -> dict[str, SubThemeFindings]:
    """The project's findings: its segments (``segments`` when the caller read them already,
    as the report does for the phase steps too), its codebook, its names kept out of labels,
    and the evaluator's point review applied."""
    from analysis.topics.vocabulary import name_words

    if segments is None:
        segments = read_segments(session, codings)
    found = find_points(segments, read_codebook(session), excluded_words=name_words(session))
    return apply_review(found, read_point_decisions(session))


def read_point_decisions(session: Session) -> list[PointDecision]:
    """The evaluator's point decisions (table ``point_decision``)."""
    return [
        PointDecision(row.code, row.point, row.institution, row.verdict)
        for row in session.scalars(select(PointDecisionRow))
    ]
