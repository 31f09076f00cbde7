"""Tests for claimtrack.fetch, against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import gzip
import itertools
import re
import socket
import ssl
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack import fetch
from claimtrack.fetch import (
    SNIFF_BYTES,
    USER_AGENT,
    FetchConfig,
    Fetched,
    fetch_urls,
    is_url,
    sniff_kind,
)
from claimtrack.records import Failure

HTML = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello.</p></body></html>"
RSS = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>News</title>'
    b"<item><title>A</title><link>http://example.com/a</link></item></channel></rss>"
)
ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<!-- generated -->\n'
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title></feed>'
)
TEXT = "The minister said the caf\u00e9 was closed.\n".encode("latin-1")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


# --- the server -----------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()  # by path and query
        self.in_flight = 0
        self.max_in_flight = 0
        self.completed: set[str] = set()  # keys of long bodies sent to the end

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up is expected here; no tracebacks on stderr


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.server.lock:
            self.server.hits[self.path] += 1
            self.hit = self.server.hits[self.path]
        route = ROUTES.get(parts.path)
        try:
            if route is None:
                self.reply(404, b"not here", "text/plain")
            else:
                route(self)
        except OSError:  # the client hung up (a size limit, a timeout)
            self.close_connection = True

    def reply(self, status: int, body: bytes, content_type: str | None, **headers: str) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def fixed(body: bytes, content_type: str | None) -> Callable[[Handler], None]:
    return lambda h: h.reply(200, body, content_type)


def redirect(h: Handler) -> None:
    n = int(h.query["n"])
    if n == 0:
        h.reply(200, HTML, "text/html")
    else:
        h.reply(302, b"", "text/plain", Location=f"/redirect?n={n - 1}")


def status(h: Handler) -> None:
    """?code=503 always; with &once=1 only the first time, then a page; &after= a Retry-After."""
    if h.query.get("once") and h.hit > 1:
        h.reply(200, HTML, "text/html")
        return
    extra = {"Retry_After": h.query["after"]} if "after" in h.query else {}
    h.reply(int(h.query["code"]), b"try later", "text/plain", **extra)


def slow(h: Handler) -> None:
    time.sleep(float(h.query["delay"]))
    h.reply(200, HTML, "text/html")


def drip(h: Handler) -> None:
    """A byte every 0.1 s: never a read timeout, but no end in sight."""
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Content-Length", "100")
    h.end_headers()
    for _ in range(100):
        h.wfile.write(b"x")
        time.sleep(0.1)


def chunked(h: Handler) -> None:
    """?total=N bytes in chunks, no Content-Length; &png=1 starts with a PNG signature."""
    total, key = int(h.query["total"]), h.query["key"]
    h.send_response(200)
    h.send_header("Content-Type", h.query.get("type", "text/plain"))
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    sent = 0
    block = b"a" * 65536
    while sent < total:
        data = PNG + block if sent == 0 and h.query.get("png") else block
        h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        sent += len(data)
    h.wfile.write(b"0\r\n\r\n")
    with h.server.lock:
        h.server.completed.add(key)


def declared(h: Handler) -> None:
    """A 50 MB Content-Length, then nothing for a while: only an early refusal is quick."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "50000000")
    h.end_headers()
    time.sleep(3)


def gzipped(h: Handler) -> None:
    body = gzip.compress(b"a" * int(h.query["size"]))
    h.reply(200, body, "text/plain", Content_Encoding="gzip")


def user_agent(h: Handler) -> None:
    h.reply(200, h.headers.get("User-Agent", "").encode(), "text/plain")


def gate(h: Handler) -> None:
    """Counts requests in flight at once."""
    with h.server.lock:
        h.server.in_flight += 1
        h.server.max_in_flight = max(h.server.max_in_flight, h.server.in_flight)
    try:
        time.sleep(float(h.query["delay"]))
    finally:
        with h.server.lock:
            h.server.in_flight -= 1
    h.reply(200, b"ok " + h.query.get("i", "").encode(), "text/plain")


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/html": fixed(HTML, "text/html; charset=utf-8"),
    "/charset": fixed(HTML, "Text/HTML; Charset=ISO-8859-1"),
    "/rss": fixed(RSS, "application/rss+xml"),
    "/atom": fixed(ATOM, "application/atom+xml; charset=utf-8"),
    "/text": fixed(TEXT, "text/plain; charset=iso-8859-1"),
    "/html-as-text": fixed(HTML, "text/plain"),
    "/feed-as-octets": fixed(RSS, "application/octet-stream"),
    "/feed-as-html": fixed(ATOM, "text/html"),
    "/unlabelled": fixed(HTML, None),
    "/png": fixed(PNG, "image/png"),
    "/png-as-text": fixed(PNG, "text/plain"),
    "/sitemap": fixed(b'<?xml version="1.0"?><urlset><url/></urlset>', "application/xml"),
    "/empty": fixed(b"", "text/html"),
    "/redirect": redirect,
    "/loop": lambda h: h.reply(302, b"", None, Location="/loop"),
    "/to-ftp": lambda h: h.reply(301, b"", None, Location="ftp://example.com/file"),
    "/status": status,
    "/slow": slow,
    "/drip": drip,
    "/chunked": chunked,
    "/declared": declared,
    "/gzip": gzipped,
    "/ua": user_agent,
    "/gate": gate,
}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    httpd = Server()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours proxy variables; the test server is reached directly."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


