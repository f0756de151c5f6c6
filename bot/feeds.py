"""Followed feeds from the command line and Slack, and the poller `whosaid serve` runs.

`whosaid follow URL`, `unfollow ID`, `feeds`, `poll` (one round, for cron) and the
`/whosaid-admin follow | unfollow | feeds` verbs all go through the engine's facade; the
engine keeps the following state in the store and lets one process poll at a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from bot.blocks import Rendered, cut, cut_shown, notice, plain
from bot.slacktext import link
from retrieval.errors import WhosaidError

if TYPE_CHECKING:  # the engine loads lazily: `whosaid --help` stays fast
    from bot.config import Settings
    from bot.runtime import Runtime
    from retrieval.engine import Engine, FeedInfo, PollReport

log = logging.getLogger("whosaid.feeds")

FEED_VERBS = ("follow", "unfollow", "feeds")
SECTION_CHARS = 3000
MAX_LISTED = 25
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


# -- rendering, shared by the CLI, Slack and the App Home --
def poll_summary(report: PollReport) -> str:
    if report.busy:
        return "Another process is polling the feeds right now; nothing was done."
    n = len(report.added)
    parts = [
        f"Polled {report.feeds} feed{'s' if report.feeds != 1 else ''}: "
        f"{n} new article{'s' if n != 1 else ''} indexed",
        f"{report.skipped} already indexed",
    ]
    if report.not_modified:
        parts.append(f"{report.not_modified} unchanged")
    if report.failed:
        parts.append(f"{len(report.failed)} feed(s) failed")
    if report.items_failed:
        parts.append(f"{len(report.items_failed)} item(s) could not be fetched")
    return ", ".join(parts) + "."


def feed_state(feed: FeedInfo) -> str:
    """When it was last polled and how that went, in a few words."""
    if feed.last_polled is None:
        return "not polled yet"
    when = _short_time(feed.last_polled)
    if feed.last_error:
        return f"failing since {feed.failures} poll(s), last {when}: {feed.last_error}"
    return f"polled {when}"


def feed_lines(feeds: Sequence[FeedInfo], limit: int = MAX_LISTED) -> list[str]:
    """One mrkdwn line per feed: id, title (linked), articles brought, last poll."""
    lines = []
    for feed in feeds[:limit]:
        warn = ":warning: " if feed.last_error else ""
        title = link(feed.url, cut(feed.title or feed.url, 120))
        state = cut_shown(feed_state(feed), 400)
        lines.append(f"{warn}`{feed.id}` {title} · {feed.items} articles · {state}")
    if len(feeds) > limit:
        lines.append(f"…and {len(feeds) - limit} more (`whosaid feeds`).")
    return lines


def feeds_blocks(feeds: Sequence[FeedInfo]) -> Rendered:
    if not feeds:
        return notice("No feeds are followed. Follow one: `/whosaid-admin follow FEED_URL`.")
    text = cut(f"*{len(feeds)} followed feed(s)*\n" + "\n".join(feed_lines(feeds)), SECTION_CHARS)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    return Rendered(text=f"{len(feeds)} followed feed(s)", blocks=[section])


def with_feed_status(status: Rendered, feeds: Sequence[FeedInfo]) -> Rendered:
    """`/whosaid-admin status` plus how the feeds are doing (failing ones first)."""
    if not feeds:
        return status
    failing = [f for f in feeds if f.last_error]
    head = f"{len(feeds)} feed(s) followed, {len(failing)} failing"
    lines = feed_lines(failing + [f for f in feeds if not f.last_error], limit=10)
    text = cut(f":satellite_antenna: {head}\n" + "\n".join(lines), SECTION_CHARS)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    return Rendered(text=f"{status.text}; {head}", blocks=[*status.blocks, section])


def _short_time(iso: str) -> str:
    return iso.replace("T", " ").removesuffix("Z")[:16] + " UTC"


# -- Slack --
class FeedAdmin:
    """`/whosaid-admin follow | unfollow | feeds`; the caller has checked the admin list."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def on_command(
        self,
        verb: str,
        arg: str,
        ack: Callable[..., Any],
        reply: Callable[[Rendered], None],
        on_error: Callable[[str], None],
    ) -> None:
        from bot.runtime import acknowledge

        if verb == "follow":
            if not _URL.match(arg):
                acknowledge(
                    ack, plain("Usage: `/whosaid-admin follow https://example.com/feed.xml`")
                )
                return
            following = plain(f":hourglass_flowing_sand: Following {arg} …")
            acknowledge(ack, following, response_type="ephemeral")
            self.rt.background("admin follow", lambda: reply(self._follow(arg)), on_error)
        elif verb == "unfollow":
            if not arg.isdigit():
                usage = "Usage: `/whosaid-admin unfollow ID` (ids are in `/whosaid-admin feeds`)"
                acknowledge(ack, plain(usage))
                return
            acknowledge(ack, plain(f":hourglass_flowing_sand: Unfollowing feed `{arg}` …"))
            self.rt.background("admin unfollow", lambda: reply(self._unfollow(int(arg))), on_error)
        else:
            acknowledge(ack, plain(":hourglass_flowing_sand: Listing feeds …"))
            self.rt.background(
                "admin feeds", lambda: reply(feeds_blocks(self.rt.engine.feeds())), on_error
            )

    def _follow(self, url: str) -> Rendered:
        feed, created = self.rt.engine.follow(url)
        name = f"*{cut(feed.title or feed.url, 200)}* (`{feed.id}`)"
        if not created:
            return notice(f"Already following {name}.", ":satellite_antenna:")
        # Index what it holds now, so the admin sees the result; later items come on schedule.
        if not self.rt.admin_lock.acquire(blocking=False):
            return notice(
                f"Following {name}. Another index change is running: its articles come with "
                "the next poll.",
                ":satellite_antenna:",
            )
        try:
            report = self.rt.engine.poll(
                only=feed.id, interval_s=self.rt.settings.feed_interval_min * 60
            )
        finally:
            self.rt.admin_lock.release()
        lines = [f":satellite_antenna: Following {name}. {poll_summary(report)}"]
        for source, error in (report.failed + report.items_failed)[:5]:
            lines.append(f":x: {cut_shown(source, 300)}: {cut_shown(error, 400)}")
        minutes = f"{self.rt.settings.feed_interval_min:g}"
        lines.append(f"New items are indexed every {minutes} minutes.")
        text = "\n".join(lines)
        return Rendered(
            text=cut(f"Following {feed.title or feed.url}. {poll_summary(report)}", 3000),
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}],
        )

    def _unfollow(self, feed_id: int) -> Rendered:
        if self.rt.engine.unfollow(feed_id):
            return notice(
                f"Stopped following feed `{feed_id}`; its articles stay indexed.", ":wastebasket:"
            )
        return notice(f"No feed has the id `{feed_id}`.", ":grey_question:")


