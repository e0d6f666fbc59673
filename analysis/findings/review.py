"""Point review: the evaluator's word on which colleges make a point, and a judge learned from it.

Why: the extractor names a college for a point from word evidence (an aspect's indicator words,
a cluster's shared words). Rules of that kind were tuned three times and each time fitted the
colleges they were tuned on, not the others (docs/findings.md, "Measured"). An evaluator reads
a point's passages and knows at once whether a college really makes it. So:

* a decision ("klopt" / "klopt niet" per college and point, table ``point_decision``) is final
  for that pair: a confirmed college stays named, with its passages counted as reviewed; a
  rejected one is no longer named for the point;
* from those decisions a small classifier (logistic regression on a few properties of the
  pair that say how the extractor came to name it) judges the pairs nobody decided on, once
  there are at least :data:`MIN_DECISIONS` decisions of both kinds: pairs it thinks the college
  does not make are dropped from the draft and shown as "valt af" in the app, where the
  evaluator can still confirm them. Below that, or with one kind only, it does nothing.

Data in, data out: findings, segments and decisions in; the same findings with the review
applied out, and each point's ``review`` saying per college how its place was decided.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis.findings.model import FindingSegment, Point, SubThemeFindings

MAKES, NOT = "makes", "not"
KEPT, DROPPED = "kept", "dropped"  # the judge's view of an undecided pair
VERDICTS = (MAKES, NOT)
# The judge learns only from this many decisions (both kinds present): with fewer, a classifier
# on these features says more about the few pairs decided than about the rest.
MIN_DECISIONS = 20
KEEP_PROBABILITY = 0.5  # not tuned: the classifier's own boundary (balanced class weights)


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


FEATURES = (
    "passages", "share", "reviewed", "term_hits", "breadth", "cluster", "length", "elsewhere",
)


def pair_features(
    point: Point, college: str, finding: SubThemeFindings, segments: dict[int, FindingSegment],
    members: Counter[tuple[str, str]],
) -> list[float]:
    """How the extractor came to name ``college`` for ``point`` (the order of :data:`FEATURES`):
    log passages, their share of the college's passages on the sub-theme, whether a person coded
    one of them, most of the point's words in one passage, share of the sub-theme's colleges the
    point names, cluster or aspect, log mean length, and in how many other points of the
    sub-theme the college is named (a college named everywhere is named loosely)."""
    own = [e for e in point.supporting if e.institution == college]
    words = {w for term in point.terms for w in term.split()}
    lemmas = [segments[e.segment_id].lemmas for e in own if e.segment_id in segments]
    hits = max((len(words & set(ls)) for ls in lemmas), default=0)
    length = sum(len(ls) for ls in lemmas) / len(lemmas) if lemmas else 0.0
    elsewhere = sum(college in p.colleges for p in finding.points if p is not point)
    return [
        math.log1p(len(own)),
        len(own) / max(members[(finding.code, college)], 1),
        float(any(e.reviewed for e in own)),
        float(hits),
        len(point.colleges) / max(len(finding.colleges), 1),
        float(point.source == "cluster"),
        math.log1p(length),
        float(elsewhere),
    ]


class PointJudge:
    """A logistic regression over :func:`pair_features`, fitted on the decided pairs."""

    def __init__(self, rows: Sequence[list[float]], labels: Sequence[int]) -> None:
        # scikit-learn only where decisions exist: a draft without them imports none of it.
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.model = make_pipeline(
            StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000)
        )
        self.model.fit(rows, labels)

    def keeps(self, rows: Sequence[list[float]]) -> list[bool]:
        if not rows:
            return []
        return [p >= KEEP_PROBABILITY for p in self.model.predict_proba(rows)[:, 1]]


def apply_review(
    findings: dict[str, SubThemeFindings],
    segments: Iterable[FindingSegment],
    decisions: Iterable[PointDecision],
) -> dict[str, SubThemeFindings]:
    """The findings with the evaluator's decisions and the judge's view applied (in place; the
    same dict is returned). Each point's ``review`` maps a college to how its place was decided:
    "makes"/"not" (the evaluator), "kept"/"dropped" (the judge)."""
    by_id = {s.segment_id: s for s in segments}
    members: Counter[tuple[str, str]] = Counter()
    for segment in by_id.values():
        for code in segment.reviewed | segment.suggested:
            members[(code, segment.institution)] += 1
    decided = {(d.code, d.point, d.institution): d.verdict for d in decisions}
    pairs = [
        (finding, point, college)
        for finding in findings.values() for point in finding.points for college in point.colleges
    ]
    features = {
        (f.code, point_key(p), c): pair_features(p, c, f, by_id, members) for f, p, c in pairs
    }
    judge = _fit(features, decided)
    open_pairs = [key for key in features if key not in decided]
    kept = dict(zip(
        open_pairs, judge.keeps([features[k] for k in open_pairs]) if judge else [], strict=False
    ))
    for finding in findings.values():
        for point in finding.points:
            key = point_key(point)
            for college in point.colleges:
                verdict = decided.get((finding.code, key, college))
                if verdict is None and (finding.code, key, college) in kept:
                    verdict = KEPT if kept[(finding.code, key, college)] else DROPPED
                if verdict is not None:
                    point.review[college] = verdict
            _settle(point)
        finding.points = [p for p in finding.points if p.colleges or p.contrast]
    return findings


def _fit(
    features: dict[tuple[str, str, str], list[float]], decided: dict[tuple[str, str, str], str]
) -> PointJudge | None:
    known = [key for key in features if key in decided]
    labels = [int(decided[key] == MAKES) for key in known]
    if len(known) < MIN_DECISIONS or len(set(labels)) < 2:
        return None
    return PointJudge([features[key] for key in known], labels)


def _settle(point: Point) -> None:
    """Drop the passages of colleges rejected or judged out; mark a confirmed college's
    passages as reviewed (a person read them as making the point)."""
    out = {c for c, v in point.review.items() if v in (NOT, DROPPED)}
    confirmed = {c for c, v in point.review.items() if v == MAKES}
    point.set_aside = [e for e in point.evidence if not e.denies and e.institution in out]
    point.evidence = [
        dataclasses.replace(e, reviewed=True) if e.institution in confirmed and not e.denies else e
        for e in point.evidence
        if e.denies or e.institution not in out
    ]
