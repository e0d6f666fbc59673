"""Ingest benchmark: words per second for reading + segmenting + storing, and peak memory.

Usage: python benchmarks/ingest.py [N ...]   (default: 23 230 1000)

Each N runs in a fresh subprocess so that peak memory (max RSS) belongs to that run alone. Two
rates are printed: parse + segment (the spaCy pipeline, the part that must reach 50,000 words/s
on one core) and the whole import into a SQLite project (adds hashing and database writes).
The pipeline is single-threaded, so one core is what it uses.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import Project
from analysis.ingest import load_folder_metadata, read_transcript
from analysis.nlp import get_nlp
from analysis.segment import segment_turns
from benchmarks.synthetic import build_corpus, run_fresh


def measure(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        files = build_corpus(n, folder)
        metadata = load_folder_metadata(folder)
        get_nlp()  # load the pipeline once, outside the timed part (as a long-running app does)
        started = time.perf_counter()
        cpu_started = time.process_time()
        words = 0
        for path in files:
            parsed = read_transcript(path, folder_metadata=metadata)
            segment_turns(parsed.text, [_Ref(i, t) for i, t in enumerate(parsed.turns)])
            words += len(parsed.text.split())
        parse_seconds = time.perf_counter() - started
        parse_cpu = time.process_time() - cpu_started
        started = time.perf_counter()
        with Project(Path(tmp) / "bench.db") as project:
            results = project.ingest([folder])
        import_seconds = time.perf_counter() - started
        assert not any(r.failed for r in results)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "n": n,
        "words": words,
        "parse_segment_words_per_s": words / parse_seconds,
        "parse_segment_words_per_cpu_s": words / parse_cpu,
        "import_words_per_s": words / import_seconds,
        "import_seconds": import_seconds,
        "peak_rss_mb": peak_mb,
    }


class _Ref:
    """The minimal turn view that segment_turns needs."""

    def __init__(self, index: int, turn) -> None:
        self.index, self.start, self.end, self.role = index, turn.start, turn.end, turn.role


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(measure(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [23, 230, 1000]
    print(
        f"{'N':>6} {'words':>10} {'parse+segment w/s':>18} {'(per CPU s)':>12} "
        f"{'import w/s':>11} {'import s':>9} {'peak MB':>8}"
    )
    for n in sizes:
        r = run_fresh(__file__, "--one", str(n))
        print(
            f"{r['n']:>6} {r['words']:>10} {r['parse_segment_words_per_s']:>18,.0f} "
            f"{r['parse_segment_words_per_cpu_s']:>12,.0f} "
            f"{r['import_words_per_s']:>11,.0f} {r['import_seconds']:>9.1f} "
            f"{r['peak_rss_mb']:>8.0f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
