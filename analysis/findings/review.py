"""Point review: the evaluator's word on which colleges make a point.

Why: the extractor names a college for a point from word evidence (an aspect's indicator words,
a cluster's shared words), and on colleges no rule was tuned on about a third of those names are
wrong (docs/findings.md, "Measured"). An evaluator reads a point's passages and knows at once
whether a college really makes it. A decision ("klopt" / "klopt niet" per college and point,
table ``point_decision``) is final for that pair: a confirmed college stays named, with its
passages counted as reviewed (so its sentence no longer reads as provisional); a rejected one is
no longer named for the point, and its passages are kept aside for the app to show.

Tried and left out: a classifier learned from these decisions that also judged the pairs nobody
decided (logistic regression over how the extractor named each pair). Trained on an evaluator's
decisions for four colleges of the sample, it left college precision on the other five where it
was (0.69 -> 0.68) and halved their college recall (0.44 -> 0.24); see docs/findings.md.

Data in, data out: findings and decisions in; the same findings with the decisions applied out,
each point's ``review`` saying per college what the evaluator decided.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from analysis.findings.model import Point, SubThemeFindings

MAKES, NOT = "makes", "not"
VERDICTS = (MAKES, NOT)


@dataclass(frozen=True)
class PointDecision:
    code: str
    point: str
    institution: str
    verdict: str


def point_key(point: Point) -> str:
    """A point's stable key: its source and label ("aspect:Korte reizen", "cluster:kas en
    plant"); the same as long as the codebook aspect or the cluster's words stay the same."""
    return f"{point.source}:{point.label}"


def apply_review(
    findings: dict[str, SubThemeFindings], decisions: Iterable[PointDecision]
) -> dict[str, SubThemeFindings]:
    """The findings with the evaluator's point decisions applied (in place; the same dict is
    returned). A decision on a college the extractor did not name for the point changes
    nothing: there is no passage to show for it."""
    decided = {(d.code, d.point, d.institution): d.verdict for d in decisions}
    if not decided:
        return findings
    for finding in findings.values():
        for point in finding.points:
            key = point_key(point)
            for college in point.colleges:
                verdict = decided.get((finding.code, key, college))
                if verdict is not None:
                    point.review[college] = verdict
            _settle(point)
        finding.points = [p for p in finding.points if p.colleges or p.contrast]
    return findings


def _settle(point: Point) -> None:
    """Set aside the passages of rejected colleges; mark a confirmed college's passages as
    reviewed (a person read them as making the point)."""
    out = {c for c, v in point.review.items() if v == NOT}
    confirmed = {c for c, v in point.review.items() if v == MAKES}
    point.set_aside = [e for e in point.evidence if not e.denies and e.institution in out]
    point.evidence = [
        dataclasses.replace(e, reviewed=True) if e.institution in confirmed and not e.denies else e
        for e in point.evidence
        if e.denies or e.institution not in out
    ]
