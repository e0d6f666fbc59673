"""Page "Transcript lezen": one interview as a conversation. Interviewer questions and answers
look different, media times show when the source has them, coded passages carry their codes as
coloured badges, and any passage can be selected and coded here. Memos (the evaluator's notes on
the interview and on its passages) are written and read here too; memo text, like transcript
text, is shown with ``st.text``."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from analysis import Project, messages
from analysis.codebook import Codebook
from analysis.coding import CodingError
from analysis.coding.state import AUTO_CODER
from analysis.messages import fail
from analysis.search import find_passages, pieces, search_terms
from ui import selectable, widgets

TURNS_PER_PAGE = 30
AVATARS = {"interviewer": ":material/record_voice_over:", "respondent": ":material/person:"}


def choose_transcript(frame: pd.DataFrame) -> int:
    return widgets.transcript_picker(
        frame,
        "reader_transcript_id",
        on_change=lambda: st.session_state.update(reader_segment_id=None, reader_page=1),
    )


def metadata_line(row: pd.Series) -> str:
    parts = [widgets.plain(row[field]) for field in ("institution", "date", "sector", "region")]
    if widgets.plain(row["interviewer"]):
        parts.append(f"interviewer {row['interviewer']}")
    return " · ".join(part for part in parts if part)


def turn_page(turns: pd.DataFrame, segments: pd.DataFrame) -> slice:
    """The page of turns to show; a jump to a segment opens the page that holds it."""
    pages = max(1, math.ceil(len(turns) / TURNS_PER_PAGE))
    target = st.session_state.get("reader_segment_id")
    if target is not None and target in set(segments["segment_id"]):
        turn_index = int(segments.set_index("segment_id").loc[target, "turn_index"])
        position = int((turns["index"] < turn_index).sum())
        if st.session_state.pop("reader_jump", True):
            st.session_state["reader_page"] = position // TURNS_PER_PAGE + 1
    if pages == 1:
        return slice(0, len(turns))
    st.session_state.setdefault("reader_page", 1)
    st.session_state["reader_page"] = min(st.session_state["reader_page"], pages)
    page = st.number_input(
        f"Deel van het gesprek (van {pages})",
        min_value=1,
        max_value=pages,
        step=1,
        key="reader_page",
        width=220,
    )
    start = (int(page) - 1) * TURNS_PER_PAGE
    return slice(start, start + TURNS_PER_PAGE)


def leaf_codes(keys: list[str], book: Codebook) -> list[str]:
    """The codes, less those only implied by a sub-code (``impact`` beside ``impact.student``)."""
    parents = {book.get(k).parent for k in keys if k in book}
    return [k for k in keys if k not in parents]


def remove_buttons(project: Project, book: Codebook, segment_id: int, applied: list[str]) -> None:
    coder = widgets.coder()
    with st.container(horizontal=True, gap="small"):
        for key in leaf_codes(applied, book):
            label = book.get(key).label if key in book else key
            st.button(
                f"{label} weghalen",
                key=f"reader_remove_{segment_id}_{key}",
                icon=":material/close:",
                type="tertiary",
                disabled=not coder,
                on_click=widgets.callback,
                args=(
                    project,
                    lambda k=key: project.remove_code(segment_id, k, coder),
                    "Code weggehaald",
                ),
            )


def transcript_memos(project: Project, transcript_id: int, memos: pd.DataFrame) -> None:
    """Everything written about this interview: memos on it and on its passages, newest first,
    and a box for a new memo on the interview as a whole."""
    with st.expander(f"Memo's bij dit gesprek ({len(memos)})", icon=":material/sticky_note_2:"):
        for memo in memos.to_dict("records"):
            widgets.memo_item(project, pd.Series(memo), "reader_tmemo")
        widgets.memo_writer(
            project,
            f"reader_transcript_memo_{transcript_id}",
            "Nieuwe memo bij dit gesprek",
            transcript_id=transcript_id,
        )


def declare_complete(project: Project, transcript_id: int) -> None:
    """The coder declares this interview fully coded, so the suggestions also learn from the
    codes they did not give (``Project.complete_transcript``)."""

    def complete() -> None:
        recorded = project.complete_transcript(transcript_id, widgets.coder())
        st.session_state["flash"] = (
            f"Vastgelegd: {recorded} codes die je niet gaf, gelden bij dit gesprek als niet van "
            "toepassing. Ongedaan maken kan op de pagina Coderen."
            if recorded
            else "Er was niets meer vast te leggen: elk fragment heeft al een besluit van jou."
        )

    coder = widgets.coder()
    if coder and transcript_id in project.completed_transcripts(coder):
        st.caption(
            "Je hebt dit gesprek als volledig gecodeerd vastgelegd. Geef je later nog codes, "
            "dan tellen die gewoon; na een nieuwe import kun je het opnieuw vastleggen."
        )
    st.button(
        "Gesprek volledig gecodeerd",
        key=f"reader_complete_{transcript_id}",
        icon=":material/task_alt:",
        disabled=not coder,
        help="Leg vast dat je dit gesprek helemaal hebt gecodeerd: elke code die je een "
        "fragment niet gaf, geldt daar als niet van toepassing (ook open suggesties). Zo leren "
        "de suggesties ook van wat je wegliet.",
        on_click=widgets.callback,
        args=(project, complete),
        kwargs={"in_place": False},
    )


def segment_memos(project: Project, segment_id: int, memos: pd.DataFrame) -> None:
    """The memos on one passage (``memos``: the interview's, read once per page run) and a box
    for a new one."""
    memos = memos[memos["segment_id"] == segment_id]
    if not memos.empty:
        st.caption("Memo's bij deze passage")
        for memo in memos.to_dict("records"):
            widgets.memo_item(project, pd.Series(memo), "reader_smemo")
    widgets.memo_writer(
        project, f"reader_segment_memo_{segment_id}", "Memo bij deze passage", segment_id=segment_id
    )


def coding_panel(
    project: Project, book: Codebook, segment: pd.Series, memos: pd.DataFrame
) -> None:
    """Code the selected passage: add codes (to all of it or to a part), take codes off."""
    coder = widgets.coder()
    segment_id = int(segment["segment_id"])
    applied = widgets.split_codes(segment["codes"])
    with st.container(border=True):
        st.caption("Geselecteerde passage coderen of er een memo bij schrijven")
        if applied:
            remove_buttons(project, book, segment_id, applied)
        chosen = st.multiselect(
            "Codes toevoegen",
            [k for k in widgets.code_options(book) if k not in applied],
            format_func=widgets.code_label(book),
            key=f"reader_codes_{segment_id}",
            placeholder="Kies een of meer codes",
        )
        st.text_input("Notitie bij deze codering (optioneel)", key=f"reader_memo_{segment_id}")
        st.text_input(
            "Alleen een deel coderen: plak hier de woorden uit de passage (optioneel)",
            key=f"reader_part_{segment_id}",
        )
        left, right = st.columns([1, 1])
        left.button(
            "Opslaan",
            type="primary",
            key=f"reader_save_{segment_id}",
            icon=":material/save:",
            disabled=not chosen or not coder,
            help=None if coder else "Vul eerst je naam in (zijbalk).",
            on_click=save_coding,
            args=(project, segment),
        )
        right.button(
            "Sluiten",
            key=f"reader_close_{segment_id}",
            on_click=st.session_state.__setitem__,
            args=("reader_segment_id", None),
        )
        decisions(project, book, segment_id)
        segment_memos(project, segment_id, memos)


def save_coding(project: Project, segment: pd.Series) -> None:
    """The panel's "Opslaan": the chosen codes on the passage, or on the words pasted (a span);
    then the panel empties, so that a saved coding does not look like one still to save."""
    segment_id = int(segment["segment_id"])
    keys = {name: f"reader_{name}_{segment_id}" for name in ("codes", "memo", "part")}
    chosen = list(st.session_state.get(keys["codes"]) or [])
    memo = str(st.session_state.get(keys["memo"]) or "").strip() or None
    words = str(st.session_state.get(keys["part"]) or "").strip()
    coder = widgets.coder()

    def save() -> None:
        text = str(segment["text"])
        if words and words not in text:
            raise fail(CodingError, "coding.words_not_found")
        start = int(segment["start"]) + text.find(words)
        for key in chosen:
            if words:
                project.code_span(
                    int(segment["transcript_id"]), start, start + len(words), key, coder, memo=memo
                )
            else:
                project.apply_code(segment_id, key, coder, memo=memo)

    if widgets.callback(project, save, "Codering opgeslagen"):
        st.session_state[keys["codes"]] = []
        st.session_state[keys["memo"]] = ""
        st.session_state[keys["part"]] = ""


STATUS_LABELS = {
    "accepted": "toegepast",
    "rejected": "afgewezen",
    "removed": "weggehaald",
    "undone": "ongedaan gemaakt",
}


def decisions(project: Project, book: Codebook, segment_id: int) -> None:
    """Who decided what on this passage, with their notes (suggestions left out)."""
    history = project.coding_history(segment_id=segment_id)
    people = history[history["coder"] != AUTO_CODER]
    if people.empty:
        return
    st.caption("Beslissingen en notities bij deze passage")
    st.dataframe(
        people.assign(
            code=people["code"].map(widgets.code_label(book)),
            status=people["status"].map(lambda s: STATUS_LABELS.get(s, s)),
            memo=people["memo"].fillna(""),
        ),
        hide_index=True,
        key=f"reader_history_{segment_id}",
        column_order=["created_at", "coder", "code", "status", "memo"],
        column_config={
            "created_at": st.column_config.DatetimeColumn("Wanneer", format="DD-MM-YYYY HH:mm"),
            "coder": "Codeur",
            "code": "Code",
            "status": "Beslissing",
            "memo": "Notitie",
        },
    )


def select_segment(segment_id: int) -> None:
    st.session_state["reader_segment_id"] = segment_id
    st.session_state["reader_jump"] = False


def spans_by_passage(
    passages: pd.DataFrame, spans: pd.DataFrame
) -> dict[int, list[pd.Series]]:
    """Each hand-cut span under the passage it starts in (else the one it overlaps first), so
    that the reader shows its words once, inside that passage, and not as a passage of its own."""
    found: dict[int, list[pd.Series]] = {}
    for span in spans.sort_values("start").itertuples():
        holder = passages[(passages["start"] <= span.start) & (passages["end"] > span.start)]
        if holder.empty:
            holder = passages[(passages["start"] < span.end) & (passages["end"] > span.start)]
        if not holder.empty:
            found.setdefault(int(holder.iloc[0]["segment_id"]), []).append(
                pd.Series(span._asdict())
            )
    return found


def code_marks(book: Codebook, segment: object, with_memos: set[int]) -> None:
    """A passage's or span's codes as badges ("voorstel" for a suggestion's), and a memo mark."""
    codes = widgets.split_codes(segment.codes)
    suggested = set(widgets.split_codes(getattr(segment, "suggested_codes", "")))
    if codes:
        st.markdown(widgets.code_badges(codes, book, suggested=suggested), width="content")
    if int(segment.segment_id) in with_memos:
        st.markdown(":gray-badge[:material/sticky_note_2: memo]", width="content")


def code_button(segment_id: int) -> None:
    st.button(
        "Coderen",
        key=f"reader_select_{segment_id}",
        icon=":material/edit:",
        type="tertiary",
        on_click=select_segment,
        args=(segment_id,),
    )


def show_words(text: str) -> None:
    """Transcript words as plain text; while "Zoek in dit gesprek" holds a query, the words it
    finds are marked (``widgets.highlighted``: escaped Markdown, never HTML)."""
    query = str(st.session_state.get("reader_search") or "")
    if search_terms(query):
        st.markdown(widgets.highlighted(pieces(widgets.plain(text), query)))
    else:
        st.text(text)


def passage_text(
    turn_text: str, turn_start: int, start: int, end: int, spans: list[pd.Series],
    book: Codebook, with_memos: set[int],
) -> int:
    """The passage's words from ``start`` to ``end``, each span inside it set apart in a frame
    with its own codes: every word once. Returns where the text shown ends."""
    position = start
    for span in spans:
        span_start, span_end = max(int(span["start"]), position), int(span["end"])
        if span_end <= position:
            continue
        before = turn_text[position - turn_start : span_start - turn_start].strip()
        if before:
            show_words(before)
        with st.container(border=True, key=f"reader_span_{int(span['segment_id'])}"):
            show_words(turn_text[span_start - turn_start : span_end - turn_start])
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                st.caption("gecodeerd deel")
                code_marks(book, span, with_memos)
                code_button(int(span["segment_id"]))
        position = span_end
    end = max(end, position)
    rest = turn_text[position - turn_start : end - turn_start].strip()
    if rest:
        show_words(rest)
    return end


def respondent_turn(
    project: Project,
    book: Codebook,
    turn: pd.Series,
    segments: pd.DataFrame,
    memos: pd.DataFrame,
) -> None:
    """A respondent turn: its passages one by one, each with its codes and a 'code' button;
    words a person coded on their own (spans) are framed inside their passage, so no text shows
    twice; passages with a memo (in ``memos``, the interview's) carry a memo mark."""
    with_memos = {int(i) for i in memos["segment_id"].dropna()}
    selected = st.session_state.get("reader_segment_id")
    turn_start = int(turn["start"])
    position = turn_start
    text = str(turn["text"])
    is_span = segments["kind"] == "span"
    passages, spans = segments[~is_span], segments[is_span]
    inside = spans_by_passage(passages, spans)
    by_id = {int(row["segment_id"]): row for _, row in segments.iterrows()}
    for segment in passages.itertuples():
        start, end = max(int(segment.start), position), int(segment.end)
        gap = text[position - turn_start : start - turn_start].strip()
        if gap:
            show_words(gap)
        left, right = st.columns([5, 2], vertical_alignment="top")
        with left:
            shown_to = passage_text(
                text, turn_start, start, end, inside.get(int(segment.segment_id), []), book,
                with_memos,
            )
        with right:
            codes = widgets.split_codes(segment.codes)
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                code_marks(book, segment, with_memos)
                code_button(int(segment.segment_id))
            suggested = [
                s.split(":")[0] for s in widgets.plain(segment.suggestions).split(";") if s
            ]
            open_ones = [k for k in suggested if k not in codes]
            if open_ones:
                labels = (book.get(k).label if k in book else k for k in open_ones)
                st.caption("Voorstel: " + widgets.escape_markdown(", ".join(labels)))
        chosen = [int(segment.segment_id)] + [
            int(span["segment_id"]) for span in inside.get(int(segment.segment_id), [])
        ]
        if selected in chosen:
            coding_panel(project, book, by_id[int(selected)], memos)
        position = max(position, shown_to)
    rest = text[position - turn_start :].strip()
    if rest:
        show_words(rest)


def conversation(
    project: Project,
    book: Codebook,
    turns: pd.DataFrame,
    segments: pd.DataFrame,
    memos: pd.DataFrame,
) -> None:
    by_turn = {index: group for index, group in segments.groupby("turn_index")}
    for turn in turns.iloc[turn_page(turns, segments)].itertuples():
        role = turn.role if turn.role in AVATARS else "other"
        # Streamlit tints a "user" message: that sets the interviewer's questions apart.
        name = "user" if role == "interviewer" else "assistant"
        with st.chat_message(name, avatar=AVATARS.get(role, ":material/person_outline:")):
            when = widgets.format_media_time(turn.media_start)
            label = f"{turn.speaker} · {widgets.ROLE_LABELS.get(role, role)}"
            st.caption(widgets.escape_markdown(f"{label} · {when}" if when else label))
            turn_segments = by_turn.get(turn.index)
            if role == "respondent" and turn_segments is not None:
                respondent_turn(
                    project, book, pd.Series(turn._asdict()), turn_segments, memos
                )
            else:
                show_words(turn.text)


def blocks(
    book: Codebook, turns: pd.DataFrame, segments: pd.DataFrame, target: int | None
) -> list[dict]:
    """The turns as the selectable component's blocks: a question or other speech per turn, a
    respondent's turn per passage with its codes (a hand-cut span's codes on its passage)."""
    found: list[dict] = []
    is_span = segments["kind"] == "span"
    passages, spans = segments[~is_span], segments[is_span]
    inside = spans_by_passage(passages, spans)
    by_turn = {index: group for index, group in passages.groupby("turn_index")}

    def codes_of(row: pd.Series | object, part: bool = False) -> list[dict]:
        keys = widgets.split_codes(getattr(row, "codes", ""))
        suggested = set(widgets.split_codes(getattr(row, "suggested_codes", "")))
        result = []
        for key in leaf_codes(keys, book):
            code = book.get(key) if key in book else None
            label = (code.label if code else key) + (" (deel)" if part else "")
            result.append(
                {"label": label, "person": key not in suggested, "colour": code.colour if code
                 else None}
            )
        return result

    for turn in turns.itertuples():
        speaker = f"{turn.speaker} · {widgets.ROLE_LABELS.get(turn.role, turn.role)}"
        group = by_turn.get(turn.index)
        if turn.role != "respondent" or group is None:
            kind = "question" if turn.role == "interviewer" else "text"
            found.append({"kind": kind, "text": turn.text, "start": int(turn.start),
                          "speaker": speaker})
            continue
        for number, row in enumerate(group.itertuples()):
            codes = codes_of(row)
            for span in inside.get(int(row.segment_id), []):
                codes.extend(codes_of(span, part=True))
            found.append(
                {
                    "kind": "passage",
                    "segment": int(row.segment_id),
                    "text": row.text,
                    "start": int(row.start),
                    "speaker": speaker if number == 0 else "",
                    "codes": codes,
                    "target": int(row.segment_id) == target,
                }
            )
    return found


def mouse_view(
    project: Project,
    book: Codebook,
    transcript_id: int,
    turns: pd.DataFrame,
    segments: pd.DataFrame,
    terms: list[str],
) -> None:
    """The page of turns as selectable text; the words selected can be coded at once."""
    shown = turns.iloc[turn_page(turns, segments)]
    target = st.session_state.get("reader_segment_id")
    result = selectable.selectable_transcript(
        blocks(book, shown, segments, target), key="reader_selectable", terms=terms
    )
    picked = selectable.read_selection(getattr(result, "selected", None))
    if isinstance(picked, selectable.Selection):
        st.session_state["reader_selection"] = picked
    elif picked == "across":
        st.warning("Kies woorden binnen één passage.")
    chosen = st.session_state.get("reader_selection")
    if not isinstance(chosen, selectable.Selection):
        st.caption("Selecteer woorden in een passage om ze te coderen.")
        return
    with st.container(border=True, key="reader_selection_panel"):
        st.caption("Gekozen woorden")
        st.text(chosen.text)
        st.multiselect(
            "Codes voor deze woorden",
            widgets.code_options(book),
            format_func=widgets.code_label(book),
            key="reader_selection_codes",
            placeholder="Kies een of meer codes",
        )
        coder = widgets.coder()
        st.button(
            "Woorden coderen",
            type="primary",
            key="reader_selection_save",
            icon=":material/save:",
            disabled=not coder or not st.session_state.get("reader_selection_codes"),
            on_click=save_selection,
            args=(project, transcript_id),
        )


def save_selection(project: Project, transcript_id: int) -> None:
    """Code the words selected with the mouse (exactly those characters), then clear the
    selection so that nothing looks unsaved."""
    chosen = st.session_state.get("reader_selection")
    keys = list(st.session_state.get("reader_selection_codes") or [])
    coder = widgets.coder()

    def save() -> None:
        for key in keys:
            project.code_span(transcript_id, chosen.start, chosen.end, key, coder)

    if widgets.callback(project, save, "Woorden gecodeerd"):
        st.session_state["reader_selection"] = None
        st.session_state["reader_selection_codes"] = []


def render() -> None:
    project = widgets.project()
    widgets.page_header("Transcript lezen")
    frame = widgets.cached(project, widgets.transcripts)
    if frame.empty:
        widgets.empty_state("Nog geen interviews. Importeer ze op de pagina Project en import.")
        return
    transcript_id = choose_transcript(frame)
    row = frame.set_index("id").loc[transcript_id]
    st.caption(widgets.escape_markdown(metadata_line(row)))
    if widgets.plain(row["warnings"]):
        st.warning(widgets.escape_markdown(row["warnings"]), icon=":material/warning:")
    memos = project.memos(transcript_id=transcript_id, with_segments=True)
    transcript_memos(project, transcript_id, memos)
    declare_complete(project, transcript_id)
    turns = widgets.cached(project, widgets.turns, transcript_id)
    segments = widgets.cached(project, widgets.transcript_segments, transcript_id)
    book = widgets.cached(project, widgets.codebook)
    with st.container(horizontal=True, vertical_alignment="center"):
        only_coded = st.toggle("Alleen gecodeerde passages", key="reader_only_coded")
        mouse = st.toggle(
            "Woorden met de muis kiezen",
            key="reader_mouse",
            help="Selecteer woorden in de tekst en codeer precies die woorden.",
        )
        search = st.text_input(
            "Zoek in dit gesprek",
            key="reader_search",
            placeholder="bijvoorbeeld: ouders",
            label_visibility="collapsed",
            width=280,
        )
    if only_coded:
        coded = segments[segments["codes"] != ""]
        turns = turns[turns["index"].isin(coded["turn_index"])]
        segments = coded
    terms = list(search_terms(search))
    if terms:  # the rule of "Zoeken in gesprekken" (analysis.search): every word, stems too
        turns = turns[turns.index.isin(find_passages(turns, search).index)]
        st.caption(
            widgets.escape_markdown(
                f"{messages.count(len(turns), 'beurt', 'beurten')} met “{search.strip()}”"
                + (" (gemarkeerd)" if mouse else "")
            )
        )
    if mouse and not turns.empty:
        mouse_view(project, book, transcript_id, turns, segments, terms)
        return
    if turns.empty:
        widgets.empty_state(
            "Nog geen gecodeerde passages in dit gesprek. Zet ‘Alleen gecodeerde passages’ uit "
            "om het hele gesprek te zien en te coderen."
            if only_coded
            else "Dit gesprek heeft geen beurten om te tonen: het bestand bevatte geen tekst."
        )
        return
    conversation(project, book, turns, segments, memos)


render()
