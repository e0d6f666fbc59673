"""The steps colleges describe taking to move from one development phase to the next.

A publication's phases chapter does not stop at "who is where": it tells what colleges did to
get further ("we zijn begonnen met één coördinator; inmiddels heeft elk team een
contactpersoon"). This module finds those passages as data (segments in, steps out), so the
report writes them as generated sentences with their evidence and the app could list them:

* a **step passage** is a respondent passage that is evidence about the phases (it carries a
  code, by a person or by a suggestion above the findings' precision cut, or the phase
  estimate found a phase indicator in it) *and* describes a change over time: one of
  :data:`CHANGE_CUES` ("begonnen met", "sinds twee jaar", "inmiddels", "daarna", "de volgende
  stap", "niet meer" …) occurs in its text;
* the **kind of step** comes from :data:`STEP_KINDS`: what the passage says was changed
  (coordination, policy, partners, staff, quality cycle, curriculum, spreading wider), found by
  word stems in its lemmas so that compounds count ("internationaliseringscoördinator",
  "instellingsbeleid"). A passage may describe more than one kind; a passage with a change cue
  but no kind is not a step (it tells that something changed, not what).

Each kind with a college becomes a :class:`~analysis.findings.model.Point` (code
``phases.steps.<kind>``), so the quantifiers, the "(voorlopig)" rule and the Word comments work
as for every other finding: a step is reviewed when a person coded one of its passages. The cues
and kinds are our own lists, written from the KIS 2020 phase descriptions in the codebook and
the crafted fixture ``tests/data/steps`` (not from the sample corpus or any blind gold).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.findings.model import Evidence, FindingSegment, Point

if TYPE_CHECKING:
    from analysis.phases import PhaseAssessment

STEPS_CODE = "phases.steps"

# Phrases that set a passage in a development over time. Our own list (no offline Dutch tense
# model): the openings board members use when they tell how far they have come.
CHANGE_CUES = re.compile(
    r"\b(?:begonnen|begon|begin(?:nen)? we|sinds(?:dien)?|inmiddels|intussen|tegenwoordig|"
    r"daarna|daarop|vervolgens|volgende stap|eerste stap|stap(?:pen)? gezet|stap voor stap|"
    r"vroeger|aanvankelijk|in het begin|niet meer|geleden|gegroeid|opgeschaald|uitgebreid)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StepKind:
    """What a step changed: a label that reads inside a sentence, and the stems that show it."""

    key: str
    label: str
    stems: tuple[str, ...]


STEP_KINDS: tuple[StepKind, ...] = (
    StepKind("coordination", "het beleggen van het werk bij coördinatoren of contactpersonen "
             "in de teams", ("coördinator", "contactpersoon", "kartrekker", "trekker",
                             "ambassadeur", "werkgroep", "stuurgroep", "aanspreekpunt")),
    StepKind("policy", "het vastleggen van internationalisering in visie en beleid",
             ("beleid", "visie", "strategie", "strategisch", "koersplan", "instellingsplan")),
    StepKind("partners", "het opbouwen van vaste partnerschappen",
             ("partner", "zusterschool")),
    StepKind("staff", "het betrekken van docenten en andere medewerkers",
             ("docent", "medewerker", "personeel", "scholing", "professionalisering")),
    StepKind("quality", "het opnemen van internationalisering in teamplannen en de "
             "kwaliteitscyclus", ("teamplan", "jaarplan", "kwaliteitscyclus", "kwaliteitszorg",
                                  "gesprekscyclus", "functioneringsgesprek", "pdca")),
    StepKind("curriculum", "het inbouwen van internationalisering in het onderwijsprogramma",
             ("curriculum", "keuzedeel", "leerpad", "onderwijsprogramma", "lesprogramma",
              "opleidingsplan")),
    StepKind("spread", "het uitbreiden naar meer opleidingen en studenten",
             ("opschalen", "uitbreiden", "verbreden")),
)


@dataclass
class PhaseSteps:
    """The steps found: one point per kind of step (most colleges first), and each college's
    phase in force, in words ("3", "tussen 2 en 3"), so the prose can say where they are now."""

    points: list[Point] = field(default_factory=list)
    phase_of: dict[str, str] = field(default_factory=dict)

    @property
    def colleges(self) -> list[str]:
        return sorted({c for p in self.points for c in p.colleges}, key=str.casefold)

    def per_college(self) -> dict[str, list[tuple[str, list[int]]]]:
        """college -> [(kind of step, the segment ids that describe it)], in point order."""
        found: dict[str, list[tuple[str, list[int]]]] = {}
        for point in self.points:
            for college in point.colleges:
                ids = [e.segment_id for e in point.supporting if e.institution == college]
                found.setdefault(college, []).append((point.code.rsplit(".", 1)[-1], ids))
        return dict(sorted(found.items(), key=lambda item: item[0].casefold()))


def describes_change(text: str) -> bool:
    """Whether a passage tells of a change over time (one of :data:`CHANGE_CUES`)."""
    return CHANGE_CUES.search(text) is not None


def step_kinds(lemmas: Sequence[str]) -> list[StepKind]:
    """The kinds of step whose stems occur in the passage's lemmas (compounds included)."""
    words = [lemma.casefold() for lemma in lemmas]
    return [kind for kind in STEP_KINDS if any(stem in w for w in words for stem in kind.stems)]


def find_steps(
    segments: Sequence[FindingSegment],
    phase_segments: Collection[int] = (),
    phase_of: Mapping[str, str] | None = None,
) -> PhaseSteps:
    """The steps in ``segments``: passages that are evidence (coded, or in ``phase_segments``,
    the ids the phase estimate found an indicator in) and describe a change of a known kind."""
    evidence: dict[str, list[Evidence]] = {kind.key: [] for kind in STEP_KINDS}
    phase_ids = set(phase_segments)
    for segment in segments:
        coded = bool(segment.reviewed or segment.suggested)
        if not (coded or segment.segment_id in phase_ids) or not describes_change(segment.text):
            continue
        for kind in step_kinds(segment.lemmas):
            evidence[kind.key].append(Evidence(segment.segment_id, segment.institution,
                                               segment.text, bool(segment.reviewed)))
    points = [
        Point(f"{STEPS_CODE}.{kind.key}", kind.label, "step", evidence[kind.key],
              terms=kind.stems)
        for kind in STEP_KINDS if evidence[kind.key]
    ]
    points.sort(key=lambda p: (-len(p.colleges), p.code))
    return PhaseSteps(points, dict(phase_of or {}))


def steps_for(
    segments: Sequence[FindingSegment], assessments: Sequence[PhaseAssessment]
) -> PhaseSteps:
    """:func:`find_steps` with the phase estimate's evidence and each college's phase, as the
    draft and ``Project.phase_steps`` both need them."""
    return find_steps(
        segments,
        {item.segment_id for a in assessments for item in a.evidence},
        {a.institution: a.label for a in assessments},
    )
