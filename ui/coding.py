"""Page "Coderen": work through the suggestion queue (accept J, reject N, or another code), see
progress, set a threshold per code, and compare two coders. Every decision is appended to the
store's decision log at once, under the coder's name, so two tabs coding together lose nothing."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from analysis import Project, messages
from analysis.codebook import Codebook
from analysis.coding.learned import MIN_NEGATIVE, MIN_POSITIVE
from analysis.coding.queue import theme_of
from analysis.coding.reliability import Reliability
from analysis.coding.state import AUTO_CODER, DEFAULT_THRESHOLD, THRESHOLD_SETTING
from analysis.project import ProjectError
from ui import queue_cache, widgets

QUEUE_PAGE = 10


def done(project: Project) -> set[tuple[int, str]]:
    """The (segment, theme) cards decided in this session since the cards were built."""
    return st.session_state.setdefault(f"coding_done::{project.url}", set())


def refresh(project: Project) -> None:
    done(project).clear()
    st.session_state["coding_refresh"] = st.session_state.get("coding_refresh", 0) + 1


def decide(
    project: Project, action: Callable[[], object], card: tuple[int, str], message: str
) -> None:
    """A decision on one card: appended to the log, and the card leaves this session's queue."""
    if widgets.callback(project, action, message, in_place=False):
        done(project).add(card)


def undo(project: Project, book: Codebook, coder: str) -> None:
    """Take back the coder's last decision. The cards it touched come back from the cached
    queue at once; when the queue does not hold them (a decision made in the reader, or before
    the queue was built) the queue is rebuilt, so that what the undo reopened shows."""
    touched: list[tuple[int, str]] = []
    if not widgets.callback(
        project, lambda: touched.extend(project.undo_pairs(coder)), "Ongedaan gemaakt",
        in_place=False,
    ):
        return
    parents = {code.key: code.parent for code in book}
    cards = {(segment, theme_of(code, parents)) for segment, code in touched}
    hidden = done(project)
    if cards <= hidden:
        hidden.difference_update(cards)
    else:
        refresh(project)


@st.cache_data(show_spinner="Overeenstemming berekenen…", max_entries=8)
def reliability(location: str, rev: tuple, coder_a: str, coder_b: str) -> Reliability:
    return widgets.open_project(location).reliability(coder_a, coder_b)


def progress(project: Project, cards: queue_cache.OpenCards) -> None:
    counts = project.coding_progress()
    columns = st.columns(3)
    columns[0].metric(
        "Door mensen gecodeerd",
        counts["coded"],
        help="Passages met een code die iemand heeft toegepast of geaccepteerd.",
    )
    columns[1].metric(
        "Te beoordelen",
        len(cards),
        help="Eén kaart per passage en thema: een thema en zijn subthema's beoordeel je samen.",
    )
    columns[2].metric("Passages", counts["segments"])
    st.progress(counts["coded"] / counts["segments"] if counts["segments"] else 0.0)


def run_suggestions(project: Project) -> None:
    if st.button(
        "Voorstellen maken of bijwerken",
        icon=":material/auto_awesome:",
        key="coding_suggest",
        help="Trefwoorden, gelijkenis met de voorbeelden in het codeboek en wat het programma "
        "leerde van je eerdere beslissingen. Een beslissing van een mens wordt nooit overschreven.",
    ):
        with st.status("Voorstellen berekenen…", expanded=True) as status:
            st.write("Trefwoorden, gelijkenis en geleerde modellen per code…")
            bar = st.progress(0.0, text="Taalmodel") if project.llm_config() else None

            def progress(done: int, total: int) -> None:
                if bar is not None:
                    bar.progress(done / total, text=f"Taalmodel: {done} van {total} passages")

            try:
                report = project.suggest(progress=progress)
            except ProjectError as error:
                status.update(label="Geen voorstellen gemaakt", state="error")
                st.error(f"Het taalmodel is niet gebruikt: {error}.")
                return
            for message in report.llm.get("messages", []):
                st.warning(f"Taalmodel: {message}. Waar het taalmodel niet bruikbaar antwoordde, "
                           "beslissen trefwoorden, gelijkenis en geleerde modellen.")
            widgets.changed(project)
            refresh(project)
            status.update(
                label=messages.say(
                    "coding.suggested",
                    stored=report.stored,
                    segments=report.segments,
                    seconds=f"{report.seconds:.1f}".replace(".", ","),
                ),
                state="complete",
                expanded=False,
            )
        st.session_state["coding_next_step"] = True
    if st.session_state.get("coding_next_step"):
        st.caption(
            "Volgende stap: beoordeel hieronder de kaarten (J accepteren, N afwijzen), of codeer "
            "zelf in Transcript lezen."
        )


