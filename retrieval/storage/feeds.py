"""Following state in the store: the feeds, the items each has brought, the poll lease.

None of these writes bumps the generation: they change what is followed, not what is indexed.
Times that are compared (next poll, lease expiry) are Unix seconds; times shown are ISO.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from retrieval.storage.interfaces import ArticleStore

MAX_ITEM_ATTEMPTS = 3  # an item whose page keeps failing is given up after this many polls


@dataclass
class FeedRow:
    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    added_at: str
    last_polled: str | None
    last_error: str | None
    failures: int
    next_poll: float
    items: int  # articles indexed from it


def iso(stamp: float | None = None) -> str:
    when = datetime.now(UTC) if stamp is None else datetime.fromtimestamp(stamp, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class FeedStore:
    """Feed rows of one store, through its `query` and `write` (SQL both SQLite and
    PostgreSQL run: `?` placeholders, ON CONFLICT upserts)."""

    def __init__(self, store: ArticleStore) -> None:
        self.store = store

    # -- feeds --------------------------------------------------------------------------------
    def add(self, url: str, title: str | None) -> tuple[FeedRow, bool]:
        """Follow `url` (due at once); (the row, False) when it was followed already."""
        with self.store.write() as conn:
            cur = conn.execute(
                "INSERT INTO feeds (url, title, added_at, next_poll) VALUES (?,?,?,0) "
                "ON CONFLICT (url) DO NOTHING",
                (url, title, iso()),
            )
            created = cur.rowcount == 1
        found = self.by_url(url)
        assert found is not None
        return found, created

    def remove(self, feed_id: int) -> bool:
        with self.store.write() as conn:
            return conn.execute("DELETE FROM feeds WHERE id=?", (feed_id,)).rowcount == 1

    def all(self) -> list[FeedRow]:
        return [_row(r) for r in self.store.query(_SELECT + " ORDER BY f.id")]

    def get(self, feed_id: int) -> FeedRow | None:
        rows = self.store.query(_SELECT + " WHERE f.id=?", (feed_id,))
        return _row(rows[0]) if rows else None

    def by_url(self, url: str) -> FeedRow | None:
        rows = self.store.query(_SELECT + " WHERE f.url=?", (url,))
        return _row(rows[0]) if rows else None

    def due(self, now: float) -> list[FeedRow]:
        rows = self.store.query(
            _SELECT + " WHERE f.next_poll <= ? ORDER BY f.next_poll, f.id", (now,)
        )
        return [_row(r) for r in rows]

    def polled(
        self,
        feed_id: int,
        *,
        next_poll: float,
        error: str | None = None,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        keep_validators: bool = False,
    ) -> None:
        """Record one poll: a success resets the failure count, an error adds one."""
        with self.store.write() as conn:
            if error is not None:
                conn.execute(
                    "UPDATE feeds SET last_polled=?, last_error=?, failures=failures+1, "
                    "next_poll=? WHERE id=?",
                    (iso(), error, next_poll, feed_id),
                )
                return
            conn.execute(
                "UPDATE feeds SET last_polled=?, last_error=NULL, failures=0, next_poll=?, "
                "title=COALESCE(?, title) WHERE id=?",
                (iso(), next_poll, title, feed_id),
            )
            if not keep_validators:
                conn.execute(
                    "UPDATE feeds SET etag=?, last_modified=? WHERE id=?",
                    (etag, last_modified, feed_id),
                )

    # -- items --------------------------------------------------------------------------------
    def settled(self, feed_id: int, urls: list[str]) -> set[str]:
        """The URLs among `urls` this feed is done with: indexed, or failed too often."""
        done: set[str] = set()
        for i in range(0, len(urls), 500):
            batch = urls[i : i + 500]
            marks = ",".join("?" * len(batch))
            rows = self.store.query(
                f"SELECT url FROM feed_items WHERE feed_id=? AND url IN ({marks}) "
                "AND (article_id IS NOT NULL OR attempts >= ?)",
                (feed_id, *batch, MAX_ITEM_ATTEMPTS),
            )
            done.update(str(r["url"]) for r in rows)
        return done

    def item_done(self, feed_id: int, url: str, article_id: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO feed_items (feed_id, url, article_id, attempts, seen_at) "
                "VALUES (?,?,?,1,?) ON CONFLICT(feed_id, url) DO UPDATE SET "
                "article_id=excluded.article_id, attempts=feed_items.attempts+1, last_error=NULL",
                (feed_id, url, article_id, iso()),
            )

    def item_failed(self, feed_id: int, url: str, error: str) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO feed_items (feed_id, url, attempts, last_error, seen_at) "
                "VALUES (?,?,1,?,?) ON CONFLICT(feed_id, url) DO UPDATE SET "
                "attempts=feed_items.attempts+1, last_error=excluded.last_error",
                (feed_id, url, error, iso()),
            )

    def article_for_url(self, url: str) -> str | None:
        """The id of an indexed article with this source key or page address."""
        rows = self.store.query(
            "SELECT id FROM articles WHERE source_key=? OR url=? LIMIT 1", (url, url)
        )
        return str(rows[0]["id"]) if rows else None

    # -- the lease ----------------------------------------------------------------------------
    def take_lease(self, name: str, holder: str, ttl_s: float) -> bool:
        """Hold `name` for `ttl_s` seconds (or renew it); False while another holder has it.

        One conditional upsert: the row is written only when it is new, ours, or expired, so
        two processes cannot both see the lease free."""
        now = time.time()
        with self.store.write() as conn:
            cur = conn.execute(
                "INSERT INTO leases (name, holder, expires) VALUES (?,?,?) "
                "ON CONFLICT (name) DO UPDATE SET holder=excluded.holder, "
                "expires=excluded.expires WHERE leases.holder=excluded.holder "
                "OR leases.expires <= ?",
                (name, holder, now + ttl_s, now),
            )
            return bool(cur.rowcount == 1)

    def release_lease(self, name: str, holder: str) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM leases WHERE name=? AND holder=?", (name, holder))


_SELECT = (
    "SELECT f.*, (SELECT COUNT(*) FROM feed_items i WHERE i.feed_id=f.id "
    "AND i.article_id IS NOT NULL) AS items FROM feeds f"
)


def _row(r: Mapping[str, Any]) -> FeedRow:
    return FeedRow(
        id=int(r["id"]),
        url=str(r["url"]),
        title=r["title"],
        etag=r["etag"],
        last_modified=r["last_modified"],
        added_at=str(r["added_at"]),
        last_polled=r["last_polled"],
        last_error=r["last_error"],
        failures=int(r["failures"]),
        next_poll=float(r["next_poll"]),
        items=int(r["items"]),
    )
