"""Embedding back-ends: offline loading of local models, the store cache, the lemma default."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from tiny_models import build_model2vec, build_sentence_transformer

from analysis import Project
from analysis.embeddings import (
    EmbeddingError,
    LemmaEmbedder,
    fit_lemma_embedder,
    load_embedder,
    segment_vectors,
)
from analysis.store import Embedding, Segment, Transcript, Turn

ANSWERS = [
    "Onze studenten gaan op stage in het buitenland, vooral naar Duitsland en Spanje.",
    "De ouders zijn soms bang, dus we organiseren een ouderavond over de reis.",
    "Docenten gaan mee op uitwisseling en nemen nieuwe ideeën mee naar de school.",
    "Voor studenten in de zorg is Engels een drempel, daar werken we aan.",
]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {"st": build_sentence_transformer(root), "m2v": build_model2vec(root)}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test loudly."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _add_segments(project: Project, answers: list[str]) -> list[int]:
    """One transcript whose respondent turns are ``answers``, one segment each."""
    text = "\n".join(answers)
    with project.store.session() as session:
        transcript = Transcript(
            name="ROC Testrand", source_name="testrand.txt", sha256="0" * 64, format="txt",
            text=text, institution="ROC Testrand",
        )
        session.add(transcript)
        session.flush()
        ids, start = [], 0
        for index, answer in enumerate(answers):
            end = start + len(answer)
            turn = Turn(transcript_id=transcript.id, index=index, speaker="Bestuurder",
                        role="respondent", start=start, end=end)
            session.add(turn)
            session.flush()
            segment = Segment(transcript_id=transcript.id, turn_id=turn.id, index=index,
                              start=start, end=end, text=answer, lemmas="")
            session.add(segment)
            session.flush()
            ids.append(segment.id)
            start = end + 1
    return ids


def test_sentence_transformer_folder_loads_offline(
    models: dict[str, Path], no_network: None
) -> None:
    embedder = load_embedder(str(models["st"]))
    assert embedder is not None
    assert embedder.name.startswith("sentence-transformers:tiny-st@")
    vectors = embedder.encode(ANSWERS)
    assert vectors.dtype == np.float32 and vectors.shape == (4, 16)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert not np.allclose(vectors[0], vectors[1])
    np.testing.assert_array_equal(vectors, embedder.encode(ANSWERS))
    assert load_embedder(models["st"]) is embedder  # loaded once per process


def test_model2vec_folder_is_loaded_with_model2vec(
    models: dict[str, Path], no_network: None
) -> None:
    embedder = load_embedder(str(models["m2v"]))
    assert embedder is not None
    assert embedder.name.startswith("model2vec:tiny-m2v@")
    vectors = embedder.encode(["Stage in het buitenland", "ouders en docenten", "xyz onbekend"])
    assert vectors.shape == (3, 8)
    np.testing.assert_allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, rtol=1e-5)
    assert not vectors[2].any()  # no known token: a zero vector, not NaN


def test_unavailable_models_give_one_clear_error(tmp_path: Path, no_network: None) -> None:
    assert load_embedder(None) is None
    assert load_embedder("  ") is None
    with pytest.raises(EmbeddingError, match="not available offline"):
        load_embedder("acme/geen-model-hier")
    with pytest.raises(EmbeddingError, match="does not exist"):
        load_embedder(str(tmp_path / "weg" / "model"))
    (tmp_path / "leeg").mkdir()
    with pytest.raises(EmbeddingError, match="neither a sentence-transformers nor a model2vec"):
        load_embedder(str(tmp_path / "leeg"))


def test_changed_model_folder_gets_a_new_cache_name(tmp_path: Path) -> None:
    folder = build_model2vec(tmp_path)
    before = load_embedder(folder).name
    (folder / "config.json").write_text('{"normalize": true, "max_length": 256}', encoding="utf-8")
    assert load_embedder(folder).name != before


class _Counting:
    """Wraps an embedder and counts the texts it was asked to encode."""

    def __init__(self, inner: object) -> None:
        self.inner, self.name, self.seen = inner, inner.name, []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.encode(texts)


def test_segment_vectors_are_cached_and_refreshed(
    models: dict[str, Path], empty_project: Project
) -> None:
    ids = _add_segments(empty_project, ANSWERS)
    embedder = _Counting(load_embedder(models["m2v"]))
    with empty_project.store.session() as session:
        first = segment_vectors(session, ids, embedder)
    assert first.shape == (4, 8) and len(embedder.seen) == 4

    with empty_project.store.session() as session:
        again = segment_vectors(session, [ids[2], ids[0], ids[2]], embedder)
        stored = session.scalar(select(func.count()).select_from(Embedding))
    assert len(embedder.seen) == 4  # nothing re-encoded
    np.testing.assert_array_equal(again, first[[2, 0, 2]])
    assert stored == 4

    with empty_project.store.session() as session:
        session.get(Segment, ids[1]).text = "Bedrijven in de regio bieden stages aan."
    with empty_project.store.session() as session:
        refreshed = segment_vectors(session, ids, embedder)
    assert embedder.seen[4:] == ["Bedrijven in de regio bieden stages aan."]
    assert not np.allclose(refreshed[1], first[1])
    np.testing.assert_array_equal(refreshed[[0, 2, 3]], first[[0, 2, 3]])

    with pytest.raises(EmbeddingError, match="no segment"):  # noqa: SIM117 (session must roll back)
        with empty_project.store.session() as session:
            segment_vectors(session, [ids[0], 999_999], embedder)


def test_lemma_embedder_is_seeded_and_fits_tiny_vocabularies() -> None:
    lemmas = ["student stage buitenland", "ouder angst reis", "docent uitwisseling", "zorg engels"]
    one, two = fit_lemma_embedder(lemmas, seed=3), fit_lemma_embedder(lemmas, seed=3)
    assert one.name == two.name and one.name.startswith("tfidf-svd:3:3:")  # 4 documents: 3 dims
    np.testing.assert_array_equal(one.encode(lemmas), two.encode(lemmas))
    assert one.encode(["stage buitenland"]).shape == (1, 3)
    with pytest.raises(EmbeddingError, match="no content words"):
        LemmaEmbedder().fit(["", " "])
