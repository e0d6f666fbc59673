"""Page "Rapport": shape the publication draft chapter by chapter — opening texts, chosen quotes
in order (from all quotes on a theme, or from the draft's own suggestions), example boxes — and
download it as an editable Word document, optionally in the agency's template and pseudonymised."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import Project
from analysis.codebook import Codebook
from analysis.phases import PHASES_ROOT
from analysis.quotes import QuoteFilter, select_quotes
from analysis.report.model import Draft
from ui import widgets

FIXED_TITLES = {
    "introduction": "Inleiding",
    "method": "Werkwijze",
    "phases": "Ontwikkelingsfasen",
    "next_steps": "Hoe verder?",
}
ATTRIBUTIONS = {"institution": "“bestuurder, ROC Voorbeeld”", "role": "“een bestuurder”"}
SOURCES = {"all": "Alle citaten met deze code", "draft": "Voorstellen van het concept"}
PICK_PAGE = 10


@st.cache_data(show_spinner="Concept samenstellen…", max_entries=4)
def draft(location: str, rev: tuple) -> Draft:
    return widgets.open_project(location).build_draft()


def chapters(book: Codebook) -> dict[str, str]:
    """Chapter key -> title, in the order of the publication."""
    themes = {c.key: c.label for c in book.top_level() if c.key != PHASES_ROOT}
    return {
        "introduction": FIXED_TITLES["introduction"],
        "method": FIXED_TITLES["method"],
        **themes,
        "phases": FIXED_TITLES["phases"],
        "next_steps": FIXED_TITLES["next_steps"],
    }


def theme_keys(book: Codebook, chapter: str) -> list[str]:
    """A theme chapter's own key and its sub-themes' keys (quotes may sit under either)."""
    return [chapter, *(c.key for c in book.children(chapter))]


def build_section(project: Project) -> None:
    st.subheader("Concept downloaden")
    left, middle, right = st.columns(3)
    attribution = left.radio(
        "Citaten toeschrijven als",
        list(ATTRIBUTIONS),
        format_func=ATTRIBUTIONS.get,
        key="report_attribution",
    )
    anonymise = middle.checkbox(
        "Pseudonimiseren",
        key="report_anonymise",
        help="Instellingen en personen krijgen in het hele document een vaste schuilnaam "
        "(Instelling A, Respondent 1).",
    )
    verbatim = middle.checkbox(
        "Citaten woordelijk",
        key="report_verbatim",
        help="Standaard laat het concept haperingen (‘eh’, ‘ehm’) en aanduidingen als "
        "‘[lacht]’ weg uit citaten, zoals een publicatie citeert; aangevinkt blijven ze staan.",
    )
    template = right.file_uploader(
        "Huisstijl (Word-sjabloon, optioneel)", type=["docx", "dotx"], key="report_template"
    )
    if st.button(
        "Concept maken", type="primary", icon=":material/description:", key="report_build"
    ):
        with (
            st.status("Concept maken…", expanded=True) as status,
            tempfile.TemporaryDirectory() as tmp,
        ):
            folder = Path(tmp)
            template_path = None
            if template is not None:
                template_path = folder / f"sjabloon{Path(template.name).suffix.lower()}"
                template_path.write_bytes(template.getvalue())
            st.write("Hoofdstukken, citaten, fasentabel en grafiek samenstellen…")
            try:
                path = project.write_report(
                    folder / "concept.docx",
                    template=template_path,
                    anonymise=anonymise,
                    attribution=attribution,
                    verbatim=verbatim,
                )
            except widgets.USER_ERRORS as error:
                status.update(label="Het concept kon niet worden gemaakt", state="error")
                st.error(widgets.escape_markdown(widgets.failure(error)))
                return
            st.session_state["report_docx"] = path.read_bytes()
            status.update(label="Het concept is klaar", state="complete", expanded=False)
    if st.session_state.get("report_docx"):
        st.download_button(
            "Concept downloaden (.docx)",
            data=st.session_state["report_docx"],
            file_name="concept-rapport.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/download:",
            key="report_download",
        )


def intro_editor(project: Project, book: Codebook, chapter: str, items: pd.DataFrame) -> None:
    own = items[(items["kind"] == "intro") & (items["chapter"] == chapter)]
    current = str(own.iloc[0]["text"]) if not own.empty else ""
    default = book.get(chapter).description if chapter in book else ""
    with st.form(f"intro_{chapter}"):
        text = st.text_area(
            "Openingstekst",
            value=current or default,
            height=150,
            key=f"report_intro_{chapter}",
            help="Leeg laten = de standaardtekst van het concept.",
        )
        if st.form_submit_button(
            "Tekst opslaan", icon=":material/save:", key=f"report_intro_save_{chapter}"
        ):
            widgets.run_action(
                project,
                lambda: project.set_chapter_intro(chapter, text),
                "Openingstekst opgeslagen",
            )


def chosen_quotes(
    project: Project, book: Codebook, chapter: str, items: pd.DataFrame, segments: pd.DataFrame
) -> set[int]:
    """The quotes the evaluator chose for this chapter, in order, with up / down / remove."""
    keys = theme_keys(book, chapter)
    chosen = items[(items["kind"] == "quote") & items["chapter"].isin(keys)]
    st.markdown(f"**Gekozen citaten ({len(chosen)})**")
    if chosen.empty:
        st.caption("Nog niets gekozen: het concept kiest dan zelf de best onderbouwde citaten.")
        return set()
    texts = segments.set_index("segment_id")
    for key in keys:
        group = chosen[chosen["chapter"] == key]
        if group.empty:
            continue
        if key != chapter:
            st.caption(widgets.escape_markdown(book.get(key).label))
        for number, item in enumerate(group.itertuples()):
            segment_id = int(item.segment_id)
            with st.container(border=True):
                st.caption(widgets.escape_markdown(widgets.plain(item.institution)))
                text = texts.loc[segment_id, "text"] if segment_id in texts.index else ""
                st.text(str(text))
                with st.container(horizontal=True, gap="small"):
                    st.button(
                        "Omhoog",
                        key=f"report_up_{item.id}",
                        icon=":material/arrow_upward:",
                        disabled=number == 0,
                        on_click=widgets.callback,
                        args=(project, lambda i=int(item.id): project.move_item(i, -1)),
                    )
                    st.button(
                        "Omlaag",
                        key=f"report_down_{item.id}",
                        icon=":material/arrow_downward:",
                        disabled=number == len(group) - 1,
                        on_click=widgets.callback,
                        args=(project, lambda i=int(item.id): project.move_item(i, 1)),
                    )
                    st.button(
                        "Weghalen",
                        key=f"report_remove_{item.id}",
                        icon=":material/delete:",
                        type="tertiary",
                        on_click=widgets.callback,
                        args=(
                            project,
                            lambda i=int(item.id): project.remove_item(i),
                            "Citaat weggehaald",
                        ),
                    )
    return set(chosen["segment_id"].astype(int))


def candidates(
    project: Project, book: Codebook, chapter: str, segments: pd.DataFrame, taken: set[int]
) -> pd.DataFrame:
    """Quotes to choose from: every quote on the theme, or the ones the draft itself picked."""
    source = st.segmented_control(
        "Kiezen uit",
        list(SOURCES),
        format_func=SOURCES.get,
        default="all",
        key=f"report_source_{chapter}",
    )
    if source == "draft":
        theme = next(
            (
                t
                for t in draft(widgets.project_location(), widgets.version(project)).themes
                if t.key == chapter
            ),
            None,
        )
        picked = (
            []
            if theme is None
            else [*theme.quotes, *(q for s in theme.subthemes for q in s.quotes)]
        )
        ids = {q.segment_id for q in picked if not q.selected}
        found = segments[segments["segment_id"].isin(ids)]
    else:
        found = select_quotes(segments, QuoteFilter(codes=(chapter,)))
    return found[~found["segment_id"].isin(taken)]


def quote_picker(
    project: Project, book: Codebook, chapter: str, segments: pd.DataFrame, taken: set[int]
) -> None:
    st.markdown("**Citaten toevoegen**")
    found = candidates(project, book, chapter, segments, taken)
    if found.empty:
        st.caption("Geen citaten om uit te kiezen.")
        return
    sub_options = theme_keys(book, chapter)
    for _, row in found.iloc[
        widgets.paginate(len(found), f"report_pick_page_{chapter}", per_page=PICK_PAGE)
    ].iterrows():
        segment_id = int(row["segment_id"])
        codes = set(widgets.split_codes(row["codes"]))
        target = next((k for k in sub_options[1:] if k in codes), chapter)

        def actions(segment_id: int = segment_id, target: str = target) -> None:
            st.button(
                f"Kiezen voor {book.get(target).label}",
                key=f"report_pick_{chapter}_{segment_id}",
                icon=":material/add:",
                on_click=widgets.callback,
                args=(project, lambda: project.select_quote(segment_id, target), "Citaat gekozen"),
            )

        widgets.quote_card(row, book, actions=actions)


def boxes(project: Project, chapter: str, items: pd.DataFrame, segments: pd.DataFrame) -> None:
    st.markdown("**Voorbeeldkaders**")
    own = items[(items["kind"] == "box") & (items["chapter"] == chapter)]
    for item in own.itertuples():
        with st.container(border=True):
            st.caption(widgets.escape_markdown(f"{item.institution} · {item.title}"))
            st.text(str(item.text))
            st.button(
                "Kader weghalen",
                key=f"report_box_remove_{item.id}",
                icon=":material/delete:",
                type="tertiary",
                on_click=widgets.callback,
                args=(project, lambda i=int(item.id): project.remove_item(i), "Kader weggehaald"),
            )
    proposed_boxes(project, chapter, own)
    colleges = widgets.choices(segments, "institution")
    with st.form(f"box_{chapter}", clear_on_submit=True):
        st.caption("Een verhaal van één instelling, in je eigen woorden.")
        college = st.selectbox("Instelling", colleges, key=f"report_box_college_{chapter}")
        title = st.text_input("Titel", key=f"report_box_title_{chapter}")
        text = st.text_area("Tekst", key=f"report_box_text_{chapter}")
        if st.form_submit_button(
            "Kader toevoegen", icon=":material/add_box:", key=f"report_box_add_{chapter}"
        ):
            widgets.run_action(
                project, lambda: project.add_box(chapter, college, title, text), "Kader toegevoegd"
            )


REVIEW_PAGE = 8


def proposed_boxes(project: Project, chapter: str, own: pd.DataFrame) -> None:
    """The draft's proposal for an example box (a practice only one college describes), to take
    over as the chapter's own box; shown only while the chapter has none."""
    if not own.empty:
        return
    current = draft(widgets.project_location(), widgets.version(project))
    found = next((c for c in current.themes if c.key == chapter), None)
    for index, box in enumerate(b for b in (found.boxes if found else []) if b.proposed):
        with st.container(border=True):
            st.caption(widgets.escape_markdown(f"Voorstel · {box.institution} · {box.title}"))
            st.text(box.text + (f"\n“{box.quote.text}”" if box.quote else ""))
            st.button(
                "Voorstel overnemen", key=f"report_box_adopt_{chapter}_{index}",
                icon=":material/add_box:", on_click=widgets.callback,
                args=(project, lambda b=box: project.add_box(
                    chapter, b.institution, b.title, b.text,
                    b.quote.segment_id if b.quote else None), "Kader overgenomen"),
            )


