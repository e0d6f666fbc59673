"""Page "Vraag het de interviews": questions in plain Dutch, answered only with what respondents
said. Every answer shows the quotes it rests on with their college and a jump to the transcript;
without evidence it says "geen bewijs gevonden"; a follow-up ("en bij niveau 2?", "alleen in de
Euregio") refines the question before it. A question about a sub-theme also shows the findings'
points for it, as the report has them. The conversation lives in this browser session only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import Project
from analysis.ask import Answer, Conversation
from analysis.codebook import Codebook
from ui import widgets

ASKER, ANSWERER = ":material/person:", ":material/format_quote:"
EXAMPLES = (
    "Wat zeggen bestuurders over ouders?",
    "Welke drempels noemen ze voor studenten op niveau 2?",
    "Hoe werken ze samen met bedrijven in de regio?",
)


def conversation(project: Project) -> Conversation:
    """This session's conversation (a new one per project)."""
    key = f"ask_conversation::{project.url}"
    if key not in st.session_state:
        st.session_state[key] = project.new_conversation()
        st.session_state[f"ask_history::{project.url}"] = []
    return st.session_state[key]


def history(project: Project) -> list[tuple[str, Answer]]:
    conversation(project)
    return st.session_state[f"ask_history::{project.url}"]


def restart(project: Project) -> None:
    st.session_state.pop(f"ask_conversation::{project.url}", None)
    st.session_state.pop(f"ask_history::{project.url}", None)


def options(segments: pd.DataFrame, book: Codebook) -> dict[str, object]:
    """How many quotes, and filters that win over names used in the question."""
    with st.expander("Instellingen en filters"):
        left, right = st.columns(2)
        chosen = {
            "top_k": left.slider("Aantal citaten per antwoord", 3, 30, 10, key="ask_top_k"),
            "college": right.multiselect(
                "Alleen deze instellingen",
                widgets.choices(segments, "institution"),
                key="ask_colleges",
                placeholder="Alle instellingen",
            ),
            "code": left.multiselect(
                "Alleen citaten met deze codes",
                widgets.code_options(book),
                format_func=widgets.code_label(book),
                key="ask_codes",
                placeholder="Alle codes",
            ),
            "sector": right.multiselect(
                "Alleen deze sectoren",
                widgets.choices(segments, "sector"),
                key="ask_sectors",
                placeholder="Alle sectoren",
            ),
        }
    return {key: value or None for key, value in chosen.items()}


def quote_block(answer: Answer, number: int, book: Codebook, transcripts: dict[int, int]) -> None:
    """The answer's quotes per college, each with its question, codes and a jump to the text."""
    for institution, quotes in answer.by_institution().items():
        st.markdown(f"**{widgets.escape_markdown(institution)}**")
        for quote in quotes:
            with st.container(border=True):
                st.caption(widgets.escape_markdown(f"[{quote.id}] {quote.source}"))
                widgets.question_line(quote.question)
                st.text(quote.text)
                if quote.codes:
                    st.markdown(widgets.code_badges(list(quote.codes), book))
                transcript_id = transcripts.get(quote.segment_id)
                if transcript_id is not None:
                    widgets.open_in_reader_button(
                        transcript_id, quote.segment_id, key=f"ask_open_{number}_{quote.segment_id}"
                    )


