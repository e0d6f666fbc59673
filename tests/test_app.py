"""The Streamlit app under ``streamlit.testing.v1.AppTest``: every page renders on the analysed
sample project and on an empty one, and each page's core interaction works end to end (through
the real library and a real SQLite project, no mocks)."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow
import pytest
import streamlit as st
from app_support import HOSTILE_TEXT, LITERALS, add_topic_run
from docx import Document
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import FileUploader

from analysis import Project
from analysis.quotes import QuoteFilter, export_bytes, select_quotes
from ui.pages import HOME, PAGE_PATHS
from ui.widgets import badge_colour, blank_missing, escape_markdown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CODER = "Sanne de Wit"


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Streamlit's caches live in the test process: every test starts and ends without them."""
    monkeypatch.setenv("INTERVIEWS_CODER", CODER)
    monkeypatch.setenv("INTERVIEWS_RECOMPUTE_SECONDS", "1000")  # slow tables always fresh
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def analysed_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with suggestions made and a topic run, built once for all app tests."""
    path = tmp_path_factory.mktemp("app") / "analysed.db"
    shutil.copy(sample_db, path)
    with Project(path) as project:
        project.suggest()
    add_topic_run(path)
    return path


@pytest.fixture
def app_db(analysed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "project.db"
    shutil.copy(analysed_db, path)
    monkeypatch.setenv("INTERVIEWS_PROJECT", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "empty.db"
    monkeypatch.setenv("INTERVIEWS_PROJECT", str(path))
    return path


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    if page != HOME:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> list[str]:
    return [element.value for element in at.text]


def uploader(at: AppTest, key: str) -> FileUploader:
    return next(element for element in at.get("file_uploader") if element.key == key)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def markdown(at: AppTest) -> str:
    return "\n".join(str(element.value) for element in (*at.markdown, *at.caption))


# --- safe text ---------------------------------------------------------------------------------


def test_escape_markdown_makes_markup_literal() -> None:
    hostile = "**vet** [site](http://x) <script>alert(1)</script> :red[rood] $x$ _schuin_ # kop"
    escaped = escape_markdown(hostile)
    assert re.search(r"(?<!\\)[*\[\]()<>:$_#]", escaped) is None  # every markup character escaped
    assert escaped.replace("\\", "") == hostile
    assert escape_markdown("regel een\nregel twee") == "regel een  \nregel twee"
    assert escape_markdown(None) == ""


def test_badge_colour_picks_the_nearest_streamlit_colour() -> None:
    assert badge_colour("#E06666") == "red"
    assert badge_colour("#93C47D") == "green"
    assert badge_colour("#6FA8DC") == "blue"
    assert badge_colour("#9E84D6") == "violet"
    assert badge_colour("#D9D9D9") == "gray"
    assert badge_colour("geen kleur") == "gray"


def test_blank_missing_blanks_text_and_keeps_numbers_typed() -> None:
    table = pd.DataFrame(
        {
            "institution": ["ROC Amstelduin", "Peelrand College"],
            "phase": pd.Series([3, None], dtype=object),
            "note": ["Oordeel na tweede gesprek", None],
        }
    )
    shown = blank_missing(table)
    assert shown["note"].tolist() == ["Oordeel na tweede gesprek", ""]
    assert str(shown["phase"].dtype) == "Int64"  # not "" among integers, which Arrow rejects
    assert shown["phase"].isna().tolist() == [False, True]
    pyarrow.Table.from_pandas(shown)  # raised ArrowTypeError with "" in the phase column


# --- every page renders -------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGE_PATHS)
def test_page_renders_on_the_sample_project(app_db: Path, page: str) -> None:
    at = open_page(page)
    assert at.title, f"{page} has no title"


@pytest.mark.parametrize("page", PAGE_PATHS)
def test_page_renders_on_an_empty_project(empty_db: Path, page: str) -> None:
    at = open_page(page)
    assert at.title, f"{page} has no title"
    assert at.info or page == HOME, f"{page} shows nothing to explain the empty project"


def test_an_unreachable_database_gives_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWS_PROJECT", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert "kan niet worden geopend" in at.error[0].value


# --- project and import -------------------------------------------------------------------------


def test_import_shows_per_file_results_and_the_text_stays_literal(empty_db: Path) -> None:
    at = open_page("ui/project_page.py")
    files = uploader(at, "upload")
    files.upload("gesprek_xss.txt", HOSTILE_TEXT.encode("utf-8"), "text/plain")
    files.upload("kapot.pdf", b"dit is geen pdf", "application/pdf")
    at.run()
    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    results = table_with(at, "bestand")
    assert set(results["bestand"]) == {"gesprek_xss.txt", "kapot.pdf"}
    outcome = dict(zip(results["bestand"], results["resultaat"], strict=True))
    assert outcome == {"gesprek_xss.txt": "geïmporteerd", "kapot.pdf": "mislukt"}
    assert any("kapot.pdf:" in e.value.replace("\\", "") for e in at.error)
    with Project(empty_db) as project:
        [transcript_id] = project.transcripts()["id"]
        assert list(project.transcripts()["source"]) == ["gesprek_xss.txt"]
    at.run()  # metadata the file did not have is empty, not "nan"
    assert at.text_input(key=f"meta_sector_{transcript_id}").value == ""

    at.switch_page("ui/reader.py").run()
    shown = "\n".join(texts(at))
    assert all(literal in shown for literal in LITERALS)
    assert "<script>" not in markdown(at) and "**heel" not in markdown(at)
    assert "· nan" not in markdown(at) and "nan ·" not in markdown(at)


def test_metadata_and_speaker_roles_are_saved(app_db: Path) -> None:
    at = open_page("ui/project_page.py")
    with Project(app_db) as project:
        first = project.transcripts().iloc[0]
    at.text_input(key=f"meta_sector_{first['id']}").set_value("techniek")  # a form: one run
    at.button(key=f"meta_save_{first['id']}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        assert project.transcripts().set_index("id").loc[first["id"], "sector"] == "techniek"
        speakers = project.speakers(int(first["id"]))
    interviewer = speakers[speakers["role"] == "interviewer"].index[0]
    at.selectbox(key=f"role_{first['id']}_{interviewer}").select("other")
    at.button(key=f"roles_save_{first['id']}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        roles = project.speakers(int(first["id"])).set_index("speaker")["role"]
    assert roles[speakers.loc[interviewer, "speaker"]] == "other"


# --- quotes -------------------------------------------------------------------------------------


def test_quote_filters_narrow_the_cards_and_counts(app_db: Path) -> None:
    at = open_page("ui/quotes.py")
    with Project(app_db) as project:
        frame = project.segments()
    everything = len(frame)
    assert f"**{everything}** citaten" in markdown(at)
    college = sorted(frame[frame["text"].str.contains("stage")]["institution"])[0]
    at.multiselect(key="quotes_institution").select(college).run()
    expected = int((frame["institution"] == college).sum())
    assert f"**{expected}** citaten van **1** instelling" in markdown(at)
    at.text_input(key="quotes_text").set_value("stage").run()
    narrowed = select_quotes(frame, QuoteFilter(institutions=(college,), text="stage"))
    assert f"**{len(narrowed)}** citaten" in markdown(at)
    assert 0 < len(narrowed) < expected
    assert all("stage" in t.casefold() for t in texts(at) if t in set(narrowed["text"]))
    assert not at.exception


def test_select_quotes_combines_codes_with_and_or_or() -> None:
    frame = pd.DataFrame(
        {
            "segment_id": [1, 2, 3],
            "institution": ["ROC A", "ROC B", "ROC A"],
            "sector": ["zorg", "techniek", None],
            "region": ["Zeeland", "Limburg", "Zeeland"],
            "text": ["Ouders twijfelen over de Stage.", "Geld is op.", "Stage in Duitsland."],
            "codes": ["inclusion;inclusion.barriers", "inclusion", ""],
        }
    )
    ids = lambda f: list(select_quotes(frame, f)["segment_id"])  # noqa: E731
    assert ids(QuoteFilter(codes=("inclusion.barriers", "inclusion"), match="any")) == [1, 2]
    assert ids(QuoteFilter(codes=("inclusion.barriers", "inclusion"), match="all")) == [1]
    assert ids(QuoteFilter(text="stage")) == [1, 3]
    assert ids(QuoteFilter(text="stage ouders")) == [1]
    assert ids(QuoteFilter(sectors=("zorg",))) == [1]
    assert ids(QuoteFilter(regions=("Zeeland",), segment_ids=frozenset({3}))) == [3]
    with pytest.raises(ValueError, match="match mode"):
        QuoteFilter(match="xor")


def test_export_bytes_keeps_text_verbatim_and_survives_control_characters() -> None:
    frame = pd.DataFrame(
        {
            "institution": ["ROC Zuid"],
            "text": ["Dat is “écht” goed\x0b gegaan."],
            "codes": ["impact"],
        }
    )
    assert "“écht” goed\x0b".encode() in export_bytes(frame, "csv")
    workbook = pd.read_excel(pd.io.common.BytesIO(export_bytes(frame, "xlsx")))
    assert workbook.loc[0, "Citaat"] == "Dat is “écht” goed gegaan."
    with pytest.raises(ValueError, match="format"):
        export_bytes(frame, "pdf")


# --- coding -------------------------------------------------------------------------------------


def test_accept_and_reject_suggestions_are_recorded(app_db: Path) -> None:
    at = open_page("ui/coding.py")
    with Project(app_db) as project:
        cards = project.review_cards()
        book = project.codebook()
        first, second = cards.iloc[0], cards.iloc[1]
        reasons = project.suggestion_reasons([(first["segment_id"], c) for c in first["codes"]])
    # The page's queue is read without reasons; the cards shown get theirs.
    captions = [caption.value for caption in at.caption]
    code = first["codes"][0]
    reason = reasons[(first["segment_id"], code)]
    assert reason and escape_markdown(f"Waarom {book.get(code).label}: {reason}") in captions
    at.button(key=f"accept_{first['segment_id']}_{first['theme']}").click().run()
    assert not at.exception, at.exception
    at.button(key=f"reject_{second['segment_id']}_{second['theme']}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        history = project.coding_history(coder=CODER)
        remaining = project.review_cards()
    decided = {(r.segment_id, r.code): r.status for r in history.itertuples()}
    assert {decided[(first["segment_id"], c)] for c in first["codes"]} == {"accepted"}
    assert {decided[(second["segment_id"], c)] for c in second["codes"]} == {"rejected"}
    assert len(remaining) == len(cards) - 2
    labels = [m.label for m in at.metric]
    assert "Te beoordelen" in labels
    assert [m.value for m in at.metric if m.label == "Te beoordelen"] == [str(len(remaining))]


def test_reader_codes_a_passage_a_part_of_it_and_takes_a_code_off(app_db: Path) -> None:
    at = open_page("ui/reader.py")
    with Project(app_db) as project:
        transcript_id = int(project.transcripts().iloc[0]["id"])
        segments = project.segments(transcript_id=transcript_id)
    segment = segments[segments["text"].str.split().str.len() > 8].iloc[0]
    segment_id = int(segment["segment_id"])
    at.button(key=f"reader_select_{segment_id}").click().run()
    at.multiselect(key=f"reader_codes_{segment_id}").set_value(["inclusion.measures"]).run()
    at.text_input(key=f"reader_memo_{segment_id}").set_value("Sterk voorbeeld van maatwerk.")
    at.button(key=f"reader_save_{segment_id}").click().run()
    assert not at.exception, at.exception

    def codes_now() -> dict[int, str]:
        with Project(app_db) as project:
            frame = project.segments(transcript_id=transcript_id)
        return dict(zip(frame["segment_id"], frame["codes"], strict=True))

    assert "inclusion.measures" in codes_now()[segment_id].split(";")
    assert "Sterk voorbeeld van maatwerk." in set(table_with(at, "memo")["memo"])

    at.button(key=f"reader_remove_{segment_id}_inclusion.measures").click().run()
    assert "inclusion.measures" not in codes_now()[segment_id].split(";")

    words = " ".join(str(segment["text"]).split()[2:7])
    at.multiselect(key=f"reader_codes_{segment_id}").set_value(["impact.student"]).run()
    at.text_input(key=f"reader_part_{segment_id}").set_value(words)
    at.button(key=f"reader_save_{segment_id}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        spans = project.segments(transcript_id=transcript_id)
        text = project.transcript_text(transcript_id)
    span = spans[spans["text"] == words]
    assert len(span) == 1 and "impact.student" in span.iloc[0]["codes"].split(";")
    assert text[span.iloc[0]["start"] : span.iloc[0]["end"]] == words


def test_reader_declares_an_interview_fully_coded(app_db: Path) -> None:
    at = open_page("ui/reader.py")
    with Project(app_db) as project:
        transcript_id = int(project.transcripts().iloc[1]["id"])
        segment_id = int(project.segments(transcript_id=transcript_id).iloc[0]["segment_id"])
        project.apply_code(segment_id, "inclusion.measures", CODER)
        open_before = len(project.suggestion_queue(reasons=False))
    at.session_state["reader_transcript_id"] = transcript_id  # as "Open in transcript" does
    at.run()
    at.button(key=f"reader_complete_{transcript_id}").click().run()
    assert not at.exception, at.exception
    assert any("niet van toepassing" in t.value for t in at.toast), [t.value for t in at.toast]
    assert any("als volledig gecodeerd vastgelegd" in c.value for c in at.caption)
    with Project(app_db) as project:
        history = project.coding_history(coder=CODER)
        # The open suggestions of that interview left the review queue as rejected.
        assert len(project.suggestion_queue(reasons=False)) < open_before
    mine = history[history["segment_id"] == segment_id].set_index("code")["status"]
    assert mine["inclusion.measures"] == "accepted" and mine["impact"] == "rejected"


def test_reader_writes_memos_on_the_interview_and_a_passage(app_db: Path) -> None:
    at = open_page("ui/reader.py")
    with Project(app_db) as project:
        transcript_id = int(project.transcripts().iloc[0]["id"])
        segment_id = int(project.segments(transcript_id=transcript_id).iloc[0]["segment_id"])
        other = project.write_memo(
            "Sfeer: open, de bestuurder had het beleidsplan erbij.", "Bram Kuipers",
            transcript_id=transcript_id,
        )
    at.run()
    on_interview = "Bestuurder noemt de ouders pas na doorvragen; **terugkomen** in <b>H3</b>."
    box = f"reader_transcript_memo_{transcript_id}"
    at.text_area(key=box).set_value(on_interview)
    at.button(key=f"{box}_save").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        memos = project.memos(transcript_id=transcript_id)
    mine = int(memos[memos["author"] == CODER]["id"].iloc[0])
    assert memos[memos["author"] == CODER]["text"].tolist() == [on_interview]
    assert on_interview in texts(at)  # listed, literally (st.text: no Markdown, no HTML)
    assert "**terugkomen**" not in markdown(at) and "<b>" not in markdown(at)
    assert at.text_area(key=box).value == ""  # an empty box for the next memo
    # Only the author may change a memo: Bram's has no buttons for Sanne.
    keys = {button.key for button in at.button}
    assert f"reader_tmemo_delete_{mine}" in keys and f"reader_tmemo_delete_{other}" not in keys

    at.button(key=f"reader_select_{segment_id}").click().run()
    on_passage = "Mooi citaat voor het hoofdstuk inclusie, maar eerst de context checken."
    at.text_area(key=f"reader_segment_memo_{segment_id}").set_value(on_passage)
    at.button(key=f"reader_segment_memo_{segment_id}_save").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        assert project.memos(segment_id=segment_id)["text"].tolist() == [on_passage]
        written = int(project.memos(segment_id=segment_id)["id"].iloc[0])
    # Under its passage and in the interview's list, which now holds three memos.
    assert texts(at).count(on_passage) == 2
    assert any("Memo's bij dit gesprek (3)" in e.label for e in at.expander)

    corrected = on_passage.replace("eerst", "pas na")
    at.text_area(key=f"reader_smemo_edit_text_{written}").set_value(corrected)
    at.button(key=f"reader_smemo_edit_save_{written}").click().run()
    assert not at.exception, at.exception
    at.button(key=f"reader_tmemo_delete_{mine}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        left = project.memos(transcript_id=transcript_id, with_segments=True)
    assert sorted(left["text"]) == sorted(
        [corrected, "Sfeer: open, de bestuurder had het beleidsplan erbij."]
    )
    assert on_interview not in texts(at) and corrected in texts(at)


def test_coding_page_writes_a_memo_on_a_code(app_db: Path) -> None:
    at = open_page("ui/coding.py")
    at.segmented_control(key="coding_view").set_value("memos").run()
    at.selectbox(key="memo_code").select("inclusion.barriers").run()
    assert not at.exception, at.exception
    note = "Drempels: ook geld thuis en bijbaantjes hieronder, niet onder impact.student."
    at.text_area(key="coding_code_memo_inclusion.barriers").set_value(note)
    at.button(key="coding_code_memo_inclusion.barriers_save").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        assert project.memos(code="inclusion.barriers")["text"].tolist() == [note]
    assert note in texts(at)


def test_coding_page_shows_which_codes_learn_and_what_they_need(app_db: Path) -> None:
    with Project(app_db) as project:
        segments = project.segments()
        first = segments[segments["institution"] == segments["institution"].iloc[0]]
        for segment_id in first["segment_id"].head(6):
            project.apply_code(int(segment_id), "inclusion.barriers", CODER)
        project.complete_transcript(int(first["transcript_id"].iloc[0]), CODER)
        status = project.learning_status().set_index("code")
    assert status.loc["inclusion.barriers", "learning"]
    at = open_page("ui/coding.py")
    at.segmented_control(key="coding_view").set_value("learning").run()
    assert not at.exception, at.exception
    table = table_with(at, "missing").set_index("code")
    assert table.loc["inclusion.barriers", "state"] == "leert mee"
    assert table.loc["inclusion", "state"] == "leert mee"  # a sub-code counts for its parent
    lacking = table[table["state"] == "nog niet"]
    assert not lacking.empty and lacking["missing"].str.startswith("nog ").all()


# --- phases -------------------------------------------------------------------------------------


def test_phase_judgement_overrides_the_estimate(app_db: Path) -> None:
    at = open_page("ui/phases.py")
    with Project(app_db) as project:
        before = project.phase_assessments().set_index("institution")
    institution = before.index[0]
    estimate = int(before.loc[institution, "estimate"])
    judged = 4 if estimate != 4 else 1
    key = "".join(c if c.isalnum() else "_" for c in institution.casefold())
    at.selectbox(key="phase_institution").select(institution).run()
    with Project(app_db) as project:
        evidence = project.phase_evidence(institution)
    # The evidence per phase, from the same estimate as the table.
    shown = [e.label for e in at.expander if e.label.endswith(" passages")]
    counts = [int(label.split(" — ")[1].split()[0]) for label in shown]
    assert counts == [int((evidence["phase"] == n).sum()) for n in (1, 2, 3, 4)]
    assert sum(counts) == len(evidence) > 0
    at.radio(key=f"judge_phase_{key}").set_value(judged)
    at.button(key=f"judge_save_{key}").click().run()  # no note: refused in one line
    assert not at.exception, at.exception
    assert "Dat lukte niet" in at.error[0].value
    at.radio(key=f"judge_phase_{key}").set_value(judged)
    at.text_area(key=f"judge_note_{key}").set_value("Internationalisering zit in de teamplannen.")
    at.button(key=f"judge_save_{key}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        after = project.phase_assessments().set_index("institution").loc[institution]
    assert after["phase"] == judged and after["judged"]
    assert after["assessor"] == CODER
    assert int(after["estimate"]) == estimate
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Fase"] == str(judged)


# --- report -------------------------------------------------------------------------------------


def test_report_quotes_are_chosen_ordered_and_the_draft_is_built(app_db: Path) -> None:
    at = open_page("ui/report.py")
    at.selectbox(key="report_chapter").select("inclusion").run()
    with Project(app_db) as project:
        on_theme = select_quotes(project.segments(), QuoteFilter(codes=("inclusion",)))
        subthemes = [c.key for c in project.codebook().children("inclusion")]
    # The picker files a quote under its first sub-theme; take two that land under the same one.
    heading = on_theme["codes"].map(
        lambda codes: next((k for k in subthemes if k in codes.split(";")), "inclusion")
    )
    target = heading.iloc[0]
    first, second = (int(i) for i in on_theme[heading == target]["segment_id"].iloc[:2])
    at.button(key=f"report_pick_inclusion_{first}").click().run()
    at.button(key=f"report_pick_inclusion_{second}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        chosen = project.report_items()
    assert list(chosen["segment_id"]) == [first, second]
    assert set(chosen["chapter"]) == {target}
    later = int(chosen[chosen["segment_id"] == second]["id"].iloc[0])
    at.button(key=f"report_up_{later}").click().run()
    with Project(app_db) as project:
        assert list(project.report_items()["segment_id"]) == [second, first]
    at.text_area(key="report_intro_inclusion").set_value("Inclusie vraagt om maatwerk.")
    at.button(key="report_intro_save_inclusion").click().run()
    at.radio(key="report_attribution").set_value("role")
    at.checkbox(key="report_anonymise").check()
    at.checkbox(key="report_verbatim").check()
    at.button(key="report_build").click().run()
    assert not at.exception, at.exception
    assert at.get("download_button")[0].proto.label == "Concept downloaden (.docx)"
    document = Document(io.BytesIO(at.session_state["report_docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert re.search(r"Instelling [A-Z]+\b", text) and "haperingen" not in text  # pseudonymised
    with Project(app_db) as project:
        intro = project.report_items("inclusion")
        assert "Inclusie vraagt om maatwerk." in set(intro["text"])
        built = project.build_draft(anonymise=True, attribution="role")
    chapter = next(t for t in built.themes if t.key == "inclusion")
    assert chapter.intro == "Inclusie vraagt om maatwerk."
    assert {first, second} <= {q.segment_id for q in built.quotes()}


def test_quotes_by_phase_and_into_the_report(app_db: Path) -> None:
    at = open_page("ui/quotes.py")
    with Project(app_db) as project:
        frame = project.segments()
        phases = project.phase_assessments()
    phase = int(phases["phase"].mode().iloc[0])
    colleges = set(phases[phases["phase"] == phase]["institution"])
    at.multiselect(key="quotes_phases").select(phase).run()
    expected = int(frame["institution"].isin(colleges).sum())
    assert f"**{expected}** citaten van **{len(colleges)}** " in markdown(at)
    at.multiselect(key="quotes_codes").select("impact.student").run()
    on_code = select_quotes(
        frame, QuoteFilter(codes=("impact.student",), institutions=tuple(colleges))
    )
    first = int(on_code["segment_id"].iloc[0])
    at.button(key=f"quotes_report_{first}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        items = project.report_items()
    assert list(zip(items["chapter"], items["segment_id"], strict=True)) == [
        ("impact.student", first)
    ]


# --- topics -------------------------------------------------------------------------------------


def test_topics_are_renamed_merged_and_turned_into_a_code(app_db: Path) -> None:
    at = open_page("ui/topics.py")
    with Project(app_db) as project:
        before = project.topics().set_index("label")
    ouders = int(before.loc["ouders · thuis · zorgen", "id"])
    duitsland = int(before.loc["duitsland · grens · bedrijven", "id"])
    docenten = int(before.loc["docenten · vervanging · werkdruk", "id"])
    assert "ouders · thuis · zorgen" in list(table_with(at, "keywords")["label"])

    at.selectbox(key="topics_topic").select(ouders).run()
    at.text_input(key=f"topics_label_{ouders}").set_value("Rol van ouders")
    at.button(key=f"topics_rename_{ouders}").click().run()
    assert not at.exception, at.exception

    at.multiselect(key="topics_merge").select(duitsland).select(docenten)
    at.text_input(key="topics_merge_label").set_value("Over de grens")
    at.button(key="topics_merge_button").click().run()
    assert not at.exception, at.exception

    at.selectbox(key="topics_topic").select(ouders).run()
    at.text_input(key=f"topics_key_{ouders}").set_value("ouders")
    at.button(key=f"topics_code_{ouders}").click().run()
    assert not at.exception, at.exception

    with Project(app_db) as project:
        after = project.topics().set_index("id")
        queue = project.suggestion_queue(code="ouders")
    assert after.loc[ouders, "label"] == "Rol van ouders"
    assert docenten not in after.index
    assert after.loc[duitsland, "label"] == "Over de grens"
    assert (
        after.loc[duitsland, "size"]
        == before.loc["duitsland · grens · bedrijven", "size"]
        + (before.loc["docenten · vervanging · werkdruk", "size"])
    )
    assert after.loc[ouders, "code"] == "ouders"
    assert len(queue) > 0
    assert "Rol van ouders" in list(table_with(at, "keywords")["label"])


# --- exchange -----------------------------------------------------------------------------------


def test_export_and_import_through_refi_qda(app_db: Path, tmp_path: Path) -> None:
    at = open_page("ui/project_page.py")
    at.selectbox(key="export_what").select("qdpx").run()
    at.checkbox(key="export_anonymise").check()
    at.button(key="export_button").click().run()
    assert not at.exception, at.exception
    assert at.get("download_button")[0].proto.label == "project.qdpx downloaden"

    archive = tmp_path / "sample.qdpx"
    with Project(app_db) as project:
        project.export_project(archive)
        sources = sorted(project.transcripts()["source"])
    other = tmp_path / "other.db"
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["project_location"] = str(other)
    at.run()
    uploader(at, "exchange_upload").upload("sample.qdpx", archive.read_bytes(), "application/zip")
    at.run()
    at.button(key="exchange_button").click().run()
    assert not at.exception, at.exception
    assert any("transcripts imported" in t for t in texts(at))
    with Project(other) as project:
        assert sorted(project.transcripts()["source"]) == sources


# --- two people at once -------------------------------------------------------------------------


def test_two_sessions_coding_at_once_lose_no_decision(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = open_page("ui/coding.py")
    monkeypatch.setenv("INTERVIEWS_CODER", "Thomas Verbeek")
    second = open_page("ui/coding.py")  # a second browser tab, with its own coder name
    with Project(app_db) as project:
        cards = project.review_cards()
    top, other = cards.iloc[0], cards.iloc[1]
    top_key = f"{top['segment_id']}_{top['theme']}"
    other_key = f"{other['segment_id']}_{other['theme']}"
    first.button(key=f"accept_{top_key}").click().run()
    # The second tab still shows the card the first one just accepted: deciding on it
    # records that coder's own decision next to the first one, and overwrites nothing.
    second.button(key=f"reject_{top_key}").click().run()
    second.button(key=f"accept_{other_key}").click().run()
    assert not first.exception and not second.exception
    # Each tab's queue drops its own decisions at once, and the other's after "Vernieuwen".
    shown = {b.key for b in first.button}
    assert f"accept_{other_key}" in shown
    first.button(key="coding_refresh_button").click().run()
    assert f"accept_{other_key}" not in {b.key for b in first.button}
    with Project(app_db) as project:
        history = project.coding_history()
    decisions = {
        (r.coder, r.segment_id, r.code): r.status for r in history.itertuples() if r.coder != "auto"
    }
    assert decisions == {
        **{(CODER, top["segment_id"], c): "accepted" for c in top["codes"]},
        **{("Thomas Verbeek", top["segment_id"], c): "rejected" for c in top["codes"]},
        **{("Thomas Verbeek", other["segment_id"], c): "accepted" for c in other["codes"]},
    }


def test_a_slow_table_is_shown_as_it_was_until_recomputed(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWS_RECOMPUTE_SECONDS", "0")  # every table counts as slow
    at = open_page("ui/quotes.py")
    with Project(app_db) as project:
        frame = project.segments()
        segment = frame[frame["codes"] == ""].iloc[0]
        project.apply_code(int(segment["segment_id"]), "impact", "Thomas Verbeek")
    at.multiselect(key="quotes_codes").select("impact").run()
    before = int((frame["codes"].str.split(";").map(lambda c: "impact" in c)).sum())
    assert f"**{before}** citaten" in markdown(at)
    assert any("Berekend om" in c.value for c in at.caption)
    at.button(key="recompute_segments").click().run()
    assert f"**{before + 1}** citaten" in markdown(at)
    assert not any("Berekend om" in c.value for c in at.caption)


# --- ask ----------------------------------------------------------------------------------------


def test_a_question_a_follow_up_and_no_evidence(app_db: Path) -> None:
    at = open_page("ui/ask.py")
    at.chat_input(key="ask_input").set_value("Wat zeggen bestuurders over ouders?").run()
    assert not at.exception, at.exception
    first = at.chat_message[1]
    assert "iets over ouders" in first.markdown[0].value
    quotes = [t.value for t in first.text]
    with Project(app_db) as project:
        texts_by_id = set(project.segments()["text"])
    assert any(q in texts_by_id for q in quotes), "answers are verbatim quotes"
    assert any(b.key and b.key.startswith("ask_open_") for b in first.button)

    at.chat_input(key="ask_input").set_value("en bij niveau 2-studenten?").run()
    follow_up = at.chat_message[3]
    assert "Vervolgvraag op" in "\n".join(c.value for c in follow_up.caption)
    assert "niveau 2" in follow_up.markdown[0].value

    at.chat_input(key="ask_input").set_value("Wat zeggen ze over ruimtevaart en astronauten?").run()
    assert "Geen bewijs gevonden" in at.chat_message[5].warning[0].value
    assert len(at.chat_message) == 6

    at.button(key="ask_restart").click().run()
    assert len(at.chat_message) == 0


def test_the_answer_shows_the_findings_points_inside_the_college_filter(app_db: Path) -> None:
    at = open_page("ui/ask.py")
    question = "Welke maatregelen voor inclusie noemen de colleges?"
    at.chat_input(key="ask_input").set_value(question).run()
    assert not at.exception, at.exception

    def points(message) -> list[str]:
        (block,) = [e for e in message.expander if e.label.startswith("Bevindingen over dit")]
        assert any("Maatregelen voor inclusie" in m.value for m in block.markdown)
        return [t.value for t in block.text]

    everywhere = points(at.chat_message[1])
    assert everywhere and all(t.startswith("• ") and "fragmenten: S" in t for t in everywhere)
    assert any("alleen voorstel, niet beoordeeld: " in t for t in everywhere)  # suggestions only
    with Project(app_db) as project:
        found = project.findings()["inclusion.measures"].points
    amstelduin = {p.label for p in found if "ROC Amstelduin" in {e.institution for e in p.evidence}}
    assert amstelduin

    at.multiselect(key="ask_colleges").select("ROC Amstelduin").run()
    at.chat_input(key="ask_input").set_value(question).run()
    inside = points(at.chat_message[3])
    assert {t.splitlines()[0][2:].rsplit(" (", 1)[0] for t in inside} == amstelduin
    for text in inside:
        for line in text.splitlines()[1:-1]:
            assert line.split(": ", 1)[1] == "ROC Amstelduin", line


def test_quotes_of_one_topic(app_db: Path) -> None:
    at = open_page("ui/quotes.py")
    with Project(app_db) as project:
        topics = project.topics().set_index("label")
        frame = project.segments()
    topic = topics.loc["ouders · thuis · zorgen"]
    at.multiselect(key="quotes_topics").select(int(topic["id"])).run()
    expected = int(frame["segment_id"].isin(topic["segment_ids"]).sum())
    assert expected > 0
    assert f"**{expected}** citaten" in markdown(at)
    shown = [t for t in texts(at) if t in set(frame["text"])]
    assert shown and all(
        any(k in t.casefold() for k in ("ouders", "thuis", "zorgen")) for t in shown
    )
