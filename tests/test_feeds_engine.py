"""Following feeds through the engine, over real HTTP on loopback: one round indexes each
new item once, a second round asks conditionally and indexes nothing, a failing feed backs
off, private addresses are refused, and one process polls at a time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.errors import ArticleError, FetchError
from retrieval.storage.feeds import FeedStore
from tests.articleserver import ArticleServer
from tests.conftest import HashEmbedder
from tests.feedfixtures import ARTICLES, ETAG, LAST_MODIFIED, feed_routes


def _engine(data_dir: Path, **options: object) -> Engine:
    return Engine(data_dir, embedder=HashEmbedder(64), allow_private_urls=True, **options)


def test_a_feed_is_indexed_once_per_item_and_a_repoll_asks_conditionally(data_dir: Path) -> None:
    server = ArticleServer()
    with server as base:
        url = feed_routes(server, base)
        engine = _engine(data_dir)
        feed, created = engine.follow(url + "?utm_campaign=spring")
        assert created and feed.title == "Harbor Desk" and feed.url == url
        assert engine.follow(url)[1] is False, "following again changes nothing"

        first = engine.poll()
        assert first.feeds == 1 and first.failed == [] and first.items_failed == []
        assert len(first.added) == 3, first
        articles = {a.url: a for a in engine.articles()}
        assert set(articles) == {base + path for path in ARTICLES}
        # the pages give no date: the feed's date fills it
        assert articles[base + "/desk/ferry-fares"].published == "2026-03-02"
        assert articles[base + "/desk/library-hours"].published == "2026-02-28"

        server.requests.clear()
        again = engine.poll(only=feed.id)
        assert again.added == [] and again.not_modified == 1
        [asked] = [r for r in server.requests if r.path == "/desk/feed.xml"]
        assert asked.headers.get("If-None-Match") == ETAG
        assert asked.headers.get("If-Modified-Since") == LAST_MODIFIED
        assert not [r for r in server.requests if r.path != "/desk/feed.xml"], "no item fetched"

        # The feed changes (new validators): the known items are still not fetched again.
        server.routes["/desk/feed.xml"].headers = {"ETag": '"v2"'}
        server.requests.clear()
        third = engine.poll(only=feed.id)
        assert third.added == [] and third.not_modified == 0 and third.failed == []
        assert [r.path for r in server.requests] == ["/desk/feed.xml"]

        [shown] = engine.feeds()
        assert shown.items == 3 and shown.last_error is None and shown.last_polled
        assert engine.stats()["articles"] == 3
        assert engine.unfollow(feed.id) and engine.feeds() == []
        assert engine.stats()["articles"] == 3, "unfollowing keeps the articles"
        assert not engine.unfollow(feed.id)
    engine.close()


def test_an_item_already_indexed_by_url_is_skipped(data_dir: Path) -> None:
    server = ArticleServer()
    with server as base:
        url = feed_routes(server, base)
        engine = _engine(data_dir)
        assert len(engine.ingest([base + "/desk/orchard-frost"]).added) == 1
        engine.follow(url)
        report = engine.poll()
        assert len(report.added) == 2 and report.skipped == 1
        assert engine.stats()["articles"] == 3
    engine.close()


def test_a_failing_feed_backs_off_and_shows_its_error(data_dir: Path) -> None:
    server = ArticleServer()
    with server as base:
        url = feed_routes(server, base)
        engine = _engine(data_dir)
        feed, _ = engine.follow(url)
        server.routes["/desk/feed.xml"].status = 503
        started = time.time()
        report = engine.poll(interval_s=60)
        assert report.failed and "HTTP 503" in report.failed[0][1]
        [shown] = engine.feeds()
        assert shown.failures == 1 and "HTTP 503" in (shown.last_error or "")
        assert engine.poll(interval_s=60).feeds == 0, "not due again yet"
        row = FeedStore(engine.store).get(feed.id)
        assert row is not None and row.next_poll >= started + 120  # twice the interval
        engine.poll(interval_s=60, only=feed.id)
        row = FeedStore(engine.store).get(feed.id)
        assert row is not None and row.failures == 2 and row.next_poll >= started + 240

        server.routes["/desk/feed.xml"].status = 200
        report = engine.poll(interval_s=60, only=feed.id)
        assert len(report.added) == 3 and report.failed == []
        [shown] = engine.feeds()
        assert shown.failures == 0 and shown.last_error is None
    engine.close()


def test_private_and_loopback_feeds_are_refused_unless_allowed(data_dir: Path) -> None:
    server = ArticleServer()
    with server as base:
        url = feed_routes(server, base)
        engine = Engine(data_dir, embedder=HashEmbedder(64))
        with pytest.raises(FetchError, match="loopback"):
            engine.follow(url)
        assert engine.feeds() == []
        with pytest.raises(ArticleError, match="http"):
            engine.follow("file:///etc/passwd")
        engine.close()
        allowed = _engine(data_dir)
        assert allowed.follow(url)[1]
        allowed.close()


def test_a_page_that_is_not_a_feed_is_refused(data_dir: Path) -> None:
    server = ArticleServer()
    with server as base:
        feed_routes(server, base)
        engine = _engine(data_dir)
        with pytest.raises(ArticleError, match="not an RSS or Atom feed"):
            engine.follow(base + "/desk/ferry-fares")
        assert engine.feeds() == []
    engine.close()


def test_one_process_polls_at_a_time(data_dir: Path) -> None:
    engine = _engine(data_dir)
    other = FeedStore(Engine(data_dir, embedder=HashEmbedder(64)).store)
    assert other.take_lease("feed-poll", "other-host:1", 60)
    assert engine.poll().busy
    other.release_lease("feed-poll", "other-host:1")
    assert not engine.poll().busy
    # an expired lease (a crashed poller) is taken over
    assert other.take_lease("feed-poll", "other-host:1", -1)
    assert not engine.poll().busy
    engine.close()
