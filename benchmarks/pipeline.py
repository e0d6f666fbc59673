"""Pipeline benchmark: each CLI step in a fresh process, as a batch or an evaluator runs it.

Usage: python benchmarks/pipeline.py [--repeats R] [--rounds K] [--json FILE] [N ...]
       (default N: 23 230 1000 synthetic interviews, R = 5, K = 1)

Per corpus size N (benchmarks/synthetic.py recombines the sample corpus' turns): ``interviews
ingest``, ``code``, ``topics`` twice (the second in a new process, reading the numba cache the
first wrote), ``report`` and ``phases``, each in its own process, with its wall time, CPU time
(user + system of the child, from ``os.wait4``) and peak RSS. The numba cache starts empty in a
folder of this run (``XDG_CACHE_HOME``), so the first topic run of the first size pays what a new
user's first run pays; later sizes find UMAP compiled, as any later run does.

With ``--rounds K`` the whole pipeline of each size runs K times (a new corpus folder and
project each round; the numba cache is shared, so only round 1's first ``topics`` is cold) and
each step's figures are the median over the rounds, with the totals of every round beside them:
on this machine a step's wall time varies by 30-60 % between runs a minute apart (the disk
reads of a process's start-up), so one round is one sample.

Start-up, median of R runs: ``interviews --help`` and ``interviews transcripts`` on the sample
project (the transcripts/ folder imported), beside the yardsticks ``python -c pass`` and
``python -c "import spacy; spacy.blank('nl')"`` measured in the same run. ``uptime``'s load
average is printed with the figures: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import SAMPLE_DIR, build_corpus  # noqa: E402

CLI = [sys.executable, "-m", "analysis.cli"]
YARDSTICKS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import spacy; spacy.blank('nl')": [
        sys.executable, "-c", "import spacy; spacy.blank('nl')",
    ],
}


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> dict:
    """Run ``command`` once; its wall seconds, CPU seconds and peak RSS in MB (its own)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {stderr.decode()[-500:]}")
    return {
        "wall": round(wall, 2),
        "cpu": round(usage.ru_utime + usage.ru_stime, 2),
        "rss_mb": round(usage.ru_maxrss / 1024),
    }


def median_of(runs: list[dict]) -> dict:
    return {key: round(statistics.median(r[key] for r in runs), 2) for key in runs[0]}


def load() -> str:
    """The 1, 5 and 15 minute load averages (``uptime``'s figures)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def startup(work: Path, env: dict[str, str], repeats: int) -> dict[str, dict]:
    """Median start-up figures of the commands that should answer at once, and yardsticks."""
    project = work / "sample.db"
    measure([*CLI, "ingest", "-q", str(SAMPLE_DIR), "--project", str(project)], work, env)
    commands = {
        **YARDSTICKS,
        "interviews --help": [*CLI, "--help"],
        "interviews transcripts": [*CLI, "transcripts", "--project", str(project)],
    }
    return {
        name: median_of([measure(command, work, env) for _ in range(repeats)])
        for name, command in commands.items()
    }


WORKFLOW = ("ingest", "code", "report", "phases")  # with one of the two topic runs


def pipeline(n: int, work: Path, env: dict[str, str], round_: int = 1) -> dict[str, dict]:
    """Each step of the workflow on ``n`` synthetic interviews, each in a fresh process."""
    corpus = work / f"corpus_{n}_{round_}"
    build_corpus(n, corpus)
    project = ["--project", str(work / f"pipeline_{n}_{round_}.db")]
    steps = {
        "ingest": [*CLI, "ingest", "-q", str(corpus), *project],
        "code": [*CLI, "code", *project],
        "topics": [*CLI, "topics", "-q", *project],
        "topics (again)": [*CLI, "topics", "-q", *project],
        "report": [*CLI, "report", "-o", str(work / f"draft_{n}_{round_}.docx"), *project],
        "phases": [*CLI, "phases", *project],
    }
    results = {}
    for name, command in steps.items():
        results[name] = measure(command, work, env)
        print(f"  {n:>5} {name:<15} {results[name]}", file=sys.stderr, flush=True)
    return results


def total(steps: dict[str, dict], topics: str, key: str = "wall") -> float:
    return sum(steps[s][key] for s in (*WORKFLOW, topics))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[23, 230, 1000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--rounds", type=int, default=1, help="run each size's pipeline K times; medians"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--cache",
        type=Path,
        help="XDG_CACHE_HOME for the steps (default: a new, empty folder of this run); pass the "
        "same folder to a later run to measure with the numba cache filled",
    )
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as folder:
        work = Path(folder)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "XDG_CACHE_HOME": str(args.cache or work / "cache"),  # numba's cache
        }
        env.pop("NUMBA_CACHE_DIR", None)
        report: dict = {"load_before": load(), "cpus": os.cpu_count(), "pipeline": {}}
        report["startup"] = {} if args.no_startup else startup(work, env, args.repeats)
        print(f"start-up: {report['startup']}", file=sys.stderr, flush=True)
        report["rounds"] = {}
        for n in args.sizes:
            rounds = [pipeline(n, work, env, k + 1) for k in range(args.rounds)]
            report["rounds"][n] = rounds
            report["pipeline"][n] = {
                name: median_of([r[name] for r in rounds]) for name in rounds[0]
            }
            print(f"load average now {load()}", file=sys.stderr, flush=True)
        report["load_after"] = load()
    print(f"load average before {report['load_before']}, after {report['load_after']}; "
          f"{report['cpus']} CPUs")
    print(f"\nStart-up (median of {args.repeats}):\n")
    print("| command | wall s | CPU s | peak RSS MB |\n|---|---:|---:|---:|")
    for name, row in report["startup"].items():
        print(f"| `{name}` | {row['wall']} | {row['cpu']} | {row['rss_mb']} |")
    print(f"\nPipeline through the CLI, one fresh process per step (median of {args.rounds} "
          f"round{'s' if args.rounds > 1 else ''}):\n")
    print("| interviews | step | wall s | CPU s | peak RSS MB |\n|---:|---|---:|---:|---:|")
    for n, steps in report["pipeline"].items():
        for name, row in steps.items():
            print(f"| {n} | {name} | {row['wall']} | {row['cpu']} | {row['rss_mb']} |")
        for topics in ("topics", "topics (again)"):
            wall, cpu = total(steps, topics), total(steps, topics, "cpu")
            peak = max(steps[s]["rss_mb"] for s in (*WORKFLOW, topics))
            print(f"| {n} | **total** with {topics} | {wall:.1f} | {cpu:.1f} | {peak} |")
        if args.rounds > 1:
            each = ", ".join(f"{total(r, 'topics (again)'):.1f}" for r in report["rounds"][n])
            print(f"\n{n} interviews, total with topics (again), wall s per round: {each}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
