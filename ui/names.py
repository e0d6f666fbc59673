"""Section "Namen in de antwoorden" of the project page: review what the detection found inside
what people said (colleagues, e-mail addresses, phone numbers, addresses, places), once per
person, and what pseudonymised outputs write for it. All work is done by ``Project``; texts are
shown as table cells or escaped, never as HTML."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import Project, messages
from ui import widgets

KIND_LABELS = {
    "person": "persoon",
    "email": "e-mailadres",
    "phone": "telefoonnummer",
    "address": "adres",
    "place": "plaats",
    "institution": "instelling",
    "url": "website",
}
STATUS_LABELS = {"suggested": "voorgesteld", "confirmed": "bevestigd", "ignored": "genegeerd"}
SOURCE_LABELS = {"metadata": "metadata", "detected": "gevonden", "added": "toegevoegd"}
REPLACEMENTS = ["[naam]", "[collega]", "[coördinator]", "[docent]", "[student]", "[bestuurder]"]


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["kind"] = shown["kind"].map(KIND_LABELS).fillna(shown["kind"])
    shown["status"] = shown["status"].map(STATUS_LABELS).fillna(shown["status"])
    shown["source"] = shown["source"].map(SOURCE_LABELS).fillna(shown["source"])
    return shown


def _label(row: pd.Series) -> str:
    kind = KIND_LABELS.get(row["kind"], row["kind"])
    return f"{row['name']} ({kind}, {row['mentions']}×, {STATUS_LABELS.get(row['status'], '')})"


def decision(project: Project, row: pd.Series) -> None:
    """The mentions of one identifier in context, and its decision with the replacement."""
    mentions = project.name_mentions(int(row["id"]))
    st.dataframe(
        mentions[["transcript", "context", "detector"]],
        hide_index=True,
        key="names_mentions",
        column_config={"transcript": "Interview", "context": "Fragment", "detector": "Bron"},
    )
    if row["source"] == "metadata":
        st.caption(
            f"Deze persoon staat in de metadata en krijgt altijd het pseudoniem "
            f"{widgets.escape_markdown(row['replaced_by'])}."
        )
        return
    current = row["replaced_by"] if str(row["replaced_by"]).startswith("[") else "[naam]"
    left, right = st.columns(2)
    with left:
        replacement = st.text_input(
            "Vervangen door",
            value=current,
            key=f"names_replacement_{row['id']}",
            help="Eén vervanging per persoon, in alle gepseudonimiseerde exports, het concept "
            "en de antwoorden van 'Vraag het de interviews'. Bijvoorbeeld: "
            + ", ".join(REPLACEMENTS),
        )
    with right:
        st.write("")
        confirm, ignore = st.columns(2)
        identifier = int(row["id"])
        confirm.button(
            "Bevestigen",
            key="names_confirm",
            on_click=widgets.callback,
            args=(project, lambda: project.decide_name(identifier, "confirmed",
                                                       replacement=replacement)),
            kwargs={"success": "Vervanging bevestigd."},
        )
        ignore.button(
            "Negeren",
            key="names_ignore",
            on_click=widgets.callback,
            args=(project, lambda: project.decide_name(identifier, "ignored")),
            kwargs={"success": "Genegeerd: wordt niet vervangen."},
            help="Geen persoon of gegeven dat iemand herkenbaar maakt (bijvoorbeeld 'Mooi').",
        )


def adder(project: Project) -> None:
    with st.form("names_add", clear_on_submit=True):
        st.caption("Een naam of gegeven dat de zoektocht miste, in alle interviews vervangen:")
        name_col, kind_col, replacement_col = st.columns([2, 1, 1])
        name = name_col.text_input("Naam of tekst", key="names_add_name")
        kind = kind_col.selectbox(
            "Soort", list(KIND_LABELS), format_func=KIND_LABELS.get, key="names_add_kind"
        )
        replacement = replacement_col.text_input("Vervangen door", key="names_add_replacement")
        if st.form_submit_button("Toevoegen"):
            widgets.run_action(
                project,
                lambda: project.add_name(name, kind=kind, replacement=replacement or None),
                "Toegevoegd.",
            )


def review(project: Project) -> None:
    """The section: what was found, one decision per person, and adding a missed name."""
    st.subheader("Namen in de antwoorden")
    st.caption(
        "Collega's, e-mailadressen, telefoonnummers en adressen die in de interviews genoemd "
        "worden, worden in gepseudonimiseerde exports vervangen, tenzij u ze negeert. Plaatsen "
        "en instellingen worden alleen vervangen als u ze bevestigt."
    )
    # The table reads every mention and builds the pseudonymiser (about 6 s at 1,000
    # interviews): only when the evaluator opens it, not on every visit to the project page.
    if not st.toggle("Namen bekijken en beoordelen", key="names_open"):
        return
    pending = project.names_to_detect()
    if pending:  # detection is the evaluator's click here, not a cost of opening the page
        st.info(messages.say("names.unread", count=pending), icon=":material/person_search:")
        if st.button(
            messages.say("names.detect_button", count=pending), key="names_detect_unread",
            type="primary",
        ):
            with st.spinner(messages.say("names.detecting", count=pending)):
                widgets.run_action(project, project.detect_unread_names, "Namen gezocht.")
        adder(project)
        return
    frame = project.names()
    if frame.empty:
        widgets.empty_state("Nog niets gevonden.")
    else:
        st.dataframe(
            _table(frame).drop(columns=["id"]),
            hide_index=True,
            key="names_table",
            column_config={
                "kind": "Soort", "name": "Naam", "source": "Herkomst", "status": "Besluit",
                "mentions": "Keer", "transcripts": "Interviews", "confidence": "Zekerheid",
                "replaced_by": "Wordt",
            },
        )
        rows = {int(row["id"]): row for _, row in frame.iterrows()}
        chosen = st.selectbox(
            "Bekijken en beslissen",
            list(rows),
            format_func=lambda i: _label(rows[i]),
            key="names_choice",
        )
        decision(project, rows[chosen])
    adder(project)
    if st.button("Opnieuw zoeken in alle interviews", key="names_detect"):
        with st.spinner("Namen zoeken (de eerste keer laadt dat de namenlijsten)..."):
            widgets.run_action(project, project.detect_names, "Opnieuw gezocht.")
