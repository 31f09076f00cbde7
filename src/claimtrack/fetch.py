"""Fetch: http(s) URLs -> ``Fetched`` responses (bytes + sniffed kind) for ingest.

``fetch_urls`` is the entry point. It fetches on a bounded pool of threads that
share one ``httpx.Client``, yields one result per URL in input order, and turns
every bad URL or network problem into a ``Failure(url, "ingest", reason)``
instead of raising, so one dead link never stops a batch::

    fetch_urls(["https://example.com/a", "ftp://x/y", "https://example.com/gone"])
      ->  Fetched(url="https://example.com/a", final_url="https://www.example.com/a",
                  status=200, media_type="text/html", charset="utf-8", kind="html", body=b"..."),
          Failure("ftp://x/y", "ingest", "not an http(s) URL"),
          Failure("https://example.com/gone", "ingest", "HTTP 404 Not Found")

Decisions worth knowing (tests/test_fetch.py pins each of them):

- Timeouts: ``timeout`` bounds connecting and every wait for data; ``total_timeout``
  bounds one attempt as a whole (redirects and body included), checked between
  chunks, so a server that drips a byte a second cannot hold a worker for ever.
- Redirects are followed by hand, up to ``max_redirects``, so that a redirect's
  own body is never read and only http(s) targets are followed.
- Size: a Content-Length over ``max_bytes`` is refused before the body is read;
  otherwise the body is streamed and dropped as soon as it passes ``max_bytes``
  (counted after content decoding, so a gzip bomb stops there too).
- Kind: ``sniff_kind`` reads the Content-Type header and the first
  ``SNIFF_BYTES`` of the body, because servers lie: markup at the start of the
  body wins over text/plain, application/octet-stream or a missing header, a
  feed (RSS, RSS 1.0, Atom, JSON Feed) served as text/html is a feed, and a
  binary body (PNG, PDF, NUL bytes...) is refused whatever the header says. The
  decision is taken on the first bytes, so an unsupported body is not
  downloaded in full.
- Retries: 408, 429 and 5xx (but 501 and 505) responses, connect errors other
  than DNS and TLS failures, lost connections and timeouts are retried up to
  ``retries`` times, waiting ``backoff * 2**n`` seconds, or what Retry-After
  asks (seconds or an HTTP date), never more than ``max_retry_wait``.
- Concurrency: at most ``concurrency`` requests at once; at most twice that many
  results are in flight or waiting to be yielded, so memory stays near
  ``2 * concurrency * max_bytes`` however long the input.
"""

from __future__ import annotations

import email.utils
import math
import re
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice
from typing import Literal

import httpx

from claimtrack import __version__
from claimtrack.records import Failure

STAGE = "ingest"
USER_AGENT = f"claimtrack/{__version__} (+https://github.com/claimtrack/claimtrack)"
SNIFF_BYTES = 2048  # sniff_kind reads no further than this into a body

Kind = Literal["html", "feed", "text"]

_ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml,"
    " application/xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "text/rss+xml",
    }
)
_JSON_FEED_TYPES = frozenset({"application/feed+json", "application/json"})
_XML_TYPES = frozenset({"application/xml", "text/xml"})
_TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
# Labels that say nothing about the body: the body's first bytes decide.
_UNLABELLED = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/unknown",
        "unknown/unknown",
    }
)
_READABLE = _HTML_TYPES | _FEED_TYPES | _JSON_FEED_TYPES | _XML_TYPES | _TEXT_TYPES | _UNLABELLED
# WHATWG MIME sniffing's HTML openers, plus the tags pages written by hand start with.
_HTML_ROOTS = frozenset(
    {"html", "head", "body", "title", "meta", "link", "script", "style", "iframe"}
    | {"div", "p", "a", "b", "br", "font", "table", "h1", "h2", "h3"}
)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
)
# utf-32 before utf-16: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Bytes that never occur in text (WHATWG MIME sniffing's "binary data bytes").
_BINARY_BYTES = re.compile(b"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype\s*([^\s>\[]*)[^>]*>)", re.DOTALL)
_JSON_FEED = re.compile(r'\{\s*"version"\s*:\s*"https?://jsonfeed\.org/version/')
_FIRST_TAG = re.compile(r"\s*<([a-z][a-z0-9:._-]*)")
_DIGITS = re.compile(r"[0-9]{1,10}")


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """How ``fetch_urls`` fetches; ValueError on construction for a value out of range.

    Seconds: ``timeout`` per connect or read, ``total_timeout`` per attempt, and
    ``backoff`` / ``max_retry_wait`` for the waits between attempts.
    """

    timeout: float = 20.0
    total_timeout: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 20_000_000
    retries: int = 3
    backoff: float = 0.5
    max_retry_wait: float = 30.0
    concurrency: int = 4
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        for name in ("timeout", "total_timeout"):
            value = getattr(self, name)
            if not value > 0 or math.isinf(value):
                raise ValueError(f"{name} must be a positive number of seconds, not {value}")
        for name in ("backoff", "max_retry_wait"):
            value = getattr(self, name)
            if not 0 <= value < math.inf:
                raise ValueError(f"{name} must be 0 or more seconds, not {value}")
        for name, least in (("max_redirects", 0), ("retries", 0), ("max_bytes", 1)):
            if getattr(self, name) < least:
                raise ValueError(f"{name} must be at least {least}, not {getattr(self, name)}")
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {self.concurrency}")