def key() -> str:
    return uuid.uuid4().hex[:12]


def fetch_one(url: str, sleeps: list[float] | None = None, **config: Any) -> Fetched | Failure:
    recorder = sleeps if sleeps is not None else []
    results = list(fetch_urls([url], FetchConfig(**config), sleep=recorder.append))
    assert len(results) == 1
    return results[0]


def fetched(result: Fetched | Failure) -> Fetched:
    assert isinstance(result, Fetched), result
    return result


def failed(result: Fetched | Failure) -> str:
    """The reason of a Failure, after checking its source and stage."""
    assert isinstance(result, Failure), result
    assert result.stage == "ingest"
    return result.message


# --- kinds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind", "body"),
    [
        ("/html", "html", HTML),
        ("/rss", "feed", RSS),
        ("/atom", "feed", ATOM),
        ("/text", "text", TEXT),
        ("/html-as-text", "html", HTML),
        ("/feed-as-octets", "feed", RSS),
        ("/feed-as-html", "feed", ATOM),
        ("/unlabelled", "html", HTML),
    ],
)
def test_kinds_from_header_and_body(server: Server, path: str, kind: str, body: bytes) -> None:
    result = fetched(fetch_one(server.base + path))
    assert (result.kind, result.body, result.status) == (kind, body, 200)
    assert result.url == result.final_url == server.base + path


def test_media_type_and_charset_are_normalised(server: Server) -> None:
    result = fetched(fetch_one(server.base + "/charset"))
    assert (result.media_type, result.charset) == ("text/html", "iso-8859-1")
    plain = fetched(fetch_one(server.base + "/text"))
    assert (plain.media_type, plain.charset) == ("text/plain", "iso-8859-1")
    bare = fetched(fetch_one(server.base + "/unlabelled"))
    assert (bare.media_type, bare.charset) == ("", None)


def test_unsupported_content_types(server: Server) -> None:
    assert failed(fetch_one(server.base + "/png")) == "unsupported content type image/png"
    assert failed(fetch_one(server.base + "/png-as-text")) == (
        "unsupported content type text/plain (the body is a PNG image)"
    )
    assert failed(fetch_one(server.base + "/sitemap")) == (
        "unsupported content type application/xml (the body is not HTML or a feed)"
    )


def test_unsupported_body_is_not_downloaded_in_full(server: Server) -> None:
    k = key()
    url = f"{server.base}/chunked?total=50000000&png=1&type=application/octet-stream&key={k}"
    reason = failed(fetch_one(url))
    assert reason == "unsupported content type application/octet-stream (the body is a PNG image)"
    assert k not in server.completed


def test_empty_body_fails(server: Server) -> None:
    assert failed(fetch_one(server.base + "/empty")) == "empty body (HTTP 200)"


# --- redirects ------------------------------------------------------------------------------


def test_redirect_chain_is_followed(server: Server) -> None:
    url = server.base + "/redirect?n=3"
    result = fetched(fetch_one(url))
    assert result.url == url
    assert result.final_url == server.base + "/redirect?n=0"
    assert result.kind == "html"


def test_redirects_beyond_the_limit_fail(server: Server) -> None:
    assert failed(fetch_one(server.base + "/redirect?n=3", max_redirects=2)) == (
        "more than 2 redirects"
    )
    assert fetched(fetch_one(server.base + "/redirect?n=2", max_redirects=2)).status == 200


def test_redirect_loop_fails(server: Server) -> None:
    before = server.hits["/loop"]
    assert failed(fetch_one(server.base + "/loop")) == "more than 5 redirects"
    assert server.hits["/loop"] - before == 6  # the first request and 5 redirects


