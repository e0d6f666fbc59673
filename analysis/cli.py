"""The ``interviews`` command: a thin shell over ``analysis.Project``.

Every sub-command opens the project (``--project``: a SQLite path, default ``./interviews.db``,
or a database URL), calls one façade method and prints the result. User mistakes end in one
clear line on stderr and a non-zero exit code, never in a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from analysis.codebook import CodebookError
from analysis.ingest import IngestError
from analysis.project import DEFAULT_PROJECT, Project, ProjectError
from analysis.store import StoreError

USER_ERRORS = (ProjectError, StoreError, CodebookError, IngestError, FileNotFoundError, ValueError)
Command = Callable[[argparse.Namespace, Project], int]


def _print_table(frame, columns: Sequence[str]) -> None:  # noqa: ANN001 (a DataFrame)
    if frame.empty:
        print("(nothing)")
        return
    print(frame[list(columns)].to_string(index=False, max_colwidth=60))


# --- ingest and transcripts ----------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, project: Project) -> int:
    from analysis.corpus import expand_paths

    files = expand_paths(args.paths)
    bar = tqdm(total=len(files), unit="file", disable=args.quiet or len(files) < 2, file=sys.stderr)
    results = project.ingest(
        args.paths,
        replace=args.replace,
        max_bytes=int(args.max_mb * 1024 * 1024),
        progress=lambda _path: bar.update(1),
    )
    bar.close()
    for result in results:
        stream = sys.stderr if result.failed else sys.stdout
        marker = {"failed": "FAILED", "unchanged": "unchanged", "replaced": "replaced"}.get(
            result.status, "imported"
        )
        print(f"{marker:>9}  {result.line()}", file=stream)
    failed = sum(r.failed for r in results)
    imported = sum(r.status in ("imported", "replaced") for r in results)
    print(f"{imported} imported, {sum(r.status == 'unchanged' for r in results)} unchanged, {failed} failed")
    return 1 if failed else 0


def cmd_transcripts(args: argparse.Namespace, project: Project) -> int:
    frame = project.transcripts()
    _print_table(
        frame,
        ["id", "source", "institution", "date", "sector", "region", "turns", "segments", "words"],
    )
    if not frame.empty:
        print(f"{len(frame)} transcripts, {frame['segments'].sum()} segments, {frame['words'].sum()} words")
    return 0


def cmd_export(args: argparse.Namespace, project: Project) -> int:
    rows = project.export_segments(args.output, args.format)
    print(f"wrote {rows} segments to {args.output}")
    return 0


def _add_ingest(sub: _WithProject) -> None:
    p = sub.add_parser("ingest", help="import transcripts (files or folders)")
    p.add_argument("paths", nargs="+", type=Path, help="transcript files or folders")
    p.add_argument("--replace", action="store_true", help="replace changed files already imported")
    p.add_argument("--max-mb", type=float, default=20, help="size limit per file in MB (default 20)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("transcripts", help="list imported transcripts with counts")
    p.set_defaults(func=cmd_transcripts)


def _add_export(sub: _WithProject) -> None:
    p = sub.add_parser("export", help="export tables from the project")
    p.add_argument("what", choices=["segments"], help="what to export")
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    p.add_argument("-o", "--output", type=Path, required=True, help="output file")
    p.set_defaults(func=cmd_export)


# --- coding (issue 3) ----------------------------------------------------------------------

# --- topics (issue 4) ----------------------------------------------------------------------

# --- phases and report (issue 5) -----------------------------------------------------------

# --- ask (issue 6) -------------------------------------------------------------------------

# --- entry point ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviews",
        description="Analyse evaluation interviews: import, code, explore and report.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_ingest, _add_export):
        add(_WithProject(sub))
    return parser


class _WithProject:
    """Gives every sub-command the ``--project`` option, so it may follow the command's words."""

    def __init__(self, sub: argparse._SubParsersAction) -> None:
        self._sub = sub

    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser:
        parser = self._sub.add_parser(name, **kwargs)
        parser.add_argument(
            "--project",
            default=DEFAULT_PROJECT,
            help=f"project database: a SQLite file (default ./{DEFAULT_PROJECT}) or a database URL",
        )
        return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with Project(args.project) as project:
            return args.func(args, project)
    except USER_ERRORS as error:
        print(f"interviews: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interviews: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
