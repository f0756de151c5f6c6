"""The onnxruntime embedder: the packaged model exported once into a cache dir, the same
vectors and word-piece counts as the torch backend, and no torch in a process that only
embeds with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import ModelError
from retrieval.storage.embedding import (
    SINGLE_THREAD_MAX,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    length_batches,
    shared_embedder,
)
from tests.conftest import ROOT

TEXTS = [
    "The harbour board will put the early boat back before the first snow.",
    "a",
    "",
    "“We never asked the riders,” the councillor said — twice. " * 12,
    "word " * 400,  # longer than the model's 256 word pieces: truncated alike
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def onnx(cache_dir: Path) -> OnnxEmbedder:
    emb = OnnxEmbedder(cache_dir=cache_dir)
    emb.embed(["warm"])  # exports on first use
    return emb


def test_export_is_cached_once(onnx: OnnxEmbedder, cache_dir: Path) -> None:
    (model,) = cache_dir.glob("onnx-*/model.onnx")
    stamp = model.stat().st_mtime_ns
    again = OnnxEmbedder(cache_dir=cache_dir)
    again.embed(["again"])
    assert model.stat().st_mtime_ns == stamp
    assert list(cache_dir.glob("onnx-*/*.tmp")) == []


def test_same_vectors_and_counts_as_torch(onnx: OnnxEmbedder) -> None:
    torch_emb = SentenceTransformerEmbedder()
    a, b = onnx.embed(TEXTS), torch_emb.embed(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), onnx.dim) and a.dtype == np.float32
    assert float((a * b).sum(axis=1).min()) > 0.9999
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    # one text alone and in a padded batch: the same vector
    assert float(onnx.embed([TEXTS[0]])[0] @ a[0]) > 0.99999
    for text in TEXTS:
        ours = onnx.tokenizer(text, add_special_tokens=False)["input_ids"]
        theirs = torch_emb.tokenizer(text, add_special_tokens=False)["input_ids"]  # type: ignore[operator]
        assert ours == theirs
    assert onnx.name == torch_emb.name  # a store built by one is read by the other


def test_embedding_with_onnx_imports_no_torch(onnx: OnnxEmbedder, cache_dir: Path) -> None:
    code = (
        "import sys, json\n"
        "from retrieval.storage.embedding import OnnxEmbedder\n"
        f"v = OnnxEmbedder(cache_dir={str(cache_dir)!r}).embed(['who said it?'])\n"
        "print(json.dumps([v.shape[1], [m for m in ('torch', 'sentence_transformers',"
        " 'transformers') if m in sys.modules]]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [384, []]


def test_unknown_backend_is_one_clear_error() -> None:
    with pytest.raises(ModelError, match="backend"):
        shared_embedder(backend="tensorflow")
    assert isinstance(shared_embedder(backend="onnx"), OnnxEmbedder)


def test_batches_hold_texts_of_about_one_length() -> None:
    # a worker's few articles: long chunks beside short quotes; padded to one batch's longest,
    # the short ones would cost as much as the chunks
    lengths = [150, 12, 140, 20, 149, 30, 13, 100, 95, 5]
    batches = length_batches(lengths, 16)
    assert [[lengths[i] for i in b] for b in batches] == [
        [150, 149, 140],
        [100, 95],
        [30],
        [20, 13, 12],  # within 8 word pieces of the longest share a batch
        [5],
    ]
    assert [len(b) for b in length_batches([40] * 20, 16)] == [16, 4]


def test_length_batches_give_the_vectors_one_batch_gives(onnx: OnnxEmbedder) -> None:
    texts = [t for t in TEXTS if t] + ["Short.", "A somewhat longer sentence than that one."]
    together = onnx.embed(texts)
    alone = np.stack([onnx.embed([t] * (SINGLE_THREAD_MAX + 1))[0] for t in texts])
    assert np.array_equal(together, alone)
