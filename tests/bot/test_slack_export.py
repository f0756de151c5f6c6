"""`/whosaid-export NAME` end to end: signed slash commands over HTTP, the fake Slack on
loopback receiving the files upload v2 calls, the real engine over the seed article."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.conftest import SEED
from tests.conftest_slack import USER, SlackDriver

pytest_plugins = ["tests.conftest_slack"]


def _reply(slack: SlackDriver, url: str) -> str:
    calls = slack.fake.wait_for(
        "response_url",
        lambda c: url.endswith(c.path) and "hourglass" not in str(c.params),
        timeout=120,
    )
    return str(calls[-1].params)


def test_an_export_is_sent_privately_as_a_csv_file(slack: SlackDriver, slack_engine: Any) -> None:
    url, ack = slack.command("Sessions", command="/whosaid-export")
    assert ack.status == 200
    assert "Sent" in _reply(slack, url)
    opened = slack.fake.of("conversations.open")
    assert opened and opened[-1].params["users"] == USER
    done = slack.fake.of("files.completeUploadExternal")[-1]
    assert str(done.params["channel_id"]).startswith("D")  # the asker's DM, nowhere else
    (body,) = [b for b in slack.fake.uploads.values() if b]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert rows and {r["speaker"] for r in rows} == {"Jeff Sessions"}
    text = SEED.read_text(encoding="utf-8")
    for r in rows:
        for piece in r["quote"].lstrip("'").split(" … "):
            assert piece.strip() in text


def test_an_unknown_name_is_said_plainly_and_sends_nothing(slack: SlackDriver) -> None:
    url, _ = slack.command("Nobody Atall", command="/whosaid-export")
    assert "Nobody called" in _reply(slack, url)
    assert slack.fake.of("files.getUploadURLExternal") == []


def test_an_empty_export_command_shows_its_usage(slack: SlackDriver) -> None:
    _, ack = slack.command("", command="/whosaid-export")
    assert "Usage" in ack.body
