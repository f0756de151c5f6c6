"""The feeds tables: added to an existing store by a migration, and the poll lease."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from retrieval.storage.feeds import FeedStore
from retrieval.storage.store import DDL_VERSION, Store


def test_an_older_store_gains_the_feeds_tables_when_opened(data_dir: Path) -> None:
    Store(data_dir).close()
    # Make it a store from before feeds: no feeds tables, no ddl_version.
    db = sqlite3.connect(data_dir / "whosaid.db")
    for table in ("feed_items", "feeds", "leases"):
        db.execute(f"DROP TABLE {table}")
    db.execute("DELETE FROM meta WHERE key='ddl_version'")
    schema = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    db.commit()
    db.close()

    store = Store(data_dir)
    assert store.get_meta("ddl_version") == str(DDL_VERSION) == "9"
    assert store.get_meta("schema_version") == schema, "what the rows hold is another matter"
    feeds = FeedStore(store)
    row, created = feeds.add("https://d.example/feed.xml", "Desk")
    assert created and row.failures == 0 and row.items == 0
    store.close()
    reopened = Store(data_dir)  # opening a current store again changes nothing
    assert [r.url for r in FeedStore(reopened).all()] == ["https://d.example/feed.xml"]
    reopened.close()


def test_the_lease_has_one_holder_until_it_expires_or_is_released(data_dir: Path) -> None:
    one, two = FeedStore(Store(data_dir)), FeedStore(Store(data_dir))
    assert one.take_lease("poll", "a", 60)
    assert not two.take_lease("poll", "b", 60)
    assert one.take_lease("poll", "a", 60), "the holder renews"
    two.release_lease("poll", "b")  # not the holder: nothing happens
    assert not two.take_lease("poll", "b", 60)
    one.release_lease("poll", "a")
    assert two.take_lease("poll", "b", -1)  # held, but already expired
    assert one.take_lease("poll", "a", 60)


def test_unfollowing_forgets_the_feeds_items(data_dir: Path) -> None:
    store = Store(data_dir)
    feeds = FeedStore(store)
    row, _ = feeds.add("https://d.example/feed.xml", None)
    feeds.item_failed(row.id, "https://d.example/a", "HTTP 500")
    assert feeds.settled(row.id, ["https://d.example/a"]) == set()
    feeds.item_failed(row.id, "https://d.example/a", "HTTP 500")
    feeds.item_failed(row.id, "https://d.example/a", "HTTP 500")
    assert feeds.settled(row.id, ["https://d.example/a"]) == {"https://d.example/a"}
    assert feeds.remove(row.id)
    assert store.conn.execute("SELECT COUNT(*) FROM feed_items").fetchone()[0] == 0
    store.close()
