"""One machine as a cluster: 2 `whosaid serve --http` replicas and 2 `whosaid worker`
processes on one real PostgreSQL database, a fake Slack on loopback.

- 20 invented articles are queued (`whosaid index --queue`); one worker is SIGKILLed while it
  holds a job; the other finishes everything: every article is indexed exactly once.
- The same Slack event, signed, is delivered to both replicas (a retry landing elsewhere):
  it is answered once.
- A thread's follow-up delivered to the other replica keeps the thread's speaker.
- `/whosaid-admin add URL` on a replica answers with the job id at once; a worker indexes the
  page and the replica posts the result.

Articles, the job queue and the bot state all live in PostgreSQL; each process has a data
dir of its own (its vector cache), as on separate machines.

    pytest -m heavy tests/reliability/test_cluster.py -s
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from retrieval.engine import Job, open_queue, report_from_dict
from tests.articleserver import ArticleServer
from tests.conftest_slack import ADMIN, SIGNING_SECRET, SlackDriver
from tests.fakeslack import BOT_TOKEN, FakeSlack
from tests.newsgen import GeneratedArticle, write_articles
from tests.reliability.harness import WHOSAID, Lines, child_env

pytestmark = pytest.mark.heavy

ARTICLES = 20
HARBOUR = """<html><head><title>Harbour pilots vote to keep night crossings</title></head>
<body><article><h1>Harbour pilots vote to keep night crossings</h1>
<p>"We have guided ships through this channel after dark for half a century," said Ilse
Marwood, the pilots' association chair, after the vote.</p>
<p>The port authority will publish a safety review in the autumn.</p></article></body></html>"""
LEASE_S = 6  # a killed worker's job is taken again after this


@dataclass
class Replica:
    url: str
    proc: subprocess.Popen[str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """Starts whosaid processes on one database; stops every one it started."""

    def __init__(self, database_url: str, root: Path, fake: FakeSlack) -> None:
        self.database_url, self.root, self.fake = database_url, root, fake
        self.procs: list[subprocess.Popen[str]] = []

    def env(self, name: str, **extra: str) -> dict[str, str]:
        data_dir = self.root / f"data-{name}"
        return child_env(
            WHOSAID_DATA_DIR=str(data_dir), WHOSAID_DATABASE_URL=self.database_url, **extra
        )

    def start(self, name: str, *args: str, **extra: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [*WHOSAID, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env(name, **extra),
            cwd=self.root,
        )
        self.procs.append(proc)
        return proc

    def run(self, name: str, *args: str) -> str:
        done = subprocess.run(
            [*WHOSAID, *args],
            capture_output=True,
            text=True,
            env=self.env(name),
            cwd=self.root,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def worker(self, name: str) -> tuple[subprocess.Popen[str], Lines]:
        proc = self.start(
            name, "worker", "--lease", str(LEASE_S), WHOSAID_ALLOW_PRIVATE_URLS="true"
        )
        return proc, Lines(proc)

    def replica(self, name: str) -> Replica:
        port = _free_port()
        proc = self.start(
            name,
            "serve",
            "--http",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=self.fake.api_url,
            WHOSAID_ADMIN_USERS=ADMIN,
            WHOSAID_ALLOW_PRIVATE_URLS="true",  # the page is on loopback
        )
        Lines(proc)  # drain its output
        return Replica(f"http://127.0.0.1:{port}", proc)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def cluster(postgres_url: str, tmp_path: Path) -> Iterator[Cluster]:
    with FakeSlack() as fake:
        running = Cluster(postgres_url, tmp_path, fake)
        try:
            yield running
        finally:
            running.stop()


def _healthy(replica: Replica, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert replica.proc.poll() is None, "the replica exited"
        try:
            with urllib.request.urlopen(replica.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{replica.url} did not become healthy")


def _wait_jobs(cluster: Cluster, ids: list[int], timeout: float) -> list[Job]:
    queue = open_queue(cluster.database_url, cluster.root)
    try:
        deadline = time.monotonic() + timeout
        while True:
            jobs = [queue.get(i) for i in ids]
            if all(j is not None and j.status in ("done", "failed") for j in jobs):
                return [j for j in jobs if j is not None]
            assert time.monotonic() < deadline, [(j.id, j.status) for j in jobs if j]
            time.sleep(0.3)
    finally:
        queue.close()


def _kill_while_holding(cluster: Cluster, victim: subprocess.Popen[str], timeout: float) -> int:
    """SIGKILL `victim` while it holds a job it has worked on a moment; the job's id."""
    queue = open_queue(cluster.database_url, cluster.root)

    def held() -> list[int]:
        return [
            j.id
            for j in queue.recent(50)
            if j.status == "running" and f":{victim.pid}:" in str(j.worker)
        ]

    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if held():
                time.sleep(0.3)  # mid-job: parsing, embedding or committing
                still = held()
                if still:
                    victim.send_signal(signal.SIGKILL)
                    victim.wait(10)
                    return still[0]
            time.sleep(0.05)
    finally:
        queue.close()
    raise AssertionError("the worker to kill never held a job long enough")


