"""The ``interviews`` command: a thin shell over ``analysis.Project``.

Every sub-command opens the project (``--project``: a SQLite path, default ``./interviews.db``,
or a database URL), calls one façade method and prints the result. User mistakes end in one
clear line on stderr and a non-zero exit code, never in a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.locations import DEFAULT_PROJECT
from analysis.names.cli import add_names  # argparse only

if TYPE_CHECKING:
    from analysis.project import Project

# Only the standard library is loaded until the arguments are parsed: `interviews --help` and a
# mistyped option answer at once. Each command imports what it uses inside its function (the
# import guard in tests/test_startup.py fails when spaCy, torch, scikit-learn ... load early).
Command = Callable[[argparse.Namespace, "Project"], int]


def _user_errors() -> tuple[type[Exception], ...]:
    """The exceptions that are the user's mistake: one line on stderr, no traceback."""
    from analysis.codebook import CodebookError
    from analysis.faults import ResourceError
    from analysis.ingest import IngestError
    from analysis.project import ProjectError
    from analysis.store import StoreError

    return (
        ProjectError, StoreError, CodebookError, IngestError, ResourceError, FileNotFoundError,
        ValueError,
    )


MAX_COLWIDTH = 60  # longer cells end in "..."


def _print_table(frame, columns: Sequence[str]) -> None:
    if frame.empty:
        print("(nothing)")
        return
    print(frame[list(columns)].to_string(index=False, max_colwidth=MAX_COLWIDTH))


def _print_rows(rows: Sequence[dict], columns: Sequence[str]) -> None:
    """Print rows of integers and texts as :func:`_print_table` prints their DataFrame, without
    pandas (its import is most of what a listing costs).

    pandas' rules for such columns: cells right-aligned, one space apart; a number column's
    header gets one space in front; tabs and line breaks show as ``\\t`` and ``\\n``; a text
    longer than ``MAX_COLWIDTH`` is cut to end in "..."; a missing text is ``NaN``, or ``None``
    when the column holds no text at all. tests/test_cli.py compares the two.
    """
    if not rows:
        print("(nothing)")
        return
    cells: list[list[str]] = []
    for column in columns:
        values = [row[column] for row in rows]
        numeric = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        missing = "None" if all(v is None for v in values) else "NaN"
        texts = [_cell(v, missing) for v in values]
        header = f" {column}" if numeric else column
        width = max(len(header), *(len(t) for t in texts))
        cells.append([header.rjust(width), *(t.rjust(width) for t in texts)])
    print("\n".join(" ".join(line) for line in zip(*cells, strict=True)))


def _cell(value: object, missing: str) -> str:
    if value is None:
        return missing
    text = str(value).replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= MAX_COLWIDTH else text[: MAX_COLWIDTH - 3] + "..."


