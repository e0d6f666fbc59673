"""REFI-QDA projects (.qdpx): a coded project out to ATLAS.ti, NVivo, MAXQDA or QualCoder, and
back in.

**The archive** is a ZIP with ``project.qde`` and a flat ``sources/`` folder. Each transcript is
a UTF-8 plain-text source ``internal://<GUID>.txt`` holding exactly ``Transcript.text``, so the
offsets of coded selections are our own offsets: Unicode code points, ``[start, end)``.

**What goes in**: coders (and memo authors) as ``Users``; the codebook (see ``qdc``); college
metadata as ``Variables`` and one ``Case`` per college (institution, sector, region, the phase in
force); per interview the date, interviewer, respondents, functions and any other metadata as
variable values of its source; every segment with codings in force by a person as a
``PlainTextSelection`` with one ``Coding`` per coder and code (``creatingUser``,
``creationDateTime``); memos as ``Notes`` referenced from their source, selection, code or coding.
GUIDs are stable: derived from a per-project namespace, or kept from the file a transcript or
code came from, so exporting twice gives the same identities.

**What does not go in** (REFI has no place for it), and the export says so when it applies:
open automatic suggestions, the history of decisions (only those in force), speaker turns,
roles and media times (turns are re-read from the speaker labels in the text on import), topic
runs and report choices.

**Import** takes plain-text sources, codes, coded selections, notes, cases and variables, all in
one transaction: a file that is not a REFI-QDA project changes nothing. A source whose text is
already in the project is not imported twice; its codings join the existing transcript. PDF,
picture, audio and video sources, sets, links and graphs are reported as not carried over.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.codebook_store import code_guids, read_codebook
from analysis.coding import CodingError
from analysis.coding.manual import check_coder, new_batch, own_row, record
from analysis.coding.state import AUTO_CODER, current_codings, full_rows
from analysis.corpus import build_segments, span_question
from analysis.exchange.qdc import (
    CodebookImportReport,
    ExportResult,
    check_schema,
    codes_element,
    merge_codes,
    read_codes,
)
from analysis.exchange.refi import (
    ORIGIN,
    PROJECT_NS,
    ExchangeError,
    child,
    children,
    local,
    normalise_guid,
    parse_datetime,
    parse_xml,
    schema_problems,
    stable_guid,
    write_atomic,
    xml_datetime,
    xml_text,
)
from analysis.exchange.tables import judged_phases
from analysis.ingest import DEFAULT_MAX_BYTES, ParsedTranscript, assign_roles
from analysis.ingest.archive import ArchiveLimits, archive_problem
from analysis.ingest.keys import fold
from analysis.ingest.speakers import parse_turns
from analysis.ingest.txt import NO_LABELS_WARNING
from analysis.nlp import lemmatise
from analysis.pseudonymise import OffsetMap, Pseudonymiser
from analysis.store import (
    Memo,
    Meta,
    PhaseJudgement,
    Segment,
    Transcript,
    Turn,
)

# Identities that must agree between projects (the same coder, the same variable) come from
# one fixed namespace; everything else from the project's own (``exchange:namespace`` in Meta).
_SHARED_NS = "6d0f5b1e-3c1a-5e8f-9b7a-2f6c1d4e8a90"
_NAMESPACE_KEY = "exchange:namespace"
_MAX_MEMBER_BYTES = 200 * 1024 * 1024  # a transcript is kilobytes; this stops a zip bomb
_EXCERPT = 60

# Per-interview variables: (our field, name in the file). Names are Dutch: evaluators read them.
_SOURCE_VARIABLES = (
    ("date", "Datum"), ("interviewer", "Interviewer"), ("respondents", "Respondenten"),
    ("roles", "Functies"), ("sector", "Sector"), ("region", "Regio"),
)
# Variable names other tools use for the same fields, folded.
_FIELD_NAMES = {
    "instelling": "institution", "institution": "institution", "college": "institution",
    "school": "institution", "organisatie": "institution", "organisation": "institution",
    "sector": "sector", "regio": "region", "region": "region", "provincie": "region",
    "fase": "phase", "phase": "phase", "datum": "date", "date": "date",
    "interviewer": "interviewer", "respondenten": "respondents", "respondents": "respondents",
    "respondent": "respondents", "functies": "roles", "functie": "roles", "roles": "roles",
    "role": "roles",
}
_LIST_FIELDS = ("respondents", "roles")


# --- export -------------------------------------------------------------------------------------


@dataclass
class _Ids:
    """GUID factory for one export."""

    namespace: str

    def of(self, *parts: object) -> str:
        return stable_guid(self.namespace, *parts)


def project_namespace(session: Session) -> str:
    """The project's GUID namespace, made on first use and kept in the project."""
    row = session.get(Meta, _NAMESPACE_KEY)
    if row is None:
        row = Meta(key=_NAMESPACE_KEY, value=str(uuid.uuid4()))
        session.add(row)
        session.flush()
    return str(row.value)


