"""Search across every interview (issue 17, point 4): which passages match, which words are
marked, the hits per interview, and the page that shows them, where a transcript's own markup
stays literal text (AppTest)."""

# ruff: noqa: F811 - the app fixtures are imported from test_app and named as parameters
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from test_app import (  # noqa: F401 - the fixtures are used by name
    empty_db,
    fresh_caches,
    open_page,
)

from analysis import Project
from analysis.search import find_passages, per_interview, pieces, search_terms
from ui.widgets import highlighted

FRAME = pd.DataFrame(
    {
        "transcript_id": [1, 1, 2, 2],
        "institution": ["ROC Amstelduin", "ROC Amstelduin", "Peelrand College", None],
        "source": ["amstelduin.txt", "amstelduin.txt", "peelrand.txt", "peelrand.txt"],
        "segment_id": [11, 12, 21, 22],
        "kind": ["auto", "span", "auto", "auto"],
        "text": [
            "De ouders twijfelen: een stage in Duitsland, is dat veilig? Stageplekken genoeg.",
            "een stage in Duitsland",
            "Onze oud-studenten zeggen dat elke ouder mee moet denken over de stage.",
            "Bedrijven over de grens vragen er zelf om.",
        ],
    }
)


def test_a_passage_must_hold_every_word_and_stems_match() -> None:
    assert search_terms("Ouders, stage!  ouders") == ("ouders", "stage")
    found = find_passages(FRAME, "ouders stage")
    # "ouders" finds "ouder" by its stem; the span (kind "span") is not counted a second time.
    assert list(found["segment_id"]) == [11, 21]
    assert list(found["hits"]) == [3, 2]  # ouders, stage, Stageplekken | ouder, stage
    assert list(find_passages(FRAME, "bedrijf")["segment_id"]) == [22]  # "Bedrijven"
    assert list(find_passages(FRAME, "studenten")["segment_id"]) == [21]  # inside "oud-studenten"
    assert find_passages(FRAME, "ouders grens").empty
    assert find_passages(FRAME, "  ?! ").empty
    assert find_passages(FRAME.iloc[0:0], "stage").empty


def test_hits_are_counted_per_interview() -> None:
    table = per_interview(find_passages(FRAME, "stage"))
    assert table.to_dict("records") == [
        {"transcript_id": 1, "institution": "ROC Amstelduin", "source": "amstelduin.txt",
         "passages": 1, "hits": 2},
        {"transcript_id": 2, "institution": "Peelrand College", "source": "peelrand.txt",
         "passages": 1, "hits": 1},
    ]


def test_pieces_mark_the_matching_words_and_keep_the_text() -> None:
    text = FRAME.loc[0, "text"]
    cut = pieces(text, "stage ouders")
    assert "".join(piece for piece, _ in cut) == text
    assert [piece for piece, hit in cut if hit] == ["ouders", "stage", "Stageplekken"]
    assert pieces("Geen treffer hier.", "stage") == [("Geen treffer hier.", False)]


HOSTILE = (
    "Interviewer: Hoe gaat het met de stages in het buitenland?\n"
    "Anouk Bakker: Onze **stage** in Duitsland <script>alert(1)</script> loopt goed. Zie "
    "[de site](javascript:alert(1)) en :red[rood] voor alle stageplekken.\n"
    "Interviewer: En de docenten?\n"
    "Anouk Bakker: Die gaan niet mee, zij blijven hier bij hun eigen klassen.\n"
)
PLAIN = (
    "Interviewer: Wat vinden de ouders van een stage?\n"
    "Jeroen Smit: Ouders zijn eerst bang, maar na de stage zijn ze trots op hun kind.\n"
    "Interviewer: En de bedrijven?\n"
    "Jeroen Smit: De bedrijven bieden elk jaar meer stageplaatsen aan, ook voor een korte "
    "stage.\n"
)
METADATA = (
    "file,institution,date,sector,region\n"
    "gesprek_a.txt,ROC Amstelduin,2026-09-15,techniek,Noord-Holland\n"
    "gesprek_b.txt,Peelrand College,2026-09-22,zorg,Brabant\n"
)
MARK = re.compile(r":orange-background\[\*\*(.*?)\*\*\]")


@pytest.fixture
def hostile_project(empty_db: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "gesprekken"
    folder.mkdir()
    (folder / "gesprek_a.txt").write_text(HOSTILE, encoding="utf-8")
    (folder / "gesprek_b.txt").write_text(PLAIN, encoding="utf-8")
    (folder / "metadata.csv").write_text(METADATA, encoding="utf-8")
    with Project(empty_db) as project:
        assert not [r.line() for r in project.ingest([folder]) if r.failed]
    return empty_db


def unescaped(source: str) -> str:
    """A Markdown source with our marks taken off and its escapes undone: the text as read."""
    return re.sub(r"\\(.)", r"\1", MARK.sub(r"\1", source))


def test_the_page_marks_hits_per_interview_and_keeps_markup_literal(
    hostile_project: Path,
) -> None:
    at = open_page("ui/search.py")
    assert at.info  # nothing asked yet: the page says what to do
    at.text_input(key="search_query").set_value("stage").run()
    assert not at.exception, at.exception
    cards = [m.value for m in at.markdown if MARK.search(m.value)]
    hostile = next(card for card in cards if "script" in card)
    # Our marks are the only Markdown: every other markup character is escaped ...
    assert re.search(r"(?<!\\)[*\[\]()<>:]", MARK.sub("", hostile)) is None
    # ... so the passage reads exactly as said, markup and all.
    assert "<script>alert(1)</script>" in unescaped(hostile)
    assert "[de site](javascript:alert(1)) en :red[rood]" in unescaped(hostile)
    assert "Onze **stage** in Duitsland" in unescaped(hostile)
    assert MARK.findall(hostile) == ["stage", "stageplekken"]
    assert "\n".join(c.value for c in at.caption).count("treffer") == 2  # one line per interview
    captions = [c.value for c in at.caption]
    # Peelrand: "stage" | "stageplaatsen", "stage" (its questions are not searched) ...
    assert "3 treffers in 2 passages" in captions
    assert "2 treffers in 1 passage" in captions  # ... Amstelduin: "stage", "stageplekken"
    headers = [h.value.replace("\\", "") for h in at.subheader]
    assert headers == ["Peelrand College — gesprek_b.txt", "ROC Amstelduin — gesprek_a.txt"]


def test_open_in_transcript_goes_to_the_passage(hostile_project: Path) -> None:
    at = open_page("ui/search.py")
    at.text_input(key="search_query").set_value("stageplekken").run()
    [button] = [b for b in at.button if b.key.startswith("search_open_")]
    segment_id = int(button.key.removeprefix("search_open_"))
    button.click().run()
    assert not at.exception, at.exception
    assert at.session_state["reader_segment_id"] == segment_id
    assert at.title[0].value == "Transcript lezen"


def test_highlighted_escapes_every_piece() -> None:
    source = highlighted([("**x** ", False), ("stage", True), (" :red[y]", False)])
    assert source == r"\*\*x\*\* :orange-background[**stage**] \:red\[y\]"
