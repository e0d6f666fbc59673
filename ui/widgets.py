"""Shared pieces of the app: opening the project, cached queries, safe text, quote cards, paging,
memos.

Every page imports from here, so the rules that keep the app safe and fast live in one place:

- Transcript text is personal data typed by others: it is shown with ``st.text`` (no Markdown,
  no HTML) or, where Streamlit only offers Markdown (labels, captions), through
  ``escape_markdown``. Never ``unsafe_allow_html``.
- A ``Project`` is opened once per database URL (``st.cache_resource``); its engine is
  thread-safe and every call opens its own short session, so browser tabs never share a session.
- Tables are cached (``st.cache_data``) under the project's *version*: the library's cheap
  ``Project.revision()`` fingerprint per table (it sees rows added by other tabs or by the CLI;
  a query keys only on the tables it reads) plus a count of in-place edits made through this
  app process (a renamed topic, edited metadata). Tables that take long at scale (segments,
  phases) are kept as last computed and redone at once when cheap, else on request
  (``slow_table``). Mutable state is never kept across sessions; decisions go straight to the
  store.
"""

from __future__ import annotations

import argparse
import colorsys
import math
import os
import re
import sys
import threading
import time
import zlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import streamlit as st

from analysis import Project
from analysis.codebook import Codebook
from analysis.faults import ResourceError
from analysis.ingest import IngestError
from analysis.messages import for_user
from analysis.project import ProjectError
from analysis.store import StoreError

PAGE_SIZE = 25
DEFAULT_LOCATION = "interviews.db"
ROLE_LABELS = {"interviewer": "interviewer", "respondent": "respondent", "other": "overig"}
# What the library raises for a user's mistake (the coding, topic, report, phase, ask and
# exchange errors are ValueErrors): shown as one line, never as a traceback.
USER_ERRORS = (
    ValueError, LookupError, ProjectError, StoreError, IngestError, OSError, ResourceError
)

# CommonMark lets a backslash escape any ASCII punctuation character; escaping them all is simpler
# and safer than deciding which ones could start Markdown, a Streamlit directive or LaTeX here.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^@%,;?/])")


def plain(value: object) -> str:
    """A table cell as text: '' for None and for pandas' NaN (a missing value read from SQL)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for display: missing text shows as an empty cell, not as "None".

    Only columns of text are blanked; a column of numbers with gaps (a college without a phase)
    becomes a nullable number column instead, since "" among integers is a column Arrow cannot
    type and Streamlit would warn and fall back to slower display.
    """
    columns = {}
    for column in frame.select_dtypes(include="object").columns:
        values = frame[column].dropna()
        if all(isinstance(value, str) for value in values):
            columns[column] = frame[column].fillna("")
        else:
            columns[column] = frame[column].convert_dtypes()
    return frame.assign(**columns)


def escape_markdown(text: object) -> str:
    """``text`` made literal for ``st.markdown`` and Markdown labels: no emphasis, links, HTML,
    colour directives, emoji short codes or formulas; line breaks are kept."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", plain(text))
    return escaped.replace("\n", "  \n")


def highlighted(pieces: Sequence[tuple[str, bool]]) -> str:
    """Markdown for text cut into ``(piece, is_hit)`` pieces (``analysis.search.pieces``):
    every piece made literal by ``escape_markdown``, the hits then set in bold on an orange
    background. The only Markdown in the result is ours, so a transcript's own markup, HTML or
    colour directives stay literal text."""
    parts = []
    for piece, hit in pieces:
        text = escape_markdown(piece)
        parts.append(f":orange-background[**{text}**]" if hit and text else text)
    return "".join(parts)


# --- the project -----------------------------------------------------------------------------


def project_location() -> str:
    """Which project to open: the one chosen in this session, else ``--project`` after ``--`` on
    the command line, else ``INTERVIEWS_PROJECT``, else ``./interviews.db``."""
    chosen = st.session_state.get("project_location")
    if chosen:
        return str(chosen)
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--project")
    known, _rest = parser.parse_known_args(sys.argv[1:])
    return known.project or os.environ.get("INTERVIEWS_PROJECT") or DEFAULT_LOCATION


@st.cache_resource(show_spinner="Project openen…")
def open_project(location: str) -> Project:
    return Project(location)


def project() -> Project:
    """The session's project; a database that cannot be opened stops the page with one line."""
    location = project_location()
    try:
        return open_project(location)
    except ResourceError as error:
        st.error(escape_markdown(error.dutch))
        st.stop()
        raise
    except StoreError as error:
        st.error(f"Het project kan niet worden geopend: {escape_markdown(error)}")
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers so


