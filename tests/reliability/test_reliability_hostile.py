"""Hostile and broken input, one table over the engine, the command line and Slack.

Every case must end in a clear one-line error or a polite reply, within a time limit; the
engine and the bot must keep serving afterwards; and nothing stored may change (stats, the
generation counter and the article ids are compared before and after each case).
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.server import HttpServer
from retrieval.engine import Engine
from retrieval.errors import WhosaidError
from retrieval.ingest.fetch import Fetcher, address_problem
from tests.articleserver import ArticleServer
from tests.conftest import ROOT
from tests.conftest_slack import ADMIN, SIGNING_SECRET, USER, Reply, SlackDriver
from tests.fakeslack import BOT_TOKEN, FakeSlack
from tests.reliability.harness import WHOSAID, answer_problems, child_env, stored_texts

ARTICLE_HTML = (
    "<html><head><title>Harbor tunnel opens</title></head><body><article>"
    "<h1>Harbor tunnel opens after six years</h1>"
    "<p>The harbor tunnel opened on Monday, two years late and far over budget.</p>"
    '<p>"We finally did it," said Port Commissioner Idris Falkenrath at the ribbon cutting. '
    "He said traffic on the old bridge would fall by half within a year.</p>"
    "</article></body></html>"
)
TIMEOUT_S = 1.5  # the fetch time limit of the engines under test
MAX_BYTES = 300_000  # their fetch size cap


@dataclass
class Ctx:
    """Everything the cases act on; one per module, so damage from one case shows in the next."""

    data: Path
    engine: Engine  # private URLs refused (the default)
    open_engine: Engine  # private URLs allowed: reaches the loopback server's tricky routes
    pinned_engine: Engine  # only 127.0.0.1 allowed: a public-looking first hop for redirects
    web: ArticleServer
    base: str  # the article server's URL
    port: int
    files: Path
    fake: FakeSlack
    slack: SlackDriver


class _PinnedEngine(Engine):
    """An engine whose fetcher admits 127.0.0.1 only, as if the test server were public."""

    def _fetcher(self) -> Fetcher:
        def policy(ip: Any) -> str | None:
            return None if str(ip) == "127.0.0.1" else address_problem(ip)

        return Fetcher(
            allow_private=False,
            timeout_s=self.fetch_timeout_s,
            max_bytes=self.fetch_max_bytes,
            address_policy=policy,
        )


@pytest.fixture(scope="module")
def ctx(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ctx]:
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(seeded_dir, data)
    files = tmp_path_factory.mktemp("hostile-files")
    limits: dict[str, Any] = {"fetch_timeout_s": TIMEOUT_S, "fetch_max_bytes": MAX_BYTES}
    engine = Engine(data, **limits)
    open_engine = Engine(data, allow_private_urls=True, **limits)
    pinned = _PinnedEngine(data, **limits)
    web = ArticleServer()
    base = web.start()
    port = int(base.rsplit(":", 1)[1])
    _routes(web, base, port)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        data_dir=data,
        admin_users_raw=ADMIN,
        fetch_timeout_s=TIMEOUT_S,
        fetch_max_bytes=MAX_BYTES,
    )
    with FakeSlack() as fake:
        settings.slack_api_url = fake.api_url
        server = HttpServer(settings, engine, "127.0.0.1", 0).start()
        try:
            yield Ctx(
                data, engine, open_engine, pinned, web, base, port, files, fake,
                SlackDriver(server, fake),
            )  # fmt: skip
        finally:
            server.stop()
            web.stop()
            for e in (engine, open_engine, pinned):
                e.close()


def _routes(web: ArticleServer, base: str, port: int) -> None:
    web.add("/story", ARTICLE_HTML)
    web.add("/drip", ARTICLE_HTML, drip_s=0.05)  # the whole page would take ~30 s
    web.add("/stall", ARTICLE_HTML, delay_s=30)  # no headers for 30 s
    web.add("/endless", "<p>more and more and more</p>", endless=True)
    web.add("/no-length", "x" * (MAX_BYTES * 2), send_length=False)
    bomb = gzip.compress(b"<p>" + b"a" * 50_000_000 + b"</p>")  # 50 MB from ~50 kB
    web.add("/gzip-bomb", bomb, headers={"Content-Encoding": "gzip"})
    web.add("/big", "<p>" + "b" * (50 * 1024 * 1024) + "</p>")  # 50 MB, Content-Length given
    web.add("/pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    web.add("/png", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png")
    web.add("/no-type", ARTICLE_HTML, content_type=None)
    web.add("/empty", "")
    web.add("/gone", "nope", status=404)
    web.add("/loop", redirect="/loop")
    web.add("/to-metadata", redirect="http://169.254.169.254/latest/meta-data/iam/")
    web.add("/to-private", redirect="http://10.20.30.40/admin")
    web.add("/to-loopback", redirect=f"http://127.0.0.2:{port}/story")
    web.add("/to-ipv6-loopback", redirect=f"http://[::1]:{port}/story")
    web.add("/to-file", redirect="file:///etc/passwd")
    web.add("/deep", "<html><body>" + "<div>" * 25_000 + "x" + "</div>" * 25_000)  # < cap


# -- what "nothing changed" and "still serving" mean -------------------------------------------
def snapshot(c: Ctx) -> tuple[Any, ...]:
    stats = c.engine.stats()
    stats.pop("index_bytes")
    ids = sorted(a.id for a in c.engine.articles())
    return stats, c.engine.store.generation(), ids


def still_serving(c: Ctx) -> None:
    assert c.slack.get("/healthz").status == 200
    vec = c.engine.embed(["what did the attorney general say about recusing himself"])
    assert c.engine.search_vectors("chunk", vec[0], 3), "the engine stopped answering"


# -- case kinds ----------------------------------------------------------------------------------
Runner = Callable[[Ctx], str]


@dataclass
class Case:
    name: str
    run: Runner
    expect: str  # a regex the message must match: the error says what went wrong
    max_s: float = 10.0


def _ingest_fails(pick: Callable[[Ctx], Engine], source: Callable[[Ctx], str]) -> Runner:
    def run(c: Ctx) -> str:
        report = pick(c).ingest([source(c)])
        assert not report.added and not report.replaced, "a hostile input was indexed"
        assert len(report.failed) == 1, report
        return report.failed[0][1]

    return run


def _file(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Ctx], str]:
    def make(c: Ctx) -> str:
        path = c.files / name
        if not path.exists():
            path.write_bytes(data() if callable(data) else data)
        return str(path)

    return make


def _broken_sidecar(c: Ctx) -> str:
    (c.files / "side.meta.json").write_text("{title: oops")
    (c.files / "side.txt").write_text('The mayor said "yes" to the plan today.')
    return str(c.files / "side.txt")


def _url(path: str) -> Callable[[Ctx], str]:
    return lambda c: c.base + path


def _fixed(url: str) -> Callable[[Ctx], str]:
    return lambda c: url.replace("PORT", str(c.port))


def _ask(question: str) -> Runner:
    def run(c: Ctx) -> str:
        result = c.engine.ask(question).to_json()
        assert answer_problems(result, stored_texts(c.data / "whosaid.db")) == []
        json.dumps(result)  # the reply can be serialised (no lone surrogates etc.)
        return str(result["message"] or f"{len(result['answers'])} answers")

    return run


def _cli(*args: str, code: int = 2) -> Runner:
    def run(c: Ctx) -> str:
        done = subprocess.run(
            [*WHOSAID, "--data-dir", str(c.data), *[a.replace("BASE", c.base) for a in args]],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=child_env(WHOSAID_FETCH_TIMEOUT_S=str(TIMEOUT_S)),
            timeout=120,
        )
        assert done.returncode == code, done.stderr
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if not line.startswith("usage: whosaid")]  # argparse
        assert "Traceback" not in done.stderr, done.stderr
        assert all(line.startswith("whosaid: error:") for line in errors), errors
        return errors[0] if errors else done.stdout.strip()

    return run


def _slack_status(send: Callable[[SlackDriver], Any], *codes: int) -> Runner:
    def run(c: Ctx) -> str:
        c.fake.reset()
        reply = send(c.slack)
        assert reply.status in codes, (reply.status, reply.body)
        time.sleep(0.3)
        posted = [x for x in c.fake.calls if x.method != "auth.test"]
        assert posted == [], f"a rejected request still made the bot act: {posted}"
        return f"HTTP {reply.status} {reply.body}"

    return run


def _slack_reply(command: str, text: str, user: str = USER, *, in_ack: bool = False) -> Runner:
    """A signed slash command: acked at once, then a polite reply (in the ack or later on
    its response_url)."""

    def run(c: Ctx) -> str:
        c.fake.reset()
        url, reply = c.slack.command(text, user=user, command=command)
        assert reply.status == 200 and reply.elapsed_s < 3, reply
        if in_ack:
            time.sleep(0.3)
            assert not c.fake.of("response_url"), "answered twice"
            return reply.body
        found = c.fake.wait_for("response_url", lambda x: url.endswith(x.path), timeout=60)
        body = found[-1].params
        shown = str(body.get("text") or "") + json.dumps(body.get("blocks") or [])
        assert "Traceback" not in shown and BOT_TOKEN not in shown
        return (reply.body or "") + " " + shown

    return run


def _post_oversized(s: SlackDriver) -> Reply:
    """2 MB to the events endpoint. The server may answer and close before the upload ends
    (waitress does, with 413): the reply is read even when sending the rest fails."""
    body = b"text=" + b"a" * 2_000_000
    started = time.monotonic()
    host, port = s.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest("POST", "/slack/events")
        conn.putheader("Content-Type", "text/plain")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.send(body)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return Reply(response.status, text, time.monotonic() - started)
    finally:
        conn.close()


def _mention_missing_fields(s: SlackDriver) -> Any:
    return s.event({"type": "app_mention", "user": USER, "text": "<@UBOTWHOSAID> hi"})


def _form(body: str) -> Callable[[SlackDriver], Any]:
    return lambda s: s.post(body, "application/x-www-form-urlencoded")


def _event_json(skew_s: int | None = None, **kw: Any) -> Callable[[SlackDriver], Any]:
    """A signed event; `skew_s` shifts its timestamp from the moment it is sent (the case
    table is built at import, long before a case runs)."""
    event = {"type": "app_mention", "user": USER, "text": "who said it?", "ts": "1.000001"}
    body = json.dumps({"type": "event_callback", "event_id": "EvHostile", "event": event})

    def send(s: SlackDriver) -> Any:
        extra = dict(kw)
        if skew_s is not None:
            extra["timestamp"] = int(time.time()) + skew_s
        return s.post(body, "application/json", **extra)

    return send


LONG_QUESTION = "who said " + ("budget " * 800)[:4991]
FTS_QUESTIONS = [
    'who said "nothing" AND NEAR(burger recuse, 2) OR text:* ^start',
    'what did Sessions say " unbalanced ( ) * - +',
    "'; DROP TABLE articles; -- what did he say?",
]
CONTROL_QUESTION = "who said\x00 \x1b[31mnothing\x07burger\x08\r\n\t\x7f?"

CASES = [
    # -- articles: files -----------------------------------------------------------------------
    Case("file-empty", _ingest_fails(lambda c: c.engine, _file("empty.txt", b"")), "empty"),
    Case(
        "file-whitespace",
        _ingest_fails(lambda c: c.engine, _file("blank.txt", b" \n\t\n  \r\n")),
        "whitespace|empty",
    ),
    Case(
        "file-binary",
        _ingest_fails(lambda c: c.engine, _file("photo.txt", bytes(range(256)) * 64)),
        "binary",
    ),
    Case(
        "file-misencoded",
        _ingest_fails(
            lambda c: c.engine,
            _file("cp1252.txt", "Der Bürgermeister sagte: „Nein.“ Über alles.".encode("cp1252")),
        ),
        "UTF-8|binary",
    ),
    Case(
        "file-utf16-no-bom",
        _ingest_fails(
            lambda c: c.engine,
            _file("utf16.txt", "The mayor said no to the plan.".encode("utf-16-le")),
        ),
        "binary|UTF-8",
    ),
    Case(
        "file-50mb-text",
        _ingest_fails(
            lambda c: c.engine, _file("huge.txt", lambda: b"The council met. " * 3_200_000)
        ),
        "larger|limit",
    ),
    Case(
        "file-50mb-html",
        _ingest_fails(
            lambda c: c.engine,
            _file("huge.html", lambda: b"<html><body>" + b"<p>x</p>" * 6_600_000),
        ),
        "larger|limit",
    ),
    Case(
        "file-html-deep-nesting",
        _ingest_fails(
            lambda c: c.engine,
            _file(
                "deep.html",
                # under the 1 MB file limit, so the element count is what refuses it
                b"<html><body>" + b"<div>" * 80_000 + b"Deep." + b"</div>" * 80_000,
            ),
        ),
        "no article text|could not be parsed|elements",
        max_s=20,
    ),
    Case(
        "file-html-entity-bomb",
        _ingest_fails(
            lambda c: c.engine,
            _file(
                "lol.html",
                b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                + b"".join(
                    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
                    for i in range(8)
                )
                + b"]><html><body><p>&i;</p></body></html>",
            ),
        ),
        "no article text|could not be parsed|elements",
    ),
    Case(
        "file-sidecar-broken",
        _ingest_fails(lambda c: c.engine, _broken_sidecar),
        "sidecar",
    ),
    Case(
        "file-wrong-type",
        _ingest_fails(lambda c: c.engine, _file("slides.pdf", b"%PDF-1.4 ...")),
        "unsupported|type",
    ),
    Case(
        "path-missing", _ingest_fails(lambda c: c.engine, _fixed("/nonexistent/a.txt")), "no such"
    ),
    # -- articles: URLs that reach inside the network ------------------------------------------
    Case("url-loopback", _ingest_fails(lambda c: c.engine, _url("/story")), "refused.*loopback"),
    Case(
        "url-localhost-name",
        _ingest_fails(lambda c: c.engine, _fixed("http://localhost:PORT/story")),
        "refused",
    ),
    Case(
        "url-ipv6-loopback",
        _ingest_fails(lambda c: c.engine, _fixed("http://[::1]:PORT/story")),
        "refused",
    ),
    Case(
        "url-decimal-loopback",
        _ingest_fails(lambda c: c.engine, _fixed("http://2130706433:PORT/story")),
        "refused|resolve",
    ),
    Case(
        "url-mapped-ipv6-loopback",
        _ingest_fails(lambda c: c.engine, _fixed("http://[::ffff:127.0.0.1]:PORT/story")),
        "refused",
    ),
    Case(
        "url-private",
        _ingest_fails(lambda c: c.engine, _fixed("http://192.168.1.1/router")),
        "refused.*private",
    ),
    Case(
        "url-link-local",
        _ingest_fails(lambda c: c.engine, _fixed("http://169.254.10.10/")),
        "refused.*link-local",
    ),
    Case(
        "url-metadata",
        _ingest_fails(lambda c: c.engine, _fixed("http://169.254.169.254/latest/meta-data/")),
        "refused.*metadata",
    ),
    Case(
        "url-unspecified",
        _ingest_fails(lambda c: c.engine, _fixed("http://0.0.0.0:PORT/story")),
        "refused",
    ),
    Case(
        "url-scheme-file",
        _ingest_fails(lambda c: c.engine, _fixed("file:///etc/passwd")),
        "scheme|no such",
    ),
    Case(
        "url-scheme-ftp", _ingest_fails(lambda c: c.engine, _fixed("ftp://x.example/a")), "scheme"
    ),
    Case(
        "url-scheme-gopher",
        _ingest_fails(lambda c: c.engine, _fixed("gopher://127.0.0.1:PORT/_x")),
        "scheme",
    ),
    Case(
        "url-credentials",
        _ingest_fails(lambda c: c.pinned_engine, _fixed("http://user:pw@127.0.0.1:PORT/story")),
        "user name or password",
    ),
    # -- redirects: the first hop is allowed, the next one is not --------------------------------
    Case(
        "redirect-to-metadata",
        _ingest_fails(lambda c: c.pinned_engine, _url("/to-metadata")),
        "refused.*redirect.*169.254.169.254",
    ),
    Case(
        "redirect-to-private",
        _ingest_fails(lambda c: c.pinned_engine, _url("/to-private")),
        "refused.*redirect.*private",
    ),
    Case(
        "redirect-to-other-loopback",
        _ingest_fails(lambda c: c.pinned_engine, _url("/to-loopback")),
        "refused.*redirect.*loopback",
    ),
    Case(
        "redirect-to-ipv6-loopback",
        _ingest_fails(lambda c: c.pinned_engine, _url("/to-ipv6-loopback")),
        "refused.*redirect",
    ),
    Case(
        "redirect-to-file",
        _ingest_fails(lambda c: c.pinned_engine, _url("/to-file")),
        "redirect.*scheme",
    ),
    Case(
        "redirect-loop",
        _ingest_fails(lambda c: c.pinned_engine, _url("/loop")),
        "too many redirects",
    ),
    # -- servers that misbehave (private URLs allowed so the loopback server is reachable) -------
    Case(
        "server-drips",
        _ingest_fails(lambda c: c.open_engine, _url("/drip")),
        "timed out",
        max_s=TIMEOUT_S + 3,
    ),
    Case(
        "server-stalls",
        _ingest_fails(lambda c: c.open_engine, _url("/stall")),
        "timed out",
        max_s=TIMEOUT_S + 3,
    ),
    Case(
        "server-endless-body",
        _ingest_fails(lambda c: c.open_engine, _url("/endless")),
        "larger than",
        max_s=TIMEOUT_S + 3,
    ),
    Case(
        "server-no-length-oversize",
        _ingest_fails(lambda c: c.open_engine, _url("/no-length")),
        "larger than",
    ),
    Case(
        "server-gzip-bomb",
        _ingest_fails(lambda c: c.open_engine, _url("/gzip-bomb")),
        "larger than|timed out",
    ),
    Case("server-50mb-html", _ingest_fails(lambda c: c.open_engine, _url("/big")), "larger than"),
    Case(
        "server-pdf",
        _ingest_fails(lambda c: c.open_engine, _url("/pdf")),
        "content type application/pdf",
    ),
    Case(
        "server-png", _ingest_fails(lambda c: c.open_engine, _url("/png")), "content type image/png"
    ),
    Case(
        "server-no-type", _ingest_fails(lambda c: c.open_engine, _url("/no-type")), "content type"
    ),
    Case(
        "server-empty", _ingest_fails(lambda c: c.open_engine, _url("/empty")), "empty|no article"
    ),
    Case("server-404", _ingest_fails(lambda c: c.open_engine, _url("/gone")), "HTTP 404"),
    Case(
        "server-deep-nesting",
        _ingest_fails(lambda c: c.open_engine, _url("/deep")),
        "no article text|could not be parsed|elements",
        max_s=20,
    ),
    Case(
        "server-refused-port",
        _ingest_fails(lambda c: c.open_engine, _fixed("http://127.0.0.1:1/story")),
        "connection refused|could not",
    ),
    # -- questions -------------------------------------------------------------------------------
    *[Case(f"question-fts-{i}", _ask(q), r".+") for i, q in enumerate(FTS_QUESTIONS)],
    Case("question-control-chars", _ask(CONTROL_QUESTION), r".+"),
    Case("question-5000-chars", _ask(LONG_QUESTION), r".+"),
    Case("question-empty", _ask(""), r".+"),
    Case("question-only-punctuation", _ask("?!?... ---"), r".+"),
    Case("question-lone-surrogate", _ask("who said \ud800 nothingburger?"), r".+"),
    Case("question-rtl-and-emoji", _ask("מי אמר 🔥🔥 \u202e?dias snoisses tahw"), r".+"),
    # -- the command line ------------------------------------------------------------------------
    Case(
        "cli-bad-inputs",
        _cli("index", "/nonexistent.txt", "ftp://example.com/a", "http://10.0.0.1/x"),
        "no such|scheme|refused",
    ),
    Case("cli-remove-injection", _cli("remove", "x' OR '1'='1"), "no article"),
    Case("cli-unknown-command", _cli("explode"), r"invalid choice|usage"),
    # -- Slack -------------------------------------------------------------------------------------
    Case("slack-unsigned", _slack_status(_event_json(signed=False), 401), "401"),
    Case("slack-wrong-secret", _slack_status(_event_json(secret="guessed-secret"), 401), "401"),
    Case(
        "slack-stale-timestamp",
        _slack_status(_event_json(skew_s=-6 * 60), 401),
        "401",
    ),
    Case(
        "slack-future-timestamp",
        _slack_status(_event_json(skew_s=6 * 60), 401),
        "401",
    ),
    Case(
        "slack-malformed-json",
        _slack_status(lambda s: s.post('{"type": "event_callback", ', "application/json"), 400),
        "400",
    ),
    *[
        Case(f"slack-json-not-an-object-{how}", _slack_status(send, 400, 401), "40")
        for how, send in (
            ("signed", lambda s: s.post("[1, 2, 3]", "application/json")),
            ("unsigned", lambda s: s.post('"just a string"', "application/json", signed=False)),
            ("payload-list", _form("payload=%5B1%2C2%5D")),
        )
    ],
    Case(
        "slack-malformed-payload",
        _slack_status(_form("payload=%7B%22type%22%3A%22block_act"), 400),
        "400",
    ),
    Case(
        "slack-garbage-form",
        _slack_status(_form("%%%&&&===\x01\x02"), 400, 404),
        "40",
    ),
    Case(
        "slack-2mb-body",
        _slack_status(_post_oversized, 400, 401, 413),
        "4\\d\\d",
    ),
    Case(
        "slack-get-events",
        _slack_status(lambda s: s.get("/slack/events"), 405),
        "405",
    ),
    Case(
        "slack-mention-without-channel",
        _slack_status(_mention_missing_fields, 200),
        "200",
    ),
    Case(
        "slack-question-hostile",
        _slack_reply("/whosaid", CONTROL_QUESTION + " " + LONG_QUESTION),
        r"\S",
        max_s=60,
    ),
    Case(
        "slack-admin-add-metadata",
        _slack_reply("/whosaid-admin", "add http://169.254.169.254/latest/meta-data/", ADMIN),
        "refused|metadata",
        max_s=60,
    ),
    Case(
        "slack-admin-add-file-scheme",
        _slack_reply("/whosaid-admin", "add file:///etc/passwd", ADMIN, in_ack=True),
        "Usage",
        max_s=60,
    ),
    Case(
        "slack-admin-remove-injection",
        _slack_reply("/whosaid-admin", "remove x' OR '1'='1", ADMIN, in_ack=True),
        "Usage|No article",
        max_s=60,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_clearly_and_changes_nothing(ctx: Ctx, case: Case) -> None:
    before = snapshot(ctx)
    started = time.monotonic()
    try:
        message = case.run(ctx)
    except WhosaidError as exc:  # an engine call that raises must still say what is wrong
        pytest.fail(f"raised instead of reporting: {type(exc).__name__}: {exc}")
    elapsed = time.monotonic() - started
    assert elapsed < case.max_s, f"took {elapsed:.1f} s"
    assert message.strip(), "no message at all"
    assert "Traceback" not in message
    assert re.search(case.expect, message, re.IGNORECASE | re.DOTALL), message[:500]
    assert snapshot(ctx) == before, "a hostile input changed the store"
    still_serving(ctx)


def test_the_table_is_at_least_25_cases_over_three_surfaces() -> None:
    surfaces = {c.name.split("-")[0] for c in CASES}
    assert len(CASES) >= 25
    assert {"file", "url", "question", "cli", "slack"} <= surfaces


def test_html_with_many_small_elements_is_handled_in_bounded_time(ctx: Ctx) -> None:
    """A page under every size cap can still hold enough elements to stall the extractor."""
    path = ctx.files / "wide.html"
    path.write_text("<html><body><article>" + "<p>word <b>x</b> <i>y</i></p>" * 20_000)
    before = snapshot(ctx)
    started = time.monotonic()
    report = ctx.engine.ingest([str(path)])
    elapsed = time.monotonic() - started
    if report.added:  # indexing it is fine too, but then take it out again
        ctx.engine.remove(report.added[0])
    else:
        assert snapshot(ctx) == before
        assert "elements" in report.failed[0][1]
    assert elapsed < 10, f"one 580 kB page held the ingest for {elapsed:.0f} s"