def test_redirect_to_another_scheme_fails(server: Server) -> None:
    assert failed(fetch_one(server.base + "/to-ftp")) == (
        "redirected to a non-http(s) URL ftp://example.com/file"
    )


# --- statuses and retries -------------------------------------------------------------------


def test_404_fails_at_once(server: Server) -> None:
    sleeps: list[float] = []
    path = f"/status?code=404&k={key()}"
    assert failed(fetch_one(server.base + path, sleeps)) == "HTTP 404 Not Found"
    assert sleeps == []
    assert server.hits[path] == 1


def test_500_then_200_is_retried(server: Server) -> None:
    sleeps: list[float] = []
    result = fetched(fetch_one(f"{server.base}/status?code=500&once=1&k={key()}", sleeps))
    assert result.kind == "html"
    assert sleeps == [0.5]


def test_always_503_fails_after_retries_with_exponential_waits(server: Server) -> None:
    sleeps: list[float] = []
    path = f"/status?code=503&k={key()}"
    reason = failed(fetch_one(server.base + path, sleeps, retries=3, backoff=0.5))
    assert reason == "HTTP 503 Service Unavailable after 3 retries"
    assert sleeps == [0.5, 1.0, 2.0]
    assert server.hits[path] == 4


def test_back_off_is_capped(server: Server) -> None:
    sleeps: list[float] = []
    url = f"{server.base}/status?code=502&k={key()}"
    reason = failed(fetch_one(url, sleeps, retries=4, backoff=0.5, max_retry_wait=1.5))
    assert reason == "HTTP 502 Bad Gateway after 4 retries"
    assert sleeps == [0.5, 1.0, 1.5, 1.5]


def test_no_retries_means_one_attempt(server: Server) -> None:
    sleeps: list[float] = []
    url = f"{server.base}/status?code=503&k={key()}"
    assert failed(fetch_one(url, sleeps, retries=0)) == "HTTP 503 Service Unavailable"
    assert sleeps == []


def test_429_honours_retry_after_seconds(server: Server) -> None:
    sleeps: list[float] = []
    result = fetch_one(f"{server.base}/status?code=429&once=1&after=2&k={key()}", sleeps)
    assert fetched(result).status == 200
    assert sleeps == [2.0]


def test_retry_after_http_date_is_capped(server: Server) -> None:
    later = format_datetime(datetime.now(timezone.utc) + timedelta(hours=1), usegmt=True)
    sleeps: list[float] = []
    url = f"{server.base}/status?code=429&after={quote(later)}&k={key()}"
    reason = failed(fetch_one(url, sleeps, retries=2, max_retry_wait=30.0))
    assert reason == "HTTP 429 Too Many Requests after 2 retries"
    assert sleeps == [30.0, 30.0]


def test_retry_after_values() -> None:
    now = datetime(2015, 10, 21, 7, 27, 50, tzinfo=timezone.utc)
    assert fetch._retry_after("120", now) == 120.0
    assert fetch._retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 10.0
    assert fetch._retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0.0
    assert fetch._retry_after("soon", now) is None
    assert fetch._retry_after(None, now) is None


# --- time and size limits -------------------------------------------------------------------


def test_slow_response_times_out_and_is_retried(server: Server) -> None:
    sleeps: list[float] = []
    url = f"{server.base}/slow?delay=1&k={key()}"
    reason = failed(fetch_one(url, sleeps, timeout=0.3, retries=1, backoff=0.01))
    assert reason == "timed out (no data for 0.3 s) after 1 retry"
    assert sleeps == [0.01]


def test_whole_request_timeout(server: Server) -> None:
    start = time.monotonic()
    reason = failed(fetch_one(server.base + "/drip", timeout=0.3, total_timeout=0.5, retries=0))
    assert reason == "timed out (whole request over 0.5 s)"
    assert time.monotonic() - start < 2.0


def test_chunked_body_over_max_bytes_is_cut_off(server: Server) -> None:
    k = key()
    reason = failed(fetch_one(f"{server.base}/chunked?total=50000000&key={k}", max_bytes=100_000))
    assert reason == "body over the 100,000 bytes limit; pass --max-bytes"
    assert k not in server.completed  # the client hung up long before the end


def test_chunked_body_within_max_bytes(server: Server) -> None:
    k = key()
    result = fetched(fetch_one(f"{server.base}/chunked?total=200000&key={k}"))
    assert len(result.body) == 65536 * 4 and result.kind == "text"
    assert k in server.completed


def test_large_content_length_is_refused_before_the_body(server: Server) -> None:
    start = time.monotonic()
    reason = failed(fetch_one(server.base + "/declared", max_bytes=1_000_000, timeout=5.0))
    assert reason == "Content-Length 50 MB is over the 1 MB limit; pass --max-bytes"
    assert time.monotonic() - start < 2.0  # the server sends no body for 3 s


