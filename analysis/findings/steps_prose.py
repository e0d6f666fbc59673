"""Dutch sentences on the steps colleges took to a next phase, each with its passages.

Written like the other findings prose (:mod:`analysis.findings.prose`): quantifiers from the
counts, colleges named when they are few, templates chosen by the project's seed, and
"(voorlopig)" in a sentence none of whose passages a person coded. After each step, where the
colleges that took it stand now (their phase in force), so the reader sees which steps go with
which phase.
"""

from __future__ import annotations

from collections import defaultdict

from analysis.findings.model import Point
from analysis.findings.prose import (
    Paragraph,
    Sentence,
    _cap,
    _choose,
    _dutch_list,
    _number,
    _phrase,
    _sentence,
    college_phrase,
)
from analysis.findings.steps import STEPS_CODE, PhaseSteps

# (singular, plural) verb forms the step templates use
_VERBS = {
    "beschrijven": ("beschrijft", "beschrijven"), "vertellen": ("vertelt", "vertellen"),
    "noemen": ("noemt", "noemen"), "zetten": ("zette", "zetten"), "kwamen": ("kwam", "kwamen"),
}
_LEADS = (
    "{Q} {beschrijven} hoe zij van de ene fase in de volgende {kwamen}.",
    "{Q} {vertellen} over de stappen die zij {zetten} om verder te komen.",
)
_STEPS = (
    "{Q} {noemen} als stap {point}.",
    "Een stap die {q} {beschrijven}, is {point}.",
    "{Point} was de stap die {q} {zetten}.",
    "{Q} {kwamen} verder door {point}.",
)


def write_steps(steps: PhaseSteps, total_colleges: int, seed: str) -> list[Paragraph]:
    """A lead on who describes steps, then per kind of step a sentence with who took it and a
    sentence on where those colleges stand now; [] when no step was found."""
    if not steps.points:
        return []
    refs = tuple(e for p in steps.points for e in p.supporting)
    colleges = steps.colleges
    lead = _fill(_choose(_LEADS, seed, STEPS_CODE, "lead"),
                 college_phrase(colleges, total_colleges), len(colleges))
    paragraphs = [Paragraph([_sentence(lead, refs)])]
    for point in steps.points:
        body = Paragraph()
        text = _fill(_choose(_STEPS, seed, point.code), college_phrase(point.colleges,
                     total_colleges), len(point.colleges), point=_phrase(point.label))
        body.sentences.append(_sentence(text, tuple(point.supporting)))
        where = _where_now(point, steps.phase_of)
        if where:
            body.sentences.append(where)
        paragraphs.append(body)
    return paragraphs


def _where_now(point: Point, phase_of: dict[str, str]) -> Sentence | None:
    """"ROC A staat nu in fase 3 en ROC B tussen fase 2 en 3." (named when few), or
    "Van hen staan er nu twee in fase 3 en één in fase 2." (counted)."""
    places = {c: _place(phase_of.get(c, "")) for c in point.colleges}
    known = {c: p for c, p in places.items() if p}
    if not known:
        return None
    refs = tuple(e for e in point.supporting if e.institution in known)
    if len(point.colleges) <= 3:
        parts = [f"{c} {p}" for c, p in known.items()]
        return _sentence(f"Nu staat {_dutch_list(parts)}.", refs)
    counts: dict[str, int] = defaultdict(int)
    for place in known.values():
        counts[place] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    verb = "staat" if ordered[0][1] == 1 else "staan"
    parts = [f"{_number(n)} {place}" for place, n in ordered]
    return _sentence(f"Van hen {verb} er nu {_dutch_list(parts)}.", refs)


def _place(label: str) -> str:
    """A phase label ("3", "tussen 2 en 3", "onbekend") as a place in a sentence."""
    if label.isdigit():
        return f"in fase {label}"
    if label.startswith("tussen "):
        return "tussen fase " + label.removeprefix("tussen ")
    return ""


def _fill(template: str, q: str, count: int, **words: str) -> str:
    values = {name: pair[0] if count == 1 else pair[1] for name, pair in _VERBS.items()}
    values.update(q=q, Q=_cap(q))
    for name, value in words.items():
        values[name], values[name.capitalize()] = value, _cap(value)
    return template.format(**values)