@dataclass(frozen=True, slots=True)
class Fetched:
    """One successful response: the whole body, at most ``max_bytes`` of it."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    media_type: str  # from the header, lowercased, no parameters ("" when absent)
    charset: str | None  # from the header, lowercased
    kind: Kind  # sniffed from the header and the body
    body: bytes


def is_url(value: str) -> bool:
    """Whether ``value`` is meant as an http(s) URL (it may still fail to fetch).

    "https://example.com/a" -> True      "HTTP://example.com" -> True
    "ftp://example.com/a"   -> False     "news/a.html"        -> False
    """
    if not isinstance(value, str):
        return False
    scheme, sep, rest = value.partition("://")
    return bool(sep and rest) and scheme.lower() in ("http", "https")


def sniff_kind(media_type: str, body: bytes) -> Kind | None:
    """What a response is, from its Content-Type and its first ``SNIFF_BYTES`` bytes.

    "text/html", b"<!doctype html>..."               -> "html"
    "text/plain", b"<html><body>..."                 -> "html"   (the body wins)
    "application/octet-stream", b"<?xml ...?><rss"   -> "feed"
    "text/html", b"<?xml ...?><feed xmlns=...>"      -> "feed"
    "application/json", b'{"version": "https://jsonfeed.org/version/1.1"' -> "feed"
    "text/plain", b"The minister said..."            -> "text"
    "image/png", ... / "text/plain", b"\\x89PNG..."   -> None     (unsupported)
    """
    media_type = _media_type(media_type)
    prefix = body[:SNIFF_BYTES]
    if _binary_kind(prefix) is not None:
        return None
    markup = _markup_kind(_head_text(prefix))
    if media_type in _HTML_TYPES:
        return "feed" if markup == "feed" else "html"
    if media_type in _FEED_TYPES:
        return "html" if markup == "html" else "feed"
    if media_type in _XML_TYPES or media_type in _JSON_FEED_TYPES:
        return markup
    if media_type in _TEXT_TYPES or media_type in _UNLABELLED:
        return markup or "text"
    return None


def fetch_urls(
    urls: Iterable[str],
    config: FetchConfig = FetchConfig(),
    *,
    sleep: Callable[[float], object] | None = None,
) -> Generator[Fetched | Failure, None, None]:
    """Fetch each URL; one ``Fetched`` or ``Failure`` per URL, in input order, as they come.

    ["https://example.com/a", "https://example.com/slow"]
        -> Fetched(url="https://example.com/a", kind="html", ...),
           Failure("https://example.com/slow", "ingest", "timed out (no data for 20.0 s)")

    ``urls`` is read lazily. Closing the generator (or dropping it) stops the
    batch: queued URLs are skipped, and it returns once the requests in flight
    end, with the connections closed. ``sleep(seconds)`` is called for each wait
    between attempts (tests pass a recorder); by default a wait ends early when
    the consumer stops. Never raises for a bad URL or a network error; raises
    TypeError at call time for a bare string (ValueError comes from FetchConfig).
    """
    if isinstance(urls, (str, bytes)):
        raise TypeError("urls must be a list of URLs, not a single string")
    return _fetch_all(iter(urls), config, sleep)


# --- scheduling -----------------------------------------------------------------------------


def _fetch_all(
    urls: Iterator[str], config: FetchConfig, sleep: Callable[[float], object] | None
) -> Generator[Fetched | Failure, None, None]:
    """Keep up to 2 * concurrency URLs in flight and yield their results in order."""
    stop = threading.Event()
    wait = sleep if sleep is not None else stop.wait
    client = _client(config)
    pool = ThreadPoolExecutor(config.concurrency, thread_name_prefix="claimtrack-fetch")
    window: deque[Future[Fetched | Failure]] = deque()
    try:

        def submit(url: str) -> None:
            window.append(pool.submit(_fetch_one, client, url, config, wait, stop))

        for url in islice(urls, 2 * config.concurrency):
            submit(url)
        while window:
            result = window.popleft().result()
            for url in islice(urls, 1):  # refill before yielding: workers keep busy
                submit(url)
            yield result
    finally:
        # An early stop: skip pending URLs and back-off waits, let the requests
        # in flight end (each within total_timeout), then close the connections.
        stop.set()
        for future in window:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        client.close()


def _client(config: FetchConfig) -> httpx.Client:
    """One client for all workers (httpx.Client is thread-safe), pooled to the concurrency."""
    return httpx.Client(
        headers={"User-Agent": config.user_agent, "Accept": _ACCEPT},
        timeout=httpx.Timeout(config.timeout),
        limits=httpx.Limits(
            max_connections=config.concurrency, max_keepalive_connections=config.concurrency
        ),
        follow_redirects=False,  # followed by hand in _attempt
    )


# --- one URL --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Retry:
    """An attempt that failed in a way worth trying again."""

    reason: str
    retry_after: float | None = None


def _fetch_one(
    client: httpx.Client,
    url: str,
    config: FetchConfig,
    wait: Callable[[float], object],
    stop: threading.Event,
) -> Fetched | Failure:
    """Every attempt at one URL, with the waits between them; never raises for the network."""
    if not is_url(url):
        return Failure(url, STAGE, "not an http(s) URL")
    retried = 0
    outcome = _attempt(client, url, config)
    while isinstance(outcome, _Retry) and retried < config.retries and not stop.is_set():
        wait(_retry_wait(outcome.retry_after, retried, config))
        if stop.is_set():  # the consumer stopped during the wait
            break
        retried += 1
        outcome = _attempt(client, url, config)
    if not isinstance(outcome, _Retry):
        return outcome
    plural = "retry" if retried == 1 else "retries"
    suffix = f" after {retried} {plural}" if retried else ""
    return Failure(url, STAGE, outcome.reason + suffix)


def _retry_wait(retry_after: float | None, retried: int, config: FetchConfig) -> float:
    """Retry-After when the server gave one, else backoff * 2**retried; at most max_retry_wait."""
    if retry_after is None:
        retry_after = config.backoff * 2.0 ** min(retried, 64)
    return min(retry_after, config.max_retry_wait)


def _attempt(client: httpx.Client, url: str, config: FetchConfig) -> Fetched | Failure | _Retry:
    """One GET of ``url``, following redirects by hand, within ``total_timeout``."""
    deadline = time.monotonic() + config.total_timeout
    try:
        request = client.build_request("GET", url)
    except (httpx.InvalidURL, UnicodeError) as exc:
        return Failure(url, STAGE, f"invalid URL ({_message(exc)})")
    if not request.url.host:
        return Failure(url, STAGE, "invalid URL (no host)")
    try:
        for _ in range(config.max_redirects + 1):
            response = client.send(request, stream=True)
            try:
                if response.next_request is None:
                    return _receive(url, response, config, deadline)
                request = response.next_request
            finally:
                response.close()
            if request.url.scheme not in ("http", "https"):
                return Failure(url, STAGE, f"redirected to a non-http(s) URL {request.url}")
            if time.monotonic() > deadline:
                return _Retry(f"timed out (whole request over {_seconds(config.total_timeout)})")
        return Failure(url, STAGE, f"more than {config.max_redirects} redirects")
    except (httpx.HTTPError, httpx.InvalidURL, OSError, UnicodeError) as exc:
        return _transport_outcome(exc, url, request, config)


def _receive(
    url: str, response: httpx.Response, config: FetchConfig, deadline: float
) -> Fetched | Failure | _Retry:
    """A final (non-redirect) response: its status, size, kind and body."""
    status = response.status_code
    if _retryable(status):
        return _Retry(_status_reason(response), _retry_after(response.headers.get("Retry-After")))
    if not 200 <= status < 300:
        return Failure(url, STAGE, _status_reason(response))
    media_type = _media_type(response.headers.get("Content-Type", ""))
    charset = response.charset_encoding
    declared = _content_length(response)
    if declared is not None and declared > config.max_bytes:
        size, limit = _size(declared, up=True), _size(config.max_bytes, up=False)
        return Failure(
            url, STAGE, f"Content-Length {size} is over the {limit} limit; pass --max-bytes"
        )
    body = bytearray()
    kind: Kind | None = None
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > config.max_bytes:
            limit = _size(config.max_bytes, up=False)
            return Failure(url, STAGE, f"body over the {limit} limit; pass --max-bytes")
        if time.monotonic() > deadline:
            return _Retry(f"timed out (whole request over {_seconds(config.total_timeout)})")
        if kind is None and len(body) >= SNIFF_BYTES:
            kind = sniff_kind(media_type, bytes(body[:SNIFF_BYTES]))
            if kind is None:  # decided on the first bytes: do not download the rest
                return Failure(url, STAGE, _unsupported(media_type, bytes(body)))
    if not body:
        return Failure(url, STAGE, f"empty body (HTTP {status})")
    data = bytes(body)
    kind = kind or sniff_kind(media_type, data)
    if kind is None:
        return Failure(url, STAGE, _unsupported(media_type, data))
    return Fetched(
        url=url,
        final_url=str(response.url),
        status=status,
        media_type=media_type,
        charset=charset.lower() if charset else None,
        kind=kind,
        body=data,
    )


def _retryable(status: int) -> bool:
    """408, 429 and server errors, but not those that say it will never work (501, 505)."""
    return status in (408, 429) or (500 <= status <= 599 and status not in (501, 505))


def _status_reason(response: httpx.Response) -> str:
    """HTTP 404 -> "HTTP 404 Not Found"; an unknown status keeps the server's phrase."""
    phrase = httpx.codes.get_reason_phrase(response.status_code)
    if not phrase:
        phrase = "".join(c for c in response.reason_phrase[:60] if c.isprintable()).strip()
    return f"HTTP {response.status_code} {phrase}".rstrip()


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or not _DIGITS.fullmatch(value.strip()):
        return None
    return int(value.strip())


