"""Deep links: the article's address with a text fragment that opens it at the quote.

A text fragment (`#:~:text=start,end`) names the quote's first and last few words, not the
whole quote, so that small differences between the stored text and the live page (a curly
mark, a changed word in the middle) do not break it. Browsers that do not know text
fragments simply open the article.
"""

from __future__ import annotations

import re
from urllib.parse import quote as percent

__all__ = ["quote_link"]

EDGE_WORDS = 4  # words taken from each end of the quote
_WORD = re.compile(r"\S+")


def _encode(text: str) -> str:
    # '-', ',' and '&' are the fragment syntax's own marks: they must be escaped too.
    return percent(text, safe="").replace("-", "%2D")


def quote_link(url: str | None, quote: str) -> str | None:
    """The url opened at `quote`; None when there is no web address (a file-only article)."""
    if not url or not re.match(r"^https?://", url, re.I):
        return None
    words = _WORD.findall(quote.strip(" \"'\u201c\u201d\u2018\u2019"))
    if not words:
        return url
    edge = [w.strip("\"'\u201c\u201d\u2018\u2019") for w in words]
    if len(edge) <= 2 * EDGE_WORDS:
        directive = "text=" + _encode(" ".join(edge))
    else:
        start = " ".join(edge[:EDGE_WORDS])
        end = " ".join(edge[-EDGE_WORDS:])
        directive = f"text={_encode(start)},{_encode(end)}"
    base, hash_mark, fragment = url.partition("#")
    if hash_mark and ":~:" in fragment:
        fragment = fragment.split(":~:", 1)[0]  # an old directive gives way to ours
    return f"{base}#{fragment}:~:{directive}"
