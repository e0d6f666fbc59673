"""Ingest benchmark: words per second for reading + segmenting + storing, and peak memory.

Usage: python benchmarks/ingest.py [N ...]   (default: 23 230 1000)
       python benchmarks/ingest.py --large    (peak memory for the largest legitimate files)

Each N runs in a fresh subprocess so that peak memory (max RSS) belongs to that run alone. Two
rates are printed: parse + segment (the spaCy pipeline, the part that must reach 50,000 words/s
on one core) and the whole import into a SQLite project (adds hashing and database writes).
The pipeline is single-threaded, so one core is what it uses.

``--large`` imports, each in a fresh process, the largest transcripts we expect in use: a 3-hour
Teams recording's .vtt and a 200-page Word transcript (both generated here from the sample
corpus' turns), and reports the peak RSS and how far it rose above the process after its imports
(what the file itself costs), plus the same for a 1 GB-declared .docx zip bomb that is refused.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import Project
from analysis.ingest import load_folder_metadata, read_transcript
from analysis.nlp import get_nlp
from analysis.segment import segment_turns
from benchmarks.synthetic import build_corpus, run_fresh, sample_pairs

VTT_HOURS = 3
DOCX_PAGES = 200
WORDS_PER_PAGE = 500  # a typed transcript page in 11 pt with speaker labels


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


def _rss_mb() -> float:
    """The resident memory right now (not the peak), from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def teams_vtt(path: Path, hours: float = VTT_HOURS) -> Path:
    """A Teams-style .vtt of ``hours``: one cue per sentence-sized piece, speakers alternating."""
    pairs = sample_pairs()
    speakers = {name: uuid.uuid5(uuid.NAMESPACE_URL, name) for name in ("Sanne", "Joost")}
    lines, seconds, number = ["WEBVTT", ""], 4.0, 0
    while seconds < hours * 3600:
        question, answer = pairs[number % len(pairs)]
        for speaker, speech in (("Sanne", question), ("Joost", answer)):
            words = speech.split()
            for start in range(0, len(words), 14):
                piece = " ".join(words[start : start + 14])
                end = seconds + 0.4 * len(piece.split())
                # Teams' cue id: the speaker's GUID, then utterance and piece numbers.
                lines += [f"{speakers[speaker]}/{number}-{start // 14}",
                          f"{_stamp(seconds)} --> {_stamp(end)}",
                          f"<v {speaker} {'de Wit' if speaker == 'Sanne' else 'Martens'}>"
                          f"{piece}</v>", ""]
                seconds = end + 0.3
        number += 1
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _stamp(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{rest:06.3f}"


def long_docx(path: Path, pages: int = DOCX_PAGES) -> Path:
    """A Word transcript of ``pages`` pages: bold speaker labels, one paragraph per turn."""
    import docx

    document = docx.Document()
    document.add_heading("Gesprek Synthetisch College", level=1)
    pairs = sample_pairs()
    words, number = 0, 0
    while words < pages * WORDS_PER_PAGE:
        question, answer = pairs[number % len(pairs)]
        for label, speech in (("Interviewer", question), ("Respondent", answer)):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}:").bold = True
            paragraph.add_run(f" {speech}")
            words += len(speech.split())
        number += 1
    document.save(path)
    return path


def measure_large(kind: str) -> dict[str, object]:
    """Import one large file into a fresh project; its size, words, time and memory."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if kind == "vtt":
            path = teams_vtt(folder / "teams_3uur.vtt")
        elif kind == "docx":
            path = long_docx(folder / "transcript_200p.docx")
        else:
            from tests.bombs import docx_bomb

            path = docx_bomb(folder / "bom_1gb.docx")
        get_nlp()
        before = _rss_mb()
        started = time.perf_counter()
        with Project(folder / "bench.db") as project:
            [result] = project.ingest([path])
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {
            "file": path.name,
            "mb": path.stat().st_size / 2**20,
            "status": result.status,
            "words": result.words,
            "seconds": seconds,
            "peak_rss_mb": peak,
            "above_start_mb": peak - before,
        }


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(measure(int(argv[1]))))
        return
    if argv and argv[0] == "--large-one":
        print(json.dumps(measure_large(argv[1])))
        return
    if argv and argv[0] == "--large":
        print(f"{'file':<24} {'MB':>5} {'status':>9} {'words':>8} {'s':>6} {'peak MB':>8} "
              f"{'above start':>12}")
        for kind in ("vtt", "docx", "bomb"):
            r = run_fresh(__file__, "--large-one", kind)
            print(f"{r['file']:<24} {r['mb']:>5.1f} {r['status']:>9} {r['words']:>8} "
                  f"{r['seconds']:>6.1f} {r['peak_rss_mb']:>8.0f} {r['above_start_mb']:>12.0f}")
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