def _retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After in seconds: "120" -> 120.0; an HTTP date -> seconds from now (0 if past)."""
    if value is None:
        return None
    value = value.strip()
    if _DIGITS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def _transport_outcome(
    exc: Exception, url: str, request: httpx.Request, config: FetchConfig
) -> Failure | _Retry:
    """A transport error as one line: retried when it may pass, a Failure when it will not."""
    timeout = _seconds(config.timeout)
    if isinstance(exc, httpx.ConnectTimeout):
        return _Retry(f"timed out connecting ({timeout})")
    if isinstance(exc, httpx.ReadTimeout):
        return _Retry(f"timed out (no data for {timeout})")
    if isinstance(exc, httpx.TimeoutException):
        return _Retry(f"timed out ({timeout})")
    cause = _os_cause(exc)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return Failure(url, STAGE, f"TLS error ({cause.verify_message or cause.reason})")
    if isinstance(cause, ssl.SSLError):
        return Failure(url, STAGE, f"TLS error ({cause.reason or _message(cause)})")
    if isinstance(cause, socket.gaierror):
        reason = f"cannot resolve host {request.url.host} ({_os_reason(cause, exc)})"
        return _Retry(reason) if cause.errno == socket.EAI_AGAIN else Failure(url, STAGE, reason)
    if isinstance(exc, httpx.ConnectError):
        return _Retry(f"cannot connect ({_os_reason(cause, exc)})")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.CloseError)):
        return _Retry(f"connection lost ({_os_reason(cause, exc)})")
    if isinstance(exc, httpx.RemoteProtocolError):
        reason = f"protocol error ({_lower(_message(exc))})"
        return _Retry(reason) if "disconnected" in reason else Failure(url, STAGE, reason)
    if isinstance(exc, httpx.DecodingError):
        return Failure(url, STAGE, f"cannot decode the body ({_lower(_message(exc))})")
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError)):
        return Failure(url, STAGE, f"invalid URL ({_message(exc)})")
    return Failure(url, STAGE, f"{type(exc).__name__} ({_lower(_message(exc))})")


def _os_cause(exc: BaseException) -> OSError | None:
    """The OSError under httpx's and httpcore's wrappers, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _os_reason(cause: OSError | None, exc: Exception) -> str:
    """ConnectionRefusedError(111, "Connection refused") -> "connection refused"."""
    if cause is not None and cause.strerror:
        return _lower(cause.strerror)
    return _lower(_message(cause or exc))


