"""The question surfaces: @mentions, thread follow-ups, DMs, `/whosaid`, Share and More.

Every listener acknowledges at once and answers from the work pool. A message is claimed in
the shared state by channel+ts before it is answered, so Slack's retries and the app_mention +
message pair for one post get one answer between all workers.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from bot.admin import Admin
from bot.blocks import (
    MORE_ACTION,
    PAGE_SIZE,
    SHARE_ACTION,
    Rendered,
    answer_blocks,
    article_list_blocks,
    help_blocks,
    notice,
    plain,
)
from bot.commands import is_article_list, is_help
from bot.runtime import Runtime, acknowledge, clean_question
from bot.state import StoredAnswer
from retrieval.types import AskResult, Context

log = logging.getLogger("whosaid.bot")

MAX_RESULTS = 12  # asked for at once; the first PAGE_SIZE are shown, the rest behind "More"
QUESTION_CHARS = 2000
WORKING = "eyes"
# Where the bot may not post: a private channel it was not invited to, an archived one.
NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}
# Conversations where every message is a question to the bot: DMs and group DMs.
_DIRECT = {"im", "mpim"}
# Message subtypes that are a person writing something new; edits, joins and bots are not.
_ANSWERABLE_SUBTYPES = {None, "thread_broadcast", "file_share"}


class Questions:
    """Listeners for everything that asks a question."""

    def __init__(self, rt: Runtime, admin: Admin) -> None:
        self.rt = rt
        self.admin = admin

    def register(self, app: App) -> None:
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.command("/whosaid")(self.on_command)
        app.action(SHARE_ACTION)(self.on_share)
        app.action(MORE_ACTION)(self.on_more)

    # -- events ------------------------------------------------------------------------------
    def on_mention(self, event: dict[str, Any], context: BoltContext) -> None:
        if _from_bot(event, context):
            return
        channel, ts = event.get("channel"), event.get("ts")
        if not channel or not ts:
            return
        thread = event.get("thread_ts") or ts
        self._answer_message(event, context, reply_thread=thread, context_key=thread)

    def on_message(self, event: dict[str, Any], context: BoltContext) -> None:
        if _from_bot(event, context) or event.get("subtype") not in _ANSWERABLE_SUBTYPES:
            return
        channel, ts = event.get("channel"), event.get("ts")
        if not channel or not ts or not event.get("user"):
            return
        thread_ts = event.get("thread_ts")
        if event.get("channel_type") in _DIRECT:
            if event.get("files"):
                if self.rt.state.claim(f"msg:{channel}:{ts}"):
                    self.rt.background(
                        "file upload",
                        lambda: self.admin.ingest_files(event),
                        lambda text: self.rt.post(channel, notice(text, ":warning:"), thread_ts),
                    )
                return
            key = thread_ts or "dm"
            self._answer_message(event, context, reply_thread=thread_ts, context_key=key)
            return
        mentioned = context.bot_user_id and f"<@{context.bot_user_id}" in event.get("text", "")
        if not thread_ts or mentioned:
            return  # a mention is answered from its app_mention event
        if self.rt.state.thread_context(channel, thread_ts) is None:
            return  # a thread the bot is not in
        self._answer_message(event, context, reply_thread=thread_ts, context_key=thread_ts)

    def _answer_message(
        self,
        event: dict[str, Any],
        context: BoltContext,
        *,
        reply_thread: str | None,
        context_key: str,
    ) -> None:
        channel, ts = str(event["channel"]), str(event["ts"])
        if not self.rt.state.claim(f"msg:{channel}:{ts}"):
            return
        question = clean_question(event.get("text") or "", context.bot_user_id)
        user = event.get("user")

        def work() -> None:
            if is_help(question):
                self.rt.post(channel, help_blocks(), reply_thread)
                return
            if is_article_list(question):
                listing = article_list_blocks(self.rt.engine.articles(), removable=False)
                self.rt.post(channel, listing, reply_thread)
                return
            self.rt.react(channel, ts, WORKING)
            try:
                started = time.monotonic()
                before = self.rt.state.thread_context(channel, context_key) or Context()
                result = self._ask(question, before)
                thread = (channel, context_key)
                answer_id = self._keep(result, user, shareable=False, thread=thread)
                # Remember the thread first: a follow-up may arrive as soon as the answer shows.
                # Only the first page is seen; More pages count when they are opened.
                seen = before.after(result, seen=PAGE_SIZE)
                self.rt.state.remember_thread(channel, context_key, seen)
                self.rt.post(channel, answer_blocks(result, answer_id=answer_id), reply_thread)
                log.info(
                    "answered a message in %s: %d answers in %.0f ms",
                    channel,
                    len(result.answers),
                    (time.monotonic() - started) * 1000,
                )
            finally:
                self.rt.react(channel, ts, WORKING, add=False)

        self.rt.background(
            "answer message",
            work,
            lambda text: self.rt.post(channel, notice(text, ":warning:"), reply_thread),
        )

    # -- /whosaid ----------------------------------------------------------------------------
    def on_command(self, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        question = clean_question(body.get("text") or "", context.bot_user_id)
        if is_help(question):
            usage = help_blocks(body.get("command") or "/whosaid")
            acknowledge(ack, usage, response_type="ephemeral")
            return
        acknowledge(ack, plain(":eyes: Looking…"), response_type="ephemeral")
        url, channel, user = body.get("response_url"), body.get("channel_id"), body.get("user_id")

        def work() -> None:
            if is_article_list(question):
                listing = article_list_blocks(self.rt.engine.articles(), removable=False)
                self.rt.reply_private(url, channel, user, listing)
                return
            started = time.monotonic()
            result = self._ask(question, Context())
            answer_id = self._keep(result, user, shareable=True)
            message = answer_blocks(result, answer_id=answer_id, shareable=True, echo_question=True)
            self.rt.reply_private(url, channel, user, message)
            log.info(
                "answered /whosaid: %d answers in %.0f ms",
                len(result.answers),
                (time.monotonic() - started) * 1000,
            )

        self.rt.background(
            "answer command",
            work,
            lambda text: self.rt.reply_private(url, channel, user, notice(text, ":warning:")),
        )

    # -- buttons -----------------------------------------------------------------------------
    def on_share(self, ack: Ack, body: dict[str, Any]) -> None:
        """Post a private answer publicly, then remove the private copy."""
        ack()
        answer_id, start = _button_value(body)
        url = body.get("response_url")
        channel = (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id")

        def work() -> None:
            stored = self.rt.state.load_answer(answer_id)
            if stored is None:
                self.rt.reply_private(url, channel, user, _expired(), replace=False)
                return
            message = answer_blocks(stored.result, start=start, shared_by=user)
            # The button's response_url posts in any channel the command was used in; past
            # its 30 minutes the bot posts itself, which chat:write.public allows in public
            # channels it is not in, but not in private ones.
            posted = self.rt.respond(url, message, response_type="in_channel")
            if not posted and channel:
                try:
                    self.rt.post(channel, message)
                except SlackApiError as exc:
                    if exc.response.get("error") not in NOT_IN_CHANNEL:
                        raise
                    self.rt.reply_private(url, channel, user, _not_in_channel(), replace=False)
                    return
            self.rt.respond(url, notice("Shared."), delete_original=True)

        self.rt.background(
            "share",
            work,
            lambda text: self.rt.reply_private(url, channel, user, notice(text), replace=False),
        )

    def on_more(self, ack: Ack, body: dict[str, Any]) -> None:
        """The next page of an answer: in place when private, in the thread when public."""
        ack()
        answer_id, start = _button_value(body)
        url = body.get("response_url")
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id")
        message = body.get("message") or {}

        def work() -> None:
            stored = self.rt.state.load_answer(answer_id)
            if stored is None:
                self.rt.reply_private(url, channel, user, _expired(), replace=False)
                return
            if container.get("is_ephemeral") or not message.get("ts"):
                page = answer_blocks(
                    stored.result,
                    start=start,
                    answer_id=answer_id,
                    shareable=True,
                    echo_question=True,
                )
                self.rt.reply_private(url, channel, user, page)
                return
            page = answer_blocks(stored.result, start=start, answer_id=answer_id)
            thread = message.get("thread_ts") or message.get("ts")
            self.rt.post(str(channel), page, thread)
            self._saw(stored, start)
            # The pressed button has done its job: the earlier page again, without buttons.
            earlier = answer_blocks(stored.result, start=max(start - PAGE_SIZE, 0), note_rest=False)
            self.rt.update(str(channel), str(message["ts"]), earlier)

        self.rt.background(
            "more",
            work,
            lambda text: self.rt.reply_private(url, channel, user, notice(text), replace=False),
        )

    # -- helpers -----------------------------------------------------------------------------
    def _ask(self, question: str, context: Context) -> AskResult:
        return self.rt.engine.ask(
            question[:QUESTION_CHARS], context=context, limit=MAX_RESULTS, shown=PAGE_SIZE
        )

    def _keep(
        self,
        result: AskResult,
        user: str | None,
        *,
        shareable: bool,
        thread: tuple[str, str] | None = None,
    ) -> str | None:
        """Store the answer when a button will need it later (with the thread whose context
        its More pages add to)."""
        if shareable or len(result.answers) > PAGE_SIZE:
            return self.rt.state.save_answer(result, user, thread=thread)
        return None

    def _saw(self, stored: StoredAnswer, start: int) -> None:
        """A More page is now in the thread: its quotes count as shown there."""
        if stored.thread is None:
            return
        context = self.rt.state.thread_context(*stored.thread)
        if context is not None:
            page = stored.result.answers[start : start + PAGE_SIZE]
            self.rt.state.remember_thread(*stored.thread, context.saw(page))


def _from_bot(event: dict[str, Any], context: BoltContext) -> bool:
    """Bots (this one included) are never answered: two bots could talk forever."""
    user = event.get("user")
    return bool(
        event.get("bot_id")
        or event.get("subtype") == "bot_message"
        or (user and user == context.bot_user_id)
    )


def _button_value(body: dict[str, Any]) -> tuple[str, int]:
    actions = body.get("actions") or [{}]
    value = str(actions[0].get("value") or "")
    answer_id, _, start = value.partition(":")
    return answer_id, int(start) if start.isdigit() else 0


def _not_in_channel() -> Rendered:
    return notice(
        "I cannot post in this channel because I am not a member of it (a private channel). "
        "Invite me with `/invite @whosaid`, then press *Share in channel* again.",
        ":lock:",
    )


def _expired() -> Rendered:
    return notice("That answer has expired. Please ask again.", ":hourglass:")
