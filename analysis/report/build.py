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

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.codebook import Code, Codebook
from analysis.codebook_store import read_codebook
from analysis.coding import CodingError
from analysis.coding.reliability import reliability
from analysis.coding.state import AUTO_CODER, Decision, parent_map, with_ancestors
from analysis.phases import PHASES_ROOT, Codings, PhaseAssessment, assess, phase_definitions
from analysis.pseudonymise import Pseudonymiser
from analysis.report import attribution as attr
from analysis.report.chart import phase_bar_chart
from analysis.report.editing import edit_quote
from analysis.report.items import ReportError
from analysis.report.model import (
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
from analysis.report.quotes import Candidate, pick
from analysis.store import ReportItem, Segment, Transcript, Turn

DEFAULT_TITLE = "Internationalisering in het mbo: wat bestuurders vertellen"
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
) -> Draft:
    """The draft of the whole publication, from the project's current state.

    ``edit_quotes``: quotes without hesitations and transcriber's marks
    (:mod:`analysis.report.editing`), as publications quote; False quotes verbatim.
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
        method=_method(context, agreement),
        agreement=agreement,
        themes=themes,
        phases=phases,
        next_steps=[context.intro("next_steps")] if context.intro("next_steps")
        else list(PLACEHOLDERS_NEXT_STEPS),
        codebook=_codebook_table(context),
        frequencies=_frequency_table(context),
        anonymised=anonymise,
    )


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

    def quote(self, segment_id: int, *, selected: bool) -> Quote | None:
        """The quote for a respondent segment, or None if the segment is not respondent speech."""
        candidate = self.by_segment.get(segment_id) or self._segment_candidate(segment_id)
        if candidate is None:
            return None
        transcript = self.transcripts[candidate.transcript_id]
        function = attr.function_word(
            candidate.speaker, transcript.respondents or [], transcript.roles or []
        )
        college = self.college(transcript.institution)
        self.used.add(segment_id)
        return Quote(
            segment_id=segment_id,
            text=self.text(
                edit_quote(candidate.text) if self.edit_quotes else candidate.text,
                candidate.transcript_id,
            ),
            attribution=attr.attribution(function, college, self.style),
            institution=college,
            selected=selected,
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
            "citaten die daarop rusten zijn voorlopig."
        )
    return text


def _agreement(context: _Context) -> Table | None:
    """Agreement per pair of human coders over the transcripts they both coded."""
    coders = sorted({r.coder for r in context.codings.people}, key=str.casefold)
    rows = []
    for i, first in enumerate(coders):
        for second in coders[i + 1:]:
            try:
                result = reliability(context.session, first, second)
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
        intro=context.intro(code.key) or context.text(code.description or code.definition),
        definition=context.text(code.definition),
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
    chosen = context.items_for(subtree, "quote")
    if chosen:
        for item in chosen:
            quote = context.quote(item.segment_id, selected=True)
            if quote is None:
                continue
            owner = next((k for k in subs if item.chapter in {k} | _descendants(codebook, k)), None)
            (subs[owner].quotes if owner else chapter.quotes).append(quote)
    else:
        groups = [(key, sorted({key} | _descendants(codebook, key))) for key in subs]
        if not groups:
            groups = [(code.key, [code.key])]
        picked = pick(groups, context.candidates, per_group=per_subtheme, used=context.used)
        for key, candidates in picked.items():
            quotes = [context.quote(c.segment_id, selected=False) for c in candidates]
            (subs[key].quotes if key in subs else chapter.quotes).extend(q for q in quotes if q)
    chapter.subthemes = list(subs.values())
    return chapter


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
        quote = context.quote(carriers[0].segment_id, selected=False) if carriers else None
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
    return PhasesChapter(
        title="Ontwikkelingsfasen van internationalisering",
        intro=context.intro("phases") or context.text(root.description or root.definition),
        phases=sections,
        rows=rows,
        counts=counts,
        chart_png=phase_bar_chart(counts),
        chart_alt=f"Staafdiagram van het aantal instellingen per ontwikkelingsfase ({summary}).",
        boxes=boxes,
    )


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
        [("– " * _depth(codebook, code)) + context.text(code.label), code.key,
         context.text(code.definition)]
        for code in codebook.codes
    ]
    return Table(caption="Het codeboek", header=["Code", "Sleutel", "Omschrijving"], rows=rows)


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


def period_text(values: Iterable[str | None]) -> str:
    """"op 3 maart 2026", "tussen 15 september en 10 november 2026", or "" without dates."""
    days = []
    for value in values:
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            continue  # a missing or partial date: the period rests on the others
    if not days:
        return ""
    first, last = min(days), max(days)
    if first == last:
        return f"op {dutch_date(first)}"
    return f"tussen {dutch_date(first, year=first.year != last.year)} en {dutch_date(last)}"
