"""Role assignment: label vocabulary, then metadata names, then the question heuristic."""

from __future__ import annotations

from analysis.ingest import ParsedTranscript, assign_roles
from analysis.ingest.speakers import parse_turns


def transcript(text: str, **metadata: object) -> ParsedTranscript:
    parse = parse_turns(text)
    return ParsedTranscript(text, parse.turns, "txt", metadata=dict(metadata))


def roles(parsed: ParsedTranscript) -> dict[str, str]:
    return {turn.speaker: turn.role for turn in parsed.turns}


def test_role_words_decide() -> None:
    parsed = transcript(
        "I: Hoe ging het?\nR1: Goed.\nR2: Wisselend.\nNotulist: Ik noteer dat.\n"
        "Vraag: En verder?\nBestuurder: Verder niets.\nGeïnterviewde: Nee.\n"
    )
    assign_roles(parsed)
    assert roles(parsed) == {
        "I": "interviewer",
        "R1": "respondent",
        "R2": "respondent",
        "Notulist": "other",
        "Vraag": "interviewer",
        "Bestuurder": "respondent",
        "Geïnterviewde": "respondent",
    }


def test_metadata_names_match_full_first_and_capitalised_names() -> None:
    text = (
        "HENK VAN ROOIJ: Wij werken met zorginstellingen in Vlaanderen.\n"
        "Thomas: Hoe is dat ontstaan.\n"
        "HENK VAN ROOIJ: Via een oud-collega.\n"
        "Thomas: Interessant.\n"
    )
    parsed = transcript(text, interviewer="Thomas Verbeek", respondents=["Henk van Rooij"])
    assign_roles(parsed)
    assert roles(parsed) == {"HENK VAN ROOIJ": "respondent", "Thomas": "interviewer"}


def test_surname_and_title_match_the_metadata() -> None:
    text = "Mevr. De Wit: Welkom.\nDhr. Bos: Dank u.\nMevr. De Wit: Zullen we?\nDhr. Bos: Ja.\n"
    parsed = transcript(
        text, interviewer="Sanne de Wit", respondents=["Marieke Jansen", "Pieter Bos"]
    )
    assign_roles(parsed)
    assert roles(parsed) == {"Mevr. De Wit": "interviewer", "Dhr. Bos": "respondent"}


def test_explicit_interviewer_overrides_metadata() -> None:
    text = "Lotte: Welkom.\nRachid: Dank u.\nLotte: Zullen we?\nRachid: Ja.\n"
    parsed = transcript(text, interviewer="Rachid Bouzid")
    assign_roles(parsed, interviewer="Lotte Brouwer")
    assert roles(parsed) == {"Lotte": "interviewer", "Rachid": "respondent"}


def test_shared_first_name_decides_nothing() -> None:
    text = "Sanne: Wat vindt u?\nSanne: Ik vind het goed.\n"
    parsed = transcript(text, interviewer="Sanne de Wit", respondents=["Sanne Mulder"])
    assign_roles(parsed)
    assert roles(parsed) == {"Sanne": "respondent"}


def test_question_heuristic_finds_the_interviewer_when_nothing_else_does() -> None:
    text = (
        "Jelle: Ik ben Jelle, directeur-bestuurder.\n"
        "Femke: Wat is uw rol bij de uitwisselingen?\n"
        "Jelle: Ik stel de kaders vast.\n"
        "Femke: En hoe gaat dat in de praktijk?\n"
        "Jelle: De teams doen het werk. Soms vraag ik: waarom niet vaker?\n"
        "Femke: Wat betekent dat voor de studenten?\n"
        "Jelle: Meer kansen.\n"
    )
    parsed = transcript(text)
    assign_roles(parsed)
    assert roles(parsed) == {"Jelle": "respondent", "Femke": "interviewer"}


def test_question_heuristic_stays_out_when_unclear() -> None:
    text = (
        "Anna: Zullen we beginnen?\nBram: Waarom niet?\nAnna: Wie begint?\nBram: Jij?\n"
        "Anna: Goed.\nBram: Prima.\n"
    )
    parsed = transcript(text)
    assign_roles(parsed)
    assert roles(parsed) == {"Anna": "respondent", "Bram": "respondent"}


def test_function_in_the_label_gives_the_role() -> None:
    text = (
        "Sanne (interviewer): Welkom.\nMarieke (bestuurder): Dank u.\n"
        "Sanne (interviewer): Zullen we?\nMarieke (bestuurder): Ja.\n"
    )
    parse = parse_turns(text)
    parsed = ParsedTranscript(text, parse.turns, "txt", {"speaker_functions": parse.functions})
    assign_roles(parsed)
    assert roles(parsed) == {"Sanne": "interviewer", "Marieke": "respondent"}
