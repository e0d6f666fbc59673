"""Choosing the fit sample's size (``topics.model.FIT_LIMIT``): a sampled fit against a fit on all.

Usage: python benchmarks/topics_sample.py DATABASE [LIMIT ...] [--seeds K]
       (DATABASE: a project, e.g. the 230-interview synthetic corpus made by
       ``python benchmarks/topics.py --ingest 230 /tmp/c230/bench.db``; default LIMITs
       2000 4000 6000 8000; K = 1)

For each seed: the default back-end's embeddings once, then a fit on every document and a fit
on a stratified sample of LIMIT documents with the rest assigned to the nearest topic centroid
(``fit_topics(fit_limit=LIMIT)``). Printed per limit: CPU seconds of the fit (this process,
after UMAP's warm-up), topics, outlier share, and the agreement with the full fit on all
documents and on the assigned ones alone (AMI; the outlier topic counts as one cluster). A
second assignment rule is scored beside it on the same fit: the majority topic of the 15
nearest fitted documents (cosine).

The synthetic corpora repeat the sample corpus' answers, so each fit is also scored against the
gold codes: AMI with the top-level gold code (tests/data/gold_dev.jsonl, quotes with one code)
on the documents whose text is a gold quote (``ami_gold``; outliers one cluster), as
docs/evaluation.md scores the sample corpus. (A fit on all 11,500 documents of the
230-interview corpus meets each answer some 20 times; with 15 neighbours per document
UMAP's graph falls apart into groups of copies, which is worth knowing when reading it.)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import Project  # noqa: E402
from analysis.embeddings import fit_lemma_embedder  # noqa: E402
from analysis.store import Segment  # noqa: E402
from analysis.topics.vocabulary import build_documents  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold_dev.jsonl"


def _knn_vote(embeddings: np.ndarray, fitted: np.ndarray, topics: np.ndarray) -> np.ndarray:
    """Topics of the unfitted documents by the majority of their 15 nearest fitted ones."""
    out = topics.copy()
    index = np.flatnonzero(fitted)
    rest = np.flatnonzero(~fitted)
    for start in range(0, len(rest), 2048):
        block = rest[start : start + 2048]
        similarity = embeddings[block] @ embeddings[index].T
        nearest = np.argpartition(-similarity, 15, axis=1)[:, :15]
        for row, neighbours in zip(block, nearest, strict=True):
            values, counts = np.unique(topics[index[neighbours]], return_counts=True)
            out[row] = values[counts.argmax()]
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("limits", nargs="*", type=int, default=[2000, 4000, 6000, 8000])
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args(argv)
    from sklearn.metrics import adjusted_mutual_info_score as ami

    from analysis.topics.model import fit_topics, warm_up

    warm_up()
    rows = []
    with Project(args.database) as project, project.store.session() as session:
        documents = build_documents(session, "segment")
        texts = dict(session.execute(select(Segment.id, Segment.text)).all())
    gold = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if len(row["codes"]) == 1:
            gold[" ".join(row["quote"].split())] = row["codes"][0]
    scored = [
        (d, gold[" ".join(texts[ids[0]].split())])
        for d, ids in enumerate(documents.segment_ids)
        if " ".join(texts[ids[0]].split()) in gold
    ]
    gold_index = np.array([d for d, _code in scored])
    gold_codes = [code for _d, code in scored]
    for seed in range(args.seeds):
        embedder = fit_lemma_embedder(documents.lemmas, seed=seed)
        embeddings = embedder.encode(documents.lemmas)

        def fit(limit: int, embeddings=embeddings, embedder=embedder, seed=seed):
            started = time.process_time()
            result = fit_topics(
                documents.lemmas,
                embeddings,
                embedder,
                default_backend=True,
                seed=seed,
                groups=documents.interviews,
                fit_limit=limit,
            )
            return result, time.process_time() - started

        full, full_cpu = fit(len(documents) + 1)
        rows.append(
            {
                "seed": seed,
                "limit": "all",
                "documents": len(documents),
                "cpu_s": round(full_cpu, 1),
                "topics": len([t for t in full.topic_numbers if t >= 0]),
                "outliers": round(float((full.assignments == -1).mean()), 3),
                "gold_documents": len(gold_index),
                "ami_gold": round(ami(gold_codes, full.assignments[gold_index]), 3),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
        for limit in args.limits:
            sampled, cpu = fit(limit)
            rest = ~sampled.fitted
            knn = _knn_vote(embeddings, sampled.fitted, sampled.assignments)
            rows.append(
                {
                    "seed": seed,
                    "limit": limit,
                    "cpu_s": round(cpu, 1),
                    "topics": len([t for t in sampled.topic_numbers if t >= 0]),
                    "outliers": round(float((sampled.assignments == -1).mean()), 3),
                    "ami_gold": round(ami(gold_codes, sampled.assignments[gold_index]), 3),
                    "ami_gold_knn": round(ami(gold_codes, knn[gold_index]), 3),
                    "ami_all": round(ami(full.assignments, sampled.assignments), 3),
                    "ami_assigned": round(
                        ami(full.assignments[rest], sampled.assignments[rest]), 3
                    ),
                    "ami_fitted": round(
                        ami(full.assignments[~rest], sampled.assignments[~rest]), 3
                    ),
                    "ami_assigned_knn": round(ami(full.assignments[rest], knn[rest]), 3),
                }
            )
            print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
