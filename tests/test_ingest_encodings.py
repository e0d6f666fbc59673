"""Issue 21.5: silently wrong text. Mixed UTF-8/Windows-1252 lines, malformed subtitle cues and
bidi controls in speaker labels; each reproduced from the probe that found it."""

from __future__ import annotations

from pathlib import Path

from analysis.ingest import read_transcript
from analysis.ingest.text import decode_bytes


def _read(path: Path):
    return read_transcript(path, folder_metadata={})


def test_mixed_utf8_and_cp1252_lines_are_each_read_in_their_own_encoding(tmp_path: Path) -> None:
    path = tmp_path / "gemengd.txt"
    path.write_bytes(
        b"Interviewer: Waar spraken jullie af?\n\n"
        + "Sanne Visser: In het café naast de school, met de coördinator.\n\n".encode()
        + "Interviewer: En daarna?\n\n".encode("cp1252")
        + "Sanne Visser: Daarna een ‘echte’ vergadering, één keer per maand.\n".encode("cp1252")
    )
    parsed = _read(path)
    assert "café" in parsed.text and "coördinator" in parsed.text
    assert "‘echte’ vergadering, één keer" in parsed.text
    assert "Ã" not in parsed.text
    [warning] = [w for w in parsed.warnings if w.startswith("mixed encodings")]
    assert warning.startswith("mixed encodings: line 7 in Windows-1252")


def test_nul_and_lone_surrogates_never_reach_the_store() -> None:
    """A PDF text layer can give lone surrogates: no database driver can encode them."""
    from analysis.ingest.text import normalise

    assert normalise("Ou\x00ders \ud800zijn\udfff blij") == "Ouders \ufffdzijn\ufffd blij"


def test_a_file_in_one_encoding_is_not_flagged() -> None:
    assert decode_bytes("één café".encode("cp1252")).warnings() == []
    assert decode_bytes("één café".encode()).warnings() == []
    assert decode_bytes("één café".encode("cp1252")).text == "één café"


VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>Hoe gaat het met de stages in Duitsland?

00:00:05.000 --> 00:0x:09.000
<v Kees Bakker>Goed, we sturen elk jaar meer studenten naar Duitsland.

00:00:10.000 --> 00:00:12.000
<v Interviewer>En de ouders?

00:00:13.000 --> 00:00:15.000
<v Kees Bakker>Die zijn blij met de ouderavond die we houden.
"""


def test_vtt_cue_with_a_broken_time_is_kept_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "teams.vtt"
    path.write_text(VTT, encoding="utf-8")
    parsed = _read(path)
    answer = next(t for t in parsed.turns if "Duitsland." in parsed.text[t.start : t.end])
    assert answer.speaker == "Kees Bakker"
    assert parsed.text[answer.start : answer.end] == (
        "Goed, we sturen elk jaar meer studenten naar Duitsland."
    )
    assert (
        "line 6: cue with a malformed time line ('00:00:05.000 --> 00:0x:09.000'); its text is "
        "kept, with the time of the cue before"
    ) in parsed.warnings


SRT = """1
00:00:01,000 --> 00:00:04,000
INTERVIEWER: Hoe gaat het met de stages?

2
00:00:05,000 --> 00:00:09,000
KEES BAKKER: Goed, we sturen veel studenten naar Duitsland.

Ondertiteling: Studio Noord
www.ondertitels.example

3
00:00:10,000 --> 00:00:12,000
INTERVIEWER: En de ouders?

4x
00:00:13,000 --> 00:00:15,000
KEES BAKKER: Die zijn blij met de ouderavond.
"""


def test_srt_junk_and_unnumbered_cues_are_reported_not_glued_into_quotes(tmp_path: Path) -> None:
    path = tmp_path / "opname.srt"
    path.write_text(SRT, encoding="utf-8")
    parsed = _read(path)
    speech = [parsed.text[t.start : t.end] for t in parsed.turns]
    assert speech == [
        "Hoe gaat het met de stages?",
        "Goed, we sturen veel studenten naar Duitsland.",
        "En de ouders?",
        "Die zijn blij met de ouderavond.",
    ]
    assert "Studio Noord" not in parsed.text and "-->" not in parsed.text
    assert (
        "line 9: not a numbered, timed cue, left out ('Ondertiteling: Studio Noord "
        "www.ondertitels.example')"
    ) in parsed.warnings
    assert "line 16: cue without a valid number ('4x'); read anyway" in parsed.warnings


def test_bidi_controls_are_stripped_from_speaker_labels(tmp_path: Path) -> None:
    path = tmp_path / "bidi.txt"
    path.write_text(
        "Interviewer: Hoe gaat het met de stages?\n\n"
        "Kees Bakker: Goed, we sturen veel studenten naar Duitsland.\n\n"
        "\u202eInterviewer\u202c: En de ouders?\n\n"
        "Kees Bakker: Die zijn blij met de ouderavond.\n\n"
        "Interviewer: Dank u.\n\n"
        "\u2067Kees Bakker\u2069: Graag gedaan.\n",
        encoding="utf-8",
    )
    parsed = _read(path)
    turns = [(t.speaker, t.role, parsed.text[t.start : t.end]) for t in parsed.turns]
    assert turns == [
        ("Interviewer", "interviewer", "Hoe gaat het met de stages?"),
        ("Kees Bakker", "respondent", "Goed, we sturen veel studenten naar Duitsland."),
        ("Interviewer", "interviewer", "En de ouders?"),
        ("Kees Bakker", "respondent", "Die zijn blij met de ouderavond."),
        ("Interviewer", "interviewer", "Dank u."),
        ("Kees Bakker", "respondent", "Graag gedaan."),
    ]


def test_bidi_controls_are_stripped_from_vtt_voices(tmp_path: Path) -> None:
    path = tmp_path / "stem.vtt"
    path.write_text(VTT.replace("<v Kees Bakker>Die", "<v \u202bKees Bakker\u202c>Die"))
    parsed = _read(path)
    assert {t.speaker for t in parsed.turns} == {"Interviewer", "Kees Bakker"}
