"""What every listener shares: the engine, the bot state, the Slack client, a work pool.

Listeners only acknowledge and hand the slow part to `Runtime.background`, so Slack gets its
answer within 3 seconds however busy the engine is. The helpers here reply to Slack in the
few ways the bot needs, and log failures as one line that never holds message text or tokens.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.blocks import Rendered
from bot.config import Settings
from bot.slacktext import outgoing
from bot.state import BotState
from retrieval.engine import Engine, JobQueue
from retrieval.errors import WhosaidError

log = logging.getLogger("whosaid.bot")

SLACK_ERRORS = (SlackApiError, SlackRequestError, OSError)


def describe(exc: BaseException) -> str:
    """Exception type and where it was raised: enough to debug, never the message text."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno}"


class RedactBodies(logging.Filter):
    """Bolt logs whole request bodies in a few messages (a rejected signature, a skipped
    middleware); bodies hold what people wrote, so the body part is cut off."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cut_at = message.find("body: ")
        if cut_at < 0:
            cut_at = message.find("for the request (")
        if cut_at >= 0:
            record.msg, record.args = message[:cut_at] + "[request body not logged])", None
        return True


def redact_bolt_logs(*names: str) -> None:
    """Install `RedactBodies` on Bolt's loggers (idempotent)."""
    loggers = ("slack_bolt.RequestVerification", "slack_bolt.App", *names)
    for name in loggers:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactBodies) for f in logger.filters):
            logger.addFilter(RedactBodies())


def acknowledge(ack: Callable[..., Any], message: Rendered, **options: Any) -> None:
    """Answer Slack's request at once (a slash command's first reply), escaped like any send."""
    ack(**outgoing(message.text, message.blocks or None), **options)


def friendly(exc: BaseException) -> str:
    """What a person sees when something fails."""
    if isinstance(exc, WhosaidError):
        first = (str(exc).splitlines() or [""])[0]
        return f"Sorry, that did not work: {first}" if first else "Sorry, that did not work."
    return "Sorry, something went wrong on my side. Please try again in a moment."


_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")
_MENTION = re.compile(r"<[@#!][^>]*>")


def unwrap_slack_text(text: str) -> str:
    """Slack's wire format back to what was typed: `<url|label>` → url, entities decoded."""
    text = _LINK.sub(lambda m: m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean_question(text: str, bot_user_id: str | None) -> str:
    """The question without the bot's mention, user mentions and Slack markup."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _MENTION.sub(" ", text)
    return " ".join(unwrap_slack_text(text).split())


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    state: BotState
    client: WebClient
    pool: ThreadPoolExecutor
    jobs: JobQueue  # the ingest queue admin changes go through
    admin_lock: threading.Lock = field(default_factory=threading.Lock)
    on_queued: Callable[[], None] = lambda: None  # wakes this process's worker, if it has one

    def background(
        self, what: str, work: Callable[[], object], on_error: Callable[[str], object]
    ) -> Future[None]:
        """Run `work` on the pool; on failure log one line and tell the person via `on_error`."""

        def task() -> None:
            try:
                work()
            except Exception as exc:
                log.error("%s failed: %s", what, describe(exc))
                try:
                    on_error(friendly(exc))
                except Exception as reply_exc:
                    log.error("%s: error reply failed: %s", what, describe(reply_exc))

        return self.pool.submit(task)

    # -- replying ----------------------------------------------------------------------------
    def post(self, channel: str, message: Rendered, thread_ts: str | None = None) -> str | None:
        """Post in a channel, DM or thread; returns the new message's ts."""
        response = self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            **outgoing(message.text, message.blocks),
        )
        return response.get("ts")

    def update(self, channel: str, ts: str, message: Rendered) -> None:
        """Replace a message the bot posted."""
        self.client.chat_update(channel=channel, ts=ts, **outgoing(message.text, message.blocks))

    def respond(self, response_url: str | None, message: Rendered, **options: Any) -> bool:
        """Send to a slash command's or button's response_url; False when that fails."""
        if not response_url:
            return False
        webhook = WebhookClient(
            response_url,
            timeout=15,
            retry_handlers=[
                RateLimitErrorRetryHandler(max_retry_count=2),
                ConnectionErrorRetryHandler(max_retry_count=1),
            ],
        )
        try:
            result = webhook.send(
                unfurl_links=False, **outgoing(message.text, message.blocks), **options
            )
        except SLACK_ERRORS as exc:
            log.warning("response_url failed: %s", describe(exc))
            return False
        if result.status_code != 200:
            log.warning("response_url answered HTTP %s", result.status_code)
            return False
        return True

    def reply_private(
        self,
        response_url: str | None,
        channel: str | None,
        user: str | None,
        message: Rendered,
        *,
        replace: bool = True,
    ) -> None:
        """An ephemeral reply: via response_url, else chat.postEphemeral."""
        if self.respond(response_url, message, response_type="ephemeral", replace_original=replace):
            return
        if channel and user:
            self.client.chat_postEphemeral(
                channel=channel, user=user, **outgoing(message.text, message.blocks)
            )

    def react(self, channel: str, ts: str, name: str, *, add: bool = True) -> None:
        """Best effort: a missing reaction must never stop an answer."""
        try:
            if add:
                self.client.reactions_add(channel=channel, timestamp=ts, name=name)
            else:
                self.client.reactions_remove(channel=channel, timestamp=ts, name=name)
        except SLACK_ERRORS as exc:
            log.info("reaction %s failed: %s", "add" if add else "remove", describe(exc))

    def is_admin(self, user: str | None) -> bool:
        return bool(user) and user in self.settings.admin_users
