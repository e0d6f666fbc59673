"""Embedding back-ends shared by topic models, coding suggestions and question answering.

Three kinds, all strictly offline:

* the default, ``LemmaEmbedder``: TF-IDF over a segment's content lemmas followed by a seeded
  ``TruncatedSVD`` (BERTopic's documented scikit-learn back-end). It needs no download, is fitted
  on the corpus at hand and is cheap to recompute, so it is not cached in the store;
* a sentence-transformers model, given as a local folder or as a model name that is already in
  the local Hugging Face cache (``local_files_only``: nothing is ever downloaded);
* a model2vec static model folder (``StaticModel.save_pretrained`` layout).

``load_embedder(spec)`` turns the project setting ``embedding_model`` into an ``Embedder``;
``segment_vectors`` returns segment vectors under that embedder, cached in the ``embedding``
table keyed by (segment, model name) and checked against the sha256 of the segment text, so a
re-segmented or edited segment is re-encoded and everything else is reused.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.store import Embedding, Segment, id_chunks

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# Interview data is personal data: the Hugging Face libraries must never reach for the network.
# These take effect when they are imported after this module; load paths below also pass
# ``local_files_only`` explicitly, which holds whatever the import order.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

DEFAULT_DIMENSIONS = 100
_BATCH = 64


class EmbeddingError(ValueError):
    """An embedding model that cannot be used, in one sentence an evaluator can act on."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32, L2-normalised row vectors. ``name`` keys the store's cache."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """float32 rows of unit length (all-zero rows stay zero), so a dot product is a cosine."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors.reshape(1, -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


# --- the default: TF-IDF + SVD on lemmas ----------------------------------------------------


def lemma_pipeline(n_components: int = DEFAULT_DIMENSIONS, seed: int = 0) -> Pipeline:
    """BERTopic's light-weight back-end, fed with content lemmas instead of raw text.

    ``sublinear_tf`` damps words a respondent repeats within one answer; ``min_df=1`` because a
    corpus of a few hundred segments has few repeated words. ``n_components`` is an upper bound:
    ``LemmaEmbedder.fit`` lowers it to what the vocabulary allows.
    """
    from sklearn.decomposition import TruncatedSVD  # scikit-learn only where it fits
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w[\w-]+\b")),
            ("svd", TruncatedSVD(n_components=n_components, random_state=seed)),
        ]
    )


@dataclass
class LemmaEmbedder:
    """The offline default embedder: fitted on a corpus of space-joined lemma strings.

    ``encode`` expects lemma strings (``Segment.lemmas``), not raw text. Its vectors depend on
    the corpus it was fitted on, so they are recomputed rather than cached in the store.
    """

    n_components: int = DEFAULT_DIMENSIONS
    seed: int = 0
    pipeline: Pipeline | None = field(default=None, repr=False)
    name: str = "tfidf-svd"

    def fit(self, lemma_texts: Sequence[str]) -> LemmaEmbedder:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [text or "" for text in lemma_texts]
        tfidf = TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w[\w-]+\b")
        try:
            vocabulary = len(tfidf.fit(texts).vocabulary_)
        except ValueError as error:  # sklearn: "empty vocabulary"
            raise EmbeddingError("the segments have no content words to embed") from error
        # TruncatedSVD needs fewer components than features (and than documents).
        components = max(1, min(self.n_components, vocabulary - 1, len(texts) - 1))
        self.pipeline = lemma_pipeline(components, self.seed)
        self.pipeline.fit(texts)
        digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:12]
        self.name = f"tfidf-svd:{components}:{self.seed}:{digest}"
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.pipeline is None:
            raise RuntimeError("LemmaEmbedder.encode called before fit")
        return normalise_rows(self.pipeline.transform([text or "" for text in texts]))


def fit_lemma_embedder(
    lemma_texts: Sequence[str], n_components: int = DEFAULT_DIMENSIONS, seed: int = 0
) -> LemmaEmbedder:
    """A ``LemmaEmbedder`` fitted on ``lemma_texts`` (one space-joined lemma string per item)."""
    return LemmaEmbedder(n_components=n_components, seed=seed).fit(lemma_texts)


# --- configured models: sentence-transformers and model2vec ---------------------------------


@dataclass
class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU; texts are encoded as they are."""

    name: str
    model: object = field(repr=False)
    batch_size: int = 32

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.model.encode(  # type: ignore[attr-defined]
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalise_rows(vectors)

    @property
    def dimensions(self) -> int:
        # sentence-transformers 5.x renamed the method; keep both spellings working.
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None)
        return int(getter() if getter else model.get_sentence_embedding_dimension())  # type: ignore[attr-defined]


