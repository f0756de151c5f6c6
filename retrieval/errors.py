"""Typed errors for whosaid, in one place.

    WhosaidError                 base: anything whosaid reports to a person as one line
    ├── ArticleError             an article cannot be read or is not usable (empty, binary, ...)
    │   └── FetchError           a URL cannot be fetched (refused address, timeout, size, type)
    ├── StoreError               the data dir or the SQLite store cannot be opened or written
    │   └── IndexCorruptError    the FAISS cache is unreadable (it is rebuilt from SQLite)
    └── ModelError               an embedding or spaCy model cannot be loaded offline

A question is never an error: `ask` answers every question, an absurd one with an abstention.

The CLI prints these as one line and exits 2; the bot turns them into a polite reply.

    KeyboardInterrupt
    └── IngestInterrupted        Ctrl-C during `ingest`: how many articles were committed
                                 (the CLI says so and exits 130)
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class WhosaidError(Exception):
    """Base of every error whosaid reports to a person."""


class ArticleError(WhosaidError):
    """An article cannot be read, or holds no usable text."""


class FetchError(ArticleError):
    """A URL cannot be fetched: bad scheme, refused address, timeout, too big, wrong type."""


class StoreError(WhosaidError):
    """The data directory or its SQLite store cannot be opened or written."""


class IndexCorruptError(StoreError):
    """The FAISS cache cannot be read; it is rebuilt from SQLite."""


class ModelError(WhosaidError):
    """A model (embedding or spaCy) cannot be loaded from local files."""


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest. Articles are committed in batches: `committed` of `total`
    are in the store (a batch in progress was rolled back), so running again finishes."""

    def __init__(self, committed: int, total: int) -> None:
        super().__init__(f"{committed} of {total} articles indexed")
        self.committed = committed
        self.total = total


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block ends, then deliver it: a commit and the count
    of what is committed happen together, so "N of M articles indexed" is what the store
    holds. Only the main thread receives signals; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, FrameType | None]] = []
    previous = signal.signal(signal.SIGINT, lambda num, frame: caught.append((num, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(*caught[0])