def show_answer(
    answer: Answer, number: int, book: Codebook, transcripts: dict[int, int], *, latest: bool
) -> None:
    understood = [answer.query.topic() or "(geen zoekwoorden)", *answer.query.filters.describe()]
    st.caption(widgets.escape_markdown("Gezocht op: " + " · ".join(understood)))
    for note in answer.notes:
        st.caption(widgets.escape_markdown(note))
    if answer.no_evidence:
        st.warning(widgets.escape_markdown(answer.count_text), icon=":material/search_off:")
        st.caption("Er is geen antwoord samengesteld; probeer andere woorden of minder filters.")
        if answer.points:
            points_block(answer, latest=latest)
        return
    st.markdown(f"**{widgets.escape_markdown(answer.count_text)}**")
    if answer.summary:
        st.caption("Samenvatting in letterlijke zinnen uit de citaten:")
        for sentence in answer.summary:
            st.text(f"• {sentence.text} [{sentence.quote_id}, {sentence.institution}]")
    generated = answer.generated
    if generated is not None and generated.sentences:
        st.caption(
            widgets.escape_markdown(f"Samenvatting door het lokale taalmodel {generated.model}:")
        )
        for sentence in generated.sentences:
            st.text(f"• {sentence.text}")
    if answer.partial:
        partial = "Over een deel van de vraag: " + ", ".join(answer.partial)
        st.caption(widgets.escape_markdown(partial))
    found = {*answer.institutions, *answer.partial}
    missing = [i for i in answer.institutions_in_scope if i not in found]
    if missing:
        st.caption(widgets.escape_markdown("Geen bewijs bij: " + ", ".join(missing)))
    with st.expander(f"De citaten ({len(answer.quotes)})", expanded=latest):
        quote_block(answer, number, book, transcripts)
    if answer.points:
        points_block(answer, latest=latest)


def points_block(answer: Answer, *, latest: bool) -> None:
    """The findings' points for the sub-themes asked about, as the report writes them: per
    point the colleges with a reviewed passage apart from those on suggestions only, who says
    the opposite, and the fragments (plain text: labels and names are never markup)."""
    with st.expander(f"Bevindingen over dit thema ({len(answer.points)})", expanded=latest):
        st.caption(
            "Dezelfde punten als in het rapport, binnen de gekozen instellingen. "
            "Fragmenten als [S12] zijn de citaat-nummers."
        )
        for theme, _code, points in answer.points_by_theme():
            st.markdown(f"**{widgets.escape_markdown(theme)}**")
            for point in points:
                first, *rest = point.lines()
                st.text("\n".join([f"• {first}", *(f"  {line}" for line in rest)]))


def render() -> None:
    project = widgets.project()
    widgets.page_header(
        "Vraag het de interviews",
        "Stel een vraag in gewone taal. Het antwoord bestaat alleen uit wat respondenten "
        "letterlijk zeiden; een vervolgvraag als “en bij niveau 2?” of “alleen in de Euregio” "
        "bouwt voort op de vorige.",
    )
    segments = widgets.segments(project)
    if segments.empty:
        widgets.empty_state(
            "Nog geen interviews om vragen aan te stellen: importeer eerst transcripten."
        )
        return
    book = widgets.cached(project, widgets.codebook)
    chosen = options(segments, book)
    transcripts = dict(zip(segments["segment_id"], segments["transcript_id"], strict=True))
    asked = history(project)
    if asked:
        st.button(
            "Nieuw gesprek",
            icon=":material/restart_alt:",
            key="ask_restart",
            on_click=restart,
            args=(project,),
        )
    else:
        st.caption("Bijvoorbeeld: " + " · ".join(EXAMPLES))
    for number, (question, answer) in enumerate(asked):
        with st.chat_message("user", avatar=ASKER):
            st.text(question)
        with st.chat_message("assistant", avatar=ANSWERER):
            show_answer(answer, number, book, transcripts, latest=number == len(asked) - 1)
    question = st.chat_input("Stel een vraag over de interviews", key="ask_input")
    if question:
        with st.chat_message("user", avatar=ASKER):
            st.text(question)
        with st.chat_message("assistant", avatar=ANSWERER), st.spinner("Zoeken in de interviews…"):
            try:
                answer = project.ask(question, conversation=conversation(project), **chosen)
            except widgets.USER_ERRORS as error:
                st.warning(widgets.escape_markdown(f"Dat lukte niet: {error}"))
                return
        asked.append((question, answer))
        st.rerun()


render()
