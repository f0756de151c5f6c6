"""The FAISS cache over embeddings held in SQLite: add, remove, search, persist.

Files are named `<kind>-<generation>.faiss`, written to a temporary name and renamed, so a
reader never sees half a file, and a file always says which SQLite generation it matches.
When no file matches the current generation, or it holds another index format (a file written
before the current format), the index is rebuilt from SQLite.

Index choice: exact search over 8-bit scalar-quantised vectors (`IndexIDMap` over
`IndexScalarQuantizer` QT_8bit, 392 bytes a vector with its id instead of 1,544) up to
`HNSW_THRESHOLD` vectors, HNSW over the same 8-bit codes (with tombstones filtered at search,
since HNSW cannot remove) beyond. Memory was the reason: every quote is embedded besides every
chunk, 2.8 vectors a chunk, and fp32 alone made 4.3 KB a chunk. The quantised scores are
within ~0.002 of the exact cosine; `Engine.search_vectors` fetches twice the wanted hits and
re-scores them with the vectors the store keeps (storage.codec: 8-bit codes with a scale per
vector, within ~1e-3 of the exact cosine; benchmarks/README.md has the recall figures).
HNSW found only 0.80 of the exact top 10 at 100k vectors (efSearch 64) where exact 8-bit search
finds 0.98 (1.00 re-scored) in ~40 ms at 1M, so exact search serves up to a few million
vectors; past that, Milvus.

The quantiser is trained per dimension on the vectors it is built from (their min..max, widened
by `SQ_MARGIN` for vectors added later; a value outside is clipped, which only coarsens that
vector's rank before the exact re-scoring). With fewer than `SQ_MIN_TRAIN` vectors it spans
[-1, 1], which holds any component of a unit vector but is coarse, so such an index asks to be
rebuilt (`stale`) once it has grown past `SQ_MIN_TRAIN`.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from retrieval.errors import IndexCorruptError

# Beyond IVF_THRESHOLD vectors, an inverted file over the same 8-bit codes: IVF_LISTS k-means
# cells, IVF_PROBE of them scanned per query (a quarter of the codes). On 300k synthetic
# vectors fitted to MiniLM's (no clusters: the hard case) 256 probes found 0.967 of the exact
# top 10 after re-scoring (128: 0.924) in 1/13 of the exact scan's time. A search restricted
# to some ids scans every cell, so it stays exact over them. The threshold counts one index's
# vectors: at 100k chunks the quote index holds ~190k (a who-said searches it besides the
# chunk index); there the inverted file kept 0.998 of the exact top 10 and top 40 for 60
# sentences of the store (the misses tie with the exact ones to 3e-5 in cosine) and a who-said
# about a prolific speaker took ~6 ms less.
IVF_THRESHOLD = 150_000
IVF_LISTS = 1024
IVF_PROBE = 256
IVF_TRAIN = 40 * IVF_LISTS  # k-means wants ~40 vectors a cell
HNSW_THRESHOLD = 4_000_000
HNSW_M = 32
SQ_TYPE = faiss.ScalarQuantizer.QT_8bit
SQ_MIN_TRAIN = 1_000
SQ_MARGIN = 0.2  # of each dimension's trained width, added below and above it
SQ_TRAIN_MAX = 20_000  # vectors enough to see every dimension's range
SQ_MIN_WIDTH = 0.1  # MiniLM's dimensions span 0.3-0.5


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


class _SearchLock:
    """Searches share the index (a FAISS index is searched from any number of threads at
    once: who-said searches the quote index for two texts side by side); a write (`with`)
    waits for the searches under way and keeps new ones out. Reentrant for the writing
    thread, which may search too."""

    def __init__(self) -> None:
        self._write = threading.RLock()
        self._searches = threading.Condition(threading.Lock())
        self._running = 0

    @contextlib.contextmanager
    def searching(self) -> Iterator[None]:
        with self._write, self._searches:  # not while a write is under way
            self._running += 1
        try:
            yield
        finally:
            with self._searches:
                self._running -= 1
                if not self._running:
                    self._searches.notify_all()

    def __enter__(self) -> _SearchLock:
        self._write.acquire()
        with self._searches:
            while self._running:
                self._searches.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        self._write.release()


def train_size(total: int) -> int:
    """How many vectors the index for `total` vectors trains on (the first batch of a build)."""
    return IVF_TRAIN if IVF_THRESHOLD <= total < HNSW_THRESHOLD else SQ_TRAIN_MAX


def _train(index: Any, dim: int, sample: np.ndarray | None, limit: int = SQ_TRAIN_MAX) -> None:
    """Per-dimension ranges from `sample` when it is big enough, else the unit range (and the
    IVF's cells from the sample)."""
    target: Any = index if hasattr(index, "sq") else faiss.downcast_index(index.storage)
    sq = target.sq
    if sample is not None and len(sample) >= SQ_MIN_TRAIN:
        sq.rangestat = faiss.ScalarQuantizer.RS_minmax
        sq.rangestat_arg = SQ_MARGIN
        index.train(np.ascontiguousarray(sample[:limit], dtype=np.float32))
        # A dimension the sample barely used (a sparse embedder) gets a usable width (a zero
        # width would divide by zero when encoding); no range needs to leave [-1, 1].
        trained = faiss.vector_to_array(sq.trained)
        vmin, width = trained[:dim], trained[dim:]
        short = width < SQ_MIN_WIDTH
        vmin[short] -= (SQ_MIN_WIDTH - width[short]) / 2
        width[short] = SQ_MIN_WIDTH
        vmax = np.minimum(vmin + width, 1.0)
        vmin = np.maximum(vmin, -1.0)
        # Just under the unit range's width 2, so a data-trained index never looks coarse
        # (`_coarse`) and is not rebuilt again and again (possible only with very few dims).
        width = np.minimum(vmax - vmin, 2.0 - 1e-3)
        ranges = np.concatenate([vmin, width]).astype(np.float32)
        faiss.copy_array_to_vector(ranges, sq.trained)
    else:
        index.train(np.stack([np.full(dim, -1.0, "float32"), np.full(dim, 1.0, "float32")]))


def _new_index(dim: int, expected: int, sample: np.ndarray | None = None) -> faiss.Index:
    """An empty, trained index for about `expected` vectors, trained on `sample`."""
    inner: Any
    big = IVF_THRESHOLD <= expected < HNSW_THRESHOLD
    if big and sample is not None and len(sample) >= 39 * IVF_LISTS:
        return _new_ivf(dim, sample)
    if expected >= HNSW_THRESHOLD:
        metric = faiss.METRIC_INNER_PRODUCT
        inner = faiss.IndexHNSWSQ(dim, SQ_TYPE, HNSW_M, metric)  # type: ignore[arg-type]
        inner.hnsw.efConstruction = 80
        inner.hnsw.efSearch = 64
    else:
        inner = faiss.IndexScalarQuantizer(dim, SQ_TYPE, faiss.METRIC_INNER_PRODUCT)
    _train(inner, dim, sample)
    # IndexIDMap, not IndexIDMap2: the reverse map IDMap2 keeps for reconstruct-by-id costs
    # ~43 bytes a vector (12 MB at 283k), and nothing here reconstructs by id.
    return faiss.IndexIDMap(inner)


def _new_ivf(dim: int, sample: np.ndarray) -> faiss.Index:
    """An inverted file of 8-bit codes of the vectors themselves (not of their residuals, so
    the quantiser's ranges are trained as for exact search); ids live in its lists."""
    cells: Any = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFScalarQuantizer(
        cells, dim, IVF_LISTS, SQ_TYPE, faiss.METRIC_INNER_PRODUCT, False
    )
    cells.this.disown()
    ivf.own_fields = True
    ivf.nprobe = IVF_PROBE
    _train(ivf, dim, sample, IVF_TRAIN)
    return ivf


def _is_ivf(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexIVF)


def _inner(index: faiss.Index) -> Any:
    return faiss.downcast_index(index.index) if hasattr(index, "index") else index


def _is_hnsw(index: faiss.Index) -> bool:
    return isinstance(_inner(index), faiss.IndexHNSW)


def _quantiser(index: faiss.Index) -> Any | None:
    """The scalar quantiser of an index in the current format, None for any other format."""
    if isinstance(index, faiss.IndexIDMap2):
        return None
    if isinstance(index, faiss.IndexIVFScalarQuantizer):
        return index.sq if index.sq.qtype == SQ_TYPE and not index.by_residual else None
    inner = _inner(index)
    if isinstance(inner, faiss.IndexHNSW):
        inner = faiss.downcast_index(inner.storage)
    if not isinstance(inner, faiss.IndexScalarQuantizer) or inner.sq.qtype != SQ_TYPE:
        return None
    return inner.sq


def _coarse(sq: Any) -> bool:
    """Trained on too few vectors: every dimension spans the whole unit range."""
    trained = faiss.vector_to_array(sq.trained)
    return bool(trained.size) and bool(np.all(trained[sq.d :] >= 2.0))


class VectorIndex:
    """One FAISS index (of chunks or of quotes), thread-safe for search beside writes."""

    def __init__(self, dim: int, kind: str) -> None:
        self.dim = dim
        self.kind = kind
        self.index = _new_index(dim, 0)
        self.generation = -1
        self.tombstones: set[int] = set()
        self._lock = _SearchLock()

    @property
    def is_hnsw(self) -> bool:
        return _is_hnsw(self.index)

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal) - len(self.tombstones)

    def build(self, ids: np.ndarray, vecs: np.ndarray, generation: int) -> None:
        self.build_batches([(ids, vecs)], len(ids), generation)

    def build_batches(
        self, batches: Iterable[tuple[np.ndarray, np.ndarray]], total: int, generation: int
    ) -> None:
        """A new index from (ids, vectors) batches, `total` vectors in all.

        Batches go straight into the quantised index, so a rebuild never holds every fp32
        vector at once (at 283k vectors that copy alone was 435 MB on top of the index). The
        first batch trains the quantiser: make it `SQ_TRAIN_MAX` long when `total` allows.
        """
        index: faiss.Index | None = None
        for ids, vecs in batches:
            x = np.ascontiguousarray(vecs, dtype=np.float32)
            if index is None:
                index = _new_index(self.dim, total, x)
            if len(ids):
                index.add_with_ids(x, np.asarray(ids, dtype=np.int64))
        if index is None:
            index = _new_index(self.dim, total)
        with self._lock:
            self.index, self.tombstones, self.generation = index, set(), generation

    def stale(self) -> bool:
        """Worth rebuilding from SQLite: trained on too few vectors for its size now."""
        with self._lock:
            sq = _quantiser(self.index)
            n = self.index.ntotal
            exact = not _is_ivf(self.index) and not _is_hnsw(self.index)
            # an exact index grown well past the IVF threshold is rebuilt as one
            grown = exact and 2 * IVF_THRESHOLD <= n < HNSW_THRESHOLD
            return sq is None or grown or (n >= SQ_MIN_TRAIN and _coarse(sq))

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

    def search(
        self, query: np.ndarray, k: int, among: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """The k nearest (id, inner product) for one normalised query vector, only among the
        ids `among` when given (FAISS skips the rest while it scans)."""
        params: Any = None
        if _is_ivf(self.index):
            params = faiss.SearchParametersIVF()
            params.nprobe = IVF_PROBE if among is None else int(self.index.nlist)  # type: ignore[attr-defined]
        if among is not None:
            if not among:
                return []
            params = params or faiss.SearchParameters()
            params.sel = faiss.IDSelectorBatch(np.asarray(among, dtype=np.int64))
        with self._lock.searching():
            if self.index.ntotal == 0 or k <= 0:
                return []
            want = min(int(self.index.ntotal), k + len(self.tombstones))
            q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
            with _one_thread():
                scores, ids = self.index.search(q, want, params=params)
            tomb = self.tombstones
        out = [
            (int(i), float(s))
            for i, s in zip(ids[0], scores[0], strict=True)
            if i >= 0 and int(i) not in tomb
        ]
        return out[:k]

    def nbytes(self) -> int:
        with self._lock:
            return self.bytes_of(self.index)

    @staticmethod
    def bytes_of(index: faiss.Index) -> int:
        """Bytes of the codes, the ids and the HNSW graph, counted without a copy (serialising
        the index to measure it once doubled the benchmark's peak)."""
        n = int(index.ntotal)
        if isinstance(index, faiss.IndexIVF):  # codes and ids in the lists, and the cells
            return n * (int(index.code_size) + 8) + int(index.nlist) * int(index.d) * 4
        inner = _inner(index)
        total = n * 8 if inner is not index else 0  # the id map
        if isinstance(inner, faiss.IndexHNSW):
            graph: Any = inner.hnsw
            total += graph.neighbors.size() * 4 + graph.levels.size() * 4
            total += graph.offsets.size() * 8
            inner = faiss.downcast_index(inner.storage)
        return total + n * int(inner.sa_code_size())

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
        # Decoded codes re-encode to the same codes under the same trained ranges: the
        # quantiser is copied, not retrained, so compaction loses nothing.
        vecs = idmap.index.reconstruct_n(0, n) if n else np.zeros((0, self.dim), "float32")
        keep = np.array([i not in self.tombstones for i in ids], dtype=bool)
        index = _new_index(self.dim, int(keep.sum()))
        sq, old = _quantiser(index), _quantiser(idmap)
        if sq is not None and old is not None:
            faiss.copy_array_to_vector(faiss.vector_to_array(old.trained), sq.trained)
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
        if index.d != self.dim or _quantiser(index) is None:
            return False  # another model's, or an older format: rebuild from SQLite
        with self._lock:
            self.index, self.tombstones, self.generation = index, set(), generation
        return True


def _generation_of(path: Path) -> int | None:
    m = re.search(r"-(\d+)\.faiss$", path.name)
    return int(m.group(1)) if m else None
