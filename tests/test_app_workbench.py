"""The workbench an evaluator codes in all day (issue 17), under AppTest: span codings count and
show once, suggestions are labelled as such, the metadata editor stays on its interview, dates
are read or refused in Dutch, and the first start asks for the coder's name."""

# ruff: noqa: F811 - the app fixtures are imported from test_app and named as parameters
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app import (  # noqa: F401 - the fixtures are used by name
    CODER,
    analysed_db,
    app_db,
    empty_db,
    fresh_caches,
    markdown,
    open_page,
    texts,
)

from analysis import Project


def picker(at: AppTest):
    """The project page's transcript picker (its widget key follows the names; see
    ``widgets.transcript_picker``)."""
    return next(box for box in at.selectbox if box.label == "Transcript")


def test_renaming_the_institution_keeps_the_editor_on_the_same_interview(app_db: Path) -> None:
    at = open_page("ui/project_page.py")
    with Project(app_db) as project:
        frame = project.transcripts()
    second, other = int(frame.iloc[1]["id"]), int(frame.iloc[0]["id"])
    picker(at).set_value(second).run()
    at.text_input(key=f"meta_institution_{second}").set_value("ROC Nieuwe Naam")
    at.button(key=f"meta_save_{second}").click().run()
    assert not at.exception, at.exception
    chosen = picker(at)
    assert chosen.value == second
    assert any(option.startswith("ROC Nieuwe Naam") for option in chosen.options)
    at.run()  # the next interaction: still the same interview
    assert picker(at).value == second
    at.text_input(key=f"meta_sector_{second}").set_value("zorg en welzijn")
    at.button(key=f"meta_save_{second}").click().run()
    with Project(app_db) as project:
        after = project.transcripts().set_index("id")
    assert after.loc[second, "institution"] == "ROC Nieuwe Naam"
    assert after.loc[second, "sector"] == "zorg en welzijn"
    assert after.loc[other, "institution"] == frame.iloc[0]["institution"]
    assert after.loc[other, "sector"] == frame.iloc[0]["sector"]


def test_dates_are_read_the_dutch_way_or_refused_in_dutch(app_db: Path) -> None:
    at = open_page("ui/project_page.py")
    with Project(app_db) as project:
        first = int(project.transcripts().iloc[0]["id"])
        before = project.transcripts().set_index("id").loc[first, "date"]
    at.text_input(key=f"meta_date_{first}").set_value("31-02-2026")
    at.button(key=f"meta_save_{first}").click().run()
    errors = [element.value.replace("\\", "") for element in at.error]
    assert any("JJJJ-MM-DD" in e and "31-02-2026" in e for e in errors), errors
    with Project(app_db) as project:
        assert project.transcripts().set_index("id").loc[first, "date"] == before
    at.text_input(key=f"meta_date_{first}").set_value("20-11-2026")
    at.button(key=f"meta_save_{first}").click().run()
    assert not at.exception and not at.error
    with Project(app_db) as project:
        assert project.transcripts().set_index("id").loc[first, "date"] == "2026-11-20"


def test_the_first_start_asks_for_the_coders_name(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTERVIEWS_CODER")
    at = open_page("ui/coding.py")
    assert any("Wie codeert er?" in m.value for m in at.markdown)
    assert at.text_input(key="coder_name").value == ""
    assert all(button.disabled for button in at.button if button.key.startswith("accept_"))
    at.text_input(key="coder_new").set_value("  Femke Vos ")
    at.button(key="coder_start").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="coder_name").value == "Femke Vos"
    assert not any("Wie codeert er?" in m.value for m in at.markdown)
    assert any(
        not button.disabled for button in at.button if button.key.startswith("accept_")
    )
    assert "Femke Vos" in markdown(at)


def suggested_only(frame) -> object:
    """The first passage that carries a code only a suggestion gives."""
    return frame[frame["suggested_codes"] != ""].iloc[0]


def test_a_suggestion_is_labelled_voorstel_on_the_reader_and_the_quote_cards(
    app_db: Path,
) -> None:
    with Project(app_db) as project:
        frame = project.segments()
        book = project.codebook()
    row = suggested_only(frame)
    key = row["suggested_codes"].split(";")[0]
    label = book.get(key).label
    at = open_page("ui/quotes.py")
    at.multiselect(key="quotes_codes").set_value([key]).run()
    assert f"voorstel: {label}".replace(" ", " ") in markdown(at).replace("\\", "")
    at = open_page("ui/reader.py")
    at.session_state["reader_transcript_id"] = int(row["transcript_id"])
    at.session_state["reader_segment_id"] = int(row["segment_id"])
    at.run()
    assert f"voorstel: {label}" in markdown(at).replace("\\", "")
    # Once a person accepts the code it is theirs: no longer a "voorstel" on that passage.
    with Project(app_db) as project:
        project.apply_code(int(row["segment_id"]), key, CODER)
        after = project.segments().set_index("segment_id").loc[int(row["segment_id"])]
    assert key in after["codes"].split(";") and key not in after["suggested_codes"].split(";")


