"""The per-process vector cache: one nearest-neighbour index per kind, following the store.

The store is the truth; these indexes are rebuilt from its embeddings whenever their stamp is
not the store's generation (another process wrote, a crash left old files), saved beside it
under a temporary name and renamed, and patched in place after this process's own writes.
Searches re-score the index's best candidates with the stored fp32 vectors, so scores are
true cosines whatever the index's codes. With a `vector_uri` the indexes are Milvus collections
instead (retrieval/storage/milvus/index.py), which outlive the process and follow the same stamps.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from functools import partial
from typing import Any

import numpy as np

from retrieval.errors import WhosaidError
from retrieval.storage import codec
from retrieval.storage.heap import release_free_memory
from retrieval.storage.interfaces import ArticleStore, Hit, NearestIndex, in_parallel
from retrieval.storage.store import VECTOR_KINDS
from retrieval.storage.vectors import VectorIndex, train_size

# Rows of re-scored vectors kept for the generation (~10 MB: 8-bit codes and ids).
ROWS_KEPT = 20_000


class VectorCache:
    """The indexes of one store in this process. Safe to share between threads.
    `read_only`: a rebuilt index is kept in memory only, never saved beside the store (nor
    written to Milvus: a collection that is behind is replaced by a FAISS index in memory).
    `vector_uri`: empty for FAISS, else Milvus (a Milvus Lite `.db` file or a server URI)."""

    def __init__(
        self, store: ArticleStore, *, read_only: bool = False, vector_uri: str = ""
    ) -> None:
        self.store = store
        self.read_only = read_only
        self.vector_uri = vector_uri
        self.milvus: Any | None = None  # the MilvusBackend, opened at first use
        self.indexes: dict[str, NearestIndex] = {}
        self.replaced = False  # set by `reset`: the next sync rebuilds
        self.lock = threading.RLock()
        # vid -> its row (kind, ref id, article id, stored bytes) as re-scoring read it, at the
        # generation `_rows_gen`: questions re-score the same near neighbours again and again
        self._rows: dict[int, tuple[str, int, str, bytes]] = {}
        self._rows_gen = -1

    @property
    def shared(self) -> bool:
        """Milvus: collections other processes search too, so every writer must follow its
        writes into them (a FAISS cache is this process's own)."""
        return bool(self.vector_uri)

    def _new_index(self, dim: int, kind: str) -> NearestIndex:
        if not self.vector_uri:
            return VectorIndex(dim, kind)
        from retrieval.storage.milvus import MilvusBackend, MilvusIndex

        if self.milvus is None:
            self.milvus = MilvusBackend(self.vector_uri)
        return MilvusIndex(self.milvus, dim, kind, self.store.vector_fields)

    def close(self) -> None:
        with self.lock:
            if self.milvus is not None:
                self.milvus.close()
                self.milvus = None
            self.indexes = {}

    def current(self) -> bool:
        """Whether every index mirrors the store's generation now."""
        gen = self.store.generation()
        return bool(self.indexes) and all(ix.generation == gen for ix in self.indexes.values())

    def sync(self, dim: int) -> dict[str, NearestIndex]:
        """Make the indexes match the store's generation: load the saved files or rebuild."""
        gen = self.store.generation()
        with self.lock:
            if self.indexes and all(ix.generation == gen for ix in self.indexes.values()):
                return self.indexes
            rebuilt = False
            indexes: dict[str, NearestIndex] = {}
            for kind in VECTOR_KINDS:
                ix = self._new_index(dim, kind)
                try:
                    loaded = not self.replaced and ix.load(self.store.data_dir, gen)
                except WhosaidError:
                    loaded = False
                if not loaded or ix.stale():
                    if self.read_only and not isinstance(ix, VectorIndex):
                        ix = VectorIndex(dim, kind)
                    self._rebuild(ix, gen)
                    rebuilt = True
                indexes[kind] = ix
            self.replaced = False
            if rebuilt and not self.read_only and self.store.generation() == gen:
                for ix in indexes.values():
                    ix.save(self.store.data_dir, gen)
            self.indexes = indexes
            release_free_memory()  # the rows read, or a replaced index
            return indexes

    def _rebuild(self, ix: NearestIndex, gen: int) -> None:
        """Rebuild one index from the store's vectors, streamed in batches."""
        total = self.store.vector_count(ix.kind)
        batches = self.store.vector_batches(ix.kind, ix.dim, first=train_size(total))
        ix.build_batches(batches, total, gen)

    def follow(
        self,
        before: int,
        removed: list[int],
        added: dict[str, tuple[list[int], np.ndarray]] | None = None,
    ) -> None:
        """Patch the indexes after one write of this process that moved the store from
        generation `before`: drop `removed` vector ids, add `added` per kind. When another
        process wrote meanwhile, they are marked out of date and rebuilt on next use.

        Milvus collections are shared with other processes: this process's writes always go
        in, and the stamp moves on only from `before` (`MilvusIndex.advance`)."""
        with self.lock:
            if self.milvus is not None and self.indexes:
                self._follow_shared(before, removed, added or {})
                return
            if not self.indexes or any(ix.generation != before for ix in self.indexes.values()):
                return
            for ix in self.indexes.values():
                ix.remove(removed)
            for kind, (ids, vecs) in (added or {}).items():
                self.indexes[kind].add(ids, vecs)
            after = self.store.generation()
            for ix in self.indexes.values():
                ix.generation = after if after == before + 1 else -1

    def _follow_shared(
        self, before: int, removed: list[int], added: dict[str, tuple[list[int], np.ndarray]]
    ) -> None:
        from retrieval.storage.milvus import MilvusIndex

        after = self.store.generation()
        for ix in self.indexes.values():
            ix.remove(removed)
        for kind, (ids, vecs) in added.items():
            self.indexes[kind].add(ids, vecs)
        for ix in self.indexes.values():
            if isinstance(ix, MilvusIndex):
                ix.advance(before, after)

    def touch(self) -> None:
        """Before a store write: tell processes sharing the Milvus collections that a writer
        is about to move the store ahead of them (see retrieval/storage/milvus/index.py)."""
        if self.milvus is None:
            return
        from retrieval.storage.milvus import MilvusIndex

        with self.lock:
            for ix in self.indexes.values():
                if isinstance(ix, MilvusIndex):
                    ix.touch()

    def persist(self) -> None:
        """Write the index files for the current generation (after a batch of writes).

        An index that grew from a handful of vectors is rebuilt first, so its quantiser is
        trained on real data (`VectorIndex.stale`); that happens once per index."""
        with self.lock:
            gen = self.store.generation()
            if self.indexes and all(ix.generation == gen for ix in self.indexes.values()):
                for ix in self.indexes.values():
                    if ix.stale():
                        self._rebuild(ix, gen)
                    ix.save(self.store.data_dir, gen)

    def reset(self) -> None:
        """The store was replaced as a whole (reindex): rebuild on next use, never take a
        Milvus collection that looks like a writer is following it."""
        with self.lock:
            self.indexes = {}
            self.replaced = True

    def search(self, index: NearestIndex, query: np.ndarray, k: int) -> list[Hit]:
        """Nearest rows to a normalised query vector, best first.

        The index's 8-bit codes pick 2k+8 candidates; their fp32 vectors from the store score
        them exactly, so scores are true cosines (thresholds and self-matches hold) and a
        near-tie the quantisation swapped is put back in order.
        """
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if k <= 0:
            return []
        return self._exact(index.search(q, 2 * k + 8), q, k, gen=index.generation)

    def search_in(
        self, index: NearestIndex, query: np.ndarray, articles: Collection[str], k: int
    ) -> list[Hit]:
        """`search` among the vectors of `articles` only (a time-scoped question): the index
        skips the rest while it scans, so a window of a few articles in a large archive
        finds its own nearest rows, not only those that made the archive-wide best."""
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if k <= 0 or not articles:
            return []
        from retrieval.storage.milvus import MilvusIndex

        if isinstance(index, MilvusIndex):
            found = index.search(q, 2 * k + 8, articles=sorted(articles))
            return self._exact(found, q, k, gen=index.generation)
        return self._among(index, q, self.store.vector_ids_in(index.kind, articles), k)

    def search_many(
        self, wanted: Sequence[tuple[NearestIndex, np.ndarray, int]]
    ) -> list[list[Hit]]:
        """`search` for several (index, query, k) at once, the same hits: the searches run
        side by side (two of one index too) and the store's vectors for every candidate
        come in one read."""
        queries = [np.ascontiguousarray(q, dtype=np.float32).reshape(-1) for _, q, _ in wanted]
        # Searches of one Milvus collection for the same k go in one call (see
        # MilvusIndex.search_batch); FAISS's, one call each. The calls run side by side.
        groups: dict[tuple[int, int], list[int]] = {}
        for i, (index, _, k) in enumerate(wanted):
            if k > 0:
                batched = hasattr(index, "search_batch")
                groups.setdefault((id(index) if batched else -1 - i, k), []).append(i)
        results = in_parallel(
            *(partial(self._batch, wanted, queries, at) for at in groups.values())
        )
        found: list[list[tuple[int, float]]] = [[] for _ in wanted]
        for at, hits_each in zip(groups.values(), results, strict=True):
            for i, hits in zip(at, hits_each, strict=True):
                found[i] = hits
        rows = self._vector_rows(
            [vid for hits in found for vid, _ in hits], min(ix.generation for ix, _, _ in wanted)
        )
        return [
            self._exact(hits, q, k, rows)
            for hits, q, (_, _, k) in zip(found, queries, wanted, strict=True)
        ]

    @staticmethod
    def _batch(
        wanted: Sequence[tuple[NearestIndex, np.ndarray, int]],
        queries: list[np.ndarray],
        at: list[int],
    ) -> list[list[tuple[int, float]]]:
        """The index's 2k+8 candidates for the queries at `at` (one index, one k)."""
        index, _, k = wanted[at[0]]
        batch = getattr(index, "search_batch", None)
        if batch is not None:
            found: list[list[tuple[int, float]]] = batch([queries[i] for i in at], 2 * k + 8)
            return found
        return [index.search(queries[i], 2 * k + 8) for i in at]

    def search_among(
        self, index: NearestIndex, query: np.ndarray, vids: Sequence[int], k: int
    ) -> list[tuple[int, float]]:
        """(vector id, cosine) of the k vectors among `vids` nearest to a normalised query,
        best first. The index skips the others while it scans; scores are exact as above."""
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if k <= 0 or not vids:
            return []
        among = list(dict.fromkeys(int(v) for v in vids))
        return [(h.vid, h.score) for h in self._among(index, q, among, k)]

    def _among(self, index: NearestIndex, q: np.ndarray, among: list[int], k: int) -> list[Hit]:
        """The k best of the vectors `among`, exact. When there are few of them the index
        would hand back every one (after a scan of all its vectors, filtered): they are scored
        from the store at once, the same k best; a graph walk filtered to a few of its nodes
        would miss most of them anyway. Milvus Lite says up to how many it would rather
        have scored from the store (MilvusIndex.store_scored)."""
        few = max(2 * k + 8, getattr(index, "store_scored", 0))
        if index.is_hnsw or len(among) <= few:
            return self._exact([(vid, 0.0) for vid in among], q, k, gen=index.generation)
        found = index.search(q, 2 * k + 8, among=among)
        return self._exact(found, q, k, gen=index.generation)

    def _vector_rows(self, vids: Sequence[int], gen: int) -> dict[int, tuple[str, int, str, bytes]]:
        """`store.vector_rows`, kept while the indexes mirror generation `gen` (at most
        ROWS_KEPT rows; an index marked out of date, -1, keeps none)."""
        if gen < 0:
            return self.store.vector_rows(list(dict.fromkeys(vids)))
        kept = self._rows
        if gen != self._rows_gen or len(kept) > ROWS_KEPT:
            kept = self._rows = {}
            self._rows_gen = gen
        out = {vid: row for vid in vids if (row := kept.get(vid)) is not None}
        todo = list(dict.fromkeys(vid for vid in vids if vid not in out))
        if todo:
            found = self.store.vector_rows(todo)
            kept.update(found)
            out.update(found)
        return out

    def _exact(
        self,
        hits: list[tuple[int, float]],
        q: np.ndarray,
        k: int,
        rows: dict[int, tuple[str, int, str, bytes]] | None = None,
        gen: int = -1,
    ) -> list[Hit]:
        """The k best of the index's hits by the cosine of the store's vectors (8-bit codes
        with a scale per vector: within ~1e-3 of the float32 cosine, storage.codec); `rows`:
        those vectors when already read, else read (kept for the index's generation `gen`)."""
        if rows is None:
            rows = self._vector_rows([vid for vid, _ in hits], gen)
        found = [vid for vid, _ in hits if vid in rows]
        out = []
        for vid, vec in zip(found, codec.decode_many([rows[v][3] for v in found]), strict=True):
            rkind, ref, aid, _ = rows[vid]
            score = float(vec @ q) if vec.shape == q.shape else 0.0
            out.append(Hit(rkind, ref, aid, score, vid, vec))
        out.sort(key=lambda h: -h.score)
        return out[:k]
