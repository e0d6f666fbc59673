"""Coding benchmark: dev-set quality (zero-shot and after learning) and speed of `code` at scale.

Usage: python benchmarks/coding.py [--quality-only] [N ...]   (default N: 23 230 1000)
       python benchmarks/coding.py --curve
       python benchmarks/coding.py --llm [--allow-remote]    (quality with the configured model)
       python benchmarks/coding.py --llm --fake oracle|noisy (quality with a fake model, a check)

With ``--llm`` the quality tables are made with the language model configured by
``INTERVIEWS_LLM_URL`` and ``INTERVIEWS_LLM_MODEL`` (docs/llm.md) as one more suggester; the
model is asked about every segment twice (zero-shot, then with the evaluator's examples in the
prompt), and replies are cached in the temporary project only. ``--fake`` starts one of the
test servers of tests/llm_support.py on 127.0.0.1 instead: ``oracle`` answers the gold codes,
``noisy`` random ones; they check the pipeline, they say nothing about any real model.

With ``--curve``, the learning curve: for k = 1 .. 4 of the five gold interviews, every choice
of k is imported as one evaluator's decisions and the other interviews are evaluated; the mean,
lowest and highest top-level macro-F1 per k say how quality grows with the number of interviews
an evaluator has coded (the question behind the 0.75 target). These splits evaluate on every
gold interview, the dev loop's included: a description of the method, not a held-out figure,
and nothing is chosen on it.

Quality uses the hand-coded gold set tests/data/gold_dev.jsonl (five sample interviews):

- zero-shot: rules + similarity only, on a fresh project of the sample corpus, evaluated on all
  five gold interviews and on the three held-out ones;
- after learning: the gold of two interviews (``TRAIN_FILES``) is imported as the decisions of
  one evaluator, suggestions are recomputed (now with learned models and the thresholds learned
  from the same decisions), and the three other interviews are evaluated. The training
  interviews are never evaluated.

Speed: for each N a synthetic corpus of N interviews (recombined sample turns, see
benchmarks/synthetic.py) is imported, and `code` (Project.suggest) is timed in a fresh subprocess
so that peak memory (max RSS) belongs to that run alone; tracemalloc's peak of Python
allocations during `code` is printed too.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Project  # noqa: E402
from analysis.coding.gold import Evaluation, align, read_gold  # noqa: E402
from benchmarks.synthetic import build_corpus, run_fresh  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold_dev.jsonl"
TRAIN_FILES = ("amstelduin_2026-09-15.txt", "ijsselvallei_gesprek.txt")
TOP_LEVEL = ("impact", "inclusion", "professionalisation", "regional_cooperation", "phases")


def split_gold(folder: Path) -> tuple[Path, Path]:
    """Write the gold lines of the training interviews and of the others to two files."""
    train, test = folder / "gold_train.jsonl", folder / "gold_test.jsonl"
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    train.write_text(
        "".join(f"{x}\n" for x in lines if json.loads(x)["file"] in TRAIN_FILES), encoding="utf-8"
    )
    test.write_text(
        "".join(f"{x}\n" for x in lines if json.loads(x)["file"] not in TRAIN_FILES),
        encoding="utf-8",
    )
    return train, test


def _table(evaluation: Evaluation) -> dict:
    per_code = evaluation.per_code.set_index("code")
    averages = evaluation.averages.set_index(["level", "average"])
    return {
        "units": evaluation.units,
        "per_code": {
            key: {"gold": int(row.gold), "predicted": int(row.predicted), "f1": row.f1,
                  "alpha": row.alpha, "precision": row.precision, "recall": row.recall}
            for key, row in per_code.iterrows()
        },
        "macro_f1_top": float(averages.loc[("top", "macro"), "f1"]),
        "micro_f1_top": float(averages.loc[("top", "micro"), "f1"]),
        "macro_f1_sub": float(averages.loc[("sub", "macro"), "f1"]),
        "micro_f1_sub": float(averages.loc[("sub", "micro"), "f1"]),
    }


def quality(folder: Path, *, llm: bool = False, allow_remote: bool = False) -> dict:
    """Dev-set figures: zero-shot (all gold, held-out gold) and after learning (held-out);
    ``llm``: with the configured language model (else never, whatever the environment says)."""
    train, test = split_gold(folder)
    use = {"use_llm": llm, "allow_remote": allow_remote}
    with Project(folder / "quality.db") as project:
        failed = [r.line() for r in project.ingest([ROOT / "transcripts"]) if r.failed]
        if failed:
            raise SystemExit(f"sample corpus did not import: {failed}")
        first = project.suggest(**use)
        zero_all = _table(project.evaluate(GOLD, coder="auto"))
        zero_test = _table(project.evaluate(test, coder="auto"))
    shutil.copyfile(folder / "quality.db", folder / "by_hand.db")  # closed: nothing left in WAL
    with Project(folder / "quality.db") as project:
        imported = project.import_codings(train, "ontwikkelset")
        report = project.suggest(**use)
        learned_test = _table(project.evaluate(test, coder="auto"))
    with Project(folder / "by_hand.db") as project:
        hand, declared = _coded_by_hand(project, train, test, use)
    return {
        "zero_shot_all": zero_all,
        "zero_shot_heldout": zero_test,
        "learned_heldout": learned_test,
        "by_hand_heldout": hand,
        "by_hand_complete_heldout": declared,
        "training": {"accepted": imported.accepted, "rejected": imported.rejected,
                     "models": report.learned},
        "llm": [first.llm, report.llm] if llm else [],
    }


def _coded_by_hand(
    project: Project, train: Path, test: Path, use: dict
) -> tuple[float, float]:
    """The same training decisions made as an evaluator makes them in the app: each gold code
    applied by hand, then (second figure) each interview declared fully coded. Top-level
    macro-F1 on the held-out interviews after each."""
    with project.store.session() as session:
        items, _ = read_gold(train)
        alignment = align(session, items, train.name)
    for unit in alignment.units:
        for code in sorted(alignment.labels[unit.id]):
            project.apply_code(unit.id, code, "ontwikkelset")
    project.suggest(**use)
    hand = _table(project.evaluate(test, coder="auto"))["macro_f1_top"]
    for transcript_id in sorted({unit.transcript_id for unit in alignment.units}):
        project.complete_transcript(transcript_id, "ontwikkelset")
    project.suggest(**use)
    declared = _table(project.evaluate(test, coder="auto"))["macro_f1_top"]
    return hand, declared


def print_quality(result: dict) -> None:
    columns = ("zero_shot_all", "zero_shot_heldout", "learned_heldout")
    print("dev-set quality (F1 / Krippendorff's alpha per code; auto suggestions at threshold)")
    print(f"{'code':<36}" + "".join(f"{name:>22}" for name in columns))
    for key in result["zero_shot_all"]["per_code"]:
        cells = []
        for name in columns:
            row = result[name]["per_code"][key]
            cells.append(f"{_fmt(row['f1'])} / {_fmt(row['alpha'])} ({row['gold']:>3})")
        print(f"{key:<36}" + "".join(f"{c:>22}" for c in cells))
    for average in ("macro_f1_top", "micro_f1_top", "macro_f1_sub", "micro_f1_sub"):
        print(f"{average:<36}" + "".join(f"{_fmt(result[n][average]):>22}" for n in columns))
    models = result["training"]["models"]
    print(f"learned models: {len(models)} codes, trained on {result['training']['accepted']} "
          f"accepted / {result['training']['rejected']} rejected codings")
    cuts = ", ".join(f"{key} {info['threshold']:.2f}" for key, info in models.items())
    print(f"learned thresholds (out-of-fold F1-best cut on the training decisions): {cuts}")
    print("the same training interviews coded by hand in the app, top-level macro-F1 held-out: "
          f"codes applied only {_fmt(result['by_hand_heldout'])}, then each interview declared "
          f"fully coded {_fmt(result['by_hand_complete_heldout'])}")
    for name, info in zip(("zero-shot run", "learning run"), result["llm"], strict=False):
        print(f"language model {info.get('model')}, {name}: {info.get('answered')} segments "
              f"answered, {info.get('requests')} requests, {info.get('discarded')} codes "
              f"discarded (quote not in the segment), weight model/offline "
              f"{info.get('trust_model')}/{info.get('trust_offline')} (learned from "
              f"{info.get('learned_from')} decisions)")
        for message in info.get("messages", []):
            print(f"  {message}")


def learning_curve(folder: Path) -> list[dict]:
    """Top-level macro-F1 after learning from every choice of k gold interviews (k = 1 .. n-1),
    evaluated on the others; zero-shot on the same others alongside."""
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    files = sorted({json.loads(line)["file"] for line in lines})
    base = folder / "base.db"
    with Project(base) as project:
        failed = [r.line() for r in project.ingest([ROOT / "transcripts"]) if r.failed]
        if failed:
            raise SystemExit(f"sample corpus did not import: {failed}")
    rows = []
    for k in range(1, len(files)):
        for chosen in itertools.combinations(files, k):
            train, test = folder / "train.jsonl", folder / "test.jsonl"
            for path, keep in ((train, True), (test, False)):
                path.write_text(
                    "".join(f"{x}\n" for x in lines if (json.loads(x)["file"] in chosen) == keep),
                    encoding="utf-8",
                )
            copy = folder / "split.db"
            shutil.copyfile(base, copy)
            with Project(copy) as project:
                project.suggest()
                zero = _table(project.evaluate(test, coder="auto"))["macro_f1_top"]
                project.import_codings(train, "ontwikkelset")
                project.suggest()
                learned = _table(project.evaluate(test, coder="auto"))["macro_f1_top"]
            copy.unlink()
            rows.append({"k": k, "train": chosen, "zero_shot": zero, "learned": learned})
    return rows


def print_curve(rows: list[dict]) -> None:
    print("learning curve: top-level macro-F1 on the other gold interviews, after learning from")
    print("k interviews' decisions (every choice of k; zero-shot on the same interviews)")
    print(f"{'k':>2} {'splits':>7} {'zero-shot':>10} {'learned':>8} {'lowest':>7} {'highest':>8}")
    for k in sorted({row["k"] for row in rows}):
        part = [row for row in rows if row["k"] == k]
        learned = [row["learned"] for row in part]
        zero = sum(row["zero_shot"] for row in part) / len(part)
        print(f"{k:>2} {len(part):>7} {zero:>10.3f} {sum(learned) / len(learned):>8.3f} "
              f"{min(learned):>7.3f} {max(learned):>8.3f}")


@contextlib.contextmanager
def fake_model(kind: str) -> Iterator[None]:
    """A fake model of the tests on 127.0.0.1, configured through the environment."""
    import random

    from analysis.codebook import load_codebook
    from tests.llm_support import codes_reply, fake_llm, segment_of

    with tempfile.TemporaryDirectory() as tmp:
        with Project(Path(tmp) / "gold.db") as project:
            project.ingest([ROOT / "transcripts"])
            with project.store.session() as session:
                items, _ = read_gold(GOLD)
                alignment = align(session, items, GOLD.name)
        texts = {unit.id: unit.text for unit in alignment.units}
        gold: dict[str, set[str]] = {}
        for unit_id, labels in alignment.labels.items():
            gold.setdefault(texts[unit_id], set()).update(labels)
    keys = sorted(code.key for code in load_codebook().codes)

    def answer(body: dict) -> str:
        segment = segment_of(body)
        if kind == "oracle":
            return codes_reply(sorted(gold.get(segment, set())), segment)
        rng = random.Random(segment)
        return codes_reply(rng.sample(keys, rng.randint(0, 3)), segment, rng.random())

    with fake_llm(answer) as fake:
        saved = {key: os.environ.get(key) for key in ("INTERVIEWS_LLM_URL", "INTERVIEWS_LLM_MODEL")}
        os.environ.update(INTERVIEWS_LLM_URL=fake.url, INTERVIEWS_LLM_MODEL=f"fake-{kind}")
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _fmt(value: float) -> str:
    return "  -  " if value != value else f"{value:.2f}"  # NaN: undefined


def measure(n: int) -> dict:
    """Import N synthetic interviews, then time `code` with peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        build_corpus(n, folder)
        with Project(Path(tmp) / "bench.db") as project:
            project.ingest([folder])
            segments = len(project.segments())
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            started = time.perf_counter()
            report = project.suggest()
            seconds = time.perf_counter() - started
            _, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    return {
        "n": n,
        "segments": segments,
        "seconds": round(seconds, 2),
        "segments_per_second": round(report.segments / seconds, 1),
        "stored": report.stored,
        "traced_peak_mb": round(traced_peak / 1e6, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "max_rss_before_code_mb": round(rss_before / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[23, 230, 1000])
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--curve", action="store_true", help="the learning curve only")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size, JSON out
    parser.add_argument("--llm", action="store_true",
                        help="quality with the configured language model (INTERVIEWS_LLM_URL)")
    parser.add_argument("--fake", choices=["oracle", "noisy"],
                        help="with --llm: a fake model on 127.0.0.1 (tests/llm_support.py)")
    parser.add_argument("--allow-remote", action="store_true",
                        help="with --llm: allow a model that is not on this computer")
    args = parser.parse_args(argv)
    if args.llm:
        with tempfile.TemporaryDirectory() as tmp:
            if args.fake:
                with fake_model(args.fake):
                    print_quality(quality(Path(tmp), llm=True))
            else:
                print_quality(quality(Path(tmp), llm=True, allow_remote=args.allow_remote))
        return 0
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return 0
    if args.curve:
        with tempfile.TemporaryDirectory() as tmp:
            print_curve(learning_curve(Path(tmp)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        print_quality(quality(Path(tmp)))
    if args.quality_only:
        return 0
    print(f"{'N':>6} {'segments':>9} {'seconds':>8} {'seg/s':>8} {'stored':>8} "
          f"{'traced MB':>10} {'max RSS MB':>11}")
    for n in args.sizes:
        row = run_fresh(__file__, "--one", str(n))
        print(f"{row['n']:>6} {row['segments']:>9} {row['seconds']:>8} "
              f"{row['segments_per_second']:>8} {row['stored']:>8} {row['traced_peak_mb']:>10} "
              f"{row['max_rss_mb']:>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
