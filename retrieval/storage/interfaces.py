"""The two seams other backends plug into: the store (the source of truth) and the vector
index (nearest neighbours over stored embeddings), as the engine and the answer side use them.

`Store` (SQLite) and `VectorIndex` (FAISS) are the embedded implementations; `MilvusIndex`
(retrieval/storage/milvus/index.py) keeps the vectors in Milvus.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from contextvars import Context, ContextVar, copy_context
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from retrieval.errors import WhosaidError
from retrieval.types import Article, ArticleRef, Quote

_R = TypeVar("_R")


def read_errors() -> tuple[type[Exception], ...]:
    """What a failed read of the store raises: our errors and the database drivers' (SQLite's;
    psycopg's once it is loaded), for callers that turn it into a reply instead of a crash."""
    found: list[type[Exception]] = [WhosaidError, sqlite3.Error]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None:
        found.append(psycopg.Error)
    return tuple(found)


class GenerationPin:
    """The store generation one answer reads at (`ArticleStore.reading`), held per thread and
    carried into the threads the answer runs reads in (`in_parallel`).

    Answering asks the store's generation before every search (to follow other processes'
    writes); once per answer is enough, and on PostgreSQL each ask is a round trip. A write
    committed meanwhile is seen by the next answer, as if it had committed a moment later.
    A context variable rather than a thread-local: a copy of the caller's context takes it
    along to another thread."""

    def __init__(self) -> None:
        self._gen: ContextVar[int | None] = ContextVar(f"whosaid_pin_{id(self)}", default=None)

    def held(self) -> int | None:
        return self._gen.get()

    @contextmanager
    def hold(self, read: Callable[[], int]) -> Iterator[int]:
        """Read the generation once (`read`) for everything this thread does inside."""
        held = self.held()
        if held is not None:
            yield held
            return
        gen = read()
        token = self._gen.set(gen)
        try:
            yield gen
        finally:
            self._gen.reset(token)


class TextCache:
    """Article id -> plain text, for the store's reads at one generation: answering cuts
    quotes, contexts and passages out of the same few articles again and again, and each read
    would otherwise fetch and unpack the whole text (at 100k chunks, most of a "who said"
    answer's reads). An id is its text's hash, so an entry is never wrong while the article
    is stored; a new generation (any write, by any process) starts afresh, so a removed
    article is not served. The least recently used go past `max_chars` (8M characters: 8-16 MB
    as Python keeps them, about 1,600 articles of 5,000 characters)."""

    def __init__(self, max_chars: int = 8_000_000) -> None:
        self.max_chars = max_chars
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._chars = 0
        self._gen: int | None = None
        self._lock = threading.Lock()

    def get(self, gen: int, aid: str) -> str | None:
        with self._lock:
            if gen != self._gen:
                return None
            text = self._texts.get(aid)
            if text is not None:
                self._texts.move_to_end(aid)
            return text

    def put(self, gen: int, aid: str, text: str) -> None:
        with self._lock:
            if gen != self._gen:
                self._texts.clear()
                self._chars, self._gen = 0, gen
            if aid in self._texts or len(text) > self.max_chars:
                return
            self._texts[aid] = text
            self._chars += len(text)
            while self._chars > self.max_chars:
                _, old = self._texts.popitem(last=False)
                self._chars -= len(old)


# Threads for reads an answer runs side by side (see `in_parallel`); each caller waits only
# on its own calls, and a call no thread has taken yet it runs itself.
BESIDE_THREADS = 4
_BESIDE = ThreadPoolExecutor(max_workers=BESIDE_THREADS, thread_name_prefix="whosaid-read")
_IN_POOL = threading.local()


def start_reading_threads(prepare: Callable[[], object], timeout_s: float = 2.0) -> int:
    """Start every thread `in_parallel` hands reads to and run `prepare` once on each (open
    its own store connection: SQLite's are per thread, with their own page cache and parsed
    schema), so that a serving process's first questions do not pay for it: starting two
    threads and opening their connections took ~10 ms of the first who-said question at 100k
    chunks. The calls wait for one another, so each lands on a thread of its own; a pool
    busy with a question (`Engine.load_behind`) times out and leaves the rest to later.
    Returns how many threads ran it."""
    meet = threading.Barrier(BESIDE_THREADS)

    def run() -> bool:
        try:
            meet.wait(timeout_s)
        except threading.BrokenBarrierError:
            return False
        prepare()
        return True

    futures = [_BESIDE.submit(_beside, copy_context(), run) for _ in range(BESIDE_THREADS)]
    return sum(bool(f.result()) for f in futures)


