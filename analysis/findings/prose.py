"""Dutch synthesis prose from the findings: sentences that each carry the segments behind them.

The register is that of an evaluation report ("De meeste instellingen noemen …", "Enkele
instellingen …, terwijl één instelling …"). Quantifiers follow the counts; a point made by a
few colleges names them. Every sentence is generated from a point (or from the sub-theme's
points together) and keeps references to its segments, so the Word draft can attach them as a
comment and an evaluator can check each claim. A claim that rests only on suggestions nobody
reviewed says so in the sentence itself ("voorlopig").

The wording varies deterministically: templates are chosen by hashing a seed derived from the
project's content with the point, so two projects never read as one text, and the same project
always gives the same draft. Prose is data (:class:`Paragraph` of :class:`Sentence`), so a
rewriter (an LLM helper) can replace a paragraph's text while the references stay.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from analysis.findings.model import Evidence, Point, SubThemeFindings

PROVISIONAL = "voorlopig"
MAX_NAMED = 3  # a point made by at most this many colleges names them


@dataclass(frozen=True)
class Sentence:
    """One claim with the passages it rests on."""

    text: str
    refs: tuple[Evidence, ...]
    provisional: bool = False


@dataclass
class Paragraph:
    """Running text (``bullets`` False) or a bulleted list whose items are sentences."""

    sentences: list[Sentence] = field(default_factory=list)
    bullets: bool = False
    lead: Sentence | None = None  # the line that introduces a bulleted list

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


# (singular verb, plural verb) pairs used by the templates
_VERBS = {
    "noemen": ("noemt", "noemen"), "wijzen": ("wijst", "wijzen"),
    "brengen": ("brengt", "brengen"), "zeggen": ("zegt", "zeggen"),
    "geven": ("geeft", "geven"), "hebben": ("heeft", "hebben"),
    "vertellen": ("vertelt", "vertellen"), "beschrijven": ("beschrijft", "beschrijven"),
}

_POINT_TEMPLATES = (
    "{Q} {noemen} {point}.",
    "{Q} {wijzen} op {point}.",
    "{Q} {brengen} {point} naar voren.",
    "{Point} komt ter sprake bij {q}.",
    "Bij {q} gaat het over {point}.",
    "{Q} {beschrijven} {point}.",
    "Wat {q} {noemen}, is {point}.",
    "In de gesprekken met {q} komt {point} aan bod.",
)
_FOLLOW = ("Daarnaast", "Verder", "Ook", "Bovendien")
_LEAD_TEMPLATES = (
    "Over {topic} spraken we met {q}.",
    "{Topic} kwam aan de orde bij {q}.",
    "{Q} {hebben} het over {topic}.",
    "{Q} {vertellen} over {topic}.",
)
_LIST_LEADS = (
    "{Q} {noemen} deze punten:",
    "Wat {q} hierover {zeggen}, valt in deze punten uiteen:",
    "De punten die {q} {noemen}, zijn:",
)


def quantifier(count: int, total: int) -> str:
    """"alle negen instellingen", "vrijwel alle …", "de meeste …", "ongeveer de helft van de …",
    "enkele …", "één instelling" (``count`` colleges of ``total``)."""
    if count <= 1:
        return "één instelling"
    share = count / total if total else 0.0
    if count == total:
        return "twee instellingen" if count == 2 else f"alle {_number(count)} instellingen"
    if share >= 0.85:
        return "vrijwel alle instellingen"
    if share > 0.6:
        return "de meeste instellingen"
    if share >= 0.4:
        return "ongeveer de helft van de instellingen"
    return "enkele instellingen"


_NUMBERS = (
    "nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf",
    "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien",
    "twintig",
)


def _number(value: int) -> str:
    """Numbers up to twenty in words, as running text writes them."""
    return _NUMBERS[value] if 0 <= value < len(_NUMBERS) else str(value)


def college_phrase(colleges: Sequence[str], total: int) -> str:
    """The quantifier, with the colleges named when they are few, else with the count."""
    q = quantifier(len(colleges), total)
    if len(colleges) <= MAX_NAMED:
        return f"{q} ({_dutch_list(colleges)})"
    if q.startswith("alle"):
        return q
    return f"{q} ({len(colleges)} van de {total})"


def project_seed(parts: Sequence[str]) -> str:
    """A seed from the project's content (e.g. its colleges and segment ids)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


