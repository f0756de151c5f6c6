"""Serving the bot: Socket Mode, or HTTP on waitress through Bolt's WSGI adapter.

HTTP mode answers `POST /slack/events` (events, slash commands and interactivity, all
signature-checked by Bolt: a bad signature or a stale timestamp gets 401) and `GET /healthz`.
Several HTTP workers can serve one data dir (retries and thread context live in SQLite), and
replicas on several machines one PostgreSQL database (`WHOSAID_DATABASE_URL`). Both modes poll
the followed feeds from a background thread; one process at a time does it (an advisory lock
in PostgreSQL, a lease beside the store in SQLite).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient

from bot.app import WhosaidBot, build_bot
from bot.config import Settings
from bot.feeds import FeedPoller
from retrieval.engine import Engine
from retrieval.errors import WhosaidError

log = logging.getLogger("whosaid.bot")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are a few kB; anything bigger is not Slack
HTTP_THREADS = 16  # requests only wait for an ack; answers run on the bot's own pool

StartResponse = Callable[..., Any]


class _Handler(SlackRequestHandler):
    """Bolt's WSGI handler, answering 400 (not 500) to a body that is not Slack's format."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            bolt_request = BoltRequest(
                body=request.get_body(),
                query=request.query_string,
                headers=request.get_headers(),
            )
        except (ValueError, UnicodeDecodeError, AttributeError, TypeError):
            # AttributeError/TypeError: JSON that is not an object (a list, a number).
            return BoltResponse(status=400, body="malformed request body")
        return self.app.dispatch(bolt_request)


def make_wsgi(bot: WhosaidBot) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI application: Slack's endpoint, a health check, 404 elsewhere."""
    slack = _Handler(bot.app, path=EVENTS_PATH)

    def plain(start_response: StartResponse, status: str, body: bytes, ctype: str) -> list[bytes]:
        start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
        return [body]

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            body = json.dumps({"ok": True}).encode()
            return plain(start_response, "200 OK", body, "application/json")
        if path == EVENTS_PATH:
            if method != "POST":
                return plain(start_response, "405 Method Not Allowed", b"POST only", "text/plain")
            return slack(environ, start_response)
        return plain(start_response, "404 Not Found", b"not found", "text/plain")

    return application


class HttpServer:
    """A waitress server for the bot; `port` is known before `serve_forever` (port 0 works)."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        host: str | None = None,
        port: int | None = None,
        *,
        client: WebClient | None = None,
        threads: int = HTTP_THREADS,
    ) -> None:
        if not settings.slack_signing_secret:
            raise WhosaidError("SLACK_SIGNING_SECRET is required for HTTP mode")
        self.bot = build_bot(settings, engine, client=client)
        self.host = settings.http_host if host is None else host
        self._server: Any = waitress.create_server(
            make_wsgi(self.bot),
            host=self.host,
            port=settings.http_port if port is None else port,
            threads=threads,
            ident="whosaid",
            max_request_body_size=MAX_BODY_BYTES,
            clear_untrusted_proxy_headers=True,
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        log.info("serving Slack over HTTP on %s:%s%s", self.host, self.port, EVENTS_PATH)
        try:
            self._server.run()
        finally:
            self.bot.close(wait=False)

    def start(self) -> HttpServer:
        """Serve from a background thread (tests, embedding)."""
        self._thread = threading.Thread(target=self._server.run, name="whosaid-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open connections, let answers in flight finish."""
        self._server.task_dispatcher.shutdown(timeout=5)
        for channel in list(self._server._map.values()):
            channel.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.bot.close(wait=True)


def serve_http(
    settings: Settings, engine: Engine, host: str | None = None, port: int | None = None
) -> None:
    """Serve `POST /slack/events` and `GET /healthz` until interrupted (blocks).

    `host`/`port` default to `WHOSAID_HTTP_HOST`/`WHOSAID_HTTP_PORT`.
    """
    server = HttpServer(settings, engine, host, port)
    poller = _poller(server.bot, settings, engine)
    engine.load_behind()  # so the first question costs what later ones do
    try:
        server.serve_forever()
    finally:
        poller.stop()


def _poller(bot: WhosaidBot, settings: Settings, engine: Engine) -> FeedPoller:
    """The feed poller; among replicas on one database, one polls at a time."""
    jobs = bot.runtime.jobs
    return FeedPoller(engine, settings.feed_interval_min * 60, exclusive=jobs.exclusive).start()


class SocketServer:
    """The bot over Socket Mode: an outgoing WebSocket to Slack, no public URL needed."""

    def __init__(
        self, settings: Settings, engine: Engine, *, client: WebClient | None = None
    ) -> None:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        if not settings.slack_app_token:
            raise WhosaidError("SLACK_APP_TOKEN is required for Socket Mode (or use --http)")
        self.bot = build_bot(settings, engine, client=client)
        self.handler = SocketModeHandler(
            self.bot.app, settings.slack_app_token, web_client=self.bot.app.client
        )

    def serve_forever(self) -> None:
        log.info("connecting to Slack in Socket Mode")
        try:
            self.handler.start()
        finally:
            self.bot.close(wait=False)

    def start(self) -> SocketServer:
        """Connect and serve from background threads (tests, embedding)."""
        self.handler.connect()
        return self

    def stop(self) -> None:
        self.handler.close()
        self.bot.close(wait=True)


def serve_socket(settings: Settings, engine: Engine) -> None:
    """Connect to Slack over Socket Mode with `SLACK_APP_TOKEN` until interrupted (blocks)."""
    server = SocketServer(settings, engine)
    poller = _poller(server.bot, settings, engine)
    engine.load_behind()  # so the first question costs what later ones do
    try:
        server.serve_forever()
    finally:
        poller.stop()
