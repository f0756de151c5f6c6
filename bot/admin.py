"""`/whosaid-admin`, its Remove buttons, and article files sent to the bot in a DM.

Only users in `WHOSAID_ADMIN_USERS` may change the index, and that is checked on every
action (command, button, file), not once: a button in an old message or a forwarded payload
must not get past it. Slow jobs (add, reindex, remove) run one at a time in the background
and report progress and their result to the admin.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import urlparse

from slack_bolt import Ack, App

from bot.blocks import (
    REMOVE_ACTION,
    Rendered,
    admin_help_blocks,
    article_list_blocks,
    ingest_report_blocks,
    notice,
    plain,
    stats_blocks,
)
from bot.feeds import FEED_VERBS, FeedAdmin, with_feed_status
from bot.runtime import Runtime, acknowledge, unwrap_slack_text
from retrieval.engine import IngestReport
from retrieval.errors import ArticleError, WhosaidError

log = logging.getLogger("whosaid.bot")

COMMAND = "/whosaid-admin"
FILE_SUFFIXES = (".txt", ".html", ".htm", ".md")
PROGRESS_EVERY_S = 5.0
MAX_PROGRESS_UPDATES = 3  # a response_url takes 5 messages: progress plus the result fit
REFUSAL = (
    "Sorry, only whosaid admins can change the index. "
    "Ask an admin to add your Slack user id to WHOSAID_ADMIN_USERS."
)
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


class Admin:
    """Listeners for index changes; every entry point checks the admin list first."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.feeds = FeedAdmin(rt)

    def register(self, app: App) -> None:
        app.command(COMMAND)(self.on_command)
        app.action(REMOVE_ACTION)(self.on_remove_button)

    def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        user = body.get("user_id")
        if not self.rt.is_admin(user):
            log.warning("refused %s for a non-admin user", COMMAND)
            acknowledge(ack, plain(REFUSAL), response_type="ephemeral")
            return
        verb, _, arg = unwrap_slack_text(body.get("text") or "").strip().partition(" ")
        verb, arg = verb.lower(), arg.strip()
        url, channel = body.get("response_url"), body.get("channel_id")

        def reply(message: Rendered) -> None:
            self.rt.reply_private(url, channel, user, message)

        def on_error(text: str) -> None:
            reply(notice(text, ":warning:"))

        if verb == "add":
            if not re.match(r"^https?://\S+$", arg, re.IGNORECASE):
                acknowledge(ack, plain("Usage: `/whosaid-admin add https://example.com/article`"))
                return
            adding = plain(f":hourglass_flowing_sand: Adding {arg} …")
            acknowledge(ack, adding, response_type="ephemeral")
            self.rt.background("admin add", lambda: self._add(arg, reply), on_error)
        elif verb == "reindex":
            acknowledge(ack, plain(":hourglass_flowing_sand: Reindexing every article …"))
            self.rt.background("admin reindex", lambda: self._reindex(reply), on_error)
        elif verb == "remove":
            if not _ID.match(arg):
                how = "Usage: `/whosaid-admin remove ID` (ids are in `/whosaid-admin list`)"
                acknowledge(ack, plain(how))
                return
            acknowledge(ack, plain(f":hourglass_flowing_sand: Removing `{arg}` …"))
            self.rt.background("admin remove", lambda: reply(self._remove(arg)), on_error)
        elif verb == "list":
            acknowledge(ack, plain(":hourglass_flowing_sand: Listing articles …"))
            self.rt.background(
                "admin list",
                lambda: reply(article_list_blocks(self.rt.engine.articles())),
                on_error,
            )
        elif verb == "status":
            acknowledge(ack, plain(":hourglass_flowing_sand: Counting …"))
            self.rt.background(
                "admin status",
                lambda: reply(
                    with_feed_status(stats_blocks(self.rt.engine.stats()), self.rt.engine.feeds())
                ),
                on_error,
            )
        elif verb in FEED_VERBS:
            self.feeds.on_command(verb, arg, ack, reply, on_error)
        else:
            usage = admin_help_blocks(COMMAND)
            acknowledge(ack, usage, response_type="ephemeral")

    def on_remove_button(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user = (body.get("user") or {}).get("id")
        url = body.get("response_url")
        channel = (body.get("channel") or {}).get("id")
        if not self.rt.is_admin(user):
            log.warning("refused a remove button for a non-admin user")
            self.rt.reply_private(url, channel, user, notice(REFUSAL, ":no_entry:"), replace=False)
            return
        article_id = str(((body.get("actions") or [{}])[0]).get("value") or "")

        def work() -> None:
            self.rt.reply_private(url, channel, user, self._remove(article_id), replace=False)

        self.rt.background(
            "admin remove button",
            work,
            lambda text: self.rt.reply_private(url, channel, user, notice(text), replace=False),
        )

    # -- jobs ----------------------------------------------------------------------------------
    def _exclusive(self, job: Callable[[], Rendered]) -> Rendered:
        """Index changes run one at a time; a second one is told to wait, not queued."""
        if not self.rt.admin_lock.acquire(blocking=False):
            return notice("Another index change is running. Try again when it has finished.")
        try:
            return job()
        finally:
            self.rt.admin_lock.release()

    def _add(self, url: str, reply: Callable[[Rendered], None]) -> None:
        def job() -> Rendered:
            report = self.rt.engine.ingest([url], progress=_throttled(reply, "Adding"))
            log.info("admin add: %d added, %d failed", len(report.added), len(report.failed))
            return self._report("Add", report)

        reply(self._exclusive(job))

    def _reindex(self, reply: Callable[[Rendered], None]) -> None:
        def job() -> Rendered:
            report = self.rt.engine.reindex(progress=_throttled(reply, "Reindexing"))
            log.info("admin reindex: %d articles", len(report.added) + len(report.replaced))
            return self._report("Reindex", report)

        reply(self._exclusive(job))

    def _remove(self, article_id: str) -> Rendered:
        def job() -> Rendered:
            if self.rt.engine.remove(article_id):
                log.info("admin remove: done")
                return notice(f"Removed article `{article_id}`.", ":wastebasket:")
            return notice(f"No article has the id `{article_id}`.", ":grey_question:")

        return self._exclusive(job)

    def _report(self, what: str, report: IngestReport) -> Rendered:
        ids = set(report.added) | set(report.replaced) | set(report.unchanged)
        titles = {a.id: a.title or a.source_key for a in self.rt.engine.articles() if a.id in ids}
        return ingest_report_blocks(what, report, titles)

    # -- files in a DM -------------------------------------------------------------------------
    def ingest_files(self, event: dict[str, Any]) -> None:
        """Index the article files an admin sent in a DM; anyone else is refused."""
        channel, ts, user = str(event["channel"]), str(event["ts"]), event.get("user")
        thread = event.get("thread_ts")
        if not self.rt.is_admin(user):
            log.warning("refused a file upload from a non-admin user")
            self.rt.post(channel, notice(REFUSAL, ":no_entry:"), thread)
            return
        self.rt.react(channel, ts, "eyes")
        try:
            paths: list[str] = []
            problems: list[tuple[str, str]] = []
            for item in event.get("files") or []:
                try:
                    paths.append(str(self._download(str(item.get("id") or ""))))
                except WhosaidError as exc:
                    problems.append((str(item.get("name") or item.get("id")), str(exc)))
            report = IngestReport(failed=problems)
            if paths:

                def job() -> Rendered:
                    done = self.rt.engine.ingest(paths)
                    done.failed = problems + done.failed
                    return self._report("Upload", done)

                self.rt.post(channel, self._exclusive(job), thread)
            else:
                self.rt.post(channel, self._report("Upload", report), thread)
        finally:
            self.rt.react(channel, ts, "eyes", add=False)

    def _download(self, file_id: str) -> Path:
        """Fetch a Slack-hosted file with the bot token into `<data_dir>/uploads/`."""
        info = self.rt.client.files_info(file=file_id).get("file") or {}
        name = Path(str(info.get("name") or "article.txt")).name
        if not name.lower().endswith(FILE_SUFFIXES):
            raise ArticleError(f"{name}: send a .txt, .md or .html file")
        size_cap = self.rt.settings.fetch_max_bytes
        if int(info.get("size") or 0) > size_cap:
            raise ArticleError(f"{name}: larger than {size_cap:,} bytes")
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        if not self._slack_hosted(url):
            raise ArticleError(f"{name}: not a file hosted by Slack")
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {self.rt.client.token}"}
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.rt.settings.fetch_timeout_s) as response:
                data = response.read(size_cap + 1)
        except (URLError, OSError) as exc:
            raise ArticleError(f"{name}: download failed ({type(exc).__name__})") from exc
        if len(data) > size_cap:
            raise ArticleError(f"{name}: larger than {size_cap:,} bytes")
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".") or "article.txt"
        folder = self.rt.settings.data_dir / "uploads" / re.sub(r"[^A-Za-z0-9]", "", file_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)
        return target

    def _slack_hosted(self, url: str) -> bool:
        """Send the bot token only to Slack (or to the configured API host, e.g. a test fake)."""
        parsed = urlparse(url)
        host = (parsed.hostname or "").lower()
        api = urlparse(self.rt.settings.slack_api_url)
        if host and host == (api.hostname or "").lower() and parsed.port == api.port:
            return parsed.scheme in ("http", "https")
        return parsed.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could carry the bot token to another host: refuse it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _throttled(reply: Callable[[Rendered], None], what: str) -> Callable[[int, int, str], None]:
    """A progress callback that reports at most every few seconds, a few times in all."""
    state = {"last": time.monotonic(), "sent": 0}

    def progress(done: int, total: int, _item: str) -> None:
        now = time.monotonic()
        if now - state["last"] < PROGRESS_EVERY_S or state["sent"] >= MAX_PROGRESS_UPDATES:
            return
        state["last"], state["sent"] = now, state["sent"] + 1
        try:
            reply(notice(f"{what}: {done} of {total} done …", ":hourglass_flowing_sand:"))
        except Exception as exc:  # progress is a courtesy; the job goes on
            log.info("progress update failed: %s", type(exc).__name__)

    return progress
