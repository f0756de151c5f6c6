"""Wiring and start-up: the client every call goes through, and clear errors before serving."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.app import build_bot, create_app
from bot.config import Settings
from bot.server import HttpServer, SocketServer, serve_socket
from retrieval.engine import Engine
from retrieval.errors import WhosaidError
from tests.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack, FakeSocketMode


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def engine(data_dir: Path) -> Iterator[Engine]:
    engine = Engine(data_dir)
    yield engine
    engine.close()


def settings_for(fake: FakeSlack, data_dir: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "s3cret",
        "SLACK_API_URL": fake.api_url,
        "WHOSAID_DATA_DIR": str(data_dir),
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_every_call_goes_to_slack_api_url_with_rate_limit_retries(
    fake: FakeSlack, engine: Engine, data_dir: Path
) -> None:
    bot = build_bot(settings_for(fake, data_dir), engine)
    try:
        client = bot.app.client
        assert client.base_url == fake.api_url
        assert any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers)
        auth = fake.wait_for("auth.test")[0]
        assert auth.headers["authorization"] == f"Bearer {BOT_TOKEN}"
        assert (data_dir / "slack.db").exists(), "state lives in the data dir"
    finally:
        bot.close()


def test_a_given_client_gets_the_token_and_a_rate_limit_handler(
    fake: FakeSlack, engine: Engine, data_dir: Path
) -> None:
    client = WebClient(base_url=fake.api_url)
    app = create_app(settings_for(fake, data_dir), engine, client=client)
    assert app.client is client and client.token == BOT_TOKEN
    assert any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers)
    assert fake.of("auth.test")


def test_a_rejected_token_is_one_clear_error(
    fake: FakeSlack, engine: Engine, data_dir: Path
) -> None:
    settings = settings_for(fake, data_dir, SLACK_BOT_TOKEN="xoxb-wrong")
    with pytest.raises(WhosaidError, match="SLACK_BOT_TOKEN") as caught:
        build_bot(settings, engine)
    assert "xoxb-wrong" not in str(caught.value), "tokens are never echoed"


def test_missing_settings_are_clear_errors(fake: FakeSlack, engine: Engine, data_dir: Path) -> None:
    with pytest.raises(WhosaidError, match="SLACK_BOT_TOKEN"):
        build_bot(settings_for(fake, data_dir, SLACK_BOT_TOKEN=""), engine)
    with pytest.raises(WhosaidError, match="SLACK_SIGNING_SECRET"):
        HttpServer(settings_for(fake, data_dir, SLACK_SIGNING_SECRET=""), engine, "127.0.0.1", 0)
    with pytest.raises(WhosaidError, match="SLACK_APP_TOKEN"):
        serve_socket(settings_for(fake, data_dir), engine)


def test_http_server_binds_the_configured_host_and_stops(
    fake: FakeSlack, engine: Engine, data_dir: Path
) -> None:
    import urllib.request

    settings = settings_for(fake, data_dir, WHOSAID_HTTP_HOST="127.0.0.1", WHOSAID_HTTP_PORT="1")
    server = HttpServer(settings, engine, port=0).start()
    try:
        assert server.host == "127.0.0.1" and server.port > 1
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as reply:
            assert reply.status == 200
    finally:
        server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url + "/healthz", timeout=2)


def test_socket_mode_connects_and_acks_over_a_websocket(
    fake: FakeSlack, engine: Engine, data_dir: Path
) -> None:
    """`whosaid serve` with SLACK_APP_TOKEN: apps.connections.open on SLACK_API_URL, then
    envelopes over the WebSocket, each acknowledged with its envelope id."""
    fake.socket_mode = FakeSocketMode()
    settings = settings_for(fake, data_dir, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
    server = SocketServer(settings, engine).start()
    try:
        opened = fake.wait_for("apps.connections.open")[0]
        assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"
        fake.socket_mode.push(
            {
                "envelope_id": "env-help-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "command": "/whosaid",
                    "text": "help",
                    "user_id": "U0SOMEONE",
                    "channel_id": "C0NEWSROOM",
                    "team_id": "T0TESTTEAM",
                    "response_url": fake.response_url("socket-help"),
                },
            }
        )
        ack = fake.socket_mode.wait_ack("env-help-1")
        assert "/whosaid what did" in json.dumps(ack["payload"]["blocks"])
        # A non-admin's admin command over Socket Mode is refused the same way.
        fake.socket_mode.push(
            {
                "envelope_id": "env-admin-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "command": "/whosaid-admin",
                    "text": "reindex",
                    "user_id": "U0SOMEONE",
                    "channel_id": "C0NEWSROOM",
                    "response_url": fake.response_url("socket-admin"),
                },
            }
        )
        refusal = fake.socket_mode.wait_ack("env-admin-1")
        assert "only whosaid admins" in refusal["payload"]["text"]
    finally:
        server.stop()
        fake.socket_mode.close()


def test_serve_against_an_unreachable_slack_api_says_it_cannot_reach_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    from bot.cli import main

    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]  # nothing listens here once the socket is closed
    url = f"http://127.0.0.1:{port}/api/"
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("SLACK_API_URL", url)
    assert main(["serve", "--http", "--port", "0", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"cannot reach Slack at SLACK_API_URL {url}" in err, err
    assert "did not accept" not in err and BOT_TOKEN not in err
