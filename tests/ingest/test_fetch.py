"""The URL fetcher against a real HTTP server on 127.0.0.1: refusals, limits, redirects."""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from retrieval.errors import FetchError
from retrieval.ingest.fetch import Fetcher, IPAddress, address_problem
from tests.articleserver import ArticleServer

PAGE = (
    "<html><head><title>Harbour plan approved</title></head><body><article>"
    "<h1>Harbour plan approved</h1><p>The council approved the harbour plan on Monday after "
    "a long debate, and the mayor said work would start in spring.</p></article></body></html>"
)
HINT = "(set WHOSAID_ALLOW_PRIVATE_URLS=true to allow)"


@pytest.fixture
def server() -> ArticleServer:
    srv = ArticleServer()
    srv.add("/story", PAGE)
    srv.add("/plain", "Plain words of a story.\n", content_type="text/plain; charset=utf-8")
    return srv


def loopback_only(ip: IPAddress) -> str | None:
    """Admit the test server's address and judge every other address by the default rules."""
    return None if ip == ipaddress.ip_address("127.0.0.1") else address_problem(ip)


def error_of(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_fetches_html_with_type_charset_and_host_header(server: ArticleServer) -> None:
    with server as base:
        page = Fetcher(allow_private=True).fetch(base + "/story")
    assert page.body == PAGE.encode()
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.url == page.final_url == base + "/story"
    sent = server.requests[0].headers
    assert sent["Host"] == base.removeprefix("http://")
    assert sent["User-Agent"].startswith("whosaid/")


def test_a_host_name_is_resolved_once_and_sent_as_host(server: ArticleServer) -> None:
    with server as base:
        url = base.replace("127.0.0.1", "localhost") + "/plain"
        page = Fetcher(allow_private=True).fetch(url)
    assert page.body == b"Plain words of a story.\n"
    assert page.content_type == "text/plain"
    assert server.requests[0].headers["Host"] == url.removeprefix("http://").split("/")[0]


def test_loopback_is_refused_by_default(server: ArticleServer) -> None:
    with server as base:
        message = error_of(Fetcher(), base + "/story")
    assert message == f"refused: 127.0.0.1 is a loopback address {HINT}"
    assert server.requests == []  # refused before any connection


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1]:9/", "::1 is a loopback address"),
        ("http://10.1.2.3/", "10.1.2.3 is a private address"),
        ("http://192.168.0.10/", "192.168.0.10 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
        ("http://[fd00:ec2::254]/latest/", "fd00:ec2::254 is a cloud metadata address"),
        ("http://0.0.0.0:8080/", "0.0.0.0 is an unspecified address"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),  # 127.0.0.1 as a number
        ("http://0x7f.1/", "127.0.0.1 is a loopback address"),
        ("http://localhost/", "is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1 is a loopback address"),
    ],
)
def test_non_public_addresses_are_refused(url: str, reason: str) -> None:
    message = error_of(Fetcher(timeout_s=2), url)
    assert message.startswith("refused: ")
    assert reason in message
    assert message.endswith(HINT)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("172.16.5.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.251", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "not a public address"),
        ("::ffff:10.0.0.1", "a private address"),
        ("64:ff9b::7f00:1", "a loopback address"),
        ("2002:7f00:1::", "a loopback address"),
        ("93.184.216.34", None),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_rules(address: str, problem: str | None) -> None:
    assert address_problem(ipaddress.ip_address(address)) == problem


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://127.0.0.2:{port}/story", "127.0.0.2 is a loopback address"),
        ("http://[::1]:{port}/story", "::1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata"),
        ("http://10.0.0.8/admin", "10.0.0.8 is a private address"),
    ],
)
def test_a_redirect_to_a_private_address_is_refused(
    server: ArticleServer, target: str, reason: str
) -> None:
    with server as base:
        port = base.rsplit(":", 1)[1]
        server.add("/hop", redirect=target.format(port=port), status=302)
        fetcher = Fetcher(address_policy=loopback_only)
        assert fetcher.fetch(base + "/story").body == PAGE.encode()  # first hop allowed
        message = error_of(fetcher, base + "/hop")
    assert message.startswith("refused: redirect to ")
    assert reason in message
    assert [r.path for r in server.requests] == ["/story", "/hop"]


