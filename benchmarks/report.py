"""Report benchmark: time to build and write the Word draft of the sample corpus, and how well the
phase estimate agrees with the sample's answer key.

Usage: python benchmarks/report.py [--repeat N] [--interviews N [--project PATH]]

Set-up (not timed): the sample corpus is imported into a fresh project and coded automatically
(``Project.suggest``), as ``make demo`` does. Then:

- **in the app** (the Dutch pipeline already loaded, as in a running Streamlit app): the median
  of N runs of build + write, plain and pseudonymised;
- **from the command line**: ``interviews report`` in a fresh Python process, including
  interpreter start, imports and loading the Dutch pipeline once;

each as wall-clock and CPU seconds (on a shared machine the wall clock includes waiting);
- **phase agreement**: the estimate per college against the intended phase in
  ``transcripts/README.md``, from automatic suggestions alone, and after importing the hand-coded
  dev gold (``tests/data/gold_dev.jsonl``, five interviews) as an evaluator's codings. "Within"
  also counts a "tussen a en b" estimate that contains the intended phase.

With ``--interviews N`` it times build + write in the app on a synthetic project of N interviews
with suggestions made (as ``benchmarks/app.py`` builds it, or the project given by
``--project``) instead: the first draft and the median of N more, wall-clock and CPU seconds.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Project  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold_dev.jsonl"
ANSWER_KEY = ROOT / "transcripts" / "README.md"


def intended_phases() -> dict[str, int]:
    """College -> intended phase, read from the table in transcripts/README.md."""
    phases = {}
    for line in ANSWER_KEY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.match(r"\d+\Z", cells[0]):
            phases[cells[3]] = int(re.match(r"\d", cells[4]).group())
    return phases


def agreement(project: Project, key: dict[str, int]) -> tuple[int, int, int]:
    """(exact, within a mixed estimate, colleges) of the estimates against the key."""
    exact = within = 0
    for row in project.phase_assessments().to_dict("records"):
        intended = key[row["institution"]]
        exact += row["estimate"] == intended
        low_high = re.findall(r"\d", row["estimate_label"])
        within += row["estimate"] == intended or str(intended) in low_high
    return exact, within, len(key)


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``repeat`` runs (CPU time is what a busy machine
    does not inflate)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(wall), statistics.median(cpu)


def at_scale(n: int, project_path: Path | None, repeat: int) -> None:
    """Build + write in the app on a synthetic project of ``n`` interviews."""
    from analysis.nlp import get_nlp
    from benchmarks.app import build

    get_nlp()  # loaded in a running app
    with tempfile.TemporaryDirectory() as tmp:
        location = project_path or build(n, Path(tmp))
        with Project(location) as project:
            segments = project.coding_progress()["segments"]
            first = timed(lambda: project.write_report(Path(tmp) / "concept.docx"), 1)
            again = timed(lambda: project.write_report(Path(tmp) / "concept.docx"), repeat)
    print(f"{location.name}: {segments} segments")
    print(f"build + write .docx, in the app, first: {first[0]:.2f} s ({first[1]:.2f} s CPU)")
    print(f"build + write .docx, in the app (median of {repeat} more): "
          f"{again[0]:.2f} s ({again[1]:.2f} s CPU)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--interviews", type=int, help="time a synthetic project of N instead")
    parser.add_argument("--project", type=Path, help="with --interviews: reuse this project")
    args = parser.parse_args(argv)
    if args.interviews:
        at_scale(args.interviews, args.project, args.repeat)
        return
    key = intended_phases()
    with tempfile.TemporaryDirectory() as tmp:
        location = Path(tmp) / "sample.db"
        with Project(location) as project:
            project.ingest([ROOT / "transcripts"])
            project.suggest()
            segments = len(project.segments())
            project.write_report(Path(tmp) / "warm-up.docx")  # loads what a running app has
            plain = timed(lambda: project.write_report(Path(tmp) / "concept.docx"), args.repeat)
            anonymised = timed(
                lambda: project.write_report(Path(tmp) / "anoniem.docx", anonymise=True),
                args.repeat,
            )
            from_suggestions = agreement(project, key)
        started = time.perf_counter()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [sys.executable, "-m", "analysis.cli", "report", "-o", str(Path(tmp) / "cli.docx"),
             "--project", str(location)],
            check=True, capture_output=True, cwd=ROOT,
        )
        cli = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cli_cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
        with Project(location) as project:
            project.import_codings(GOLD, "gold")
            with_gold = agreement(project, key)

    print(f"sample corpus: {len(key)} interviews, {segments} segments, coded automatically")
    print(f"build + write .docx, in the app (median of {args.repeat}): "
          f"{plain[0]:.2f} s ({plain[1]:.2f} s CPU)")
    print(f"build + write .docx, pseudonymised (median of {args.repeat}): "
          f"{anonymised[0]:.2f} s ({anonymised[1]:.2f} s CPU)")
    print(f"`interviews report` in a fresh process: {cli:.2f} s ({cli_cpu:.2f} s CPU)")
    print(
        "phase estimate = intended phase, from suggestions alone: "
        f"{from_suggestions[0]}/{from_suggestions[2]} exact, {from_suggestions[1]} within"
    )
    print(
        "phase estimate = intended phase, with the dev gold's phase codings: "
        f"{with_gold[0]}/{with_gold[2]} exact, {with_gold[1]} within"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