def queue_filters(cards: queue_cache.OpenCards, book: Codebook) -> np.ndarray:
    """The code, confidence and college pickers; the row positions of the open cards they
    keep, in queue order (looked up in the queue's indexes, no loop over the cards)."""
    left, middle, right = st.columns([2, 1, 2])
    codes = [k for k in widgets.code_options(book) if k in cards.codes]
    code = left.selectbox(
        "Code",
        [None, *codes],
        format_func=lambda k: "Alle codes" if k is None else widgets.code_label(book)(k),
        key="coding_code",
    )
    minimum = middle.slider("Minimale zekerheid", 0.0, 1.0, 0.0, 0.05, key="coding_min")
    college = right.selectbox(
        "Instelling",
        [None, *cards.institutions],
        format_func=lambda v: "Alle instellingen" if v is None else v,
        key="coding_college",
    )
    return cards.chosen(code, minimum, college)


def card_key(row: pd.Series) -> str:
    return f"{int(row['segment_id'])}_{row['theme']}"


def decision_buttons(project: Project, book: Codebook, row: pd.Series, *, current: bool) -> None:
    """Accept / reject the card (all its suggestions at once) or give another code; the current
    card listens to J and N."""
    coder = widgets.coder()
    segment_id, theme = int(row["segment_id"]), str(row["theme"])
    key = card_key(row)
    card = (segment_id, theme)
    codes = list(row["codes"])
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        st.button(
            "Accepteren",
            key=f"accept_{key}",
            type="primary",
            icon=":material/check:",
            shortcut="J" if current else None,
            disabled=not coder,
            on_click=decide,
            args=(
                project,
                lambda: project.accept_card(segment_id, theme, coder),
                card,
                "Geaccepteerd",
            ),
        )
        st.button(
            "Afwijzen",
            key=f"reject_{key}",
            icon=":material/close:",
            shortcut="N" if current else None,
            disabled=not coder,
            on_click=decide,
            args=(
                project,
                lambda: project.reject_card(segment_id, theme, coder),
                card,
                "Afgewezen",
            ),
        )
        others = [k for k in widgets.code_options(book) if k not in codes]
        other = st.selectbox(
            "Andere code",
            others,
            index=None,
            format_func=widgets.code_label(book),
            key=f"other_{key}",
            placeholder="Andere code…",
            label_visibility="collapsed",
            width=280,
        )
        st.button(
            "Vervangen",
            key=f"recode_{key}",
            icon=":material/swap_horiz:",
            disabled=not coder or other is None,
            on_click=decide,
            args=(
                project,
                lambda: project.recode(segment_id, codes[-1], other, coder),
                card,
                "Code vervangen",
            ),
        )
        if pd.notna(row.get("transcript_id")):
            widgets.open_in_reader_button(row["transcript_id"], segment_id, key=f"open_{key}")