# --- sniffing -------------------------------------------------------------------------------


def _media_type(content_type: str) -> str:
    """Content-Type -> media type: "Text/HTML; charset=UTF-8" -> "text/html"."""
    return content_type.partition(";")[0].strip().lower()


def _binary_kind(prefix: bytes) -> str | None:
    """What a binary body is ("a PNG image", "binary data"), or None for text."""
    for signature, name in _SIGNATURES:
        if prefix.startswith(signature):
            return name
    if any(prefix.startswith(bom) for bom, _ in _BOMS):
        return None  # UTF-16/32 text has NUL bytes
    return "binary data" if _BINARY_BYTES.search(prefix) else None


def _head_text(prefix: bytes) -> str:
    """The first bytes as lowercase text for markup checks (BOM-aware, never fails)."""
    for bom, codec in _BOMS:
        if prefix.startswith(bom):
            return prefix[len(bom) :].decode(codec, "replace").lower()
    return prefix.decode("latin-1").lower()  # markup is ASCII in every encoding we meet


def _markup_kind(head: str) -> Kind | None:
    """The kind the first element says ("rss" -> "feed"), after <?xml?>, comments, doctype.

    A JSON Feed (jsonfeed.org) is a feed too: feedparser reads it.
    """
    if _JSON_FEED.match(head.lstrip()):
        return "feed"
    position = 0
    doctype = ""
    while found := _PROLOG.match(head, position):
        doctype = found.group(1) or doctype
        position = found.end()
    tag = _FIRST_TAG.match(head, position)
    if tag is None:
        return "html" if doctype == "html" else None
    local = tag.group(1).rpartition(":")[2]
    if local in _FEED_ROOTS:
        return "feed"
    if local in _HTML_ROOTS or doctype == "html":
        return "html"
    return None