def export_project(
    session: Session, path: Path, *, name: str, pseudonymiser: Pseudonymiser | None = None
) -> ExportResult:
    """Write the project as a schema-valid .qdpx archive (see the module docstring)."""
    path = Path(path)
    ids = _Ids(project_namespace(session))
    anon = pseudonymiser
    result = ExportResult(path)
    codebook = read_codebook(session)
    guids = code_guids(session)
    transcripts = sorted(
        session.scalars(select(Transcript)).all(), key=lambda t: (t.institution, t.source_name)
    )
    all_rows = current_codings(session)
    codings = full_rows(
        session, [r for r in all_rows if r.coder != AUTO_CODER and r.status == "accepted"]
    )
    open_suggestions = sum(r.coder == AUTO_CODER and r.status == "suggested" for r in all_rows)
    memos = session.scalars(select(Memo).order_by(Memo.id)).all()
    segments = {
        s.id: s for s in session.scalars(
            select(Segment).where(
                Segment.id.in_({r.segment_id for r in codings} | {m.segment_id for m in memos})
            )
        )
    }

    def person_text(value: str) -> str:
        return anon.text(value) if anon else value

    users = sorted({r.coder for r in codings} | {m.author for m in memos})
    user_guid = {user: stable_guid(_SHARED_NS, "user", person_text(user)) for user in users}
    root = etree.Element(
        _q("Project"), nsmap={None: PROJECT_NS}, origin=ORIGIN,
        name=xml_text(anon.file_name(name) if anon else name),
    )
    if transcripts:
        root.set("creationDateTime", xml_datetime(min(t.imported_at for t in transcripts)))
    if users:
        users_element = etree.SubElement(root, _q("Users"))
        for user in users:
            etree.SubElement(
                users_element, _q("User"), guid=user_guid[user], name=xml_text(person_text(user))
            )

    notes: list[etree._Element] = []
    note_refs: dict[tuple[str, object], list[str]] = defaultdict(list)

    def note(memo_id: object, text: str, author: str, when: datetime | None, title: str,
             target: tuple[str, object], transcript_id: int | None = None) -> None:
        guid = ids.of("note", memo_id)
        element = etree.Element(_q("Note"), guid=guid, name=xml_text(title))
        if author in user_guid:
            element.set("creatingUser", user_guid[author])
        if when is not None:
            element.set("creationDateTime", xml_datetime(when))
        content = anon.text(text, transcript_id=transcript_id) if anon else text
        etree.SubElement(element, _q("PlainTextContent")).text = xml_text(content)
        notes.append(element)
        note_refs[target].append(guid)

    segment_transcript = {s.id: s.transcript_id for s in segments.values()}
    for memo in memos:
        if memo.segment_id is not None and memo.segment_id in segments:
            target, tid = ("segment", memo.segment_id), segment_transcript[memo.segment_id]
        elif memo.transcript_id is not None:
            target, tid = ("transcript", memo.transcript_id), memo.transcript_id
        elif memo.code_key is not None:
            target, tid = ("code", memo.code_key), None
        else:
            continue
        title = f"Memo van {person_text(memo.author)}"
        note(memo.id, memo.text, memo.author, memo.created_at, title, target, tid)
    for row in codings:
        if row.memo:
            note(f"coding-{row.id}", row.memo, row.coder, row.created_at,
                 f"Memo bij codering door {person_text(row.coder)}", ("coding", row.id),
                 segment_transcript.get(row.segment_id))

    codebook_element = etree.SubElement(root, _q("CodeBook"))
    codebook_element.append(
        codes_element(
            codebook, guids, PROJECT_NS, text=person_text,
            note_refs={key: refs for (kind, key), refs in note_refs.items() if kind == "code"},
        )
    )

    phases = judged_phases(session)
    cases = _cases(transcripts, phases)
    variables = _variables(transcripts, cases)
    variables_element = etree.SubElement(root, _q("Variables"))
    for variable_name, kind in variables.items():
        etree.SubElement(
            variables_element, _q("Variable"), guid=_variable_guid(variable_name),
            name=variable_name, typeOfVariable=kind,
        )

    source_guid = {t.id: _source_guid(t, ids) for t in transcripts}
    cases_element = etree.SubElement(root, _q("Cases"))
    for institution, (values, members) in cases.items():
        case = etree.SubElement(
            cases_element, _q("Case"), guid=ids.of("case", institution),
            name=xml_text(anon.institution(institution) if anon else institution),
        )
        for variable_name, value in values.items():
            if anon and variable_name == "Instelling":
                value = anon.institution(str(value))
            elif anon and isinstance(value, str):
                value = anon.text(value)
            _variable_value(case, variable_name, value, variables[variable_name])
        for member in members:
            etree.SubElement(case, _q("SourceRef"), targetGUID=source_guid[member.id])

    by_segment: dict[int, list] = defaultdict(list)
    for row in codings:
        by_segment[row.segment_id].append(row)
    sources_element = etree.SubElement(root, _q("Sources"))
    files: dict[str, bytes] = {}
    selections = 0
    for transcript in transcripts:
        guid = source_guid[transcript.id]
        if anon:
            text, offsets = anon.text_with_offsets(transcript.text, transcript_id=transcript.id)
            source_name = anon.file_name(transcript.source_name)
        else:
            text, offsets, source_name = transcript.text, OffsetMap([]), transcript.source_name
        files[f"sources/{guid}.txt"] = text.encode("utf-8")
        source = etree.SubElement(
            sources_element, _q("TextSource"), guid=guid, name=xml_text(source_name),
            plainTextPath=f"internal://{guid}.txt",
            creationDateTime=xml_datetime(transcript.imported_at),
        )
        own = sorted(
            (s for s in segments.values() if s.transcript_id == transcript.id),
            key=lambda s: (s.start, s.end, s.id),
        )
        for segment in own:
            rows = sorted(by_segment.get(segment.id, []), key=lambda r: (r.created_at, r.id))
            refs = note_refs.get(("segment", segment.id), [])
            if not rows and not refs:
                continue
            start, end = offsets.start(segment.start), offsets.end(segment.end)
            selection = etree.SubElement(
                source, _q("PlainTextSelection"), guid=ids.of("selection", guid, start, end),
                name=xml_text(_excerpt(text[start:end])),
                startPosition=str(start), endPosition=str(end),
            )
            if rows:
                selection.set("creatingUser", user_guid[rows[0].coder])
                selection.set("creationDateTime", xml_datetime(rows[0].created_at))
            for row in rows:
                coding = etree.SubElement(
                    selection, _q("Coding"), guid=ids.of("coding", row.id),
                    creatingUser=user_guid[row.coder],
                    creationDateTime=xml_datetime(row.created_at),
                )
                etree.SubElement(coding, _q("CodeRef"), targetGUID=guids[row.code_key])
                for ref in note_refs.get(("coding", row.id), []):
                    etree.SubElement(coding, _q("NoteRef"), targetGUID=ref)
            for ref in refs:
                etree.SubElement(selection, _q("NoteRef"), targetGUID=ref)
            selections += 1
        for ref in note_refs.get(("transcript", transcript.id), []):
            etree.SubElement(source, _q("NoteRef"), targetGUID=ref)
        case_values = cases[transcript.institution][0]
        for variable_name, value in _source_values(transcript, case_values).items():
            if anon:
                value = _anonymise_value(anon, variable_name, value, transcript.id)
            _variable_value(source, variable_name, value, variables[variable_name])
    if not transcripts:
        root.remove(sources_element)
        root.remove(cases_element)
    if notes:
        notes_element = etree.SubElement(root, _q("Notes"))
        notes_element.extend(notes)
    if anon:
        etree.SubElement(root, _q("Description")).text = (
            "Gepseudonimiseerde export: namen van instellingen, respondenten en interviewers "
            "zijn vervangen."
        )

    result.counts = {
        "sources": len(transcripts), "codes": len(codebook.codes), "coded selections": selections,
        "codings": len(codings), "notes": len(notes), "users": len(users),
    }
    if open_suggestions:
        result.warnings.append(
            f"{open_suggestions} open automatic suggestions are not exported "
            "(REFI-QDA has no suggestions); accept them first to include them"
        )
    result.warnings.extend(check_schema(root, path))
    write_atomic(path, _zip({"project.qde": _document(root), **files}))
    return result


