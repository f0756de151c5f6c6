"""Work on every core: batches of articles spread over worker processes, results in order.

spaCy parses on one thread, so one process keeps one core busy. `WorkerPool` starts
`workers` processes (spawned: the parent may already hold threads and open stores), each
loading its models once through its initializer, and runs a job on each batch there: the very
functions the serial path runs, so the results are the same byte for byte. `Ahead` keeps a
few batches in flight and hands their results back in the order they were given, so the
caller writes one batch while the workers work on the next ones. This module only extracts
quotes (`start_extractor`, `extract_texts`); storage.preparing gives jobs that also embed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from typing import Any, Generic, TypeVar

from retrieval.types import Article, Extraction

I = TypeVar("I")  # noqa: E741 - a batch as given
R = TypeVar("R")  # what the job makes of it
T = TypeVar("T")  # an item of a batch

_nlp: Any = None  # the worker's pipeline, loaded once by start_extractor


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_extractor(model_name: str) -> None:
    """A worker's initializer for `extract_texts`: the spaCy pipeline, loaded once."""
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from retrieval.extraction.extractor import load_nlp

    global _nlp
    _nlp = load_nlp(model_name)


def extract_texts(texts: list[str]) -> list[Extraction]:
    from retrieval.extraction.extractor import extract_many

    return extract_many(texts, _nlp)


def extract_articles(articles: list[Article]) -> list[Extraction]:
    return extract_texts([a.text for a in articles])


class WorkerPool(Generic[I, R]):
    """`workers` processes, each started by `initializer(*initargs)`, running `job`."""

    def __init__(
        self,
        workers: int,
        initializer: Callable[..., None],
        initargs: tuple[Any, ...],
        job: Callable[[I], R],
    ) -> None:
        self.workers = workers
        self._job = job
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=initializer,
            initargs=initargs,
        )

    def submit(self, item: I) -> Future[R]:
        return self._pool.submit(self._job, item)

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)

    def __enter__(self) -> WorkerPool[I, R]:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        self.close(cancel=kind is not None)


class Ahead(Generic[I, R]):
    """Batches worked on `depth` ahead of the one being consumed, consumed in order.

    Without a pool each batch is worked on in-process by `here` and consumed at once.
    """

    def __init__(
        self,
        pool: WorkerPool[I, R] | None,
        here: Callable[[I], R],
        consume: Callable[[I, R], None],
        depth: int = 2,
        batch: int = 1,
    ) -> None:
        self.batch = batch  # items the caller puts in one pushed batch
        self._pool = pool
        self._here = here
        self._consume = consume
        self._depth = depth
        self._queue: deque[tuple[I, Future[R]]] = deque()

    def size(self, left: int) -> int:
        """Items to put in the next pushed batch when `left` are still to push: `batch`, but
        one at a time for the last few on workers, so that none sits idle at the end while
        another works through a whole batch (48 articles in batches of 4 on 2 workers: up to
        a batch's time, a sixth of each worker's work, with one worker idle)."""
        if self._pool is None or left > self._pool.workers * self.batch:
            return self.batch
        return 1

    def split(self, items: Sequence[T]) -> Iterator[list[T]]:
        """`items` in the batches to push (`size`)."""
        at = 0
        while at < len(items):
            n = self.size(len(items) - at)
            yield list(items[at : at + n])
            at += n

    def push(self, item: I) -> None:
        if self._pool is None:
            self._consume(item, self._here(item))
            return
        self._queue.append((item, self._pool.submit(item)))
        while len(self._queue) > self._depth:
            self._next()

    def finish(self) -> None:
        while self._queue:
            self._next()

    def _next(self) -> None:
        item, future = self._queue.popleft()
        self._consume(item, future.result())


# Articles a worker takes at a time: small batches spread the last ones over every worker
# (48 articles in batches of 16 on 2 workers kept one idle for a third of the run), and
# each still embeds ~100 texts in one call.
UNIT = 4


def pool_size(items: int, batch: int, workers: int | None) -> int:
    """Workers worth starting for `items` in batches of `batch`: each must get at least a
    whole batch (starting one costs about a batch's work); `workers` None = the cores."""
    return min(workers or default_workers(), items // batch)


@contextmanager
def ahead(
    workers: int,
    start: tuple[Callable[..., None], tuple[Any, ...]],
    job: Callable[[I], R],
    here: Callable[[I], R],
    consume: Callable[[I, R], None],
    batch: int,
) -> Iterator[Ahead[I, R]]:
    """An `Ahead` on `workers` processes (started by `start`), or in this process when
    `workers` <= 1. Its `batch` is what to push at a time: `batch` in this process, at most
    UNIT on workers, three per worker in flight so none waits while this process writes.
    Consumes what is left on exit."""
    pool = WorkerPool(workers, start[0], start[1], job) if workers > 1 else None
    if pool is None:
        feed = Ahead(pool, here, consume, depth=1, batch=batch)
    else:
        feed = Ahead(pool, here, consume, depth=3 * workers, batch=min(batch, UNIT))
    with pool if pool is not None else nullcontext():
        yield feed
        feed.finish()
