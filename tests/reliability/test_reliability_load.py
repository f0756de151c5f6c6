"""Load and secrets against a real `whosaid serve --http` process on loopback.

The bot runs as a subprocess with `SLACK_API_URL` pointing at a fake Slack in this process.
Ten clients send 100 signed questions (slash commands and mentions, with some Slack retries
mixed in); every request must be acked within 3 s and every question answered exactly once.
A second round of 100 shows whether the server's memory keeps growing. The server's stderr,
with INFO logging, is the session log the secrets test greps for tokens and message texts.

    pytest -m heavy tests/reliability/test_reliability_load.py -s
    # prints p50/p95 ack and answer times
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from retrieval.engine import Engine
from tests.articleserver import ArticleServer
from tests.conftest import ROOT
from tests.conftest_slack import ADMIN, DM, SIGNING_SECRET, USER, SlackDriver
from tests.fakeslack import BOT_TOKEN, FakeSlack
from tests.newsgen import GeneratedArticle, write_articles
from tests.reliability.harness import WHOSAID, child_env, percentile, rss_kib

CLIENTS = 10
QUESTIONS = 100
ACK_LIMIT_S = 3.0
ANSWER_TIMEOUT_S = 600


@dataclass
class Session:
    proc: subprocess.Popen[bytes]
    log: Path
    slack: SlackDriver
    fake: FakeSlack
    articles: list[GeneratedArticle]
    web: ArticleServer
    figures: dict[str, Any] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)  # every question text sent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    root = tmp_path_factory.mktemp("load")
    articles = write_articles(root / "articles", 30, seed=23)
    data = root / "data"
    engine = Engine(data)
    assert len(engine.ingest([str(root / "articles")]).added) == 30
    engine.close()
    log = root / "server.log"
    port = _free_port()
    web = ArticleServer()
    web.start()
    with FakeSlack() as fake, open(log, "wb") as log_file:
        env = child_env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            WHOSAID_DATA_DIR=str(data),
            WHOSAID_ADMIN_USERS=ADMIN,
            WHOSAID_HTTP_HOST="127.0.0.1",
            WHOSAID_ALLOW_PRIVATE_URLS="true",  # the admin adds from the loopback server
        )
        proc = subprocess.Popen(
            [*WHOSAID, "-v", "serve", "--http", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, proc)
            driver = SlackDriver(SimpleNamespace(url=base), fake)
            yield Session(proc, log, driver, fake, articles, web)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            web.stop()


def _wait_healthy(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited at start"
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not become healthy")


# -- one round of load ----------------------------------------------------------------------------
@dataclass
class Sent:
    kind: str  # "command" | "mention"
    key: str  # response_url for a command, ts for a mention
    question: str
    sent_at: float
    ack_s: float
    status: int


def _question(s: Session, n: int) -> str:
    a = s.articles[n % len(s.articles)]
    forms = [
        f"What did {a.speaker} say?",
        f"what did {a.opponent} say about the plan?",
        f"who said the numbers have been checked three times (question {n})?",
        f"What did {a.speaker} say about {a.title.split(' approves ')[1].split(' after ')[0]}?",
    ]
    return forms[n % len(forms)]


def _answers_for(fake: FakeSlack, sent: Sent) -> list[Any]:
    if sent.kind == "command":
        return fake.of("response_url", lambda c: sent.key.endswith(c.path))
    return fake.of("chat.postMessage", lambda c: c.params.get("thread_ts") == sent.key)


def run_round(s: Session, offset: int) -> dict[str, Any]:
    """100 questions from 10 concurrent clients; returns ack and answer times."""
    sent: list[Sent] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        for i in range(QUESTIONS // CLIENTS):
            n = offset + c * (QUESTIONS // CLIENTS) + i
            question = _question(s, n)
            started = time.monotonic()
            if n % 5 < 3:
                key, reply = s.slack.command(question, user=USER)
                kind = "command"
            else:
                event_id = f"EvLoad{n}"
                key, reply = s.slack.mention(question, event_id=event_id)
                kind = "mention"
                if n % 10 == 4:  # Slack retries some deliveries: they must not be answered again
                    s.slack.mention(question, ts=key, event_id=event_id, retry=1)
            with lock:
                s.asked.append(question)
                sent.append(Sent(kind, key, question, started, reply.elapsed_s, reply.status))

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    assert len(sent) == QUESTIONS
    assert all(x.status == 200 for x in sent), [x.status for x in sent]

    deadline = time.monotonic() + ANSWER_TIMEOUT_S
    while time.monotonic() < deadline:
        if all(_answers_for(s.fake, x) for x in sent):
            break
        time.sleep(0.2)
    time.sleep(2.0)  # late duplicates would arrive now
    answer_s = []
    counts = []
    for x in sent:
        found = _answers_for(s.fake, x)
        counts.append(len(found))
        if found:
            answer_s.append(min(c.at for c in found) - x.sent_at)
    acks = [x.ack_s for x in sent]
    return {
        "acks": acks,
        "answers": answer_s,
        "counts": counts,
        "unanswered": [x.question for x, n in zip(sent, counts, strict=True) if n == 0],
        "twice": [x.question for x, n in zip(sent, counts, strict=True) if n > 1],
    }


@pytest.mark.heavy
def test_100_signed_questions_from_10_clients(session: Session) -> None:
    # Warm up: the first question loads the models in the server.
    warm = [session.slack.command(_question(session, n))[0] for n in range(4)]
    session.fake.wait_for(
        "response_url", lambda c: any(u.endswith(c.path) for u in warm), count=4, timeout=300
    )
    rss_warm = rss_kib(session.proc.pid)
    first = run_round(session, 1000)
    rss_first = rss_kib(session.proc.pid)
    second = run_round(session, 2000)
    rss_second = rss_kib(session.proc.pid)

    figures = {}
    for name, r in (("round 1", first), ("round 2", second)):
        assert r["unanswered"] == [], f"{name}: unanswered {r['unanswered'][:5]}"
        assert r["twice"] == [], f"{name}: answered twice {r['twice'][:5]}"
        assert max(r["acks"]) < ACK_LIMIT_S, f"{name}: slowest ack {max(r['acks']):.2f} s"
        figures[name] = (
            f"ack p50 {percentile(r['acks'], 50) * 1000:.0f} ms, "
            f"p95 {percentile(r['acks'], 95) * 1000:.0f} ms, "
            f"max {max(r['acks']) * 1000:.0f} ms; answer p50 {percentile(r['answers'], 50):.2f} s, "
            f"p95 {percentile(r['answers'], 95):.2f} s, max {max(r['answers']):.2f} s"
        )
    growth = rss_second - rss_first
    figures["rss"] = (
        f"warm {rss_warm / 1024:.0f} MiB, after round 1 {rss_first / 1024:.0f} MiB, "
        f"after round 2 {rss_second / 1024:.0f} MiB"
    )
    print("\nload: " + "\n      ".join(f"{k}: {v}" for k, v in figures.items()))
    session.figures.update(figures)
    # Flat: a second round of the same load adds at most 5% (allocator slack, caches filled).
    assert growth < max(0.05 * rss_first, 20 * 1024), figures["rss"]


# -- secrets ---------------------------------------------------------------------------------------
def _more_of_a_session(s: Session) -> list[str]:
    """The rest of a day in Slack: admin work, a DM, a file, refusals, bad signatures."""
    texts = []
    s.web.add("/ferry", _FERRY_HTML)
    url, _ = s.slack.command(f"add {s.web.url('/ferry')}", user=ADMIN, command="/whosaid-admin")
    s.fake.wait_for(
        "response_url", lambda c: url.endswith(c.path) and "Added" in json.dumps(c.params), 1, 300
    )
    texts.append("The crossing has never been this calm")
    dm_question = "what did Priscilla Ravenhurst say about the crossing?"
    s.slack.message(dm_question, channel=DM, channel_type="im")
    s.fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == DM, timeout=120)
    texts.append(dm_question)
    s.fake.add_file("F0SECRET01", "harbor_note.txt", _NOTE.encode())
    s.slack.message(
        "",
        channel=DM,
        channel_type="im",
        user=ADMIN,
        subtype="file_share",
        files=[{"id": "F0SECRET01", "name": "harbor_note.txt"}],
    )
    s.fake.wait_for(
        "chat.postMessage", lambda c: "Added" in json.dumps(c.params.get("blocks")), 1, 300
    )
    texts.append("dredging the channel")
    refused = "remove everything please, my private token is hunter2"
    _, reply = s.slack.command(refused, user=USER, command="/whosaid-admin")
    assert reply.status == 200
    texts.append("hunter2")
    bad = s.slack.post(
        '{"type": "event_callback", "text": "sekrit-body-words"}', "application/json"
    )
    assert bad.status in (400, 401, 404)
    texts.append("sekrit-body-words")
    wrong = s.slack.post("text=forged-words", "application/x-www-form-urlencoded", secret="nope")
    assert wrong.status == 401
    texts.append("forged-words")
    return texts


_FERRY_HTML = (
    "<html><head><title>Ferry service resumes</title></head><body><article>"
    "<h1>Ferry service resumes after storm</h1>"
    "<p>The island ferry resumed its timetable on Sunday after three days of gales.</p>"
    '<p>"The crossing has never been this calm," said Captain Priscilla Ravenhurst. '
    "She said extra sailings would run all week.</p></article></body></html>"
)
_NOTE = (
    "Harbor board backs dredging plan\n\n"
    "The harbor board voted on Monday to fund the dredging of the north channel.\n\n"
    '"We are dredging the channel so the big ships come back," said Chair Otto Wrenfield.\n'
)


@pytest.mark.heavy
def test_the_session_log_holds_no_tokens_and_no_message_texts(session: Session) -> None:
    if not session.asked:  # run alone: put some load through first
        run_round(session, 3000)
    texts = _more_of_a_session(session)
    sections = [
        str((b.get("text") or {}).get("text", ""))
        for c in session.fake.calls
        for b in (c.params.get("blocks") or [])
        if isinstance(b, dict) and b.get("type") == "section"
    ]
    time.sleep(1.0)
    log = session.log.read_text(encoding="utf-8", errors="replace")
    assert "INFO" in log, "the server logged nothing at INFO: the test would prove nothing"
    secrets = {"bot token": BOT_TOKEN, "signing secret": SIGNING_SECRET}
    leaked = [name for name, value in secrets.items() if value in log]
    assert leaked == [], f"{leaked} in the server log"
    questions = sorted(set(session.asked))
    assert [q for q in questions if q in log] == []
    assert [t for t in texts if t in log] == []
    quoted = [line[1:] for text in sections for line in text.splitlines() if line[:1] == ">"]
    quotes = {q.strip().strip("“”")[:40] for q in quoted}
    quotes = {q for q in quotes if len(q) >= 20}
    assert quotes, "no answer was shown: the test would prove nothing"
    assert [q for q in quotes if q in log] == []
    print(
        f"\nsecrets: {len(log.splitlines())} log lines, {len(questions)} questions, "
        f"{len(quotes)} quotes shown and {len(texts)} other texts: none in the log"
    )