def suggestion_card(
    project: Project, book: Codebook, row: pd.Series, *, current: bool
) -> None:
    """One card: the passage once, the suggestions of one theme (grey "voorstel" badges with
    their confidence) and why they were made, and one decision for all of them."""
    with st.container(border=True, key=f"card_{card_key(row)}"):
        where = f"{row['institution']} · {row['transcript']}"
        st.caption(widgets.escape_markdown(where) + (" · **huidige kaart**" if current else ""))
        widgets.question_line(row["question"])
        st.text(str(row["text"]))
        suffixes = {
            code: f" {confidence:.0%}".replace(" ", " ")
            for code, confidence in zip(row["codes"], row["confidences"], strict=True)
        }
        st.markdown(
            widgets.code_badges(row["codes"], book, suffixes=suffixes, suggested=row["codes"])
            + f" :gray[{widgets.escape_markdown(row['origin'])}]"
        )
        for code, reason in zip(row["codes"], row["rationale"], strict=True):
            if reason:
                label = book.get(code).label if code in book else code
                st.caption(widgets.escape_markdown(f"Waarom {label}: {reason}"))
        decision_buttons(project, book, row, current=current)


def move_cursor(step: int, size: int) -> None:
    st.session_state["coding_cursor"] = max(
        0, min(size - 1, st.session_state.get("coding_cursor", 0) + step)
    )


def keyboard(size: int, coder: str) -> None:
    """Buttons that carry the keys: ↑/↓ move the current card, U undoes."""
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.button(
            "Vorige kaart", key="coding_prev", icon=":material/arrow_upward:", shortcut="Up",
            type="tertiary", on_click=move_cursor, args=(-1, size),
        )
        st.button(
            "Volgende kaart", key="coding_next", icon=":material/arrow_downward:",
            shortcut="Down", type="tertiary", on_click=move_cursor, args=(1, size),
        )


@st.fragment
def review(project: Project, book: Codebook) -> None:
    """The queue, its counters and the cards: a fragment, so a decision reruns only this part
    of the page, not the page's views and headers."""
    widgets.show_flash()
    coder = widgets.coder()
    cards = open_cards(project)
    progress(project, cards)
    with st.container(horizontal=True, vertical_alignment="center"):
        if coder:
            st.caption(
                f"Je codeert als **{widgets.escape_markdown(coder)}**. Sneltoetsen: J = "
                "accepteren, N = afwijzen, U = ongedaan maken, ↑ en ↓ = vorige en volgende kaart."
            )
        else:
            st.warning("Vul eerst je naam in (zijbalk); beslissingen worden onder je naam bewaard.")
        st.button(
            "Laatste beslissing ongedaan maken",
            key="coding_undo",
            icon=":material/undo:",
            shortcut="U",
            disabled=not coder,
            on_click=undo,
            args=(project, book, coder),
        )
    if cards.empty:
        widgets.empty_state(
            "Geen open voorstellen: alles is beoordeeld, of er zijn nog geen voorstellen gemaakt. "
            "Maak voorstellen met de knop hierboven, of codeer passages zelf in Transcript lezen."
        )
        return
    shown = queue_filters(cards, book)
    if not len(shown):
        widgets.empty_state(
            "Geen kaarten bij deze keuze. Kies een andere code of instelling, of zet de "
            "minimale zekerheid lager."
        )
        return
    rows = shown[widgets.paginate(len(shown), "coding_page", per_page=QUEUE_PAGE)]
    page = cards.index.cards.iloc[rows]
    transcripts = widgets.cached(project, widgets.transcripts)
    ids = dict(zip(transcripts["source"], transcripts["id"], strict=True))
    pairs = [(row.segment_id, code) for row in page.itertuples() for code in row.codes]
    reasons = project.suggestion_reasons(pairs)
    page = page.assign(
        transcript_id=page["transcript"].map(ids),
        rationale=[
            tuple(reasons[(row.segment_id, code)] for code in row.codes)
            for row in page.itertuples()
        ],
    )
    cursor = min(st.session_state.get("coding_cursor", 0), len(page) - 1)
    keyboard(len(page), coder)
    for number, (_, row) in enumerate(page.iterrows()):
        suggestion_card(project, book, row, current=number == cursor)


