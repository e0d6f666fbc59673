"""Fitting a topic model: BERTopic over lemma documents and their embeddings, pure (no store).

The pipeline is BERTopic's own: UMAP to 5 dimensions, HDBSCAN, c-TF-IDF over a
``CountVectorizer`` with uni- and bigrams, and a readable representation on top. Choices made
for interviews of 200 to 20,000 segments:

* **Neighbours**: exact cosine neighbours from scikit-learn up to 20,000 documents, handed to
  UMAP (see ``_umap``); UMAP's approximate search beyond that.
* **Cluster sizes grow with the corpus** (``cluster_sizes``): HDBSCAN's ``min_cluster_size``
  is about half the square root of the number of documents (at least 5), so 600 segments give
  themes of a dozen quotes and 20,000 segments do not splinter into hundreds of topics.
  ``min_samples`` is a third of it, which keeps HDBSCAN from declaring a third of an interview
  noise.
* **Outlier reduction**: an outlier joins the nearest topic (cosine to the topic's mean
  embedding, BERTopic's "embeddings" strategy) when it is at least as close as the least typical
  tenth of the topics' own members; the rest stays in the outlier topic (-1). The threshold is
  relative, so it means the same for every embedding back-end.
* **Large corpora: a sampled fit** (``fit_sample``, ``FIT_LIMIT``): above 6,000 documents the
  model is fitted on a seeded sample of 6,000, stratified by interview (each interview's share
  proportional to its documents), and every other document joins the topic with the nearest
  centroid (cosine to the mean embedding of the topic's fitted members) when it is at least as
  close as the outlier-reduction threshold, else the outlier topic. BERTopic's own
  ``transform`` is not available here (UMAP is given precomputed neighbours), and the
  centroid rule is the one outlier reduction already uses. The limit was chosen on the
  230-interview synthetic corpus (``benchmarks/topics_sample.py``; docs/performance.md).
  Corpora up to the limit are fitted on all their documents, exactly as before.
* **Tiny corpora**: when HDBSCAN finds fewer than two topics (or there are too few documents
  for UMAP), k-means on the embeddings takes over, with k chosen by the silhouette score.
* **Vocabulary**: n-grams that occur in at least two documents (one-off word pairs make poor
  labels); c-TF-IDF damps words frequent in every topic (``reduce_frequent_words``).
* **Representation**: with the default TF-IDF/SVD back-end, Maximal Marginal Relevance over
  the c-TF-IDF words (word vectors of an SVD say little, so KeyBERTInspired picks odd words);
  with a configured sentence-transformers or model2vec model, KeyBERTInspired first, then MMR.
  MMR's diversity is 0.1: on the sample corpus it gave clearly more coherent keywords (NPMI
  over segments -0.22 against -0.39 at 0.3 and -0.38 for plain c-TF-IDF, 4 seeds), and the
  label itself already skips words that repeat a chosen one (``vocabulary.label_words``).
* **Seeded**: UMAP ``random_state`` (which also makes it single-threaded), k-means, and the
  sampling inside BERTopic, so the same documents and seed give the same topics.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import sklearn
from bertopic import BERTopic
from bertopic.backend import BaseEmbedder
from bertopic.cluster import BaseCluster
from bertopic.dimensionality import BaseDimensionalityReduction
from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance
from bertopic.vectorizers import ClassTfidfTransformer
from hdbscan import HDBSCAN
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import silhouette_score
from sklearn.neighbors import NearestNeighbors
from umap import UMAP

from analysis.embeddings import Embedder, normalise_rows
from analysis.topics import TOP_WORDS, TopicError, jit_cache

# UMAP's numba functions are compiled once per user and then loaded from disk (see jit_cache).
jit_cache.cache_compilations()

REPRESENTATIVES = 10
MIN_DOCUMENTS = 2
EXACT_NEIGHBOURS = 20_000
FIT_LIMIT = 6_000  # documents a model is fitted on at most; see fit_sample and docs
_UMAP_MIN_DOCUMENTS = 30  # below this, k-means on the embeddings is the better tool
_TOKEN_PATTERN = r"(?u)\b\w[\w-]+\b"


@contextmanager
def _quiet() -> Iterator[None]:
    """Drop two warnings about things done on purpose while we fit: BERTopic's about topics
    assigned by hand (the k-means fallback and outlier reduction do that; a logging filter,
    since BERTopic resets its logger's level inside fit), and UMAP's that neighbours computed
    outside it leave ``transform`` unavailable (we never transform new data)."""
    logger = logging.getLogger("BERTopic")

    def wanted(record: logging.LogRecord) -> bool:
        return "custom list of topic assignments" not in record.getMessage()

    logger.addFilter(wanted)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]")
            yield
    finally:
        logger.removeFilter(wanted)


def _umap(embeddings: np.ndarray, seed: int) -> UMAP:
    """UMAP as BERTopic configures it, with exact cosine neighbours up to 20,000 documents.

    UMAP's own small-data path (under 4,096 points) measures cosine distances pair by pair in
    Python (11 s for 1,200 segments), and above that its approximate search costs a numba
    compilation of a minute or more per process; scikit-learn's brute-force neighbours take
    seconds up to 20,000 documents. Beyond that UMAP's approximate search is the better deal.
    """
    n_neighbors = min(15, len(embeddings) - 1)
    knn: tuple = (None, None, None)
    if len(embeddings) <= EXACT_NEIGHBOURS:
        # Distances are computed in blocks; 128 MB blocks instead of scikit-learn's 1 GB keep
        # the peak memory of a 20,000-segment run low at no cost in speed.
        with sklearn.config_context(working_memory=128):
            distances, indices = (
                NearestNeighbors(n_neighbors=n_neighbors, metric="cosine", algorithm="brute")
                .fit(embeddings)
                .kneighbors(embeddings)
            )
        knn = (indices, distances, None)
    return UMAP(
        n_neighbors=n_neighbors,
        n_components=5,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
        n_jobs=1,  # a seed makes UMAP single-threaded anyway; say so, and no warning
        precomputed_knn=knn,
    )


@dataclass
class FitResult:
    """Topics of one fit. Topic numbers run 0, 1, ... by size; -1 holds the outliers."""

    assignments: np.ndarray
    probabilities: np.ndarray | None
    keywords: dict[int, list[tuple[str, float]]]
    representatives: dict[int, list[int]]
    coordinates: dict[int, tuple[float, float]]
    method: str
    details: dict = field(default_factory=dict)
    fitted: np.ndarray | None = None  # True for the documents the model was fitted on

    @property
    def topic_numbers(self) -> list[int]:
        return sorted(set(self.assignments.tolist()))


class _Backend(BaseEmbedder):
    """Lets BERTopic embed words and documents with our embedder (for the representation)."""

    def __init__(self, embedder: Embedder) -> None:
        super().__init__()
        self.embedder = embedder

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        return self.embedder.encode(list(documents))


def cluster_sizes(n_documents: int, min_topic_size: int | None = None) -> tuple[int, int]:
    """HDBSCAN's (min_cluster_size, min_samples) for a corpus of ``n_documents``."""
    size = min_topic_size or max(5, round(math.sqrt(n_documents) / 2))
    return size, max(2, size // 3)


def keyword_vectorizer(lemma_documents: Sequence[str]) -> CountVectorizer:
    """A CountVectorizer restricted to words and word pairs found in at least two documents."""
    for min_df in (2, 1):
        try:
            vocabulary = (
                CountVectorizer(ngram_range=(1, 2), min_df=min_df, token_pattern=_TOKEN_PATTERN)
                .fit(lemma_documents)
                .vocabulary_
            )
        except ValueError:  # no term left at this min_df
            continue
        if len(vocabulary) >= TOP_WORDS or min_df == 1:
            return CountVectorizer(
                ngram_range=(1, 2), token_pattern=_TOKEN_PATTERN, vocabulary=sorted(vocabulary)
            )
    raise TopicError("the segments have no content words to build topics from")


def _representation(default_backend: bool, seed: int) -> list:
    mmr = MaximalMarginalRelevance(diversity=0.1, top_n_words=TOP_WORDS)
    if default_backend:
        return [mmr]
    return [KeyBERTInspired(top_n_words=TOP_WORDS, random_state=seed), mmr]


def warm_up(*, approximate: bool = False) -> None:
    """Fit UMAP once on random data, as a run does, so numba compiles it now (seconds to a
    minute, once per process) rather than during the evaluator's first topic run.

    ``approximate`` also compiles UMAP's approximate neighbour search, which only corpora of
    more than ``EXACT_NEIGHBOURS`` documents use (it takes a minute or two).
    """
    points = normalise_rows(np.random.default_rng(0).normal(size=(60, 20)))
    with _quiet():
        _umap(points, 0).fit_transform(points)
        if approximate:
            UMAP(
                n_neighbors=15,
                n_components=5,
                metric="cosine",
                random_state=0,
                n_jobs=1,
                force_approximation_algorithm=True,
            ).fit_transform(points)


def _bertopic(
    embedder: Embedder,
    default_backend: bool,
    vectorizer: CountVectorizer,
    seed: int,
    **models: object,
) -> BERTopic:
    return BERTopic(
        embedding_model=_Backend(embedder),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=_representation(default_backend, seed),
        top_n_words=TOP_WORDS,
        **models,
    )


def _kmeans_labels(embeddings: np.ndarray, seed: int) -> tuple[np.ndarray, dict]:
    """k-means with the k (2 .. 10) of the best silhouette; one topic for 2-3 documents."""
    n = len(embeddings)
    if n < 4:
        return np.zeros(n, dtype=int), {"k": 1}
    best: tuple[float, int, np.ndarray] | None = None
    for k in range(2, min(10, n - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(embeddings)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(embeddings, labels, metric="cosine"))
        if best is None or score > best[0] + 1e-9:
            best = (score, k, labels)
    if best is None:
        return np.zeros(n, dtype=int), {"k": 1}
    return best[2], {"k": best[1], "silhouette": round(best[0], 4)}


def _centroids(embeddings: np.ndarray, assignments: np.ndarray) -> dict[int, np.ndarray]:
    return {
        int(t): normalise_rows(embeddings[assignments == t].mean(axis=0))[0]
        for t in sorted(set(assignments.tolist()))
    }


def _reduce_outliers(
    model: BERTopic, documents: list[str], topics: list[int], embeddings: np.ndarray
) -> tuple[list[int], float]:
    """BERTopic's "embeddings" outlier reduction with a threshold relative to the topics' spread."""
    labels = np.array(topics)
    members = labels >= 0
    centroids = _centroids(embeddings[members], labels[members])
    own = np.array(
        [float(embeddings[i] @ centroids[int(labels[i])]) for i in np.flatnonzero(members)]
    )
    threshold = float(np.quantile(own, 0.1))
    reduced = model.reduce_outliers(
        documents, topics, strategy="embeddings", embeddings=embeddings, threshold=threshold
    )
    return [int(t) for t in reduced], threshold


def fit_sample(groups: Sequence[object], limit: int, seed: int) -> np.ndarray:
    """Indices (sorted) of at most ``limit`` documents, stratified by ``groups`` (the interview
    of each document): every interview gets a share proportional to its documents (largest
    remainder, so the shares add up to ``limit``), drawn with a seeded generator. Everything
    when there are no more than ``limit`` documents."""
    n = len(groups)
    if n <= limit:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    members: dict[object, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    keys = list(members)
    exact = np.array([len(members[k]) * limit / n for k in keys])
    shares = np.floor(exact).astype(int)
    leftover = limit - int(shares.sum())
    # the largest remainders get one more; ties by the order of the interviews
    for j in np.lexsort((np.arange(len(keys)), -(exact - shares)))[:leftover]:
        shares[j] += 1
    chosen = [
        rng.choice(np.array(members[k]), size=int(share), replace=False)
        for k, share in zip(keys, shares, strict=True)
        if share
    ]
    return np.sort(np.concatenate(chosen))


def fit_topics(
    lemma_documents: Sequence[str],
    embeddings: np.ndarray,
    embedder: Embedder,
    *,
    default_backend: bool,
    min_topic_size: int | None = None,
    seed: int = 0,
    groups: Sequence[object] | None = None,
    fit_limit: int | None = None,
) -> FitResult:
    """Topics of ``lemma_documents`` (space-joined lemmas) given their unit-length embeddings.

    ``embedder`` embeds words for the representation (it must be the one that made
    ``embeddings``); ``default_backend`` says it is the TF-IDF/SVD default.

    Above ``fit_limit`` documents (default ``FIT_LIMIT``) the model is fitted on a seeded
    sample stratified by ``groups`` (the interview of each document; see ``fit_sample``) and
    every other document joins the topic whose centroid (mean embedding of its fitted members)
    is nearest, when it is at least as close as the outlier-reduction threshold; otherwise it
    is an outlier (-1). ``FitResult.fitted`` marks the fitted documents. Up to the limit every
    document is fitted and the result is what a fit on all of them gives.
    """
    documents = [str(d) for d in lemma_documents]
    embeddings = normalise_rows(embeddings)
    limit = FIT_LIMIT if fit_limit is None else fit_limit
    chosen = fit_sample(groups if groups is not None else [0] * len(documents), limit, seed)
    sampled = len(chosen) < len(documents)
    with _quiet():
        model, topics, probabilities, details = _fit(
            [documents[i] for i in chosen] if sampled else documents,
            embeddings[chosen] if sampled else embeddings,
            embedder,
            default_backend=default_backend,
            min_topic_size=min_topic_size,
            seed=seed,
        )
    fitted = np.zeros(len(documents), dtype=bool)
    fitted[chosen] = True
    if sampled:
        topics, probabilities = _assign_rest(embeddings, chosen, topics, probabilities, details)
        details["fit_limit"] = limit
        details["documents"] = len(documents)
        details["fitted_documents"] = int(fitted.sum())
        details["assigned_documents"] = int((~fitted).sum())
        details["assigned_outliers"] = int((topics[~fitted] == -1).sum())
    return _result(model, topics, probabilities, embeddings, details, fitted)


def _assign_rest(
    embeddings: np.ndarray,
    chosen: np.ndarray,
    topics: np.ndarray,
    probabilities: np.ndarray | None,
    details: dict,
) -> tuple[np.ndarray, np.ndarray]:
    """Topics for the documents outside the fitted sample: the nearest topic centroid (cosine,
    fitted members only) when at least as close as the outlier-reduction threshold, else -1.
    Their probability is left empty (NaN): the model did not estimate one."""
    n = len(embeddings)
    rest = np.setdiff1d(np.arange(n), chosen)
    members = topics >= 0
    centroids = _centroids(embeddings[chosen][members], topics[members])
    numbers = np.array(sorted(centroids))
    matrix = np.vstack([centroids[t] for t in numbers])
    # no outliers to reduce in the fit (or k-means): every document joins a topic
    threshold = details.get("outlier_threshold", -np.inf)
    assigned = np.full(n, -1, dtype=int)
    assigned[chosen] = topics
    chance = np.full(n, np.nan)
    if probabilities is not None:
        chance[chosen] = probabilities
    for start in range(0, len(rest), 4096):  # blocks keep the similarity matrix small
        block = rest[start : start + 4096]
        similarity = embeddings[block] @ matrix.T
        best = similarity.argmax(axis=1)
        close = similarity[np.arange(len(block)), best] >= threshold
        assigned[block] = np.where(close, numbers[best], -1)
    return assigned, chance


def _fit(
    documents: list[str],
    embeddings: np.ndarray,
    embedder: Embedder,
    *,
    default_backend: bool,
    min_topic_size: int | None,
    seed: int,
) -> tuple[BERTopic, np.ndarray, np.ndarray | None, dict]:
    n = len(documents)
    if n < MIN_DOCUMENTS:
        raise TopicError(
            f"too few segments with content words for topics ({n}); import more interviews"
        )
    vectorizer = keyword_vectorizer(documents)
    size, samples = cluster_sizes(n, min_topic_size)
    details: dict = {"documents": n, "min_cluster_size": size, "min_samples": samples}
    topics: list[int] | None = None
    probabilities: np.ndarray | None = None
    model: BERTopic | None = None

    if n >= max(_UMAP_MIN_DOCUMENTS, 2 * size):
        model = _bertopic(
            embedder,
            default_backend,
            vectorizer,
            seed,
            umap_model=_umap(embeddings, seed),
            hdbscan_model=HDBSCAN(
                min_cluster_size=size,
                min_samples=samples,
                metric="euclidean",
                cluster_selection_method="eom",
                prediction_data=True,
            ),
            calculate_probabilities=True,
        )
        fitted, distribution = model.fit_transform(documents, embeddings=embeddings)
        topics = [int(t) for t in fitted]
        if len(set(topics) - {-1}) < 2:
            topics = None  # HDBSCAN saw no structure: fall back below
        else:
            details["method"] = "umap-hdbscan"
            details["outliers"] = topics.count(-1)
            if -1 in topics:
                topics, details["outlier_threshold"] = _reduce_outliers(
                    model, documents, topics, embeddings
                )
                model.update_topics(
                    documents,
                    topics=topics,
                    top_n_words=TOP_WORDS,
                    vectorizer_model=vectorizer,
                    ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                    representation_model=_representation(default_backend, seed),
                )
            details["outliers_after_reduction"] = topics.count(-1)
            distribution = np.asarray(distribution, dtype=float)
            probabilities = np.array(
                [distribution[i, t] if t >= 0 else np.nan for i, t in enumerate(topics)]
            )

    if topics is None:
        labels, kmeans = _kmeans_labels(embeddings, seed)
        details.update({"method": "kmeans", **kmeans})
        model = _bertopic(
            embedder,
            default_backend,
            vectorizer,
            seed,
            umap_model=BaseDimensionalityReduction(),
            hdbscan_model=BaseCluster(),
        )
        model.fit_transform(documents, embeddings=embeddings, y=labels)
        topics = [int(t) for t in labels]

    return model, np.array(topics), probabilities, details


def _result(
    model: BERTopic,
    topics: np.ndarray,
    probabilities: np.ndarray | None,
    embeddings: np.ndarray,
    details: dict,
    fitted: np.ndarray,
) -> FitResult:
    """Renumber topics by size (ties: BERTopic's number) and gather what is stored."""
    present = [int(t) for t in sorted(set(topics.tolist())) if t >= 0]
    order = sorted(present, key=lambda t: (-int((topics == t).sum()), t))
    mapping = {old: new for new, old in enumerate(order)}
    mapping[-1] = -1
    assignments = np.array([mapping[int(t)] for t in topics], dtype=int)
    keywords = {
        mapping[old]: [(word, float(score)) for word, score in (model.get_topic(old) or []) if word]
        for old in [*order, *([-1] if -1 in topics else [])]
    }
    centroids = _centroids(embeddings, assignments)
    representatives = {}
    for topic, centroid in centroids.items():
        members = np.flatnonzero(assignments == topic)
        if fitted[members].any():  # quotes the model itself placed (they have a probability)
            members = members[fitted[members]]
        closeness = embeddings[members] @ centroid
        ranked = members[np.lexsort((members, -closeness))]
        representatives[topic] = [int(i) for i in ranked[:REPRESENTATIVES]]
    return FitResult(
        assignments=assignments,
        probabilities=probabilities,
        keywords=keywords,
        representatives=representatives,
        coordinates=topic_coordinates(centroids),
        method=details["method"],
        details=details,
        fitted=fitted,
    )


def topic_coordinates(centroids: dict[int, np.ndarray]) -> dict[int, tuple[float, float]]:
    """2-D positions of the topics (outliers left out) for the intertopic map: a PCA of their
    mean embeddings, deterministic and faithful to distances for a few dozen points."""
    topics = [t for t in centroids if t >= 0]
    if len(topics) < 3:
        return {t: (float(i), 0.0) for i, t in enumerate(topics)}
    points = PCA(n_components=2, svd_solver="full").fit_transform(
        np.vstack([centroids[t] for t in topics])
    )
    # PCA's signs are arbitrary up to the solver; fix them so the map never flips between runs.
    points *= np.where(points[np.abs(points).argmax(axis=0), [0, 1]] < 0, -1.0, 1.0)
    return {
        t: (round(float(x), 6), round(float(y), 6))
        for t, (x, y) in zip(topics, points, strict=True)
    }