UNREVIEWED = "niet beoordeeld"


def review_page(queue: pd.DataFrame, key: str) -> tuple[int, pd.DataFrame]:
    """A review list's open rows (all rows once none are open), one page of them, and how many
    are open: the two review lists of a chapter work alike."""
    open_rows = queue[queue["status"] == UNREVIEWED]
    shown = open_rows if not open_rows.empty else queue
    return len(open_rows), shown.iloc[widgets.paginate(len(shown), key, per_page=REVIEW_PAGE)]


def evidence_review(project: Project, book: Codebook, chapter: str) -> None:
    """"Bewijs van dit hoofdstuk beoordelen": exactly the passages the chapter's sentences and
    quotes rest on; accepting or rejecting one updates the findings, counts and prose."""
    st.markdown("**Bewijs van dit hoofdstuk beoordelen**")
    author = widgets.coder()
    current = draft(widgets.project_location(), widgets.version(project))
    queue = project.chapter_evidence(chapter, current)
    if queue.empty:
        st.caption("Dit hoofdstuk rust nog op geen enkel fragment.")
        return
    open_count, page = review_page(queue, f"report_review_page_{chapter}")
    st.caption(
        f"{len(queue)} fragmenten, waarvan {open_count} nog niet beoordeeld. Wat je "
        "accepteert of verwerpt, telt direct mee in de bevindingen van het concept."
    )
    if not author:
        st.info("Vul links je naam in om fragmenten te beoordelen.")
    label = widgets.code_label(book)
    for row in page.itertuples():
        with st.container(border=True):
            code = label(row.code).lstrip(" ·")
            st.caption(widgets.escape_markdown(f"{row.institution} · {code} · {row.status}"))
            st.text(str(row.text))
            left, right = st.columns(2)
            left.button(
                "Klopt", key=f"report_evidence_accept_{row.segment_id}_{row.code}",
                icon=":material/check:", disabled=not author, on_click=widgets.callback,
                args=(project, lambda s=int(row.segment_id), c=row.code:
                      project.accept(s, c, author), "Geaccepteerd"),
                kwargs={"in_place": False},
            )
            right.button(
                "Klopt niet", key=f"report_evidence_reject_{row.segment_id}_{row.code}",
                icon=":material/close:", disabled=not author, on_click=widgets.callback,
                args=(project, lambda s=int(row.segment_id), c=row.code:
                      project.reject(s, c, author), "Verworpen"),
                kwargs={"in_place": False},
            )


