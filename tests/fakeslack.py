"""A fake Slack Web API on loopback: records every request, answers like Slack would.

A real `slack_sdk.WebClient(base_url=fake.api_url)` talks to it over HTTP, so the bot's
client code, retry handlers and JSON/form encodings are exercised for real. It also serves
`response_url` endpoints, private file downloads, and can answer 429 once on demand.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

BOT_TOKEN = "xoxb-test-token-0123456789"
APP_TOKEN = "xapp-test-token-9876543210"
BOT_USER_ID = "UBOTWHOSAID"
BOT_ID = "BWHOSAID1"
TEAM_ID = "T0TESTTEAM"


@dataclass
class Call:
    """One request the fake received."""

    method: str  # Web API method ("chat.postMessage"), "response_url" or "file_download"
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    path: str = ""


@dataclass
class FakeFile:
    id: str
    name: str
    content: bytes
    filetype: str = "text"


class FakeSlack:
    """Start with `with FakeSlack() as fake:`; `fake.api_url` is the WebClient base_url."""

    def __init__(self, token: str = BOT_TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.files: dict[str, FakeFile] = {}
        self.uploads: dict[str, bytes] = {}  # files upload v2: file id -> the bytes sent
        self._rate_limited: dict[str, int] = {}
        self.socket_mode: FakeSocketMode | None = None  # set to serve apps.connections.open
        self.private_channels: set[str] = set()  # channels the bot is not in (not_in_channel)
        self._lock = threading.Lock()
        self._ts = 1_700_000_000_000
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- life cycle -------------------------------------------------------------------------
    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str) -> str:
        """A response_url; one whose name starts with "expired" answers 404 like a dead one."""
        return f"{self.base_url}/response/{name}"

    # -- test controls -----------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._rate_limited.clear()

    def rate_limit_once(self, method: str, retry_after: int = 1) -> None:
        """Answer the next call to `method` with HTTP 429 and Retry-After."""
        with self._lock:
            self._rate_limited[method] = retry_after

    def add_file(self, file_id: str, name: str, content: bytes, filetype: str = "text") -> None:
        self.files[file_id] = FakeFile(file_id, name, content, filetype)

    def next_ts(self) -> str:
        with self._lock:
            self._ts += 1
            return f"{self._ts // 1_000_000}.{self._ts % 1_000_000:06d}"

    def of(self, method: str, pred: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._lock:
            calls = list(self.calls)
        return [c for c in calls if c.method == method and (pred is None or pred(c))]

    def wait_for(
        self,
        method: str,
        pred: Callable[[Call], bool] | None = None,
        count: int = 1,
        timeout: float = 60,
    ) -> list[Call]:
        """Wait until at least `count` matching calls arrived; return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.of(method, pred)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [c.method for c in self.calls]
                raise AssertionError(f"wanted {count} x {method}, got {len(found)}; saw {seen}")
            time.sleep(0.05)

    # -- answering ---------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _take_rate_limit(self, method: str) -> int | None:
        with self._lock:
            return self._rate_limited.pop(method, None)

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The JSON Slack would send back for `method`."""
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "whosaid",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "chat.postMessage":
            if params.get("channel") in self.private_channels:
                return {"ok": False, "error": "not_in_channel"}
            ts = self.next_ts()
            message = {"text": params.get("text"), "ts": ts, "bot_id": BOT_ID}
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method in ("reactions.add", "reactions.remove", "views.open"):
            return {"ok": True}
        if method == "views.publish":
            return self._publish(params)
        if method == "files.info":
            found = self.files.get(str(params.get("file")))
            if found is None:
                return {"ok": False, "error": "file_not_found"}
            url = f"{self.base_url}/files-pri/{TEAM_ID}-{found.id}/{found.name}"
            meta = {
                "id": found.id,
                "name": found.name,
                "filetype": found.filetype,
                "size": len(found.content),
                "url_private": url,
                "url_private_download": url + "?download=1",
            }
            return {"ok": True, "file": meta}
        if method == "apps.connections.open" and self.socket_mode is not None:
            return {"ok": True, "url": self.socket_mode.url}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "X"))[1:]}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.uploads) + 1:08d}"
            self.uploads[file_id] = b""
            url = f"{self.base_url}/upload/{file_id}"
            return {"ok": True, "upload_url": url, "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            listed = json.loads(files) if isinstance(files, str) else files or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in listed]}
        if method == "conversations.replies":
            return {"ok": True, "messages": [], "has_more": False}
        return {"ok": False, "error": "unknown_method"}

    @staticmethod
    def _publish(params: dict[str, Any]) -> dict[str, Any]:
        """views.publish, refused as Slack refuses a view past Block Kit's limits."""
        view = params.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not params.get("user_id") or not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        blocks = view.get("blocks") or []
        if len(blocks) > 100 or len(json.dumps(view)) > 250_000:
            return {"ok": False, "error": "invalid_arguments"}
        for block in blocks:
            texts = [block.get("text") or {}, *(block.get("elements") or [])]
            limit = 150 if block.get("type") == "header" else 3000
            if any(len(str(t.get("text") or "")) > limit for t in texts if isinstance(t, dict)):
                return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {"id": "V0HOME", "type": "home", "blocks": blocks}}


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        data = json.loads(raw.decode("utf-8"))
        return data if isinstance(data, dict) else {"_": data}
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8")).items()}
    for key in ("blocks", "attachments"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the calls are recorded instead."""

        def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: dict[str, Any], **headers: str) -> None:
            self._send(status, json.dumps(data).encode(), "application/json", headers)

        def _handle(self) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            params = _parse_body(raw, headers.get("content-type", ""))
            params.update({k: v[-1] for k, v in parse_qs(url.query).items()})
            if url.path.startswith("/response/"):
                fake._record(Call("response_url", params, headers, path=url.path))
                if url.path.startswith("/response/expired"):
                    # what Slack answers once a response_url is past its 30 minutes / 5 uses
                    self._send(404, b"expired_url", "text/plain", {})
                    return
                self._send(200, b"ok", "text/plain", {})
                return
            if url.path.startswith("/upload/"):  # files upload v2: the bytes themselves
                fake.uploads[url.path.split("/")[2]] = raw
                fake._record(Call("file_upload", {"bytes": len(raw)}, headers, path=url.path))
                self._send(200, b"OK - " + str(len(raw)).encode(), "text/plain", {})
                return
            if url.path.startswith("/files-pri/"):
                fake._record(Call("file_download", params, headers, path=url.path))
                file_id = url.path.split("/")[2].split("-", 1)[-1]
                found = fake.files.get(file_id)
                if headers.get("authorization") != f"Bearer {fake.token}" or found is None:
                    self._send(404, b"not found", "text/plain", {})
                    return
                self._send(200, found.content, "application/octet-stream", {})
                return
            if not url.path.startswith("/api/"):
                self._send(404, b"not found", "text/plain", {})
                return
            method = url.path.removeprefix("/api/")
            token = headers.get("authorization", "").removeprefix("Bearer ")
            fake._record(Call(method, params, headers, path=url.path))
            retry_after = fake._take_rate_limit(method)
            if retry_after is not None:
                self._json(
                    429, {"ok": False, "error": "ratelimited"}, **{"Retry-After": str(retry_after)}
                )
                return
            wanted = APP_TOKEN if method == "apps.connections.open" else fake.token
            if token != wanted:
                self._json(200, {"ok": False, "error": "invalid_auth"})
                return
            self._json(200, fake.answer(method, params))

        do_GET = _handle
        do_POST = _handle

    return Handler


class FakeSocketMode:
    """A Socket Mode WebSocket endpoint on loopback (plain ws://): says hello, pushes the
    envelopes a test gives it, answers pings, and records the bot's acknowledgements."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._conn: socket.socket | None = None
        self._send_lock = threading.Lock()
        self.connected = threading.Event()
        self.acks: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=test"

    def push(self, envelope: dict[str, Any]) -> None:
        if not self.connected.wait(10) or self._conn is None:
            raise AssertionError("the bot never connected over Socket Mode")
        self._send(0x1, json.dumps(envelope).encode("utf-8"))

    def wait_ack(self, envelope_id: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ack in list(self.acks):
                if ack.get("envelope_id") == envelope_id:
                    return ack
            time.sleep(0.02)
        raise AssertionError(f"no ack for {envelope_id}; got {self.acks}")

    def close(self) -> None:
        self._listener.close()
        if self._conn is not None:
            self._conn.close()

    def _send(self, opcode: int, payload: bytes) -> None:
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([n])
        elif n < 1 << 16:
            head += bytes([126]) + n.to_bytes(2, "big")
        else:
            head += bytes([127]) + n.to_bytes(8, "big")
        with self._send_lock:
            assert self._conn is not None
            self._conn.sendall(head + payload)

    def _read(self, conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096)
        key = next(
            line.split(":", 1)[1].strip()
            for line in request.decode("latin-1").split("\r\n")
            if line.lower().startswith("sec-websocket-key:")
        )
        accept = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
        conn.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        self._conn = conn
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0"}}
        self._send(0x1, json.dumps(hello).encode())
        self.connected.set()
        try:
            while True:
                b0, b1 = self._read(conn, 2)
                opcode, length = b0 & 0x0F, b1 & 0x7F
                if length == 126:
                    length = int.from_bytes(self._read(conn, 2), "big")
                elif length == 127:
                    length = int.from_bytes(self._read(conn, 8), "big")
                mask = self._read(conn, 4) if b1 & 0x80 else b"\0\0\0\0"
                data = bytes(c ^ mask[i % 4] for i, c in enumerate(self._read(conn, length)))
                if opcode == 0x1:
                    self.acks.append(json.loads(data.decode("utf-8")))
                elif opcode == 0x9:
                    self._send(0xA, data)
                elif opcode == 0x8:
                    return
        except (OSError, ConnectionError, ValueError):
            return
