"""App benchmark: seconds per interaction of the Streamlit app on a large project.

Usage: python benchmarks/app.py [N] [--project PATH]   (default N = 1000)

Builds (or reuses, with ``--project``) a synthetic project of N interviews with suggestions made,
then drives the app through ``streamlit.testing.v1.AppTest`` and prints the time of each
interaction: every page's first view (which builds the big tables) and a second view (caches
warm), a coding decision, quote filters and paging, and switching transcripts in the reader.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Project  # noqa: E402
from benchmarks.synthetic import build_corpus  # noqa: E402
from ui.pages import HOME, PAGE_PATHS  # noqa: E402

PAGES = [path for path in PAGE_PATHS if path != HOME]  # the project page is timed first


def build(n: int, folder: Path) -> Path:
    path = folder / f"bench{n}.db"
    build_corpus(n, folder / "corpus")
    with Project(path) as project:
        project.ingest([folder / "corpus"])
        project.suggest()
    return path


def measure(path: Path) -> list[tuple[str, float]]:
    os.environ["INTERVIEWS_PROJECT"] = str(path)
    os.environ.setdefault("INTERVIEWS_CODER", "Benchmark")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    timings: list[tuple[str, float]] = []

    def timed(label: str, step: Callable[[], object]) -> None:
        started = time.perf_counter()
        step()
        timings.append((label, time.perf_counter() - started))
        if at.exception:
            raise SystemExit(f"{label}: {at.exception[0].value}")

    timed("project page, first view", at.run)
    timed("project page, again", at.run)
    for page in PAGES:
        timed(f"{page}, first view", lambda page=page: at.switch_page(page).run())
        timed(f"{page}, again", at.run)
    with Project(path) as project:
        first = project.suggestion_queue(limit=1).iloc[0]
        transcript = sorted(project.transcripts()["id"])[len(project.transcripts()) // 2]
    at.switch_page("ui/coding.py").run()
    accept = at.button(key=f"accept_{first['segment_id']}_{first['code']}")
    timed("coding: accept a suggestion", lambda: accept.click().run())
    at.switch_page("ui/quotes.py").run()
    timed(
        "quotes: filter by words",
        lambda: at.text_input(key="quotes_text").set_value("ouders").run(),
    )
    timed(
        "quotes: filter by a code",
        lambda: at.multiselect(key="quotes_codes").select("inclusion").run(),
    )
    timed(
        "quotes: next page of cards", lambda: at.number_input(key="quotes_page").set_value(2).run()
    )
    at.switch_page("ui/reader.py").run()
    timed(
        "reader: open another transcript",
        lambda: at.selectbox(key="reader_transcript_id").select(transcript).run(),
    )
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="interviews (default 1000)")
    parser.add_argument("--project", type=Path, help="reuse this project instead of building one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.project or build(args.n, Path(tmp))
        with Project(path) as project:
            counts = project.coding_progress()
        print(f"{counts['segments']} segments in {path.name}")
        for label, seconds in measure(path):
            print(f"{label:40s} {seconds:7.2f} s")


if __name__ == "__main__":
    main()
