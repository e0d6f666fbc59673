"""Page "Project en import": open or create a project, import transcripts with their metadata,
see per file what happened, edit metadata and correct speaker roles."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import Project, messages
from analysis.corpus import expand_paths
from analysis.faults import ResourceError, from_os_error
from analysis.ingest import ROLES, SUPPORTED_SUFFIXES
from ui import names, widgets

STATUS_LABELS = {
    "imported": "geïmporteerd",
    "replaced": "vervangen",
    "unchanged": "ongewijzigd",
    "failed": "mislukt",
    "skipped": "overgeslagen",
}
METADATA_SUFFIXES = (".csv", ".yaml", ".yml")
UPLOAD_TYPES = [suffix.lstrip(".") for suffix in (*SUPPORTED_SUFFIXES, *METADATA_SUFFIXES)]


def opener() -> None:
    """Open another project (a SQLite file, created when new, or a database URL)."""
    with (
        st.expander("Ander project openen of nieuw project maken"),
        st.form("open_project", border=False),
    ):
        location = st.text_input(
            "Projectbestand of database-URL",
            value=widgets.project_location(),
            help="Een pad naar een .db-bestand (wordt aangemaakt als het nog niet bestaat) "
            "of een database-URL, bijvoorbeeld postgresql+psycopg://gebruiker@server/project.",
        )
        if st.form_submit_button("Openen", icon=":material/folder_open:"):
            location = location.strip()
            if location:
                st.session_state["project_location"] = location
                st.session_state.pop("import_results", None)
                st.rerun()


def save_uploads(files: list, folder: Path) -> list[Path]:
    """Write the uploaded files into ``folder`` under their own names; a single uploaded CSV is
    the metadata table (the importer reads it as ``metadata.csv``)."""
    written = []
    tables = [f for f in files if Path(f.name).suffix.lower() == ".csv"]
    for upload in files:
        name = Path(upload.name).name
        if len(tables) == 1 and upload is tables[0]:
            name = "metadata.csv"
        path = folder / name
        path.write_bytes(upload.getvalue())
        written.append(path)
    return written


def importer(project: Project) -> None:
    st.subheader("Transcripten importeren")
    st.caption(
        "Word (.docx, .doc), OpenDocument (.odt), RTF, Teams/Zoom (.vtt), ondertitels (.srt), "
        "tekst (.txt, .md) of PDF. "
        "Metadata mag mee: een metadata.csv (kolommen bestand, instelling, datum, respondenten, "
        "rollen, interviewer, sector, regio) of een .yaml per bestand."
    )
    files = st.file_uploader(
        "Bestanden", type=UPLOAD_TYPES, accept_multiple_files=True, key="upload"
    )
    replace = st.checkbox(
        "Gewijzigde bestanden vervangen (coderingen op ongewijzigde passages blijven behouden)",
        key="upload_replace",
    )
    if st.button(
        "Importeren",
        type="primary",
        disabled=not files,
        icon=":material/upload:",
        key="import_button",
    ):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            try:
                save_uploads(files, folder)
            except OSError as error:  # the temporary folder's disk is full or read-only
                fault = from_os_error(error, folder)
                st.error(widgets.escape_markdown(fault.dutch if fault else str(error)))
                return
            total = max(1, len(expand_paths([folder])))
            with st.status("Transcripten importeren…", expanded=True) as status:
                bar = st.progress(0.0)
                done = []

                def progress(path: Path) -> None:
                    bar.progress(len(done) / total, text=f"{path.name} lezen en segmenteren…")
                    done.append(path)

                try:
                    results = project.ingest(
                        [folder], replace=replace, progress=progress, uploaded=True
                    )
                except ResourceError as error:  # the database, not a file: the batch stops
                    status.update(label="Importeren gestopt", state="error")
                    st.error(widgets.escape_markdown(error.dutch))
                    return
                bar.progress(1.0, text="Klaar")
                failed = sum(r.failed for r in results)
                skipped = sum(r.status == "skipped" for r in results)
                status.update(
                    label=messages.say(
                        "import.done", count=len(results), failed=failed, skipped=skipped
                    ),
                    state="error" if failed else "complete",
                    expanded=False,
                )
        widgets.changed(project)
        st.session_state["import_results"] = [
            {
                "bestand": r.path.name,
                "resultaat": STATUS_LABELS.get(r.status, r.status),
                # Text, so that a failed file's counts are empty cells, not "None".
                "segmenten": f"{r.segments:,}".replace(",", ".") if r.segments else "",
                "woorden": f"{r.words:,}".replace(",", ".") if r.words else "",
                "melding": messages.ingest_line(r),
                "waarschuwingen": "; ".join(messages.reason(w) for w in r.warnings),
            }
            for r in results
        ]
    results = st.session_state.get("import_results")
    if results:
        frame = pd.DataFrame(results)
        failed = frame[frame["resultaat"] == STATUS_LABELS["failed"]]
        for row in failed.itertuples():
            st.error(widgets.escape_markdown(f"{row.bestand}: {row.melding}"))
        for row in frame[frame["resultaat"] == STATUS_LABELS["skipped"]].itertuples():
            st.warning(widgets.escape_markdown(f"{row.bestand}: {row.melding}"))
        st.dataframe(
            frame,
            hide_index=True,
            key="import_table",
            column_config={
                "bestand": "Bestand",
                "resultaat": "Resultaat",
                "segmenten": "Passages",
                "woorden": "Woorden",
                "melding": "Melding",
                "waarschuwingen": "Waarschuwingen",
            },
        )
        if len(failed) < len(frame):
            st.info(messages.say("import.next_steps"), icon=":material/arrow_forward:")


def overview(frame: pd.DataFrame) -> None:
    columns = st.columns(4)
    columns[0].metric("Interviews", len(frame))
    columns[1].metric("Instellingen", frame["institution"].nunique())
    columns[2].metric("Segmenten", int(frame["segments"].sum()))
    columns[3].metric("Woorden", f"{int(frame['words'].sum()):,}".replace(",", "."))
    st.dataframe(
        widgets.blank_missing(frame),
        hide_index=True,
        key="transcript_table",
        column_order=[
            "institution",
            "source",
            "date",
            "sector",
            "region",
            "respondents",
            "interviewer",
            "segments",
            "words",
            "warnings",
        ],
        column_config={
            "institution": "Instelling",
            "source": "Bestand",
            "date": "Datum",
            "sector": "Sector",
            "region": "Regio",
            "respondents": "Respondenten",
            "interviewer": "Interviewer",
            "segments": st.column_config.NumberColumn("Segmenten", format="%d"),
            "words": st.column_config.NumberColumn("Woorden", format="%d"),
            "warnings": "Waarschuwingen",
        },
    )


def metadata_editor(project: Project, frame: pd.DataFrame, transcript_id: int) -> None:
    row = frame.set_index("id").loc[transcript_id]
    with st.form(f"metadata_{transcript_id}"):
        left, right = st.columns(2)
        fields = (
            ("name", "Naam"),
            ("institution", "Instelling"),
            ("date", "Datum (JJJJ-MM-DD)"),
            ("interviewer", "Interviewer"),
            ("sector", "Sector"),
            ("region", "Regio"),
        )
        values = {
            field: (left if number % 2 == 0 else right).text_input(
                label, value=widgets.plain(row[field]), key=f"meta_{field}_{transcript_id}"
            )
            for number, (field, label) in enumerate(fields)
        }
        values["respondents"] = st.text_input(
            "Respondenten (gescheiden door ;)",
            value=widgets.plain(row["respondents"]),
            key=f"meta_respondents_{transcript_id}",
        )
        if st.form_submit_button(
            "Metadata opslaan", icon=":material/save:", key=f"meta_save_{transcript_id}"
        ):
            widgets.run_action(
                project,
                lambda: project.update_metadata(transcript_id, **values),
                "Metadata opgeslagen",
            )


def role_editor(project: Project, transcript_id: int) -> None:
    speakers = project.speakers(transcript_id)
    if speakers.empty:
        widgets.empty_state("Dit transcript heeft geen sprekers.")
        return
    st.caption(
        "Wie is interviewer en wie respondent? Alleen wat respondenten zeggen wordt citeerbaar; "
        "een correctie blijft bewaard bij opnieuw segmenteren en importeren."
    )
    with st.form(f"roles_{transcript_id}"):
        choices = {}
        for number, speaker in enumerate(speakers.itertuples()):
            left, right = st.columns([3, 2], vertical_alignment="center")
            left.text(f"{speaker.speaker} ({speaker.turns} beurten)")
            choices[speaker.speaker] = right.selectbox(
                "Rol",
                ROLES,
                index=ROLES.index(speaker.role) if speaker.role in ROLES else 0,
                format_func=widgets.ROLE_LABELS.get,
                key=f"role_{transcript_id}_{number}",
                label_visibility="collapsed",
            )
        if st.form_submit_button(
            "Rollen opslaan", icon=":material/save:", key=f"roles_save_{transcript_id}"
        ):
            current = dict(zip(speakers["speaker"], speakers["role"], strict=True))
            changes = {s: r for s, r in choices.items() if current[s] != r}

            def save() -> None:
                for speaker, role in changes.items():
                    project.set_speaker_role(
                        transcript_id, speaker, role, changed_by=widgets.coder() or None
                    )

            widgets.run_action(
                project, save, "Rollen opgeslagen; het transcript is opnieuw gesegmenteerd"
            )


def deleter(project: Project, transcript_id: int) -> None:
    sure = st.checkbox(
        "Ik weet het zeker: ook de coderingen en notities van dit transcript verdwijnen",
        key=f"delete_sure_{transcript_id}",
    )
    if st.button("Transcript verwijderen", disabled=not sure, icon=":material/delete:"):
        widgets.run_action(
            project, lambda: project.delete_transcript(transcript_id), "Transcript verwijderd"
        )


EXPORTS = {
    "qdpx": ("Project voor ATLAS.ti, NVivo, MAXQDA (REFI-QDA .qdpx)", "project.qdpx"),
    "qdc": ("Codeboek (REFI-QDA .qdc)", "codeboek.qdc"),
    "tables": (
        "Alle tabellen (Excel: citaten, code × instelling, samen voorkomen)",
        "tabellen.xlsx",
    ),
    "quotes": ("Gecodeerde citaten (CSV)", "citaten.csv"),
}


def export_file(project: Project, what: str, path: Path, anonymise: bool) -> None:
    if what == "qdpx":
        project.export_project(path, anonymise=anonymise)
    elif what == "qdc":
        project.export_codebook(path, anonymise=anonymise)
    elif what == "tables":
        project.export_table("tables", path, "xlsx", anonymise=anonymise)
    else:
        project.export_table("quotes", path, "csv", anonymise=anonymise)


def exporter(project: Project) -> None:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    what = left.selectbox(
        "Exporteren", list(EXPORTS), format_func=lambda k: EXPORTS[k][0], key="export_what"
    )
    anonymise = right.checkbox(
        "Pseudonimiseren",
        key="export_anonymise",
        help="Instellingen, respondenten en interviewers krijgen een vaste schuilnaam, "
        "ook in bestandsnamen en metadata.",
    )
    if st.button("Bestand maken", icon=":material/file_export:", key="export_button"):
        name = EXPORTS[what][1]
        with st.spinner("Bestand maken…"), tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            try:
                export_file(project, what, path, anonymise)
            except widgets.USER_ERRORS as error:
                st.error(widgets.escape_markdown(widgets.failure(error)))
                return
            st.session_state["export_file"] = (name, path.read_bytes())
    made = st.session_state.get("export_file")
    if made:
        st.download_button(
            f"{made[0]} downloaden",
            data=made[1],
            file_name=made[0],
            icon=":material/download:",
            key="export_download",
        )


def exchange_importer(project: Project) -> None:
    upload = st.file_uploader(
        "Codeboek of project uit een ander programma (.qdc, .qdpx)",
        type=["qdc", "qdpx"],
        key="exchange_upload",
    )
    if upload is None or not st.button(
        "Inlezen", icon=":material/file_open:", key="exchange_button"
    ):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            if path.suffix.lower() == ".qdc":
                report = project.import_codebook(path)
            else:
                report = project.import_project(path)
        except ResourceError as error:
            st.error(widgets.escape_markdown(error.dutch))
            return
        except widgets.USER_ERRORS as error:
            st.error(widgets.escape_markdown(f"{upload.name}: {error}"))
            return
        finally:
            widgets.changed(project)
    for line in report.lines():
        st.text(line)


def exchange(project: Project) -> None:
    st.subheader("Uitwisselen met andere programma's")
    st.caption(
        "Via de open standaard REFI-QDA (ATLAS.ti, NVivo, MAXQDA, QualCoder) of als Excel-tabel."
    )
    left, right = st.columns(2)
    with left:
        exporter(project)
    with right:
        exchange_importer(project)


def transcript_editor(project: Project, frame: pd.DataFrame) -> None:
    st.subheader("Transcript bewerken")
    transcript_id = widgets.transcript_picker(frame, "edit_transcript")
    metadata_tab, roles_tab, delete_tab = st.tabs(["Metadata", "Sprekers en rollen", "Verwijderen"])
    with metadata_tab:
        metadata_editor(project, frame, transcript_id)
    with roles_tab:
        role_editor(project, transcript_id)
    with delete_tab:
        deleter(project, transcript_id)


def render() -> None:
    project = widgets.project()
    widgets.page_header(
        "Project en import",
        f"Project: {widgets.escape_markdown(widgets.project_title(project.url))}. "
        "Alle gegevens blijven op deze computer.",
    )
    opener()
    importer(project)
    frame = widgets.cached(project, widgets.transcripts)
    st.subheader("Interviews in dit project")
    if frame.empty:
        widgets.empty_state("Nog geen interviews. Importeer hierboven de eerste transcripten.")
    else:
        overview(frame)
        transcript_editor(project, frame)
        names.review(project)
    exchange(project)


render()
