"""Assemble the publication draft from the project: the shape of a synthesis report.

The chapters follow the kind of publication the evaluators write: an introduction (how many
interviews, when, with which colleges), a method section (codebook, coders, agreement), one
chapter per theme of the codebook (its opening text, how widely it was discussed, its
sub-themes with quotes, example boxes), a chapter on the development phases (the four phase
descriptions, a table and a chart of the colleges per phase), "Hoe verder?" with placeholders
for the evaluators' conclusions, and appendices (the codebook; codes per college).

The evaluator's choices (:mod:`analysis.report.items`) always win: chosen quotes replace the
automatic choice for their chapter, an opening text replaces the codebook's description.
With ``anonymise`` every name goes through the project's :class:`Pseudonymiser` here, before the
writer sees any text, so no writer can leak a name.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.codebook import Code, Codebook
from analysis.codebook_store import read_codebook
from analysis.coding import CodingError
from analysis.coding.state import AUTO_CODER, Decision, parent_map, with_ancestors
from analysis.findings.model import Evidence, Point
from analysis.findings.prose import (
    Paragraph,
    Sentence,
    project_seed,
    write_overview,
    write_prose,
)
from analysis.findings.read import findings_for, read_segments
from analysis.findings.steps import steps_for
from analysis.findings.steps_prose import write_steps
from analysis.phases import PHASES_ROOT, Codings, PhaseAssessment, assess, phase_definitions
from analysis.pseudonymise import Pseudonymiser
from analysis.report import attribution as attr
from analysis.report.chart import phase_bar_chart
from analysis.report.editing import edit_quote
from analysis.report.items import ReportError
from analysis.report.model import (
    SUGGESTED_MARK,
    Box,
    Draft,
    PhaseRow,
    PhasesChapter,
    PhaseSection,
    Quote,
    SubTheme,
    Table,
    ThemeChapter,
)
from analysis.report.quotes import (
    MAX_PER_COLLEGE,
    Candidate,
    pick,
    stand_alone,
    strongest_theme,
)
from analysis.store import ReportItem, Segment, Transcript, Turn

DEFAULT_TITLE = "Internationalisering in het mbo: wat bestuurders vertellen"
DEFAULT_AGENCY = "Nationaal Agentschap Erasmus+ Onderwijs & Training"
DEFAULT_EVALUATION = "Evaluatie van het Erasmus+ VET Mobility Charter"
POINT_QUOTES = 2  # pull quotes per sub-theme: one for each of its main points
QUOTES_PER_SUBTHEME = 2
PLACEHOLDERS_NEXT_STEPS = (
    "[Conclusies van de evaluatoren: wat valt op over de thema's heen?]",
    "[Wat kunnen andere mbo-instellingen leren van deze instellingen?]",
    "[Aanbevelingen voor de instellingen en voor het Nationaal Agentschap.]",
)
PLACEHOLDER_INTRODUCTION = "[Aanleiding en doel van de evaluatie.]"
# Month names for dates in running text; the standard library's are English and locale-bound.
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


def build_draft(
    session: Session,
    *,
    anonymise: bool = False,
    attribution: str = attr.DEFAULT_STYLE,
    quotes_per_subtheme: int = QUOTES_PER_SUBTHEME,
    title: str = DEFAULT_TITLE,
    edit_quotes: bool = True,
    agency: str = DEFAULT_AGENCY,
    evaluation: str = DEFAULT_EVALUATION,
    concept_date: date | None = None,
) -> Draft:
    """The draft of the whole publication, from the project's current state.

    ``edit_quotes``: quotes without hesitations and transcriber's marks
    (:mod:`analysis.report.editing`), as publications quote; False quotes verbatim.
    ``agency``, ``evaluation`` and ``concept_date`` (default today) go on the title page, with
    the fieldwork period taken from the interviews' dates.
    """
    if attribution not in attr.STYLES:
        raise ReportError(
            f"unknown attribution {attribution!r}; choose one of {', '.join(attr.STYLES)}"
        )
    context = _Context(session, anonymise=anonymise, style=attribution, edit_quotes=edit_quotes)
    themes = [
        _theme_chapter(context, code, quotes_per_subtheme)
        for code in context.codebook.top_level()
        if code.key != PHASES_ROOT
    ]
    phases = _phases_chapter(context)
    interviews = len(context.transcripts)
    today = concept_date or date.today()
    period = period_text(t.date for t in context.transcripts.values())
    agreement = _agreement(context)
    return Draft(
        title=title,
        subtitle=(
            f"Concept op basis van {interviews} {'interview' if interviews == 1 else 'interviews'}"
            + (f", gehouden {period}" if period else "")
        ),
        introduction=_introduction(context, period),
        colleges=context.colleges,
        method=_method(context, agreement) + _claims_paragraphs(themes),
        agreement=agreement,
        themes=themes,
        phases=phases,
        next_steps=[context.intro("next_steps")] if context.intro("next_steps")
        else list(PLACEHOLDERS_NEXT_STEPS),
        codebook=_codebook_table(context),
        frequencies=_frequency_table(context),
        anonymised=anonymise,
        agency=agency,
        evaluation=evaluation,
        date=dutch_date(today),
        fieldwork=fieldwork_text(t.date for t in context.transcripts.values()),
        phase_table=_phase_table(context),
    )


def title_page_settings(setting: Callable[[str, object], object]) -> dict[str, object]:
    """The title page's agency, evaluation and concept date from the project's settings
    (``report_agency``, ``report_evaluation``, ``report_date`` as JJJJ-MM-DD), as keyword
    arguments for :func:`build_draft`; an unset or unreadable setting keeps the default."""
    found: dict[str, object] = {}
    for name, key in (("agency", "report_agency"), ("evaluation", "report_evaluation")):
        value = setting(key, None)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()
    day = setting("report_date", None)
    if day:
        with contextlib.suppress(ValueError):  # not a date: dated today, as without the setting
            found["concept_date"] = date.fromisoformat(str(day))
    return found


def _accepted_for(accepted: Collection[str], codes: Collection[str]) -> bool:
    """Whether a person accepted one of ``codes`` (or a code under one: a phase quote is quoted
    for "phases" and accepted as "phases.2_…") on a passage; any code when ``codes`` is empty."""
    if not codes:
        return bool(accepted)
    return any(a == c or a.startswith(f"{c}.") for a in accepted for c in codes)


# --- what the builder reads once -------------------------------------------------------------


class _Context:
    """The project data every chapter needs, read once, with names already pseudonymised."""

    def __init__(
        self, session: Session, *, anonymise: bool, style: str, edit_quotes: bool = True
    ) -> None:
        self.session = session
        self.style = style
        self.edit_quotes = edit_quotes
        self.pseudonymiser = Pseudonymiser.from_session(session) if anonymise else None
        self.codebook = read_codebook(session)
        self.parents = parent_map(session)
        self.transcripts = {
            t.id: t for t in session.scalars(
                select(Transcript).order_by(Transcript.institution, Transcript.date,
                                            Transcript.source_name)
            )
        }
        self.codings = Codings.read(session)
        self.candidates = self._candidates()
        self.by_segment = {c.segment_id: c for c in self.candidates}
        self.items = list(session.scalars(
            select(ReportItem).order_by(ReportItem.chapter, ReportItem.position, ReportItem.id)
        ))
        self.assessments = assess(session, self.codebook, self.codings)
        segments = read_segments(session, self.codings)
        self.findings = findings_for(session, self.codings, segments)
        self.steps = steps_for(segments, self.assessments)
        self.seed = project_seed(
            sorted(t.institution or "" for t in self.transcripts.values())
            + [str(c.segment_id) for c in self.candidates]
        )
        # Segments quoted so far; the evaluator's choices are reserved before anything is picked.
        self.used: set[int] = {i.segment_id for i in self.items if i.segment_id is not None}
        self.colleges = sorted(
            {self.college(t.institution) for t in self.transcripts.values()},
            key=_pseudonym_order if self.pseudonymiser else str.casefold,
        )

    def _candidates(self) -> list[Candidate]:
        rows = self.session.execute(
            select(Segment.id, Segment.transcript_id, Turn.speaker, Segment.text)
            .join(Turn, Segment.turn_id == Turn.id)
            .where(Segment.codable.is_(True), Turn.role == "respondent")
            .order_by(Segment.transcript_id, Segment.start, Segment.id)
        ).all()
        states = self.codings.applied
        accepted: dict[int, set[str]] = defaultdict(set)
        for segment_id, key in self.codings.accepted:
            accepted[segment_id].add(key)
        result = []
        for segment_id, transcript_id, speaker, text in rows:
            state = states.get(segment_id)
            result.append(
                Candidate(
                    segment_id=segment_id,
                    transcript_id=transcript_id,
                    institution=self.transcripts[transcript_id].institution,
                    speaker=speaker,
                    text=text,
                    applied=frozenset(state.applied if state else ()),
                    accepted=frozenset(with_ancestors(accepted[segment_id], self.parents)),
                    confidence=dict(state.suggestions) if state else {},
                )
            )
        return result

    # names and texts as the draft shows them

    def college(self, name: str) -> str:
        return self.pseudonymiser.institution(name) if self.pseudonymiser else name

    def text(self, value: str, transcript_id: int | None = None) -> str:
        if self.pseudonymiser is None:
            return value
        return self.pseudonymiser.text(value, transcript_id=transcript_id)

    def strongest(self, segment_id: int) -> str | None:
        """The segment's strongest top-level theme (:func:`strongest_theme`)."""
        candidate = self.by_segment.get(segment_id)
        return strongest_theme(candidate, self.parents) if candidate else None

    def quote(
        self, segment_id: int, *, selected: bool, trim: bool = False,
        codes: Collection[str] = (),
    ) -> Quote | None:
        """The quote for a respondent segment, or None if the segment is not respondent speech
        (or, with ``trim``, has no sentence that stands on its own). ``codes``: the codes it is
        quoted for; a quote the evaluator did not choose, on a passage where no person accepted
        one of them (nor, without ``codes``, any code), is ``suggested``."""
        candidate = self.by_segment.get(segment_id) or self._segment_candidate(segment_id)
        if candidate is None:
            return None
        text = edit_quote(candidate.text) if self.edit_quotes else candidate.text
        if trim and self.edit_quotes:  # verbatim on request means the whole segment
            text = stand_alone(text)
            if text is None:
                return None
        transcript = self.transcripts[candidate.transcript_id]
        function = attr.function_word(
            candidate.speaker, transcript.respondents or [], transcript.roles or []
        )
        college = self.college(transcript.institution)
        self.used.add(segment_id)
        return Quote(
            segment_id=segment_id,
            text=self.text(text, candidate.transcript_id),
            attribution=attr.attribution(function, college, self.style),
            institution=college,
            selected=selected,
            suggested=not selected and not _accepted_for(candidate.accepted, codes),
        )

    def _segment_candidate(self, segment_id: int) -> Candidate | None:
        """A chosen segment outside the codable set (e.g. a hand-cut span): respondents only."""
        row = self.session.execute(
            select(Segment.transcript_id, Turn.speaker, Turn.role, Segment.text)
            .join(Turn, Segment.turn_id == Turn.id)
            .where(Segment.id == segment_id)
        ).first()
        if row is None or row.role != "respondent":
            return None
        return Candidate(segment_id, row.transcript_id,
                         self.transcripts[row.transcript_id].institution, row.speaker,
                         row.text, frozenset(), frozenset(), {})

    def prose(self, key: str) -> list[Paragraph]:
        """The findings prose of one code, names pseudonymised when the draft is."""
        found = self.findings.get(key)
        if found is None:
            return []
        paragraphs = write_prose(found, len(self.colleges), self.seed,
                                 sorted({t.institution or "" for t in self.transcripts.values()}))
        if self.pseudonymiser is None:
            return paragraphs
        return [
            Paragraph(
                [self._sentence(s) for s in p.sentences], p.bullets,
                self._sentence(p.lead) if p.lead else None,
            )
            for p in paragraphs
        ]

    def step_prose(self) -> list[Paragraph]:
        """The steps colleges took to a next phase, names pseudonymised when the draft is."""
        paragraphs = write_steps(self.steps, len(self.colleges), self.seed)
        if self.pseudonymiser is None:
            return paragraphs
        return [Paragraph([self._sentence(s) for s in p.sentences]) for p in paragraphs]

    def overview(self, code: Code, keys: list[str]) -> list[Paragraph]:
        """The chapter's opening paragraph from its sub-themes' findings."""
        found = [self.findings[k] for k in keys if k in self.findings]
        paragraph = write_overview(code.label, found, len(self.colleges), self.seed)
        if paragraph is None:
            return []
        if self.pseudonymiser is not None:
            paragraph = Paragraph([self._sentence(s) for s in paragraph.sentences])
        return [paragraph]

    def _sentence(self, sentence: Sentence) -> Sentence:
        refs = tuple(
            Evidence(e.segment_id, self.college(e.institution), self.text(e.text),
                     e.reviewed, e.denies)
            for e in sentence.refs
        )
        return Sentence(self.text(sentence.text), refs, sentence.provisional)

    def point_quote(
        self, point: Point, theme: str, per_college: Counter[str] | None = None
    ) -> Quote | None:
        """The best quote for a point: a passage under its own theme that stands on its own,
        reviewed before suggested, well within quote length, from a college not yet quoted."""
        options = sorted(
            (e for e in point.supporting
             if e.segment_id not in self.used and self.strongest(e.segment_id) == theme
             and (per_college is None or per_college[e.institution] < MAX_PER_COLLEGE)),
            key=lambda e: (not e.reviewed, self.by_segment[e.segment_id].rank({point.code})
                           if e.segment_id in self.by_segment else (), e.segment_id),
        )
        for evidence in options:
            quote = self.quote(evidence.segment_id, selected=False, trim=True,
                               codes={point.code})
            if quote is not None:
                if per_college is not None:
                    per_college[evidence.institution] += 1
                return quote
        return None

    def items_for(self, chapters: set[str], kind: str) -> list[ReportItem]:
        return [i for i in self.items if i.chapter in chapters and i.kind == kind]

    def intro(self, chapter: str) -> str:
        """The evaluator's opening text for a chapter ("" if none)."""
        found = self.items_for({chapter}, "intro")
        return self.text(found[0].text) if found else ""

    def boxes(self, chapters: set[str]) -> list[Box]:
        result = []
        for item in self.items_for(chapters, "box"):
            quote = self.quote(item.segment_id, selected=True) if item.segment_id else None
            result.append(
                Box(
                    title=self.text(item.title),
                    text=self.text(item.text),
                    institution=self.college(item.institution or ""),
                    quote=quote,
                )
            )
        return result

    def coverage(self, keys: set[str]) -> tuple[int, int]:
        """(colleges, segments) with any of the codes applied."""
        hits = [c for c in self.candidates if c.applied & keys]
        return len({c.institution for c in hits}), len(hits)


