"""App benchmark: latency per interaction of the Streamlit app, median and p95 over 20.

Usage: python benchmarks/app.py [sample] [N ...] [--project PATH] [--repeat 20] [--cache DIR]
(default: the sample project, "sample", and N = 1000 synthetic interviews)

For each project (the sample corpus in ``transcripts/`` with suggestions made, or a synthetic
project of N interviews built by ``benchmarks.synthetic``) the app is driven through
``streamlit.testing.v1.AppTest`` and each interaction is timed ``--repeat`` times: accept a
card, reject a card, undo, move to the next card, filter the quotes, switch pages. The first
view of each page (cold caches) is printed once; the interactions are timed after the app's
start-up warm-up has finished. Figures are wall-clock seconds on whatever machine runs this,
with the CPU seconds of the process beside them; ``os.getloadavg()`` is printed too, since a
shared machine's load moves them. At the end a Markdown table per project (median, p95, target,
met or not) for the README.

Synthetic projects are built once into ``--cache`` (``benchmarks/output/app``; delete it after
a change to import or suggestions) and copied for each run; ``--build-only`` builds them ahead.
AppTest reruns the whole script for every interaction (it does not run fragments on their
own), so these are upper bounds for the coding page, whose queue is a fragment in a browser.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Project  # noqa: E402
from benchmarks.synthetic import build_corpus  # noqa: E402

SAMPLE = ROOT / "transcripts"
TARGETS = {"sample": 0.3, "large": 1.0}  # seconds: the targets per interaction
SMALL = 100  # fewer interviews than this are held to the sample project's target
FIRST_PAGE = "project page, first view after start"
FIRST_PAGE_TARGET = 3.0  # seconds


CACHE = ROOT / "benchmarks" / "output" / "app"  # built projects, reused by later runs


def build(n: int | None, folder: Path, cache: Path | None = CACHE) -> Path:
    """The sample project (``n`` None) or ``n`` synthetic interviews, with suggestions made.

    A synthetic project is built once into ``cache`` (ingest and suggestions at 1,000
    interviews take over 20 minutes) and copied into ``folder`` for each run, since the
    benchmark accepts and rejects cards. The sample project is always built afresh.
    """
    folder.mkdir(parents=True, exist_ok=True)
    name = f"bench{n or 'sample'}.db"
    path = folder / name
    if n is not None and cache is not None and (cache / name).exists():
        shutil.copyfile(cache / name, path)
        return path
    source = SAMPLE if n is None else folder / "corpus"
    if n is not None:
        build_corpus(n, source)
    work = path if n is None or cache is None else cache / f"{name}.part"
    if work != path:
        cache.mkdir(parents=True, exist_ok=True)
        work.unlink(missing_ok=True)
    with Project(work) as project:
        project.ingest([source])
        project.suggest()
    if work != path:
        with closing(sqlite3.connect(work)) as db:  # fold the WAL into the file before moving it
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        work.rename(cache / name)
        shutil.copyfile(cache / name, path)
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def warm_up_done() -> float:
    """Wait for the app's start-up warm-up (``ui/queue_cache.py``, then the topic model's
    compilation) to finish; seconds waited. Interactions are timed after it, as in a day of
    coding: run beside it, they would share the CPU with a one-off compilation."""
    from analysis.topics import jit_cache
    from ui import queue_cache

    started = time.perf_counter()
    for warmup in queue_cache.started():
        warmup.thread.join()
    if jit_cache._warm_up_thread is not None:
        jit_cache._warm_up_thread.join()
    return time.perf_counter() - started


Timing = tuple[float, float]  # wall-clock seconds, CPU seconds of this process (all threads)


def measure(path: Path, repeat: int) -> tuple[list[tuple[str, Timing]], dict[str, list[Timing]]]:
    """First views (once each) and per-interaction latencies (``repeat`` times each)."""
    os.environ["INTERVIEWS_PROJECT"] = str(path)
    os.environ.setdefault("INTERVIEWS_CODER", "Benchmark")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    cold: list[tuple[str, Timing]] = []
    warm: dict[str, list[Timing]] = {}

    def timed(label: str, step: Callable[[], object], into: list[Timing] | None = None) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        step()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if at.exception:
            raise SystemExit(f"{label}: {at.exception[0].value}")
        if into is None:
            cold.append((label, (seconds, cpu)))
        else:
            into.append((seconds, cpu))

    timed(FIRST_PAGE, at.run)
    for page in ("ui/coding.py", "ui/quotes.py", "ui/reader.py"):
        timed(f"{page}, first view", lambda page=page: at.switch_page(page).run())
    waited = warm_up_done()
    print(f"warm-up (cards, segments, topic model) done {waited:.1f} s after the first views",
          flush=True)

    def first_card(kind: str) -> Callable[[], object]:
        def click() -> object:
            button = next(b for b in at.button if b.key and b.key.startswith(f"{kind}_"))
            return button.click().run()

        return click

    at.switch_page("ui/coding.py").run()
    for label, step in (
        ("accept a card", first_card("accept")),
        ("reject a card", first_card("reject")),
        ("undo", lambda: at.button(key="coding_undo").click().run()),
        ("next card", lambda: at.button(key="coding_next").click().run()),
    ):
        warm[label] = []
        for _ in range(repeat):
            timed(label, step, warm[label])
    at.switch_page("ui/quotes.py").run()
    words = ["ouders", "stage", "docenten", "budget", ""]
    warm["filter quotes by words"] = []
    for number in range(repeat):
        word = words[number % len(words)]
        timed(
            "filter",
            lambda w=word: at.text_input(key="quotes_text").set_value(w).run(),
            warm["filter quotes by words"],
        )
    switches = warm["switch page (coding ↔ quotes)"] = []
    for number in range(repeat):
        page = "ui/coding.py" if number % 2 == 0 else "ui/quotes.py"
        timed("switch", lambda p=page: at.switch_page(p).run(), switches)
    return cold, warm


def report(name: str, path: Path, repeat: int, target: float) -> list[str]:
    """Print the figures of one project; its lines of the README's table (Markdown)."""
    with Project(path) as project:
        counts = project.coding_progress()
        interviews = len(project.transcripts())
    title = f"{name}: {interviews} interviews, {counts['segments']} passages"
    print(f"\n== {title} ==")
    before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average before: {before}", flush=True)
    cold, warm = measure(path, repeat)
    after = " ".join(f"{v:.2f}" for v in os.getloadavg())
    rows = [f"| {title}, load {before} → {after} | median | p95 | CPU (median) | target | |",
            "|---|---|---|---|---|---|"]
    print(f"{'first view':40s} {'wall':>8s} {'CPU':>8s}")
    for label, (seconds, cpu) in cold:
        print(f"{label:40s} {seconds:7.2f}s {cpu:7.2f}s")
    seconds, cpu = cold[0][1]
    met = "met" if seconds <= FIRST_PAGE_TARGET else "not met"
    rows.append(f"| {FIRST_PAGE} | {seconds:.2f} s | | {cpu:.2f} s | {FIRST_PAGE_TARGET:.0f} s | "
                f"{met} |")
    print(f"{'interaction':34s} {'median':>8s} {'p95':>8s} {'CPU':>8s} {'target':>7s}")
    for label, values in warm.items():
        walls = [v[0] for v in values]
        median, p95 = statistics.median(walls), percentile(walls, 0.95)
        cpu = statistics.median(v[1] for v in values)
        met = "met" if p95 <= target else "not met"
        print(f"{label:34s} {median:7.3f}s {p95:7.3f}s {cpu:7.3f}s {target:6.1f}s  {met}")
        rows.append(f"| {label} | {median:.3f} s | {p95:.3f} s | {cpu:.3f} s | {target:.1f} s | "
                    f"{met} |")
    print(f"load average after: {after}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["sample", "1000"],
                        help='"sample" and/or numbers of synthetic interviews')
    parser.add_argument("--project", type=Path, help="time this project instead of building one")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help="folder of built synthetic projects, reused (default %(default)s)")
    parser.add_argument("--build-only", action="store_true",
                        help="build (or find) the projects in --cache and stop")
    args = parser.parse_args()
    table: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.project:
            table += report(args.project.name, args.project, args.repeat, TARGETS["large"])
        for size in [] if args.project else args.sizes:
            n = None if size == "sample" else int(size)
            started = time.perf_counter()
            path = build(n, Path(tmp) / size, args.cache)
            print(f"built {size} in {time.perf_counter() - started:.0f} s", flush=True)
            if args.build_only:
                continue
            small = n is None or n < SMALL
            table += report(size, path, args.repeat, TARGETS["sample" if small else "large"])
    if table:
        print("\nFor the README (met = p95 within the target; the first page: its one view):")
        print("\n".join(table))


if __name__ == "__main__":
    main()