@dataclass
class Model2VecEmbedder:
    """A model2vec static model: a token-vector table, fast enough for 20,000 segments on a CPU."""

    name: str
    model: object = field(repr=False)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.dim), dtype=np.float32)  # type: ignore[attr-defined]
        return normalise_rows(self.model.encode(list(texts), show_progress_bar=False))  # type: ignore[attr-defined]


def load_embedder(spec: str | os.PathLike | None) -> Embedder | None:
    """The embedder the setting ``embedding_model`` names, or None for the offline default.

    ``spec`` is a local folder (a sentence-transformers model or a model2vec model) or a model
    name already present in the local Hugging Face cache. Nothing is downloaded: a name that is
    not cached raises ``EmbeddingError`` saying how to make it available. Loaded models are kept
    per process (keyed by the folder's fingerprint), since loading one takes seconds.
    """
    if spec is None or not str(spec).strip():
        return None
    text = str(spec).strip()
    folder = Path(text).expanduser()
    if not folder.exists():
        # Hub names are "name" or "owner/name"; anything else is a path that is not there.
        if text.startswith((".", "/", "~")) or text.count("/") > 1 or "\\" in text:
            raise EmbeddingError(f"embedding model folder {text} does not exist")
        folder = _cached_snapshot(text)
    if not folder.is_dir():
        raise EmbeddingError(f"embedding model {text} is a file; give the model's folder")
    folder = folder.resolve()
    return _load_folder(str(folder), _fingerprint(folder))


def _cached_snapshot(name: str) -> Path:
    """The local Hugging Face cache folder of a model name, without touching the network."""
    from huggingface_hub import snapshot_download

    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for candidate in candidates:
        try:
            return Path(snapshot_download(candidate, local_files_only=True))
        except Exception:  # any failure means: not in the local cache
            continue
    raise EmbeddingError(
        f"embedding model {name!r} is not available offline; copy the model's folder to this "
        "computer and set embedding_model to that folder"
    )


