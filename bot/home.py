"""The App Home tab: what whosaid knows at a glance, published when someone opens it.

Everyone sees the counts, the latest articles, who was quoted most this week and questions
to try; admins also see the followed feeds and how their last poll went. A home view holds
at most 100 blocks and 3,000 characters per text, so every list here is bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt import App

from bot.blocks import cut, cut_shown
from bot.commands import HELP_EXAMPLES
from bot.feeds import feed_lines
from bot.runtime import SLACK_ERRORS, Runtime, describe
from bot.slacktext import link, outgoing

log = logging.getLogger("whosaid.bot")

MAX_BLOCKS = 100
TEXT_CHARS = 3000
HEADER_CHARS = 150
RECENT = 10
TOP_SPEAKERS = 8
WEEK_DAYS = 7
MAX_FEEDS = 20

Block = dict[str, Any]


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:HEADER_CHARS]}}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut_shown(text, TEXT_CHARS)}}


def _context(text: str) -> Block:
    element = {"type": "mrkdwn", "text": cut_shown(text, TEXT_CHARS)}
    return {"type": "context", "elements": [element]}


def _plural(n: int, word: str) -> str:
    return f"*{n:,}* {word}{'' if n == 1 else 's'}"


def home_view(
    stats: dict[str, int],
    recent: Sequence[Any],
    speakers: Sequence[tuple[str, int, int]],
    feeds: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """The home view; `feeds` is given for admins only."""
    blocks: list[Block] = [
        _header("whosaid: who said what, word for word"),
        _section(
            " · ".join(
                [
                    _plural(stats.get("articles", 0), "article"),
                    _plural(stats.get("quotes", 0), "quote"),
                    _plural(stats.get("speakers", 0), "speaker"),
                ]
            )
        ),
        {"type": "divider"},
        _header("Latest articles"),
    ]
    if recent:
        lines = []
        for info in recent[:RECENT]:
            title = link(info.url, cut(info.title or info.source_key, 150))
            extra = " · ".join(x for x in (info.source, info.published) if x)
            lines.append(
                f"• {title}" + (f" · {extra}" if extra else "") + f" · {info.quotes} quotes"
            )
        blocks.append(_section("\n".join(lines)))
    else:
        blocks.append(
            _section("No articles yet. An admin adds them with `/whosaid-admin add URL`.")
        )
    blocks.append(_header(f"Most quoted in the last {WEEK_DAYS} days"))
    if speakers:
        lines = [
            f"• *{cut_shown(name, 100)}*: {_plural(quotes, 'quote')} in "
            f"{_plural(articles, 'article')}"
            for name, quotes, articles in speakers[:TOP_SPEAKERS]
        ]
        blocks.append(_section("\n".join(lines)))
    else:
        blocks.append(
            _section(f"Nobody was quoted in articles indexed in the last {WEEK_DAYS} days.")
        )
    blocks.append(_header("Try asking"))
    blocks.append(_section("\n".join(f"• `/whosaid {q}`" for q in examples(speakers))))
    blocks.append(
        _context(
            "Mention @whosaid in a channel, send it a direct message, or use *Who said this?* "
            "from any message's ⋯ menu to look up the words it quotes."
        )
    )
    if feeds is not None:
        blocks.append({"type": "divider"})
        blocks.append(_header("Followed feeds (admins)"))
        if feeds:
            blocks.append(_section("\n".join(feed_lines(feeds, limit=MAX_FEEDS))))
        else:
            blocks.append(_section("No feeds are followed. `/whosaid-admin follow FEED_URL`"))
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def examples(speakers: Sequence[tuple[str, int, int]]) -> list[str]:
    """Questions to try: about this week's most quoted speakers first, then the usual ones."""
    asked = [f"what did {name} say?" for name, _, _ in speakers[:2]]
    return [*asked, *HELP_EXAMPLES][:4]


class Home:
    """Publishes the home view on `app_home_opened`."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def register(self, app: App) -> None:
        app.event("app_home_opened")(self.on_opened)

    def on_opened(self, event: dict[str, Any]) -> None:
        user = event.get("user")
        if event.get("tab", "home") != "home" or not user:
            return
        self.rt.background("home", lambda: self.publish(str(user)), lambda _text: None)

    def publish(self, user: str) -> None:
        engine = self.rt.engine
        feeds = engine.feeds() if self.rt.is_admin(user) else None
        view = home_view(
            engine.stats(), engine.recent_articles(RECENT), engine.top_speakers(WEEK_DAYS), feeds
        )
        try:
            # Escaped on the way out like every message (slacktext.outgoing).
            sent = {**view, "blocks": outgoing("", view["blocks"])["blocks"]}
            self.rt.client.views_publish(user_id=user, view=sent)
        except SLACK_ERRORS as exc:
            log.warning("views.publish failed: %s", describe(exc))