class _WriteCounter:
    """How many writes this app process made per project; part of the cache key (see module)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def bump(self, url: str) -> None:
        with self._lock:
            self._counts[url] = self._counts.get(url, 0) + 1

    def get(self, url: str) -> int:
        with self._lock:
            return self._counts.get(url, 0)


@st.cache_resource
def _write_counter() -> _WriteCounter:
    return _WriteCounter()


def version(proj: Project, tables: Sequence[str] | None = None) -> tuple:
    """The cache key for ``proj``'s data right now: all of it, or only ``tables`` (a table of
    transcripts need not be rebuilt when someone codes a passage)."""
    revision = proj.revision()
    chosen = revision if tables is None else {name: revision[name] for name in tables}
    return (tuple(sorted(chosen.items())), _write_counter().get(proj.url))


def changed(proj: Project) -> None:
    """Call after a write made through the app that may edit rows in place (metadata, a topic's
    name, a threshold), so that every page's cached tables renew. Writes that only add rows
    (coding decisions) show in ``Project.revision`` by themselves."""
    _write_counter().bump(proj.url)


def coder() -> str:
    """The coder name entered in the sidebar or the first-start prompt ('' when none)."""
    return str(st.session_state.get("coder_name") or "").strip()


def default_coder() -> str:
    """The coder name to start with: ``INTERVIEWS_CODER`` if set, else none, so that the first
    start asks for it (the login name, "root" on many machines, would end up in the report)."""
    return os.environ.get("INTERVIEWS_CODER", "").strip()


def coder_prompt(proj: Project) -> None:
    """Ask for the coder's name at the top of the page until one is given; names already in the
    project's decisions are offered, so a returning coder picks theirs."""
    if coder():
        return
    with st.container(border=True, key="coder_prompt"):
        st.markdown(
            "**Wie codeert er?** Vul je naam in; elke beslissing wordt onder die naam bewaard "
            "en staat zo in het rapport."
        )
        known = [name for name in proj.coders() if name != "auto"]
        with st.form("coder_form", border=False):
            if known:
                st.selectbox(
                    "Eerder in dit project",
                    known,
                    index=None,
                    key="coder_known",
                    placeholder="Kies je naam…",
                )
            st.text_input(
                "Of een nieuwe naam",
                key="coder_new",
                max_chars=100,
                placeholder="Voornaam Achternaam",
            )
            st.form_submit_button(
                "Beginnen", type="primary", key="coder_start", on_click=_take_coder
            )
        if st.session_state.pop("coder_missing", False):
            st.warning("Vul een naam in of kies er een.")


def _take_coder() -> None:
    """The prompt's button: the typed name, else the one picked, becomes the coder's name."""
    name = str(st.session_state.get("coder_new") or st.session_state.get("coder_known") or "")
    if name.strip():
        st.session_state["coder_name"] = name.strip()
    else:
        st.session_state["coder_missing"] = True


def failure(error: BaseException) -> str:
    """The one line the app shows for a failed action: a machine fault (full disk, read-only,
    locked) in its own Dutch words, anything else after "Dat lukte niet"."""
    if isinstance(error, ResourceError):
        return error.dutch
    return f"Dat lukte niet: {for_user(error)}"


def run_action(proj: Project, action: Callable[[], object], success: str | None = None) -> None:
    """Run one write through the library, then rerun so every table on the page is fresh. A user
    mistake shows one line instead of a traceback; ``success`` is shown after the rerun."""
    try:
        action()
    except USER_ERRORS as error:
        st.error(escape_markdown(failure(error)))
        return
    finally:
        changed(proj)
    if success:
        st.session_state["flash"] = success
    st.rerun()


def callback(
    proj: Project,
    action: Callable[[], object],
    success: str | None = None,
    *,
    in_place: bool = True,
) -> bool:
    """A button's ``on_click``: the write happens before the page is drawn, so the page shows
    its result at once. A user mistake is shown at the top of the page by ``show_flash``.
    ``in_place=False`` for writes that only add rows (see ``changed``)."""
    try:
        action()
    except USER_ERRORS as error:
        st.session_state["flash_error"] = failure(error)
        return False
    finally:
        if in_place:
            changed(proj)
    if success:
        st.session_state["flash"] = success
    return True


