"""Chunk and quote vectors in Milvus collections (`WHOSAID_VECTOR_URI`), through pymilvus.

The URI is a Milvus Lite file (`./data/vectors.db`: the engine embedded in this process; a
file serves one process at a time), or a Milvus server (`milvus://host:port`, `http://...`,
`https://...`), which any number of replicas share. One collection per kind (`whosaid_chunk`,
`whosaid_quote`): the vector id (`embeddings.vid`), the vector, its article and, for quotes,
its speaker (-1 for none), so a search can be limited to ids, articles or speakers.

The store stays the truth. Each collection carries the store generation it mirrors and when a
writer last touched it, as collection properties. A process that opens it at the store's
generation uses it as it is (a restart, another replica that wrote it). Writers put their own
writes in and move the stamp on after each one, touching it just before they write the store,
so a stamp a little behind but touched within `GRACE_S` means a writer is between the two: it
is used as it is (at worst the last article is missing for a moment; a vector whose row is
gone is dropped by the store lookup). Behind and untouched for longer (a crash between store and
Milvus, a write by a process without Milvus): dropped and loaded again from the store.
Up to `IVF_THRESHOLD` vectors (the size from which the FAISS cache leaves exact search,
storage/vectors.py) a collection is built exact (FLAT); from there, as an inverted file
(IVF_FLAT: each segment's vectors in `IVF_LISTS` cells, of which a search scans `IVF_PROBE`, a
quarter, as the FAISS cache does). On Milvus Lite that is what keeps a search of ~190k quote
vectors near the floor: a FLAT search there copies every vector of a segment before it compares
them (benchmarks/README.md has the figures). A search limited to ids, articles or speakers
scans every cell, so it stays exact over what the filter keeps (a quarter of the cells holds
about a quarter of a speaker's quotes). A graph (HNSW) was tried and dropped: on the benchmark
store it found 0.83 of the exact 10 best quotes at ef 256, the inverted file all of them.
A Lite collection that additions took past twice the threshold is rebuilt as an inverted file
(`stale`), as the FAISS cache is; a server's stays as it was built (a rebuild there would
empty it under the other replicas), and a server's FLAT search is compiled code anyway.
Milvus Lite trains each segment's cells when it seals it; for the small segments that
additions to a large collection seal, faiss prints a one-line k-means warning to stderr
("please provide at least ... training points"): harmless, the cells are just few.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.errors import StoreError
from retrieval.storage.vectors import IVF_THRESHOLD

PREFIX = "whosaid_"
STAMP = "whosaid.generation"
TOUCHED = "whosaid.touched"  # unix time a writer last stamped or was about to write
INDEXED = "whosaid.index"  # the collection's vector index type, said when it is created
GRACE_S = 120.0  # a stamp behind the store but touched this recently: a writer is following
NO_SPEAKER = -1
INSERT_BATCH = 5_000
# The inverted file of a collection built with IVF_THRESHOLD vectors or more, per segment (a
# Milvus Lite segment holds up to 100k rows, a server's a few hundred thousand): k-means cells,
# and how many of them an unfiltered search scans.
IVF_LISTS = 256
IVF_PROBE = 64
INDEX_WAIT_S = 1800.0  # longest wait for a new collection's segments to be indexed
# A search among at most this many given ids scores them from the store's copies on Milvus
# Lite: its searches walk every row of the collection in Python first (~12 ms at 10k chunks,
# ~10x that at 100k), and a filter of thousands of ids is parsed in Python too, while reading
# and scoring 4,000 vectors from the store takes about as long at 10k and no longer at 100k.
LITE_STORE_SCORED = 4_000
# Milvus Lite runs one embedded server per file in this process: open clients of each file
_LITE_USERS: dict[str, int] = {}
_LITE_LOCK = threading.Lock()
# Fields of vector ids: vid -> (article id, speaker id or NO_SPEAKER), read from the store.
Fields = Callable[[Sequence[int]], dict[int, tuple[str, int]]]


def is_lite(uri: str) -> bool:
    """A Milvus Lite file rather than a server address."""
    return "://" not in uri


def client_uri(uri: str) -> str:
    """What pymilvus connects to: `milvus://h:p` is `http://h:p`; a file path is absolute."""
    if uri.startswith("milvus://"):
        return "http://" + uri.removeprefix("milvus://")
    if is_lite(uri):
        return str(Path(uri).expanduser().resolve())
    return uri


class MilvusBackend:
    """One pymilvus client for a URI, shared by the indexes of both kinds."""

    def __init__(self, uri: str) -> None:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException

        self.uri = client_uri(uri)
        self.lite = is_lite(uri)
        if self.lite and not self.uri.endswith(".db"):
            raise StoreError(f"WHOSAID_VECTOR_URI: a Milvus Lite file ends in .db, not {uri!r}")
        if self.lite:
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
        # Milvus Lite logs a traceback when its file is locked; the error below says it.
        quiet = logging.getLogger("milvus_lite.server_manager")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            self.client = MilvusClient(uri=self.uri)
        except MilvusException as exc:
            why = "is another process using the file?" if self.lite else "is the server up?"
            raise StoreError(f"cannot open Milvus at {uri} ({why}): {exc.message}") from None
        finally:
            quiet.setLevel(level)
        self.lock = threading.Lock()
        self.closed = False
        if self.lite:
            with _LITE_LOCK:
                _LITE_USERS[self.uri] = _LITE_USERS.get(self.uri, 0) + 1

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):
            self.client.close()
        if not self.lite:
            return
        with _LITE_LOCK:  # the embedded server is shared by the clients of this process
            _LITE_USERS[self.uri] -= 1
            last = _LITE_USERS[self.uri] == 0
        if last:  # let go of the file, so another process (or a restart) can open it
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(self.uri)


class MilvusIndex:
    """The vectors of one kind in a Milvus collection (the `NearestIndex` seam)."""

    is_hnsw = False  # FLAT or IVF: a filtered search scans every row the filter keeps

    def __init__(self, backend: MilvusBackend, dim: int, kind: str, fields: Fields) -> None:
        self.backend = backend
        self.client = backend.client
        self.dim = dim
        self.kind = kind
        self.fields = fields
        self.name = PREFIX + kind
        self.generation = -1
        # up to how many ids a search among them is better scored from the store (see above)
        self.store_scored = LITE_STORE_SCORED if backend.lite else 0
        self.inverted = False  # the collection's index is IVF_FLAT (else FLAT: exact)
        self.rows: int | None = None  # rows in the collection, when this process knows them

    # -- the collection ---------------------------------------------------------------------
    def _create(self, inverted: bool) -> None:
        from pymilvus import DataType

        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vec", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("article", DataType.VARCHAR, max_length=64)
        schema.add_field("speaker", DataType.INT64)
        params = self.client.prepare_index_params()
        if inverted:
            # pymilvus sends the keys of `params` one by one, which Milvus Lite ignores; the
            # build parameters as one JSON "params" key are read by Lite and servers alike.
            build = {"params": {"nlist": IVF_LISTS}}
            params.add_index(
                field_name="vec", index_type="IVF_FLAT", metric_type="IP", params=build
            )
        else:
            params.add_index(field_name="vec", index_type="FLAT", metric_type="IP")
        self.client.create_collection(self.name, schema=schema)
        kind = "IVF_FLAT" if inverted else "FLAT"
        self.client.alter_collection_properties(self.name, properties={INDEXED: kind})
        # sync=False: waiting asks for a timestamp, which Milvus Lite does not serve (see
        # `_wait_indexed`)
        self.client.create_index(self.name, params, sync=False)
        self.inverted = inverted

    def _index(self) -> dict[str, Any]:
        """The collection's vector index as Milvus describes it ({} without one)."""
        return dict(self.client.describe_index(self.name, "vec") or {})

    def _wait_indexed(self) -> None:
        """Until every row of a new collection is indexed: both engines index sealed
        segments in the background, and a search meanwhile scans what is not indexed yet (on
        Milvus Lite, by copying its vectors)."""
        deadline = time.monotonic() + INDEX_WAIT_S
        while time.monotonic() < deadline:
            info = self._index()
            pending, done, total = (
                int(info.get(key) or 0)
                for key in ("pending_index_rows", "indexed_rows", "total_rows")
            )
            if pending == 0 and done >= total:
                return
            time.sleep(0.2)

    def _stamp(self, generation: int) -> None:
        props = {STAMP: str(generation), TOUCHED: f"{time.time():.3f}"}
        self.client.alter_collection_properties(self.name, properties=props)
        self.generation = generation

    def _stamped(self) -> tuple[int, float, bool] | None:
        """(the generation the collection says it mirrors, when a writer last touched it,
        whether it is an inverted file); None without a collection of this model's vectors."""
        if not self.client.has_collection(self.name):
            return None
        info = self.client.describe_collection(self.name)
        dims = [f.get("params", {}).get("dim") for f in info["fields"] if f["name"] == "vec"]
        if not dims or int(dims[0]) != self.dim:
            return None  # another model's vectors: reload from the store
        props = info.get("properties") or {}
        try:
            return int(props[STAMP]), float(props.get(TOUCHED, 0)), props.get(INDEXED) == "IVF_FLAT"
        except (KeyError, ValueError):
            return None

    def touch(self) -> None:
        """Say a write is coming: the store will be a generation ahead for a moment."""
        with self.backend.lock:
            self.client.alter_collection_properties(
                self.name, properties={TOUCHED: f"{time.time():.3f}"}
            )

    def advance(self, before: int, after: int) -> None:
        """After this process's write moved the store from `before` to `after` (and its vectors
        went in): stamp `after` when the collection mirrored `before`, so other processes see
        it current; otherwise leave the stamp to the rebuild."""
        with self.backend.lock:
            found = self._stamped()
            if found is not None and found[0] == before and after == before + 1:
                self._stamp(after)
            else:
                self.generation = found[0] if found is not None else -1

    def count(self) -> int:
        rows = self.client.query(self.name, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    # -- NearestIndex -------------------------------------------------------------------------
    def build_batches(
        self, batches: Iterable[tuple[np.ndarray, np.ndarray]], total: int, generation: int
    ) -> None:
        """A new collection from (ids, vectors) batches, stamped with `generation`."""
        with self.backend.lock:
            if self.client.has_collection(self.name):
                self.client.drop_collection(self.name)
            self._create(inverted=total >= IVF_THRESHOLD)
            self.rows = total
            for ids, vecs in batches:
                self._insert([int(i) for i in ids], vecs)
            self.client.flush(self.name)
            self.client.load_collection(self.name)
            if self.inverted:
                self._wait_indexed()
            self._stamp(generation)

    def stale(self) -> bool:
        """A Milvus Lite collection built exact that additions took past twice
        `IVF_THRESHOLD`: rebuilt as an inverted file (see the module docstring)."""
        if self.inverted or not self.backend.lite:
            return False
        if self.rows is None:  # counted once after a load, then followed (add, remove)
            with self.backend.lock:
                self.rows = self.count()
        return self.rows >= 2 * IVF_THRESHOLD

    def _insert(self, ids: list[int], vecs: np.ndarray) -> None:
        fields = self.fields(ids)
        x = np.ascontiguousarray(vecs, dtype=np.float32)
        for start in range(0, len(ids), INSERT_BATCH):
            rows = []
            for i in range(start, min(len(ids), start + INSERT_BATCH)):
                article, speaker = fields.get(ids[i], ("", NO_SPEAKER))
                rows.append({"id": ids[i], "vec": x[i], "article": article, "speaker": speaker})
            self.client.insert(self.name, rows)

    def add(self, ids: list[int], vecs: np.ndarray) -> None:
        if ids:
            with self.backend.lock:
                self._insert(ids, vecs)
            if self.rows is not None:
                self.rows += len(ids)

    def remove(self, ids: list[int]) -> None:
        if ids:
            with self.backend.lock:
                self.client.delete(self.name, ids=[int(i) for i in ids])
            if self.rows is not None:
                self.rows -= len(ids)  # ids not in the collection make it an estimate

    def search(
        self,
        query: np.ndarray,
        k: int,
        among: Sequence[int] | None = None,
        *,
        articles: Sequence[str] | None = None,
        speakers: Sequence[int] | None = None,
    ) -> list[tuple[int, float]]:
        """The k nearest (id, inner product), only among the ids `among`, the articles
        `articles` and the speakers `speakers` when given (Milvus filters while it scans)."""
        terms = []
        for field, values in (("id", among), ("article", articles), ("speaker", speakers)):
            if values is not None:
                if not values:
                    return []
                # literal lists: Milvus Lite does not take filter templates ("id in {ids}")
                listed = ",".join(json.dumps(v) for v in dict.fromkeys(values))
                terms.append(f"{field} in [{listed}]")
        if k <= 0:
            return []
        return self._search([query], k, " and ".join(terms), every_cell=bool(terms))[0]

    def search_batch(self, queries: Sequence[np.ndarray], k: int) -> list[list[tuple[int, float]]]:
        """`search` for several query vectors in one call, the same hits for each. A call
        costs more than the scan it asks for: Milvus Lite walks every row of the collection
        in Python before it compares vectors (~12 ms at 10k chunks, ~1 ms for the product),
        and a server takes a network round trip."""
        if k <= 0 or not queries:
            return [[] for _ in queries]
        return self._search(queries, k, "")

    def _search(
        self, queries: Sequence[np.ndarray], k: int, where: str, every_cell: bool = False
    ) -> list[list[tuple[int, float]]]:
        """The k nearest per query; an inverted file scans `IVF_PROBE` cells, or all of them
        with `every_cell` (a filtered search: exact over what the filter keeps)."""
        batch = [np.ascontiguousarray(q, dtype=np.float32).reshape(-1) for q in queries]
        params: dict[str, object] = {"metric_type": "IP"}
        if self.inverted:
            params["params"] = {"nprobe": IVF_LISTS if every_cell else IVF_PROBE}
        found = self.client.search(
            self.name,
            batch,
            limit=k,
            filter=where,
            output_fields=[],  # only ids and scores: the store has the rest
            search_params=params,
        )
        return [[(int(h["id"]), float(h["distance"])) for h in hits] for hits in found]

    def save(self, data_dir: Path, generation: int) -> Path:
        """Stamp the collection with `generation` after a batch of writes. Both engines log
        writes before they apply them; Milvus Lite is flushed here, so its searches scan
        sealed segments, while a server seals segments itself (and discourages flush calls)."""
        with self.backend.lock:
            if self.backend.lite:
                self.client.flush(self.name)
            self._stamp(generation)
        return data_dir

    def load(self, data_dir: Path, generation: int) -> bool:
        """Use the collection as it is when it mirrors `generation`, or is a little behind
        while a writer follows the store (see the module docstring); False otherwise. A
        collection taken while behind keeps its own stamp as `generation`, so it is checked
        again on the next search."""
        with self.backend.lock:
            found = self._stamped()
            if found is None:
                return False
            stamped, touched, inverted = found
            following = stamped < generation and time.time() - touched < GRACE_S
            if stamped != generation and not following:
                return False
            self.client.load_collection(self.name)
            self.inverted = inverted
            self.rows = None
            self.generation = stamped
            return True
