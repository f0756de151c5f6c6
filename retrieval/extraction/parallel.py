"""Quote extraction on every core: batches of texts spread over worker processes.

spaCy parses on one thread, so one process keeps one core busy. `ExtractionPool` starts
`workers` processes (spawned: the parent may already hold threads and open stores), each
loading the pipeline once, and runs `extract_many` there, the very function the serial path
runs, so the quotes are the same byte for byte. `Ahead` keeps a few batches in flight and hands
their extractions back in the order they were given, so the caller embeds and writes one batch
while the workers parse the next ones.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from typing import Any, Generic, TypeVar

from retrieval.types import Extraction

T = TypeVar("T")
Consume = Callable[[T, list[Extraction]], None]

_nlp: Any = None  # the worker's pipeline, loaded once by _start


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start(model_name: str) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from retrieval.extraction.extractor import load_nlp

    global _nlp
    _nlp = load_nlp(model_name)


def _extract(texts: list[str]) -> list[Extraction]:
    from retrieval.extraction.extractor import extract_many

    return extract_many(texts, _nlp)


class ExtractionPool:
    """`workers` processes extracting quotes with the spaCy pipeline `model_name`."""

    def __init__(self, model_name: str, workers: int) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(model_name,),
        )

    def submit(self, texts: list[str]) -> Future[list[Extraction]]:
        return self._pool.submit(_extract, texts)

    def pids(self) -> list[int]:
        """The worker processes' ids (for measuring their memory)."""
        return [p.pid for p in (self._pool._processes or {}).values() if p.pid is not None]

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        self.close(cancel=kind is not None)


class Ahead(Generic[T]):
    """Batches extracted `depth` ahead of the one being consumed, consumed in order.

    Without a pool each batch is extracted in-process by `extract` and consumed at once.
    """

    def __init__(
        self,
        pool: ExtractionPool | None,
        extract: Callable[[list[str]], list[Extraction]],
        consume: Consume[T],
        depth: int = 2,
    ) -> None:
        self._pool = pool
        self._extract = extract
        self._consume = consume
        self._depth = depth
        self._queue: deque[tuple[T, Future[list[Extraction]]]] = deque()

    def push(self, key: T, texts: list[str]) -> None:
        if self._pool is None:
            self._consume(key, self._extract(texts))
            return
        self._queue.append((key, self._pool.submit(texts)))
        while len(self._queue) > self._depth:
            self._next()

    def finish(self) -> None:
        while self._queue:
            self._next()

    def _next(self) -> None:
        key, future = self._queue.popleft()
        self._consume(key, future.result())


@contextmanager
def extracted_ahead(
    texts: int,
    batch: int,
    workers: int | None,
    model_name: str,
    here: Callable[[list[str]], list[Extraction]],
    consume: Consume[T],
) -> Iterator[Ahead[T]]:
    """An `Ahead` for `texts` texts pushed `batch` at a time: on worker processes when each
    of them gets at least a whole batch (starting one costs about a batch's parse), else in
    this process through `here`. `workers` None = the cores. Consumes what is left on exit."""
    n = min(workers or default_workers(), texts // batch)
    pool = ExtractionPool(model_name, n) if n > 1 else None
    ahead = Ahead(pool, here, consume, depth=n)
    with pool if pool is not None else nullcontext():
        yield ahead
        ahead.finish()
