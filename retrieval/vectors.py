"""The FAISS cache over embeddings held in SQLite: add, remove, search, persist.

Files are named `<kind>-<generation>.faiss`, written to a temporary name and renamed, so a
reader never sees half a file, and a file always says which SQLite generation it matches.
When no file matches the current generation the index is rebuilt from SQLite.

Index choice: an exact `IndexIDMap2(IndexFlatIP)` up to `HNSW_THRESHOLD` vectors, HNSW (with
tombstones filtered at search, since HNSW cannot remove) beyond.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from retrieval.errors import IndexCorruptError

HNSW_THRESHOLD = 500_000
HNSW_M = 32


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """One OpenMP thread for this calling thread: a single query is memory-bound, and on a
    loaded 2-core machine a second thread mostly waits (276k vectors: p50 168-320 -> 84-131 ms).
    """
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def _new_index(dim: int, expected: int) -> faiss.Index:
    if expected >= HNSW_THRESHOLD:
        hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        hnsw.hnsw.efSearch = 64
        return faiss.IndexIDMap2(hnsw)
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def _is_hnsw(index: faiss.Index) -> bool:
    inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    return isinstance(inner, faiss.IndexHNSW)


class VectorIndex:
    """One FAISS index (of chunks or of quotes), thread-safe for search beside writes."""

    def __init__(self, dim: int, kind: str) -> None:
        self.dim = dim
        self.kind = kind
        self.index = _new_index(dim, 0)
        self.generation = -1
        self.tombstones: set[int] = set()
        self._lock = threading.RLock()

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal) - len(self.tombstones)

    def build(self, ids: np.ndarray, vecs: np.ndarray, generation: int) -> None:
        index = _new_index(self.dim, len(ids))
        if len(ids):
            index.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), ids.astype(np.int64))
        with self._lock:
            self.index, self.tombstones, self.generation = index, set(), generation

    def add(self, ids: list[int], vecs: np.ndarray) -> None:
        if not ids:
            return
        with self._lock:
            self.index.add_with_ids(
                np.ascontiguousarray(vecs, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )

    def remove(self, ids: list[int]) -> None:
        if not ids:
            return
        with self._lock:
            if _is_hnsw(self.index):
                self.tombstones.update(ids)
            else:
                self.index.remove_ids(np.asarray(ids, dtype=np.int64))  # type: ignore[arg-type]

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k nearest (id, inner product) for one normalised query vector."""
        with self._lock:
            if self.index.ntotal == 0 or k <= 0:
                return []
            want = min(int(self.index.ntotal), k + len(self.tombstones))
            q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
            with _one_thread():
                scores, ids = self.index.search(q, want)
            tomb = self.tombstones
        out = [
            (int(i), float(s))
            for i, s in zip(ids[0], scores[0], strict=True)
            if i >= 0 and int(i) not in tomb
        ]
        return out[:k]

    def nbytes(self) -> int:
        with self._lock:
            return int(faiss.serialize_index(self.index).nbytes) if self.index.ntotal else 0

    # -- persistence ------------------------------------------------------------------------
    def save(self, data_dir: Path, generation: int) -> Path:
        """Write `<kind>-<generation>.faiss` atomically and drop older files of this kind."""
        path = data_dir / f"{self.kind}-{generation}.faiss"
        tmp = data_dir / f".{self.kind}-{generation}.{os.getpid()}.{threading.get_ident()}.tmp"
        with self._lock:
            if self.tombstones:  # compact: a saved file never carries tombstones
                self._compact()
            faiss.write_index(self.index, str(tmp))
            self.generation = generation
        os.replace(tmp, path)
        for old in data_dir.glob(f"{self.kind}-*.faiss"):
            old_gen = _generation_of(old)
            if old != path and old_gen is not None and old_gen < generation:
                with contextlib.suppress(FileNotFoundError):
                    old.unlink()
        return path

    def _compact(self) -> None:
        idmap: Any = self.index
        n = int(idmap.ntotal)
        ids = faiss.vector_to_array(idmap.id_map).astype(np.int64)
        vecs = idmap.index.reconstruct_n(0, n) if n else np.zeros((0, self.dim), "float32")
        keep = np.array([i not in self.tombstones for i in ids], dtype=bool)
        index = _new_index(self.dim, int(keep.sum()))
        if keep.any():
            index.add_with_ids(vecs[keep], ids[keep])
        self.index, self.tombstones = index, set()

    def load(self, data_dir: Path, generation: int) -> bool:
        """Load the file for this generation; False when there is none."""
        path = data_dir / f"{self.kind}-{generation}.faiss"
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            if not path.exists():
                return False
            raise IndexCorruptError(f"cannot read {path.name}: {exc}") from exc
        if index.d != self.dim:
            return False
        with self._lock:
            self.index, self.tombstones, self.generation = index, set(), generation
        return True


def _generation_of(path: Path) -> int | None:
    m = re.search(r"-(\d+)\.faiss$", path.name)
    return int(m.group(1)) if m else None
