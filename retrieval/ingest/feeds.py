"""RSS and Atom feeds: their items as canonical article URLs, and when to ask again.

A feed names its articles by link, often with tracking parameters (`utm_source=rss`) or a
fragment that differ between feeds and days; the canonical form drops them, so one article
is one URL whichever feed brought it. A feed that fails is asked again later and later
(exponential backoff, capped), so a dead feed costs little and a flaky one recovers.
"""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from retrieval.errors import ArticleError

MAX_ITEMS = 200  # items read from one feed answer; a longer feed is cut, newest first
MAX_BACKOFF_S = 24 * 3600.0

# Query parameters that track where a click came from and never change the page.
_TRACKING = re.compile(
    r"^(?:utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid"
    r"|_ga|_gl|ocid|cmpid|at_medium|at_campaign|ref_src|icid|mkt_tok|__twitter_impression)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FeedItem:
    url: str  # canonical
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD


@dataclass
class ParsedFeed:
    title: str | None
    items: list[FeedItem] = field(default_factory=list)
    # Entries that could not be used (no link, or not an http(s) link), with why.
    skipped: list[str] = field(default_factory=list)


def canonical_url(url: str, base: str | None = None) -> str | None:
    """`url` (resolved against `base`) without tracking parameters or fragment, with the
    scheme and host in lower case and the default port dropped; None unless http(s)."""
    url = (url or "").strip()
    if not url:
        return None
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
    kept = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    query = urlencode(kept, doseq=True) if kept != parse_qsl(parts.query, True) else parts.query
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def parse_feed(body: bytes, base_url: str) -> ParsedFeed:
    """The items of an RSS or Atom document, each once, in the feed's order.

    Raises ArticleError when the body is not a feed at all."""
    import feedparser

    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    version = getattr(parsed, "version", "")
    if not version and not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        detail = f" ({type(reason).__name__})" if reason is not None else ""
        raise ArticleError(f"not an RSS or Atom feed{detail}")
    feed = ParsedFeed(title=_text(parsed.feed.get("title")))
    seen: set[str] = set()
    for n, entry in enumerate(parsed.entries[:MAX_ITEMS], 1):
        link = _entry_link(entry)
        url = canonical_url(link, base_url) if link else None
        if url is None:
            label = _text(entry.get("title")) or f"item {n}"
            feed.skipped.append(f"{label}: {'no link' if not link else 'not an http(s) link'}")
            continue
        if url in seen:
            continue
        seen.add(url)
        feed.items.append(FeedItem(url, _text(entry.get("title")), _entry_date(entry)))
    return feed


def backoff_s(failures: int, interval_s: float, cap_s: float = MAX_BACKOFF_S) -> float:
    """Seconds until the next poll: the interval after a success (`failures` 0), then twice,
    four times ... the interval after each failure in a row, never more than `cap_s`."""
    if failures <= 0:
        return interval_s
    return min(interval_s * 2.0 ** min(failures, 32), max(cap_s, interval_s))


def _entry_link(entry: Any) -> str | None:
    link = entry.get("link")
    if link:
        return str(link)
    for candidate in entry.get("links") or []:
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"])
    guid = str(entry.get("id") or "")
    return guid if guid.lower().startswith(("http://", "https://")) else None


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                stamp = calendar.timegm(value)
                return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d")
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _text(value: object) -> str | None:
    text = " ".join(str(value or "").split())
    return text[:500] or None
