"""The findings as plain data: segments in, points out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FindingSegment:
    """A respondent segment as the findings see it.

    ``reviewed``: codes a person accepted (with their ancestors). ``suggested``: codes an
    automatic suggestion applies above the precision cut that nobody has decided on (a
    rejected suggestion is not here). The two are kept apart so the prose can say which.
    ``strongest``: the top-level theme this segment is most about (a person's codes first,
    then the highest suggestion), used to keep quotes under their own chapter.
    """

    segment_id: int
    transcript_id: int
    institution: str
    text: str
    lemmas: tuple[str, ...]
    reviewed: frozenset[str]
    suggested: frozenset[str]
    strongest: str | None = None

    def carries(self, key: str) -> bool:
        return key in self.reviewed or key in self.suggested


@dataclass(frozen=True)
class Evidence:
    """One segment behind a point; ``reviewed`` when a person coded it with the sub-theme."""

    segment_id: int
    institution: str
    text: str
    reviewed: bool
    denies: bool = False


@dataclass
class Point:
    """One thing respondents say within a sub-theme.

    ``source`` is "aspect" (named in the codebook) or "cluster" (found in what was left).
    ``colleges`` make the point; ``contrast`` say it does not apply to them or the opposite.
    ``reviewed_colleges`` is the subset of ``colleges`` with at least one reviewed passage.
    ``review``: per college the evaluator decided on, "makes" or "not" (see :mod:`.review`).
    """

    code: str
    label: str
    source: str
    evidence: list[Evidence] = field(default_factory=list)
    description: str = ""
    terms: tuple[str, ...] = ()
    review: dict[str, str] = field(default_factory=dict)
    set_aside: list[Evidence] = field(default_factory=list)  # passages of colleges taken out

    @property
    def denying(self) -> set[str]:
        """Colleges with a passage saying the point does not apply to them."""
        return {e.institution for e in self.evidence if e.denies}

    @property
    def supporting(self) -> list[Evidence]:
        """The passages that make the point: not denials, and not from a college that denies
        it elsewhere ("speelt bij ons niet" outweighs a passing mention)."""
        denying = self.denying
        return [e for e in self.evidence if not e.denies and e.institution not in denying]

    @property
    def colleges(self) -> list[str]:
        return sorted({e.institution for e in self.supporting}, key=str.casefold)

    @property
    def contrast(self) -> list[str]:
        return sorted(self.denying, key=str.casefold)

    @property
    def reviewed_colleges(self) -> list[str]:
        return sorted({e.institution for e in self.supporting if e.reviewed}, key=str.casefold)

    @property
    def provisional(self) -> bool:
        """True when no passage behind the point was coded by a person."""
        return not any(e.reviewed for e in self.evidence)

    @property
    def segment_ids(self) -> list[int]:
        return [e.segment_id for e in self.evidence]


@dataclass
class SubThemeFindings:
    """The points of one sub-theme (or of a theme's passages that carry no sub-theme)."""

    code: str
    label: str
    colleges: list[str]
    points: list[Point] = field(default_factory=list)
    is_list: bool = False  # a sub-theme of measures or principles: written as a bulleted list
