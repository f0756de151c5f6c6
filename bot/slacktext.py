"""The one place where what whosaid sends to Slack is escaped.

Slack reads `<!channel>`, `<@U123>`, `<#C123>` and `<https://x|label>` in message text and in
mrkdwn as pings, mentions and disguised links, so an article, a question, a file name or an
error message could carry them into a post. Renderers therefore never escape: they build
messages from raw strings, and the few pieces of markup whosaid means (links to articles, the
person who shared an answer, block-quote lines) are written with `link`, `mention` and
`QUOTE_LINE`, which produce tokens signed with a per-process secret that text from outside
cannot forge. `outgoing` — called by every method that sends (post, respond, ephemeral reply,
update, ack) — escapes `&`, `<` and `>` everywhere, then turns the tokens into Slack markup.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"
_NONCE = secrets.token_hex(8)
_TOKEN = re.compile(
    re.escape(_OPEN + _NONCE) + r"([LUQ])([^\ue000-\ue002]*)(?:\ue001([^\ue000-\ue002]*))?\ue002"
)
_STRAY = re.compile(r"[\ue000-\ue002]")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")

QUOTE_LINE = f"{_OPEN}{_NONCE}Q{_CLOSE}"  # a line of a block quote starts with this

MRKDWN_CHARS = 3000  # Slack's limit for a section's or a context element's text
TEXT_CHARS = 3000  # the notification fallback is kept short; Slack truncates long messages


def escape(text: str) -> str:
    """Slack's escaping: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """A link to an http(s) URL we chose to show; anything else (javascript:, file:) is text."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return label
    safe = url.replace(" ", "%20").replace("|", "%7C")
    return f"{_OPEN}{_NONCE}L{_STRAY.sub('', safe)}{_SEP}{_STRAY.sub('', label)}{_CLOSE}"


def mention(user_id: str | None) -> str:
    """A mention of a Slack user (who shared an answer); anything not a user id is text."""
    if not user_id or not _USER_ID.match(user_id):
        return "someone"
    return f"{_OPEN}{_NONCE}U{user_id}{_CLOSE}"


def _markup(match: re.Match[str]) -> str:
    kind, body, label = match.group(1), match.group(2), match.group(3)
    if kind == "Q":
        return ">"
    if kind == "U":
        return f"<@{body}>"
    return f"<{body}|{label}>" if label else f"<{body}>"


def to_mrkdwn(text: str) -> str:
    """Raw text with our tokens → mrkdwn in which only our own markup is markup."""
    return _STRAY.sub("", _TOKEN.sub(_markup, escape(text)))


def to_plain(text: str) -> str:
    """Raw text with our tokens → plain_text (not parsed for mentions): links show labels."""

    def label(match: re.Match[str]) -> str:
        kind, body, shown = match.group(1), match.group(2), match.group(3)
        if kind == "L":
            return shown or body
        return "" if kind == "Q" else "someone"

    return _STRAY.sub("", _TOKEN.sub(label, text))


def shown_length(text: str) -> int:
    """How many characters `text` takes once sent (escapes included)."""
    return len(to_mrkdwn(text))


def _cap(text: str, limit: int) -> str:
    """Cut sent mrkdwn to `limit` characters without splitting an escape or a link."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    for opener, closer in (("&", ";"), ("<", ">")):
        at = head.rfind(opener)
        if at >= 0 and head.find(closer, at) < 0:
            head = head[:at]
    return head + "…"


def _convert(item: Any) -> Any:
    if isinstance(item, list):
        return [_convert(x) for x in item]
    if not isinstance(item, dict):
        return item
    out = {key: _convert(value) for key, value in item.items()}
    if isinstance(out.get("text"), str) and out.get("type") in ("mrkdwn", "plain_text"):
        if out["type"] == "mrkdwn":
            out["text"] = _cap(to_mrkdwn(out["text"]), MRKDWN_CHARS)
        else:
            out["text"] = to_plain(out["text"])
    return out


def outgoing(text: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The `text` and `blocks` arguments of any send, escaped: the only way out to Slack."""
    sent: dict[str, Any] = {"text": _cap(to_mrkdwn(text), TEXT_CHARS)}
    if blocks is not None:
        sent["blocks"] = _convert(blocks)
    return sent
