"""Decoding text files: UTF-8 (with and without BOM), Windows-1252, Latin-1, line ends, NFC."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from ingest_checks import check_turns

from analysis.ingest import IngestError, read_transcript
from analysis.ingest.text import NotTextError, decode_bytes

DUTCH = (
    "Interviewer: Wat betekent het charter voor “de gewone docent”?\n"
    "Respondent: Eén ding is zeker: de docenten zijn enthousiaster geworden, "
    "ook in de zorg en bij ’t groen. Dat heeft een reëel effect op de cultuur – "
    "ook bij de financiële afdeling.\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (DUTCH.encode("utf-8"), "utf-8"),
        (DUTCH.encode("utf-8-sig"), "utf-8-sig"),
        (DUTCH.encode("cp1252"), "cp1252"),
        (DUTCH.encode("utf-16"), "utf-16"),
    ],
)
def test_decodes_dutch_text_in_each_encoding_without_mojibake(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == DUTCH
    assert decoded.encoding == encoding
    assert "Ã" not in decoded.text and "â€" not in decoded.text


def test_short_cp1252_text_with_curly_quotes_is_not_guessed_wrongly() -> None:
    # A charset detector sees too few bytes here; the fixed order must still get it right.
    for sentence in ("“Ja.”", "Dat is ’t.", "Reëel, hè?", "Café ‘De Zon’ – één keer"):
        assert decode_bytes(sentence.encode("cp1252")).text == sentence


def test_latin1_file_decodes_to_the_same_text() -> None:
    text = "Respondent: De coördinatie ligt bij één team; café-overleg op vrijdag, à la carte.\n"
    assert decode_bytes(text.encode("latin-1")).text == text


def test_bytes_undefined_in_cp1252_fall_back_to_detection() -> None:
    # 0x8F and 0x9D are not Windows-1252; in Windows-1250 (Central Europe) they are Ź and ť.
    text = (
        "Respondent: Wij werken samen met een school in Łódź en met mevrouw Źrebiec uit Třebíč. "
        * 3
    )
    decoded = decode_bytes(text.encode("cp1250"))
    assert decoded.encoding not in ("utf-8", "cp1252")
    assert decoded.text.startswith("Respondent: Wij werken samen met een school in ")


def test_line_ends_bom_and_nfc_are_normalised_and_control_characters_kept() -> None:
    decomposed = unicodedata.normalize("NFD", "Geïnterviewde: Zoë")
    raw = "\ufeffregel een\r\nregel twee\rregel drie\x0bmet tab\tstop\x07" + decomposed
    decoded = decode_bytes(raw.encode("utf-8")).text
    assert decoded == "regel een\nregel twee\nregel drie\x0bmet tab\tstop\x07Geïnterviewde: Zoë"
    assert unicodedata.is_normalized("NFC", decoded)


def test_binary_content_is_not_text() -> None:
    with pytest.raises(NotTextError):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(NotTextError):
        decode_bytes(bytes(range(1, 32)) * 20)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_txt_transcript_in_legacy_encoding_reads_with_crlf(tmp_path: Path, encoding: str) -> None:
    text = (
        "Interviewer: Hoe kijkt u terug op de afgelopen jaren?\r\n"
        "Respondent: Positief. De coördinator heeft veel gedaan, ook voor de één-op-één "
        "begeleiding van studenten in de entree-opleiding.\r\n"
    )
    path = write(tmp_path, "roc_zuiderpoort.txt", text.encode(encoding))
    parsed = read_transcript(path, folder_metadata={})
    speeches = check_turns(parsed)
    assert "\r" not in parsed.text
    assert speeches == [
        "Hoe kijkt u terug op de afgelopen jaren?",
        "Positief. De coördinator heeft veel gedaan, ook voor de één-op-één begeleiding "
        "van studenten in de entree-opleiding.",
    ]
    assert [t.role for t in parsed.turns] == ["interviewer", "respondent"]


def test_txt_offsets_point_into_the_file_text_as_written(tmp_path: Path) -> None:
    text = "Interviewer:   Welkom.  \n\nRespondent:\nDank u.\n\n  Graag gedaan.\n"
    parsed = read_transcript(write(tmp_path, "x.txt", text.encode()), folder_metadata={})
    assert parsed.text == text
    assert check_turns(parsed) == ["Welkom.", "Dank u.\n\n  Graag gedaan."]
    assert parsed.format == "txt"


def test_binary_file_with_txt_name_is_an_ingest_error(tmp_path: Path) -> None:
    path = write(tmp_path, "foto.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    with pytest.raises(IngestError) as info:
        read_transcript(path, folder_metadata={})
    message = str(info.value)
    assert message.startswith("foto.txt: ") and "not a text file" in message
    assert "\n" not in message


def test_control_characters_survive_into_the_turn_speech(tmp_path: Path) -> None:
    # Later stages (the store, the Word export) must cope with XML-forbidden characters.
    text = "Interviewer: Vraag\x01een?\nRespondent: Antwoord\x0bmet\x0cvormdoorvoer\x1f.\n"
    parsed = read_transcript(write(tmp_path, "stuur.txt", text.encode()), folder_metadata={})
    assert check_turns(parsed) == ["Vraag\x01een?", "Antwoord\x0bmet\x0cvormdoorvoer\x1f."]
