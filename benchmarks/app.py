"""App benchmark: latency per interaction of the Streamlit app, median and p95 over 20.

Usage: python benchmarks/app.py [N ...] [--project PATH] [--repeat 20]
(default: the sample project, "sample", and N = 1000 synthetic interviews)

For each project (the sample corpus in ``transcripts/`` with suggestions made, or a synthetic
project of N interviews built by ``benchmarks.synthetic``) the app is driven through
``streamlit.testing.v1.AppTest`` and each interaction is timed ``--repeat`` times: accept a
card, reject a card, undo, move to the next card, filter the quotes, switch pages. The first
view of each page (cold caches) is printed once. Figures are wall-clock seconds on whatever
machine runs this; ``os.getloadavg()`` is printed beside them, since a shared machine's load
moves them. AppTest reruns the whole script for every interaction (it does not run fragments on
their own), so these are upper bounds for the coding page, whose queue is a fragment in a
browser.
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


def measure(path: Path, repeat: int) -> tuple[list[tuple[str, float]], dict[str, list[float]]]:
    """First views (once each) and per-interaction latencies (``repeat`` times each)."""
    os.environ["INTERVIEWS_PROJECT"] = str(path)
    os.environ.setdefault("INTERVIEWS_CODER", "Benchmark")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    cold: list[tuple[str, float]] = []
    warm: dict[str, list[float]] = {}

    def timed(label: str, step: Callable[[], object], into: list[float] | None = None) -> None:
        started = time.perf_counter()
        step()
        seconds = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"{label}: {at.exception[0].value}")
        if into is None:
            cold.append((label, seconds))
        else:
            into.append(seconds)

    timed("project page, first view", at.run)
    for page in ("ui/coding.py", "ui/quotes.py", "ui/reader.py"):
        timed(f"{page}, first view", lambda page=page: at.switch_page(page).run())

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


def report(name: str, path: Path, repeat: int, target: float) -> None:
    with Project(path) as project:
        counts = project.coding_progress()
        interviews = len(project.transcripts())
    print(f"\n== {name}: {interviews} interviews, {counts['segments']} passages ==")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    cold, warm = measure(path, repeat)
    for label, seconds in cold:
        print(f"{label:40s} {seconds:7.2f} s")
    print(f"{'interaction':34s} {'median':>8s} {'p95':>8s}   target {target:.1f} s")
    for label, values in warm.items():
        median, p95 = statistics.median(values), percentile(values, 0.95)
        verdict = "ok" if p95 <= target else "over"
        print(f"{label:34s} {median:7.3f}s {p95:7.3f}s   {verdict}")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


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
    with tempfile.TemporaryDirectory() as tmp:
        if args.project:
            report(args.project.name, args.project, args.repeat, TARGETS["large"])
            return
        for size in args.sizes:
            n = None if size == "sample" else int(size)
            started = time.perf_counter()
            path = build(n, Path(tmp) / size, args.cache)
            print(f"built {size} in {time.perf_counter() - started:.0f} s", flush=True)
            if args.build_only:
                continue
            small = n is None or n < SMALL
            report(size, path, args.repeat, TARGETS["sample" if small else "large"])


if __name__ == "__main__":
    main()