def _q(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def _document(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _zip(members: dict[str, bytes]) -> bytes:
    """A deterministic ZIP (fixed member dates, sorted names): same project, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(members, key=lambda m: (m != "project.qde", m)):
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, members[member])
    return buffer.getvalue()


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1].rstrip() + "…"


def _source_guid(transcript: Transcript, ids: _Ids) -> str:
    kept = normalise_guid((transcript.extra or {}).get("refi_guid"))
    return kept or ids.of("source", transcript.sha256, transcript.source_name)


def _cases(
    transcripts: list[Transcript], phases: dict[str, int]
) -> dict[str, tuple[dict[str, object], list[Transcript]]]:
    """One case per college: its variables (from its first interview) and its interviews."""
    cases: dict[str, tuple[dict[str, object], list[Transcript]]] = {}
    for transcript in transcripts:
        if transcript.institution not in cases:
            values: dict[str, object] = {"Instelling": transcript.institution}
            if transcript.sector:
                values["Sector"] = transcript.sector
            if transcript.region:
                values["Regio"] = transcript.region
            if transcript.institution in phases:
                values["Fase"] = phases[transcript.institution]
            cases[transcript.institution] = (values, [])
        cases[transcript.institution][1].append(transcript)
    return cases


def _source_values(transcript: Transcript, case_values: dict[str, object]) -> dict[str, object]:
    """An interview's own variable values; sector and region only where they differ from the
    college's case."""
    values: dict[str, object] = {}
    for field_name, variable_name in _SOURCE_VARIABLES:
        value = getattr(transcript, field_name)
        if field_name in _LIST_FIELDS:
            value = "; ".join(value or [])
        if value in (None, ""):
            continue
        if variable_name in ("Sector", "Regio") and case_values.get(variable_name) == value:
            continue
        values[variable_name] = value
    for key, value in sorted((transcript.extra or {}).items()):
        if key == "refi_guid" or value in (None, "", [], {}):
            continue
        values[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return values


def _variables(transcripts: list[Transcript], cases: dict) -> dict[str, str]:
    """Every variable used, with its REFI type (the phase is an integer, the rest text)."""
    names: dict[str, str] = {}
    for values, _ in cases.values():
        for variable_name in values:
            names.setdefault(variable_name, "Integer" if variable_name == "Fase" else "Text")
    for transcript in transcripts:
        for variable_name in _source_values(transcript, cases[transcript.institution][0]):
            names.setdefault(variable_name, "Text")
    if not names:
        names["Instelling"] = "Text"  # <Variables> needs at least one
    return names


def _variable_guid(name: str) -> str:
    return stable_guid(_SHARED_NS, "variable", name)


def _variable_value(parent: etree._Element, name: str, value: object, kind: str) -> None:
    element = etree.SubElement(parent, _q("VariableValue"))
    etree.SubElement(element, _q("VariableRef"), targetGUID=_variable_guid(name))
    tag = "IntegerValue" if kind == "Integer" else "TextValue"
    etree.SubElement(element, _q(tag)).text = xml_text(value)


def _anonymise_value(anon: Pseudonymiser, name: str, value: object, transcript_id: int) -> object:
    if name == "Interviewer":
        return "; ".join(anon.person(part.strip()) for part in str(value).split(";"))
    if name == "Respondenten":
        return "; ".join(anon.person(part.strip()) for part in str(value).split(";"))
    return anon.text(str(value), transcript_id=transcript_id)


# --- import -------------------------------------------------------------------------------------


@dataclass
class ProjectImportReport:
    """What importing a .qdpx did, and what it could not carry over."""

    source: str
    transcripts: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # sources already in the project
    codings: int = 0
    already_coded: int = 0
    memos: int = 0
    codebook: CodebookImportReport | None = None
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"{self.source}: {len(self.transcripts)} transcripts imported, "
            f"{len(self.merged)} already present, {self.codings} codings "
            f"({self.already_coded} already present), {self.memos} memos"
        ]
        lines += [f"  transcript  {name}" for name in self.transcripts]
        lines += [f"  present     {name}" for name in self.merged]
        if self.codebook is not None:
            lines += ["  codebook: " + self.codebook.lines()[0].split(": ", 1)[1]]
            lines += ["  " + line for line in self.codebook.lines()[1:]]
        lines += [f"  warning     {w}" for w in self.warnings]
        return lines


@dataclass
class _Context:
    """What the parts of an import share while it runs."""

    path: Path
    archive: zipfile.ZipFile
    report: ProjectImportReport
    users: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    notes: dict[str, tuple[str, str | None, datetime | None]] = field(default_factory=dict)
    code_keys: dict[str, str] = field(default_factory=dict)
    batch: str = field(default_factory=new_batch)


def import_project(session: Session, path: Path) -> ProjectImportReport:
    """Import a .qdpx archive into the project inside the caller's transaction."""
    path = Path(path)
    if path.exists() and not path.is_file():  # a pipe would block, a device never end
        raise ExchangeError(path, "is not a regular file; not read")
    try:
        problem = archive_problem(path, ArchiveLimits.for_max_bytes(DEFAULT_MAX_BYTES))
        if problem:
            raise ExchangeError(path, f"refused before reading: {problem}")
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise ExchangeError(path, "file not found") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise ExchangeError(path, "not a REFI-QDA project (.qdpx is a ZIP archive)") from error
    with archive:
        root = parse_xml(_member(archive, path, "project.qde"), path)
        if local(root) != "Project" or not (etree.QName(root).namespace or "").startswith(
            "urn:QDA-XML:project"
        ):
            raise ExchangeError(
                path, f"not a REFI-QDA project (project.qde has <{local(root) or root.tag}>, "
                "expected <Project> in namespace urn:QDA-XML:project:1.0)"
            )
        context = _Context(path, archive, ProjectImportReport(path.name))
        problems = schema_problems(root)
        if problems:
            context.report.warnings.append(
                f"project.qde does not follow the REFI-QDA schema ({problems[0]}); "
                "imported what could be read"
            )
        _read_users(root, context)
        _read_variables(root, context)
        _read_notes(root, context)
        codebook = child(root, "CodeBook")
        codes = child(codebook, "Codes") if codebook is not None else None
        if codes is not None:
            context.report.codebook = merge_codes(session, read_codes(codes), path.name)
            context.code_keys = dict(context.report.codebook.keys)
            _code_memos(session, codes, context)
        cases = _read_cases(root, context)
        sources = child(root, "Sources")
        skipped: dict[str, int] = defaultdict(int)
        for source in sources if sources is not None else []:
            kind = local(source)
            if kind == "TextSource":
                case = cases.get(normalise_guid(source.get("guid")) or "")
                _import_source(session, source, case, context)
            elif kind:
                skipped[kind] += 1
        for kind, number in sorted(skipped.items()):
            context.report.warnings.append(
                f"{number} {kind} source(s) not imported: only plain-text sources can be analysed"
            )
        for part in ("Sets", "Links", "Graphs"):
            if child(root, part) is not None:
                context.report.warnings.append(f"<{part}> not carried over (no counterpart here)")
        _refuse_if_no_coding_came_over(root, context)
        return context.report


def _refuse_if_no_coding_came_over(root: etree._Element, context: _Context) -> None:
    """An archive whose codings all fail (duplicate code GUIDs, codes it never defines) would
    import its texts and report success while the work in it is lost: refuse it whole."""
    report = context.report
    total = sum(1 for _ in root.iterfind(".//{*}Sources//{*}Coding"))
    if not total or report.codings or report.already_coded:
        return
    reasons = [*(report.codebook.skipped if report.codebook else []), *report.warnings]
    reason = f" (first problem: {reasons[0]})" if reasons else ""
    raise ExchangeError(
        context.path,
        f"none of its {total} codings could be imported{reason}; nothing was imported",
    )


def _member(archive: zipfile.ZipFile, path: Path, name: str) -> bytes:
    """One archive member by name (case-insensitive, at the root or one folder down)."""
    wanted = name.lower()
    for info in archive.infolist():
        if info.filename.lower() == wanted or PurePosixPath(info.filename).name.lower() == wanted:
            if info.file_size > _MAX_MEMBER_BYTES:
                raise ExchangeError(path, f"{info.filename} is too large to be a transcript")
            return archive.read(info)
    raise ExchangeError(path, f"not a REFI-QDA project: the archive has no {name}")


def _read_users(root: etree._Element, context: _Context) -> None:
    users = child(root, "Users")
    for user in children(users, "User") if users is not None else []:
        guid = normalise_guid(user.get("guid"))
        if guid:
            context.users[guid] = (user.get("name") or user.get("id") or "").strip()


def _read_variables(root: etree._Element, context: _Context) -> None:
    variables = child(root, "Variables")
    for variable in children(variables, "Variable") if variables is not None else []:
        guid = normalise_guid(variable.get("guid"))
        if guid and variable.get("name"):
            context.variables[guid] = variable.get("name").strip()


def _read_notes(root: etree._Element, context: _Context) -> None:
    notes = child(root, "Notes")
    for note in children(notes, "Note") if notes is not None else []:
        guid = normalise_guid(note.get("guid"))
        text = _text_content(note, context)
        if guid and text:
            author = context.users.get(normalise_guid(note.get("creatingUser")) or "")
            context.notes[guid] = (text, author, parse_datetime(note.get("creationDateTime")))


def _text_content(element: etree._Element, context: _Context) -> str | None:
    """The plain text of a source or note: inline, or an internal file of the archive."""
    inline = child(element, "PlainTextContent")
    if inline is not None:
        return inline.text or ""
    target = element.get("plainTextPath") or ""
    if not target.startswith("internal://"):
        return None
    data = _member(context.archive, context.path, target.removeprefix("internal://"))
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise ExchangeError(context.path, f"{target} is not UTF-8 text") from error


def _variable_values(element: etree._Element, context: _Context) -> dict[str, str]:
    values = {}
    for value in children(element, "VariableValue"):
        name = context.variables.get(_target(value, "VariableRef"))
        content = [c for c in value if local(c).endswith("Value") and local(c) != "VariableValue"]
        if name and content and content[0].text is not None:
            values[name] = content[0].text.strip()
    return values


def _read_cases(root: etree._Element, context: _Context) -> dict[str, dict[str, str]]:
    """Per source GUID, the variables of the case it belongs to (the case name as college)."""
    cases = child(root, "Cases")
    result: dict[str, dict[str, str]] = {}
    for case in children(cases, "Case") if cases is not None else []:
        values = _variable_values(case, context)
        if case.get("name") and not any(_FIELD_NAMES.get(fold(n)) == "institution" for n in values):
            values["Instelling"] = case.get("name").strip()
        for ref in children(case, "SourceRef"):
            guid = normalise_guid(ref.get("targetGUID"))
            if guid and guid not in result:
                result[guid] = values
    return result


def _metadata(values: dict[str, str]) -> tuple[dict[str, object], dict[str, object], int | None]:
    """Our fields, the other metadata (to ``extra``) and the phase, from variable values."""
    fields: dict[str, object] = {}
    extra: dict[str, object] = {}
    phase = None
    for name, value in values.items():
        known = _FIELD_NAMES.get(fold(name))
        if known == "phase":
            digits = "".join(ch for ch in value if ch.isdigit())
            phase = int(digits) if digits and 1 <= int(digits) <= 4 else None
        elif known in _LIST_FIELDS:
            fields[known] = [part.strip() for part in value.split(";") if part.strip()]
        elif known:
            fields[known] = value
        else:
            extra[name] = _maybe_json(value)
    return fields, extra, phase


def _maybe_json(value: str) -> object:
    """Structured metadata was written as JSON text; read it back as such."""
    if value.startswith(("{", "[")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _import_source(
    session: Session, source: etree._Element, case: dict[str, str] | None, context: _Context
) -> None:
    name = (source.get("name") or "").strip() or f"bron {source.get('guid')}"
    text = _text_content(source, context)
    if text is None:
        context.report.warnings.append(
            f"{name}: not imported (no plain text in the archive; rich text and external files "
            "are not supported)"
        )
        return
    if not text.strip():
        context.report.warnings.append(f"{name}: not imported (empty text)")
        return
    guid = normalise_guid(source.get("guid"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    transcript = _same_text(session, text, digest)
    if transcript is not None:
        context.report.merged.append(f"{name} (as {transcript.source_name})")
    else:
        values = {**(case or {}), **_variable_values(source, context)}
        transcript = _new_transcript(session, name, text, digest, guid, values, context)
        context.report.transcripts.append(transcript.source_name)
    for selection in children(source, "PlainTextSelection"):
        _import_selection(session, transcript, selection, context)
    for element in children(source, "Coding"):
        context.report.warnings.append(
            f"{name}: a coding of the whole source ({_code_name(element, context)}) was not "
            "imported; code passages instead"
        )
    for ref in children(source, "NoteRef"):
        _memo(session, ref, context, transcript_id=transcript.id)


def _same_text(session: Session, text: str, digest: str) -> Transcript | None:
    """A transcript with exactly this text: imported from this kind of file before (same
    digest), or ingested from the original file (same length, then compared)."""
    candidates = session.scalars(
        select(Transcript).where(
            (Transcript.sha256 == digest) | (func.length(Transcript.text) == len(text))
        )
    )
    return next((t for t in candidates if t.text == text), None)


def _new_transcript(
    session: Session, name: str, text: str, digest: str, guid: str | None,
    values: dict[str, str], context: _Context,
) -> Transcript:
    fields, extra, phase = _metadata(values)
    source_name = _free_name(session, name)
    if guid:
        extra["refi_guid"] = guid
    institution = str(fields.get("institution") or PurePosixPath(name).stem)
    # Turns are re-read from the speaker labels in the text; the text itself is kept exactly,
    # so that the file's offsets stay valid.
    people = [*fields.get("respondents", []), *str(fields.get("interviewer") or "").split(";")]
    parse = parse_turns(text, known=[p.strip() for p in people if p.strip()])
    parsed = ParsedTranscript(text=text, turns=parse.turns, format="txt", metadata=dict(fields))
    assign_roles(parsed)
    transcript = Transcript(
        name=PurePosixPath(source_name).stem, source_name=source_name, sha256=digest,
        source_path=source_name,  # no folder in an archive: known by name, as uploads are
        format="txt", text=text, institution=institution,
        date=fields.get("date"), interviewer=fields.get("interviewer"),
        sector=fields.get("sector"), region=fields.get("region"),
        respondents=fields.get("respondents", []), roles=fields.get("roles", []),
        extra=extra, warnings=[] if parse.labelled else [NO_LABELS_WARNING],
    )
    session.add(transcript)
    for index, turn in enumerate(parsed.turns):
        transcript.turns.append(
            Turn(index=index, speaker=turn.speaker, role=turn.role or "respondent",
                 start=turn.start, end=turn.end, media_start=turn.media_start)
        )
    session.flush()
    build_segments(session, transcript)
    if phase is not None and judged_phases(session).get(institution) != phase:
        session.add(PhaseJudgement(
            institution=institution, phase=phase, assessor="import",
            note=f"fase uit {context.path.name}",
        ))
    return transcript


def _free_name(session: Session, name: str) -> str:
    """``name``, or ``name (2)`` ... when a different transcript already has it."""
    path = PurePosixPath(name)
    candidate, number = name, 2
    while session.scalar(select(func.count()).where(Transcript.source_name == candidate)):
        candidate, number = f"{path.stem} ({number}){path.suffix}", number + 1
    return candidate


def _import_selection(
    session: Session, transcript: Transcript, selection: etree._Element, context: _Context
) -> None:
    where = f"{transcript.source_name}, selection {selection.get('guid')}"
    try:
        start = int(selection.get("startPosition"))
        end = int(selection.get("endPosition"))
    except (TypeError, ValueError):
        context.report.warnings.append(f"{where}: no valid start and end; skipped")
        return
    if not 0 <= start < end <= len(transcript.text):
        context.report.warnings.append(
            f"{where}: {start}-{end} lies outside the text (0-{len(transcript.text)}); skipped"
        )
        return
    segment = _segment_for(session, transcript, start, end)
    if segment is None:
        context.report.warnings.append(f"{where}: {start}-{end} holds only white space; skipped")
        return
    default_user = selection.get("creatingUser")
    default_time = selection.get("creationDateTime")
    for element in children(selection, "Coding"):
        key = context.code_keys.get(_target(element, "CodeRef"))
        if key is None:
            context.report.warnings.append(f"{where}: a coding refers to an unknown code; skipped")
            continue
        coder = _coder(element.get("creatingUser") or default_user, context)
        when = parse_datetime(element.get("creationDateTime") or default_time)
        memo = "\n\n".join(
            context.notes[g][0] for r in children(element, "NoteRef")
            if (g := normalise_guid(r.get("targetGUID"))) in context.notes
        ) or None
        mine = own_row(session, segment.id, key, coder)
        if mine is not None and mine.status == "accepted":
            context.report.already_coded += 1
            continue
        row = record(
            session, segment_id=segment.id, code_key=key, coder=coder, origin="imported",
            status="accepted", batch=context.batch, rationale={"source": context.path.name},
            memo=memo, replaces_id=mine.id if mine is not None else None,
        )
        if when is not None:
            row.created_at = when  # the decision was made then, in the other tool
        context.report.codings += 1
    for ref in children(selection, "NoteRef"):
        _memo(session, ref, context, segment_id=segment.id)


def _segment_for(session: Session, transcript: Transcript, start: int, end: int) -> Segment | None:
    """The segment with exactly these offsets, else a hand-cut span for them (trimmed of white
    space, attached to the turn it starts in)."""
    chosen = transcript.text[start:end]
    trimmed_start = start + len(chosen) - len(chosen.lstrip())
    trimmed_end = end - (len(chosen) - len(chosen.rstrip()))
    if trimmed_start >= trimmed_end:
        return None
    for a, b in ((start, end), (trimmed_start, trimmed_end)):
        found = session.scalars(
            select(Segment).where(
                Segment.transcript_id == transcript.id, Segment.start == a, Segment.end == b
            )
        ).first()
        if found is not None:
            return found
    turns = sorted(transcript.turns, key=lambda t: t.index)
    turn = next((t for t in turns if t.start <= trimmed_start < t.end), None)
    if turn is None:
        before = [t for t in turns if t.start <= trimmed_start]
        turn = before[-1] if before else (turns[0] if turns else None)
    if turn is None:
        return None
    segment = Segment(
        transcript_id=transcript.id, turn_id=turn.id,
        question_turn_id=span_question(transcript, turn),
        index=max((s.index for s in transcript.segments), default=-1) + 1,
        start=trimmed_start, end=trimmed_end, text=transcript.text[trimmed_start:trimmed_end],
        lemmas=" ".join(lemmatise([transcript.text[trimmed_start:trimmed_end]])[0]),
        codable=True, kind="span",
    )
    session.add(segment)
    session.flush()
    return segment


def _coder(user_guid: str | None, context: _Context) -> str:
    """The coder's name from the file's users; a usable name even when the file has none."""
    name = context.users.get(normalise_guid(user_guid) or "", "") or "onbekende codeur"
    try:
        return check_coder(name)
    except CodingError:
        return check_coder(f"{name[:80]} (import)")


def _code_name(element: etree._Element, context: _Context) -> str:
    return context.code_keys.get(_target(element, "CodeRef"), "?")


def _target(element: etree._Element, name: str) -> str:
    """The normalised ``targetGUID`` of a reference child (``CodeRef``, ...), or ""."""
    ref = child(element, name)
    return (normalise_guid(ref.get("targetGUID")) if ref is not None else None) or ""


def _memo(session: Session, ref: etree._Element, context: _Context, **target: object) -> None:
    note = context.notes.get(normalise_guid(ref.get("targetGUID")) or "")
    if note is None:
        return
    text, author, when = note
    author = author or "import"
    same = select(Memo.id).where(Memo.author == author, Memo.text == text)
    for column, value in target.items():
        same = same.where(getattr(Memo, column) == value)
    if session.scalar(same.limit(1)) is not None:
        return  # imported before: the same note on the same thing
    memo = Memo(author=author, text=text, **target)
    if when is not None:
        memo.created_at = when
    session.add(memo)
    context.report.memos += 1


def _code_memos(session: Session, codes: etree._Element, context: _Context) -> None:
    for element in (e for e in codes.iter() if local(e) == "Code"):
        key = context.code_keys.get(normalise_guid(element.get("guid")) or "")
        if key is None:
            continue
        for ref in children(element, "NoteRef"):
            _memo(session, ref, context, code_key=key)