def _fingerprint(folder: Path) -> str:
    """A short hash of the folder's file names and sizes plus its small config files.

    Part of the cache key, so replacing a model in the same folder never reuses stale vectors;
    hashing sizes rather than the weights keeps it instant for models of hundreds of megabytes.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        digest.update(f"{relative}\0{path.stat().st_size}\0".encode())
        if path.suffix == ".json" and path.stat().st_size < 1_000_000:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _folder_kind(folder: Path) -> str:
    """ "model2vec" for a model2vec folder, else "sentence-transformers".

    model2vec's own ``save_pretrained`` writes a ``modules.json`` whose only module is a
    ``StaticEmbedding`` at the folder root (distilled models also say ``model_type: model2vec``);
    loading those with model2vec itself avoids torch and is several times faster.
    """
    config, modules = folder / "config.json", folder / "modules.json"
    try:
        if (
            config.is_file()
            and json.loads(config.read_text("utf-8")).get("model_type") == "model2vec"
        ):
            return "model2vec"
        if modules.is_file():
            listed = json.loads(modules.read_text("utf-8"))
            first = listed[0] if listed else {}
            if str(first.get("type", "")).endswith("StaticEmbedding") and first.get("path") in (
                "",
                ".",
            ):
                return "model2vec"
            return "sentence-transformers"
    except (ValueError, OSError, AttributeError) as error:
        raise EmbeddingError(
            f"embedding model {folder}: unreadable model description ({error})"
        ) from error
    if config.is_file():
        return "sentence-transformers"  # a plain transformers model: mean pooling is added
    raise EmbeddingError(
        f"embedding model {folder} is neither a sentence-transformers nor a model2vec folder "
        "(no modules.json or config.json)"
    )


@lru_cache(maxsize=4)
def _load_folder(folder_text: str, fingerprint: str) -> Embedder:
    folder = Path(folder_text)
    kind = _folder_kind(folder)
    name = f"{kind}:{folder.name}@{fingerprint}"
    try:
        if kind == "model2vec":
            from model2vec import StaticModel

            return Model2VecEmbedder(
                name=name, model=StaticModel.from_pretrained(folder, force_download=False)
            )
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        return SentenceTransformerEmbedder(name=name, model=model)
    except EmbeddingError:
        raise
    except Exception as error:  # the library's own message names what is missing
        raise EmbeddingError(f"cannot load embedding model {folder}: {error}") from error


# --- the store's cache ----------------------------------------------------------------------


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segment_vectors(
    session: Session,
    segment_ids: Sequence[int],
    embedder: Embedder,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Vectors of the segments' texts, in the order of ``segment_ids`` (float32, unit rows).

    Cached vectors whose text hash still matches are reused; the rest are encoded in batches
    and written to the ``embedding`` table in the caller's transaction. ``progress(done, todo)``
    is called after each batch that had to be encoded.
    """
    ids = [int(i) for i in segment_ids]
    if not ids:
        return np.zeros((0, 0), dtype=np.float32)
    texts: dict[int, str] = {}
    cached: dict[int, Embedding] = {}
    unique = list(dict.fromkeys(ids))
    for chunk in id_chunks(unique):
        texts.update(
            session.execute(select(Segment.id, Segment.text).where(Segment.id.in_(chunk))).all()
        )
        rows = session.scalars(
            select(Embedding).where(
                Embedding.segment_id.in_(chunk), Embedding.model == embedder.name
            )
        )
        cached.update({row.segment_id: row for row in rows})
    missing = [i for i in unique if i not in texts]
    if missing:
        raise EmbeddingError(f"no segment with id {missing[0]}")

    vectors: dict[int, np.ndarray] = {}
    stale: list[int] = []
    for segment_id in unique:
        row = cached.get(segment_id)
        if row is not None and row.text_sha256 == text_sha256(texts[segment_id]):
            vectors[segment_id] = np.frombuffer(row.vector, dtype="<f4")
        else:
            stale.append(segment_id)

    for start in range(0, len(stale), _BATCH):
        batch = stale[start : start + _BATCH]
        encoded = normalise_rows(embedder.encode([texts[i] for i in batch]))
        for segment_id, vector in zip(batch, encoded, strict=True):
            vectors[segment_id] = vector
            blob = vector.astype("<f4").tobytes()
            digest = text_sha256(texts[segment_id])
            row = cached.get(segment_id)
            if row is None:
                session.add(
                    Embedding(
                        segment_id=segment_id, model=embedder.name, text_sha256=digest, vector=blob
                    )
                )
            else:
                row.text_sha256, row.vector = digest, blob
        if progress is not None:
            progress(min(start + _BATCH, len(stale)), len(stale))
    session.flush()
    dims = {v.shape[0] for v in vectors.values()}
    if len(dims) != 1:
        raise EmbeddingError(
            f"embedding model {embedder.name} gave vectors of different sizes {sorted(dims)}"
        )
    return np.vstack([vectors[i] for i in ids]).astype(np.float32, copy=False)
