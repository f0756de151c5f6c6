"""Slack end-to-end fixtures: the fake Slack, the real bot over HTTP, a signed-request driver.

Imported by the `test_slack_*` modules. One bot server (waitress on 127.0.0.1, real engine on
a copy of the seeded data dir) serves the whole session; each test gets the fake's record
cleared and fresh message timestamps.
"""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.fakeslack import BOT_TOKEN, BOT_USER_ID, TEAM_ID, FakeSlack

SIGNING_SECRET = "test-signing-secret-9f8e7d6c"
ADMIN = "UADMIN0001"
USER = "UUSER00001"
CHANNEL = "C0NEWSROOM"
DM = "D0DIRECT01"

_ts = itertools.count(int(time.time() * 1000) % 1_000_000_000)


@dataclass
class Reply:
    status: int
    body: str
    elapsed_s: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class LogCapture(logging.Handler):
    """Every log record of the session, formatted, for the secrets check."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="session")
def session_logs() -> Iterator[LogCapture]:
    """Capture INFO and above from every logger while the bot runs, as in production."""
    capture = LogCapture()
    capture.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.INFO)
    yield capture
    root.removeHandler(capture)
    root.setLevel(old_level)


@pytest.fixture(scope="session")
def slack_data_dir(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the seeded data dir: admin tests add articles to it."""
    target = tmp_path_factory.mktemp("slack") / "data"
    shutil.copytree(seeded_dir, target)
    return target


@pytest.fixture(scope="session")
def slack_engine(slack_data_dir: Path) -> Iterator[Any]:
    from retrieval.engine import Engine

    engine = Engine(slack_data_dir, allow_private_urls=True)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def slack_settings(fake_slack: FakeSlack, slack_data_dir: Path) -> Any:
    from bot.config import Settings

    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        data_dir=slack_data_dir,
        admin_users_raw=ADMIN,
        allow_private_urls=True,
        fetch_timeout_s=5,
    )


@pytest.fixture(scope="session")
def bot_server(
    slack_settings: Any, slack_engine: Any, fake_slack: FakeSlack, session_logs: LogCapture
) -> Iterator[Any]:
    """The bot in HTTP mode on waitress, its Web API client built from SLACK_API_URL."""
    from bot.server import HttpServer

    server = HttpServer(slack_settings, slack_engine, "127.0.0.1", 0).start()
    yield server
    server.stop()


class SlackDriver:
    """Sends what Slack would send to the bot, signed like Slack signs it."""

    def __init__(self, server: Any, fake: FakeSlack) -> None:
        self.url = server.url + "/slack/events"
        self.base = server.url
        self.fake = fake
        self.verifier = SignatureVerifier(SIGNING_SECRET)

    # -- raw ----------------------------------------------------------------------------------
    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        signed: bool = True,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if signed:
            verifier = SignatureVerifier(secret) if secret else self.verifier
            all_headers["X-Slack-Request-Timestamp"] = ts
            all_headers["X-Slack-Signature"] = str(
                verifier.generate_signature(timestamp=ts, body=body)
            )
        request = urllib.request.Request(
            self.url, data=body.encode("utf-8"), headers=all_headers, method="POST"
        )
        return self._send(request)

    def get(self, path: str) -> Reply:
        return self._send(urllib.request.Request(self.base + path, method="GET"))

    @staticmethod
    def _send(request: urllib.request.Request) -> Reply:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read().decode("utf-8")
                return Reply(response.status, body, time.monotonic() - started)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            return Reply(exc.code, body, time.monotonic() - started)

    # -- Slack payloads -----------------------------------------------------------------------
    @staticmethod
    def new_ts() -> str:
        n = next(_ts)
        return f"{1_700_000_000 + n // 1000}.{n % 1000:06d}"

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> Reply:
        envelope = {
            "token": "legacy-unused",
            "team_id": TEAM_ID,
            "api_app_id": "A0WHOSAID",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ts)}",
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {}
        if retry is not None:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(envelope), "application/json", headers=headers)

    def mention(
        self,
        text: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
        user: str = USER,
        event_id: str | None = None,
        retry: int | None = None,
    ) -> tuple[str, Reply]:
        ts = ts or self.new_ts()
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER_ID}> {text}",
            "ts": ts,
            "channel": CHANNEL,
            "event_ts": ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return ts, self.event(event, event_id=event_id, retry=retry)

    def message(
        self,
        text: str,
        *,
        channel: str = CHANNEL,
        channel_type: str = "channel",
        ts: str | None = None,
        thread_ts: str | None = None,
        user: str = USER,
        **extra: Any,
    ) -> tuple[str, Reply]:
        ts = ts or self.new_ts()
        event = {
            "type": "message",
            "channel_type": channel_type,
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            **extra,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return ts, self.event(event)

    def command(
        self, text: str, *, user: str = USER, command: str = "/whosaid", response: str | None = None
    ) -> tuple[str, Reply]:
        """A slash command; returns (its response_url, the HTTP reply)."""
        response_url = self.fake.response_url(response or f"cmd{next(_ts)}")
        form = {
            "token": "legacy-unused",
            "team_id": TEAM_ID,
            "channel_id": CHANNEL,
            "channel_name": "newsroom",
            "user_id": user,
            "user_name": "someone",
            "command": command,
            "text": text,
            "api_app_id": "A0WHOSAID",
            "response_url": response_url,
            "trigger_id": f"trig{next(_ts)}",
        }
        return response_url, self.post(urlencode(form), "application/x-www-form-urlencoded")

    def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = USER,
        ephemeral: bool = True,
        message: dict[str, Any] | None = None,
    ) -> tuple[str, Reply]:
        """A button press (block_actions); returns (its response_url, the HTTP reply)."""
        response_url = self.fake.response_url(f"act{next(_ts)}")
        message = message or {"ts": self.new_ts(), "text": "", "blocks": []}
        payload = {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM_ID},
            "team": {"id": TEAM_ID},
            "api_app_id": "A0WHOSAID",
            "token": "legacy-unused",
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": CHANNEL,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": CHANNEL},
            "message": None if ephemeral else message,
            "response_url": response_url,
            "trigger_id": f"trig{next(_ts)}",
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b1",
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return response_url, self.post(body, "application/x-www-form-urlencoded")


@pytest.fixture
def slack(bot_server: Any, fake_slack: FakeSlack) -> SlackDriver:
    fake_slack.reset()
    return SlackDriver(bot_server, fake_slack)


def sent_to(url: str) -> Any:
    """A predicate for `FakeSlack.of`: calls that went to this response_url."""
    return lambda call: url.endswith(call.path)


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("type") == "section"]


def quotes_in(blocks: list[dict[str, Any]]) -> list[str]:
    """The article words shown in an answer (block-quote lines without quotation marks,
    escapes or the bold that marks reported words in their sentence)."""
    out = []
    for text in section_texts(blocks):
        lines = [line[1:] for line in text.splitlines() if line.startswith(">")]
        if lines:
            quote = "\n".join(lines).strip().strip("“”").replace("*", "")
            out.append(quote.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    return out
