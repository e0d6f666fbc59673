"""How the draft presents its evidence: quotes lightly edited as publications quote (no
hesitations, no transcriber's marks, every other word as spoken; verbatim on request), and a
method chapter that says what was edited and how much of the automatic coding a person checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from analysis import Project
from analysis.report.editing import ELLIPSIS, edit_quote
from tests.report_checks import (
    all_paragraphs,
    docx_parts,
    ingest,
    quotes_in,
    segment_ids,
    suggested_quotes,
    write_interview,
)


@pytest.mark.parametrize(
    ("spoken", "printed"),
    [
        # a hesitation that is a sentence of its own goes, with its full stop
        ("Ehm. Daar zijn we mee bezig, eerlijk gezegd.", "Daar zijn we mee bezig, eerlijk gezegd."),
        ("Euhm... we doen het gewoon.", "We doen het gewoon."),
        ("Hmm, ehm, ik weet het niet. Eh, misschien.", "Ik weet het niet. Misschien."),
        # inside a sentence: the hesitation and the commas that set it off (one stays after an
        # interjection)
        ("Erasmus+ is, ehm, onmisbaar.", "Erasmus+ is onmisbaar."),
        ("Nou, eh, dat is lastig.", "Nou, dat is lastig."),
        ("Het is meer een soort eh, kenniscentrum.", "Het is meer een soort kenniscentrum."),
        # ... except before a restart
        ("Ik houd het eh, ik houd het bij elkaar.", "Ik houd het, ik houd het bij elkaar."),
        ("Iets wat, ehm, wat buiten hun comfortzone ligt.",
         "Iets wat, wat buiten hun comfortzone ligt."),
        ("Die heeft het uh over de hele opleiding gehad.",
         "Die heeft het over de hele opleiding gehad."),
        # a broken-off sentence keeps its full stop; an aside keeps its dashes
        ("Het is eh. Ik bedoel, lastig.", "Het is. Ik bedoel, lastig."),
        ("Het is eh - hoe zeg je dat - best lastig.", "Het is - hoe zeg je dat - best lastig."),
        # a full stop after an abbreviation ends no sentence: no capital after it
        ("Het kost ca. eh twintig euro.", "Het kost ca. twintig euro."),
        # the transcriber's marks
        ("Nou, dat is lastig [lacht].", "Nou, dat is lastig."),
        ("(zucht) Ja, dat klopt.", "Ja, dat klopt."),
        ("We gingen met [onverstaanbaar] naar Gent.", f"We gingen met {ELLIPSIS} naar Gent."),
    ],
)
def test_hesitations_and_marks_are_left_out(spoken: str, printed: str) -> None:
    assert edit_quote(spoken) == printed


@pytest.mark.parametrize(
    "spoken",
    [
        "Ik denk dat dat klopt.",  # a repeated word can be good Dutch
        "De coördinator (Fatima) regelt het, hè?",  # the speaker's own parenthesis; a tag word
        "Ik had hem gisteren nog gesproken, over de euh-vraag niet.",
        "Het kost ca. twintig euro per student.",  # no capital after an abbreviation
        "Hemelsbreed is Gent dichtbij.",
    ],
)
def test_every_other_word_stays_as_spoken(spoken: str) -> None:
    assert edit_quote(spoken) == spoken


def test_a_quote_that_is_only_a_hesitation_is_kept_rather_than_emptied() -> None:
    assert edit_quote("Ehm.") == "Ehm."


ANSWER = (
    "Ehm. Onze studenten gaan naar Spanje voor een stage van tien weken, en ze komen, eh, "
    "terug als ander mens [lacht]. Met veel meer zelfvertrouwen dan toen ze gingen, echt."
)


def test_the_draft_quotes_edited_by_default_and_verbatim_on_request(
    empty_project: Project, tmp_path: Path
) -> None:
    ingest(empty_project, write_interview(tmp_path, "stuk", "ROC Zuiderlicht", [ANSWER]))
    [segment_id] = segment_ids(empty_project, "ROC Zuiderlicht")
    empty_project.apply_code(segment_id, "impact.student", "Femke Vos")
    spoken = empty_project.segments().set_index("segment_id").loc[segment_id, "text"]

    edited = Document(str(empty_project.write_report(tmp_path / "concept.docx")))
    [(quote, _, _, _)] = quotes_in(edited)
    assert quote == (
        "Onze studenten gaan naar Spanje voor een stage van tien weken, en ze komen terug als "
        "ander mens. Met veel meer zelfvertrouwen dan toen ze gingen, echt."
    )
    method = " ".join(p.text for p in all_paragraphs(edited))
    assert "haperingen" in method  # the method chapter says how quotes were edited

    verbatim = Document(
        str(empty_project.write_report(tmp_path / "woordelijk.docx", verbatim=True))
    )
    [(quote, _, _, _)] = quotes_in(verbatim)
    assert quote == spoken
    assert "haperingen" not in " ".join(p.text for p in all_paragraphs(verbatim))


def test_the_method_says_how_much_of_the_suggestions_a_person_checked(
    empty_project: Project, tmp_path: Path
) -> None:
    answers = [
        "Voor studenten met weinig geld hebben we een fonds, zodat ook entreestudenten en "
        "studenten met een beperking op stage naar het buitenland kunnen.",
        "Onze docenten gaan op jobshadowing bij partnerscholen en nemen nieuwe lesmethoden "
        "mee terug naar hun team.",
    ]
    ingest(empty_project, write_interview(tmp_path, "fonds", "ROC Zuiderlicht", answers))
    empty_project.suggest()

    def suggestions_paragraph() -> str:
        [paragraph] = [p for p in empty_project.build_draft().method if "suggesties" in p]
        return paragraph

    before = suggestions_paragraph()
    assert "Geen daarvan is (nog) door een codeur beoordeeld." in before
    assert "voorlopig" in before  # the counts rest on unreviewed suggestions
    first = empty_project.suggestion_queue(limit=1).iloc[0]
    empty_project.accept(int(first["segment_id"]), str(first["code"]), "Femke Vos")
    assert "Daarvan is er 1 door een codeur beoordeeld" in suggestions_paragraph()


def test_a_quote_that_rests_only_on_a_suggestion_is_marked_in_the_draft(
    empty_project: Project, tmp_path: Path
) -> None:
    answers = [
        "Voor studenten met weinig geld hebben we een fonds, zodat ook entreestudenten en "
        "studenten met een beperking op stage naar het buitenland kunnen gaan.",
        "Onze docenten gaan op jobshadowing bij partnerscholen in Duitsland en nemen nieuwe "
        "lesmethoden mee terug naar hun eigen team op de opleiding.",
    ]
    ingest(empty_project, write_interview(tmp_path, "fonds", "ROC Zuiderlicht", answers))
    empty_project.suggest()

    def draft() -> tuple[list[str], list[str], str]:
        path = empty_project.write_report(tmp_path / "concept.docx", verbatim=True)
        document = Document(str(path))
        comments = docx_parts(path).get("word/comments.xml", "")
        return [q[0] for q in quotes_in(document)], suggested_quotes(document), comments

    quoted, marked, comments = draft()
    assert quoted and marked == quoted  # nobody decided anything: every quote is a "voorstel"
    assert comments.count("Voorstel, niet beoordeeld: alleen een suggestie") == len(quoted)
    assert set(quoted) == set(answers)
    ids = empty_project.segments().set_index("text")
    fund, staff = (ids.loc[answer] for answer in answers)
    for key in fund["suggested_codes"].split(";"):
        empty_project.accept(int(fund["segment_id"]), key, "Femke Vos")
    quoted, marked, _ = draft()
    assert set(quoted) == set(answers) and marked == [answers[1]]  # a person accepted its codes
    empty_project.select_quote(int(staff["segment_id"]), "impact")  # the evaluator's choice
    quoted, marked, comments = draft()
    assert set(quoted) == set(answers) and marked == []
    assert "Voorstel, niet beoordeeld" not in comments