_ABSENT_TEMPLATES = (
    "Bij {rest} kwam dit onderwerp niet ter sprake.",
    "In de gesprekken met {rest} ging het hier niet over.",
)


def write_prose(
    findings: SubThemeFindings, total_colleges: int, seed: str,
    all_colleges: Sequence[str] = (),
) -> list[Paragraph]:
    """The paragraphs for one sub-theme: a lead (with who did not discuss it, when
    ``all_colleges`` is given), then one sentence per point (or a list)."""
    points = [p for p in findings.points if p.colleges or p.contrast]
    if not points:
        return []
    all_refs = tuple(e for p in points for e in p.evidence)
    colleges = sorted({e.institution for e in all_refs if not e.denies}, key=str.casefold)
    topic = findings.label[0].lower() + findings.label[1:]
    paragraphs = []
    if colleges:
        lead = _fill(_choose(_LEAD_TEMPLATES, seed, findings.code, "lead"),
                     college_phrase(colleges, total_colleges), len(colleges), topic=topic)
        opening = Paragraph([_sentence(lead, all_refs)])
        rest = sorted(set(all_colleges) - set(colleges), key=str.casefold)
        if rest and len(rest) < len(all_colleges):
            names = (_dutch_list(rest) if len(rest) <= MAX_NAMED + 1
                     else f"de overige {_number(len(rest))} instellingen")
            absent = _choose(_ABSENT_TEMPLATES, seed, findings.code, "absent")
            opening.sentences.append(_sentence(absent.format(rest=names), all_refs))
        paragraphs.append(opening)
    if findings.is_list and len(points) >= 3:
        bullets = Paragraph(bullets=True)
        making = sorted({c for p in points for c in p.colleges}, key=str.casefold)
        text = _fill(_choose(_LIST_LEADS, seed, findings.code, "list"),
                     quantifier(len(making), total_colleges), len(making))
        bullets.lead = _sentence(text, all_refs)
        for point in points:
            bullets.sentences.append(_bullet(point, total_colleges))
        paragraphs.append(bullets)
        return paragraphs
    body = Paragraph()
    for index, point in enumerate(points):
        body.sentences.append(_point_sentence(point, index, total_colleges, seed))
        if point.colleges:
            body.sentences.append(_weight_sentence(point, seed))
    paragraphs.append(body)
    return paragraphs


_OVERVIEW_OPENINGS = (
    "Binnen {topic} onderscheiden we {k} subthema's; {q} {komen} erop.",
    "{Q} {komen} op {topic}, verdeeld over {k} subthema's.",
)
_OVERVIEW_RANGE = (
    "Het meest besproken subthema is {most} ({qm}), het minst {least} ({ql}).",
    "De meeste aandacht gaat naar {most} ({qm}); {least} komt het minst aan bod ({ql}).",
)
_OVERVIEW_TOP = (
    "Het punt dat de meeste instellingen delen, is {point} ({qp}).",
    "Wat het vaakst terugkomt, is {point} ({qp}).",
)


def write_overview(
    label: str, subthemes: Sequence[SubThemeFindings], total: int, seed: str
) -> Paragraph | None:
    """A chapter's opening paragraph from its sub-themes' findings: how widely the theme was
    discussed, which sub-theme most and least, and the point most colleges share."""
    subs = [f for f in subthemes if any(p.colleges for p in f.points)]
    if not subs:
        return None
    refs = tuple(e for f in subs for p in f.points for e in p.supporting)
    colleges = sorted({e.institution for e in refs}, key=str.casefold)
    topic = _phrase(label)
    key = subs[0].code.split(".")[0]
    paragraph = Paragraph()
    opening = _choose(_OVERVIEW_OPENINGS, seed, key, "overview")
    paragraph.sentences.append(_sentence(
        _fill(opening, college_phrase(colleges, total), len(colleges), topic=topic,
              k=str(len(subthemes)), komen="komt" if len(colleges) == 1 else "komen"), refs))
    ranked = sorted(subs, key=lambda f: (-len(_making(f)), f.code))
    if len(ranked) >= 2 and len(_making(ranked[0])) > len(_making(ranked[-1])):
        most, least = ranked[0], ranked[-1]
        text = _choose(_OVERVIEW_RANGE, seed, key, "range").format(
            most=_phrase(most.label), least=_phrase(least.label),
            qm=quantifier(len(_making(most)), total), ql=quantifier(len(_making(least)), total))
        paragraph.sentences.append(_sentence(
            text[0].upper() + text[1:],
            tuple(e for f in (most, least) for p in f.points for e in p.supporting)))
    top = max((p for f in subs for p in f.points if p.colleges),
              key=lambda p: (len(p.colleges), p.source == "aspect", p.label))
    text = _choose(_OVERVIEW_TOP, seed, key, "top").format(
        point=_phrase(top.label), qp=college_phrase(top.colleges, total))
    paragraph.sentences.append(_sentence(text, tuple(top.supporting)))
    return paragraph