def _pseudonym_order(name: str) -> tuple:
    """"Instelling B" before "Instelling AA" (letters run A … Z, AA …)."""
    head, _, tail = name.rpartition(" ")
    return (head.casefold(), len(tail), tail)


# --- chapters ------------------------------------------------------------------------------


def _introduction(context: _Context, period: str) -> list[str]:
    transcripts = list(context.transcripts.values())
    people = sum(len(t.respondents or []) for t in transcripts)
    colleges = len(context.colleges)
    opening = context.intro("introduction") or PLACEHOLDER_INTRODUCTION
    facts = (
        f"Dit concept is gebaseerd op {len(transcripts)} "
        f"{'interview' if len(transcripts) == 1 else 'interviews'} met bestuurders en "
        f"medewerkers van {colleges} mbo-{'instelling' if colleges == 1 else 'instellingen'}"
        + (f", gehouden {period}" if period else "")
        + "."
    )
    if people:
        facts += f" In totaal spraken we {people} {'persoon' if people == 1 else 'personen'}."
    return [opening, facts, "Aan de gesprekken namen deze instellingen deel:"]


def _method(context: _Context, agreement: Table | None) -> list[str]:
    codebook = context.codebook
    themes = [c for c in codebook.top_level() if c.key != PHASES_ROOT]
    subthemes = sum(len(codebook.children(c.key)) for c in themes)
    segments = len(context.candidates)
    paragraphs = [
        context.intro("method"),
        f"De gesprekken zijn uitgeschreven en opgedeeld in {segments} citeerbare fragmenten met "
        "wat de geïnterviewden zeiden; de vragen van de interviewers dienen alleen als context "
        "en worden niet geciteerd.",
        f"De fragmenten zijn gecodeerd met het codeboek ‘{context.text(codebook.name)}’"
        + (f" (versie {codebook.version})" if codebook.version else "")
        + f": {len(themes)} thema's met samen {subthemes} subthema's, plus de vier "
        "ontwikkelingsfasen (bijlage A).",
    ]
    rows = context.codings.rows
    coders = sorted({r.coder for r in context.codings.people}, key=str.casefold)
    suggested = [r for r in rows if r.coder == AUTO_CODER and r.status == "suggested"]
    if coders:
        names = (
            f"{len(coders)} {'codeur' if len(coders) == 1 else 'codeurs'}"
            if context.pseudonymiser
            else dutch_list(coders)
        )
        decided = len(context.codings.accepted)
        paragraphs.append(f"Gecodeerd door {names}, met {decided} toegekende codes.")
    else:
        paragraphs.append("[Nog niet gecodeerd: vermeld hier wie de fragmenten codeerde.]")
    if suggested:
        paragraphs.append(_suggestions_paragraph(context, suggested))
    if agreement is None:
        paragraphs.append(
            "Er is (nog) geen materiaal dat door twee codeurs onafhankelijk is gecodeerd; "
            "de overeenstemming tussen codeurs is daarom niet berekend."
        )
    else:
        paragraphs.append(
            "De overeenstemming tussen codeurs over dezelfde fragmenten staat in de tabel "
            "hieronder."
        )
    if context.edit_quotes:
        paragraphs.append(
            "Citaten zijn letterlijk overgenomen, op haperingen (‘eh’, ‘ehm’) en aanduidingen van "
            "de uitwerker (‘[lacht]’) na; een onverstaanbaar stuk staat als ‘(…)’."
        )
    judged = sum(a.judgement is not None for a in context.assessments)
    paragraphs.append(
        "De ontwikkelingsfase van elke instelling is geschat uit de fragmenten die bij een fase "
        "zijn gecodeerd en uit kenmerkende uitdrukkingen per fase; "
        f"{judged} van de {len(context.assessments)} fasen zijn daarna door een evaluator "
        "beoordeeld."
    )
    return [p for p in paragraphs if p]