def test_a_coded_part_of_a_passage_shows_and_counts_once(app_db: Path) -> None:
    with Project(app_db) as project:
        frame = project.segments()
        progress = project.coding_progress()
    people = frame[frame["codes"] == frame["suggested_codes"]]  # no person's code yet
    segment = people[people["text"].str.split().str.len() > 12].iloc[0]
    segment_id, transcript_id = int(segment["segment_id"]), int(segment["transcript_id"])
    words = " ".join(str(segment["text"]).split()[3:9])
    at = open_page("ui/reader.py")
    at.session_state["reader_transcript_id"] = transcript_id
    at.session_state["reader_segment_id"] = segment_id
    at.run()
    at.multiselect(key=f"reader_codes_{segment_id}").set_value(["inclusion.barriers"]).run()
    at.text_input(key=f"reader_part_{segment_id}").set_value(words).run()
    at.button(key=f"reader_save_{segment_id}").click().run()
    assert not at.exception, at.exception
    # The form is empty again: nothing looks as if it still has to be saved.
    assert at.multiselect(key=f"reader_codes_{segment_id}").value == []
    assert at.text_input(key=f"reader_part_{segment_id}").value == ""
    assert at.button(key=f"reader_save_{segment_id}").disabled
    shown = [t for t in texts(at) if words in t]
    assert len(shown) == 1, shown  # the words are shown once, framed inside their passage
    assert sum(str(segment["text"]) in t for t in texts(at)) == 0  # not the passage again whole
    with Project(app_db) as project:
        after = project.segments()
        assert project.coding_progress() == {
            "segments": progress["segments"],
            "coded": progress["coded"] + 1,
        }
    span = after[(after["kind"] == "span") & (after["transcript_id"] == transcript_id)]
    assert list(span["text"]) == [words]
    at = open_page("ui/quotes.py")
    at.multiselect(key="quotes_codes").set_value(["inclusion.barriers"]).run()
    cards = [t for t in texts(at) if words in t]
    assert cards == [words]  # the quote browser lists the span, not its passage as well


def test_the_queue_needs_one_decision_per_passage_and_theme(app_db: Path) -> None:
    with Project(app_db) as project:
        queue = project.suggestion_queue(reasons=False)
        cards = project.review_cards()
    assert len(cards) < len(queue)  # theme and sub-theme of one passage share a card
    at = open_page("ui/coding.py")
    assert [m.value for m in at.metric if m.label == "Te beoordelen"] == [str(len(cards))]
    pair = cards[cards["codes"].map(len) > 1].iloc[0]
    segment_id, key = int(pair["segment_id"]), f"{pair['segment_id']}_{pair['theme']}"
    at.button(key=f"accept_{key}").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        history = project.coding_history(segment_id=segment_id, coder=CODER)
    assert sorted(history["code"]) == sorted(pair["codes"])  # one click, the whole card
    assert set(history["status"]) == {"accepted"}
    assert [m.value for m in at.metric if m.label == "Te beoordelen"] == [str(len(cards) - 1)]
    assert f"accept_{key}" not in {b.key for b in at.button}
    at.button(key="coding_undo").click().run()  # U: one undo takes the whole card back
    with Project(app_db) as project:
        assert len(project.review_cards()) == len(cards)
    # The arrow keys' buttons move the current card (the one J and N act on).
    current = [c.value for c in at.caption if "huidige kaart" in c.value]
    at.button(key="coding_next").click().run()
    moved = [c.value for c in at.caption if "huidige kaart" in c.value]
    assert len(current) == len(moved) == 1 and current != moved