def thresholds(project: Project, book: Codebook) -> None:
    st.caption(
        "Een voorstel telt als code zodra de zekerheid de drempel haalt (tot iemand het afwijst). "
        "Leeg = de standaarddrempel van het project."
    )
    default = float(project.setting(THRESHOLD_SETTING, DEFAULT_THRESHOLD))
    table = pd.DataFrame(
        {
            "code": [c.key for c in book],
            "label": [widgets.code_label(book)(c.key) for c in book],
            "threshold": [c.threshold for c in book],
        }
    )
    with st.form("thresholds"):
        new_default = st.number_input(
            "Standaarddrempel", 0.0, 1.0, default, 0.05, key="threshold_default"
        )
        edited = st.data_editor(
            table,
            key="threshold_table",
            hide_index=True,
            disabled=["code", "label"],
            column_order=["label", "threshold"],
            column_config={
                "label": "Code",
                "threshold": st.column_config.NumberColumn(
                    "Drempel", min_value=0.0, max_value=1.0, step=0.05
                ),
            },
        )
        if st.form_submit_button("Drempels opslaan", icon=":material/save:"):

            def save() -> None:
                if new_default != default:
                    project.set_threshold(None, float(new_default))
                for old, new in zip(table.itertuples(), edited.itertuples(), strict=True):
                    before = None if pd.isna(old.threshold) else float(old.threshold)
                    after = None if pd.isna(new.threshold) else float(new.threshold)
                    if before != after:
                        project.set_threshold(old.code, after)

            widgets.run_action(project, save, "Drempels opgeslagen")


def agreement(project: Project, book: Codebook) -> None:
    coders = project.coders()
    if len(coders) < 2:
        widgets.empty_state(
            "Overeenstemming meten kan zodra twee codeurs (of de voorstellen en een codeur) "
            "dezelfde transcripten hebben gecodeerd."
        )
        return
    left, right = st.columns(2)
    shown = {AUTO_CODER: "de voorstellen (automatisch)"}
    coder_a = left.selectbox(
        "Codeur A", coders, index=0, key="rel_a", format_func=lambda c: shown.get(c, c)
    )
    coder_b = right.selectbox(
        "Codeur B", coders, index=1, key="rel_b", format_func=lambda c: shown.get(c, c)
    )
    if coder_a == coder_b:
        st.info("Kies twee verschillende codeurs.")
        return
    try:
        result = reliability(widgets.project_location(), widgets.version(project), coder_a, coder_b)
    except widgets.USER_ERRORS as error:
        st.warning(widgets.escape_markdown(f"Niet te berekenen: {error}"))
        return
    overall = result.overall.set_index("code")
    columns = st.columns(4)
    columns[0].metric("Passages", result.units)
    for column, (label, name) in zip(
        columns[1:],
        (
            ("Overeenstemming", "agreement"),
            ("Cohens kappa", "kappa"),
            ("Krippendorffs alfa", "alpha"),
        ),
        strict=True,
    ):
        value = overall.iloc[0][name]
        column.metric(f"{label} (alle codes)", "–" if pd.isna(value) else f"{value:.2f}")
    per_code = result.per_code.assign(code=result.per_code["code"].map(widgets.code_label(book)))
    st.dataframe(
        per_code,
        hide_index=True,
        key="rel_per_code",
        column_config={
            "code": "Code",
            "units": None,
            "coder_a": st.column_config.NumberColumn(f"{shown.get(coder_a, coder_a)} (aantal)"),
            "coder_b": st.column_config.NumberColumn(f"{shown.get(coder_b, coder_b)} (aantal)"),
            "agreement": st.column_config.NumberColumn("Overeenstemming", format="%.2f"),
            "kappa": st.column_config.NumberColumn("Kappa", format="%.2f"),
            "alpha": st.column_config.NumberColumn("Alfa", format="%.2f"),
        },
    )
    st.subheader(f"Verschillen ({len(result.disagreements)})")
    differences = result.disagreements.assign(
        code=result.disagreements["code"].map(widgets.code_label(book)),
        coder_a=result.disagreements["coder_a"].map({1: "ja", 0: "nee"}),
        coder_b=result.disagreements["coder_b"].map({1: "ja", 0: "nee"}),
    )
    st.dataframe(
        differences,
        hide_index=True,
        key="rel_differences",
        column_config={
            "segment_id": None,
            "transcript": "Transcript",
            "code": "Code",
            "coder_a": shown.get(coder_a, coder_a),
            "coder_b": shown.get(coder_b, coder_b),
            "text": "Passage",
        },
    )


