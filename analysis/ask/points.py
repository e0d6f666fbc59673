"""The findings' points beside an answer: what the colleges say on the sub-theme(s) asked about.

A question such as "Welke maatregelen voor inclusie noemen de colleges?" is about a sub-theme of
the codebook. The answer's quotes come from retrieval; this module adds, as data, the points the
findings (:mod:`analysis.findings`) list for that sub-theme, so that ``ask``, the report and the
app say the same thing: each point's label, the colleges that make it (those with a passage a
person coded apart from those that rest on suggestions only, as the findings keep them), the
colleges that say the opposite or that it does not apply, and the passages behind it as
``[S<segment id>]`` references.

Data in, data out, and read-only towards the ranking: the points are chosen *after* ranking,
from the codes the question matched (:attr:`analysis.ask.answer.Answer.codes`, computed by
:func:`analysis.ask.retrieval.code_scores` for the ranking anyway) and the answer's filters,
so they never change which quotes an answer gives or in what order.

* **Which sub-themes**: the matched codes that score at least :data:`MIN_CODE_SCORE` and at
  least :data:`CODE_MARGIN` of the best-matching code that has findings; codes the question
  filters on (``code=``) too. A top-level theme chosen without any of its sub-themes brings its
  sub-themes. At most :data:`MAX_CODES` codes from the question's words.
* **The college filter** (and sector, region, phase: every filter that says *where*) applies to
  the points as to the quotes: only passages of colleges inside those filters count, so a
  point's colleges, its contrast and its references all stay inside the selection, and a point
  with no passage left is dropped (one with only a denial left shows who says it does not
  apply). The code filter does not narrow the colleges (a point's
  passages already carry its sub-theme).

The findings are computed once per project state (:func:`cached_findings`), not per question.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.findings.model import Point, SubThemeFindings

# A sub-theme counts as what the question is about when its match is at least this good ...
MIN_CODE_SCORE = 0.5
# ... and not far below the best match ("drempels voor deelname" is about inclusion barriers,
# though "drempels" also names the barriers for staff at a lower score).
CODE_MARGIN = 0.75
MAX_CODES = 3


@dataclass(frozen=True)
class AnswerPoint:
    """One point of the findings, as an answer shows it.

    ``reviewed``: colleges that make the point in a passage a person coded with the sub-theme;
    ``suggested``: colleges that make it only in passages an automatic suggestion coded;
    ``contrast``: colleges that say the opposite or that it does not apply to them.
    ``references`` and ``contrast_references`` cite the passages ("S12", as quotes are cited).
    """

    code: str
    theme: str  # the sub-theme's label
    label: str
    source: str  # "aspect" (named in the codebook) or "cluster" (found in what was left)
    reviewed: tuple[str, ...]
    suggested: tuple[str, ...]
    contrast: tuple[str, ...]
    references: tuple[str, ...]
    contrast_references: tuple[str, ...] = ()

    @property
    def colleges(self) -> tuple[str, ...]:
        return tuple(sorted({*self.reviewed, *self.suggested}, key=str.casefold))

    @property
    def provisional(self) -> bool:
        """True when no passage behind the point was coded by a person."""
        return not self.reviewed

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "theme": self.theme,
            "label": self.label,
            "source": self.source,
            "reviewed": list(self.reviewed),
            "suggested": list(self.suggested),
            "contrast": list(self.contrast),
            "references": list(self.references),
            "contrast_references": list(self.contrast_references),
            "provisional": self.provisional,
        }

    def lines(self) -> list[str]:
        """The point in plain Dutch, one line per part (what the CLI prints; the app too)."""
        lines = [f"{self.label} ({_count(len(self.colleges))})" if self.colleges else self.label]
        if self.reviewed:
            lines.append("beoordeeld fragment: " + ", ".join(self.reviewed))
        if self.suggested:
            lines.append("alleen voorstel, niet beoordeeld: " + ", ".join(self.suggested))
        if self.contrast:
            lines.append("zegt het tegendeel of dat het niet speelt: " + ", ".join(self.contrast))
        refs = [", ".join(self.references)] if self.references else []
        if self.contrast_references:
            refs.append("tegendeel: " + ", ".join(self.contrast_references))
        lines.append("fragmenten: " + "; ".join(refs))
        return lines


def _count(colleges: int) -> str:
    return f"{colleges} {'instelling' if colleges == 1 else 'instellingen'}"


def point_codes(
    codes: Mapping[str, float],
    available: Collection[str],
    parents: Mapping[str, str | None],
    filter_codes: Iterable[str] = (),
) -> list[str]:
    """The codes (with findings) a question is about, best match first (module docstring)."""
    available = list(available)
    themes = {parents.get(key) for key in available} - {None}
    known = {*available, *themes}  # a theme without points of its own stands for its sub-themes
    scored = {key: score for key, score in codes.items() if key in known}
    asked: list[str] = []
    if scored:
        best = max(scored.values())
        cut = max(MIN_CODE_SCORE, CODE_MARGIN * best)
        asked = [key for key, score in scored.items() if score >= cut][:MAX_CODES]
    chosen = [*(key for key in filter_codes if key in known), *asked]
    result: list[str] = []
    for key in chosen:
        wanted = [key] if key in available else []
        if not any(parents.get(other) == key for other in chosen):  # a theme asked as a whole
            wanted.extend(k for k in available if parents.get(k) == key)
        result.extend(k for k in wanted if k not in result)
    return result


def answer_points(
    findings: Mapping[str, SubThemeFindings],
    codes: Mapping[str, float],
    parents: Mapping[str, str | None],
    *,
    scope: Collection[str] | None = None,
    filter_codes: Iterable[str] = (),
) -> list[AnswerPoint]:
    """The points of the sub-themes the question is about, inside ``scope`` (the colleges the
    answer's filters keep; None: all), in the findings' order per sub-theme."""
    available = [key for key, found in findings.items() if found.points]
    result = []
    for key in point_codes(codes, available, parents, filter_codes):
        found = findings[key]
        for point in found.points:
            kept = _inside(point, scope)
            if kept is not None:
                result.append(_as_answer_point(kept, found.label))
    return result


def _inside(point: Point, scope: Collection[str] | None) -> Point | None:
    """The point with only the passages of colleges in ``scope``; None when none is left (a
    point that only a denial in scope keeps shows who says it does not apply)."""
    if scope is None:
        return point if point.evidence else None
    wanted = set(scope)
    kept = replace(point, evidence=[e for e in point.evidence if e.institution in wanted])
    return kept if kept.evidence else None


def _as_answer_point(point: Point, theme: str) -> AnswerPoint:
    reviewed = point.reviewed_colleges
    contrast = set(point.contrast)
    return AnswerPoint(
        code=point.code,
        theme=theme,
        label=point.label,
        source=point.source,
        reviewed=tuple(reviewed),
        suggested=tuple(c for c in point.colleges if c not in set(reviewed)),
        contrast=tuple(point.contrast),
        references=tuple(f"S{e.segment_id}" for e in point.supporting),
        contrast_references=tuple(
            f"S{e.segment_id}" for e in point.evidence if e.denies and e.institution in contrast
        ),
    )


def renamed(points: list[AnswerPoint], rename: Callable[[str], str]) -> list[AnswerPoint]:
    """The points with every college name passed through ``rename`` (pseudonymised answers)."""
    return [
        replace(
            p,
            reviewed=tuple(rename(c) for c in p.reviewed),
            suggested=tuple(rename(c) for c in p.suggested),
            contrast=tuple(rename(c) for c in p.contrast),
        )
        for p in points
    ]


# --- the findings, once per project state ----------------------------------------------------


@dataclass
class _Cached:
    fingerprint: tuple
    findings: dict[str, SubThemeFindings]


_CACHE: dict[str, _Cached] = {}
_LOCK = threading.Lock()
MAX_CACHED_PROJECTS = 4


def findings_fingerprint(
    session: Session, index_fingerprint: tuple, code_fingerprint: tuple
) -> tuple:
    """What the findings depend on beyond the ask index's fingerprints (segments, codings,
    codebook words, thresholds): the codebook's tree and aspects, the names kept out of point
    labels (people found in the answers) and the evaluator's point decisions."""
    from analysis.names.replace import IGNORED
    from analysis.store import Code, Identifier, Mention, PointDecision

    digest = hashlib.sha256()
    for row in session.execute(select(Code.key, Code.parent_key, Code.extra).order_by(Code.key)):
        digest.update(json.dumps(list(row), ensure_ascii=False, sort_keys=True).encode())
    names = tuple(
        tuple(session.execute(
            select(func.count(table.id), func.max(table.id)).where(table.status != IGNORED)
        ).one())
        for table in (Identifier, Mention)
    )
    # A decision replaced is a new row (new max id), an undo a removed one (new count).
    reviews = tuple(session.execute(
        select(func.count(PointDecision.id), func.max(PointDecision.id))
    ).one())
    return (index_fingerprint, code_fingerprint, digest.hexdigest(), names, reviews)


def cached_findings(
    project_key: str, fingerprint: tuple, compute: Callable[[], dict[str, SubThemeFindings]]
) -> dict[str, SubThemeFindings]:
    """The project's findings, computed again only when ``fingerprint`` changed."""
    with _LOCK:
        entry = _CACHE.get(project_key)
        if entry is not None and entry.fingerprint == fingerprint:
            return entry.findings
    findings = compute()
    with _LOCK:
        _CACHE.pop(project_key, None)
        _CACHE[project_key] = _Cached(fingerprint, findings)
        while len(_CACHE) > MAX_CACHED_PROJECTS:
            _CACHE.pop(next(iter(_CACHE)))
    return findings


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
