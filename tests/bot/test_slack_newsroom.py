"""Newsroom features end to end over HTTP on loopback: following a feed from Slack (admins
only), the "Who said this?" message shortcut, and the App Home tab published on
app_home_opened. The bot runs on waitress with the real engine; Slack is the fake."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from bot.blocks import SHARE_ACTION
from bot.shortcut import CALLBACK_ID
from bot.slacktext import escape
from tests.articleserver import ArticleServer
from tests.conftest_slack import ADMIN, CHANNEL, USER, SlackDriver, quotes_in, section_texts
from tests.fakeslack import TEAM_ID, Call
from tests.feedfixtures import ARTICLES, feed_routes

pytest_plugins = ["tests.conftest_slack"]


def responses(slack: SlackDriver, url: str, count: int = 1, timeout: float = 120) -> list[Call]:
    return slack.fake.wait_for(
        "response_url", lambda c: url.endswith(c.path), count=count, timeout=timeout
    )


def shortcut(slack: SlackDriver, text: str, *, user: str = USER) -> str:
    """Send a message shortcut payload for a message with `text`; its response_url."""
    response_url = slack.fake.response_url(f"sc{time.monotonic_ns()}")
    ts = slack.new_ts()
    payload = {
        "type": "message_action",
        "callback_id": CALLBACK_ID,
        "trigger_id": "trig-shortcut",
        "response_url": response_url,
        "team": {"id": TEAM_ID},
        "user": {"id": user, "team_id": TEAM_ID},
        "channel": {"id": CHANNEL, "name": "newsroom"},
        "message_ts": ts,
        "message": {"type": "message", "user": "UCOLLEAGUE", "ts": ts, "text": text},
        "token": "legacy-unused",
    }
    reply = slack.post(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )
    assert reply.status == 200 and reply.elapsed_s < 3
    return response_url


# -- feeds -----------------------------------------------------------------------------------


def test_admin_follows_a_feed_and_its_articles_are_answered(
    slack: SlackDriver, slack_engine: Any
) -> None:
    before = slack_engine.stats()["articles"]
    server = ArticleServer()
    with server as base:
        feed_url = feed_routes(server, base)
        url, ack = slack.command(f"follow <{feed_url}>", user=ADMIN, command="/whosaid-admin")
        assert ack.status == 200 and "Following" in ack.body
        done = responses(slack, url)[-1].params
        shown = json.dumps(done["blocks"])
        assert "Harbor Desk" in shown and "3 new articles indexed" in shown, shown
        assert slack_engine.stats()["articles"] == before + 3

        url, _ = slack.command(f"follow {feed_url}", user=ADMIN, command="/whosaid-admin")
        assert "Already following" in json.dumps(responses(slack, url)[-1].params["blocks"])

    url, _ = slack.command("feeds", user=ADMIN, command="/whosaid-admin")
    listing = json.dumps(responses(slack, url)[-1].params["blocks"])
    [feed] = [f for f in slack_engine.feeds() if f.url == feed_url]
    assert f"`{feed.id}`" in listing and "Harbor Desk" in listing and "3 articles" in listing

    # the server is gone: the next poll fails, and status shows why
    assert slack_engine.poll(only=feed.id).failed
    url, _ = slack.command("status", user=ADMIN, command="/whosaid-admin")
    status = json.dumps(responses(slack, url)[-1].params["blocks"])
    assert "1 failing" in status and "connection refused" in status, status

    url, _ = slack.command("what did Halvard Quist say?")
    answer = responses(slack, url)[0].params
    quoted = quotes_in(answer["blocks"])
    assert any("fuel bill finally caught us" in q for q in quoted), quoted
    assert any(q in ARTICLES["/desk/ferry-fares"][1] for q in quoted)

    url, _ = slack.command(f"unfollow {feed.id}", user=ADMIN, command="/whosaid-admin")
    assert "Stopped following" in json.dumps(responses(slack, url)[-1].params["blocks"])
    assert feed_url not in [f.url for f in slack_engine.feeds()]


def test_non_admins_cannot_follow_or_unfollow_feeds(slack: SlackDriver, slack_engine: Any) -> None:
    before = slack_engine.feeds()
    for text in ("follow https://news.example.com/feed.xml", "unfollow 1", "feeds"):
        _, reply = slack.command(text, command="/whosaid-admin")
        assert reply.status == 200 and "only whosaid admins" in reply.body
    time.sleep(1.0)
    assert slack.fake.of("response_url") == []
    assert slack_engine.feeds() == before


def test_admin_help_lists_the_feed_verbs(slack: SlackDriver) -> None:
    _, reply = slack.command("help", user=ADMIN, command="/whosaid-admin")
    for verb in ("follow FEED_URL", "unfollow ID", "feeds"):
        assert verb in reply.body


# -- the message shortcut ---------------------------------------------------------------------


def test_shortcut_answers_who_said_each_quoted_span_privately_with_share(
    slack: SlackDriver,
) -> None:
    url = shortcut(
        slack, 'Did you see this? “I will recuse myself” — and who said "partisan Democrats"?'
    )
    replies = [c.params for c in responses(slack, url, count=2)]
    assert all(r.get("response_type") == "ephemeral" for r in replies)
    assert not slack.fake.of("chat.postMessage"), "nothing public"
    first, second = (json.dumps(r["blocks"]) for r in replies)
    assert "I will recuse myself" in first and "Sessions" in first
    assert "partisan Democrats" in second
    share = [
        e
        for b in replies[0]["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == SHARE_ACTION
    ]
    assert share, "a Share button"
    shared_url, _ = slack.click(SHARE_ACTION, share[0]["value"])
    public = responses(slack, shared_url, count=2)
    assert any(c.params.get("response_type") == "in_channel" for c in public)


def test_shortcut_without_quote_marks_asks_about_the_whole_message(slack: SlackDriver) -> None:
    url = shortcut(slack, "there was absolutely nothing misleading about his answer")
    reply = responses(slack, url)[0].params
    assert reply["response_type"] == "ephemeral"
    shown = quotes_in(reply["blocks"])
    assert any("nothing misleading about his answer" in q for q in shown), shown


def test_shortcut_cuts_a_long_message_with_a_note(slack: SlackDriver) -> None:
    text = "the harbor committee met again " * 120  # 3,720 characters, no quote marks
    url = shortcut(slack, text)
    reply = responses(slack, url)[0].params
    notes = [b for b in reply["blocks"] if b["type"] == "context"]
    assert any("message is long" in json.dumps(b) for b in notes), reply["blocks"]
    echoed = [t for b in notes for e in b["elements"] for t in [e["text"]] if "who said" in t]
    assert echoed and len(echoed[0]) < 600


def test_shortcut_on_a_message_without_text(slack: SlackDriver) -> None:
    url = shortcut(slack, "")
    assert "no text to look up" in json.dumps(responses(slack, url)[0].params["blocks"])


# -- the App Home ------------------------------------------------------------------------------


def _open_home(slack: SlackDriver, user: str) -> list[dict[str, Any]]:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
    assert slack.event(event).status == 200
    [call] = slack.fake.wait_for("views.publish", lambda c: c.params.get("user_id") == user)
    view = call.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "home"
    return list(view["blocks"])


def _headers(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "header"]


def test_home_tab_shows_counts_latest_articles_top_speakers_and_examples(
    slack: SlackDriver, slack_engine: Any
) -> None:
    blocks = _open_home(slack, USER)
    assert len(blocks) <= 100
    assert _headers(blocks) == [
        "whosaid: who said what, word for word",
        "Latest articles",
        "Most quoted in the last 7 days",
        "Try asking",
    ], "no feeds for a non-admin"
    texts = section_texts(blocks)
    stats = slack_engine.stats()
    assert f"*{stats['articles']:,}* article" in texts[0] and "quote" in texts[0]
    latest = slack_engine.recent_articles(10)
    # titles arrive escaped: an article's own `<!channel>` must not ping anyone
    assert all(escape((a.title or a.source_key)[:40]) in texts[1] for a in latest)
    assert texts[1].count("\n") == min(10, stats["articles"]) - 1
    assert "Sessions" in texts[2]
    assert "/whosaid what did" in texts[3]
    assert all(len(t) <= 3000 for t in texts)
    assert "<!channel>" not in json.dumps(blocks) and "<!here>" not in json.dumps(blocks)


def test_home_tab_shows_admins_the_feeds(slack: SlackDriver) -> None:
    blocks = _open_home(slack, ADMIN)
    assert _headers(blocks)[-1] == "Followed feeds (admins)"
    assert slack.fake.of("views.publish")[0].params["user_id"] == ADMIN


def test_home_view_stays_inside_block_kit_limits() -> None:
    from types import SimpleNamespace

    from bot.home import home_view

    long = "word " * 2000
    articles = [
        SimpleNamespace(url=None, title=long, source_key="k", source=long, published=None, quotes=1)
        for _ in range(50)
    ]
    speakers = [(long, 3, 1)] * 50
    feeds = [
        SimpleNamespace(
            id=i,
            url="https://f.example/x",
            title=long,
            items=1,
            last_polled="2026-03-01T00:00:00Z",
            last_error=long,
            failures=2,
        )
        for i in range(200)
    ]
    view = home_view({"articles": 1}, articles, speakers, feeds)
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= (150 if block["type"] == "header" else 3000)


def test_manifest_declares_the_shortcut_and_the_home_tab() -> None:
    import yaml

    from tests.conftest import ROOT

    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    [shortcut_entry] = features["shortcuts"]
    assert shortcut_entry["type"] == "message" and shortcut_entry["callback_id"] == CALLBACK_ID
    assert shortcut_entry["name"] == "Who said this?"
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    admin = next(c for c in features["slash_commands"] if c["command"] == "/whosaid-admin")
    assert "follow" in admin["description"]
