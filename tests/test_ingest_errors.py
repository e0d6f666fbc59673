"""Bad input: one clear line naming the file and the problem, for every kind of user mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.ingest import SUPPORTED_SUFFIXES, IngestError, read_transcript

DIALOGUE = (
    "Interviewer: Wat is uw ambitie?\nRespondent: Dat elke student een keer over de grens kijkt.\n"
)


def error_for(path: Path, **kwargs: object) -> str:
    with pytest.raises(IngestError) as info:
        read_transcript(path, folder_metadata={}, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: ")
    assert info.value.path == path
    return message


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (
        ".txt", ".md", ".docx", ".vtt", ".srt", ".pdf", ".odt", ".rtf", ".doc"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "notulen.pages",
            "notulen.pages: unsupported file type '.pages' (export it from Pages as .docx); "
            "supported: ",
        ),
        ("opname.mp3", "opname.mp3: unsupported file type '.mp3'; supported: "),
        ("LEESMIJ", "LEESMIJ: unsupported file type without an extension; supported: "),
    ],
)
def test_unknown_extension_lists_the_supported_ones(
    tmp_path: Path, name: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"iets")
    message = error_for(path)
    assert message == expected + ".txt, .md, .docx, .vtt, .srt, .pdf, .odt, .rtf, .doc"


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "GESPREK.TXT"
    path.write_text(DIALOGUE, encoding="utf-8")
    assert read_transcript(path, folder_metadata={}).format == "txt"


def test_file_above_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "groot.txt"
    path.write_bytes(b"x" * 30_720)
    assert error_for(path, max_bytes=10 * 1024) == "groot.txt: is 30 KB, above the limit of 10 KB"


def test_size_limit_message_states_the_limit_in_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "groot.vtt"
    path.write_bytes(b"WEBVTT\n\n" + b"x" * (3 * 1024 * 1024))
    assert (
        error_for(path, max_bytes=2 * 1024 * 1024) == "groot.vtt: is 3 MB, above the limit of 2 MB"
    )


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_empty_file_of_every_type(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"leeg{suffix}"
    path.write_bytes(b"")
    assert error_for(path) == f"leeg{suffix}: is empty"


def test_whitespace_only_and_front_matter_only_files(tmp_path: Path) -> None:
    blank = tmp_path / "wit.txt"
    blank.write_text(" \n\r\n\t\n", encoding="utf-8")
    assert error_for(blank) == "wit.txt: is empty"
    only_meta = tmp_path / "alleen_kop.md"
    only_meta.write_text("---\ninstelling: ROC X\n---\n\n", encoding="utf-8")
    assert error_for(only_meta) == "alleen_kop.md: has metadata but no transcript text"


@pytest.mark.parametrize("suffix", [".txt", ".md", ".vtt", ".srt"])
def test_binary_content_with_a_text_extension(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"foto{suffix}"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(range(256)) * 8)
    message = error_for(path)
    assert message == (
        f"foto{suffix}: is not a text file (contains NUL bytes); "
        f"is it a binary file with a {suffix} name?"
    )


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert error_for(tmp_path / "weg.txt") == "weg.txt: file not found"
    folder = tmp_path / "map.txt"
    folder.mkdir()
    assert error_for(folder) == "map.txt: is a folder, not a transcript file; not read"


def test_one_bad_file_does_not_affect_the_next(tmp_path: Path) -> None:
    bad = tmp_path / "kapot.docx"
    bad.write_bytes(b"geen zip")
    good = tmp_path / "goed.txt"
    good.write_text(DIALOGUE, encoding="utf-8")
    results = []
    for path in (bad, good):
        try:
            results.append(len(read_transcript(path, folder_metadata={}).turns))
        except IngestError as exc:
            results.append(str(exc))
    assert results == ["kapot.docx: is not a readable Word file (damaged, or not a .docx)", 2]