def test_the_quote_table_reads_in_dutch_and_marks_suggestions() -> None:
    import io

    import pandas as pd

    from analysis.quotes import export_bytes

    frame = pd.DataFrame(
        {
            "institution": ["ROC Zuid"],
            "role": ["respondent"],
            "text": ["Ouders twijfelen over een stage in Duitsland."],
            "codes": ["inclusion;inclusion.barriers"],
            "suggested_codes": ["inclusion;inclusion.barriers"],
            "segment_id": [7],
        }
    )
    labels = {"inclusion": "Inclusie", "inclusion.barriers": "Drempels voor deelname"}
    table = pd.read_csv(io.BytesIO(export_bytes(frame, "csv", labels)), encoding="utf-8-sig")
    assert list(table.columns) == [
        "Instelling", "Rol", "Citaat", "Codes", "Waarvan voorstel (nog door niemand beoordeeld)",
        "codes_keys", "voorstel_keys", "segment_id",
    ]
    row = table.iloc[0]
    assert row["Codes"] == "Inclusie; Drempels voor deelname"
    assert row["Waarvan voorstel (nog door niemand beoordeeld)"] == row["Codes"]
    assert row["codes_keys"] == "inclusion;inclusion.barriers"


# --- Dutch on every error path -------------------------------------------------------------------

# Words of the library's English messages (and Streamlit's defaults) that must not reach a person.
ENGLISH = re.compile(
    r"\b(the|is empty|unchanged|already|warning|turns|segments?|words|needs?|cannot|failed|"
    r"imported|none|nothing|decision|judgement|note|suggestion|replaced|reserved|file|"
    r"choose|select|download|unknown|not found|there is|no open)\b",
    re.IGNORECASE,
)


def shown_text(at: AppTest) -> list[str]:
    """Everything a person reads on the page but the transcripts themselves: messages, labels,
    captions, notices, toasts, status lines and the import table's cells."""
    parts: list[str] = []
    for kind in ("error", "warning", "info", "success", "toast", "markdown", "caption",
                 "metric", "status", "expander"):
        for element in at.get(kind):
            parts.append(str(getattr(element, "value", "") or getattr(element, "label", "")))
            parts.append(str(getattr(element, "label", "") or ""))
    for table in at.dataframe:
        frame = table.value
        if "bestand" in frame.columns:  # the import results: every cell is ours
            parts.extend(str(v) for v in frame.drop(columns="bestand").to_numpy().ravel())
    return [part.replace("\\", "") for part in parts if part]


def english_in(at: AppTest) -> list[str]:
    return [part for part in shown_text(at) if ENGLISH.search(part)]


def test_import_results_and_errors_are_dutch(empty_db: Path) -> None:
    at = open_page("ui/project_page.py")
    files = next(element for element in at.get("file_uploader") if element.key == "upload")
    files.upload("leeg.txt", b"  \n", "text/plain")
    files.upload("kapot.pdf", b"dit is geen pdf", "application/pdf")
    files.upload("zonder_namen.txt", b"Dat was een goed jaar voor de stages.\n",
                 "text/plain")
    files.upload("kapot.docx", b"geen word", "application/octet-stream")
    at.run()
    at.button(key="import_button").click().run()
    assert not at.exception, at.exception
    found = english_in(at)
    assert not found, found
    assert any("4 bestanden verwerkt, 3 mislukt" in s.label for s in at.status)
    assert any("Volgende stap" in i.value for i in at.info)  # what to do after an import
    at.button(key="import_button").click().run()  # the same files again: one unchanged
    found = english_in(at)
    assert not found, found
    assert any("ongewijzigd" in str(v) for v in at.dataframe[0].value["melding"])


