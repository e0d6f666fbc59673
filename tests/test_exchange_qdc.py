"""REFI-QDA codebooks: a schema-valid export, and merging a codebook made in another tool."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from analysis import Project
from analysis.cli import main
from analysis.exchange.qdc import describe, parse_description
from analysis.exchange.refi import ExchangeError
from tests.exchange_checks import assert_valid, snapshot, write

NS = {"q": "urn:QDA-XML:codebook:1.0"}


def _guids(project: Project) -> dict[str, str]:
    from analysis.exchange.qdc import code_guids

    with project.store.session() as session:
        return code_guids(session)


def test_codebook_export_is_valid_nested_and_stable(
    empty_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "codeboek.qdc"
    result = empty_project.export_codebook(out)
    assert result.warnings == []  # validated against the official schema on the way out
    root = assert_valid(out.read_bytes(), "Codebook.xsd")
    guids = _guids(empty_project)
    impact = root.find(f"q:Codes/q:Code[@guid='{guids['impact']}']", NS)
    assert impact.get("name") == "Impact van internationalisering"
    assert impact.get("color") == "#6FA8DC" and impact.get("isCodable") == "true"
    student = impact.find(f"q:Code[@guid='{guids['impact.student']}']", NS)
    assert student.get("name") == "Impact op de student"
    description = student.findtext("q:Description", namespaces=NS)
    code = empty_project.codebook().get("impact.student")
    assert description.startswith(code.definition)
    assert f"Wanneer gebruiken: {code.when_to_use}" in description
    assert f"Wanneer niet gebruiken: {code.when_not_to_use}" in description
    assert "Sleutel: impact.student" in description
    # Exporting again gives the same bytes (stable GUIDs, deterministic order).
    again = tmp_path / "opnieuw.qdc"
    empty_project.export_codebook(again)
    assert again.read_bytes() == out.read_bytes()


def test_descriptions_read_back_into_every_field(empty_project: Project) -> None:
    for code in empty_project.codebook().codes:
        fields = parse_description(describe(code))
        assert fields["key"] == code.key
        assert fields["definition"] == code.definition.strip()
        for name in ("when_to_use", "when_not_to_use", "description", "phase_description"):
            assert fields.get(name, "") == getattr(code, name).strip()
        for name in ("examples", "keywords", "phrases", "indicators"):
            assert fields.get(name, []) == list(getattr(code, name))


OTHER_TOOL = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder 3.6">
  <Codes>
    <Code guid="{{0A1B2C3D-0000-4000-8000-000000000001}}" name="Thema's" isCodable="false">
      <Code guid="0a1b2c3d-0000-4000-8000-000000000002" name="Ouders en familie"
            isCodable="true" color="#f80">
        <Description>Uitspraken over de rol van ouders bij een stage in het buitenland.
When to use: ouders worden genoemd als steun of als drempel.</Description>
      </Code>
    </Code>
    <Code guid="0a1b2c3d-0000-4000-8000-000000000003"
          name="Impact van internationalisering::Ouders" isCodable="true"/>
    <Code guid="0a1b2c3d-0000-4000-8000-000000000004"
          name="Grens \\ Duitse stagebedrijven" isCodable="true"/>
    <Code guid="0a1b2c3d-0000-4000-8000-000000000005" name="Grens" isCodable="true" color="#112233">
      <Description>Alles over de grensregio.</Description>
    </Code>
    <Code guid="{student}" name="Studenten" isCodable="true"/>
    <Code guid="0a1b2c3d-0000-4000-8000-000000000006" name="Regionale samenwerking"
          isCodable="true" color="#00AA00"/>
    <Code guid="0a1b2c3d-0000-4000-8000-000000000007" name="" isCodable="true"/>
  </Codes>
</CodeBook>
"""


