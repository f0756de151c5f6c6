"""Fetch an article URL without letting the URL reach inside the network.

A URL given to the bot is untrusted: it can name (or redirect to) a loopback service, a
private host or a cloud metadata endpoint, or serve an endless or slow body. So the fetcher
takes http(s) only, resolves the host once, refuses non-public addresses unless told
otherwise, and connects to the very address it checked (a second DNS answer cannot swap in
another host) while keeping the Host header and TLS name right. Redirects are followed by
hand, each hop checked again. One deadline covers the whole request, the body is capped while
it streams, and only the expected media types are accepted (HTML and text for articles; XML
for feeds, which may also be fetched conditionally with an ETag or Last-Modified date).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from retrieval.errors import FetchError

MAX_REDIRECTS = 5
ACCEPTED_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown"}
)
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        # Misconfigured servers label feeds as HTML or text; the parser says if it is not one.
        "text/html",
        "text/plain",
    }
)
ARTICLE_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9"
FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "whosaid/0.1 (article fetcher)"
_ALLOW_HINT = "(set WHOSAID_ALLOW_PRIVATE_URLS=true to allow)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Metadata endpoints of the big clouds; most are link-local or private anyway, named here so
# the error says what they are.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# A validator echoed back in a request header: printable ASCII only, never a line break.
_HEADER_VALUE = re.compile(r"^[\x20-\x7e]{1,512}$")


@dataclass(frozen=True)
class FetchedPage:
    url: str  # as asked for
    final_url: str  # after redirects
    content_type: str  # the media type, lower case, without parameters
    body: bytes
    charset: str | None
    status: int = 200  # 304: not modified since the ETag / date given (the body is empty)
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class _Wanted:
    """What one fetch accepts and, for a conditional GET, what it already has."""

    types: frozenset[str] = ACCEPTED_TYPES
    accept: str = ARTICLE_ACCEPT
    what: str = "only HTML or text"
    etag: str | None = None
    last_modified: str | None = None


def address_problem(ip: IPAddress) -> str | None:
    """Why an address must not be fetched from by default, or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 is judged as the IPv4 address it reaches.
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    for test, what in (
        (ip.is_loopback, "a loopback address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    ):
        if test:
            return what
    return None


class Fetcher:
    """Fetch one article page safely. Thread-safe: it keeps no state between fetches."""

    def __init__(
        self,
        allow_private: bool = False,
        timeout_s: float = 10.0,
        max_bytes: int = 5_000_000,
        *,
        address_policy: Callable[[IPAddress], str | None] = address_problem,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        # Why an address is refused (None: allowed). Replaceable to admit one known host
        # without opening every private address.
        self.address_policy = address_policy
        # Certificate checks use the system's trusted roots unless a context is given.
        self.tls_context = tls_context or ssl.create_default_context()

    def fetch(self, url: str) -> FetchedPage:
        """GET `url` (following up to 5 checked redirects); raise FetchError with one line."""
        return self._fetch(url, _Wanted())

    def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchedPage:
        """GET an RSS or Atom feed under the same checks and cap as a page. With the ETag or
        Last-Modified of the previous answer it asks conditionally: status 304 means unchanged."""
        wanted = _Wanted(FEED_TYPES, FEED_ACCEPT, "not a feed", etag, last_modified)
        return self._fetch(url, wanted)

    def _fetch(self, url: str, wanted: _Wanted) -> FetchedPage:
        deadline = time.monotonic() + self.timeout_s
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            location, page = self._one_hop(url, current, deadline, wanted)
            if page is not None:
                return page
            assert location is not None
            current = location
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")

    def _timed_out(self, url: str) -> FetchError:
        return FetchError(f"timed out after {self.timeout_s:g} s")

    def _one_hop(
        self, url: str, current: str, deadline: float, wanted: _Wanted
    ) -> tuple[str | None, FetchedPage | None]:
        hop = "" if current == url else f"redirect to {current}: "
        parts = urlsplit(current)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(
                f"{hop}unsupported URL scheme {scheme or '(none)'}:// (only http and https)"
            )
        if parts.username is not None or parts.password is not None:
            raise FetchError(f"{hop}URLs with a user name or password are not fetched")
        host = parts.hostname
        if not host:
            raise FetchError(f"{hop}URL has no host")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise FetchError(f"{hop}bad port in URL") from None
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise FetchError(f"{hop}bad host name {host!r}") from None

        ip = self._resolve(url, hop, host, port, deadline)
        target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~")
        if parts.query:
            target += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=?~")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._timed_out(url)
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = _PinnedHTTPSConnection(host, port, ip, remaining, self.tls_context)
        else:
            conn = _PinnedHTTPConnection(host, port, ip, remaining)
        # The watchdog closes the socket at the deadline, so a server that drips bytes
        # (each read well inside the socket timeout) still cannot hold the request.
        watchdog = threading.Timer(remaining, _abort, args=(conn,))
        watchdog.daemon = True
        watchdog.start()
        try:
            return self._exchange(url, hop, current, conn, target, deadline, wanted)
        except FetchError:
            raise
        except ssl.SSLError as exc:
            if time.monotonic() >= deadline:
                raise self._timed_out(url) from None
            if isinstance(exc, ssl.SSLCertVerificationError):
                detail = str(exc.verify_message).rstrip(".")
                raise FetchError(f"{hop}TLS error (certificate not accepted: {detail})") from None
            raise FetchError(f"{hop}TLS error ({exc.reason or exc})") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if time.monotonic() >= deadline or isinstance(exc, TimeoutError):
                raise self._timed_out(url) from None
            raise FetchError(f"{hop}{_describe(exc, host, port)}") from None
        finally:
            watchdog.cancel()
            conn.close()

    def _resolve(self, url: str, hop: str, host: str, port: int, deadline: float) -> str:
        """Resolve once; every address must pass, and the first is the one connected to."""
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [literal]
        else:
            found = _getaddrinfo(host, port, deadline)
            if found is None:
                raise self._timed_out(url)
            addresses = found
            if not addresses:
                raise FetchError(f"{hop}cannot resolve host {host}")
        if not self.allow_private:
            for ip in addresses:
                problem = self.address_policy(ip)
                if problem:
                    raise FetchError(f"refused: {hop}{ip} is {problem} {_ALLOW_HINT}")
        return str(addresses[0])

    def _exchange(
        self,
        url: str,
        hop: str,
        current: str,
        conn: http.client.HTTPConnection,
        target: str,
        deadline: float,
        wanted: _Wanted,
    ) -> tuple[str | None, FetchedPage | None]:
        conn.putrequest("GET", target, skip_accept_encoding=True)
        conn.putheader("User-Agent", USER_AGENT)
        conn.putheader("Accept", wanted.accept)
        conn.putheader("Accept-Encoding", "gzip, deflate, identity")
        conn.putheader("Connection", "close")
        for name, value in (
            ("If-None-Match", wanted.etag),
            ("If-Modified-Since", wanted.last_modified),
        ):
            if value and _HEADER_VALUE.match(value):
                conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        validators = {
            "etag": resp.getheader("ETag"),
            "last_modified": resp.getheader("Last-Modified"),
        }
        if resp.status == 304 and (wanted.etag or wanted.last_modified):
            return None, FetchedPage(url, current, "", b"", None, 304, **validators)
        if resp.status in REDIRECT_STATUSES:
            location = resp.getheader("Location")
            if not location:
                raise FetchError(f"{hop}HTTP {resp.status} redirect without a Location")
            return urljoin(current, location.strip()), None
        if not 200 <= resp.status < 300 or resp.status in (204, 205, 206):
            reason = f" {resp.reason}" if resp.reason else ""
            raise FetchError(f"{hop}HTTP {resp.status}{reason}")
        media, charset = _content_type(resp.getheader("Content-Type"))
        if media not in wanted.types:
            shown = media or "(none given)"
            raise FetchError(f"unsupported content type {shown} ({wanted.what})")
        length = resp.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > self.max_bytes:
            raise FetchError(f"larger than {self.max_bytes} bytes ({int(length)} bytes)")
        body = self._read_body(url, resp, deadline)
        return None, FetchedPage(url, current, media, body, charset, resp.status, **validators)

    def _read_body(self, url: str, resp: http.client.HTTPResponse, deadline: float) -> bytes:
        encoding = (resp.getheader("Content-Encoding") or "identity").strip().lower()
        decoder: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decoder = zlib.decompressobj()
        elif encoding not in ("identity", ""):
            raise FetchError(f"unsupported content encoding {encoding}")
        too_big = FetchError(f"larger than {self.max_bytes} bytes")
        out = bytearray()
        received = 0
        while True:
            if time.monotonic() >= deadline:
                raise self._timed_out(url)
            chunk = resp.read1(65536)
            if not chunk:
                break
            received += len(chunk)
            if received > self.max_bytes:
                raise too_big
            if decoder is None:
                out += chunk
            else:
                try:
                    # Bounded output: a small compressed body cannot expand without limit.
                    piece = decoder.decompress(chunk, self.max_bytes - len(out) + 1)
                except zlib.error:
                    raise FetchError(f"corrupt {encoding} body") from None
                out += piece
                if decoder.unconsumed_tail:
                    raise too_big
            if len(out) > self.max_bytes:
                raise too_big
        if time.monotonic() >= deadline:
            raise self._timed_out(url)
        return bytes(out)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a checked IP; Host still names the URL's host."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.pinned_ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked IP; SNI and certificate checks use the URL's host."""

    def __init__(self, host: str, port: int, ip: str, timeout: float, tls: ssl.SSLContext) -> None:
        self.tls = tls
        super().__init__(host, port, timeout=timeout, context=tls)
        self.pinned_ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def _abort(conn: http.client.HTTPConnection) -> None:
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: nothing left to stop
            sock.shutdown(socket.SHUT_RDWR)


def _getaddrinfo(host: str, port: int, deadline: float) -> list[IPAddress] | None:
    """Addresses for host, [] when it does not resolve, None when the deadline passes first.

    getaddrinfo has no timeout of its own, so it runs in a daemon thread."""
    result: list[list[IPAddress]] = []

    def work() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            result.append([])
            return
        seen: list[IPAddress] = []
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if ip not in seen:
                seen.append(ip)
        result.append(seen)

    thread = threading.Thread(target=work, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    return result[0] if result else None


def _content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _describe(exc: BaseException, host: str, port: int) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return f"could not connect to {host}:{port} (connection refused)"
    if isinstance(exc, http.client.HTTPException):
        return f"bad HTTP response ({type(exc).__name__})"
    if isinstance(exc, OSError):
        return f"could not fetch from {host}:{port} ({exc.strerror or type(exc).__name__})"
    return f"could not fetch ({type(exc).__name__}: {exc})"