def test_two_replicas_and_two_workers_on_one_database(cluster: Cluster) -> None:
    started = time.monotonic()
    written: list[GeneratedArticle] = write_articles(cluster.root / "news", n=ARTICLES, seed=31)
    (w1, w1_lines), (w2, w2_lines) = cluster.worker("w1"), cluster.worker("w2")
    assert w1_lines.wait_for("whosaid worker", 180) and w2_lines.wait_for("whosaid worker", 180)

    queued = json.loads(
        cluster.run("cli", "index", "--queue", "--json", str(cluster.root / "news"))
    )
    assert queued["sources"] == ARTICLES
    killed_job = _kill_while_holding(cluster, w1, timeout=60)
    jobs = _wait_jobs(cluster, queued["jobs"], timeout=180)

    # -- every article indexed exactly once ------------------------------------------------
    assert [j.status for j in jobs] == ["done"] * len(jobs), [(j.id, j.error) for j in jobs]
    retaken = next(j for j in jobs if j.id == killed_job)
    assert retaken.attempts == 2 and f":{w2.pid}:" in str(retaken.worker)
    reports = {j.id: report_from_dict(j.result or {}) for j in jobs}
    added = [a for r in reports.values() for a in r.added]
    assert len(added) == len(set(added)), "no article was added by two jobs"
    # what the killed worker had committed, the job taken again found there already
    everything = set(added) | set(reports[killed_job].unchanged)
    listed = [json.loads(line) for line in cluster.run("cli", "articles", "--json").splitlines()]
    assert len(listed) == ARTICLES and {a["id"] for a in listed} == everything
    assert len({a["source_key"] for a in listed}) == ARTICLES
    assert all(a["chunks"] > 0 and a["quotes"] > 0 for a in listed)

    # -- two replicas share retries and threads --------------------------------------------
    one, two = cluster.replica("r1"), cluster.replica("r2")
    _healthy(one, 180)
    _healthy(two, 180)
    to_one = SlackDriver(one, cluster.fake)
    to_two = SlackDriver(two, cluster.fake)
    speaker = written[0]
    ts = to_one.new_ts()
    event = {
        "type": "app_mention",
        "user": "UUSER00001",
        "text": f"<@UBOTWHOSAID> what did {speaker.speaker} say?",
        "ts": ts,
        "channel": "C0NEWSROOM",
        "event_ts": ts,
    }
    assert to_one.event(event, event_id="EvCluster1").status == 200
    assert to_two.event(event, event_id="EvCluster1", retry=1).status == 200
    in_thread = cluster.fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=120
    )
    time.sleep(3)  # room for a second answer, were the claim not shared
    answers = cluster.fake.of("chat.postMessage", lambda c: c.params.get("thread_ts") == ts)
    assert len(answers) == 1, "the retry on the other replica was not answered again"
    assert speaker.speaker in json.dumps(in_thread[0].params["blocks"])

    follow_up = {
        "type": "message",
        "channel_type": "channel",
        "user": "UUSER00001",
        "text": "what else did he say?",
        "ts": to_two.new_ts(),
        "thread_ts": ts,
        "channel": "C0NEWSROOM",
    }
    follow_up["event_ts"] = follow_up["ts"]
    assert to_two.event(follow_up).status == 200
    calls = cluster.fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, count=2, timeout=120
    )
    head = json.dumps(calls[1].params["blocks"])
    assert speaker.speaker in head, "the other replica kept the thread's speaker"

    # -- an admin's add: queued by a replica, run by a worker, reported by the replica ------
    page = ArticleServer()
    page.add("/harbour", HARBOUR)
    with page as base:
        url, ack = to_one.command(f"add {base}/harbour", user=ADMIN, command="/whosaid-admin")
        assert ack.status == 200 and ack.elapsed_s < 3 and "(job `" in ack.body, ack.body
        done = cluster.fake.wait_for(
            "response_url",
            lambda c: url.endswith(c.path) and "Added 1" in json.dumps(c.params),
            timeout=120,
        )
    assert "Harbour" in json.dumps(done[-1].params)
    print(f"\ncluster test: {time.monotonic() - started:.0f} s")
    assert time.monotonic() - started < 300