def test_codebook_from_another_tool_is_merged_with_a_report(
    empty_project: Project, tmp_path: Path
) -> None:
    student_guid = _guids(empty_project)["impact.student"]
    path = write(tmp_path / "qualcoder.qdc", OTHER_TOOL.format(student=student_guid.upper()))
    report = empty_project.import_codebook(path)
    codebook = empty_project.codebook()

    # A folder becomes a parent code; its child keeps colour (#f80 -> #FF8800) and texts.
    assert "thema_s" in codebook and "thema_s.ouders_en_familie" in codebook
    ouders = codebook.get("thema_s.ouders_en_familie")
    assert ouders.colour == "#FF8800"
    assert ouders.definition == "Uitspraken over de rol van ouders bij een stage in het buitenland."
    assert ouders.when_to_use == "ouders worden genoemd als steun of als drempel."
    assert any("thema_s" in note and "folder" in note for note in report.notes)
    # "A::B" goes under the existing code named A; "Grens \\ ..." under the real "Grens" that
    # comes later in the file, which takes the made-up parent's place.
    assert codebook.get("impact.ouders").label == "Ouders"
    assert codebook.get("impact.ouders").colour == codebook.get("impact").colour  # inherited
    assert codebook.get("grens").definition == "Alles over de grensregio."
    assert codebook.get("grens.duitse_stagebedrijven").parent == "grens"
    # Recognised by GUID (braces and upper case are the same GUID): renamed, key kept.
    assert codebook.get("impact.student").label == "Studenten"
    assert report.renamed == ["impact.student: Impact op de student → Studenten"]
    # Recognised by name under the same parent: only the colour changes.
    assert codebook.get("regional_cooperation").colour == "#00AA00"
    assert report.updated == ["regional_cooperation: colour"]
    assert [item.split(":")[0] for item in report.added] == [
        "thema_s", "thema_s.ouders_en_familie", "impact.ouders", "grens",
        "grens.duitse_stagebedrijven",
    ]
    assert len(report.skipped) == 1 and "no name" in report.skipped[0]
    # New codes keep the other tool's GUIDs, so the next exchange recognises them.
    guids = _guids(empty_project)
    assert guids["thema_s.ouders_en_familie"] == "0a1b2c3d-0000-4000-8000-000000000002"
    # Importing the same file again changes nothing more.
    again = empty_project.import_codebook(path)
    assert again.added == [] and again.renamed == [] and again.updated == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code", "not well-formed XML"),
        (b"<html><body>codeboek</body></html>", "not a REFI-QDA codebook"),
        (b"<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>", "not a REFI-QDA codebook"),
        (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>", "has no <Codes>"),
        (b"PK\x03\x04\x14\x00 a .qdpx given as codebook", "use: import project"),
        (
            b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
            b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>"
            b"<Code guid='0a1b2c3d-0000-4000-8000-000000000009' name='&e;' isCodable='true'/>"
            b"</Codes></CodeBook>",
            "external entity",  # never resolved: the file cannot reach /etc/passwd
        ),
    ],
)
def test_a_bad_codebook_file_gets_a_clear_error_and_changes_nothing(
    empty_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    content: bytes, message: str,
) -> None:
    path = tmp_path / "kapot.qdc"
    path.write_bytes(content)
    before = snapshot(empty_project)
    with pytest.raises(ExchangeError, match=message):
        empty_project.import_codebook(path)
    assert snapshot(empty_project) == before
    empty_project.close()
    assert main(["import", "codebook", str(path), "--project", str(tmp_path / "empty.db")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("interviews: kapot.qdc: ") and "\n" not in err


def test_export_refuses_a_document_the_schema_rejects(
    empty_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.exchange import qdc

    broken = etree.Element("{urn:QDA-XML:codebook:1.0}CodeBook")  # <Codes> is required
    with pytest.raises(ExchangeError, match="does not validate"):
        qdc.check_schema(broken, tmp_path / "x.qdc")
    monkeypatch.setattr("analysis.exchange.refi.schema_dir", lambda: None)  # no XSDs at hand
    warnings = qdc.check_schema(broken, tmp_path / "x.qdc")
    assert warnings and "not validated" in warnings[0]
