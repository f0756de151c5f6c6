"""Copying a whole store between backends (`whosaid migrate --to`): SQLite to PostgreSQL and
back, table by table in one target transaction, then checked.

The check compares every table's row count and a content checksum: each row's values,
normalised (ints, floats, text, bytes), hashed, and the hashes summed, so the checksum does
not depend on the order either database returns rows in. The lexical indexes are not copied:
each backend rebuilds its own from the copied text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from retrieval.errors import StoreError

# The tables a copy moves, parents first, with their columns.
TABLES: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "articles": (
        "id", "source_key", "content_hash", "title", "url", "source", "published", "text",
        "added_at",
    ),
    "chunks": ("id", "article_id", "seq", "start", "end", "text"),
    "speakers": ("id", "name", "kind"),
    "article_speakers": ("article_id", "speaker_id", "roles", "aliases", "quoted", "mentions"),
    "aliases": ("alias", "speaker_id", "article_id"),
    "quotes": (
        "id", "article_id", "speaker_id", "text", "start", "end", "kind", "cue", "mention",
        "grp", "ctx_start", "ctx_end", "how", "speaker_kind",
    ),
    "embeddings": ("vid", "kind", "ref_id", "article_id", "vec"),
    "feeds": (
        "id", "url", "title", "etag", "last_modified", "added_at", "last_polled", "last_error",
        "failures", "next_poll",
    ),
    "feed_items": ("feed_id", "url", "article_id", "attempts", "last_error", "seen_at"),
    "leases": ("name", "holder", "expires"),
}  # fmt: skip
# meta keys that belong to one database, not to its content
LOCAL_META = frozenset({"generation", "store_id", "ddl_version"})
BATCH = 2_000


class Copyable(Protocol):
    """What a store offers for copying (both backends have it)."""

    def table_rows(
        self, table: str, columns: Sequence[str], batch: int = ...
    ) -> Iterator[list[tuple[Any, ...]]]: ...
    def load_tables(
        self, tables: Iterable[tuple[str, Sequence[str], Iterable[list[tuple[Any, ...]]]]]
    ) -> None: ...
    def counts(self) -> dict[str, int]: ...


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    checksum: str = ""  # of the content, equal on both sides


def _value(v: Any) -> bytes:
    if v is None:
        return b"\x00N"
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return b"\x00B" + bytes(v)
    if isinstance(v, float):
        return b"\x00F" + repr(v).encode()
    if isinstance(v, int):
        return b"\x00I" + str(v).encode()
    return b"\x00S" + str(v).encode("utf-8")


def _content(table: str, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        if table == "meta" and row[0] in LOCAL_META:
            continue
        yield row


def checksum(store: Copyable) -> tuple[dict[str, int], str]:
    """(rows per table, one hex checksum over every table's content)."""
    counts: dict[str, int] = {}
    total = hashlib.sha256()
    for table, columns in TABLES.items():
        n, acc = 0, 0
        for batch in store.table_rows(table, columns):
            for row in _content(table, batch):
                digest = hashlib.sha256(b"".join(_value(v) for v in row)).digest()
                acc = (acc + int.from_bytes(digest[:16], "big")) % (1 << 128)
                n += 1
        counts[table] = n
        total.update(f"{table}:{n}:{acc:032x};".encode())
    return counts, total.hexdigest()


def copy_store(source: Copyable, target: Copyable) -> CopyReport:
    """Copy every table of `source` into the empty store `target`, in one transaction there,
    then check both hold the same rows. A target that holds articles or feeds is refused."""
    held = target.counts()["articles"] + sum(len(b) for b in target.table_rows("feeds", ("id",)))
    if held:
        raise StoreError("the target already holds a store: migrate copies only into an empty one")

    def batches(table: str, columns: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
        for batch in source.table_rows(table, columns, BATCH):
            yield list(_content(table, batch))

    target.load_tables((t, cols, batches(t, cols)) for t, cols in TABLES.items())
    rows, digest = checksum(source)
    copied, check = checksum(target)
    if copied != rows or check != digest:
        raise StoreError(
            f"the copy does not match its source (rows {copied} vs {rows}): "
            "the target keeps the copy; remove it before trying again"
        )
    return CopyReport(rows, digest)