def _suggestions_paragraph(context: _Context, suggested: list[Decision]) -> str:
    """What the automatic suggestions contributed, and how much of it a person checked: counts
    and quotes that rest on suggestions nobody reviewed are provisional, and the draft says so."""
    decided = context.codings.accepted | context.codings.rejected
    reviewed = sum((row.segment_id, row.code_key) in decided for row in suggested)
    counted = sum(
        key in dict(codes.suggestions)
        for codes in context.codings.applied.values()
        for key in codes.applied
    )
    text = (
        f"De software deed daarnaast {len(suggested)} suggesties op basis van de trefwoorden, "
        "omschrijvingen en voorbeelden in het codeboek. "
        + (
            f"Daarvan {'is' if reviewed == 1 else 'zijn'} er {reviewed} door een codeur "
            "beoordeeld (geaccepteerd of verworpen)."
            if reviewed
            else "Geen daarvan is (nog) door een codeur beoordeeld."
        )
    )
    if counted:
        counts = "suggestie telt" if counted == 1 else "suggesties tellen"
        text += (
            f" {counted} niet beoordeelde {counts} in dit concept mee als code; de aantallen en "
            "citaten die daarop rusten zijn voorlopig (zo'n citaat staat als ‘"
            f"{SUGGESTED_MARK}’ in de tekst)."
        )
    return text