def test_decoded_size_counts(server: Server) -> None:
    reason = failed(fetch_one(f"{server.base}/gzip?size=5000000", max_bytes=100_000))
    assert reason == "body over the 100,000 bytes limit; pass --max-bytes"
    assert fetched(fetch_one(f"{server.base}/gzip?size=5000")).body == b"a" * 5000


# --- connections and URLs -------------------------------------------------------------------


def test_connection_refused(server: Server) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{port}/"
    assert failed(fetch_one(url, sleeps, retries=1)) == (
        "cannot connect (connection refused) after 1 retry"
    )
    assert sleeps == [0.5]


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/hosts", "news/a.html", ""])
def test_non_http_urls_fail(url: str) -> None:
    result = fetch_one(url)
    assert failed(result) == "not an http(s) URL"
    assert isinstance(result, Failure) and result.source == url


@pytest.mark.parametrize("url", ["http://[::1", "http://a..b/", "http://a\x00b.com/"])
def test_invalid_urls_fail(url: str) -> None:
    assert failed(fetch_one(url)).startswith("invalid URL (")


def test_transport_errors_as_reasons() -> None:
    config = FetchConfig()
    request = httpx.Request("GET", "http://nowhere.invalid/")
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    dns.__cause__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    outcome = fetch._transport_outcome(dns, "u", request, config)
    assert outcome == Failure(
        "u", "ingest", "cannot resolve host nowhere.invalid (name or service not known)"
    )
    tls = httpx.ConnectError("certificate verify failed")
    cert = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cert.verify_message = "self-signed certificate"
    tls.__cause__ = cert
    outcome = fetch._transport_outcome(tls, "u", request, config)
    assert outcome == Failure("u", "ingest", "TLS error (self-signed certificate)")
    lost = httpx.ReadError("reset")
    lost.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    outcome = fetch._transport_outcome(lost, "u", request, config)
    assert outcome == fetch._Retry("connection lost (connection reset by peer)")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com/a", True),
        ("HTTP://example.com", True),
        ("http://127.0.0.1:8000/x?y=1", True),
        ("ftp://example.com/a", False),
        ("news/a.html", False),
        ("http://", False),
        ("http:/example.com", False),
        ("mailto:a@example.com", False),
    ],
)
def test_is_url(value: str, expected: bool) -> None:
    assert is_url(value) is expected


def test_user_agent(server: Server) -> None:
    assert re.fullmatch(
        r"claimtrack/\d+\.\d+\.\d+\S* \(\+https://github\.com/claimtrack/claimtrack\)", USER_AGENT
    )
    assert fetched(fetch_one(server.base + "/ua")).body == USER_AGENT.encode()
    assert fetched(fetch_one(server.base + "/ua", user_agent="bot/1")).body == b"bot/1"


# --- batches --------------------------------------------------------------------------------


def test_results_come_in_input_order(server: Server) -> None:
    urls = [
        f"{server.base}/slow?delay=0.3&k={key()}",
        server.base + "/html",
        "ftp://example.com/a",
        server.base + "/text",
        f"{server.base}/status?code=404&k={key()}",
    ]
    results = list(fetch_urls(urls, FetchConfig(concurrency=4)))
    assert [r.url if isinstance(r, Fetched) else r.source for r in results] == urls
    assert [type(r).__name__ for r in results] == [
        "Fetched",
        "Fetched",
        "Failure",
        "Fetched",
        "Failure",
    ]


@pytest.mark.parametrize(("limit", "urls"), [(4, 8), (1, 3)])
def test_concurrency_is_limited(server: Server, limit: int, urls: int) -> None:
    with server.lock:
        server.in_flight = server.max_in_flight = 0
    batch = [f"{server.base}/gate?delay=0.15&i={i}&k={key()}" for i in range(urls)]
    results = list(fetch_urls(batch, FetchConfig(concurrency=limit)))
    assert [fetched(r).body for r in results] == [f"ok {i}".encode() for i in range(urls)]
    assert server.max_in_flight <= limit
    if limit > 1:
        assert server.max_in_flight > 1  # requests really overlapped


