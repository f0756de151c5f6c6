"""Feed items as canonical URLs, the backoff schedule, and feed fetching (conditional, capped,
address-checked) over loopback."""

from __future__ import annotations

import pytest

from retrieval.errors import ArticleError, FetchError
from retrieval.ingest.feeds import MAX_BACKOFF_S, backoff_s, canonical_url, parse_feed
from retrieval.ingest.fetch import Fetcher
from tests.articleserver import ArticleServer
from tests.feedfixtures import ETAG, LAST_MODIFIED, feed_routes


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://news.example.com/a?utm_source=rss&utm_medium=feed", "https://news.example.com/a"),
        ("https://news.example.com/a?id=7&fbclid=AbC&gclid=x1", "https://news.example.com/a?id=7"),
        ("https://news.example.com/a#comments", "https://news.example.com/a"),
        ("HTTPS://News.Example.COM:443/Story", "https://news.example.com/Story"),
        ("http://news.example.com:80/s", "http://news.example.com/s"),
        ("http://news.example.com:8080/s", "http://news.example.com:8080/s"),
        ("https://news.example.com", "https://news.example.com/"),
        # parameters that choose the page stay, in their order and spelling
        ("https://news.example.com/view?b=2&a=1", "https://news.example.com/view?b=2&a=1"),
        ("https://news.example.com/view?UTM_Campaign=x&p=3", "https://news.example.com/view?p=3"),
        ("https://[2001:db8::1]/a?utm_term=x", "https://[2001:db8::1]/a"),
    ],
)
def test_canonical_url_drops_tracking_and_fragment(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    "url", ["", "javascript:alert(1)", "mailto:desk@example.com", "ftp://example.com/f", "/rel"]
)
def test_canonical_url_is_none_for_anything_but_http(url: str) -> None:
    assert canonical_url(url) is None


def test_canonical_url_resolves_relative_links_against_the_feed() -> None:
    assert canonical_url("../b?gclid=1", "https://e.example/feeds/x.xml") == "https://e.example/b"
    assert canonical_url("https://u:p@e.example/") is None, "no credentials in URLs"


def test_backoff_doubles_per_failure_and_is_capped() -> None:
    assert backoff_s(0, 1800) == 1800
    assert [backoff_s(n, 60) for n in (1, 2, 3)] == [120, 240, 480]
    assert backoff_s(7, 1800) == MAX_BACKOFF_S
    assert backoff_s(10_000, 1800) == MAX_BACKOFF_S, "no overflow after many failures"
    assert backoff_s(3, 2 * MAX_BACKOFF_S) == 2 * MAX_BACKOFF_S, "never sooner than the interval"


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title> Valley  Desk </title>
<item><title>Frost</title><link>https://v.example/frost?utm_source=rss</link>
<pubDate>Tue, 03 Mar 2026 23:30:00 -0500</pubDate></item>
<item><title>Frost again</title><link>https://v.example/frost#top</link></item>
<item><title>No link</title></item>
<item><title>Script</title><link>javascript:void(0)</link></item>
<item><title>By guid</title><guid isPermaLink="true">https://v.example/guid-only</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Desk</title><id>urn:desk</id><updated>2026-02-01T00:00:00Z</updated>
<entry><title>Bridge</title><id>urn:bridge</id><link rel="alternate" href="/bridge"/>
<updated>2026-02-01T10:00:00Z</updated></entry></feed>"""


def test_rss_items_once_each_with_dates_and_the_unusable_ones_named() -> None:
    feed = parse_feed(RSS, "https://v.example/feed.xml")
    assert feed.title == "Valley Desk"
    assert [(i.url, i.published) for i in feed.items] == [
        ("https://v.example/frost", "2026-03-04"),  # 23:30 at -05:00 is the 4th in UTC
        ("https://v.example/guid-only", None),
    ]
    assert feed.skipped == ["No link: no link", "Script: not an http(s) link"]


def test_atom_links_resolve_against_the_feed_address() -> None:
    feed = parse_feed(ATOM, "https://a.example/desk/atom.xml")
    assert [(i.url, i.title, i.published) for i in feed.items] == [
        ("https://a.example/bridge", "Bridge", "2026-02-01")
    ]


@pytest.mark.parametrize("body", [b"<html><body><p>A page</p></body></html>", b"plain words"])
def test_a_body_that_is_not_a_feed_is_an_article_error(body: bytes) -> None:
    with pytest.raises(ArticleError, match="not an RSS or Atom feed"):
        parse_feed(body, "https://x.example/")


def test_fetch_feed_is_conditional_and_capped_and_checks_the_address() -> None:
    server = ArticleServer()
    with server as base:
        url = feed_routes(server, base)
        fetcher = Fetcher(allow_private=True, timeout_s=5)
        page = fetcher.fetch_feed(url)
        assert page.status == 200 and page.etag == ETAG and page.last_modified == LAST_MODIFIED
        assert "If-None-Match" not in server.requests[-1].headers
        again = fetcher.fetch_feed(url, etag=page.etag, last_modified=page.last_modified)
        assert again.status == 304 and again.body == b""
        sent = server.requests[-1].headers
        assert sent["If-None-Match"] == ETAG and sent["If-Modified-Since"] == LAST_MODIFIED
        assert "rss+xml" in sent["Accept"]
        # a validator that would break the request line is not echoed
        fetcher.fetch_feed(url, etag='"x"\r\nX-Evil: 1')
        assert "X-Evil" not in server.requests[-1].headers
        with pytest.raises(FetchError, match="larger than 100 bytes"):
            Fetcher(allow_private=True, max_bytes=100).fetch_feed(url)
        with pytest.raises(FetchError, match=r"refused.*loopback"):
            Fetcher().fetch_feed(url)
        server.add("/img", b"\x89PNG", content_type="image/png")
        with pytest.raises(FetchError, match="not a feed"):
            fetcher.fetch_feed(base + "/img")
