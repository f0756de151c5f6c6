"""Access: only `WHOSAID_ADMIN_USERS` change the index from Slack, on every entry point.

Each attempt below comes from someone who is not an admin, through a different door (the
command, a Remove button on an admin's message, a file in a DM, a forged modal submission,
payloads with the user missing or disguised). Each must be refused, fetch nothing and change
nothing. The same actions by the admin do work, so the refusals are not vacuous.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.blocks import REMOVE_ACTION
from bot.config import Settings
from bot.server import HttpServer
from retrieval.engine import Engine
from tests.articleserver import ArticleServer
from tests.conftest_slack import ADMIN, CHANNEL, DM, SIGNING_SECRET, USER, Reply, SlackDriver
from tests.fakeslack import BOT_TOKEN, TEAM_ID, FakeSlack

REFUSAL = "only whosaid admins"
QUIET_S = 1.0
STORY = (
    "<html><head><title>Lighthouse keeper retires</title></head><body><article>"
    "<h1>Lighthouse keeper retires after forty years</h1>"
    "<p>The last keeper of the Marrow Point lighthouse retired on Friday.</p>"
    '<p>"The sea never once let me sleep late," said Keeper Ambrose Tillinghast, 71. '
    "He said the light would now be run from the harbor office.</p>"
    "</article></body></html>"
)


@dataclass
class Bot:
    engine: Engine
    slack: SlackDriver
    fake: FakeSlack
    web: ArticleServer
    story_url: str


@pytest.fixture(scope="module")
def bot(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    data = tmp_path_factory.mktemp("access") / "data"
    shutil.copytree(seeded_dir, data)
    web = ArticleServer()
    base = web.start()
    web.add("/lighthouse", STORY)
    # Private URLs allowed: were a refusal missing, the add would succeed and show.
    engine = Engine(data, allow_private_urls=True)
    with FakeSlack() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            data_dir=data,
            admin_users_raw=ADMIN,
            allow_private_urls=True,
        )
        server = HttpServer(settings, engine, "127.0.0.1", 0).start()
        try:
            yield Bot(engine, SlackDriver(server, fake), fake, web, base + "/lighthouse")
        finally:
            server.stop()
            web.stop()
            engine.close()


def state(b: Bot) -> tuple[Any, ...]:
    stats = b.engine.stats()
    stats.pop("index_bytes")
    return stats, b.engine.store.generation(), sorted(a.id for a in b.engine.articles())


def some_article(b: Bot) -> str:
    return b.engine.articles()[0].id


# -- the attempts, each through a different door -----------------------------------------------
Attempt = Callable[[Bot], tuple[Reply, str | None]]  # (HTTP reply, response_url if any)


def command(text: Callable[[Bot], str], **form: str) -> Attempt:
    def go(b: Bot) -> tuple[Reply, str | None]:
        response_url = b.fake.response_url(f"access{time.monotonic_ns()}")
        body = {
            "team_id": TEAM_ID,
            "channel_id": CHANNEL,
            "user_id": USER,
            "user_name": "mallory",
            "command": "/whosaid-admin",
            "text": text(b),
            "response_url": response_url,
            "trigger_id": "trig-access",
        }
        body.update(form)
        body = {k: v for k, v in body.items() if v != "<absent>"}
        return b.slack.post(urlencode(body), "application/x-www-form-urlencoded"), response_url

    return go


def remove_button(user: dict[str, Any] | None) -> Attempt:
    """A Remove button from an admin's `list` message, pressed by someone else."""

    def go(b: Bot) -> tuple[Reply, str | None]:
        response_url = b.fake.response_url(f"button{time.monotonic_ns()}")
        admin_message = {"ts": b.slack.new_ts(), "user": ADMIN, "text": "articles", "blocks": []}
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "api_app_id": "A0WHOSAID",
            "container": {"type": "message", "channel_id": CHANNEL, "is_ephemeral": False},
            "channel": {"id": CHANNEL},
            "message": admin_message,
            "response_url": response_url,
            "trigger_id": "trig-button",
            "actions": [
                {
                    "type": "button",
                    "action_id": REMOVE_ACTION,
                    "block_id": "b1",
                    "value": some_article(b),
                    "action_ts": str(time.time()),
                }
            ],
        }
        if user is not None:
            payload["user"] = user
        body = urlencode({"payload": json.dumps(payload)})
        return b.slack.post(body, "application/x-www-form-urlencoded"), response_url

    return go


