"""Page "Zoeken in gesprekken": words looked up in what respondents said, in every interview at
once, listed per interview with the hits counted and marked, each passage one click from its
place in the transcript. Which words match is decided in ``analysis.search``; this page only
lays the result out (marked text through ``widgets.highlighted``: escaped, never HTML)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import messages
from analysis.codebook import Codebook
from analysis.search import build_index, find_passages, per_interview, pieces
from ui import widgets

INTERVIEWS_PER_PAGE = 10
PASSAGES_SHOWN = 5  # per interview, until "Alle passages tonen" is switched on


def hit_card(row: pd.Series, query: str, book: Codebook) -> None:
    """One passage with a hit: the question it answers, its text with the hits marked, its
    codes ("voorstel" for a suggestion's) and the jump to it in the transcript."""
    segment_id = int(row["segment_id"])
    with st.container(border=True, key=f"search_hit_{segment_id}"):
        widgets.question_line(row.get("question"))
        st.markdown(widgets.highlighted(pieces(widgets.plain(row["text"]), query)))
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            keys = widgets.split_codes(row.get("codes"))
            if keys:
                suggested = set(widgets.split_codes(row.get("suggested_codes")))
                st.markdown(widgets.code_badges(keys, book, suggested=suggested), width="content")
            widgets.open_in_reader_button(
                row["transcript_id"], segment_id, key=f"search_open_{segment_id}"
            )


def interview_hits(interview: pd.Series, found: pd.DataFrame, query: str, book: Codebook) -> None:
    """One interview's hits: its name and counts, then its passages (the first few, or all)."""
    transcript_id = int(interview["transcript_id"])
    college = widgets.plain(interview["institution"]) or "onbekende instelling"
    counts = (
        f"{messages.count(int(interview['hits']), 'treffer', 'treffers')} in "
        f"{messages.count(int(interview['passages']), 'passage', 'passages')}"
    )
    st.subheader(widgets.escape_markdown(f"{college} — {interview['source']}"), divider="gray")
    st.caption(counts)
    rows = found[found["transcript_id"] == transcript_id]
    show_all = len(rows) <= PASSAGES_SHOWN or st.toggle(
        f"Alle {len(rows)} passages tonen", key=f"search_all_{transcript_id}"
    )
    for _, row in (rows if show_all else rows.head(PASSAGES_SHOWN)).iterrows():
        hit_card(row, query, book)


def render() -> None:
    project = widgets.project()
    widgets.page_header(
        "Zoeken in gesprekken",
        "Zoek woorden in wat respondenten zeiden, in alle interviews tegelijk. Alle woorden "
        "moeten in de passage staan; hoofdletters en vervoegingen tellen niet (‘ouders’ vindt "
        "ook ‘ouder’, ‘stage’ ook ‘stageplekken’).",
    )
    frame = widgets.segments(project)
    if frame.empty:
        widgets.empty_state("Nog geen interviews. Importeer ze op de pagina Project en import.")
        return
    query = st.text_input(
        "Zoek op woorden", key="search_query", placeholder="bijvoorbeeld: ouders stage"
    )
    if not query.strip():
        widgets.empty_state("Typ een of meer woorden om in alle gesprekken te zoeken.")
        return
    index = widgets.slow_table(
        project, "search", lambda _: build_index(frame), "Zoeken voorbereiden…"
    )
    found = find_passages(index, query)
    table = per_interview(found)
    if table.empty:
        widgets.empty_state(
            "Niets gevonden: geen passage bevat al deze woorden. Probeer minder of andere "
            "woorden."
        )
        return
    st.markdown(
        f"**{messages.count(int(table['hits'].sum()), 'treffer', 'treffers')}** in "
        f"{messages.count(len(found), 'passage', 'passages')} uit "
        f"{messages.count(len(table), 'gesprek', 'gesprekken')}"
    )
    book = widgets.cached(project, widgets.codebook)
    for _, interview in table.iloc[
        widgets.paginate(len(table), "search_page", per_page=INTERVIEWS_PER_PAGE)
    ].iterrows():
        interview_hits(interview, found, query, book)


render()
