"""Page "Citaten per thema": every quote that fits a choice of codes (AND / OR), colleges,
sectors, regions, phases, topics and words, as cards with their college, speaker role and
question; counts per college; quotes go to the report basket; the selection exports as a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import Project
from analysis.codebook import Codebook
from analysis.quotes import QuoteFilter, export_bytes, per_institution, select_quotes
from ui import widgets

MATCH_LABELS = {"any": "minstens één code (OF)", "all": "alle codes (EN)"}


PHASES = {1: "Fase 1", 2: "Fase 2", 3: "Fase 3", 4: "Fase 4"}


def filters(project: Project, frame: pd.DataFrame, book: Codebook) -> QuoteFilter:
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    codes = left.multiselect(
        "Codes",
        widgets.code_options(book),
        format_func=widgets.code_label(book),
        key="quotes_codes",
        placeholder="Alle citaten, met of zonder code",
    )
    match = right.radio(
        "Combineren",
        list(MATCH_LABELS),
        format_func=MATCH_LABELS.get,
        key="quotes_match",
        label_visibility="collapsed",
    )
    picked = widgets.metadata_filters(frame, "quotes")
    left, middle, right = st.columns([1, 2, 2])
    phases = left.multiselect(
        "Fase van de instelling",
        list(PHASES),
        format_func=PHASES.get,
        key="quotes_phases",
        placeholder="Alle fasen",
        help="De fase die je zelf hebt vastgesteld, anders de schatting (pagina Fasen).",
    )
    topics = widgets.cached(project, widgets.latest_topics)
    labels = dict(zip(topics["id"].astype(int), topics["label"], strict=True))
    chosen_topics = middle.multiselect(
        "Thema uit de themaverkenning",
        list(labels),
        format_func=labels.get,
        key="quotes_topics",
        placeholder="Alle thema's" if labels else "Nog geen themaverkenning",
        disabled=not labels,
        help="De thema's van de nieuwste verkenning op de pagina Thema's uit de gesprekken.",
    )
    text = right.text_input(
        "Zoek op woorden",
        key="quotes_text",
        placeholder="bijvoorbeeld: ouders stage",
        help="Alle woorden moeten in het citaat staan; hoofdletters tellen niet.",
    )
    institutions = picked["institution"]
    if phases:
        table = widgets.phase_assessments(project)
        in_phase = tuple(table[table["phase"].isin(phases)]["institution"])
        institutions = tuple(i for i in institutions if i in in_phase) if institutions else in_phase
        institutions = institutions or ("",)  # no college in those phases: show nothing
    in_topics = topics[topics["id"].isin(chosen_topics)]["segment_ids"]
    return QuoteFilter(
        codes=tuple(codes),
        match=match,
        text=text,
        institutions=institutions,
        sectors=picked["sector"],
        regions=picked["region"],
        segment_ids=frozenset(i for ids in in_topics for i in ids) if chosen_topics else None,
    )


def card_actions(project: Project, row: pd.Series, chapter: str | None) -> None:
    segment_id = int(row["segment_id"])
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Naar het rapport",
            key=f"quotes_report_{segment_id}",
            type="tertiary",
            icon=":material/playlist_add:",
            help="Kies dit citaat voor het hoofdstuk van de gekozen code (zonder codekeuze: "
            "het thema van het citaat).",
            on_click=widgets.callback,
            args=(
                project,
                lambda: project.select_quote(segment_id, chapter),
                "Citaat staat klaar in het rapport",
            ),
        )
        widgets.open_in_reader_button(
            row["transcript_id"], segment_id, key=f"quotes_open_{segment_id}"
        )


def render() -> None:
    project = widgets.project()
    widgets.page_header(
        "Citaten per thema",
        "Kies codes, instellingen of woorden; de citaten zijn letterlijk wat respondenten zeiden.",
    )
    frame = widgets.segments(project)
    if frame.empty:
        widgets.empty_state("Nog geen citaten. Importeer eerst transcripten.")
        return
    book = widgets.cached(project, widgets.codebook)
    chosen = filters(project, frame, book)
    selection = select_quotes(frame, chosen)
    chapter = chosen.codes[0] if chosen.codes else None
    counts = per_institution(selection)
    quotes = "citaat" if len(selection) == 1 else "citaten"
    colleges = "instelling" if len(counts) == 1 else "instellingen"
    st.markdown(f"**{len(selection)}** {quotes} van **{len(counts)}** {colleges}")
    cards, side = st.columns([3, 1])
    with side:
        st.caption("Per instelling")
        st.dataframe(
            counts,
            hide_index=True,
            key="quotes_counts",
            column_config={"institution": "Instelling", "quotes": "Citaten"},
        )
        anonymise = st.checkbox(
            "Pseudonimiseren",
            key="quotes_anonymise",
            help="Instellingen, bestandsnamen en personen krijgen in de download dezelfde vaste "
            "schuilnamen als in de andere exports (Instelling A, Respondent 1).",
        )

        def download(fmt: str) -> bytes:
            shared = project.pseudonymise_quotes(selection) if anonymise else selection
            return export_bytes(shared, fmt, {code.key: code.label for code in book})

        for fmt, label in (("csv", "CSV"), ("xlsx", "Excel")):
            st.download_button(
                f"Selectie als {label}",
                data=lambda f=fmt: download(f),
                file_name=f"citaten.{fmt}",
                key=f"quotes_export_{fmt}",
                icon=":material/download:",
                disabled=selection.empty,
            )
    with cards:
        if selection.empty:
            widgets.empty_state(
                "Geen citaten bij deze keuze: geen passage heeft al deze codes, instellingen en "
                "woorden tegelijk. Haal een filter weg, of kies ‘minstens één code (OF)’."
            )
            return
        for _, row in selection.iloc[widgets.paginate(len(selection), "quotes_page")].iterrows():
            widgets.quote_card(row, book, actions=lambda r=row: card_actions(project, r, chapter))


render()