class FeedPoller:
    """Polls due feeds from a daemon thread every `tick_s` (each feed keeps its own schedule:
    the interval, or a longer backoff while it fails)."""

    def __init__(
        self,
        engine: Engine,
        interval_s: float,
        tick_s: float = 60.0,
        exclusive: Callable[[str], AbstractContextManager[bool]] | None = None,
    ) -> None:
        self.engine = engine
        # one process polls at a time among replicas (the queue's advisory lock or lease)
        self.exclusive = exclusive or (lambda _name: nullcontext(True))
        self.interval_s = interval_s
        self.tick_s = min(tick_s, interval_s)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="whosaid-feeds", daemon=True)

    def start(self) -> FeedPoller:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def poll_once(self) -> PollReport | None:
        try:
            with self.exclusive("feed-poll") as mine:
                if not mine:
                    return None
                report = self.engine.poll(interval_s=self.interval_s)
        except WhosaidError as exc:
            log.warning("feed poll failed: %s", str(exc).splitlines()[0] if str(exc) else exc)
            return None
        if report.feeds:
            log.info("%s", poll_summary(report))
        return report

    def _run(self) -> None:
        while not self._stop.wait(self.tick_s):
            try:
                self.poll_once()
            except Exception as exc:  # the poller must outlive one bad round
                log.error("feed poll failed: %s", type(exc).__name__)


# -- the command line --
def add_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """The feed subcommands, added to `whosaid`'s parser."""
    s = add("follow", "Follow an RSS or Atom feed; its items are indexed by `whosaid poll`.")
    s.add_argument("url", metavar="FEED_URL")
    s.add_argument("--json", action="store_true")
    s = add("unfollow", "Stop following a feed (its articles stay indexed).")
    s.add_argument("feed_id", metavar="ID")
    s.add_argument("--json", action="store_true")
    s = add("feeds", "List the followed feeds with their last poll and error.")
    s.add_argument("--json", action="store_true", help="one JSON line per feed")
    s = add("poll", "Fetch the due feeds once and index their new items (for cron).")
    s.add_argument("--json", action="store_true", help="print a JSON summary line")


def _emit(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def cmd_follow(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    feed, created = engine.follow(args.url)
    if args.json:
        _emit({**asdict(feed), "created": created})
    elif created:
        print(
            f"Following {feed.title or feed.url} (id {feed.id}). Its items are indexed by "
            f"`whosaid poll`, or every {settings.feed_interval_min:g} minutes by `whosaid serve`."
        )
    else:
        print(f"Already following {feed.title or feed.url} (id {feed.id}).")
    return 0


def cmd_unfollow(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    if not str(args.feed_id).strip().isdigit() or not engine.unfollow(int(args.feed_id)):
        raise WhosaidError(f"no feed with id {args.feed_id!r} (see `whosaid feeds`)")
    if args.json:
        _emit({"unfollowed": int(args.feed_id)})
    else:
        print(f"Stopped following feed {args.feed_id}; its articles stay indexed.")
    return 0


def cmd_feeds(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    feeds = engine.feeds()
    if args.json:
        for feed in feeds:
            _emit(asdict(feed))
        return 0
    if not feeds:
        print("No feeds are followed (`whosaid follow FEED_URL`).")
    for feed in feeds:
        print(f"{feed.id:>4}  {feed.title or '(untitled)'}  {feed.url}")
        print(f"      {feed.items} articles · {feed_state(feed)} · next {feed.next_poll}")
    return 0


def cmd_poll(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    report = engine.poll(interval_s=settings.feed_interval_min * 60)
    for source, error in report.failed + report.items_failed:
        print(f"whosaid: error: {source}: {error}", file=sys.stderr)
    if args.json:
        _emit(
            {
                "busy": report.busy,
                "feeds": report.feeds,
                "not_modified": report.not_modified,
                "added": report.added,
                "skipped": report.skipped,
                "failed": [{"source": s, "error": e} for s, e in report.failed],
                "items_failed": [{"source": s, "error": e} for s, e in report.items_failed],
            }
        )
    else:
        print(poll_summary(report))
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace, Any, Engine], int]] = {
    "follow": cmd_follow,
    "unfollow": cmd_unfollow,
    "feeds": cmd_feeds,
    "poll": cmd_poll,
}
