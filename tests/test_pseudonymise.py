"""Pseudonymisation: a stable stored mapping, and names replaced in every spelling that occurs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from analysis.pseudonymise import (
    LETTER_SEED_KEY,
    PseudonymEntry,
    Pseudonymiser,
    _letters,
    letter_order,
)
from analysis.store import Meta, Pseudonym, Store, Transcript, Turn

SEED = 20261202  # the fixture's letter order, so that tests know which letter comes next
LETTERS = [f"Instelling {_letters(n)}" for n in letter_order(SEED)]


def _transcript(
    session, source: str, institution: str, respondents: list[str], interviewer: str,
    labels: list[tuple[str, str]] = (), date: str = "2026-10-01",
) -> Transcript:
    transcript = Transcript(
        name=Path(source).stem, source_name=source, sha256=source, format="txt", text="",
        institution=institution, date=date, interviewer=interviewer, respondents=respondents,
    )
    session.add(transcript)
    for index, (speaker, role) in enumerate(labels):
        transcript.turns.append(Turn(index=index, speaker=speaker, role=role, start=0, end=0))
    session.flush()
    return transcript


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "p.db")
    with store.session() as session:
        session.add(Meta(key=LETTER_SEED_KEY, value=SEED))
        _transcript(
            session, "peelrand_opname.srt", "Peelrand Opleidingen", ["Henk van Rooij"],
            "Thomas Verbeek", [("INTERVIEWER", "interviewer"), ("HENK VAN ROOIJ", "respondent")],
        )
        _transcript(
            session, "amstelduin_2026-09-15.txt", "ROC Amstelduin",
            ["Marieke Jansen", "Pieter Bos"], "Sanne de Wit",
            [("Sanne de Wit", "interviewer"), ("Marieke", "respondent"),
             ("Karin Vos", "respondent"), ("Spreker 2", "other"), ("R1", "respondent")],
        )
    yield store
    store.close()


def _mapping(store: Store) -> dict[str, str]:
    with store.session() as session:
        return {row.original: row.pseudonym for row in session.scalars(select(Pseudonym))}


def test_mapping_is_stored_ordered_and_only_extended(store: Store) -> None:
    with store.session() as session:
        Pseudonymiser.from_session(session)
    first = _mapping(store)
    # Colleges in the project's random letter order; people per transcript: interviewer,
    # respondents, speakers not in the metadata. Labels that are roles or numbers ("Spreker 2",
    # "R1") are no one.
    assert first == {
        "ROC Amstelduin": LETTERS[1],
        "Peelrand Opleidingen": LETTERS[0],
        "Thomas Verbeek": "Interviewer 1",
        "Henk van Rooij": "Respondent 1",
        "Sanne de Wit": "Interviewer 2",
        "Marieke Jansen": "Respondent 2",
        "Pieter Bos": "Respondent 3",
        "Karin Vos": "Respondent 4",
    }
    with store.session() as session:
        # A college that sorts first arrives later: it gets the next letter, nobody is renumbered.
        _transcript(
            session, "delta.docx", "Groene Delta Vakschool", ["Wim Verhoeven"], "Thomas Verbeek"
        )
    with store.session() as session:
        pseudonymiser = Pseudonymiser.from_session(session)
    second = _mapping(store)
    assert {k: second[k] for k in first} == first
    assert second["Groene Delta Vakschool"] == LETTERS[2]
    assert second["Wim Verhoeven"] == "Respondent 5"
    assert list(pseudonymiser.mapping_frame().columns) == ["kind", "original", "pseudonym"]
    assert pseudonymiser.mapping_frame()["pseudonym"].tolist()[:3] == sorted(LETTERS[:3])


def test_names_are_replaced_in_every_spelling(store: Store) -> None:
    with store.session() as session:
        p = Pseudonymiser.from_session(session)
    text = (
        "HENK VAN ROOIJ: Zeg maar Henk. Bij Peelrand Opleidingen, en later bij Peelrand, "
        "vond Van Rooij dat nodig.\n"
        "Sanne de Wit: Dus het idee van mevrouw Jansen? Marieke's plan, of Jansens plan?\n"
        "MARIEKE JANSEN: Ja. Pieter Bos en M. Jansen schreven het. Amstelduins aanpak."
    )
    peelrand, amstelduin = LETTERS[0], LETTERS[1]
    assert p.text(text) == (
        f"Respondent 1: Zeg maar Respondent 1. Bij {peelrand}, en later bij {peelrand}, "
        "vond Respondent 1 dat nodig.\n"
        "Interviewer 2: Dus het idee van mevrouw Respondent 2? Respondent 2's plan, of "
        "Respondent 2's plan?\n"
        f"Respondent 2: Ja. Respondent 3 en Respondent 2 schreven het. {amstelduin}'s aanpak."
    )
    assert p.institution("roc amstelduin") == amstelduin
    assert p.person("HENK VAN ROOIJ") == "Respondent 1"
    assert p.person("Sanne") == "Interviewer 2"  # a name outside the mapping goes through text()


def test_words_that_are_also_names_are_handled_as_documented() -> None:
    p = Pseudonymiser([
        PseudonymEntry("respondent", "Ben de Vries", "Respondent 1"),
        PseudonymEntry("respondent", "Roos Bos", "Respondent 2"),
        PseudonymEntry("respondent", "Joost Martens", "Respondent 3"),
    ])
    # A function word opening a sentence is the word; elsewhere capitalised it is the name.
    assert p.text("Ben je klaar? Ja, zegt Ben.") == "Ben je klaar? Ja, zegt Respondent 1."
    assert p.text("“Ben je er?” BEN: ja.") == "“Ben je er?” Respondent 1: ja."
    # Lower case is never a name; capitalised content words are replaced (leaks cost more).
    assert p.text("een tocht door het bos met Bos.") == "een tocht door het bos met Respondent 2."
    assert p.text("Roos vond de roos mooi.") == "Respondent 2 vond de roos mooi."
    # Martens' is a possessive; a quote after a name that does not end in s is a closing quote.
    assert p.text("Martens' idee") == "Respondent 3's idee"
    assert p.text("'Ben' heet hij") == "'Respondent 1' heet hij"
    # Parts of longer words are not names.
    assert p.text("Bosbouw en Benelux") == "Bosbouw en Benelux"


def test_a_shared_first_name_resolves_to_the_person_of_the_transcript(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.db")
    with store.session() as session:
        a = _transcript(session, "a.txt", "College A", ["Sanne Bakker"], "Eva Smit")
        b = _transcript(session, "b.txt", "College B", ["Sanne Visser"], "Eva Smit")
        a_id, b_id = a.id, b.id
    with store.session() as session:
        p = Pseudonymiser.from_session(session)
    store.close()
    assert p.text("Dank je, Sanne.", transcript_id=a_id) == "Dank je, Respondent 1."
    assert p.text("Dank je, Sanne.", transcript_id=b_id) == "Dank je, Respondent 2."


def test_file_names(store: Store) -> None:
    with store.session() as session:
        p = Pseudonymiser.from_session(session)
    amstelduin = LETTERS[1].replace(" ", "_")
    assert p.file_name("amstelduin_2026-09-15.txt") == f"{amstelduin}_2026-09-15.txt"
    assert p.file_name("Interview-HENK_van.rooij.srt") == "Interview-Respondent_1.srt"
    assert p.file_name("verslag marieke jansen.docx") == "verslag Respondent_2.docx"
    assert p.file_name("bosbouw.txt") == "bosbouw.txt"


def test_an_empty_project_has_an_empty_mapping(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.db")
    with store.session() as session:
        p = Pseudonymiser.from_session(session)
    store.close()
    assert p.text("Marieke zegt iets.") == "Marieke zegt iets."
    assert p.file_name("a.txt") == "a.txt"
    assert p.mapping_frame().empty


def test_offsets_follow_the_replacements() -> None:
    p = Pseudonymiser([PseudonymEntry("respondent", "Marieke Jansen", "Respondent 1")])
    value = "Ja, Marieke Jansen zei het al. Marieke's idee 🎉 werkte."
    new, offsets = p.text_with_offsets(value)
    assert new == "Ja, Respondent 1 zei het al. Respondent 1's idee 🎉 werkte."
    for passage in ("zei het al.", "idee 🎉 werkte.", "Ja, "):
        start = value.index(passage)
        assert new[offsets.start(start) : offsets.end(start + len(passage))] == passage
    # A passage that starts or ends inside a name takes the whole pseudonym.
    inside = value.index("Jansen zei")
    assert new[offsets.start(inside) : offsets.end(inside + len("Jansen zei"))] == (
        "Respondent 1 zei"
    )
    cut = value.index("Marieke's") + 3
    assert new[offsets.start(0) : offsets.end(cut)].endswith("Respondent 1's")
    assert offsets.end(len(value)) == len(new)


def test_college_letters_follow_no_alphabetical_or_import_order(tmp_path: Path) -> None:
    """Over a few projects with the same nine colleges, the letters are a different random
    order each time, neither alphabetical nor in import order, and stable once handed out."""
    colleges = [f"ROC {name}" for name in (
        "Amstelduin", "Groene Delta", "Heuvelland", "IJsselvallei", "Lindenhorst", "Maasdelta",
        "Peelrand", "Scheldewaard", "Wadden")]
    orders = []
    for seed in range(5):
        store = Store(tmp_path / f"p{seed}.db")
        with store.session() as session:
            session.add(Meta(key=LETTER_SEED_KEY, value=seed))
            for index, college in enumerate(reversed(colleges)):  # imported Z to A
                _transcript(session, f"{index}.txt", college, [], "")
        with store.session() as session:
            first = Pseudonymiser.from_session(session).mapping_frame()
        with store.session() as session:  # a second export: the same letters
            second = Pseudonymiser.from_session(session).mapping_frame()
        store.close()
        assert first.equals(second)
        letters = dict(zip(first["original"], first["pseudonym"], strict=True))
        order = [letters[c] for c in colleges]
        assert len(set(order)) == len(colleges)
        orders.append(order)
    assert all(order != sorted(order) for order in orders)  # never alphabetical
    assert all(order != sorted(order, reverse=True) for order in orders)  # nor import order
    assert len({tuple(order) for order in orders}) == len(orders)  # random per project


def test_a_new_project_draws_and_stores_its_own_seed(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.db")
    with store.session() as session:
        _transcript(session, "a.txt", "ROC Amstelduin", [], "")
        Pseudonymiser.from_session(session)
    with store.session() as session:
        seed = session.get(Meta, LETTER_SEED_KEY).value
        letter = Pseudonymiser.from_session(session).institution("ROC Amstelduin")
    store.close()
    assert letter == f"Instelling {_letters(letter_order(seed)[0])}"
