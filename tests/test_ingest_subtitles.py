"""Subtitle transcripts: Teams and Zoom WebVTT, SubRip with speaker carry-over."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_checks import check_turns, labelled_layout

from analysis.ingest import IngestError, read_transcript

TEAMS_VTT = """WEBVTT

3f1c2a9e-1b7d-4c51-9d0e-6a0b2f3c4d5e/12-0
00:00:01.200 --> 00:00:05.800
<v Sanne de Wit>Goedemiddag allebei, fijn dat jullie tijd maken.</v>

3f1c2a9e-1b7d-4c51-9d0e-6a0b2f3c4d5e/13-0
00:00:05.800 --> 00:00:09.100
<v Sanne de Wit>Wat betekent internationalisering voor Scheldewaard?</v>

3f1c2a9e-1b7d-4c51-9d0e-6a0b2f3c4d5e/14-0
00:00:09.500 --> 00:00:14.000
<v Annelies Verschuren>Voor ons is het haven &amp; logistiek: <i>daar</i> ligt de wereld
aan onze voeten.</v>

3f1c2a9e-1b7d-4c51-9d0e-6a0b2f3c4d5e/15-0
00:00:14.000 --> 00:00:17.250
<v Joost Martens>En in de procestechniek werken we met Antwerpen.</v>

NOTE dit commentaar hoort niet bij de tekst

00:00:17.250 --> 00:00:19.000
<v Sanne de Wit>Hoe ver gaat dat?</v>
<v Annelies Verschuren>Heel ver.</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:02.000 --> 00:00:06.000
Thomas Verbeek: Goedemorgen Jelle, zullen we beginnen?

2
00:00:06.500 --> 00:00:11.000
Jelle Dijkstra: Ja hoor. Wij leiden op voor de visserij en de zeevaart.

3
00:00:11.000 --> 00:00:15.000
Jelle Dijkstra: Nou: dat betekent dat studenten sowieso de wereld over gaan.

4
00:00:15.500 --> 00:00:18.000
Thomas Verbeek: Hoe organiseert u dat?
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
THOMAS VERBEEK: Meneer Van Rooij, hoe begon het
bij Peelrand?

2
00:00:04,500 --> 00:00:08,000
HENK VAN ROOIJ: In de zorg, met stages
in Vlaanderen.

3
00:00:08,000 --> 00:00:12,000
<i>Dat was in 2016.</i> Daarna kwam Duitsland erbij.

4
00:00:12,500 --> 00:00:15,000
THOMAS VERBEEK: En nu?

