"""`/whosaid-admin`, its Remove buttons, and article files sent to the bot in a DM.

Only users in `WHOSAID_ADMIN_USERS` may change the index, and that is checked on every
action (command, button, file), not once: a button in an old message or a forwarded payload
must not get past it. Index changes (add, reindex, remove) are queued as jobs and the
command returns at once with the job's id; a worker (this process in the embedded default,
`whosaid worker` processes with PostgreSQL) runs them, and this process tells the admin how
the job went when it has finished. Files sent in a DM are indexed here, where they were
downloaded.
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
from bot.jobs import JobWatcher, with_job_status
from bot.runtime import Runtime, acknowledge, friendly, unwrap_slack_text
from retrieval.engine import (
    IngestReport,
    Job,
    JobQueue,
    add_jobs,
    reindex_job,
    remove_job,
    report_from_dict,
    upload_job,
)
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
        self.watcher = JobWatcher(rt.jobs)

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
            self._queue(ack, lambda q: add_jobs(q, [arg])[0], f"Adding {arg}", "Add", reply)
        elif verb == "reindex":
            self._queue(ack, reindex_job, "Reindexing every article", "Reindex", reply)
        elif verb == "remove":
            if not _ID.match(arg):
                how = "Usage: `/whosaid-admin remove ID` (ids are in `/whosaid-admin list`)"
                acknowledge(ack, plain(how))
                return
            self._queue(ack, lambda q: remove_job(q, arg), f"Removing `{arg}`", "Remove", reply)
        elif verb == "list":
            acknowledge(ack, plain(":hourglass_flowing_sand: Listing articles …"))
            self.rt.background(
                "admin list",
                lambda: reply(article_list_blocks(self.rt.engine.articles())),
                on_error,
            )
        elif verb == "status":
            acknowledge(ack, plain(":hourglass_flowing_sand: Counting …"))
            self.rt.background("admin status", lambda: reply(self._status()), on_error)
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

        def reply(message: Rendered) -> None:
            self.rt.reply_private(url, channel, user, message, replace=False)

        try:
            job = remove_job(self.rt.jobs, article_id)
        except WhosaidError as exc:
            reply(notice(friendly(exc)))
            return
        self._watch(job, "Remove", reply)

    # -- jobs ----------------------------------------------------------------------------------
    def _queue(
        self,
        ack: Ack,
        enqueue: Callable[[JobQueue], Job],
        doing: str,
        what: str,
        reply: Callable[[Rendered], None],
    ) -> None:
        """Queue an index change, acknowledge with the job's id, report when it is done."""
        try:
            job = enqueue(self.rt.jobs)
        except WhosaidError as exc:
            acknowledge(ack, notice(friendly(exc), ":warning:"), response_type="ephemeral")
            return
        queued = plain(f":hourglass_flowing_sand: {doing} … (job `{job.id}`)")
        acknowledge(ack, queued, response_type="ephemeral")
        self._watch(job, what, reply)

    def _watch(self, job: Job, what: str, reply: Callable[[Rendered], None]) -> None:
        doing = {"Add": "Adding", "Reindex": "Reindexing"}.get(what, what)
        progress = _throttled(reply, doing)

        def on_progress(running: Job) -> None:
            if running.total > 1:
                progress(running.done, running.total, "")

        self.watcher.watch(job.id, lambda done: reply(self._outcome(what, done)), on_progress)
        self.rt.on_queued()

    def _outcome(self, what: str, job: Job) -> Rendered:
        """What a finished job did, as today's direct admin commands reported it."""
        if job.status == "failed" or job.result is None:
            return notice(
                f"{what} (job `{job.id}`) failed: {job.error or 'no result'}", ":warning:"
            )
        if job.kind == "remove":
            article_id = str(job.result.get("article_id"))
            if job.result.get("removed"):
                return notice(f"Removed article `{article_id}`.", ":wastebasket:")
            return notice(f"No article has the id `{article_id}`.", ":grey_question:")
        return self._report(what, report_from_dict(job.result))

    def _status(self) -> Rendered:
        status = with_feed_status(stats_blocks(self.rt.engine.stats()), self.rt.engine.feeds())
        return with_job_status(status, self.rt.jobs)

    def _report(self, what: str, report: IngestReport) -> Rendered:
        ids = set(report.added) | set(report.replaced) | set(report.unchanged)
        titles = {a.id: a.title or a.source_key for a in self.rt.engine.articles() if a.id in ids}
        return ingest_report_blocks(what, report, titles)

    # -- files in a DM -------------------------------------------------------------------------
    def ingest_files(self, event: dict[str, Any]) -> None:
        """Queue the article files an admin sent in a DM (one job, any worker runs it) and
        post what it did when it is done; anyone else is refused."""
        channel, ts, user = str(event["channel"]), str(event["ts"]), event.get("user")
        thread = event.get("thread_ts")
        if not self.rt.is_admin(user):
            log.warning("refused a file upload from a non-admin user")
            self.rt.post(channel, notice(REFUSAL, ":no_entry:"), thread)
            return
        files: list[tuple[str, str, bytes]] = []
        problems: list[tuple[str, str]] = []
        for item in event.get("files") or []:
            try:
                files.append(self._download(str(item.get("id") or "")))
            except WhosaidError as exc:
                problems.append((str(item.get("name") or item.get("id")), str(exc)))
        if not files:
            self.rt.post(channel, self._report("Upload", IngestReport(failed=problems)), thread)
            return
        try:
            job = upload_job(self.rt.jobs, files)
        except WhosaidError as exc:
            self.rt.post(channel, notice(friendly(exc), ":warning:"), thread)
            return
        self.rt.react(channel, ts, "eyes")

        def done(finished: Job) -> None:
            try:
                if finished.status == "done" and finished.result is not None:
                    report = report_from_dict(finished.result)
                    report.failed = problems + report.failed
                    self.rt.post(channel, self._report("Upload", report), thread)
                else:
                    self.rt.post(channel, self._outcome("Upload", finished), thread)
            finally:
                self.rt.react(channel, ts, "eyes", add=False)

        self.watcher.watch(job.id, done)
        self.rt.on_queued()

    def _download(self, file_id: str) -> tuple[str, str, bytes]:
        """(file id, name, bytes) of a Slack-hosted file, fetched with the bot token."""
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
        return file_id, name, data

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