def test_input_is_read_lazily_and_an_early_stop_ends_the_batch(server: Server) -> None:
    pulled: list[int] = []
    k = key()

    def urls() -> Iterator[str]:
        for i in itertools.count():
            pulled.append(i)
            yield f"{server.base}/gate?delay=0.05&i={i}&k={k}"

    results = fetch_urls(urls(), FetchConfig(concurrency=2))
    assert fetched(next(results)).body == b"ok 0"
    results.close()
    assert len(pulled) <= 2 * 2 + 1  # the window, not the (endless) input
    time.sleep(0.2)
    hits = sum(n for path, n in server.hits.items() if k in path)
    assert hits <= len(pulled)


def test_early_stop_does_not_wait_out_a_back_off(server: Server) -> None:
    path = f"/status?code=503&k={key()}"
    results = fetch_urls([server.base + "/html", server.base + path], FetchConfig(backoff=10.0))
    assert fetched(next(results)).kind == "html"
    time.sleep(0.1)  # the second URL is now waiting 10 s before its retry
    start = time.monotonic()
    results.close()
    assert time.monotonic() - start < 2.0
    assert server.hits[path] == 1  # and no retry was made after the stop


def test_bad_arguments_raise_at_call_time() -> None:
    with pytest.raises(TypeError, match="not a single string"):
        fetch_urls("http://example.com/")
    for bad in (
        {"timeout": 0},
        {"total_timeout": -1},
        {"max_redirects": -1},
        {"max_bytes": 0},
        {"retries": -1},
        {"backoff": -0.5},
        {"max_retry_wait": float("nan")},
        {"concurrency": 0},
    ):
        with pytest.raises(ValueError, match=next(iter(bad))):
            FetchConfig(**bad)


# --- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("media_type", "body", "kind"),
    [
        ("text/html", HTML, "html"),
        ("text/html", b"", "html"),
        ("TEXT/HTML; charset=utf-8", b"Hello", "html"),
        ("application/xhtml+xml", b'<?xml version="1.0"?><html xmlns="x">', "html"),
        ("text/plain", b"  \n<!-- x --><HTML><body>", "html"),
        ("text/plain", b"<!doctype html>", "html"),
        ("text/plain", b"\xef\xbb\xbf<p>Hello</p>", "html"),
        ("text/plain", "<html>".encode("utf-16"), "html"),
        ("text/plain", b"<3 this", "text"),
        ("text/plain", b"The minister said", "text"),
        ("", b"The minister said", "text"),
        ("application/octet-stream", RSS, "feed"),
        ("application/xml", RSS, "feed"),
        ("text/xml", b'<?xml version="1.0"?><?xml-stylesheet href="s"?><rdf:RDF>', "feed"),
        ("application/rss+xml", b"", "feed"),
        ("text/html", ATOM, "feed"),
        ("application/atom+xml", HTML, "html"),
        ("application/xml", b"<urlset/>", None),
        ("application/json", b'{"a": 1}', None),
        ("application/feed+json", b' {"version": "https://jsonfeed.org/version/1.1"}', "feed"),
        ("application/json", b'{"version":"http://jsonfeed.org/version/1"}', "feed"),
        ("text/plain", b'{"version": "https://jsonfeed.org/version/1.1"}', "feed"),
        ("image/png", PNG, None),
        ("text/html", PNG, None),
        ("text/plain", b"%PDF-1.7\n", None),
        ("text/plain", b"abc\x00def", None),
        ("application/pdf", b"%PDF-1.7\n", None),
    ],
)
def test_sniff_kind(media_type: str, body: bytes, kind: str | None) -> None:
    assert sniff_kind(media_type, body) == kind


FRAGMENTS = [
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b'<?xml version="1.0"?>',
    b"<!-- c -->",
    b"<!--",
    b"<!DOCTYPE html>",
    b"<!doctype rss>",
    b"<rss>",
    b"<feed",
    b"<html>",
    b"<p>",
    b" \n",
    b"\x89PNG\r\n\x1a\n",
    b"text",
    b'{"version": "https://jsonfeed.org/version/1.1"',
]
MEDIA_TYPES = [
    "",
    "text/html",
    "text/plain; charset=utf-8",
    "application/xml",
    "application/rss+xml",
    "application/octet-stream",
    "application/json",
    "image/png",
]


@given(
    st.sampled_from(MEDIA_TYPES) | st.text(max_size=40),
    st.lists(st.sampled_from(FRAGMENTS), max_size=6).map(b"".join) | st.just(b""),
    st.binary(max_size=SNIFF_BYTES + 100),
)
def test_sniff_kind_never_raises_and_reads_only_the_first_bytes(
    media_type: str, start: bytes, rest: bytes
) -> None:
    body = start + rest
    kind = sniff_kind(media_type, body)
    assert kind in ("html", "feed", "text", None)
    assert sniff_kind(media_type, body[:SNIFF_BYTES]) == kind