def _agreement(context: _Context) -> Table | None:
    """Agreement per pair of human coders over the transcripts they both coded."""
    coders = sorted({r.coder for r in context.codings.people}, key=str.casefold)
    if len(coders) < 2:
        return None
    # scikit-learn (Cohen's kappa) costs the report 1.5 s of import: only with two coders.
    from analysis.coding.reliability import reliability as agreement

    rows = []
    for i, first in enumerate(coders):
        for second in coders[i + 1:]:
            try:
                result = agreement(context.session, first, second)
            except CodingError:
                continue  # no transcript in common
            overall = result.overall.iloc[0]
            label = (
                f"Codeur {i + 1} en {coders.index(second) + 1}" if context.pseudonymiser
                else f"{first} en {second}"
            )
            rows.append([
                label,
                str(result.units),
                _decimal(overall["agreement"] * 100, 0) + "%",
                _decimal(overall["kappa"], 2),
                _decimal(overall["alpha"], 2),
            ])
    if not rows:
        return None
    return Table(
        caption="Overeenstemming tussen codeurs (alle codes)",
        header=["Codeurs", "Fragmenten", "Overeenstemming", "Cohens κ", "Krippendorffs α"],
        rows=rows,
    )


def _theme_chapter(context: _Context, code: Code, per_subtheme: int) -> ThemeChapter:
    codebook = context.codebook
    children = codebook.children(code.key)
    subtree = {code.key} | _descendants(codebook, code.key)
    colleges, segments = context.coverage(subtree)
    chapter = ThemeChapter(
        key=code.key,
        title=context.text(code.label),
        intro=context.intro(code.key),
        definition=context.text(code.description or code.definition),
        colleges=colleges,
        segments=segments,
        total_colleges=len(context.colleges),
    )
    subs = {}
    for child in children:
        keys = {child.key} | _descendants(codebook, child.key)
        count_colleges, count_segments = context.coverage(keys)
        subs[child.key] = SubTheme(child.key, context.text(child.label),
                                   context.text(child.definition), count_colleges, count_segments)
    chapter.boxes = context.boxes(subtree)  # first: a box's quote is not picked again
    chapter.prose = context.overview(code, list(subs)) + context.prose(code.key)
    for key, sub in subs.items():
        sub.prose = context.prose(key)
    chosen = context.items_for(subtree, "quote")
    if chosen:
        for item in chosen:
            quote = context.quote(item.segment_id, selected=True)
            if quote is None:
                continue
            owner = next((k for k in subs if item.chapter in {k} | _descendants(codebook, k)), None)
            (subs[owner].quotes if owner else chapter.quotes).append(quote)
    else:
        _point_quotes(context, code.key, subs, per_subtheme)
    if not chapter.boxes:
        chapter.boxes = _proposed_boxes(context, code.key, list(subs) or [code.key])
    chapter.subthemes = list(subs.values())
    chapter.evidence = _chapter_evidence(context, code.key, chapter)
    return chapter


