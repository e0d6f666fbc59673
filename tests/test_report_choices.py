"""The draft's content before Word: the evaluator's choices, quote selection, attribution, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from analysis import Project
from analysis.cli import main
from analysis.report import ReportError, xml_safe
from analysis.report.attribution import BOARD, attribution, function_word
from analysis.report.build import dutch_list, period_text
from analysis.report.model import Draft, ThemeChapter
from analysis.report.quotes import MAX_PER_COLLEGE, Candidate, pick
from analysis.store import Segment, Turn
from tests.report_checks import ingest, quotes_in, segment_ids, write_interview

INCLUSION = [
    "Voor studenten op niveau 2 is de drempel hoog. Ze hebben vaak een bijbaan, weinig geld en "
    "ouders die het spannend vinden dat hun kind zo ver weg gaat, dus dat moet je serieus nemen.",
    "Daarom doen we nu kortere stages, twee weken in plaats van drie maanden, altijd met een "
    "buddy erbij, en met een extra budget voor studenten die het zelf niet kunnen betalen.",
    "In de zorg en de techniek blijft het lastiger, omdat de leerbedrijven hier hun stagiairs "
    "nodig hebben en de beroepsregels in het buitenland anders zijn dan bij ons.",
]


@pytest.fixture
def small(empty_project: Project, tmp_path: Path) -> Project:
    """Two colleges talking about inclusion; every segment coded by a person."""
    ingest(
        empty_project,
        write_interview(tmp_path, "a", "ROC Oeverland", INCLUSION),
        write_interview(tmp_path, "b", "Vakschool Heidezand", INCLUSION[::-1],
                        respondent="Sander Bakker", role="beleidsadviseur internationalisering"),
    )
    codes = ["inclusion.barriers", "inclusion.measures", "inclusion.sectors"]
    for college in ("ROC Oeverland", "Vakschool Heidezand"):
        ids = segment_ids(empty_project, college)
        for segment_id, code in zip(ids, codes if college == "ROC Oeverland" else codes[::-1],
                                    strict=True):
            empty_project.apply_code(segment_id, code, "Femke Vos")
    return empty_project


def _chapter(draft: Draft, key: str) -> ThemeChapter:
    return next(chapter for chapter in draft.themes if chapter.key == key)


def test_without_choices_the_best_supported_quotes_are_picked(small: Project) -> None:
    draft = small.build_draft()
    inclusion = _chapter(draft, "inclusion")
    assert (inclusion.colleges, inclusion.segments, inclusion.total_colleges) == (2, 6, 2)
    assert [sub.key for sub in inclusion.subthemes] == [
        "inclusion.barriers", "inclusion.measures", "inclusion.sectors"]
    assert all(sub.segments == 2 and sub.colleges == 2 for sub in inclusion.subthemes)
    quoted = [q for sub in inclusion.subthemes for q in sub.quotes]
    assert len(quoted) == 2 * MAX_PER_COLLEGE  # two colleges, at most twice each
    assert {q.institution for q in quoted} == {"ROC Oeverland", "Vakschool Heidezand"}
    assert not any(q.selected for q in quoted)
    assert all(sub.quotes for sub in inclusion.subthemes[:2])  # spread over the sub-themes
    # Attribution from the metadata: the board member and the adviser.
    assert {q.attribution for q in quoted} == {
        "bestuurder, ROC Oeverland", "beleidsadviseur internationalisering, Vakschool Heidezand"}
    # Chapters nobody coded say so instead of inventing quotes.
    impact = _chapter(draft, "impact")
    assert impact.segments == 0 and not any(sub.quotes for sub in impact.subthemes)
    assert draft.quotes() == quoted  # nothing else is quoted: no phase codings, no boxes


def test_the_evaluators_choices_win(small: Project) -> None:
    chosen = segment_ids(small, "ROC Oeverland")[1]
    assert "kortere stages" in small.segments().set_index("segment_id").loc[chosen, "text"]
    first = segment_ids(small, "Vakschool Heidezand")[0]
    item = small.select_quote(chosen, "inclusion.measures")
    assert small.select_quote(chosen, "inclusion.measures") == item  # chosen once
    small.select_quote(first)  # its one theme is inclusion: the chapter follows from the codes
    small.set_chapter_intro("inclusion", "Eigen opening over wie er wel en niet meegaat.")
    small.add_box("inclusion", "ROC Oeverland", "Met een buddy naar Valencia",
                  "Een verhaal over twee studenten van niveau 2.", chosen)

    items = small.report_items()
    assert sorted(zip(items["chapter"], items["kind"], strict=True)) == [
        ("inclusion", "box"), ("inclusion", "intro"), ("inclusion", "quote"),
        ("inclusion.measures", "quote")]
    chapter = _chapter(small.build_draft(), "inclusion")
    assert chapter.intro == "Eigen opening over wie er wel en niet meegaat."
    assert [q.segment_id for q in chapter.quotes] == [first]  # theme-level choice
    by_sub = {sub.key: [q.segment_id for q in sub.quotes] for sub in chapter.subthemes}
    assert by_sub == {"inclusion.barriers": [], "inclusion.measures": [chosen],
                      "inclusion.sectors": []}
    assert all(q.selected for q in chapter.quotes)
    [box] = chapter.boxes
    assert (box.title, box.institution, box.quote.segment_id) == (
        "Met een buddy naar Valencia", "ROC Oeverland", chosen)

    # Removing the choices brings the automatic selection back; an empty intro the default.
    for item_id in small.report_items().query("kind == 'quote'")["id"]:
        small.remove_item(int(item_id))
    small.set_chapter_intro("inclusion", "")
    chapter = _chapter(small.build_draft(), "inclusion")
    assert chapter.intro == ""  # the codebook's text is only the (labelled) definition
    assert chapter.definition == small.codebook().get("inclusion").description
    assert not chapter.quotes and sum(len(sub.quotes) for sub in chapter.subthemes) == 4
    quoted = [q.segment_id for q in small.build_draft().quotes()]
    assert chosen in quoted and len(quoted) == len(set(quoted))  # the box's quote only once


def test_report_choices_refuse_mistakes(small: Project) -> None:
    segment_id = segment_ids(small, "ROC Oeverland")[0]
    with pytest.raises(ReportError, match="unknown chapter 'conclusies'"):
        small.select_quote(segment_id, "conclusies")
    with pytest.raises(ReportError, match="no segment with id 999999"):
        small.select_quote(999999, "inclusion")
    small.apply_code(segment_id, "impact.student", "Femke Vos")
    with pytest.raises(ReportError, match="carries impact, inclusion; name the chapter"):
        small.select_quote(segment_id)
    with pytest.raises(ReportError, match="no transcripts of a college named 'ROC Elders'"):
        small.add_box("inclusion", "ROC Elders", "Titel", "Tekst")
    other = segment_ids(small, "Vakschool Heidezand")[0]
    with pytest.raises(ReportError, match=f"segment {other} is not from ROC Oeverland"):
        small.add_box("inclusion", "ROC Oeverland", "Titel", "Tekst", other)
    with pytest.raises(ReportError, match="needs a title"):
        small.add_box("inclusion", "ROC Oeverland", " ", "Tekst")


def test_interviewer_speech_is_never_quoted(small: Project) -> None:
    segment_id = segment_ids(small, "ROC Oeverland")[0]
    small.select_quote(segment_id, "inclusion")
    # Suppose the speaker turns out to be the interviewer (a stale segment of a corrected role).
    with small.store.session() as session:
        turn = session.get(Turn, session.get(Segment, segment_id).turn_id)
        turn.role = "interviewer"
    with pytest.raises(ReportError, match=f"segment {segment_id} is not respondent speech"):
        small.select_quote(segment_id, "inclusion.barriers")
    draft = small.build_draft()
    assert segment_id not in {q.segment_id for q in draft.quotes()}


def test_quote_selection_rules() -> None:
    def candidate(number: int, college: str, words: int, *, accepted: bool = True,
                  confidence: float = 0.9) -> Candidate:
        return Candidate(
            segment_id=number, transcript_id=1, institution=college, speaker="R",
            text=" ".join(["woord"] * words), applied=frozenset({"x"}),
            accepted=frozenset({"x"}) if accepted else frozenset(),
            confidence={} if accepted else {"x": confidence},
        )

    pool = [
        candidate(1, "A", 45), candidate(2, "A", 40), candidate(3, "A", 50),
        candidate(4, "B", 12),  # accepted, but too short to stand on its own
        candidate(5, "C", 45, accepted=False, confidence=0.95),
        candidate(6, "B", 44, accepted=False, confidence=0.6),
    ]
    used = {2}
    chosen = pick([("x", ["x"])], pool, per_group=5, used=used)["x"]
    numbers = [c.segment_id for c in chosen]
    # Accepted and of quotable length first, a new college before a second quote of one,
    # never more than two per college, never a segment quoted elsewhere.
    assert numbers == [1, 3, 4, 5, 6]
    assert used == {1, 2, 3, 4, 5, 6}
    assert pick([("x", ["x"])], pool, per_group=3, used={1, 2, 3, 4, 5, 6})["x"] == []


def test_a_quote_that_points_back_gives_way_to_one_that_reads_on_its_own() -> None:
    def candidate(number: int, text: str) -> Candidate:
        return Candidate(
            segment_id=number, transcript_id=1, institution=f"ROC {number}", speaker="R",
            text=text, applied=frozenset({"x"}), accepted=frozenset({"x"}), confidence={},
        )

    tail = (" internationalisering in de teams, want anders blijft het iets van een paar "
            "enthousiaste docenten die elk jaar met dezelfde groep naar dezelfde school gaan.")
    pool = [
        candidate(1, "Dat was eerlijk gezegd een bewuste keuze voor" + tail),
        candidate(2, "En daar hebben we toen een potje voor gemaakt, voor" + tail),
        candidate(3, "Wij hebben twee jaar geleden gekozen voor" + tail),
    ]
    chosen = pick([("x", ["x"])], pool, per_group=3, used=set())["x"]
    assert chosen[0].segment_id == 3 and len(chosen) == 3  # the two that point back after it


def test_attribution_follows_the_metadata() -> None:
    people = ["Fatima El Amrani", "Bart Kuipers"]
    roles = ["lid college van bestuur", "coördinator internationalisering"]
    assert function_word("R2", people, roles) == "coördinator internationalisering"
    assert function_word("R1", people, roles) == "bestuurder"
    assert function_word("Bart", people, roles) == "coördinator internationalisering"
    assert function_word("INTERVIEWER 3", people, roles) == "geïnterviewde"
    assert function_word("HENK VAN ROOIJ", ["Henk van Rooij"], ["bestuursvoorzitter"]) == BOARD
    assert function_word("RESPONDENT", ["Claudia Hermans"], ["voorzitter CvB"]) == "bestuurder"
    assert function_word("Onbekend", [], []) == "geïnterviewde"
    assert attribution("bestuurder", "ROC Oeverland") == "bestuurder, ROC Oeverland"
    assert attribution("bestuurder", "ROC Oeverland", "role") == "een bestuurder"


def test_dutch_formatting_and_xml_safety() -> None:
    assert period_text(["2026-11-10", "2026-09-15", None, "onbekend"]) == (
        "tussen 15 september en 10 november 2026")
    assert period_text(["2025-12-01", "2026-01-20"]) == "tussen 1 december 2025 en 20 januari 2026"
    assert period_text(["2026-03-03", "2026-03-03"]) == "op 3 maart 2026"
    assert period_text([None, ""]) == ""
    assert dutch_list(["A", "B", "C"]) == "A, B en C"
    assert xml_safe("a\x00b\x0bc\x0cd\x1fe\ufffef\ud800g\th\ni") == "ab c def\ufffdg\th\ni"
    assert xml_safe(None) == ""


def test_same_project_same_draft(small: Project) -> None:
    assert small.build_draft() == small.build_draft()
    assert small.build_draft(anonymise=True) == small.build_draft(anonymise=True)


def test_cli_writes_the_draft(
    small: Project, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    location = small.url.removeprefix("sqlite:///")
    small.close()
    output = tmp_path / "uit" / "concept.docx"
    assert main(["report", "-o", str(output), "--anonymise", "--attribution", "role",
                 "--project", location]) == 0
    assert capsys.readouterr().out.strip() == (
        f"wrote the draft to {output} (names pseudonymised)")
    quotes = quotes_in(Document(str(output)))
    assert quotes and {attribution for _, attribution, _, _ in quotes} <= {
        "een bestuurder", "beleidsadviseur internationalisering"}

    assert main(["report", "-o", str(tmp_path / "x.docx"), "--template",
                 str(tmp_path / "geen.docx"), "--project", location]) == 2
    error = capsys.readouterr().err
    assert error == f"interviews: template {tmp_path / 'geen.docx'} does not exist\n"
    assert not (tmp_path / "x.docx").exists()