def test_redirects_are_followed_and_checked(server: ArticleServer) -> None:
    with server as base:
        server.add("/a", redirect="/b", status=301)
        server.add("/b", redirect=base + "/c", status=307)
        server.add("/c", redirect="story", status=308)
        page = Fetcher(address_policy=loopback_only).fetch(base + "/a")
    assert page.final_url == base + "/story"
    assert page.url == base + "/a"
    assert [r.path for r in server.requests] == ["/a", "/b", "/c", "/story"]


def test_too_many_redirects(server: ArticleServer) -> None:
    with server as base:
        for i in range(7):
            server.add(f"/r{i}", redirect=f"/r{i + 1}")
        message = error_of(Fetcher(allow_private=True), base + "/r0")
    assert message == "too many redirects (more than 5)"
    assert len(server.requests) == 6


def test_a_redirect_to_another_scheme_is_refused(server: ArticleServer) -> None:
    with server as base:
        server.add("/ftp", redirect="ftp://files.example.org/story.txt")
        server.add("/file", redirect="file:///etc/passwd")
        fetcher = Fetcher(allow_private=True)
        assert "unsupported URL scheme ftp://" in error_of(fetcher, base + "/ftp")
        assert "unsupported URL scheme file://" in error_of(fetcher, base + "/file")


def test_a_slow_drip_cannot_hold_the_request_past_the_limit(server: ArticleServer) -> None:
    with server as base:
        server.add("/drip", "a" * 200, drip_s=0.1, content_type="text/plain")
        started = time.monotonic()
        message = error_of(Fetcher(allow_private=True, timeout_s=1), base + "/drip")
        elapsed = time.monotonic() - started
    assert message == "timed out after 1 s"
    assert elapsed < 2.0


def test_slow_headers_time_out(server: ArticleServer) -> None:
    with server as base:
        server.add("/late", PAGE, delay_s=5)
        started = time.monotonic()
        message = error_of(Fetcher(allow_private=True, timeout_s=0.5), base + "/late")
        elapsed = time.monotonic() - started
    assert message == "timed out after 0.5 s"
    assert elapsed < 1.5


def test_an_endless_body_is_cut_at_the_cap(server: ArticleServer) -> None:
    with server as base:
        server.add("/endless", "<p>more</p>", endless=True)
        message = error_of(Fetcher(allow_private=True, max_bytes=200_000), base + "/endless")
    assert message == "larger than 200000 bytes"


def test_a_declared_length_over_the_cap_is_refused_before_reading(server: ArticleServer) -> None:
    with server as base:
        server.add("/big", "x" * 5000, content_type="text/plain")
        message = error_of(Fetcher(allow_private=True, max_bytes=1000), base + "/big")
    assert message == "larger than 1000 bytes (5000 bytes)"


def test_gzip_is_decoded_and_a_gzip_bomb_is_capped(server: ArticleServer) -> None:
    with server as base:
        server.add("/gz", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
        bomb = gzip.compress(b" " * 20_000_000)
        assert len(bomb) < 100_000
        server.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
        fetcher = Fetcher(allow_private=True, max_bytes=1_000_000)
        assert fetcher.fetch(base + "/gz").body == PAGE.encode()
        assert error_of(fetcher, base + "/bomb") == "larger than 1000000 bytes"


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("application/pdf", "unsupported content type application/pdf (only HTML or text)"),
        ("image/png", "unsupported content type image/png (only HTML or text)"),
        ("application/json; charset=utf-8", "unsupported content type application/json"),
        (None, "unsupported content type (none given) (only HTML or text)"),
    ],
)
def test_wrong_content_type_is_refused(
    server: ArticleServer, content_type: str | None, message: str
) -> None:
    with server as base:
        server.add("/doc", b"%PDF-1.7 ...", content_type=content_type)
        assert error_of(Fetcher(allow_private=True), base + "/doc").startswith(message)