def show_flash() -> None:
    """The message a write left for the run after it (see ``run_action`` and ``callback``)."""
    error = st.session_state.pop("flash_error", None)
    if error:
        st.error(escape_markdown(error), icon=":material/error:")
    message = st.session_state.pop("flash", None)
    if message:
        st.toast(message, icon=":material/check_circle:")


# --- cached queries -----------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def transcripts(location: str, rev: tuple) -> pd.DataFrame:
    return open_project(location).transcripts(lang="nl")


@st.cache_data(show_spinner=False, max_entries=16)
def turns(location: str, rev: tuple, transcript_id: int) -> pd.DataFrame:
    return open_project(location).turns(transcript_id)


@st.cache_data(show_spinner=False, max_entries=16)
def transcript_segments(location: str, rev: tuple, transcript_id: int) -> pd.DataFrame:
    return open_project(location).segments(transcript_id=transcript_id, include_uncodable=True)


@st.cache_data(show_spinner=False, max_entries=8)
def codebook(location: str, rev: tuple) -> Codebook:
    return open_project(location).codebook()


@st.cache_data(show_spinner=False, max_entries=8)
def latest_topics(location: str, rev: tuple) -> pd.DataFrame:
    """The topics of the newest topic run (an empty table before the first run)."""
    project = open_project(location)
    if project.topic_runs().empty:
        return pd.DataFrame(columns=["id", "label", "segment_ids"])
    return project.topics()


TEXT_TABLES = ("transcript", "turn", "segment", "speaker_role")
# What each cached query reads, when less than everything (see ``version``).
_READS: dict[Callable, tuple[str, ...]] = {
    transcripts: TEXT_TABLES,
    turns: TEXT_TABLES,
    codebook: ("code", "meta"),
    latest_topics: ("topic_run", "topic", "segment_topic", "transcript", "segment"),
}


def cached(proj: Project, query: Callable, *args: object):
    """``query(location, version, *args)``: one of the cached queries above for ``proj``."""
    return query(project_location(), version(proj, _READS.get(query)), *args)


# --- tables that take long at scale: shown at once, recomputed when cheap or when asked ---------

AUTO_REFRESH_SECONDS = 3.0  # INTERVIEWS_RECOMPUTE_SECONDS overrides it (tests pin it)


@dataclass(frozen=True)
class _Computed:
    version: tuple
    value: object
    seconds: float
    at: datetime