def test_coding_phase_and_report_errors_are_dutch(app_db: Path) -> None:
    at = open_page("ui/coding.py")
    at.button(key="coding_undo").click().run()  # nothing to undo yet
    assert any("geen beslissing om ongedaan te maken" in e.value.replace("\\", "")
               for e in at.error), [e.value for e in at.error]
    found = english_in(at)
    assert not found, found
    # A card another tab decided meanwhile.
    with Project(app_db) as project:
        card = project.review_cards().iloc[0]
        project.accept_card(int(card["segment_id"]), str(card["theme"]), "Thomas Verbeek")
        project.reject_card(int(card["segment_id"]), str(card["theme"]), CODER)
    at.button(key=f"accept_{card['segment_id']}_{card['theme']}").click().run()
    assert at.error and not english_in(at), english_in(at)

    with Project(app_db) as project:
        segment = project.segments().iloc[0]
    at = open_page("ui/reader.py")
    at.session_state["reader_transcript_id"] = int(segment["transcript_id"])
    at.session_state["reader_segment_id"] = int(segment["segment_id"])
    at.run()
    sid = int(segment["segment_id"])
    at.multiselect(key=f"reader_codes_{sid}").set_value(["impact"]).run()
    at.text_input(key=f"reader_part_{sid}").set_value("woorden die er niet staan").run()
    at.button(key=f"reader_save_{sid}").click().run()
    assert any("niet letterlijk" in e.value for e in at.error), [e.value for e in at.error]
    assert not english_in(at), english_in(at)

    at = open_page("ui/phases.py")
    with Project(app_db) as project:
        institution = project.phase_assessments()["institution"].iloc[0]
    key = "".join(c if c.isalnum() else "_" for c in institution.casefold())
    at.selectbox(key="phase_institution").select(institution).run()
    at.radio(key=f"judge_phase_{key}").set_value(2)
    at.text_area(key=f"judge_note_{key}").set_value("  ")
    at.button(key=f"judge_save_{key}").click().run()
    assert any("toelichting" in e.value for e in at.error), [e.value for e in at.error]
    assert not english_in(at), english_in(at)

    at = open_page("ui/report.py")
    template = next(e for e in at.get("file_uploader") if e.key == "report_template")
    template.upload("huisstijl.docx", b"geen word", "application/octet-stream")
    at.run()
    at.button(key="report_build").click().run()
    assert any("geen Word-document" in e.value.replace("\\", "") for e in at.error)
    assert not english_in(at), english_in(at)


# --- coding in the text -------------------------------------------------------------------------


def test_the_selectable_transcript_puts_text_in_text_nodes_only() -> None:
    from ui.selectable import JS, Selection, read_selection

    for parser in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                   "DOMParser", "createContextualFragment"):
        assert parser not in JS
    assert "textContent" in JS and "createTextNode" in JS
    assert read_selection({"segment": 4, "start": 10, "end": 18, "text": "de stage"}) == (
        Selection(4, 10, 18, "de stage")
    )
    assert read_selection({"error": "across"}) == "across"
    assert read_selection({"segment": 4, "start": 10, "end": 10, "text": ""}) is None
    assert read_selection(None) is None


def test_words_chosen_with_the_mouse_are_coded_exactly(app_db: Path) -> None:
    from ui.selectable import Selection

    with Project(app_db) as project:
        segment = project.segments().iloc[3]
        text = project.transcript_text(int(segment["transcript_id"]))
    transcript_id = int(segment["transcript_id"])
    words = str(segment["text"]).split()
    start = int(segment["start"]) + str(segment["text"]).index(words[1])
    end = start + len(" ".join(words[1:4]))
    at = open_page("ui/reader.py")
    at.session_state["reader_transcript_id"] = transcript_id
    at.toggle(key="reader_mouse").set_value(True).run()
    assert not at.exception, at.exception
    at.text_input(key="reader_search").set_value(words[1]).run()  # search inside the interview
    assert not at.exception, at.exception
    assert any("met “" in c.value.replace("\\", "") for c in at.caption)
    # What the component reports when words are selected (the browser test selects for real).
    at.session_state["reader_selection"] = Selection(
        int(segment["segment_id"]), start, end, text[start:end]
    )
    at.run()
    assert text[start:end] in texts(at)
    at.multiselect(key="reader_selection_codes").set_value(["impact.student"]).run()
    at.button(key="reader_selection_save").click().run()
    assert not at.exception, at.exception
    with Project(app_db) as project:
        spans = project.segments(transcript_id=transcript_id)
    span = spans[spans["kind"] == "span"]
    assert list(span["text"]) == [text[start:end]]
    assert "impact.student" in span.iloc[0]["codes"].split(";")
    assert at.session_state["reader_selection"] is None


def test_search_in_the_reader_marks_the_words_it_finds(app_db: Path) -> None:
    with Project(app_db) as project:
        frame = project.segments()
    row = frame[frame["text"].str.contains("ouders", case=False)].iloc[0]
    at = open_page("ui/reader.py")
    at.session_state["reader_transcript_id"] = int(row["transcript_id"])
    at.text_input(key="reader_search").set_value("Ouders").run()
    assert not at.exception, at.exception
    marked = [str(m.value) for m in at.markdown if ":orange-background[**" in str(m.value)]
    assert marked
    for value in marked:  # only words that hold "ouders" or its stem are marked (any case)
        for word in re.findall(r":orange-background\[\*\*(.+?)\*\*\]", value):
            assert "ouder" in word.casefold(), word
    # Every turn shown holds the word, and none of it is left unmarked as plain text.
    assert not any("ouders" in text.casefold() for text in texts(at))
    assert any("met “Ouders”" in c.value.replace("\\", "") for c in at.caption)
