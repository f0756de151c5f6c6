"""The composition root: settings + engine (+ a Slack client) → a wired Bolt app.

Tests pass a `WebClient(base_url=...)` pointing at a fake Slack on loopback; in production
the client is built here from `SLACK_BOT_TOKEN` and `SLACK_API_URL`. Either way it retries
rate-limited calls (HTTP 429) after Slack's Retry-After.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.admin import Admin
from bot.config import Settings
from bot.export_command import ExportCommand
from bot.home import Home
from bot.jobs import WorkerThread, open_jobs
from bot.listeners import Questions
from bot.runtime import Runtime, describe, redact_bolt_logs
from bot.shortcut import WhoSaidThis
from bot.state import open_state
from retrieval.engine import Engine
from retrieval.errors import WhosaidError

log = logging.getLogger("whosaid.bot")

WORKERS = 4  # answers in flight at once; the engine is CPU-bound, more would only queue
STATE_FILE = "slack.db"
BOLT_LOGGER = "whosaid.bolt"
WARM_UP_QUESTION = "who said hello?"


@dataclass
class WhosaidBot:
    """The Bolt app and what it runs on; `close()` stops the work pool, the in-process
    worker (embedded default) and the state."""

    app: App
    runtime: Runtime
    worker: WorkerThread | None = None

    def close(self, wait: bool = True) -> None:
        self.runtime.pool.shutdown(wait=wait, cancel_futures=not wait)
        if self.worker is not None:
            self.worker.stop(wait=wait)
        self.runtime.state.close()
        if wait or self.worker is None:  # else the worker may still be using it
            self.runtime.jobs.close()


def make_client(settings: Settings) -> WebClient:
    """The Web API client every Slack call goes through."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=30,
        retry_handlers=_retry_handlers(),
    )


def _retry_handlers() -> list[Any]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=1),
        RateLimitErrorRetryHandler(max_retry_count=3),
    ]


def build_bot(settings: Settings, engine: Engine, *, client: WebClient | None = None) -> WhosaidBot:
    """Wire the listeners; checks the bot token with Slack (auth.test) once, at start."""
    if client is None:
        client = make_client(settings)
    else:
        client.token = client.token or settings.slack_bot_token
        if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
            client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    if not client.token:
        raise WhosaidError("SLACK_BOT_TOKEN is not set")
    redact_bolt_logs(BOLT_LOGGER)
    try:
        app = App(
            client=client,
            signing_secret=settings.slack_signing_secret or "",
            process_before_response=False,
            logger=logging.getLogger(BOLT_LOGGER),
        )
    except (SlackRequestError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise WhosaidError(
            f"cannot reach Slack at SLACK_API_URL {settings.slack_api_url} "
            f"({type(reason).__name__}): check the address and the network"
        ) from None
    except (BoltError, SlackApiError) as exc:
        raise WhosaidError(_refused(exc, settings.slack_api_url)) from None
    jobs = open_jobs(settings)
    # Embedded default: this process runs the jobs it queues. With PostgreSQL, `whosaid
    # worker` processes do.
    worker = None if settings.database_url else WorkerThread(engine, jobs).start()
    runtime = Runtime(
        settings=settings,
        engine=engine,
        state=open_state(settings.database_url, settings.data_dir, STATE_FILE),
        client=client,
        pool=ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="whosaid-work"),
        jobs=jobs,
        on_queued=worker.poke if worker is not None else lambda: None,
    )
    # Load the models now rather than on the first person's question.
    runtime.background("warm-up", lambda: engine.ask(WARM_UP_QUESTION), lambda _text: None)
    admin = Admin(runtime)
    admin.register(app)
    Questions(runtime, admin).register(app)
    ExportCommand(runtime).register(app)
    WhoSaidThis(runtime).register(app)
    Home(runtime).register(app)

    @app.error
    def on_error(error: Exception) -> None:
        """Listener failures: one line with the type and place, never the payload."""
        log.error("slack listener failed: %s", describe(error))

    return WhosaidBot(app=app, runtime=runtime, worker=worker)


_TOKEN_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}


def _refused(exc: BoltError | SlackApiError, api_url: str) -> str:
    """Why auth.test failed, in words: the token, or something else at that address."""
    response = getattr(exc, "response", None)
    code = str(response.get("error") or "") if response is not None else ""
    if not code or code in _TOKEN_ERRORS:
        return f"Slack did not accept SLACK_BOT_TOKEN at {api_url} ({code or type(exc).__name__})"
    return f"Slack at SLACK_API_URL {api_url} refused the bot's first call (auth.test: {code})"


def create_app(settings: Settings, engine: Engine, *, client: WebClient | None = None) -> App:
    """The Bolt app for `settings` and `engine` (see `build_bot` to also get `close()`)."""
    return build_bot(settings, engine, client=client).app