class _SlowTables:
    """The newest computed value of each slow table per project, shared by all sessions.

    Values are read-only (pages filter them into new frames); only this registry changes, under
    its lock. Why not ``st.cache_data``: at 1,000 interviews the segment table and the phase
    estimate take seconds each (see the README), and every coding decision changes their
    inputs. Recomputing on every visit would make those pages unusable while someone codes, so
    a table that took long is shown as it was, with the time it was made and a button to redo it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[tuple[str, str], _Computed] = {}

    def get(self, key: tuple[str, str]) -> _Computed | None:
        with self._lock:
            return self._values.get(key)

    def put(self, key: tuple[str, str], computed: _Computed) -> None:
        with self._lock:
            self._values[key] = computed


@st.cache_resource
def _slow_tables() -> _SlowTables:
    return _SlowTables()


def slow_table(proj: Project, name: str, compute: Callable[[Project], object], spinner: str):
    """``compute(proj)``, fresh when it is cheap, else possibly from before the latest changes
    (with a notice and a button that recomputes it)."""
    key = (project_location(), name)
    limit = float(os.environ.get("INTERVIEWS_RECOMPUTE_SECONDS", AUTO_REFRESH_SECONDS))
    current = version(proj)
    known = _slow_tables().get(key)
    wanted = st.session_state.pop(f"recompute::{name}", False)
    if known is not None and (known.version == current or (known.seconds > limit and not wanted)):
        if known.version != current:
            with st.container(horizontal=True, vertical_alignment="center"):
                st.caption(
                    f"Berekend om {known.at:%H:%M}; er is sindsdien gecodeerd of bewerkt. "
                    f"Opnieuw berekenen duurt ongeveer {known.seconds:.0f} seconden."
                )
                st.button(
                    "Opnieuw berekenen",
                    key=f"recompute_{name}",
                    icon=":material/refresh:",
                    on_click=st.session_state.__setitem__,
                    args=(f"recompute::{name}", True),
                )
        return known.value
    started = time.perf_counter()
    with st.spinner(spinner):
        value = compute(proj)
    _slow_tables().put(
        key, _Computed(current, value, time.perf_counter() - started, datetime.now())
    )
    return value


def _segment_table(proj: Project) -> pd.DataFrame:
    return proj.segments().drop(columns=["lemmas"])


def segments(proj: Project) -> pd.DataFrame:
    """Every codable respondent segment with its metadata, question, codes and suggestions
    (waiting for the start-up warm-up if it is still reading them: ``warm_segments``)."""
    from ui import queue_cache  # it imports this module

    queue_cache.wait_for_segments(project_location())
    return slow_table(proj, "segments", _segment_table, "Citaten ophalen…")


def warm_segments(location: str) -> None:
    """Read the segment table of the project at ``location`` into the slow tables, outside a
    page run (the app's warm-up thread), unless a page already did."""
    proj = open_project(location)
    key = (location, "segments")
    current = version(proj)
    known = _slow_tables().get(key)
    if known is not None and known.version == current:
        return
    started = time.perf_counter()
    value = _segment_table(proj)
    _slow_tables().put(
        key, _Computed(current, value, time.perf_counter() - started, datetime.now())
    )


def phase_overview(proj: Project) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each college's phase in force (judgement, else estimate) and every college's evidence,
    from one estimate: ``Project.phase_overview``. At most one call per page run (a stale table
    shows its own "Opnieuw berekenen" button)."""
    return slow_table(
        proj, "phases", lambda p: p.phase_overview(), "Bewijs voor de fasen verzamelen…"
    )


def phase_assessments(proj: Project) -> pd.DataFrame:
    """Each college's phase in force (judgement, else estimate): ``Project.phase_assessments``."""
    return phase_overview(proj)[0]


# --- codes --------------------------------------------------------------------------------------

_BADGE_HUES = (
    ("red", 0),
    ("orange", 30),
    ("yellow", 55),
    ("green", 120),
    ("blue", 205),
    ("violet", 275),
    ("red", 360),
)


def badge_colour(hex_colour: str) -> str:
    """The nearest of the colours Streamlit's badges offer, for a code's ``#RRGGBB`` colour."""
    try:
        red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    except (TypeError, ValueError):
        return "gray"
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.15 or lightness > 0.95:
        return "gray"
    return min(_BADGE_HUES, key=lambda pair: abs(pair[1] - hue * 360))[0]


SUGGESTION_WORD = "voorstel"


def code_badges(
    keys: Sequence[str],
    book: Codebook,
    *,
    suffixes: dict[str, str] | None = None,
    suggested: Collection[str] = (),
) -> str:
    """Markdown with one badge per code: the code's label, never transcript text. A person's
    code is a badge in the code's colour; a code only the suggestions give (``suggested``) is a
    grey badge with a spark and the word "voorstel", so the two never look alike."""
    parts = []
    for key in keys:
        if key in book:
            code = book.get(key)
            label, colour = code.label, badge_colour(code.colour)
        else:
            label, colour = key, "gray"
        extra = (suffixes or {}).get(key, "")
        if key in suggested:
            text = escape_markdown(f"{SUGGESTION_WORD}: {label}{extra}")
            parts.append(f":gray-badge[:material/auto_awesome: {text}]")
        else:
            parts.append(f":{colour}-badge[{escape_markdown(label + extra)}]")
    return " ".join(parts)


def code_options(book: Codebook) -> list[str]:
    return [code.key for code in book]


def code_label(book: Codebook) -> Callable[[str], str]:
    """A ``format_func`` that shows a code by its label, sub-codes set in under their parent."""

    def label(key: str) -> str:
        if key not in book:
            return key
        code = book.get(key)
        indent = "  · " if code.parent else ""
        return f"{indent}{code.label}"

    return label


def split_codes(value: object) -> list[str]:
    """The ``codes`` column of the segment table (``a;b``) as a list."""
    return [part for part in plain(value).split(";") if part]


# --- layout pieces ------------------------------------------------------------------------------


def page_header(title: str, intro: str | None = None) -> None:
    st.title(title)
    if intro:
        st.caption(intro)


def empty_state(message: str) -> None:
    """What an empty project shows instead of an empty table."""
    st.info(message, icon=":material/info:")


def paginate(total: int, key: str, *, per_page: int = PAGE_SIZE) -> slice:
    """A page picker for ``total`` items; the slice of the items to show."""
    pages = max(1, math.ceil(total / per_page))
    if pages == 1:
        return slice(0, total)
    if st.session_state.get(key, 1) > pages:  # the filter changed under the reader's page
        st.session_state[key] = pages
    page = st.number_input(
        f"Pagina (van {pages})", min_value=1, max_value=pages, step=1, key=key, width=160
    )
    start = (int(page) - 1) * per_page
    st.caption(f"{start + 1}–{min(total, start + per_page)} van {total}")
    return slice(start, start + per_page)


def quote_card(
    row: pd.Series | dict, book: Codebook, *, actions: Callable[[], None] | None = None
) -> None:
    """One quote: who said it (college, speaker role, file), the question it answered, the text
    itself as plain text, and its codes as coloured badges. ``actions`` adds buttons below."""
    with st.container(border=True):
        role = ROLE_LABELS.get(plain(row.get("role")), plain(row.get("role")))
        source = plain(row.get("source"))
        college = plain(row.get("institution")) or "onbekende instelling"
        st.caption(escape_markdown(f"{college} · {role} · {source}"))
        question_line(row.get("question"))
        st.text(plain(row.get("text")))
        keys = split_codes(row.get("codes"))
        if keys:
            suggested = set(split_codes(row.get("suggested_codes")))
            st.markdown(code_badges(keys, book, suggested=suggested))
        if actions:
            actions()


def question_line(question: object) -> None:
    """The interviewer's question a quote answers: muted, above the quote, made literal."""
    text = " ".join(plain(question).split())
    if text:
        st.caption(f"Vraag: {escape_markdown(text)}")


_JUMP = "open_reader_next"  # set by a button's callback, followed by ``follow_jump``


def open_in_reader(transcript_id: int, segment_id: int | None = None) -> None:
    """Jump to the transcript reader at a segment (used by quote cards and the chat): the reader
    opens the part of the conversation that holds it, shown as selectable text that scrolls to
    the passage and frames it (``ui.selectable``)."""
    st.session_state["reader_transcript_id"] = int(transcript_id)
    st.session_state["reader_segment_id"] = None if segment_id is None else int(segment_id)
    st.session_state["reader_mouse"] = segment_id is not None
    st.session_state["reader_search"] = ""
    st.session_state[_JUMP] = True


def follow_jump() -> None:
    """Switch to the reader when a button asked for it (``open_in_reader``). Called by
    ``app.py`` after the navigation is set up: a button's callback runs before that, where
    ``st.switch_page`` cannot find the reader's page yet."""
    if st.session_state.pop(_JUMP, False):
        st.switch_page("ui/reader.py")


def open_in_reader_button(transcript_id: int, segment_id: int, key: str) -> None:
    """The quote cards' and the queue's button that jumps to the passage in the reader."""
    st.button(
        "Open in transcript",
        key=key,
        type="tertiary",
        icon=":material/article:",
        on_click=open_in_reader,
        args=(int(transcript_id), segment_id),
    )


def format_media_time(seconds: float | None) -> str:
    """A media time as HH:MM:SS ('' when the source had none)."""
    if not plain(seconds):
        return ""
    whole = int(float(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def project_title(url: str) -> str:
    """A project's name for the screen: the file name of a SQLite project, else the database
    URL without user or password."""
    if url.startswith("sqlite"):
        return url.rsplit("/", 1)[-1] or url
    return re.sub(r"://[^@/]*@", "://", url)


def choices(frame: pd.DataFrame, column: str) -> list[str]:
    """The distinct non-empty values of a column, sorted, for a filter."""
    if frame.empty or column not in frame:
        return []
    values = frame[column].dropna().astype(str).unique()
    return sorted(v for v in values if v.strip())


def metadata_filters(frame: pd.DataFrame, key: str) -> dict[str, tuple[str, ...]]:
    """College, sector and region pickers over a segment table; empty means everything."""
    columns = st.columns(3)
    picked = {}
    for column, (field, label) in zip(
        columns,
        (("institution", "Instelling"), ("sector", "Sector"), ("region", "Regio")),
        strict=True,
    ):
        picked[field] = tuple(
            column.multiselect(
                label, choices(frame, field), key=f"{key}_{field}", placeholder="Alle"
            )
        )
    return picked


def transcript_picker(
    frame: pd.DataFrame, key: str, *, on_change: Callable[[], None] | None = None
) -> int:
    """Pick a transcript, remembered by its id in ``st.session_state[key]``, never by its name.

    Why: a browser sends back the chosen option's label; after the college is renamed that
    label no longer exists and Streamlit falls back to the first interview, so the next save
    would go to another one. The widget's own key changes with the labels (a fresh widget whose
    default is the remembered id), while ``key`` keeps the id across renames.
    """
    ids = [int(i) for i in frame["id"]]
    names = dict(zip(ids, frame["institution"].fillna("") + " — " + frame["source"], strict=True))
    if st.session_state.get(key) not in ids:
        st.session_state[key] = ids[0]
    labels = "\n".join(f"{i}:{names[i]}" for i in ids)
    widget = f"{key}_picker_{zlib.crc32(labels.encode()):08x}"

    def remember() -> None:
        st.session_state[key] = int(st.session_state[widget])
        if on_change is not None:
            on_change()

    shown = st.session_state.get(widget)
    if shown is not None and shown != st.session_state[key]:
        del st.session_state[widget]  # the id was set elsewhere (a jump to a passage)
    st.selectbox(
        "Transcript",
        ids,
        index=ids.index(st.session_state[key]),
        format_func=names.get,
        key=widget,
        on_change=remember,
    )
    return int(st.session_state[key])


def safe_key(name: str) -> str:
    """A widget-key fragment for a name (a college, a chapter): lower case, words joined by _."""
    return re.sub(r"\W+", "_", str(name).casefold()).strip("_")


# --- memos -------------------------------------------------------------------------------------

MEMO_EXCERPT = 60


def memo_item(proj: Project, memo: pd.Series, prefix: str) -> None:
    """One memo: who, when and about what (escaped), its text literally, and for its own author
    a way to change or delete it."""
    if memo["target"] == "segment":
        passage = " ".join(plain(memo["passage"]).split())
        if len(passage) > MEMO_EXCERPT:
            passage = passage[:MEMO_EXCERPT].rstrip() + "…"
        about = f"bij de passage “{passage}”"
    elif memo["target"] == "code":
        about = f"bij de code {memo['code']}"
    else:
        about = "bij het gesprek"
    when = pd.Timestamp(memo["created_at"]).strftime("%d-%m-%Y %H:%M")
    st.caption(escape_markdown(f"{memo['author']} · {when} · {about}"))
    st.text(memo["text"])
    author = coder()
    if memo["author"] != author:
        return
    memo_id = int(memo["id"])
    edit_key = f"{prefix}_edit_text_{memo_id}"
    with st.container(horizontal=True, gap="small"):
        with st.popover("Bewerken", icon=":material/edit:", type="tertiary"):
            st.text_area("Memo", value=memo["text"], key=edit_key)
            st.button(
                "Wijziging opslaan",
                key=f"{prefix}_edit_save_{memo_id}",
                on_click=callback,
                args=(
                    proj,
                    lambda: proj.edit_memo(memo_id, st.session_state.get(edit_key, ""), author),
                    "Memo gewijzigd",
                ),
            )
        st.button(
            "Verwijderen",
            key=f"{prefix}_delete_{memo_id}",
            icon=":material/delete:",
            type="tertiary",
            on_click=callback,
            args=(proj, lambda: proj.delete_memo(memo_id, author), "Memo verwijderd"),
            kwargs={"in_place": False},
        )


def memo_writer(proj: Project, key: str, label: str, **target: int | str) -> None:
    """A text area and a save button that writes a memo on ``target`` under the coder's name."""
    author = coder()
    st.text_area(label, key=key, placeholder="Wat wil je onthouden voor de analyse of het rapport?")

    def save() -> None:
        proj.write_memo(st.session_state.get(key, ""), author, **target)
        st.session_state[key] = ""  # the memo is stored: an empty box for the next one

    st.button(
        "Memo opslaan",
        key=f"{key}_save",
        icon=":material/sticky_note_2:",
        disabled=not author,
        help=None if author else "Vul eerst je naam in (zijbalk).",
        on_click=callback,
        args=(proj, save, "Memo opgeslagen"),
        kwargs={"in_place": False},
    )


def warm_up_topics() -> None:
    """Start loading the topic model (and compiling UMAP, once per user) in the background
    after the app starts, so that the evaluator's first topic run does not wait for it."""
    from analysis.topics.jit_cache import warm_up_in_background

    warm_up_in_background()