def _point_quotes(
    context: _Context, theme: str, subs: dict[str, SubTheme], per_subtheme: int
) -> None:
    """A pull quote for each main point of each sub-theme; where no point has one, the best
    supported passage of the sub-theme, in both cases only a passage whose strongest theme is
    this chapter's and that stands on its own."""
    per_college: Counter[str] = Counter()
    for key, sub in subs.items():
        found = context.findings.get(key)
        points = [p for p in (found.points if found else []) if p.colleges][:per_subtheme]
        for point in points[:POINT_QUOTES]:
            quote = context.point_quote(point, theme, per_college)
            if quote is not None:
                sub.quotes.append(quote)
        if sub.quotes:
            continue
        keys = sorted({key} | _descendants(context.codebook, key))
        own = [c for c in context.candidates if context.strongest(c.segment_id) == theme
               and per_college[c.institution] < MAX_PER_COLLEGE
               and (not context.edit_quotes or stand_alone(c.text) is not None)]
        picked = pick([(key, keys)], own, per_group=per_subtheme, used=context.used)
        for candidate in picked.get(key, []):
            context.used.discard(candidate.segment_id)
            quote = context.quote(candidate.segment_id, selected=False, trim=True, codes=keys)
            if quote is not None:
                sub.quotes.append(quote)
                per_college[candidate.institution] += 1