def _unsupported(media_type: str, body: bytes) -> str:
    """Why ``sniff_kind`` refused a body: "unsupported content type image/png", or for a
    type we read, what the body is: "... text/plain (the body is a PNG image)".
    """
    reason = f"unsupported content type {media_type or '(none given)'}"
    if media_type in _READABLE:
        found = _binary_kind(body[:SNIFF_BYTES])
        reason += f" (the body is {found})" if found else " (the body is not HTML or a feed)"
    return reason


# --- helpers --------------------------------------------------------------------------------


def _size(n: int, *, up: bool) -> str:
    """12_345_678 -> "12.4 MB" (up) / "12.3 MB"; 2_048 -> "2,048 bytes".

    Sizes round up and limits down, so a size just over a limit never prints as equal.
    """
    if n < 1_000_000:
        return f"{n:,} bytes"
    tenths = math.ceil(n / 100_000) if up else n // 100_000
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth} MB" if tenth else f"{whole} MB"


def _seconds(value: float) -> str:
    """2 -> "2.0 s", 0.25 -> "0.25 s"."""
    return f"{value:.1f} s" if round(value, 1) == value else f"{value:g} s"


def _message(exc: BaseException) -> str:
    return str(exc).strip().rstrip(".") or type(exc).__name__


def _lower(text: str) -> str:
    """First letter lowered: "Connection refused" -> "connection refused"; leaves "TLS..." alone."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


__all__ = [
    "SNIFF_BYTES",
    "USER_AGENT",
    "FetchConfig",
    "Fetched",
    "fetch_urls",
    "is_url",
    "sniff_kind",
]