def _making(findings: SubThemeFindings) -> set[str]:
    return {c for p in findings.points for c in p.colleges}


def _point_sentence(point: Point, index: int, total: int, seed: str) -> Sentence:
    label = _phrase(point.label)
    if point.colleges:
        template = _choose(_POINT_TEMPLATES, seed, point.code, point.label)
        text = _fill(template, college_phrase(point.colleges, total), len(point.colleges),
                     point=label)
        if index and not text.startswith(("Bij ", "In ", "Wat ")):
            follow = _choose(_FOLLOW, seed, point.code, point.label, "follow")
            text = _inverted(follow, text)
        if point.contrast:
            text = text[:-1] + (
                f", terwijl {college_phrase(point.contrast, total)} "
                f"{'zegt' if len(point.contrast) == 1 else 'zeggen'} dat dit bij hen niet speelt."
            )
    else:
        phrase = college_phrase(point.contrast, total)
        verb = "zegt" if len(point.contrast) == 1 else "zeggen"
        text = f"{_cap(phrase)} {verb} uitdrukkelijk dat {label} bij hen niet speelt."
    return _sentence(text, tuple(point.evidence))


_WEIGHT_TEMPLATES = (
    "Het punt ‘{point}’ rust op {n} uit {k}.",
    "Over {point} {gaan} {n}, uit {k}.",
    "{Point} komt terug in {n} uit {k}.",
)


def _weight_sentence(point: Point, seed: str) -> Sentence:
    """How much of the material a point rests on (so the reader can weigh it)."""
    template = _choose(_WEIGHT_TEMPLATES, seed, point.code, point.label, "weight")
    label = _phrase(point.label)
    passages, colleges = len(point.supporting), len(point.colleges)
    text = template.format(
        n=f"{_number(passages)} {'fragment' if passages == 1 else 'fragmenten'}",
        k=f"{_number(colleges)} {'gesprek' if colleges == 1 else 'gesprekken'}",
        point=label, Point=_cap(label), gaan="gaat" if passages == 1 else "gaan")
    return _sentence(text, tuple(point.supporting))


def _bullet(point: Point, total: int) -> Sentence:
    who = college_phrase(point.colleges, total) if point.colleges else "geen instelling"
    text = f"{_cap(_phrase(point.label))}: {who}"
    if point.contrast:
        text += f"; {college_phrase(point.contrast, total)} niet"
    return _sentence(text + ".", tuple(point.evidence))


def _sentence(text: str, refs: tuple[Evidence, ...]) -> Sentence:
    provisional = not any(e.reviewed for e in refs)
    if provisional:
        end = text[-1] if text[-1] in ".:" else ""
        body = text[:-1] if end else text
        text = f"{body} ({PROVISIONAL}){end}"
    return Sentence(text, refs, provisional)


def _fill(template: str, q: str, count: int, **words: str) -> str:
    values = {name: verbs[0] if count == 1 else verbs[1] for name, verbs in _VERBS.items()}
    values.update(q=q, Q=_cap(q))
    for name, value in words.items():
        values[name] = value
        values[name.capitalize()] = _cap(value)
    return template.format(**values)


def _inverted(adverb: str, text: str) -> str:
    """"De meeste instellingen noemen X." -> "Daarnaast noemen de meeste instellingen X."."""
    verbs = [v for pair in _VERBS.values() for v in pair] + ["komt"]
    for verb in verbs:
        head, found, tail = text.partition(f" {verb} ")
        if found:
            return f"{adverb} {verb} {_phrase(head)} {tail}"
    return text


def _choose(options: Sequence[str], seed: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join((seed, *parts)).encode("utf-8")).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _phrase(label: str) -> str:
    """A label as it reads inside a sentence: lower-case first letter unless an acronym."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[0].lower() + label[1:]


def _cap(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def _dutch_list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]