def modal_submission(b: Bot) -> tuple[Reply, str | None]:
    """A forged view_submission carrying an add and a remove, as an admin modal might."""
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": USER, "team_id": TEAM_ID},
        "api_app_id": "A0WHOSAID",
        "trigger_id": "trig-modal",
        "view": {
            "id": "V0FORGED",
            "type": "modal",
            "callback_id": "whosaid_admin",
            "private_metadata": json.dumps({"remove": some_article(b)}),
            "state": {
                "values": {
                    "url": {"url": {"type": "plain_text_input", "value": b.story_url}},
                    "remove": {"remove": {"type": "plain_text_input", "value": some_article(b)}},
                }
            },
        },
    }
    body = urlencode({"payload": json.dumps(payload)})
    return b.slack.post(body, "application/x-www-form-urlencoded"), None


def file_in_dm(b: Bot) -> tuple[Reply, str | None]:
    b.fake.add_file("F0MALLORY1", "planted.txt", b'The mayor said "resign" today, twice.\n')
    _, reply = b.slack.message(
        "",
        channel=DM,
        channel_type="im",
        user=USER,
        subtype="file_share",
        files=[{"id": "F0MALLORY1", "name": "planted.txt"}],
    )
    return reply, None


ATTEMPTS: dict[str, Attempt] = {
    "command-add": command(lambda b: f"add {b.story_url}"),
    "command-reindex": command(lambda b: "reindex"),
    "command-remove": command(lambda b: f"remove {some_article(b)}"),
    "command-user-missing": command(lambda b: f"remove {some_article(b)}", user_id="<absent>"),
    "command-admin-name-not-id": command(
        lambda b: f"remove {some_article(b)}", user_name=ADMIN, user_id=USER
    ),
    "command-admin-id-lowercase": command(
        lambda b: f"remove {some_article(b)}", user_id=ADMIN.lower()
    ),
    "command-admin-id-padded": command(lambda b: f"remove {some_article(b)}", user_id=f" {ADMIN} "),
    "command-admin-list-as-id": command(
        lambda b: f"remove {some_article(b)}", user_id=f"{ADMIN},{USER}"
    ),
    "button-remove": remove_button({"id": USER, "team_id": TEAM_ID}),
    "button-remove-user-missing": remove_button(None),
    "button-remove-admin-as-name": remove_button({"id": USER, "name": ADMIN, "username": ADMIN}),
    "modal-submission": modal_submission,
    "file-in-dm": file_in_dm,
}


@pytest.mark.parametrize("door", list(ATTEMPTS))
def test_non_admins_change_nothing_through_any_door(bot: Bot, door: str) -> None:
    bot.fake.reset()
    before, fetched_before = state(bot), len(bot.web.requests)
    reply, response_url = ATTEMPTS[door](bot)
    assert reply.status in (200, 400, 404), reply
    time.sleep(QUIET_S)
    if door.startswith("command"):
        assert REFUSAL in reply.body, reply.body
    elif door.startswith("button"):
        [refusal] = bot.fake.wait_for(
            "response_url", lambda c: str(response_url).endswith(c.path), timeout=30
        )
        assert REFUSAL in json.dumps(refusal.params), refusal.params
    elif door == "file-in-dm":
        [post] = bot.fake.wait_for("chat.postMessage", timeout=30)
        assert REFUSAL in json.dumps(post.params), post.params
        assert not bot.fake.of("file_download"), "a non-admin's file was downloaded"
    assert state(bot) == before, "a non-admin changed the index"
    assert len(bot.web.requests) == fetched_before, "a non-admin's URL was fetched"
    acting = [c for c in bot.fake.calls if c.method in ("views.open", "files.info")]
    assert acting == [], acting


def test_the_admin_can_do_what_others_cannot(bot: Bot) -> None:
    """The positive control: the same doors open for the admin."""
    bot.fake.reset()
    before = bot.engine.stats()["articles"]
    url, reply = bot.slack.command(f"add {bot.story_url}", user=ADMIN, command="/whosaid-admin")
    assert reply.status == 200 and REFUSAL not in reply.body
    bot.fake.wait_for(
        "response_url",
        lambda c: url.endswith(c.path) and "Added" in json.dumps(c.params),
        timeout=120,
    )
    assert bot.engine.stats()["articles"] == before + 1
    added = next(a.id for a in bot.engine.articles() if a.source_key.endswith("/lighthouse"))
    url, reply = bot.slack.click(REMOVE_ACTION, added, user=ADMIN)
    assert reply.status == 200
    bot.fake.wait_for(
        "response_url",
        lambda c: url.endswith(c.path) and "Removed" in json.dumps(c.params),
        timeout=60,
    )
    assert added not in {a.id for a in bot.engine.articles()}