@st.cache_data(show_spinner=False, max_entries=8)
def point_pairs(location: str, rev: tuple, chapter: str) -> pd.DataFrame:
    return widgets.open_project(location).point_review(chapter)


def point_review(project: Project, chapter: str) -> None:
    """"Bevindingen per instelling beoordelen": per point of the chapter, each college the draft
    names for it, with its first passage; "Klopt" keeps the college named (its passages count as
    reviewed), "Klopt niet" takes it out of the point. The draft follows at once."""
    st.markdown("**Bevindingen per instelling beoordelen**")
    author = widgets.coder()
    pairs = point_pairs(widgets.project_location(), widgets.version(project), chapter)
    if pairs.empty:
        st.caption("Dit hoofdstuk heeft nog geen bevindingen.")
        return
    open_count, page = review_page(pairs, f"report_points_page_{chapter}")
    st.caption(
        f"{len(pairs)} keer een instelling bij een bevinding, waarvan {open_count} nog niet "
        "beoordeeld. Zegt deze instelling dit echt? Je oordeel telt direct mee in het concept."
    )
    for row in page.itertuples():
        with st.container(border=True):
            st.caption(widgets.escape_markdown(f"{row.label} · {row.institution} · {row.status}"))
            st.text(str(row.text))
            left, middle, right = st.columns(3)
            decide = [
                (left, "Klopt", "makes", ":material/check:", "Bevinding bevestigd"),
                (middle, "Klopt niet", "not", ":material/close:", "Instelling uit de bevinding"),
            ]
            for column, text, verdict, icon, done in decide:
                column.button(
                    text, key=f"report_point_{verdict}_{row.code}_{row.point}_{row.institution}",
                    icon=icon, disabled=not author, on_click=widgets.callback,
                    args=(project, lambda r=row, v=verdict: project.decide_point(
                        r.code, r.point, r.institution, v, author), done),
                    kwargs={"in_place": False},
                )
            if row.status != UNREVIEWED:
                right.button(
                    "Ongedaan maken",
                    key=f"report_point_undo_{row.code}_{row.point}_{row.institution}",
                    icon=":material/undo:", on_click=widgets.callback,
                    args=(project, lambda r=row: project.undo_point_decision(
                        r.code, r.point, r.institution), "Oordeel ongedaan gemaakt"),
                    kwargs={"in_place": False},
                )