# --- ingest and transcripts ----------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, project: Project) -> int:
    from tqdm import tqdm

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
        stream = sys.stderr if result.status in ("failed", "skipped") else sys.stdout
        marker = {
            "failed": "FAILED", "skipped": "skipped", "unchanged": "unchanged",
            "replaced": "replaced",
        }.get(result.status, "imported")
        print(f"{marker:>9}  {result.line()}", file=stream)
    failed = sum(r.failed for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    imported = sum(r.status in ("imported", "replaced") for r in results)
    print(
        f"{imported} imported, {sum(r.status == 'unchanged' for r in results)} unchanged, "
        f"{failed} failed, {skipped} skipped"
    )
    return 1 if failed or skipped else 0  # 1: some file in the batch is not in the project


TRANSCRIPT_LISTING = [
    "id", "source", "institution", "date", "sector", "region", "turns", "segments", "words",
]


def cmd_transcripts(args: argparse.Namespace, project: Project) -> int:
    rows = project.transcript_rows()  # not the DataFrame: the listing needs no pandas
    _print_rows(rows, TRANSCRIPT_LISTING)
    if rows:
        print(
            f"{len(rows)} transcripts, {sum(r['segments'] for r in rows)} segments, "
            f"{sum(r['words'] for r in rows)} words"
        )
    return 0


def cmd_export(args: argparse.Namespace, project: Project) -> int:
    return export_any(args, project)  # see the exchange section below


def _add_ingest(sub: _WithProject) -> None:
    p = sub.add_parser("ingest", help="import transcripts (files or folders)")
    p.add_argument("paths", nargs="+", type=Path, help="transcript files or folders")
    p.add_argument("--replace", action="store_true", help="replace changed files already imported")
    p.add_argument(
        "--max-mb", type=float, default=20, help="size limit per file in MB (default 20)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("transcripts", help="list imported transcripts with counts")
    p.set_defaults(func=cmd_transcripts)


def _add_export(sub: _WithProject) -> None:
    p = sub.add_parser("export", help="export tables, the codebook (.qdc) or the project (.qdpx)")
    p.add_argument("what", choices=sorted(EXPORT_FORMATS), help="what to export")
    p.add_argument(
        "--format",
        choices=sorted({f for fs in EXPORT_FORMATS.values() for f in fs}),
        help="file format (default: from the file name, else the first one for WHAT)",
    )
    p.add_argument("-o", "--output", type=Path, required=True, help="output file")
    p.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="replace college, respondent and interviewer names by pseudonyms",
    )
    p.add_argument(
        "--binary", action="store_true", help="matrix: 0/1 presence instead of counts (CSV)"
    )
    p.set_defaults(func=cmd_export)


# --- coding (issue 3) ----------------------------------------------------------------------


def _number(value: float) -> str:
    """A figure for a table; NaN (undefined, e.g. kappa when nobody used the code) as '-'."""
    return "-" if value != value else f"{value:.2f}"  # NaN is the only value unequal to itself


def _warn_remote(args: argparse.Namespace, project: Project) -> None:
    """With --allow-remote and a server off this computer: say that interview text leaves it."""
    if getattr(args, "no_llm", False) or not args.allow_remote:
        return
    from analysis.llm.config import remote_warning

    config = project.llm_config(allow_remote=True)
    warning = remote_warning(config) if config is not None else None
    if warning:
        print(f"interviews: {warning}", file=sys.stderr)


def cmd_code(args: argparse.Namespace, project: Project) -> int:
    if args.threshold is not None:
        project.set_threshold(None, args.threshold)
    from tqdm import tqdm

    _warn_remote(args, project)
    asks_model = not args.no_llm and project.llm_config() is not None
    bar = tqdm(unit="segment", file=sys.stderr, disable=args.quiet or not asks_model,
               desc="language model")

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        report = project.suggest(
            use_llm=False if args.no_llm else None, allow_remote=args.allow_remote,
            progress=progress,
        )
    finally:
        bar.close()
    if report.llm:
        answered, sent = report.llm["answered"], report.llm["requests"]
        if answered:
            print(f"language model {report.llm['model']}: {answered} segments answered, "
                  f"{sent} requests sent (the others from the project's cache)")
        for message in report.llm["messages"]:
            print(f"interviews: {message}", file=sys.stderr)
    print(
        f"{report.segments} segments coded in {report.seconds:.1f} s: {report.stored} suggestions "
        f"stored, {report.unchanged} unchanged, {report.withdrawn} withdrawn"
    )
    for key, count in report.applied.items():
        print(f"  {key:<40} {count:>5} at or above threshold")
    for key, info in report.learned.items():
        kind = "calibrated" if info["calibrated"] else "uncalibrated"
        print(f"  learned {key}: {info['accepted']} accepted, {info['rejected']} rejected ({kind})")
    return 0


def _import_codings(args: argparse.Namespace, project: Project) -> int:
    from analysis.project import ProjectError

    if not args.coder:
        raise ProjectError("import codings needs --coder NAME (whose decisions these are)")
    report = project.import_codings(args.file, args.coder)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(
        f"{args.file.name}: {report.quotes} of {report.lines} quotes placed on "
        f"{report.segments} segments; {report.accepted} codings accepted and {report.rejected} "
        f"rejected for {args.coder}"
    )
    return 1 if report.problems else 0


# What `interviews import` can import: a choice and its handler (other areas add theirs).
IMPORTERS: dict[str, Command] = {"codings": _import_codings}


def cmd_import(args: argparse.Namespace, project: Project) -> int:
    return IMPORTERS[args.what](args, project)


def cmd_evaluate(args: argparse.Namespace, project: Project) -> int:
    result = project.evaluate(args.gold, coder=args.coder)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    who = args.coder or "applied codes"
    print(f"{who} against {args.gold.name}: {result.units} segments")
    print(f"{'code':<36} {'gold':>5} {'pred':>5} {'P':>5} {'R':>5} {'F1':>5} {'alpha':>6}")
    for row in result.per_code.itertuples():
        print(
            f"{row.code:<36} {row.gold:>5} {row.predicted:>5} {_number(row.precision):>5} "
            f"{_number(row.recall):>5} {_number(row.f1):>5} {_number(row.alpha):>6}"
        )
    for row in result.averages.itertuples():
        level = "top-level codes" if row.level == "top" else "sub-codes"
        print(
            f"{row.average} {level:<26} {'':>5} {'':>5} {_number(row.precision):>5} "
            f"{_number(row.recall):>5} {_number(row.f1):>5}"
        )
    return 1 if result.problems else 0


def cmd_reliability(args: argparse.Namespace, project: Project) -> int:
    result = project.reliability(args.coder_a, args.coder_b)
    print(f"{args.coder_a} and {args.coder_b}: {result.units} segments coded by both")
    print(f"{'code':<36} {'A':>5} {'B':>5} {'agree':>6} {'kappa':>6} {'alpha':>6}")
    for row in [*result.per_code.itertuples(), *result.overall.itertuples()]:
        print(
            f"{row.code:<36} {row.coder_a:>5} {row.coder_b:>5} {_number(row.agreement):>6} "
            f"{_number(row.kappa):>6} {_number(row.alpha):>6}"
        )
    shown = result.disagreements.head(args.show)
    if len(shown):
        print(f"disagreements ({len(result.disagreements)}; first {len(shown)}):")
        for row in shown.itertuples():
            who = args.coder_a if row.coder_a else args.coder_b
            text = " ".join(row.text.split())
            print(f"  segment {row.segment_id} {row.code} only by {who}: {text[:90]}")
    return 0


def _add_coding(sub: _WithProject) -> None:
    p = sub.add_parser("code", help="suggest codes for all segments (rules, similarity, learned)")
    p.add_argument(
        "--threshold",
        type=float,
        help="set the project's default threshold (codes without their own) before coding",
    )
    p.add_argument("--no-llm", action="store_true",
                   help="do not ask the configured language model (llm_url / INTERVIEWS_LLM_URL)")
    _add_allow_remote(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser(
        "import",
        help="import into the project (codings: gold JSON Lines; codebook: .qdc; project: .qdpx)",
    )
    p.add_argument("what", choices=sorted(IMPORTERS), help="what to import")
    p.add_argument("file", type=Path, help="the file to import")
    p.add_argument("--coder", help="codings: the coder whose decisions these are")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("evaluate", help="precision, recall, F1 and alpha against gold codings")
    p.add_argument("--gold", type=Path, required=True, help="gold codings (JSON Lines)")
    p.add_argument("--coder", help="evaluate this coder (or 'auto'); default: the applied codes")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("reliability", help="agreement between two coders (or auto and a person)")
    p.add_argument("coder_a")
    p.add_argument("coder_b")
    p.add_argument("--show", type=int, default=20, help="disagreements to list (default 20)")
    p.set_defaults(func=cmd_reliability)


# --- topics (issue 4) ----------------------------------------------------------------------


def cmd_topics(args: argparse.Namespace, project: Project) -> int:
    if args.runs:
        runs = project.topic_runs()  # its columns are defined once, in topics.runs
        _print_table(runs, list(runs.columns))
        return 0
    run_id = args.run
    if run_id is None:
        say = None if args.quiet else (lambda step: print(f"{step} ...", file=sys.stderr))
        run_id = project.run_topics(
            unit=args.unit,
            embedding_model=args.embedding_model,
            min_topic_size=args.min_topic_size,
            seed=args.seed,
            progress=say,
        )
    if args.llm_labels:
        _warn_remote(args, project)
        named = project.label_topics(run_id, allow_remote=args.allow_remote)
        print(f"{len(named)} topics named by the language model", file=sys.stderr)
    frame = project.topics(run_id)
    _print_table(frame, ["id", "size", "label", "keywords", "colleges"])
    run = project.topic_runs().set_index("id").loc[run_id]
    print(
        f"run {run_id}: {run['topics']} topics over {run['documents']} {run['unit']}s "
        f"({run['method']}, embeddings: {run['embedding_model']})"
    )
    if args.uncovered:
        print("\nnot covered by the codebook (mostly uncoded topics):")
        _print_table(project.uncovered_topics(run_id), ["id", "size", "uncoded", "label"])
    return 0


def _add_topics(sub: _WithProject) -> None:
    p = sub.add_parser("topics", help="find themes with a topic model and print the topic table")
    p.add_argument(
        "--embedding-model",
        help="sentence-transformers or model2vec folder, or a "
        "cached model name ('' = built-in TF-IDF; default: the project setting)",
    )
    p.add_argument(
        "--min-topic-size",
        type=int,
        help="smallest topic in segments (default: grows with the corpus)",
    )
    p.add_argument(
        "--unit",
        choices=["segment", "turn"],
        default="segment",
        help="model segments (default) or whole respondent turns",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--llm-labels", action="store_true",
                   help="name the topics with the configured language model (docs/llm.md)")
    _add_allow_remote(p)
    p.add_argument("--run", type=int, help="show a stored run instead of fitting a new one")
    p.add_argument("--runs", action="store_true", help="list the stored runs")
    p.add_argument(
        "--uncovered", action="store_true", help="also list the topics the codebook does not cover"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=cmd_topics)


# --- phases and report (issue 5) -----------------------------------------------------------


def cmd_phases(args: argparse.Namespace, project: Project) -> int:
    frame = project.phase_assessments()
    if args.format == "json":
        keys = [
            "institution",
            "sources",
            "phase",
            "label",
            "confidence",
            "judged",
            "assessor",
            "note",
            "estimate",
            "estimate_label",
            "estimate_confidence",
            "evidence",
        ]
        print(
            json.dumps(
                [{k: row[k] for k in keys} for row in frame.to_dict("records")],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if frame.empty:
        print("(no transcripts)")
        return 0
    frame = frame.assign(
        basis=[
            f"judged by {a}" if judged else "estimate"
            for a, judged in zip(frame["assessor"], frame["judged"], strict=True)
        ],
        evidence=[len(ids) for ids in frame["evidence"]],
        sources=["; ".join(names) for names in frame["sources"]],
    )
    _print_table(frame, ["institution", "label", "confidence", "basis", "evidence", "sources"])
    return 0


def cmd_judge(args: argparse.Namespace, project: Project) -> int:
    project.judge_phase(args.institution, args.phase, args.note, args.assessor)
    print(f"{args.institution}: phase {args.phase} (judged by {args.assessor})")
    return 0


def cmd_report(args: argparse.Namespace, project: Project) -> int:
    path = project.write_report(
        args.output,
        template=args.template,
        anonymise=args.anonymise,
        attribution=args.attribution,
        verbatim=args.verbatim,
    )
    print(f"wrote the draft to {path}" + (" (names pseudonymised)" if args.anonymise else ""))
    return 0


def cmd_findings(args: argparse.Namespace, project: Project) -> int:
    """Per sub-theme the points, the colleges making them (* = on a reviewed passage) and who
    says it does not apply."""
    found = project.findings()
    keys = [args.code] if args.code else list(found)
    for key in keys:
        if key not in found:
            print(f"interviews: unknown code {key!r}", file=sys.stderr)
            return 2
        sub = found[key]
        if not sub.points:
            continue
        print(f"{sub.label} ({key}): {len(sub.colleges)} colleges")
        for point in sub.points:
            reviewed = set(point.reviewed_colleges)
            names = ", ".join(c + ("*" if c in reviewed else "") for c in point.colleges)
            line = f"  - {point.label} [{point.source}]: {names or '-'}"
            if point.contrast:
                line += f"; not: {', '.join(point.contrast)}"
            print(line)
    return 0


def _add_phases_report(sub: _WithProject) -> None:
    p = sub.add_parser("findings", help="the points per sub-theme and the colleges making them")
    p.add_argument("--code", help="only this code (e.g. inclusion.measures)")
    p.set_defaults(func=cmd_findings)

    p = sub.add_parser("phases", help="each college's development phase with its evidence")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_phases)

    p = sub.add_parser("judge", help="record the evaluator's judgement of a college's phase")
    p.add_argument("institution", help="the college, as in the metadata")
    p.add_argument("phase", type=int, help="the phase (1-4)")
    p.add_argument("--note", required=True, help="why: the judgement's justification")
    p.add_argument("--assessor", required=True, help="who judges")
    p.set_defaults(func=cmd_judge)

    p = sub.add_parser("report", help="write the publication draft as a Word document")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .docx to write")
    p.add_argument("--template", type=Path, help="a .docx or .dotx whose styles are used")
    p.add_argument("--anonymise", action="store_true", help="pseudonymise colleges and people")
    p.add_argument(
        "--attribution",
        choices=["institution", "role"],
        help='quote attribution: "bestuurder, ROC X" (institution) or "een bestuurder" (role)',
    )
    p.add_argument(
        "--verbatim",
        action="store_true",
        help='quote word for word, with "ehm" and "[lacht]" (default: leave those out)',
    )
    p.set_defaults(func=cmd_report)


# --- ask (issue 6) -------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace, project: Project) -> int:
    _warn_remote(args, project)
    answer = project.ask(
        args.question,
        args.top,
        code=args.code,
        college=args.college,
        sector=args.sector,
        region=args.region,
        phase=args.phase,
        use_llm=True if args.llm else (False if args.format == "json" else None),
        allow_remote=args.allow_remote,
        anonymise=args.anonymise,
    )
    if args.format == "json":
        segments = [
            {key: quote.to_dict()[key] for key in ASK_JSON_FIELDS} for quote in answer.quotes
        ]
        print(json.dumps(segments, ensure_ascii=False, indent=2))
        if answer.no_evidence:
            print(f"interviews: {answer.count_text}", file=sys.stderr)
    else:
        text = answer.to_text()
        # The query line repeats the question's own words (a college filter, a name asked about).
        print(project.pseudonymiser().text(text) if args.anonymise else text)
    return 0


# The JSON form of `interviews ask`: the ranked segments, best first.
ASK_JSON_FIELDS = (
    "rank", "segment_id", "quote_id", "source", "institution", "text", "score", "question",
    "codes",
)


def _add_ask(sub: _WithProject) -> None:
    p = sub.add_parser(
        "ask",
        help="ask the interviews a question in plain Dutch; answers with quotes",
        description="Answer a question with the respondent quotes that support it, grouped "
        "by college, with a count and a summary made of the quotes' own sentences.",
    )
    p.add_argument("question", help='the question, e.g. "Wat zeggen bestuurders over ouders?"')
    p.add_argument("--top", type=int, default=10, metavar="K", help="number of quotes (10)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--code", action="append", help="only segments with this code (repeatable)")
    p.add_argument("--college", action="append", help="only this college (repeatable)")
    p.add_argument("--sector", action="append", help="only colleges in this sector")
    p.add_argument("--region", action="append", help="only colleges in this region")
    p.add_argument("--phase", action="append", type=int, choices=[1, 2, 3, 4],
                   help="only colleges in this development phase")
    p.add_argument("--llm", action="store_true",
                   help="require the configured language model's cited answer")
    _add_allow_remote(p)
    p.add_argument("--anonymise", action="store_true",
                   help="replace colleges, people and the names found in the answers")
    p.set_defaults(func=cmd_ask)


def cmd_llm(args: argparse.Namespace, project: Project) -> int:
    if args.off:
        project.set_llm(None)
    elif args.url or args.model:
        project.set_llm(args.url, args.model)
    config = project.llm_config(allow_remote=args.allow_remote)
    if config is None:
        print("no language model configured: the offline methods are used")
        return 0
    where = "on this computer" if config.is_local else "NOT on this computer"
    print(f"language model {config.model or '(no model chosen)'} at {config.endpoint} ({where})")
    if args.check:
        _warn_remote(args, project)
        print(f"the model answered: {project.check_llm(allow_remote=args.allow_remote)}")
    return 0


def _add_llm(sub: _WithProject) -> None:
    p = sub.add_parser(
        "llm", help="show, set or check the optional language model (docs/llm.md)",
        description="The project's language model (an OpenAI-compatible server); without one "
        "everything works offline. Project settings win over INTERVIEWS_LLM_URL/_MODEL.",
    )
    p.add_argument("--url", help="the server's API base, e.g. http://127.0.0.1:11434/v1")
    p.add_argument("--model", help="the model's name on that server")
    p.add_argument("--off", action="store_true", help="remove the project's model settings")
    p.add_argument("--check", action="store_true", help="send one short request")
    _add_allow_remote(p)
    p.set_defaults(func=cmd_llm)


def _add_allow_remote(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-remote", action="store_true",
                   help="allow a language model that is not on this computer (interview text "
                   "is then sent to it)")


# --- exchange and pseudonymisation (issue 7) -----------------------------------------------

# What `interviews export` writes, and in which formats (the first is the default).
EXPORT_FORMATS = {
    "segments": ("csv", "jsonl", "xlsx"),
    "quotes": ("csv", "jsonl", "xlsx"),
    "matrix": ("csv", "jsonl", "xlsx"),
    "cooccurrence": ("csv", "jsonl", "xlsx"),
    "tables": ("xlsx",),
    "codebook": ("qdc",),
    "project": ("qdpx",),
    "pseudonyms": ("csv", "jsonl", "xlsx"),
}


def export_any(args: argparse.Namespace, project: Project) -> int:
    from analysis.project import ProjectError

    allowed = EXPORT_FORMATS[args.what]
    suffix = args.output.suffix.lower().lstrip(".")
    known = {f for formats in EXPORT_FORMATS.values() for f in formats}
    fmt = args.format or (suffix if suffix in known else allowed[0])
    if fmt not in allowed:
        raise ProjectError(f"export {args.what} can be written as {', '.join(allowed)}, not {fmt}")
    if args.what == "pseudonyms":
        if args.anonymise:
            raise ProjectError("the pseudonym mapping cannot be anonymised; leave out --anonymise")
        rows = project.export_pseudonyms(args.output, fmt)
        print(f"wrote {rows} pseudonyms to {args.output} (keep this file private)")
        return 0
    if args.what in ("codebook", "project"):
        export = project.export_codebook if args.what == "codebook" else project.export_project
        for line in export(args.output, anonymise=args.anonymise).lines():
            print(line)
        return 0
    rows = project.export_table(
        args.what, args.output, fmt, anonymise=args.anonymise, binary=args.binary
    )
    print(f"wrote {rows} rows of {args.what} to {args.output}")
    return 0


def _import_codebook(args: argparse.Namespace, project: Project) -> int:
    report = project.import_codebook(args.file)
    print("\n".join(report.lines()))
    return 1 if report.skipped else 0


def _import_project(args: argparse.Namespace, project: Project) -> int:
    report = project.import_project(args.file)
    print("\n".join(report.lines()))
    return 0


IMPORTERS.update({"codebook": _import_codebook, "project": _import_project})

# --- entry point ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviews",
        description="Analyse evaluation interviews: import, code, explore and report.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (
        _add_ingest, _add_export, _add_coding, _add_topics, _add_phases_report, _add_ask,
        _add_llm,
        add_names,
    ):
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
    user_errors = _user_errors()
    from analysis.project import Project

    try:
        with Project(args.project) as project:
            return args.func(args, project)
    except user_errors as error:
        print(f"interviews: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interviews: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
