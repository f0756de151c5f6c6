"""FAISS search alone at 100k and 1M vectors: exact vs HNSW (as retrieval/vectors.py builds
it) vs scalar-quantised exact indexes, with recall@10 against exact and bytes per vector.

Synthetic vectors are drawn from a Gaussian fitted to real chunk embeddings (their mean and
covariance), then normalised: they keep the anisotropy of real MiniLM vectors, which uniform
random vectors do not, and HNSW recall depends on it. Queries come from the same distribution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import faiss
import numpy as np

from benchmarks.common import percentile
from retrieval import vectors

K = 10


@dataclass
class SearchRow:
    vectors: int
    index: str
    build_s: float
    p50_ms: float
    p95_ms: float
    recall_at_10: float
    bytes_per_vector: float


def synthetic(real: np.ndarray, n: int, seed: int = 3, batch: int = 100_000) -> np.ndarray:
    """n unit vectors from a Gaussian with the mean and covariance of `real`."""
    rng = np.random.default_rng(seed)
    real = real.astype(np.float64)
    mean = real.mean(axis=0)
    cov = np.cov(real, rowvar=False) + 1e-6 * np.eye(real.shape[1])
    chol = np.linalg.cholesky(cov).astype(np.float32)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for i in range(0, n, batch):
        m = min(batch, n - i)
        x = rng.standard_normal((m, real.shape[1])).astype(np.float32) @ chol.T + mean
        out[i : i + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def _factories(dim: int) -> dict[str, object]:
    def hnsw() -> faiss.Index:
        return vectors._new_index(dim, vectors.HNSW_THRESHOLD)

    def sq(kind: int) -> object:
        return lambda: faiss.IndexIDMap2(
            faiss.IndexScalarQuantizer(dim, kind, faiss.METRIC_INNER_PRODUCT)
        )

    return {
        "exact IndexFlatIP (fp32)": lambda: vectors._new_index(dim, 0),
        f"HNSW M={vectors.HNSW_M} (fp32)": hnsw,
        "exact SQ fp16": sq(faiss.ScalarQuantizer.QT_fp16),
        "exact SQ8": sq(faiss.ScalarQuantizer.QT_8bit),
    }


def _search_times(index: faiss.Index, queries: np.ndarray) -> tuple[list[float], np.ndarray]:
    """One query at a time on one OpenMP thread, as `VectorIndex.search` runs it."""
    times, found = [], []
    with vectors._one_thread():
        for q in queries:
            t0 = time.perf_counter()
            _, ids = index.search(q.reshape(1, -1), K)
            times.append(time.perf_counter() - t0)
            found.append(ids[0])
    return times, np.array(found)


def run_scaling(
    real: np.ndarray, sizes: list[int], hnsw_max: int, n_queries: int = 100
) -> tuple[list[SearchRow], dict[str, float]]:
    """Every index kind at every size; HNSW only up to `hnsw_max` vectors (its build is slow).

    Also returns what removal costs at the largest size each index kind was built at.
    """
    rows: list[SearchRow] = []
    removal: dict[str, float] = {}
    dim = real.shape[1]
    queries = synthetic(real, n_queries, seed=99)
    for n in sizes:
        data = synthetic(real, n)
        ids = np.arange(n, dtype=np.int64)
        truth: np.ndarray | None = None
        for name, make in _factories(dim).items():
            if name.startswith("HNSW") and n > hnsw_max:
                continue
            index = make()  # type: ignore[operator]
            t0 = time.perf_counter()
            if not index.is_trained:
                index.train(data)
            index.add_with_ids(data, ids)
            build = time.perf_counter() - t0
            times, found = _search_times(index, queries)
            if truth is None:
                truth = found
            recall = float(
                np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)])
            )
            size = faiss.serialize_index(index).nbytes
            rows.append(
                SearchRow(
                    n,
                    name,
                    build,
                    percentile(times, 50) * 1000,
                    percentile(times, 95) * 1000,
                    recall,
                    size / n,
                )
            )
            if name.startswith("HNSW"):
                removal.update(_tombstones(index, queries, n, build))
            elif name.startswith("exact IndexFlatIP"):
                removal.update(_exact_removal(index, queries, n))
            del index
        del data
    return rows, removal


def _tombstones(index: faiss.Index, queries: np.ndarray, n: int, build: float) -> dict[str, float]:
    """HNSW cannot remove: time searches with 100 tombstones; compaction is a full rebuild."""
    vi = vectors.VectorIndex(index.d, "chunk")
    vi.index = index
    before, _ = _search_times(index, queries)
    vi.remove(list(range(0, n, n // 100))[:100])
    t0 = time.perf_counter()
    for q in queries:
        vi.search(q, K)
    after = (time.perf_counter() - t0) / len(queries)
    return {
        "hnsw_vectors": float(n),
        "hnsw_search_ms": percentile(before, 50) * 1000,
        "hnsw_search_100_tombstones_ms": after * 1000,
        "hnsw_compact_s": build,
    }


def _exact_removal(index: faiss.Index, queries: np.ndarray, n: int) -> dict[str, float]:
    """The exact index removes in place: `remove_ids` rewrites the arrays."""
    vi = vectors.VectorIndex(index.d, "chunk")
    vi.index = index
    t0 = time.perf_counter()
    vi.remove(list(range(0, n, n // 100))[:100])
    return {"exact_vectors": float(n), "exact_remove_100_s": time.perf_counter() - t0}