def chapter_editor(project: Project, book: Codebook, segments: pd.DataFrame) -> None:
    st.subheader("Hoofdstukken")
    titles = chapters(book)
    first_theme = next((k for k in titles if k in book), "introduction")
    st.session_state.setdefault("report_chapter", first_theme)
    chapter = st.selectbox(
        "Hoofdstuk",
        list(titles),
        format_func=lambda k: f"{list(titles).index(k) + 1}. {titles[k]}",
        key="report_chapter",
    )
    items = project.report_items()
    intro_editor(project, book, chapter, items)
    if chapter in book:
        left, right = st.columns(2)
        with left:
            taken = chosen_quotes(project, book, chapter, items, segments)
            boxes(project, chapter, items, segments)
        with right:
            quote_picker(project, book, chapter, segments, taken)
        evidence_review(project, book, chapter)
        point_review(project, chapter)
    elif chapter == "phases":
        boxes(project, chapter, items, segments)


def render() -> None:
    project = widgets.project()
    widgets.page_header(
        "Rapport",
        "Een eerste versie van de publicatie om in Word af te maken: per thema de gekozen citaten, "
        "voorbeeldkaders, de fasen en plaats voor jullie conclusies.",
    )
    segments = widgets.segments(project)
    if segments.empty:
        widgets.empty_state("Nog geen interviews: importeer eerst transcripten.")
        return
    book = widgets.cached(project, widgets.codebook)
    build_section(project)
    chapter_editor(project, book, segments)


render()
