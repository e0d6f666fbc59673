"""Page "Fasen": per college the evidence for each development phase (KIS 2020), the estimated
phase with its confidence, and the evaluator's own judgement with a note, which always wins."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import Project
from analysis.codebook import Codebook
from analysis.phases import phase_definitions
from ui import widgets

EVIDENCE_PER_PHASE = 10


def phase_names(book: Codebook) -> dict[int, str]:
    return {d.number: d.label for d in phase_definitions(book)}


def overview(table: pd.DataFrame) -> None:
    shown = widgets.blank_missing(table).assign(
        basis=table["judged"].map({True: "oordeel evaluator", False: "schatting"})
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="phase_table",
        column_order=[
            "institution",
            "label",
            "basis",
            "confidence",
            "estimate_label",
            "assessor",
            "note",
        ],
        column_config={
            "institution": "Instelling",
            "label": "Fase",
            "basis": "Op basis van",
            "confidence": st.column_config.ProgressColumn(
                "Zekerheid", min_value=0.0, max_value=1.0, format="%.2f"
            ),
            "estimate_label": "Schatting",
            "assessor": "Beoordeeld door",
            "note": "Toelichting",
        },
    )


def evidence_list(found: pd.DataFrame, names: dict[int, str]) -> None:
    """One college's evidence per phase (from the same estimate as the table above it)."""
    if found.empty:
        widgets.empty_state("Geen bewijs gevonden voor een fase bij deze instelling.")
        return
    for number, name in names.items():
        items = found[found["phase"] == number]
        with st.expander(
            f"{widgets.escape_markdown(name)} — {len(items)} passages", expanded=False
        ):
            if items.empty:
                st.caption("Geen bewijs voor deze fase.")
            for item in items.head(EVIDENCE_PER_PHASE).itertuples():
                with st.container(border=True):
                    st.caption(
                        widgets.escape_markdown(
                            f"{item.source} · gewicht {item.weight:.2f} · {item.reasons}"
                        )
                    )
                    st.text(item.text)
            if len(items) > EVIDENCE_PER_PHASE:
                st.caption(
                    f"… en nog {len(items) - EVIDENCE_PER_PHASE} passages met minder gewicht."
                )


def judgement_form(project: Project, row: pd.Series, names: dict[int, str]) -> None:
    institution = str(row["institution"])
    key = widgets.safe_key(institution)
    numbers = list(names)
    current = int(row["phase"]) if pd.notna(row["phase"]) and int(row["phase"]) in numbers else None
    with st.form(f"judge_{key}"):
        st.markdown("**Jouw oordeel**")
        phase = st.radio(
            "Fase",
            numbers,
            index=numbers.index(current) if current is not None else None,
            format_func=names.get,
            key=f"judge_phase_{key}",
        )
        note = st.text_area(
            "Toelichting (verplicht)",
            value=widgets.plain(row["note"]),
            key=f"judge_note_{key}",
            placeholder="Waarom deze fase? Bijvoorbeeld: het zit in de teamplannen…",
        )
        if st.form_submit_button(
            "Oordeel opslaan", type="primary", key=f"judge_save_{key}", icon=":material/gavel:"
        ):
            if phase is None:
                st.warning("Kies een fase.")
                return
            st.session_state["recompute::phases"] = True  # show the judgement in the table
            widgets.run_action(
                project,
                lambda: project.judge_phase(institution, int(phase), note, widgets.coder()),
                "Oordeel opgeslagen",
            )


def detail(
    project: Project, table: pd.DataFrame, evidence: pd.DataFrame, names: dict[int, str]
) -> None:
    institutions = list(table["institution"])
    institution = st.selectbox("Instelling", institutions, key="phase_institution")
    row = table.set_index("institution").loc[institution].copy()
    row["institution"] = institution
    left, right = st.columns([3, 2])
    with left:
        columns = st.columns(2)
        columns[0].metric("Fase", row["label"], help="Jouw oordeel, anders de schatting.")
        columns[1].metric("Zekerheid", f"{row['confidence']:.2f}")
        st.caption(
            f"Schatting uit het materiaal: {widgets.escape_markdown(row['estimate_label'])} "
            f"(zekerheid {row['estimate_confidence']:.2f})"
        )
        if row["judged"]:
            st.caption(widgets.escape_markdown(f"Oordeel van {row['assessor']}: {row['note']}"))
        scores = pd.DataFrame(
            {
                "fase": [names.get(int(k), k) for k in row["scores"]],
                "score": list(row["scores"].values()),
            }
        )
        if not scores.empty:
            st.bar_chart(scores, x="fase", y="score", horizontal=True, height=200)
        evidence_list(evidence[evidence["institution"] == institution], names)
    with right:
        judgement_form(project, row, names)


def render() -> None:
    project = widgets.project()
    widgets.page_header(
        "Fasen",
        "Waar staat elke instelling in de vier fasen van internationalisering (KIS 2020)? "
        "De schatting rust op coderingen en kenmerken in de tekst; jouw oordeel gaat altijd voor.",
    )
    table, evidence = widgets.phase_overview(project)
    if table.empty:
        widgets.empty_state("Nog geen interviews om fasen uit af te leiden.")
        return
    names = phase_names(widgets.cached(project, widgets.codebook))
    overview(table)
    st.subheader("Per instelling")
    detail(project, table, evidence, names)


render()
