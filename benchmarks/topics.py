"""Topic benchmark: speed and memory at scale, and quality against BERTopic's own light default.

Usage: python benchmarks/topics.py [--quality-only | --scale-only] [--seeds K] [N ...]
       (default N: 23 230 1000 interviews, K = 5 seeds)

Scale: a synthetic corpus of N interviews (recombined sample turns, benchmarks/synthetic.py) is
imported in one subprocess; a topic run with the default back-end (TF-IDF + SVD on lemmas,
UMAP + HDBSCAN) is timed in a second, fresh subprocess, so that its peak memory (max RSS) is the
run's own. UMAP's numba compilation happens once per process; it is timed separately (a warm-up
fit on random data) so the run's seconds are what every later run in the app costs.

Quality, on the sample corpus, for K seeds, our pipeline against BERTopic's documented
light-weight set-up (``TfidfVectorizer`` + ``TruncatedSVD(100)`` as embedding model on the raw
segment text, everything else BERTopic's default; UMAP seeded for both so runs repeat):

- NPMI coherence of each topic's 10 keywords, co-occurrence counted per segment (a segment
  "contains" a keyword when it holds all its words, as surface tokens or content lemmas);
  averaged over topics (outlier topic excluded);
- noise share: keyword words that are stop words, fillers or names of colleges and people;
- AMI (adjusted mutual information) between topics and the dominant gold code, on the segments
  of the five hand-coded interviews (tests/data/gold_dev.jsonl) that carry exactly one top-level
  gold code; outliers and segments a model leaves out count as one "no topic" cluster, so both
  models are scored on the same segments.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path

import numpy as np
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Project  # noqa: E402
from analysis.coding.state import segment_codes  # noqa: E402
from analysis.lang_nl_fillers import FILLERS  # noqa: E402
from analysis.nlp import STOP_WORDS  # noqa: E402
from analysis.store import SegmentTopic, Topic, TopicRun  # noqa: E402
from analysis.topics.vocabulary import name_words  # noqa: E402
from benchmarks.synthetic import build_corpus, run_fresh  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold_dev.jsonl"
SAMPLE = ROOT / "transcripts"
GOLD_CODER = "Goud"


# --- scale --------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def _warm_up(documents: int = 0) -> float:
    """Import BERTopic and let numba compile UMAP outside the timed runs; returns the seconds."""
    started = time.perf_counter()
    from analysis.topics.model import EXACT_NEIGHBOURS, warm_up

    warm_up(approximate=documents > EXACT_NEIGHBOURS)
    return time.perf_counter() - started


def measure_run(database: Path) -> dict:
    """In a fresh process: warm UMAP up, then time one default topic run on ``database``."""
    with Project(database) as project:
        segments = len(project.segments())
        warm_up = _warm_up(segments)
        before = _rss_mb()
        started = time.perf_counter()
        run_id = project.run_topics(seed=0)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        params = project.topic_runs().set_index("id").loc[run_id]
        with project.store.session() as session:
            details = session.get(TopicRun, run_id).params
    return {
        "segments": segments,
        "documents": int(params["documents"]),
        "topics": int(params["topics"]),
        "outliers": details.get("outliers_after_reduction", 0),
        "min_cluster_size": details["min_cluster_size"],
        "warm_up_s": warm_up,
        "seconds": seconds,
        "peak_rss_mb": peak,
        "rss_increase_mb": peak - before,
    }


def scale(sizes: Sequence[int]) -> list[dict]:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            database = Path(tmp) / "bench.db"
            subprocess.run(
                [sys.executable, __file__, "--ingest", str(n), str(database)], check=True
            )
            row = {"interviews": n, **run_fresh(__file__, "--run", str(database))}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    return rows


def ingest(n: int, database: Path) -> None:
    folder = database.parent / "corpus"
    build_corpus(n, folder, seed=0)
    with Project(database) as project:
        results = project.ingest([folder])
    failed = [r.line() for r in results if r.failed]
    if failed:
        raise SystemExit("\n".join(failed))


# --- quality ------------------------------------------------------------------------------


def npmi(keywords: list[list[str]], segments: list[set[str]]) -> float:
    """Mean NPMI over topics of their keyword pairs, with segments as documents.

    Hand-written (15 lines) rather than gensim's CoherenceModel: one formula does not justify
    a new dependency, and gensim counts sliding windows, not the segments we quote.
    """
    n = len(segments)

    def holds(keyword: str) -> np.ndarray:
        words = keyword.split()
        return np.array([all(w in s for w in words) for s in segments])

    scores = []
    for words in keywords:
        present = {w: holds(w) for w in words}
        pairs = []
        for a, b in combinations(words, 2):
            p_a, p_b = present[a].mean(), present[b].mean()
            p_ab = (present[a] & present[b]).sum() / n
            if p_ab == 0:
                pairs.append(-1.0)
            elif p_ab == 1:
                pairs.append(1.0)
            else:
                pairs.append(math.log(p_ab / (p_a * p_b)) / -math.log(p_ab))
        if pairs:
            scores.append(float(np.mean(pairs)))
    return float(np.mean(scores)) if scores else float("nan")


def noise_share(keywords: list[list[str]], names: frozenset[str]) -> float:
    words = [w for topic in keywords for keyword in topic for w in keyword.split()]
    noisy = [w for w in words if w in STOP_WORDS or w in FILLERS or w in names or not w.isalpha()]
    return len(noisy) / len(words) if words else float("nan")


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def quality(seeds: int) -> dict:
    from bertopic import BERTopic
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_mutual_info_score
    from sklearn.pipeline import make_pipeline
    from umap import UMAP

    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "sample.db"
        with Project(database) as project:
            project.ingest([SAMPLE])
            project.import_codings(GOLD, GOLD_CODER)
            frame = project.segments()
            with project.store.session() as session:
                names = name_words(session)
                states = segment_codes(session, frame["segment_id"].tolist())
                parents = {c.key: c.parent for c in project.codebook().codes}
            gold_files = {json.loads(line)["file"] for line in GOLD.read_text().splitlines()}
            dominant = {}
            for row in frame.itertuples():
                state = states.get(row.segment_id)
                top = sorted({c for c in (state.applied if state else []) if not parents.get(c)})
                if row.source in gold_files and len(top) == 1:
                    dominant[row.segment_id] = top[0]
            ids = frame["segment_id"].tolist()
            texts = frame["text"].tolist()
            segments = [
                _tokens(t) | set(lemmas.split())
                for t, lemmas in zip(texts, frame["lemmas"], strict=True)
            ]
            scored = [i for i in ids if i in dominant]
            truth = [dominant[i] for i in scored]

            _warm_up()  # numba compiles UMAP once per process; time neither model with it
            results: dict[str, list[dict]] = {"ours": [], "bertopic_light": []}
            for seed in range(seeds):
                started = time.perf_counter()
                run_id = project.run_topics(seed=seed)
                seconds = time.perf_counter() - started
                with project.store.session() as session:
                    assigned = dict(
                        session.execute(
                            select(SegmentTopic.segment_id, Topic.topic_index)
                            .join(Topic, Topic.id == SegmentTopic.topic_id)
                            .where(SegmentTopic.run_id == run_id)
                        ).all()
                    )
                topics = project.topics(run_id)
                themes = topics[topics["topic"] >= 0]
                keywords = [k.split(", ") for k in themes["keywords"]]
                labels = [assigned.get(i, -1) for i in scored]
                results["ours"].append(
                    _scores(
                        keywords,
                        segments,
                        names,
                        truth,
                        labels,
                        assigned,
                        ids,
                        seconds,
                        adjusted_mutual_info_score,
                    )
                )

                started = time.perf_counter()
                baseline = BERTopic(
                    embedding_model=make_pipeline(
                        TfidfVectorizer(), TruncatedSVD(100, random_state=seed)
                    ),
                    umap_model=UMAP(
                        n_neighbors=15,
                        n_components=5,
                        min_dist=0.0,
                        metric="cosine",
                        random_state=seed,
                        n_jobs=1,
                    ),
                )
                found, _ = baseline.fit_transform(texts)
                seconds = time.perf_counter() - started
                by_id = dict(zip(ids, (int(t) for t in found), strict=True))
                keywords = [
                    [w for w, _ in baseline.get_topic(t)] for t in sorted(set(found)) if t >= 0
                ]
                labels = [by_id[i] for i in scored]
                results["bertopic_light"].append(
                    _scores(
                        keywords,
                        segments,
                        names,
                        truth,
                        labels,
                        by_id,
                        ids,
                        seconds,
                        adjusted_mutual_info_score,
                    )
                )
                print(
                    json.dumps(
                        {
                            "seed": seed,
                            "ours": results["ours"][-1],
                            "bertopic_light": results["bertopic_light"][-1],
                        }
                    ),
                    file=sys.stderr,
                )
            example = {
                "ours": project.topics(run_id)["label"].head(8).tolist(),
                "bertopic_light": [
                    "_".join(w for w, _ in baseline.get_topic(t)[:3])
                    for t in sorted(set(found))
                    if t >= 0
                ][:8],
            }
    summary = {
        model: {key: _mean_sd([r[key] for r in rows]) for key in rows[0]}
        for model, rows in results.items()
    }
    return {
        "seeds": seeds,
        "segments": len(ids),
        "gold_segments": len(scored),
        "summary": summary,
        "labels_last_seed": example,
    }


def _scores(
    keywords: list[list[str]],
    segments: list[set[str]],
    names: frozenset[str],
    truth: list[str],
    labels: list[int],
    assigned: dict[int, int],
    ids: list[int],
    seconds: float,
    ami: Callable[[list, list], float],
) -> dict:
    covered = sum(assigned.get(i, -1) >= 0 for i in ids) / len(ids)
    return {
        "topics": len(keywords),
        "covered": covered,
        "npmi": npmi(keywords, segments),
        "noise": noise_share(keywords, names),
        "ami": float(ami(truth, labels)),
        "seconds": seconds,
    }


def _mean_sd(values: list[float]) -> tuple[float, float]:
    return float(np.mean(values)), float(np.std(values))


# --- entry point --------------------------------------------------------------------------


def main(argv: list[str]) -> None:
    if argv[:1] == ["--ingest"]:
        ingest(int(argv[1]), Path(argv[2]))
        return
    if argv[:1] == ["--run"]:
        print(json.dumps(measure_run(Path(argv[1]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[23, 230, 1000])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--scale-only", action="store_true")
    args = parser.parse_args(argv)
    if not args.scale_only:
        report = quality(args.seeds)
        print(json.dumps(report, indent=1))
        s = report["summary"]
        print(
            f"\nquality on the sample corpus ({report['segments']} segments, "
            f"{report['gold_segments']} with one gold code), mean ± sd over {args.seeds} seeds"
        )
        print("| | topics | segments in a topic | NPMI | noise words | AMI with gold code | s |")
        print("|---|---|---|---|---|---|---|")
        for model, title in (("ours", "this pipeline"), ("bertopic_light", "BERTopic light")):
            m = s[model]
            print(
                f"| {title} | {m['topics'][0]:.1f} ± {m['topics'][1]:.1f} "
                f"| {m['covered'][0]:.0%} | {m['npmi'][0]:.3f} ± {m['npmi'][1]:.3f} "
                f"| {m['noise'][0]:.0%} | {m['ami'][0]:.3f} ± {m['ami'][1]:.3f} "
                f"| {m['seconds'][0]:.1f} |"
            )
    if not args.quality_only:
        rows = scale(args.sizes)
        print(
            "\n| interviews | segments | documents | topics | outliers | min topic size "
            "| run s | peak RSS MB | RSS increase MB |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['interviews']} | {r['segments']:,} | {r['documents']:,} | {r['topics']} "
                f"| {r['outliers']:,} | {r['min_cluster_size']} | {r['seconds']:.1f} "
                f"| {r['peak_rss_mb']:,.0f} | {r['rss_increase_mb']:,.0f} |"
            )
        print(f"(UMAP's numba warm-up, once per process: {rows[0]['warm_up_s']:.0f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
