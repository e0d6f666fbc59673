"""Tiny embedding models built on the spot, so the model-loading paths run without a download.

The weights are random (seeded): these models say nothing about meaning, only that a folder in
the sentence-transformers or model2vec layout is loaded offline and encodes Dutch text.
"""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np

WORDS = (
    "stage",
    "buitenland",
    "student",
    "studenten",
    "docent",
    "docenten",
    "ouders",
    "bedrijf",
    "bedrijven",
    "internationaal",
    "school",
    "college",
    "beleid",
    "mobiliteit",
    "erasmus",
    "regio",
    "zorg",
    "techniek",
    "taal",
    "engels",
    "uitwisseling",
)


def build_sentence_transformer(folder: Path) -> Path:
    """A one-layer BERT (hidden size 16) with a WordPiece vocabulary, mean pooling, saved."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules
    from transformers import BertConfig, BertModel, BertTokenizerFast

    letters = list(string.ascii_lowercase)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *letters]
    vocab += [f"##{c}" for c in letters]
    base = folder / "bert"
    base.mkdir(parents=True)
    (base / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(base)
    BertTokenizerFast.from_pretrained(base, local_files_only=True).save_pretrained(base)
    transformer = modules.Transformer(str(base), max_seq_length=128)
    pooling = modules.Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    target = folder / "tiny-st"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(target))
    return target


def build_model2vec(folder: Path, dims: int = 8) -> Path:
    """A model2vec static model over a word-level vocabulary, with seeded random vectors."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.normalizers import Lowercase
    from tokenizers.pre_tokenizers import Whitespace

    vocab = {token: index for index, token in enumerate(["[UNK]", "[PAD]", *WORDS])}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = Lowercase()
    tokenizer.pre_tokenizer = Whitespace()
    vectors = np.random.default_rng(0).normal(size=(len(vocab), dims)).astype(np.float32)
    target = folder / "tiny-m2v"
    StaticModel(vectors=vectors, tokenizer=tokenizer, normalize=True).save_pretrained(target)
    return target
