"""Metadata: metadata.csv, sidecar YAML, front matter, Dutch keys, dates, precedence, defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.ingest import IngestError, load_folder_metadata, read_transcript
from analysis.ingest.metadata import institution_from_stem, normalise_metadata, parse_date

DIALOGUE = (
    "Interviewer: Wat is de ambitie?\nRespondent: Alle studenten een internationale ervaring.\n"
)

CSV = (
    "file,institution,date,respondents,roles,interviewer,sector,region\n"
    "amstelduin.txt,ROC Amstelduin,15-09-2026,Marieke Jansen; Pieter Bos,"
    "voorzitter college van bestuur; beleidsadviseur,Sanne de Wit,breed,Noord-Holland\n"
    "peelrand.txt,Peelrand Opleidingen,6 oktober 2026,Henk van Rooij,bestuursvoorzitter,"
    'Thomas Verbeek,"zorg, welzijn",Noord-Brabant\n'
)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("15 september 2026", "2026-09-15"),
        ("15-09-2026", "2026-09-15"),
        ("15/9/2026", "2026-09-15"),
        ("15.09.2026", "2026-09-15"),
        ("maandag 15 september 2026", "2026-09-15"),
        ("15 sept. 2026", "2026-09-15"),
        ("2026-09-15", "2026-09-15"),
        ("1 mei 2026", "2026-05-01"),
        ("3 maart 2026", "2026-03-03"),
        ("di 22 sep 2026 om 10:00 uur", "2026-09-22"),
        ("September 15, 2026", "2026-09-15"),
    ],
)
def test_dates_become_iso(value: str, iso: str) -> None:
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    "value", ["oktober 2026", "15 september", "volgende week", "32-13-2026", ""]
)
def test_incomplete_or_unreadable_dates_are_not_guessed(value: str) -> None:
    assert parse_date(value) is None


def test_dutch_keys_are_normalised_and_lists_split() -> None:
    metadata, warnings = normalise_metadata(
        {
            "Instelling": "Vakcollege  Lindenhorst",
            "Datum": "22 september 2026",
            "Geïnterviewde(n)": "Erik Hoekstra (lid college van bestuur); Ans de Boer (directeur)",
            "Interviewster": "Sanne de Wit",
            "Sector": "techniek en ICT",
            "Regio": "Gelderland",
            "Locatie": "Apeldoorn",
        }
    )
    assert metadata == {
        "institution": "Vakcollege Lindenhorst",
        "date": "2026-09-22",
        "respondents": ["Erik Hoekstra", "Ans de Boer"],
        "roles": ["lid college van bestuur", "directeur"],
        "interviewer": "Sanne de Wit",
        "sector": "techniek en ICT",
        "region": "Gelderland",
        "location": "Apeldoorn",
    }
    assert warnings == []


def test_respondents_and_functions_keys() -> None:
    metadata, _ = normalise_metadata(
        {
            "Respondent(en)": "Jelle Dijkstra, Anouk Visser",
            "Functie(s)": "directeur-bestuurder; docent",
        }
    )
    assert metadata == {
        "respondents": ["Jelle Dijkstra", "Anouk Visser"],
        "roles": ["directeur-bestuurder", "docent"],
    }


def test_unreadable_date_is_kept_with_a_warning() -> None:
    metadata, warnings = normalise_metadata({"datum": "najaar 2026"})
    assert metadata == {"date": "najaar 2026"}
    assert len(warnings) == 1 and "najaar 2026" in warnings[0]


def test_institution_from_file_name() -> None:
    assert institution_from_stem("roc_ijsselvallei_2026-10-13") == "ROC IJsselvallei"
    assert institution_from_stem("groene-delta_interview") == "Groene Delta"
    assert institution_from_stem("Wadden Vakschool") == "Wadden Vakschool"


def test_folder_metadata_csv(tmp_path: Path) -> None:
    (tmp_path / "metadata.csv").write_text(CSV, encoding="utf-8")
    rows = load_folder_metadata(tmp_path)
    assert rows["amstelduin.txt"] == {
        "institution": "ROC Amstelduin",
        "date": "2026-09-15",
        "respondents": ["Marieke Jansen", "Pieter Bos"],
        "roles": ["voorzitter college van bestuur", "beleidsadviseur"],
        "interviewer": "Sanne de Wit",
        "sector": "breed",
        "region": "Noord-Holland",
    }
    assert rows["peelrand.txt"]["sector"] == "zorg, welzijn"
    assert rows["peelrand.txt"]["date"] == "2026-10-06"


def test_dutch_excel_csv_with_semicolons_and_dutch_headers_in_cp1252(tmp_path: Path) -> None:
    csv_text = (
        "Bestand;Instelling;Datum;Geïnterviewden;Functies;Interviewer;Sector;Regio\r\n"
        'wadden.vtt;Wadden Vakschool;20-10-2026;"Jelle Dijkstra; Anouk Visser";'
        '"directeur-bestuurder; coördinator";Thomas Verbeek;maritiem;Friesland\r\n'
    )
    (tmp_path / "metadata.csv").write_bytes(csv_text.encode("cp1252"))
    rows = load_folder_metadata(tmp_path)
    assert rows == {
        "wadden.vtt": {
            "institution": "Wadden Vakschool",
            "date": "2026-10-20",
            "respondents": ["Jelle Dijkstra", "Anouk Visser"],
            "roles": ["directeur-bestuurder", "coördinator"],
            "interviewer": "Thomas Verbeek",
            "sector": "maritiem",
            "region": "Friesland",
        }
    }


def test_no_metadata_csv_is_no_metadata(tmp_path: Path) -> None:
    assert load_folder_metadata(tmp_path) == {}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("institution,date\nROC X,2026-01-01\n", "has no 'file' column"),
        (CSV + "extra.txt,ROC Y,2026-01-01\n", "line 4 has 3 fields, the header has 8"),
        (CSV + CSV.splitlines()[1] + "\n", "file amstelduin.txt is listed twice"),
        ('file,institution\n"x.txt,ROC X\n', "is not valid CSV"),
        ("", "is empty"),
    ],
)
def test_bad_metadata_csv_is_one_clear_error(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / "metadata.csv").write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_folder_metadata(tmp_path)
    assert str(info.value).startswith("metadata.csv: ")
    assert reason in str(info.value)
    assert "\n" not in str(info.value)


def test_binary_metadata_csv_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "metadata.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(IngestError, match=r"^metadata\.csv: is not a text file"):
        load_folder_metadata(tmp_path)


def test_precedence_csv_then_sidecar_then_front_matter(tmp_path: Path) -> None:
    (tmp_path / "metadata.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "amstelduin.yaml").write_text(
        "Instelling: ROC Amstelduin (locatie Zaandam)\nRegio: Zaanstreek\nSector: techniek\n",
        encoding="utf-8",
    )
    (tmp_path / "amstelduin.txt").write_text(
        "---\nsector: zorg en welzijn\ndatum: 16 september 2026\n---\n" + DIALOGUE, encoding="utf-8"
    )
    parsed = read_transcript(tmp_path / "amstelduin.txt")
    assert parsed.metadata["institution"] == "ROC Amstelduin (locatie Zaandam)"  # sidecar over csv
    assert parsed.metadata["region"] == "Zaanstreek"  # sidecar over csv
    assert parsed.metadata["sector"] == "zorg en welzijn"  # front matter over sidecar
    assert parsed.metadata["date"] == "2026-09-16"  # front matter over csv
    assert any("2026-09-16" in w and "2026-09-15" in w for w in parsed.warnings)  # not silently
    assert parsed.metadata["interviewer"] == "Sanne de Wit"  # only in csv
    assert parsed.text == DIALOGUE  # front matter removed
    assert parsed.text[parsed.turns[0].start : parsed.turns[0].end] == "Wat is de ambitie?"


def test_yml_sidecar_and_missing_institution_defaults_to_file_name(tmp_path: Path) -> None:
    (tmp_path / "roc_zuiderpoort_2026-11-17.yml").write_text(
        "datum: 17-11-2026\n", encoding="utf-8"
    )
    path = tmp_path / "roc_zuiderpoort_2026-11-17.txt"
    path.write_text(DIALOGUE, encoding="utf-8")
    parsed = read_transcript(path)
    assert parsed.metadata["institution"] == "ROC Zuiderpoort"
    assert parsed.metadata["date"] == "2026-11-17"
    assert any("taken from the file name" in w for w in parsed.warnings)


def test_folder_metadata_matches_file_name_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "Amstelduin.TXT"
    path.write_text(DIALOGUE, encoding="utf-8")
    parsed = read_transcript(
        path, folder_metadata={"amstelduin.txt": {"institution": "ROC Amstelduin"}}
    )
    assert parsed.metadata["institution"] == "ROC Amstelduin"
    assert parsed.warnings == []


def test_front_matter_yaml_date_and_extra_keys_are_plain_values(tmp_path: Path) -> None:
    path = tmp_path / "heuvelland.md"
    path.write_text(
        "---\ninstelling: ROC Heuvelland Zuid\ndatum: 2026-10-27\nduur: 75\n"
        "thema's: [impact, inclusie]\n---\n" + DIALOGUE,
        encoding="utf-8",
    )
    parsed = read_transcript(path, folder_metadata={})
    assert parsed.metadata["date"] == "2026-10-27"
    assert parsed.metadata["duration"] == 75
    assert parsed.metadata["thema's"] == ["impact", "inclusie"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "gesprek.yaml",
            "instelling: [ROC\n",
            "gesprek.yaml: metadata for gesprek.txt is not valid YAML (line",
        ),
        (
            "gesprek.yaml",
            "- een\n- lijst\n",
            "gesprek.yaml: metadata for gesprek.txt must be 'key: value' lines",
        ),
    ],
)
def test_bad_sidecar_names_the_sidecar(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "gesprek.txt").write_text(DIALOGUE, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_transcript(tmp_path / "gesprek.txt", folder_metadata={})
    assert str(info.value).startswith(message)


def test_bad_front_matter_is_an_error_naming_the_transcript(tmp_path: Path) -> None:
    path = tmp_path / "gesprek.md"
    path.write_text("---\ninstelling: ROC: X: [\n---\n" + DIALOGUE, encoding="utf-8")
    with pytest.raises(IngestError, match=r"^gesprek\.md: front matter is not valid YAML \(line 2"):
        read_transcript(path, folder_metadata={})


def test_dutch_month_in_a_header_date_and_no_silent_replacement(tmp_path: Path) -> None:
    (tmp_path / "metadata.csv").write_text(
        "file,institution,date\nkoers.txt,ROC Koers,2024-06-01\n", encoding="utf-8"
    )
    (tmp_path / "koers.txt").write_text(
        "Instelling: ROC Koers\nDatum: 23 mei 2024\n\n" + DIALOGUE, encoding="utf-8"
    )
    parsed = read_transcript(tmp_path / "koers.txt")
    assert parse_date("23 mei 2024") == "2024-05-23"
    assert parsed.metadata["date"] == "2024-05-23"  # the header's Dutch date is read ...
    assert any("2024-06-01" in w for w in parsed.warnings)  # ... and says what it replaced