def _proposed_boxes(context: _Context, theme: str, keys: list[str]) -> list[Box]:
    """Up to one proposed example box: a practice only one college describes within the
    theme (the most passages behind it), in that college's own words."""
    options = []
    for key in keys:
        found = context.findings.get(key)
        for point in found.points if found else []:
            if len(point.colleges) == 1 and len(point.supporting) >= 1:
                options.append((not any(e.reviewed for e in point.supporting),
                                -len(point.supporting), point.code, point.label, point))
    for *_, point in sorted(options, key=lambda o: o[:4]):
        quote = context.point_quote(point, theme)
        if quote is None:
            continue
        college = context.college(point.colleges[0])
        label = point.label[0].lower() + point.label[1:] if not point.label[1:2].isupper() \
            else point.label
        return [Box(
            title=f"{_cap(label)} bij {college}",
            text=f"Binnen dit thema vertelt alleen {college} over {label}.",
            institution=college,
            quote=quote,
            proposed=True,
        )]
    return []


def _chapter_evidence(
    context: _Context, theme: str, chapter: ThemeChapter
) -> list[tuple[int, str]]:
    """(segment, code) of every passage the chapter's sentences and quotes rest on."""
    pairs: dict[int, str] = {}
    keys = [theme] + [sub.key for sub in chapter.subthemes]
    for key in keys:
        found = context.findings.get(key)
        for point in found.points if found else []:
            for evidence in point.evidence:
                pairs.setdefault(evidence.segment_id, key)
    for sub in chapter.subthemes:
        for quote in sub.quotes:
            pairs.setdefault(quote.segment_id, sub.key)
    for quote in chapter.quotes + [b.quote for b in chapter.boxes if b.quote]:
        pairs.setdefault(quote.segment_id, theme)
    return sorted(pairs.items())


def _claims_paragraphs(themes: list[ThemeChapter]) -> list[str]:
    """Per chapter: how many of its finding sentences rest on passages a person reviewed."""
    parts = []
    for chapter in themes:
        sentences = chapter.sentences()
        if not sentences:
            continue
        reviewed = sum(not s.provisional for s in sentences)
        parts.append(f"‘{chapter.title}’: {reviewed} van de {len(sentences)}")
    if not parts:
        return []
    return [
        "Elke uitspraak over wat instellingen zeggen verwijst in een opmerking naar de "
        "fragmenten waarop zij rust. Op door een codeur beoordeelde fragmenten rusten per "
        "hoofdstuk: " + "; ".join(parts) + ". Uitspraken die nog op geen enkel beoordeeld "
        "fragment rusten, staan als voorlopig in de tekst."
    ]


