"""`whosaid follow | unfollow | feeds | poll` and the poller `whosaid serve` runs, against a
feed on the loopback article server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.feeds import FeedPoller, poll_summary
from retrieval.engine import Engine, PollReport
from tests.articleserver import ArticleServer
from tests.conftest import HashEmbedder
from tests.feedfixtures import feed_routes


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_follow_poll_feeds_unfollow_from_the_command_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dd = ["--data-dir", str(data_dir)]
    server = ArticleServer()
    with server as base:
        url = feed_routes(server, base)
        assert main(["follow", url, *dd]) == 2, "loopback is refused by default"
        assert "loopback" in capsys.readouterr().err
        monkeypatch.setenv("WHOSAID_ALLOW_PRIVATE_URLS", "true")
        assert main(["follow", url, *dd]) == 0
        assert "Following Harbor Desk (id 1)" in capsys.readouterr().out
        assert main(["poll", "--json", *dd]) == 0
        [first] = _lines(capsys.readouterr().out)
        assert len(first["added"]) == 3 and first["failed"] == [] and not first["busy"]
        assert main(["poll", *dd]) == 0
        assert "Polled 0 feeds" in capsys.readouterr().out, "not due again for 30 minutes"
    assert main(["feeds", "--json", *dd]) == 0
    [feed] = _lines(capsys.readouterr().out)
    assert feed["items"] == 3 and feed["last_error"] is None and feed["title"] == "Harbor Desk"
    assert main(["feeds", *dd]) == 0
    assert "3 articles · polled" in capsys.readouterr().out
    assert main(["unfollow", "7", *dd]) == 2
    assert main(["unfollow", "x", *dd]) == 2
    capsys.readouterr()
    assert main(["unfollow", "1", "--json", *dd]) == 0
    assert _lines(capsys.readouterr().out) == [{"unfollowed": 1}]
    assert main(["articles", "--json", *dd]) == 0
    assert len(_lines(capsys.readouterr().out)) == 3


def test_the_poller_polls_due_feeds_on_its_tick(data_dir: Path) -> None:
    server = ArticleServer()
    with server as base:
        url = feed_routes(server, base)
        engine = Engine(data_dir, embedder=HashEmbedder(64), allow_private_urls=True)
        engine.follow(url)
        poller = FeedPoller(engine, interval_s=1800, tick_s=0.2).start()
        try:
            deadline = time.monotonic() + 120
            while engine.stats()["articles"] < 3 and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            poller.stop()
        assert engine.stats()["articles"] == 3
        assert engine.feeds()[0].last_polled is not None
    engine.close()


def test_poll_summary_reads_well() -> None:
    assert poll_summary(PollReport(busy=True)).startswith("Another process is polling")
    report = PollReport(feeds=2, added=["a"], skipped=2, not_modified=1, failed=[("u", "e")])
    assert poll_summary(report) == (
        "Polled 2 feeds: 1 new article indexed, 2 already indexed, 1 unchanged, 1 feed(s) failed."
    )
