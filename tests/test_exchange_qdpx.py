"""REFI-QDA projects: a valid archive, an exact round trip, other tools' archives, bad files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from analysis import Project
from analysis.cli import main
from analysis.exchange.refi import ExchangeError
from analysis.store import Memo, PhaseJudgement, Transcript
from tests.exchange_checks import assert_valid, code_sample, codings_in_force, snapshot, write

NS = {"p": "urn:QDA-XML:project:1.0"}


def _archive(path: Path) -> tuple[etree._Element, dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return assert_valid(members["project.qde"], "Project.xsd"), members


def _metadata(project: Project) -> dict[str, tuple]:
    with project.store.session() as session:
        return {
            t.source_name: (
                t.text, t.institution, t.date, t.interviewer, t.sector, t.region,
                t.respondents, t.roles,
                {k: v for k, v in t.extra.items() if k != "refi_guid"},
            )
            for t in session.scalars(select(Transcript))
        }


def test_project_export_is_valid_and_round_trips(sample_project: Project, tmp_path: Path) -> None:
    coded = code_sample(sample_project)
    with sample_project.store.session() as session:
        amstelduin = session.scalars(
            select(Transcript).where(Transcript.institution == "ROC Amstelduin")
        ).one()
        session.add(Memo(transcript_id=amstelduin.id, author="Sanne de Wit", text="Sfeer: open."))
        session.add(Memo(code_key="impact.student", author="Evaluator Twee", text="Let op ouders."))
        session.add(PhaseJudgement(institution="ROC Amstelduin", phase=3, assessor="Sanne de Wit"))
    out = tmp_path / "project.qdpx"
    result = sample_project.export_project(out)
    assert result.counts["sources"] == 9 and result.counts["codings"] == len(coded)
    root, members = _archive(out)

    # Users are the coders; every source is UTF-8 plain text at internal://<GUID>.txt, and
    # every selection's offsets pick out the coded segment's exact text.
    assert sorted(u.get("name") for u in root.iterfind("p:Users/p:User", NS)) == [
        "Evaluator Twee", "Sanne de Wit"
    ]
    texts = {t.source_name: t.text for t in sample_project_transcripts(sample_project)}
    segment_texts = set(sample_project.segments()["text"])
    for source in root.iterfind("p:Sources/p:TextSource", NS):
        guid = source.get("guid")
        assert source.get("plainTextPath") == f"internal://{guid}.txt"
        text = members[f"sources/{guid}.txt"].decode("utf-8")
        assert text == texts[source.get("name")]
        for selection in source.iterfind("p:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] in segment_texts
    case = root.find("p:Cases/p:Case[@name='ROC Amstelduin']", NS)
    variables = {v.get("guid"): v.get("name") for v in root.iterfind("p:Variables/p:Variable", NS)}
    values = {
        variables[v.find("p:VariableRef", NS).get("targetGUID")]: v[1].text
        for v in case.iterfind("p:VariableValue", NS)
    }
    assert values == {
        "Instelling": "ROC Amstelduin", "Sector": "breed (alle sectoren)",
        "Regio": "Noord-Holland", "Fase": "3",
    }
    assert len(root.findall("p:Notes/p:Note", NS)) == 3  # transcript, code and coding memo

    # Into a new project: the same texts, metadata, codes, codings (offsets, coders, memos).
    with Project(tmp_path / "nieuw.db") as copy:
        report = copy.import_project(out)
        assert len(report.transcripts) == 9 and report.codings == len(coded)
        assert _metadata(copy) == _metadata(sample_project)
        assert codings_in_force(copy) == codings_in_force(sample_project)
        assert copy.codebook().keys() == sample_project.codebook().keys()
        assert [c.label for c in copy.codebook().codes] == [
            c.label for c in sample_project.codebook().codes
        ]
        with copy.store.session() as session:
            memos = sorted((m.author, m.text) for m in session.scalars(select(Memo)))
            phases = [(j.institution, j.phase) for j in session.scalars(select(PhaseJudgement))]
        assert memos == [("Evaluator Twee", "Let op ouders."), ("Sanne de Wit", "Sfeer: open.")]
        assert phases == [("ROC Amstelduin", 3)]
        # Importing the archive again adds nothing: the texts are already there.
        again = copy.import_project(out)
        assert again.transcripts == [] and len(again.merged) == 9
        assert again.codings == 0 and again.already_coded == len(coded)
    # Exporting twice gives the same archive, byte for byte.
    twice = tmp_path / "twice.qdpx"
    sample_project.export_project(twice)
    assert twice.read_bytes() == out.read_bytes()
    # Back into the project it came from (whose texts were ingested from the original files).
    before = snapshot(sample_project)
    home = sample_project.import_project(out)
    assert home.transcripts == [] and len(home.merged) == 9 and home.codings == 0
    assert snapshot(sample_project) == before


def sample_project_transcripts(project: Project) -> list[Transcript]:
    with project.store.session() as session:
        return list(session.scalars(select(Transcript)))


# A transcript with accents and characters outside the Basic Multilingual Plane: code points,
# UTF-16 units and UTF-8 bytes all differ after the emoji.
EMOJI_TEXT = (
    "Interviewer: Hoe was de reis naar Málaga? 🌍\n\n"
    "Marieke Jansen: Geweldig 🎉🎉 — de studenten waren één week in Málaga en kwamen "
    "terug met zelfvertrouwen. Daarna wilde het hele team ook naar Spanje.\n\n"
    "Interviewer: En de docenten?\n\n"
    "Marieke Jansen: Die gingen in het voorjaar mee, ze hebben daar veel geleerd over "
    "begeleiding. 👩‍🏫 Dat zie je nu terug in de lessen.\n"
)


def test_offsets_are_code_points_not_bytes_or_utf16_units(
    empty_project: Project, tmp_path: Path
) -> None:
    source = write(tmp_path / "malaga.txt", EMOJI_TEXT)
    (result,) = empty_project.ingest([source])
    assert not result.failed, result.line()
    text = empty_project.transcript_text(result.transcript_id)
    quote = "de studenten waren één week in Málaga en kwamen terug met zelfvertrouwen."
    start = text.index(quote)
    span = empty_project.code_span(
        result.transcript_id, start, start + len(quote), "impact.student", "Evaluator Twee"
    )
    later = text.index("Dat zie je nu terug")
    empty_project.code_span(
        result.transcript_id, later, later + len("Dat zie je nu terug in de lessen."),
        "professionalisation.staff_mobility", "Evaluator Twee",
    )
    out = tmp_path / "emoji.qdpx"
    empty_project.export_project(out)
    root, members = _archive(out)
    selections = root.findall(".//p:PlainTextSelection", NS)
    first = min(selections, key=lambda s: int(s.get("startPosition")))
    assert int(first.get("startPosition")) == start
    assert int(first.get("endPosition")) == start + len(quote)
    stored = members[next(m for m in members if m.startswith("sources/"))]
    assert stored.decode("utf-8")[start : start + len(quote)] == quote
    # The test can tell the units apart: bytes and UTF-16 units put the quote elsewhere.
    assert len(text[:start].encode("utf-8")) != start
    assert len(text[:start].encode("utf-16-le")) // 2 != start

    with Project(tmp_path / "terug.db") as copy:
        copy.import_project(out)
        rows = codings_in_force(copy)
        assert [(r[1], r[2], r[3]) for r in rows] == [
            (start, start + len(quote), "impact.student"),
            (later, later + len("Dat zie je nu terug in de lessen."),
             "professionalisation.staff_mobility"),
        ]
        segment = copy.segments(include_uncodable=True).set_index("start").loc[start]
        assert segment["text"] == quote
    assert span > 0


MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Pilot" origin="MAXQDA 24">
  <Users>
    <User guid="11111111-1111-4111-8111-111111111111" name="Jolien"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="22222222-2222-4222-8222-222222222222" name="Ouders" isCodable="true">
        <Code guid="22222222-2222-4222-8222-222222222223" name="Zorgen" isCodable="true"/>
      </Code>
    </Codes>
  </CodeBook>
  <Variables>
    <Variable guid="33333333-3333-4333-8333-333333333331" name="College" typeOfVariable="Text"/>
    <Variable guid="33333333-3333-4333-8333-333333333332" name="Region" typeOfVariable="Text"/>
    <Variable guid="33333333-3333-4333-8333-333333333333" name="Aantal studenten"
              typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="44444444-4444-4444-8444-444444444444" name="Case 1">
      <VariableValue>
        <VariableRef targetGUID="33333333-3333-4333-8333-333333333331"/>
        <TextValue>ROC Zeeduin</TextValue>
      </VariableValue>
      <VariableValue>
        <VariableRef targetGUID="33333333-3333-4333-8333-333333333332"/>
        <TextValue>Zeeland</TextValue>
      </VariableValue>
      <VariableValue>
        <VariableRef targetGUID="33333333-3333-4333-8333-333333333333"/>
        <IntegerValue>4200</IntegerValue>
      </VariableValue>
      <SourceRef targetGUID="55555555-5555-4555-8555-555555555555"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="55555555-5555-4555-8555-555555555555" name="zeeduin.txt"
                plainTextPath="internal://55555555-5555-4555-8555-555555555555.txt">
      <PlainTextSelection guid="66666666-6666-4666-8666-666666666661" startPosition="{start}"
          endPosition="{end}" creatingUser="11111111-1111-4111-8111-111111111111"
          creationDateTime="2026-10-02T09:30:00+02:00">
        <Coding guid="77777777-7777-4777-8777-777777777771"
                creatingUser="11111111-1111-4111-8111-111111111111">
          <CodeRef targetGUID="22222222-2222-4222-8222-222222222223"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="66666666-6666-4666-8666-666666666662" startPosition="5"
          endPosition="99999">
        <Coding guid="77777777-7777-4777-8777-777777777772">
          <CodeRef targetGUID="22222222-2222-4222-8222-222222222222"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="88888888-8888-4888-8888-888888888888" name="beleidsplan.pdf"
               path="internal://88888888-8888-4888-8888-888888888888.pdf"/>
  </Sources>
  <Sets>
    <Set guid="99999999-9999-4999-8999-999999999999" name="Selectie"/>
  </Sets>
</Project>
"""
MINIMAL_TEXT = (
    "I: Wat zeggen ouders over een stage in het buitenland?\r\n"
    "R: Ouders maken zich vaak zorgen, vooral bij een eerste reis. Wij nodigen ze uit op school "
    "en dan verdwijnt die zorg meestal.\r\n"
)


