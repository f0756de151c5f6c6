"""Invented articles and an RSS feed over them, for the feed tests (engine, CLI, Slack).

`feed_routes(server)` serves three article pages and a feed whose five entries are: the three
articles, the first again with tracking parameters and a fragment, and one entry without a link.
"""

from __future__ import annotations

from tests.articleserver import ArticleServer

ETAG = '"harbor-desk-v1"'
LAST_MODIFIED = "Tue, 03 Mar 2026 09:00:00 GMT"

ARTICLES = {
    "/desk/ferry-fares": (
        "Ferry fares rise on the island route",
        "<p>The island ferry company will raise fares by eight percent in the spring.</p>"
        '<p>"We held prices for four winters and the fuel bill finally caught us," said '
        "operations director Halvard Quist.</p>"
        "<p>Commuter group chair Nessa Bright said the rise would push daily riders back "
        "into their cars.</p>",
    ),
    "/desk/orchard-frost": (
        "Late frost thins the valley orchards",
        "<p>A late frost has cost the valley's apple growers about a third of their crop.</p>"
        '<p>"The blossoms browned overnight, every last row of them," grower Ilse Marrow '
        "told the cooperative's meeting.</p>",
    ),
    "/desk/library-hours": (
        "Library keeps its evening hours",
        "<p>The county library will keep its evening hours after a budget vote.</p>"
        '<p>"Students need a warm, quiet room after dark," librarian Corwin Pell said.</p>',
    ),
}


def article_page(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{body}</article></body></html>"
    )


def feed_xml(base: str) -> str:
    items = [
        (ARTICLES["/desk/ferry-fares"][0], f"{base}/desk/ferry-fares", "Mon, 02 Mar 2026"),
        (ARTICLES["/desk/orchard-frost"][0], f"{base}/desk/orchard-frost", "Sun, 01 Mar 2026"),
        (ARTICLES["/desk/library-hours"][0], f"{base}/desk/library-hours", "Sat, 28 Feb 2026"),
        (
            "Ferry fares (shared)",
            f"{base}/desk/ferry-fares?utm_source=rss&amp;utm_medium=feed#comments",
            "Mon, 02 Mar 2026",
        ),
    ]
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d} 08:00:00 GMT</pubDate></item>"
        for t, link, d in items
    )
    broken = "<item><title>An entry without a link</title><description>x</description></item>"
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbor Desk</title><link>{base}/desk</link>{entries}{broken}</channel></rss>"
    )


def feed_routes(server: ArticleServer, base: str, *, path: str = "/desk/feed.xml") -> str:
    """Serve the articles and the feed (with an ETag and a Last-Modified date); its URL."""
    for route, (title, body) in ARTICLES.items():
        server.add(route, article_page(title, body))
    server.add(
        path,
        feed_xml(base),
        content_type="application/rss+xml; charset=utf-8",
        headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED},
    )
    return base + path
