"""`/whosaid-export NAME`: a speaker's quotes sent to the asker privately, as a CSV file in
their direct message with the bot (files upload v2). A command of its own, so that no question
is ever mistaken for an export."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

from bot.blocks import notice
from bot.exporting import render_rows
from bot.runtime import Runtime, unwrap_slack_text

log = logging.getLogger("whosaid.bot")

COMMAND = "/whosaid-export"
USAGE = "Usage: `/whosaid-export NAME` — for example `/whosaid-export the mayor`."
_FILE_CHARS = re.compile(r"[^\w.-]+")


class ExportCommand:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    def register(self, app: App) -> None:
        app.command(COMMAND)(self.on_command)

    def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        name = unwrap_slack_text(body.get("text") or "").strip()
        user, url, channel = body.get("user_id"), body.get("response_url"), body.get("channel_id")
        if not name or len(name) > 200:
            ack(text=USAGE, response_type="ephemeral")
            return
        ack(text=":hourglass_flowing_sand: Gathering the quotes …", response_type="ephemeral")

        def reply(text: str, emoji: str) -> None:
            self.rt.reply_private(url, channel, user, notice(text, emoji))

        self.rt.background(
            "export", lambda: self._send(name, user, reply), lambda t: reply(t, ":warning:")
        )

    def _send(self, name: str, user: str | None, reply: Any) -> None:
        names, rows = self.rt.engine.export(name)
        if not names:
            reply(f"Nobody called “{name}” is in the indexed articles.", ":mag:")
            return
        who = ", ".join(names)
        if not rows:
            reply(f"{who} is named in the indexed articles but not quoted.", ":mag:")
            return
        dm = self.rt.client.conversations_open(users=user)["channel"]["id"]
        filename = (_FILE_CHARS.sub("-", who).strip("-") or "quotes")[:60] + "-quotes.csv"
        self.rt.client.files_upload_v2(
            channel=dm,
            content=render_rows(rows, "csv"),
            filename=filename,
            title=f"Quotes from {who}",
            initial_comment=f"{len(rows)} quotes from {who}, oldest first.",
        )
        log.info("export sent: %d quotes", len(rows))
        reply(
            f"Sent {len(rows)} quotes from {who} to our direct messages as a CSV file.",
            ":inbox_tray:",
        )