VIEWS = {
    "review": "Voorstellen beoordelen",
    "learning": "Wat de voorstellen leren",
    "thresholds": "Drempels per code",
    "agreement": "Overeenstemming tussen codeurs",
    "memos": "Memo's per code",
}


def learning(project: Project, book: Codebook) -> None:
    """Per code: the decisions the learned suggestions train on, and what is still missing."""
    st.caption(
        f"Een code leert van jullie beslissingen zodra er minstens {MIN_POSITIVE} goedgekeurde en "
        f"{MIN_NEGATIVE} afgewezen fragmenten zijn (een goedgekeurde subcode telt ook voor de "
        "hoofdcode). Codeer je een "
        "gesprek helemaal zelf in Transcript lezen, klik dan op ‘Gesprek volledig gecodeerd’: "
        "dan tellen de codes die je niet gaf als afgewezen. Maak daarna de voorstellen opnieuw."
    )
    status = project.learning_status()

    def missing(row: pd.Series) -> str:
        parts = [
            f"{row[column]} {word}"
            for column, word in (("needs_accepted", "goedgekeurd"), ("needs_rejected", "afgewezen"))
            if row[column]
        ]
        return "nog " + " en ".join(parts) if parts else ""

    shown = status.assign(
        label=status["code"].map(widgets.code_label(book)),
        state=status["learning"].map({True: "leert mee", False: "nog niet"}),
        missing=status.apply(missing, axis=1),
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="learning_table",
        column_order=["label", "accepted", "rejected", "state", "missing"],
        column_config={
            "label": "Code",
            "accepted": st.column_config.NumberColumn("Goedgekeurd"),
            "rejected": st.column_config.NumberColumn("Afgewezen"),
            "state": "Geleerd model",
            "missing": "Nodig",
        },
    )


def code_memos(project: Project, book: Codebook) -> None:
    """Memos on a code: how the evaluators read it, doubts about its boundaries, newest first."""
    code = st.selectbox(
        "Code", widgets.code_options(book), format_func=widgets.code_label(book), key="memo_code"
    )
    memos = project.memos(code=code)
    if memos.empty:
        st.caption("Nog geen memo's bij deze code.")
    for memo in memos.to_dict("records"):
        widgets.memo_item(project, pd.Series(memo), "coding_cmemo")
    widgets.memo_writer(project, f"coding_code_memo_{code}", "Nieuwe memo bij deze code", code=code)


def open_cards(project: Project) -> queue_cache.OpenCards:
    """The cards still open for this session (the cached queue without the cards it decided)."""
    with st.spinner("Voorstellen ophalen…"):
        index = queue_cache.cards(
            widgets.project_location(),
            project.suggestions_revision(),
            st.session_state.get("coding_refresh", 0),
        )
    return index.open(done(project))


def render() -> None:
    project = widgets.project()
    widgets.page_header(
        "Coderen", "Beoordeel de voorstellen; elke beslissing wordt direct bewaard."
    )
    if not project.coding_progress()["segments"]:
        widgets.empty_state("Nog geen passages om te coderen. Importeer eerst transcripten.")
        return
    book = widgets.cached(project, widgets.codebook)
    with st.container(horizontal=True):
        run_suggestions(project)
        st.button(
            "Vernieuwen",
            key="coding_refresh_button",
            icon=":material/refresh:",
            help="Haal ook de beslissingen op die anderen intussen namen.",
            on_click=refresh,
            args=(project,),
        )
    view = st.segmented_control(
        "Weergave",
        list(VIEWS),
        format_func=VIEWS.get,
        default="review",
        key="coding_view",
        label_visibility="collapsed",
    )
    if view == "learning":
        learning(project, book)
    elif view == "thresholds":
        thresholds(project, book)
    elif view == "agreement":
        agreement(project, book)
    elif view == "memos":
        code_memos(project, book)
    else:
        review(project, book)


render()
