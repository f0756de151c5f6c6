"""FAISS search alone at 100k and 1M vectors: the product's indexes (exact over 8-bit codes,
HNSW over the same codes beyond `vectors.HNSW_THRESHOLD`, as retrieval/vectors.py builds them)
against exact fp32 and fp16, with recall@10 against exact fp32 and bytes per vector.

Recall is given twice for the quantised indexes: the index's own top 10, and the top 10 after
re-scoring its 2k+8 best with the store's vectors (8-bit codes, storage.codec), as
`Engine.search_vectors` does.

Synthetic vectors are drawn from a Gaussian fitted to real chunk embeddings (their mean and
covariance), then normalised: they keep the anisotropy of real MiniLM vectors, which uniform
random vectors do not, and HNSW recall depends on it. Queries come from the same distribution.
The real embeddings themselves, searched with the benchmark's questions, make one more row set.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import faiss
import numpy as np

from benchmarks.common import percentile
from retrieval.storage import codec, vectors

K = 10
FP32 = "exact IndexFlatIP fp32 (reference)"
PRODUCT = "exact SQ8 (product)"


@dataclass
class SearchRow:
    vectors: str
    index: str
    build_s: float
    p50_ms: float
    p95_ms: float
    recall_at_10: float
    recall_rescored: float  # after exact re-scoring of the 2k+8 best (nan for fp32)
    bytes_per_vector: float


IVF = (
    f"IVF {vectors.IVF_LISTS} cells SQ8, {vectors.IVF_PROBE} probed "
    f"(product from {vectors.IVF_THRESHOLD:,})"
)
IVF_MIN = 39 * vectors.IVF_LISTS  # enough vectors to train its cells


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


def _factories(dim: int, data: np.ndarray) -> dict[str, Callable[[], faiss.Index]]:
    def fp16() -> faiss.Index:
        qt = faiss.ScalarQuantizer.QT_fp16
        return faiss.IndexIDMap(faiss.IndexScalarQuantizer(dim, qt, faiss.METRIC_INNER_PRODUCT))

    return {
        FP32: lambda: faiss.IndexIDMap(faiss.IndexFlatIP(dim)),
        "exact SQ fp16": fp16,
        PRODUCT: lambda: vectors._new_index(dim, 0, data),
        IVF: lambda: vectors._new_ivf(dim, data),
        f"HNSW M={vectors.HNSW_M} SQ8 (product beyond {vectors.HNSW_THRESHOLD:,})": (
            lambda: vectors._new_index(dim, vectors.HNSW_THRESHOLD, data)
        ),
    }


def _search_times(
    index: faiss.Index, queries: np.ndarray, k: int = K
) -> tuple[list[float], np.ndarray]:
    """One query at a time on one OpenMP thread, as `VectorIndex.search` runs it."""
    times, found = [], []
    with vectors._one_thread():
        for q in queries:
            t0 = time.perf_counter()
            _, ids = index.search(q.reshape(1, -1), k)
            times.append(time.perf_counter() - t0)
            found.append(ids[0])
    return times, np.array(found)


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f[:K]) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def _rescored(data: np.ndarray, queries: np.ndarray, found: np.ndarray) -> np.ndarray:
    """The top K of each row of candidates by exact inner product (as the engine re-scores)."""
    out = []
    for q, ids in zip(queries, found, strict=True):
        ids = ids[ids >= 0]
        order = np.argsort(-(data[ids] @ q), kind="stable")[:K]
        out.append(ids[order])
    return np.array(out)


def _measure(
    label: str, data: np.ndarray, queries: np.ndarray, hnsw: bool
) -> tuple[list[SearchRow], dict[str, faiss.Index]]:
    rows: list[SearchRow] = []
    built: dict[str, faiss.Index] = {}
    ids = np.arange(len(data), dtype=np.int64)
    truth: np.ndarray | None = None
    stored = codec.as_stored(data)  # what the engine re-scores with: the store's 8-bit codes
    for name, make in _factories(data.shape[1], data).items():
        if (name.startswith("HNSW") and not hnsw) or (name == IVF and len(data) < IVF_MIN):
            continue
        t0 = time.perf_counter()
        index = make()
        index.add_with_ids(data, ids)
        build = time.perf_counter() - t0
        times, found = _search_times(index, queries)
        if truth is None:
            truth = found
        rescored = float("nan")
        if name != FP32:
            _, wide = _search_times(index, queries, 2 * K + 8)
            rescored = _recall(_rescored(stored, queries, wide), truth)
        rows.append(
            SearchRow(
                label,
                name,
                build,
                percentile(times, 50) * 1000,
                percentile(times, 95) * 1000,
                _recall(found, truth),
                rescored,
                vectors.VectorIndex.bytes_of(index) / len(data),
            )
        )
        if name == PRODUCT or name.startswith("HNSW"):  # kept for the removal figures
            built[name] = index
        del index
    return rows, built


def run_scaling(
    real: np.ndarray,
    sizes: list[int],
    hnsw_max: int,
    n_queries: int = 100,
    real_queries: np.ndarray | None = None,
) -> tuple[list[SearchRow], dict[str, float]]:
    """Every index kind at every size; HNSW only up to `hnsw_max` vectors (its build is slow).
    With `real_queries`, the same on the real embeddings themselves.

    Also returns what removal costs at the largest size each index kind was built at.
    """
    rows: list[SearchRow] = []
    removal: dict[str, float] = {}
    if real_queries is not None and len(real_queries):
        real_rows, _ = _measure(f"{len(real):,} real", real, real_queries, hnsw=True)
        rows += real_rows
    queries = synthetic(real, n_queries, seed=99)
    for n in sizes:
        data = synthetic(real, n)
        size_rows, built = _measure(f"{n:,}", data, queries, hnsw=n <= hnsw_max)
        rows += size_rows
        for name, index in built.items():
            if name.startswith("HNSW"):
                removal.update(_tombstones(index, queries, n, size_rows[-1].build_s))
            elif name == PRODUCT:
                removal.update(_exact_removal(index, queries, n))
        del built, data
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
    """The exact index removes in place: `remove_ids` rewrites the codes."""
    vi = vectors.VectorIndex(index.d, "chunk")
    vi.index = index
    t0 = time.perf_counter()
    vi.remove(list(range(0, n, n // 100))[:100])
    return {"exact_vectors": float(n), "exact_remove_100_s": time.perf_counter() - t0}