5
00:00:15,000 --> 00:00:19,000
{\\an8}HENK VAN ROOIJ: Nu gaan er elk jaar zestig studenten.
"""


def read(tmp_path: Path, name: str, content: str, **metadata: object):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    folder = {name: dict(metadata)} if metadata else {}
    return read_transcript(path, folder_metadata=folder)


def test_teams_vtt_voice_tags_merge_cues_and_strip_tags(tmp_path: Path) -> None:
    parsed = read(tmp_path, "scheldewaard_teams.vtt", TEAMS_VTT, interviewer="Sanne de Wit")
    speeches = check_turns(parsed)
    labelled_layout(parsed)
    assert parsed.format == "vtt"
    assert [t.speaker for t in parsed.turns] == [
        "Sanne de Wit",
        "Annelies Verschuren",
        "Joost Martens",
        "Sanne de Wit",
        "Annelies Verschuren",
    ]
    assert [t.role for t in parsed.turns] == [
        "interviewer",
        "respondent",
        "respondent",
        "interviewer",
        "respondent",
    ]
    assert speeches[0] == (
        "Goedemiddag allebei, fijn dat jullie tijd maken. "
        "Wat betekent internationalisering voor Scheldewaard?"
    )
    assert speeches[1] == "Voor ons is het haven & logistiek: daar ligt de wereld aan onze voeten."
    assert speeches[3:] == ["Hoe ver gaat dat?", "Heel ver."]
    assert (parsed.turns[0].media_start, parsed.turns[0].media_end) == (1.2, 9.1)
    assert (parsed.turns[2].media_start, parsed.turns[2].media_end) == (14.0, 17.25)
    assert "NOTE" not in parsed.text and "<" not in parsed.text


def test_zoom_vtt_name_prefixes(tmp_path: Path) -> None:
    parsed = read(tmp_path, "wadden_zoom.vtt", ZOOM_VTT)
    speeches = check_turns(parsed)
    labelled_layout(parsed)
    assert [t.speaker for t in parsed.turns] == [
        "Thomas Verbeek",
        "Jelle Dijkstra",
        "Thomas Verbeek",
    ]
    assert speeches[1] == (
        "Ja hoor. Wij leiden op voor de visserij en de zeevaart. "
        "Nou: dat betekent dat studenten sowieso de wereld over gaan."
    )
    assert [t.role for t in parsed.turns] == ["interviewer", "respondent", "interviewer"]
    assert parsed.turns[1].media_start == 6.5 and parsed.turns[1].media_end == 15.0


def test_srt_speaker_prefix_carries_over_and_tags_are_removed(tmp_path: Path) -> None:
    parsed = read(
        tmp_path,
        "peelrand_opname.srt",
        SRT,
        interviewer="Thomas Verbeek",
        respondents=["Henk van Rooij"],
    )
    speeches = check_turns(parsed)
    labelled_layout(parsed)
    assert parsed.format == "srt"
    assert [t.speaker for t in parsed.turns] == ["THOMAS VERBEEK", "HENK VAN ROOIJ"] * 2
    assert [t.role for t in parsed.turns] == ["interviewer", "respondent"] * 2
    assert speeches == [
        "Meneer Van Rooij, hoe begon het bij Peelrand?",
        "In de zorg, met stages in Vlaanderen. Dat was in 2016. Daarna kwam Duitsland erbij.",
        "En nu?",
        "Nu gaan er elk jaar zestig studenten.",
    ]
    assert [(t.media_start, t.media_end) for t in parsed.turns] == [
        (1.0, 4.0),
        (4.5, 12.0),
        (12.5, 15.0),
        (15.0, 19.0),
    ]


def test_srt_in_cp1252_with_crlf(tmp_path: Path) -> None:
    content = (
        "1\r\n00:00:01,000 --> 00:00:03,000\r\nInterviewer: Wat is “succes” voor u?\r\n\r\n"
        "2\r\n00:00:03,500 --> 00:00:06,000\r\nRespondent: Dat ’t werkt, ook voor één student.\r\n"
    )
    path = tmp_path / "x.srt"
    path.write_bytes(content.encode("cp1252"))
    parsed = read_transcript(path, folder_metadata={})
    assert check_turns(parsed) == ["Wat is “succes” voor u?", "Dat ’t werkt, ook voor één student."]


def test_subtitles_without_speakers_are_one_turn(tmp_path: Path) -> None:
    content = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nWe begonnen klein.\n\n"
        "00:00:03.000 --> 00:00:05.000\nNu is het groot.\n"
    )
    parsed = read(tmp_path, "x.vtt", content)
    assert parsed.text == "We begonnen klein. Nu is het groot."
    assert check_turns(parsed) == ["We begonnen klein. Nu is het groot."]
    assert parsed.turns[0].role == "respondent"
    assert (parsed.turns[0].media_start, parsed.turns[0].media_end) == (1.0, 5.0)
    assert "no speaker labels found; the whole text is one respondent turn" in parsed.warnings


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "leeg.vtt",
            "WEBVTT\n\nNOTE alleen een notitie\n",
            "leeg.vtt: has no cues (no timed text) in this WebVTT file",
        ),
        (
            "kopje.vtt",
            "Dit is geen WebVTT-bestand.\n",
            "kopje.vtt: is not a valid WebVTT file (Invalid format)",
        ),
        (
            "tekst.srt",
            "Dit is een gewone tekst zonder ondertitels.\n",
            "tekst.srt: is not a valid SRT file (no numbered, timed cue at line 1)",
        ),
        ("alleen.srt", "\n\n  \n", "alleen.srt: is empty"),
        (
            "leeg.srt",
            "1\n00:00:01,000 --> 00:00:02,000\n\n",
            "leeg.srt: has no cues (no numbered, timed subtitles) in this SRT file",
        ),
    ],
)
def test_subtitle_files_without_cues(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_transcript(path, folder_metadata={})
    assert str(info.value) == message
