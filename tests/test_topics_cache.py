"""UMAP's numba functions are compiled once per user: a later process loads them from disk.

Checked with numba's own counters (cache misses compile, cache hits load), not with timings, in
two fresh interpreters using the user's cache folder as the product does. (A fresh, empty folder
would make the first process also compile pynndescent's own cached functions: half a minute.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.locations import user_cache_dir
from analysis.topics import jit_cache
from tests.subprocess_support import run_python

# One of UMAP's numba functions (its neighbour-distance smoothing), called as a fit calls it:
# compiling one keeps the test cheap; warm_up compiles them all the same way.
FIT = """
import json
import numpy as np
from analysis.topics import jit_cache
from umap import umap_
enabled = jit_cache.cache_compilations()
distances = np.sort(np.random.default_rng(0).random((40, 8)).astype(np.float32), axis=1)
umap_.smooth_knn_dist(distances, 8.0)
stats = umap_.smooth_knn_dist.stats
print(json.dumps({"folder": str(jit_cache.configure()), "enabled": enabled,
                  "hits": sum(stats.cache_hits.values()),
                  "misses": sum(stats.cache_misses.values())}))
"""


def fit_in_new_process() -> dict:
    return json.loads(run_python(FIT).strip().splitlines()[-1])


def test_a_later_process_loads_umap_from_the_cache() -> None:
    first = fit_in_new_process()  # compiles, or loads what an earlier run compiled
    assert first["enabled"] > 20
    assert first["hits"] + first["misses"] > 0
    assert any(Path(first["folder"]).rglob("*smooth_knn_dist*.nbi")), "nothing cached"
    second = fit_in_new_process()
    assert second["hits"] > 0 and second["misses"] == 0  # loaded, not compiled


def test_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert user_cache_dir() == tmp_path / "interviews"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the spec: only absolute paths
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "interviews"


def test_app_warm_up_runs_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(jit_cache, "_warm_up", lambda: calls.append("warm"))
    monkeypatch.setattr(jit_cache, "_warm_up_thread", None)
    assert jit_cache.warm_up_in_background() is None  # the tests' conftest switches it off
    monkeypatch.delenv(jit_cache.NO_WARM_UP)
    thread = jit_cache.warm_up_in_background()
    assert thread is not None
    thread.join(timeout=60)
    assert jit_cache.warm_up_in_background() is thread  # a second page view starts nothing
    assert calls == ["warm"]


# BERTopic's import with its optional extras declined (analysis/topics/bertopic_import.py): the
# default back-end fits without torch, and a configured neural model can still load them.
DECLINED = """
import sys
from analysis.embeddings import fit_lemma_embedder
from analysis.topics.model import fit_topics
import bertopic
heavy = ("sentence_transformers", "transformers", "torch")
before = [name for name in heavy if name in sys.modules]
documents = [
    "ouder stage buitenland spannend kind", "ouder dochter reis spanje toestemming",
    "ouderavond vader moeder vraag stage", "student engels werkvloer spreken durven",
    "cursus engels groep finland vertrekken", "docent taal student les engels",
    "erasmus subsidie reiskosten verblijf dekken", "budget mobiliteit bestuur verhogen subsidie",
    "kosten huisvesting buitenland stijgen budget",
]
embedder = fit_lemma_embedder(documents, seed=0)
result = fit_topics(documents, embedder.encode(documents), embedder, default_backend=True)
after_fit = [name for name in heavy if name in sys.modules]
from sentence_transformers import SentenceTransformer
print(before, after_fit, result.method, len(result.assignments), "torch" in sys.modules)
"""


def test_bertopic_imports_without_torch_and_torch_still_loads_after() -> None:
    assert run_python(DECLINED).splitlines()[-1] == "[] [] kmeans 9 True"