def _minimal_qdpx(path: Path, project_qde: str | None = None) -> Path:
    quote = "Ouders maken zich vaak zorgen, vooral bij een eerste reis."
    start = MINIMAL_TEXT.index(quote)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "project.qde",
            project_qde or MINIMAL.replace("{start}", str(start)).replace(
                "{end}", str(start + len(quote))
            ),
        )
        archive.writestr(
            "sources/55555555-5555-4555-8555-555555555555.txt", MINIMAL_TEXT.encode("utf-8")
        )
    return path


def test_a_minimal_qdpx_from_another_tool_is_imported_with_warnings(
    empty_project: Project, tmp_path: Path
) -> None:
    report = empty_project.import_project(_minimal_qdpx(tmp_path / "maxqda.qdpx"))
    assert report.transcripts == ["zeeduin.txt"]
    with empty_project.store.session() as session:
        transcript = session.scalars(select(Transcript)).one()
        assert transcript.text == MINIMAL_TEXT  # kept exactly, \r\n included: offsets stay valid
        assert (transcript.institution, transcript.region) == ("ROC Zeeduin", "Zeeland")
        assert transcript.extra["Aantal studenten"] == "4200"
        roles = {turn.speaker: turn.role for turn in transcript.turns}
    assert roles == {"I": "interviewer", "R": "respondent"}
    assert "ouders.zorgen" in empty_project.codebook()
    rows = codings_in_force(empty_project)
    quote = "Ouders maken zich vaak zorgen, vooral bij een eerste reis."
    start = MINIMAL_TEXT.index(quote)
    assert rows == [("zeeduin.txt", start, start + len(quote), "ouders.zorgen", "Jolien", None)]
    with empty_project.store.session() as session:
        from analysis.store import Coding

        coding = session.scalars(select(Coding)).one()
        assert coding.origin == "imported" and str(coding.created_at) == "2026-10-02 07:30:00"
    warnings = " | ".join(report.warnings)
    assert "99999 lies outside the text" in warnings
    assert "1 PDFSource source(s) not imported" in warnings
    assert "<Sets> not carried over" in warnings


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 dit is geen zip"), "not a REFI-QDA project"),
        (lambda p: p.write_text("<Project/>"), "not a REFI-QDA project"),
        (lambda p: _zip(p, {"readme.txt": b"hallo"}), "has no project.qde"),
        (lambda p: _zip(p, {"project.qde": b"<Project xmlns='urn:QDA-XML:project:1.0'"}),
         "not well-formed XML"),
        (lambda p: _zip(p, {"project.qde": b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>"}),
         "not a REFI-QDA project"),
        # Codes are merged first, then a source's text is missing: everything is rolled back.
        (lambda p: _zip(p, {"project.qde": MINIMAL.replace("{start}", "1").replace("{end}", "2")
                            .encode("utf-8")}),
         "has no 55555555-5555-4555-8555-555555555555.txt"),
    ],
)
def test_a_bad_project_file_gets_a_clear_error_and_changes_nothing(
    sample_project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str], build, message: str
) -> None:
    path = tmp_path / "kapot.qdpx"
    build(path)
    code_sample(sample_project)
    before = snapshot(sample_project)
    with pytest.raises(ExchangeError, match=message):
        sample_project.import_project(path)
    assert snapshot(sample_project) == before
    sample_project.close()
    assert main(["import", "project", str(path), "--project", str(tmp_path / "project.db")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("interviews: kapot.qdpx: ") and "\n" not in err


def _zip(path: Path, members: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
