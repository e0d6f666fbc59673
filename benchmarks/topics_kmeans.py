"""Choosing k for the tiny-corpus k-means fallback, on tiny corpora drawn from the gold quotes.

Usage: python benchmarks/topics_kmeans.py [--draws N]   (default 60)

Each draw takes 3 or 4 top-level codes of tests/data/gold_dev.jsonl and 4 to 7 quotes with
exactly that one code each (12 to 28 documents: the sizes where ``topics.model`` falls back to
k-means), lemmatised and cleaned as a topic run does, embedded with the default back-end. Each
rule for k is scored by purity (share of quotes in a cluster whose majority code is theirs) and
AMI with the gold code, mean over the draws. Rules: the best silhouette of one seeded k-means
per k (``single``, the rule before), the best mean silhouette over five seeded k-means per k
(``mean5``), and each of those taking the smallest k within ``tol`` of the best.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOLD = ROOT / "tests" / "data" / "gold_dev.jsonl"


def _silhouettes(embeddings: np.ndarray, seeds: int) -> dict[int, tuple[float, np.ndarray]]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    out = {}
    for k in range(2, min(10, len(embeddings) - 1) + 1):
        scores, first = [], None
        for seed in range(seeds):
            labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(embeddings)
            first = labels if first is None else first
            scores.append(float(silhouette_score(embeddings, labels, metric="cosine")))
        out[k] = (float(np.mean(scores)), first)
    return out


def _choose(scores: dict[int, tuple[float, np.ndarray]], tol: float) -> int:
    best = max(s for s, _ in scores.values())
    return min(k for k, (s, _) in scores.items() if s >= best - tol)


def _purity(truth: list[str], labels: np.ndarray) -> float:
    by: dict[int, Counter] = defaultdict(Counter)
    for t, label in zip(truth, labels, strict=True):
        by[int(label)][t] += 1
    return sum(c.most_common(1)[0][1] for c in by.values()) / len(truth)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=60)
    args = parser.parse_args(argv)
    from sklearn.metrics import adjusted_mutual_info_score as ami

    from analysis.embeddings import fit_lemma_embedder, normalise_rows
    from analysis.nlp import lemmatise
    from analysis.topics.vocabulary import clean_lemmas

    by_code: dict[str, list[str]] = defaultdict(list)
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if len(row["codes"]) == 1:
            by_code[row["codes"][0]].append(row["quote"])
    codes = sorted(c for c, quotes in by_code.items() if len(quotes) >= 7)
    rng = random.Random(0)
    rules = [("single", 1, 0.0), ("single", 1, 0.01), ("mean5", 5, 0.0), ("mean5", 5, 0.01)]
    results: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for draw in range(args.draws):
        chosen = rng.sample(codes, rng.choice([3, 4]))
        per = rng.randint(4, 7)
        quotes = [(c, q) for c in chosen for q in rng.sample(by_code[c], per)]
        lemmas = lemmatise([q for _c, q in quotes])
        documents = [" ".join(clean_lemmas(" ".join(words), frozenset())) for words in lemmas]
        truth = [c for c, _q in quotes]
        embeddings = normalise_rows(fit_lemma_embedder(documents, seed=0).encode(documents))
        cache = {seeds: _silhouettes(embeddings, seeds) for seeds in (1, 5)}
        for name, seeds, tol in rules:
            k = _choose(cache[seeds], tol)
            labels = cache[seeds][k][1]
            results[f"{name} tol={tol}"].append(
                (_purity(truth, labels), float(ami(truth, labels)), k)
            )
        print(draw, len(documents), {r: v[-1][2] for r, v in results.items()}, file=sys.stderr)
    print(f"{args.draws} draws from {len(codes)} codes ({', '.join(codes)})")
    print("| rule | purity | AMI | mean k |")
    print("|---|---|---|---|")
    for rule, values in results.items():
        purity, score, k = (np.mean([v[i] for v in values]) for i in range(3))
        print(f"| {rule} | {purity:.3f} | {score:.3f} | {k:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
