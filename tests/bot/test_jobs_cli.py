"""`whosaid index --queue`, `whosaid jobs` and `whosaid worker` in the embedded default."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT
from tests.newsgen import write_articles


def test_queued_sources_are_indexed_by_a_worker(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_articles(tmp_path / "news", n=5)
    where = ["--data-dir", str(data_dir)]
    assert main(["index", "--queue", "--json", str(tmp_path / "news"), *where]) == 0
    queued = json.loads(capsys.readouterr().out)
    assert queued["sources"] == 5 and len(queued["jobs"]) == 2, "4 sources per job"
    assert main(["jobs", "--json", *where]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [j["status"] for j in listed] == ["queued", "queued"]
    assert main(["worker", "--until-idle", *where]) == 0
    assert "stopped after 2 job(s)" in capsys.readouterr().err
    assert main(["stats", "--json", *where]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 5
    assert main(["jobs", *where]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Jobs: 0 queued, 0 running, 2 done, 0 failed"), shown


def test_a_worker_stops_cleanly_on_sigterm(data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    env["WHOSAID_DATA_DIR"] = str(data_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stderr is not None
        assert "taking jobs" in proc.stderr.readline()
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert "stopped after 0 job(s)" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


class _CountingEngine:
    """Stands in for the engine: counts poll rounds."""

    def __init__(self) -> None:
        self.polls = 0

    def poll(self, *, interval_s: float) -> object:
        from retrieval.engine import PollReport

        self.polls += 1
        return PollReport()


def test_one_process_polls_the_feeds_at_a_time(data_dir: Path) -> None:
    from bot.feeds import FeedPoller
    from retrieval.engine import open_queue

    here, elsewhere = open_queue("", data_dir), open_queue("", data_dir)
    engine = _CountingEngine()
    poller = FeedPoller(engine, 60.0, exclusive=here.exclusive)  # type: ignore[arg-type]
    with elsewhere.exclusive("feed-poll") as theirs:
        assert theirs and poller.poll_once() is None and engine.polls == 0
    assert poller.poll_once() is not None and engine.polls == 1
    here.close()
    elsewhere.close()
