"""Speaker turns in plain text: label forms, time stamps, multi-line turns, false positives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from ingest_checks import check_turns

from analysis.ingest import read_transcript
from analysis.ingest.speakers import UNKNOWN_SPEAKER, match_label, parse_timestamp, parse_turns


def read_txt(tmp_path: Path, text: str, name: str = "gesprek.txt", **kwargs):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_transcript(path, folder_metadata=kwargs.pop("folder_metadata", {}), **kwargs)


@pytest.mark.parametrize(
    ("line", "label", "seconds", "speech"),
    [
        ("Interviewer: Hoe begon het?", "Interviewer", None, "Hoe begon het?"),
        ("Interviewster: Hoe begon het?", "Interviewster", None, "Hoe begon het?"),
        ("I: Hoe begon het?", "I", None, "Hoe begon het?"),
        ("R: Met één docent.", "R", None, "Met één docent."),
        ("R1: Met één docent.", "R1", None, "Met één docent."),
        ("Respondent 2: Met één docent.", "Respondent 2", None, "Met één docent."),
        ("INTERVIEWER: Hoe begon het?", "INTERVIEWER", None, "Hoe begon het?"),
        ("Marieke Jansen: Met één docent.", "Marieke Jansen", None, "Met één docent."),
        ("Fatima El Amrani: Dat klopt.", "Fatima El Amrani", None, "Dat klopt."),
        ("Henk van Rooij: Dat klopt.", "Henk van Rooij", None, "Dat klopt."),
        ("Jan-Willem ter Horst: Dat klopt.", "Jan-Willem ter Horst", None, "Dat klopt."),
        ("Dhr. Van der Meer: Dat klopt.", "Dhr. Van der Meer", None, "Dat klopt."),
        ("Marieke Jansen (voorzitter CvB): Ja.", "Marieke Jansen", None, "Ja."),
        ("[00:12:41] Interviewer: Hoe begon het?", "Interviewer", 761.0, "Hoe begon het?"),
        ("(00:12:41) Interviewer: Hoe begon het?", "Interviewer", 761.0, "Hoe begon het?"),
        ("00:12:41 Interviewer: Hoe begon het?", "Interviewer", 761.0, "Hoe begon het?"),
        ("1:02:03 R: Ja.", "R", 3723.0, "Ja."),
        ("Interviewer [00:12:41]: Hoe begon het?", "Interviewer", 761.0, "Hoe begon het?"),
        ("Interviewer (00:12:41): Hoe begon het?", "Interviewer", 761.0, "Hoe begon het?"),
        ("Interviewer 00:12:41: Hoe begon het?", "Interviewer", 761.0, "Hoe begon het?"),
        ("Interviewer: [00:12:41] Hoe begon het?", "Interviewer", 761.0, "Hoe begon het?"),
        ("Interviewer: 00:12:41 Hoe begon het?", "Interviewer", 761.0, "Hoe begon het?"),
        ("Interviewer: (1:02:03) Hoe begon het?", "Interviewer", 3723.0, "Hoe begon het?"),
        ("Marieke Jansen (voorzitter CvB) [00:01:02]: Ja.", "Marieke Jansen", 62.0, "Ja."),
        ("**Interviewer:** Hoe begon het?", "Interviewer", None, "Hoe begon het?"),
        ("**Sanne de Wit**: Hoe begon het?", "Sanne de Wit", None, "Hoe begon het?"),
    ],
)
def test_label_forms(line: str, label: str, seconds: float | None, speech: str) -> None:
    match = match_label(line)
    assert match is not None
    assert match.label == label
    assert match.media_start == seconds
    assert line[match.speech_offset :] == speech


@pytest.mark.parametrize(
    "line",
    [
        "Nou: dat vond ik lastig.",
        "Wat ik bedoel is dit: de docenten moeten mee.",
        "Dus: we gingen door.",
        "Kijk: zo werkt dat.",
        "Datum: 15 september 2026",
        "Instelling: ROC Amstelduin",
        "De vraag is: wie betaalt dat?",
        "Om 10:30 begonnen we met de rondleiding.",
        "https://www.erasmusplus.nl: daar staat het.",
        "Voor de studenten in de zorg: dat is het belangrijkste.",
    ],
)
def test_sentences_with_a_colon_are_not_labels(line: str) -> None:
    assert match_label(line) is None


def test_parse_timestamp_forms() -> None:
    assert parse_timestamp("[00:12:41]") == 761.0
    assert parse_timestamp("(1:02:03)") == 3723.0
    assert parse_timestamp("12:41") == 761.0
    assert parse_timestamp("00:00:05,500") == 5.5


def test_turns_run_over_lines_and_paragraphs_and_ignore_mid_speech_colons(tmp_path: Path) -> None:
    text = (
        "Interviewer: Hoe kijkt u terug op de eerste jaren met het charter?\n"
        "\n"
        "Marieke Jansen: Wisselend. Ik zal eerlijk zijn.\n"
        "Nou: dat vond ik lastig, want de teams wilden wel, maar de roosters niet.\n"
        "Wat ik bedoel is dit: je moet het organiseren.\n"
        "\n"
        "Erasmus: dat was toen voor veel collega's nog een ver-van-mijn-bed-show.\n"
        "\n"
        "Interviewer: En nu?\n"
        "Marieke Jansen: Nu is het gewoon onderdeel van het onderwijs.\n"
    )
    parsed = read_txt(tmp_path, text)
    speeches = check_turns(parsed)
    assert [t.speaker for t in parsed.turns] == [
        "Interviewer",
        "Marieke Jansen",
        "Interviewer",
        "Marieke Jansen",
    ]
    assert speeches[1] == (
        "Wisselend. Ik zal eerlijk zijn.\n"
        "Nou: dat vond ik lastig, want de teams wilden wel, maar de roosters niet.\n"
        "Wat ik bedoel is dit: je moet het organiseren.\n\n"
        "Erasmus: dat was toen voor veel collega's nog een ver-van-mijn-bed-show."
    )
    assert speeches[3] == "Nu is het gewoon onderdeel van het onderwijs."


def test_a_name_seen_twice_is_trusted_and_a_name_seen_once_is_not(tmp_path: Path) -> None:
    text = (
        "Sanne: Wat was de aanleiding?\n"
        "Erik: De vraag van het bedrijfsleven.\n"
        "Regio: daar zit het hem in, zei een collega.\n"
        "Sanne: En de studenten?\n"
        "Erik: Die wilden al lang.\n"
    )
    parsed = read_txt(tmp_path, text)
    check_turns(parsed)
    assert [t.speaker for t in parsed.turns] == ["Sanne", "Erik", "Sanne", "Erik"]
    assert "Regio: daar zit het hem in" in parsed.text[parsed.turns[1].start : parsed.turns[1].end]


def test_case_variants_of_a_label_are_one_speaker(tmp_path: Path) -> None:
    text = (
        "Marieke Jansen: Wij zijn trots op de zorgopleidingen.\n"
        "Respondent B: En de techniek haalt in.\n"
        "MARIEKE JANSEN: Dat klopt.\n"
        "marieke jansen: Zeker.\n"
    )
    parsed = read_txt(tmp_path, text)
    check_turns(parsed)
    assert [t.speaker for t in parsed.turns] == ["Marieke Jansen", "Respondent B", "Marieke Jansen"]
    assert parsed.text[parsed.turns[2].start : parsed.turns[2].end] == (
        "Dat klopt.\nmarieke jansen: Zeker."
    )
    assert parsed.turns[1].role == "respondent"


def test_a_name_known_from_metadata_is_trusted_when_seen_once(tmp_path: Path) -> None:
    text = (
        "Interviewer: Wie wil beginnen?\n"
        "Pieter: Ik begin wel. Wij hebben drie projecten.\n"
        "Interviewer: Dank u.\n"
    )
    without = read_txt(tmp_path, text)
    assert [t.speaker for t in without.turns] == ["Interviewer", "Interviewer"]
    known = {"gesprek.txt": {"respondents": ["Pieter Bos"]}}
    parsed = read_txt(tmp_path, text, folder_metadata=known)
    check_turns(parsed)
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Pieter", "Interviewer"]


def test_time_stamps_become_media_start(tmp_path: Path) -> None:
    text = (
        "[00:00:04] Interviewer: Goedemorgen, fijn dat u tijd heeft.\n"
        "[00:00:09] Henk van Rooij: Graag.\n"
        "Henk van Rooij (00:00:15): Nog een aanvulling.\n"
        "Interviewer: 0:00:21 Dank u.\n"
    )
    parsed = read_txt(tmp_path, text)
    assert check_turns(parsed) == [
        "Goedemorgen, fijn dat u tijd heeft.",
        "Graag.",
        "Nog een aanvulling.",
        "Dank u.",
    ]
    assert [t.media_start for t in parsed.turns] == [4.0, 9.0, 15.0, 21.0]


def test_label_and_time_stamp_alone_on_a_line_with_speech_below(tmp_path: Path) -> None:
    text = (
        "Sanne de Wit  00:00:03\n"
        "Goedemorgen. Zullen we beginnen?\n"
        "\n"
        "Annelies Verschuren  00:00:07\n"
        "Ja, graag.\n"
        "Ik heb tot elf uur.\n"
        "\n"
        "Sanne de Wit  00:00:15\n"
        "Prima.\n"
        "\n"
        "Annelies Verschuren  00:00:18\n"
        "Dan vertel ik eerst over onze maritieme opleidingen.\n"
    )
    parsed = read_txt(tmp_path, text)
    speeches = check_turns(parsed)
    assert [t.speaker for t in parsed.turns] == ["Sanne de Wit", "Annelies Verschuren"] * 2
    assert speeches[1] == "Ja, graag.\nIk heb tot elf uur."
    assert [t.media_start for t in parsed.turns] == [3.0, 7.0, 15.0, 18.0]


def test_function_after_the_name_goes_to_metadata(tmp_path: Path) -> None:
    text = (
        "Interviewer: Kunt u zich voorstellen?\n"
        "Wim Verhoeven (bestuurder): Ik ben sinds 2019 bestuurder.\n"
        "Ingrid Smit (teamleider internationalisering): En ik coördineer de uitwisselingen.\n"
    )
    parsed = read_txt(tmp_path, text)
    check_turns(parsed)
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Wim Verhoeven", "Ingrid Smit"]
    assert parsed.metadata["speaker_functions"] == {
        "Wim Verhoeven": "bestuurder",
        "Ingrid Smit": "teamleider internationalisering",
    }


def test_markdown_headings_end_a_turn_and_are_not_speech(tmp_path: Path) -> None:
    text = (
        "# Interview ROC Heuvelland Zuid\n"
        "\n"
        "**Interviewer:** Wat zijn de doelen?\n"
        "\n"
        "**Claudia Hermans:** Meer studenten naar het buitenland.\n"
        "\n"
        "## Deel 2: inclusie\n"
        "\n"
        "**Interviewer:** En studenten met een beperking?\n"
        "\n"
        "**Claudia Hermans:** Daar zijn we trots op.\n"
    )
    parsed = read_txt(tmp_path, text, name="heuvelland.md")
    speeches = check_turns(parsed)
    assert parsed.format == "md"
    assert speeches == [
        "Wat zijn de doelen?",
        "Meer studenten naar het buitenland.",
        "En studenten met een beperking?",
        "Daar zijn we trots op.",
    ]
    assert all("#" not in s for s in speeches)


def test_header_block_is_metadata_not_a_turn(tmp_path: Path) -> None:
    text = (
        "Transcript interview Maasdelta Vakopleidingen\n"
        "Datum: 10 november 2026\n"
        "Interviewer: Lotte Brouwer\n"
        "Geïnterviewde: Rachid Bouzid (voorzitter college van bestuur)\n"
        "Sector: horeca, toerisme en handel\n"
        "\n"
        "Lotte Brouwer: Welkom. Wat is uw rol bij internationalisering?\n"
        "Rachid Bouzid: Ik ben eindverantwoordelijk.\n"
        "Lotte Brouwer: En in de praktijk?\n"
        "Rachid Bouzid: In de praktijk ligt het bij de teams.\n"
    )
    parsed = read_txt(tmp_path, text)
    check_turns(parsed)
    assert [t.speaker for t in parsed.turns] == ["Lotte Brouwer", "Rachid Bouzid"] * 2
    assert [t.role for t in parsed.turns] == ["interviewer", "respondent"] * 2
    assert parsed.metadata["date"] == "2026-11-10"
    assert parsed.metadata["interviewer"] == "Lotte Brouwer"
    assert parsed.metadata["respondents"] == ["Rachid Bouzid"]
    assert parsed.metadata["roles"] == ["voorzitter college van bestuur"]
    assert parsed.metadata["sector"] == "horeca, toerisme en handel"


def test_dialogue_opening_with_interviewer_and_respondent_is_not_a_header(tmp_path: Path) -> None:
    text = "Interviewer: Sanne de Wit\nRespondent: Ja, dat ben ik niet.\n"
    parsed = read_txt(tmp_path, text)
    assert check_turns(parsed) == ["Sanne de Wit", "Ja, dat ben ik niet."]
    greeting = "Interviewer: Goedemorgen\nRespondent: Goedemorgen\n\nInterviewer: Zullen we?\n"
    parsed = read_txt(tmp_path, greeting)
    assert check_turns(parsed) == ["Goedemorgen", "Goedemorgen", "Zullen we?"]
    assert "interviewer" not in parsed.metadata


def test_header_of_names_only_is_metadata(tmp_path: Path) -> None:
    text = (
        "Interviewer: Sanne de Wit\n"
        "Respondenten: Marieke Jansen (voorzitter CvB); Pieter Bos\n"
        "\n"
        "Interviewer: Goedemorgen, zullen we beginnen?\n"
        "Marieke Jansen: Graag.\n"
    )
    parsed = read_txt(tmp_path, text)
    assert check_turns(parsed) == ["Goedemorgen, zullen we beginnen?", "Graag."]
    assert parsed.metadata["interviewer"] == "Sanne de Wit"
    assert parsed.metadata["respondents"] == ["Marieke Jansen", "Pieter Bos"]
    assert parsed.metadata["roles"] == ["voorzitter CvB", ""]


def test_text_without_labels_is_one_respondent_turn_with_a_warning(tmp_path: Path) -> None:
    text = (
        "\nWe zijn in 2017 begonnen met uitwisselingen naar Duitsland. Nou: dat was wennen.\n"
        "Inmiddels gaan er elk jaar tachtig studenten.\n\n"
    )
    parsed = read_txt(tmp_path, text)
    speeches = check_turns(parsed)
    assert speeches == [text.strip()]
    assert parsed.turns[0].speaker == UNKNOWN_SPEAKER
    assert parsed.turns[0].role == "respondent"
    assert any("no speaker labels" in w for w in parsed.warnings)


def test_parse_turns_skips_the_part_before_start_and_keeps_preamble_out_of_turns() -> None:
    text = "Titelregel\nNog een regel\nInterviewer: Vraag?\nR: Antwoord.\n"
    parse = parse_turns(text)
    assert [text[s:e] for s, e in parse.others] == ["Titelregel", "Nog een regel"]
    assert [text[t.start : t.end] for t in parse.turns] == ["Vraag?", "Antwoord."]
    later = parse_turns(text, start=text.index("R:"))
    assert [text[t.start : t.end] for t in later.turns] == ["Antwoord."]


def test_empty_label_turn_is_dropped() -> None:
    text = "Interviewer:\nRespondent: Ja.\n"
    parse = parse_turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in parse.turns] == [("Respondent", "Ja.")]


TRUSTED_LABELS = [
    "Interviewer:",
    "I:",
    "R1:",
    "Respondent 2:",
    "INTERVIEWER:",
    "Henk van Rooij (bestuurder):",
    "[00:01:02] Sanne de Wit:",
    "Sanne de Wit [00:01:02]:",
    "**Interviewer:**",
    "R: (00:03:04)",
]
SENTENCES = [
    "Dat is bij ons echt gegroeid vanuit de teams.",
    "Hoe kijkt u daar nu op terug?",
    "Eén ding weet ik zeker: het werkt.",
    "We hebben 40 studenten naar Finland gestuurd, 12 naar Spanje.",
    "Ja.",
    "De coördinator – zij heet Ingrid – regelt dat.",
]
NOISE = [
    "Nou: dat vond ik lastig.",
    "Wat ik bedoel is dit: zo gaat het.",
    "## Deel 2: inclusie",
    "",
    "   ",
    "Dus: ja.",
    "Om 10:30 begonnen we.",
    "\x0c",
    "Marieke Jansen: eenmalig genoemd.",
]


def test_random_transcripts_keep_the_turn_invariants(tmp_path: Path) -> None:
    rng = random.Random(20261115)
    for number in range(120):
        lines = []
        for _ in range(rng.randint(1, 25)):
            draw = rng.random()
            if draw < 0.4:
                lines.append(f"{rng.choice(TRUSTED_LABELS)} {rng.choice(SENTENCES)}")
            elif draw < 0.75:
                lines.append(rng.choice(SENTENCES))
            else:
                lines.append(rng.choice(NOISE))
        text = rng.choice(["\n", "\r\n"]).join(lines)
        if not text.strip():
            continue
        path = tmp_path / f"fuzz_{number}.txt"
        path.write_bytes(text.encode(rng.choice(["utf-8", "cp1252", "utf-8-sig"])))
        parsed = read_transcript(path, folder_metadata={})
        for speech in check_turns(parsed):
            for line in speech.split("\n"):
                assert not line.startswith(tuple(TRUSTED_LABELS)), (text, line)
        if any(line.startswith(tuple(TRUSTED_LABELS)) for line in lines):
            assert not any("no speaker labels" in warning for warning in parsed.warnings)
            assert parsed.turns[0].speaker != UNKNOWN_SPEAKER