def _a_core_is_free() -> bool:
    """Whether reads side by side would find a core to run on: the load average of the last
    minute is under the cores. On a busy machine a thread handed a read waits for a core
    while the caller waits for it (two FAISS searches: 16 ms in turn, 48 ms at best side by
    side at a load of 17 on 2 cores)."""
    try:
        return os.getloadavg()[0] < (os.cpu_count() or 1)
    except OSError:
        return False


def _beside(ctx: Context, call: Callable[[], _R]) -> _R:
    _IN_POOL.on = True
    try:
        return ctx.run(call)
    finally:
        _IN_POOL.on = False


def in_parallel(*calls: Callable[[], Any], elsewhere: bool = False) -> list[Any]:
    """The results of independent reads, in order, run side by side: all but the last in
    other threads (each in a copy of the caller's context, so a generation the caller
    holds holds there too), the last in the caller's. FAISS, onnxruntime, SQLite and psycopg
    let go of the GIL while they work, so on two cores the reads overlap. They run in turn
    in the caller's thread when every core is busy already, or when called from one of
    these threads (a thread never waits for another of its pool); a call no thread has
    started by the time the caller is done with its own runs in the caller's thread too.

    `elsewhere`: every call but the last is a query another process works on (a database
    server: `ArticleStore.reads_elsewhere`), whose thread only sends it and waits. Those go
    beside the last even when every core is busy: in turn, this process would sit idle while
    the server ranks, then rank nothing while this process embeds and searches (a PostgreSQL
    who-said at 100k chunks under load: its two full-text searches after the embedding and
    both vector searches, instead of during them)."""
    busy = not elsewhere and not _a_core_is_free()
    if len(calls) < 2 or getattr(_IN_POOL, "on", False) or busy:
        return [call() for call in calls]
    futures = [_BESIDE.submit(_beside, copy_context(), call) for call in calls[:-1]]
    try:
        last = calls[-1]()
    except BaseException:
        for f in futures:
            f.cancel()
        raise
    others = [
        f.result() if not f.cancel() else call()
        for f, call in zip(futures, calls[:-1], strict=True)
    ]
    return [*others, last]


def store_reads(store: ArticleStore, *calls: Callable[[], Any]) -> list[Any]:
    """Independent reads that only query the store: side by side when it is a server
    (`reads_elsewhere`: each thread just waits for its round trip), in turn on SQLite (the
    same work on this process's cores either way)."""
    if store.reads_elsewhere:
        return in_parallel(*calls, elsewhere=True)
    return [call() for call in calls]


@dataclass
class Hit:
    """One vector search result resolved to its row."""

    kind: str  # "chunk" | "quote"
    ref_id: int  # chunks.id or quotes.id
    article_id: str
    score: float
    vid: int = -1  # embeddings.vid
    # the stored vector the score was taken with (decoded), when the search had it at hand
    vec: np.ndarray | None = field(default=None, repr=False, compare=False)


@dataclass
class StoredQuote:
    """A quote row as stored: its speaker's stored name (before cross-article merging) and
    that speaker's kind in the speakers table (`speaker_kind` is the extractor's)."""

    id: int
    article_id: str
    speaker: str | None
    speaker_kind: str | None
    text: str
    start: int
    end: int
    kind: str
    cue: str | None
    mention: str | None
    group: int | None
    ctx_start: int
    ctx_end: int
    how: str | None
    skind: str | None


