"""A real HTTP server on 127.0.0.1 that serves test articles, for URL ingest tests.

    server = ArticleServer()
    server.add("/story", "<html>...</html>")
    server.add("/moved", redirect="/story", status=301)
    server.add("/slow", "text", drip_s=0.2)        # one byte every 0.2 s
    server.add("/endless", "x", endless=True)     # a body that never ends
    with server as base:                          # base == "http://127.0.0.1:PORT"
        fetcher.fetch(base + "/story")

`ArticleServer(tls=context)` serves https with a server-side `ssl.SSLContext` and records
the TLS server name (SNI) each client sent in `server.sni`.

Routes may be added before or while the server runs; `server.requests` records the path
and headers of every request, so tests can check what the fetcher sent. A route served with
an `ETag` or `Last-Modified` header answers 304 to a request that sends the same value back
in `If-None-Match` or `If-Modified-Since`, as a feed server would.
"""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    redirect: str | None = None  # sent as Location
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait before sending anything
    drip_s: float | None = None  # send the body one byte at a time, this far apart
    endless: bool = False  # repeat the body forever (no Content-Length)
    send_length: bool = True  # send Content-Length (ignored for endless bodies)


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class ArticleServer:
    """Threaded loopback HTTP server; a context manager that yields its base URL."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls  # serve https with this server-side context
        self.sni: list[str | None] = []  # TLS server names the clients asked for
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        redirect: str | None = None,
        headers: dict[str, str] | None = None,
        delay_s: float = 0.0,
        drip_s: float | None = None,
        endless: bool = False,
        send_length: bool = True,
    ) -> str:
        """Serve `body` at `path` (with the query, if the route should match one)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        if redirect is not None and status == 200:
            status = 302
        self.routes[path] = Route(
            data,
            status,
            content_type,
            redirect,
            dict(headers or {}),
            delay_s,
            drip_s,
            endless,
            send_length,
        )
        return self.url(path) if self._server else path

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the article server is not running")
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        if self.tls is not None:
            self.tls.sni_callback = self._record_sni
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self.base_url

    def _record_sni(self, sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        self.sni.append(name)

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _handler_for(owner: ArticleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return  # keep test output clean

        def do_GET(self) -> None:
            owner.requests.append(Request(self.path, dict(self.headers.items())))
            route = owner.routes.get(self.path) or owner.routes.get(urlsplit(self.path).path)
            if route is None:
                self._send_simple(404, b"not found")
                return
            if route.delay_s and owner._stop.wait(route.delay_s):
                return
            if self._not_modified(route):
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            try:
                self._serve(route)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (a cap or a time limit did its job)

        def _serve(self, route: Route) -> None:
            self.send_response(route.status)
            if route.content_type is not None:
                self.send_header("Content-Type", route.content_type)
            if route.redirect is not None:
                self.send_header("Location", route.redirect)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.endless or not route.send_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if route.endless:
                chunk = route.body or b"x"
                chunk = chunk * max(1, 65536 // len(chunk))
                while not owner._stop.is_set():
                    self.wfile.write(chunk)
                    if route.drip_s:
                        time.sleep(route.drip_s)
            elif route.drip_s:
                for i in range(len(route.body)):
                    if owner._stop.wait(route.drip_s):
                        return
                    self.wfile.write(route.body[i : i + 1])
                    self.wfile.flush()
            else:
                self.wfile.write(route.body)

        def _not_modified(self, route: Route) -> bool:
            sent = {k.lower(): v for k, v in route.headers.items()}
            etag, modified = sent.get("etag"), sent.get("last-modified")
            return bool(
                (etag and self.headers.get("If-None-Match") == etag)
                or (modified and self.headers.get("If-Modified-Since") == modified)
            )

        def _send_simple(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