@pytest.mark.parametrize(
    ("content_type", "media"),
    [
        ("application/xhtml+xml", "application/xhtml+xml"),
        ("text/markdown; charset=UTF-8", "text/markdown"),
        ("TEXT/HTML", "text/html"),
    ],
)
def test_accepted_content_types(server: ArticleServer, content_type: str, media: str) -> None:
    with server as base:
        server.add("/doc", PAGE, content_type=content_type)
        assert Fetcher(allow_private=True).fetch(base + "/doc").content_type == media


@pytest.mark.parametrize(
    ("status", "message"),
    [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"), (403, "HTTP 403")],
)
def test_http_errors(server: ArticleServer, status: int, message: str) -> None:
    with server as base:
        server.add("/gone", "no", status=status)
        assert error_of(Fetcher(allow_private=True), base + "/gone").startswith(message)
        assert error_of(Fetcher(allow_private=True), base + "/missing") == "HTTP 404 Not Found"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/a.txt", "unsupported URL scheme ftp:// (only http and https)"),
        ("file:///etc/passwd", "unsupported URL scheme file:// (only http and https)"),
        ("javascript:alert(1)", "unsupported URL scheme javascript:// (only http and https)"),
        ("http:///nohost", "URL has no host"),
        ("http://user:secret@example.org/", "URLs with a user name or password are not fetched"),
        ("http://example.org:99999/", "bad port in URL"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    assert error_of(Fetcher(), url) == message


def test_connection_refused_is_one_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    message = error_of(Fetcher(allow_private=True, timeout_s=2), f"http://127.0.0.1:{port}/")
    assert message == f"could not connect to 127.0.0.1:{port} (connection refused)"


def test_tls_to_a_plain_http_server_fails_cleanly(server: ArticleServer) -> None:
    with server as base:
        url = base.replace("http://", "https://") + "/story"
        message = error_of(Fetcher(allow_private=True, timeout_s=2), url)
    assert message.startswith(("TLS error", "bad HTTP response", "could not fetch"))


def test_an_unresolvable_host() -> None:
    message = error_of(Fetcher(timeout_s=3), "http://no-such-host.invalid/story")
    assert message in ("cannot resolve host no-such-host.invalid", "timed out after 3 s")


# -- TLS: the checked address is dialled, the URL's host is verified ---------------------------


@pytest.fixture(scope="module")
def localhost_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for the name `localhost` (made with the openssl tool)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def tls_server(cert: Path, key: Path) -> ArticleServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = ArticleServer(tls=context)
    server.add("/story", PAGE)
    return server


def test_https_sends_the_host_name_as_sni_and_verifies_it(
    localhost_cert: tuple[Path, Path],
) -> None:
    cert, key = localhost_cert
    server = tls_server(cert, key)
    trust = ssl.create_default_context(cafile=str(cert))
    with server as base:
        url = base.replace("127.0.0.1", "localhost") + "/story"
        page = Fetcher(allow_private=True, tls_context=trust).fetch(url)
    assert page.body == PAGE.encode()
    assert server.sni == ["localhost"]
    assert server.requests[0].headers["Host"] == url.removeprefix("https://").split("/")[0]


def test_https_refuses_a_certificate_for_another_name(localhost_cert: tuple[Path, Path]) -> None:
    cert, key = localhost_cert
    server = tls_server(cert, key)
    trust = ssl.create_default_context(cafile=str(cert))
    with server as base:
        message = error_of(Fetcher(allow_private=True, tls_context=trust), base + "/story")
    assert message == (
        "TLS error (certificate not accepted: IP address mismatch, certificate is not valid "
        "for '127.0.0.1')"
    )
    assert server.requests == []


def test_https_refuses_an_untrusted_certificate(localhost_cert: tuple[Path, Path]) -> None:
    cert, key = localhost_cert
    server = tls_server(cert, key)
    with server as base:
        url = base.replace("127.0.0.1", "localhost") + "/story"
        message = error_of(Fetcher(allow_private=True), url)
    assert message == "TLS error (certificate not accepted: self-signed certificate)"