def _descendants(codebook: Codebook, key: str) -> set[str]:
    found: set[str] = set()
    for child in codebook.children(key):
        found |= {child.key} | _descendants(codebook, child.key)
    return found


def _phases_chapter(context: _Context) -> PhasesChapter:
    definitions = phase_definitions(context.codebook)
    root = context.codebook.get(PHASES_ROOT)
    assessments = sorted(context.assessments, key=_phase_order)
    boxes = context.boxes({"phases"} | _descendants(context.codebook, PHASES_ROOT))
    sections = []
    for definition in definitions:
        carriers = sorted(
            (
                item for a in assessments if a.phase == definition.number and not a.mixed
                for item in a.carrying if item.segment_id not in context.used
            ),
            key=lambda e: (-e.weight, e.segment_id),
        )
        quote = context.quote(
            carriers[0].segment_id, selected=False, codes={PHASES_ROOT}
        ) if carriers else None
        sections.append(PhaseSection(definition.number, context.text(definition.label),
                                     context.text(definition.description), quote))
    rows = [
        PhaseRow(
            institution=context.college(a.institution),
            label=a.label,
            basis="oordeel evaluator" if a.judgement
            else f"schatting (zekerheid {_decimal(a.confidence, 2)})",
        )
        for a in assessments
    ]
    counts = _phase_counts(assessments, [d.number for d in definitions])
    summary = ", ".join(f"{label}: {n}" for label, n in counts.items())
    narrative = _phase_narrative(context, assessments, definitions)
    evidence = []
    for a in assessments:
        carriers = sorted(a.carrying, key=lambda e: (-e.weight, e.segment_id))
        quote = None
        for item in carriers:
            if item.segment_id in context.used:
                continue
            quote = context.quote(item.segment_id, selected=False, trim=True,
                                  codes={PHASES_ROOT})
            if quote is not None:
                break
        where = f"tussen fase {a.mixed[0]} en {a.mixed[1]}" if a.mixed else (
            f"fase {a.phase}" if a.phase is not None else "fase onbekend")
        basis = "oordeel evaluator" if a.judgement else "schatting"
        evidence.append((context.college(a.institution), f"{where} ({basis})", quote))
    return PhasesChapter(
        title="Ontwikkelingsfasen van internationalisering",
        intro=context.intro("phases") or context.text(root.description or root.definition),
        phases=sections,
        rows=rows,
        counts=counts,
        chart_png=phase_bar_chart(counts),
        chart_alt=f"Staafdiagram van het aantal instellingen per ontwikkelingsfase ({summary}).",
        boxes=boxes,
        narrative=narrative,
        evidence=evidence,
        steps=context.step_prose(),
    )


def _phase_narrative(context: _Context, assessments: Sequence[PhaseAssessment],
                     definitions: Sequence) -> list[str]:
    """How many colleges are in each phase and what the indicators found in their passages
    say sets them apart; no confidence numbers (those are in the appendix)."""
    total = len(assessments)
    if not total:
        return []
    parts = []
    labels = {d.number: d.label for d in definitions}
    paragraphs = []
    for number in sorted(labels):
        members = [a for a in assessments if a.phase == number and not a.mixed]
        if not members:
            continue
        parts.append(f"{len(members)} in fase {number}")
        terms: Counter[str] = Counter()
        for a in members:
            for item in a.evidence:
                if item.phase == number:
                    terms.update(term for term, _ in item.terms)
        names = dutch_list([context.college(a.institution) for a in members])
        name = re.sub(r"^fase\s*\d+\s*[:.-]\s*", "", labels[number], flags=re.IGNORECASE)
        basis = ("naar schatting" if any(not a.judgement for a in members)
                 else "volgens de evaluator")
        verb = "zit" if len(members) == 1 else "zitten"
        text = (f"In fase {number} ({context.text(name)}) {verb} {basis} {names}.")
        if terms:
            common = [t for t, _ in sorted(terms.items(), key=lambda x: (-x[1], x[0]))[:3]]
            who = "deze instelling" if len(members) == 1 else "deze instellingen"
            speaks = "spreekt" if len(members) == 1 else "spreken"
            text += (f" Wat {who} onderscheidt, is dat zij {speaks} over "
                     + dutch_list([f"‘{t}’" for t in common]) + ".")
        paragraphs.append(text)
    mixed = [a for a in assessments if a.mixed]
    if mixed:
        parts.append(f"{len(mixed)} tussen twee fasen")
    unknown = [a for a in assessments if a.phase is None and not a.mixed]
    if unknown:
        parts.append(f"{len(unknown)} nog zonder fase")
    opening = (f"Van de {total} {'instelling' if total == 1 else 'instellingen'} bevinden zich er "
               + dutch_list(parts) + ".")
    return [opening, *paragraphs]