class ArticleStore(Protocol):
    """Articles, chunks, quotes, speakers and embeddings, written in transactions; every write
    bumps `generation()`, which the vector caches follow."""

    data_dir: Path
    # whether reads are queries a server process runs (PostgreSQL), not work on this
    # process's cores (SQLite): an answer sends them beside its own work (`in_parallel`)
    reads_elsewhere: bool

    def generation(self) -> int: ...
    def reading(self) -> AbstractContextManager[int]: ...
    def get_meta(self, key: str) -> str | None: ...
    def write(self) -> AbstractContextManager[Any]: ...
    def find_article(self, source_key: str, chash: str) -> tuple[str | None, str | None]: ...
    def put_article(self, prep: Any) -> Any: ...
    def remove_article(self, aid: str) -> list[int] | None: ...
    def replace_all(self, prepared: Sequence[Any], model_name: str) -> None: ...
    def article_rows(self) -> list[Any]: ...
    def article_text(self, aid: str) -> str | None: ...
    def all_articles(self) -> list[Article]: ...
    def article_ref(self, aid: str) -> ArticleRef | None: ...
    def article_quotes(self, aid: str) -> list[Quote]: ...
    def counts(self) -> dict[str, int]: ...
    def vector_count(self, kind: str) -> int: ...
    def vector_batches(
        self, kind: str, dim: int, first: int = ..., size: int = ...
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...
    def vector_rows(self, vids: Sequence[int]) -> dict[int, tuple[str, int, str, bytes]]: ...
    def vector_fields(self, vids: Sequence[int]) -> dict[int, tuple[str, int]]: ...
    def close(self) -> None: ...
    def put_meta(self, key: str, value: str) -> None: ...
    def query(self, sql: str, params: Sequence[Any] = ...) -> list[Any]: ...
    def recent_article_rows(self, limit: int) -> list[Any]: ...
    def top_speakers(self, added_since: str, limit: int) -> list[tuple[str, int, int]]: ...
    def quoted_speakers(self, article_ids: Sequence[str]) -> int: ...

    # reads for answering (retrieval/answers/search.py): plain Python results
    def speaker_rows(self) -> Iterable[Mapping[str, Any]]: ...
    def article_count(self) -> int: ...
    def article_refs(self, ids: Iterable[str]) -> dict[str, ArticleRef]: ...
    def article_dates(self) -> list[tuple[str, str | None]]: ...
    def article_titles(self) -> list[tuple[str, str]]: ...
    def quotes_by_speakers(self, names: Iterable[str]) -> list[StoredQuote]: ...
    def quotes_by_ids(self, ids: Iterable[int]) -> list[StoredQuote]: ...
    def quotes_between(self, aid: str, start: int, end: int) -> list[StoredQuote]: ...
    def quotes_in_group(self, aid: str, group: int) -> list[StoredQuote]: ...
    def first_quotes(self, limit: int) -> list[StoredQuote]: ...
    def quote_stub_rows(
        self, names: Sequence[str]
    ) -> list[tuple[int, str, str, str, int, str, int | None]]: ...
    def vectors_by_ref(self, kind: str, ref_ids: Iterable[int]) -> dict[int, bytes]: ...
    def vector_ids_in(self, kind: str, article_ids: Iterable[str]) -> list[int]: ...
    def chunk_spans(self, ids: Iterable[int]) -> dict[int, tuple[str, int, int]]: ...
    def lexical(self, kind: str, text: str, k: int) -> list[int]: ...
    def load_common_words(self) -> None: ...

    # copying a whole store (storage/transfer.py)
    def table_rows(
        self, table: str, columns: Sequence[str], batch: int = ...
    ) -> Iterator[list[tuple[Any, ...]]]: ...
    def load_tables(
        self, tables: Iterable[tuple[str, Sequence[str], Iterable[list[tuple[Any, ...]]]]]
    ) -> None: ...


class NearestIndex(Protocol):
    """Vectors of one kind ("chunk" or "quote") by id, stamped with the store generation it
    mirrors; scores are inner products of normalised vectors."""

    kind: str
    dim: int
    generation: int

    @property
    def is_hnsw(self) -> bool: ...
    def build_batches(
        self, batches: Iterable[tuple[np.ndarray, np.ndarray]], total: int, generation: int
    ) -> None: ...
    def stale(self) -> bool: ...
    def add(self, ids: list[int], vecs: np.ndarray) -> None: ...
    def remove(self, ids: list[int]) -> None: ...
    def search(
        self, query: np.ndarray, k: int, among: Sequence[int] | None = None
    ) -> list[tuple[int, float]]: ...
    def save(self, data_dir: Path, generation: int) -> Path: ...
    def load(self, data_dir: Path, generation: int) -> bool: ...
