"""Page "Thema's uit de gesprekken": let a topic model (BERTopic) find the themes respondents
talk about, with progress shown; the topic table with keywords and example quotes; rename,
merge, or turn a topic into a code; charts; topic × code and "what the codebook misses"."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import Project
from ui import widgets

STEPS = ("Documenten voorbereiden", "Embeddings berekenen", "Thema's zoeken", "Opslaan")
UNITS = {"segment": "passages", "turn": "hele spreekbeurten"}
# What a run's topics, sizes and figures read: a coding decision leaves them as they are.
TOPIC_TABLES = ("topic_run", "topic", "segment_topic", "transcript", "segment")


@st.cache_data(show_spinner=False, max_entries=8)
def runs(location: str, rev: tuple) -> pd.DataFrame:
    return widgets.open_project(location).topic_runs()


@st.cache_data(show_spinner=False, max_entries=8)
def topics(location: str, rev: tuple, run_id: int) -> pd.DataFrame:
    return widgets.open_project(location).topics(run_id)


@st.cache_data(show_spinner="Kruistabellen berekenen…", max_entries=8)
def tables(location: str, rev: tuple, run_id: int, level: str) -> dict[str, pd.DataFrame]:
    project = widgets.open_project(location)
    return {
        "codes": project.topic_code_crosstab(run_id, level=level, share=True),
        "missing": project.uncovered_topics(run_id),
    }


@st.cache_resource(show_spinner="Grafieken maken…", max_entries=4)
def figures(location: str, rev: tuple, run_id: int) -> dict[str, object]:
    """Plotly figures of a run (shared read-only between sessions; never changed here)."""
    return widgets.open_project(location).topic_figures(run_id)


def run_model(project: Project) -> None:
    with st.expander("Nieuwe themaverkenning", expanded=False):
        left, right = st.columns(2)
        unit = left.radio("Eenheid", list(UNITS), format_func=UNITS.get, key="topics_unit")
        size = right.number_input(
            "Kleinste thema (passages, 0 = automatisch)", 0, 500, 0, key="topics_min_size"
        )
        model = project.setting("embedding_model")
        st.caption(
            f"Tekstmodel: {widgets.escape_markdown(model)}"
            if model
            else "Tekstmodel: ingebouwd (TF-IDF en SVD op lemma's, werkt zonder internet)."
        )
        if not st.button(
            "Thema's zoeken", type="primary", icon=":material/bubble_chart:", key="topics_run"
        ):
            return
        with st.status("Thema's zoeken…", expanded=True) as status:
            bar = st.progress(0.0)

            def progress(step: str) -> None:
                done = STEPS.index(step) if step in STEPS else 0
                bar.progress(done / len(STEPS), text=step)
                status.update(label=f"{step}…")

            try:
                run_id = project.run_topics(
                    unit=unit, min_topic_size=int(size) or None, progress=progress
                )
            except widgets.USER_ERRORS as error:
                status.update(label="Geen thema's gevonden", state="error")
                st.error(widgets.escape_markdown(widgets.failure(error)))
                return
            bar.progress(1.0, text="Klaar")
            status.update(label="Thema's gevonden", state="complete", expanded=False)
        widgets.changed(project)
        st.session_state["topics_run_id"] = run_id


def choose_run(frame: pd.DataFrame) -> int:
    ids = [int(i) for i in frame["id"]]
    if st.session_state.get("topics_run_id") not in ids:
        st.session_state["topics_run_id"] = ids[0]
    rows = frame.set_index("id")

    def describe(run_id: int) -> str:
        row = rows.loc[run_id]
        when = pd.Timestamp(row["created_at"]).strftime("%d-%m-%Y %H:%M")
        return f"Verkenning {run_id} · {when} · {row['topics']} thema's · {row['embedding_model']}"

    return st.selectbox("Verkenning", ids, format_func=describe, key="topics_run_id")


def topic_table(frame: pd.DataFrame) -> None:
    st.dataframe(
        widgets.blank_missing(frame),
        hide_index=True,
        key="topics_table",
        column_order=["label", "size", "colleges", "keywords", "code"],
        column_config={
            "label": "Thema",
            "size": st.column_config.NumberColumn("Passages", format="%d"),
            "colleges": st.column_config.NumberColumn("Instellingen", format="%d"),
            "keywords": "Kernwoorden",
            "code": "Code",
        },
    )


def topic_detail(project: Project, frame: pd.DataFrame, segments: pd.DataFrame) -> None:
    labels = dict(zip(frame["id"].astype(int), frame["label"], strict=True))
    topic_id = st.selectbox("Thema", list(labels), format_func=labels.get, key="topics_topic")
    row = frame.set_index("id").loc[topic_id]
    st.caption(widgets.escape_markdown(f"Kernwoorden: {row['keywords']}"))
    examples, edits = st.columns([3, 2])
    with examples:
        st.markdown("**Voorbeeldcitaten**")
        by_id = segments.set_index("segment_id")
        for segment_id in list(row["representative_ids"])[:5]:
            if segment_id in by_id.index:
                quote = by_id.loc[segment_id].copy()
                quote["segment_id"] = segment_id
                widgets.quote_card(quote, widgets.cached(project, widgets.codebook))
    with edits:
        with st.form(f"rename_{topic_id}"):
            label = st.text_input("Nieuwe naam", value=row["label"], key=f"topics_label_{topic_id}")
            if st.form_submit_button(
                "Naam opslaan", icon=":material/edit:", key=f"topics_rename_{topic_id}"
            ):
                widgets.run_action(
                    project, lambda: project.rename_topic(topic_id, label), "Thema hernoemd"
                )
        if row["code"]:
            st.caption(widgets.escape_markdown(f"Dit thema is al code {row['code']}."))
        else:
            with st.form(f"to_code_{topic_id}"):
                st.caption("Maak van dit thema een code: de typerende passages worden voorstellen.")
                key = st.text_input(
                    "Codesleutel", placeholder="bijvoorbeeld: ouders", key=f"topics_key_{topic_id}"
                )
                code_label = st.text_input(
                    "Naam van de code", value=row["label"], key=f"topics_code_label_{topic_id}"
                )
                definition = st.text_area(
                    "Omschrijving (optioneel)", key=f"topics_definition_{topic_id}"
                )
                if st.form_submit_button(
                    "Code maken", icon=":material/new_label:", key=f"topics_code_{topic_id}"
                ):
                    widgets.run_action(
                        project,
                        lambda: project.topic_to_code(
                            topic_id, key.strip(), label=code_label, definition=definition or None
                        ),
                        "Code gemaakt; de voorstellen staan klaar op de pagina Coderen",
                    )


def merger(project: Project, frame: pd.DataFrame) -> None:
    themes = frame[frame["topic"] >= 0]
    labels = dict(zip(themes["id"].astype(int), themes["label"], strict=True))
    with st.form("merge_topics"):
        chosen = st.multiselect(
            "Thema's samenvoegen (het eerste blijft)",
            list(labels),
            format_func=labels.get,
            key="topics_merge",
            placeholder="Kies twee of meer thema's…",
        )
        label = st.text_input(
            "Naam van het samengevoegde thema (optioneel)", key="topics_merge_label"
        )
        if st.form_submit_button("Samenvoegen", icon=":material/merge:", key="topics_merge_button"):
            widgets.run_action(
                project,
                lambda: project.merge_topics(chosen, label.strip() or None),
                "Thema's samengevoegd",
            )


def charts(project: Project, run_id: int) -> None:
    found = figures(widgets.project_location(), widgets.version(project, TOPIC_TABLES), run_id)
    sizes, positions, colleges = st.tabs(["Grootte", "Kaart", "Per instelling"])
    with sizes:
        st.plotly_chart(found["sizes"], key="topics_sizes")
    with positions:
        st.plotly_chart(found["map"], key="topics_map")
    with colleges:
        st.plotly_chart(found["colleges"], key="topics_colleges")


def crosstabs(project: Project, run_id: int) -> None:
    st.subheader("Thema's naast de codes")
    level = st.segmented_control(
        "Codes",
        ["top", "all"],
        format_func={"top": "hoofdcodes", "all": "alle codes"}.get,
        default="top",
        key="topics_level",
    )
    found = tables(widgets.project_location(), widgets.version(project), run_id, level or "top")
    book = widgets.cached(project, widgets.codebook)
    shares = found["codes"].rename(columns=lambda k: book.get(k).label if k in book else k)
    st.caption("Aandeel van de passages van elk thema dat een code draagt.")
    st.dataframe(
        shares.style.format("{:.0%}").background_gradient(cmap="Blues", axis=None),
        key="topics_crosstab",
    )
    st.subheader("Wat het codeboek mist")
    missing = found["missing"]
    if missing.empty:
        st.caption("Elk thema wordt grotendeels door een code gedekt.")
        return
    st.caption(
        "Thema's waarvan de meeste passages nog geen code hebben: kandidaten voor een nieuwe code."
    )
    st.dataframe(
        missing,
        hide_index=True,
        key="topics_missing",
        column_order=["label", "size", "uncoded", "uncoded_share", "colleges", "keywords"],
        column_config={
            "label": "Thema",
            "size": st.column_config.NumberColumn("Passages", format="%d"),
            "uncoded": st.column_config.NumberColumn("Zonder code", format="%d"),
            "uncoded_share": st.column_config.ProgressColumn(
                "Aandeel zonder code", min_value=0.0, max_value=1.0, format="percent"
            ),
            "colleges": st.column_config.NumberColumn("Instellingen", format="%d"),
            "keywords": "Kernwoorden",
        },
    )


def render() -> None:
    project = widgets.project()
    widgets.page_header(
        "Thema's uit de gesprekken",
        "Een topicmodel (BERTopic) zoekt waar respondenten over praten, los van het codeboek: "
        "zo zie je thema's die niemand had voorzien.",
    )
    segments = widgets.segments(project)
    if segments.empty:
        widgets.empty_state("Nog geen interviews: importeer eerst transcripten.")
        return
    run_model(project)
    found = runs(widgets.project_location(), widgets.version(project, TOPIC_TABLES))
    if found.empty:
        widgets.empty_state("Nog geen themaverkenning. Start er hierboven een.")
        return
    run_id = choose_run(found)
    frame = topics(widgets.project_location(), widgets.version(project, TOPIC_TABLES), run_id)
    topic_table(frame)
    charts(project, run_id)
    st.subheader("Thema bekijken en bewerken")
    topic_detail(project, frame, segments)
    merger(project, frame)
    crosstabs(project, run_id)


render()