def _phase_table(context: _Context) -> Table:
    """The estimates with their confidence: for the appendix, never in the running text."""
    rows = [
        [context.college(a.institution), a.label,
         "oordeel evaluator" if a.judgement
         else f"schatting (zekerheid {_decimal(a.confidence, 2)})"]
        for a in sorted(context.assessments, key=_phase_order)
    ]
    return Table(caption="Ontwikkelingsfase per instelling", header=["Instelling", "Fase", "Basis"],
                 rows=rows)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _phase_order(assessment: PhaseAssessment) -> tuple:
    mixed = assessment.mixed
    position = sum(mixed) / 2 if mixed else (assessment.phase or 99)
    return (position, assessment.institution.casefold())


def _phase_counts(assessments: Sequence[PhaseAssessment], numbers: list[int]) -> dict[str, int]:
    """Colleges per bar: every phase, plus "Fase 2–3" and "Onbekend" bars only when used."""
    found: Counter[float] = Counter()
    for a in assessments:
        found[sum(a.mixed) / 2 if a.mixed else (a.phase if a.phase is not None else 99)] += 1
    positions = sorted(set(numbers) | set(found))
    labels: dict[str, int] = {}
    for position in positions:
        if position == 99:
            labels["Onbekend"] = found[position]
        elif position == int(position):
            labels[f"Fase {int(position)}"] = found[position]
        else:
            labels[f"Fase {int(position)}–{int(position) + 1}"] = found[position]
    return labels


# --- appendices --------------------------------------------------------------------------------


def _codebook_table(context: _Context) -> Table:
    codebook = context.codebook
    rows = [
        [("– " * _depth(codebook, code)) + context.text(code.label),
         context.text(code.definition)]
        for code in codebook.codes
    ]
    return Table(caption="Het codeboek", header=["Code", "Omschrijving"], rows=rows)


def _depth(codebook: Codebook, code: Code) -> int:
    depth, parent = 0, code.parent
    while parent is not None and parent in codebook:
        depth, parent = depth + 1, codebook.get(parent).parent
    return depth


def _frequency_table(context: _Context) -> Table:
    """Segments per code and college (a code counts where it or a sub-code is applied)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for candidate in context.candidates:
        college = context.college(candidate.institution)
        for key in candidate.applied:
            counts[key][college] += 1
    codebook = context.codebook
    rows = [
        [("– " * _depth(codebook, code)) + context.text(code.label)]
        + [str(counts[code.key][college]) for college in context.colleges]
        + [str(sum(counts[code.key].values()))]
        for code in codebook.codes
    ]
    return Table(
        caption="Aantal fragmenten per code en instelling",
        header=["Code", *context.colleges, "Totaal"],
        rows=rows,
    )


# --- Dutch formatting ----------------------------------------------------------------------


def dutch_list(items: Sequence[str]) -> str:
    """"A", "A en B", "A, B en C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def _decimal(value: float, places: int) -> str:
    """A number with a decimal comma, or "n.v.t." when undefined."""
    if value != value:  # NaN: the statistic is undefined for these data
        return "n.v.t."
    return f"{value:.{places}f}".replace(".", ",")


def dutch_date(day: date, *, year: bool = True) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if year else "")


def _days(values: Iterable[str | None]) -> list[date]:
    days = []
    for value in values:
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            continue  # a missing or partial date: the period rests on the others
    return days


def fieldwork_text(values: Iterable[str | None]) -> str:
    """The months the interviews were held in, as a title page gives them: "mei 2024",
    "mei–juni 2024", "november 2025–januari 2026"; "" without dates."""
    days = _days(values)
    if not days:
        return ""
    first, last = min(days), max(days)
    if (first.year, first.month) == (last.year, last.month):
        return f"{MONTHS[first.month - 1]} {first.year}"
    start = MONTHS[first.month - 1] + (f" {first.year}" if first.year != last.year else "")
    return f"{start}–{MONTHS[last.month - 1]} {last.year}"


def period_text(values: Iterable[str | None]) -> str:
    """"op 3 maart 2026", "tussen 15 september en 10 november 2026", or "" without dates."""
    days = _days(values)
    if not days:
        return ""
    first, last = min(days), max(days)
    if first == last:
        return f"op {dutch_date(first)}"
    return f"tussen {dutch_date(first, year=first.year != last.year)} en {dutch_date(last)}"
