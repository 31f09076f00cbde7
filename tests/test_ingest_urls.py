"""URL inputs and --fetch, against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimtrack import Analysis, analyze_sources
from claimtrack.cli import main
from claimtrack.fetch import FetchConfig
from claimtrack.ingest import Metadata, read_sources
from claimtrack.records import Article, Failure

HTML_DIR = Path(__file__).resolve().parent / "data" / "html"
BBC = gzip.decompress((HTML_DIR / "bbc.com.52241221.html.gz").read_bytes())
LONG = " ".join(f"Officials said on Friday that bridge {n} would reopen." for n in range(30))


def page(title: str, sentence: str, head: str = "") -> bytes:
    paragraphs = "".join(f"<p>{sentence} Paragraph {n} of the story.</p>" for n in range(6))
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head>"
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def rss(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Wire</title>{items}</channel></rss>"
    ).encode()


FULL_FEED = rss(
    "<item><title>Bridges</title><link>https://news.example/bridges</link>"
    "<pubDate>Mon, 05 Jun 2023 10:00:00 +0000</pubDate>"
    f"<content:encoded><![CDATA[<p>{LONG}</p>]]></content:encoded></item>"
)


def summary_feed(base: str) -> bytes:
    return rss(
        f"<item><title>Entry one</title><link>{base}/story/1</link>"
        "<author>ann@news.example (Ann Lee)</author>"
        "<pubDate>Mon, 05 Jun 2023 10:00:00 +0000</pubDate>"
        "<description>Soon.</description></item>"
        f"<item><title>Entry two</title><link>{base}/story/2</link>"
        "<pubDate>Tue, 06 Jun 2023 10:00:00 +0000</pubDate>"
        "<description>Later.</description></item>"
        f"<item><title>Entry three</title><link>{base}/gone</link>"
        "<description>Never.</description></item>"
    )


STORY_1 = page("The harbour reopens", "The mayor said the harbour would reopen on Monday.")
STORY_2 = page(
    "Ferries resume",
    "The ferry company said services would resume next week.",
    head='<meta property="article:published_time" content="2020-01-01">'
    '<meta name="author" content="Page Author">',
)


# --- the server -----------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hits[self.path] += 1
            hits = self.server.hits[self.path]
        route = ROUTES.get(self.path)
        if self.path == "/flaky" and hits == 1:  # unavailable once, then served
            self.reply(503, b"busy", "text/plain")
        elif self.path == "/slow":
            time.sleep(2)
            self.reply(200, STORY_1, "text/html")
        elif route is None:
            self.reply(404, b"not here", "text/plain")
        else:
            body, content_type = route(self.server.base)
            self.reply(200, body, content_type)

    def reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


Route = Callable[[str], tuple[bytes, str]]
ROUTES: dict[str, Route] = {
    "/bbc": lambda base: (BBC, "text/html; charset=utf-8"),
    "/full.xml": lambda base: (FULL_FEED, "application/rss+xml"),
    "/summary.xml": lambda base: (summary_feed(base), "application/rss+xml"),
    "/story/1": lambda base: (STORY_1, "text/html"),
    "/story/2": lambda base: (STORY_2, "text/html"),
    "/flaky": lambda base: (STORY_2, "text/html"),
    "/latin1.txt": lambda base: (
        "The minister said the caf\u00e9 would close.".encode("latin-1"),
        "text/plain; charset=iso-8859-1",
    ),
}


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join()


@pytest.fixture
def refused() -> str:
    """A URL on a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing"


FAST = FetchConfig(timeout=5, retries=0, backoff=0)


def read_all(inputs: list[str], **kwargs: Any) -> list[Article | Failure]:
    kwargs.setdefault("fetch_config", FAST)
    return list(read_sources(inputs, **kwargs))


# --- reading URLs ---------------------------------------------------------------------------


def test_html_url_is_one_article_with_url_and_metadata(server: Server) -> None:
    url = f"{server.base}/bbc"
    [article] = read_all([url])
    assert isinstance(article, Article)
    assert article.source == url
    assert article.text.startswith("Coronavirus: New York ramps up mass burials")
    # the page's canonical URL wins over the URL fetched
    assert article.url == "https://www.bbc.com/news/world-us-canada-52241221"
    assert (article.publisher, article.published) == ("BBC News", date(2020, 4, 10))
    assert article.encoding == "utf-8" and article.raw_path is None
    assert article.raw_sha256 is not None


def test_page_without_canonical_url_gets_the_url_fetched(server: Server) -> None:
    [article] = read_all([f"{server.base}/story/1"])
    assert isinstance(article, Article)
    assert article.url == f"{server.base}/story/1"
    assert article.title == "The harbour reopens"


def test_explicit_metadata_wins_over_the_page(server: Server) -> None:
    [article] = read_all([f"{server.base}/bbc"], meta=Metadata(url="https://x.example/a"))
    assert isinstance(article, Article) and article.url == "https://x.example/a"


def test_text_url_is_decoded_with_the_header_charset(server: Server) -> None:
    [article] = read_all([f"{server.base}/latin1.txt"])
    assert isinstance(article, Article)
    assert article.text == "The minister said the caf\u00e9 would close."
    assert article.encoding == "iso8859-1"  # the header's, as Python names it
    assert article.url == f"{server.base}/latin1.txt"


def test_feed_url_with_full_text_gives_its_entries(server: Server) -> None:
    url = f"{server.base}/full.xml"
    [article] = read_all([url])
    assert isinstance(article, Article)
    assert (article.source, article.text, article.title) == (f"{url}#1", LONG, "Bridges")
    assert (article.url, article.published, article.publisher) == (
        "https://news.example/bridges",
        date(2023, 6, 5),
        "Wire",
    )


def test_summary_feed_without_fetch_is_one_failure_per_entry(server: Server) -> None:
    url = f"{server.base}/summary.xml"
    results = read_all([url])
    assert all(isinstance(r, Failure) for r in results) and len(results) == 3
    assert str(results[0]) == (
        f"{url}#1: feed entry has only a summary, no full text;"
        f" its article is at {server.base}/story/1 (pass --fetch to read it)"
    )
    assert server.hits["/story/1"] == 0 and server.hits["/story/2"] == 0


def test_summary_feed_with_fetch_reads_each_linked_page(server: Server) -> None:
    url = f"{server.base}/summary.xml"
    one, two, three = read_all([url], fetch=True)
    assert server.hits["/story/1"] == 1 and server.hits["/story/2"] == 1
    assert isinstance(one, Article) and isinstance(two, Article)
    assert one.source == f"{url}#1" and "harbour would reopen" in one.text
    assert one.url == f"{server.base}/story/1"
    # the page's title wins; the entry fills what the page lacks (author, date)
    assert (one.title, one.author, one.published) == (
        "The harbour reopens",
        "Ann Lee",
        date(2023, 6, 5),
    )
    # the entry's date wins over the page's; the page's author over the entry's none
    assert (two.published, two.author) == (date(2023, 6, 6), "Page Author")
    assert isinstance(three, Failure)
    assert str(three) == f"{url}#3: fetching {server.base}/gone: HTTP 404 Not Found"


def test_fetch_also_applies_to_feed_files(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "wire.xml"
    path.write_bytes(summary_feed(server.base))
    results = read_all([str(path)], fetch=True)
    assert [type(r).__name__ for r in results] == ["Article", "Article", "Failure"]
    assert results[0].source == f"{path}#1"


def test_failed_urls_are_failures_and_the_batch_goes_on(
    server: Server, refused: str, tmp_path: Path
) -> None:
    good = tmp_path / "a.txt"
    good.write_text("The minister said the bridge would reopen.", encoding="utf-8")
    missing = f"{server.base}/missing"
    results = read_all([missing, str(good), refused, f"{server.base}/story/1"])
    assert [type(r).__name__ for r in results] == ["Failure", "Article", "Failure", "Article"]
    assert str(results[0]) == f"{missing}: HTTP 404 Not Found"
    assert results[1].source == str(good)
    assert results[2].source == refused and "refused" in str(results[2])
    assert results[3].source == f"{server.base}/story/1"


def test_max_bytes_limits_fetched_bodies(server: Server) -> None:
    [failure] = list(read_sources([f"{server.base}/bbc"], max_bytes=1000))
    assert isinstance(failure, Failure) and failure.source == f"{server.base}/bbc"


# --- the command line -----------------------------------------------------------------------


@pytest.mark.model
def test_cli_extract_url_exit_0(server: Server) -> None:
    url = f"{server.base}/story/1"
    result = CliRunner().invoke(main, ["extract", "--format", "jsonl", "-q", url])
    assert result.exit_code == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert json.loads(line)["article"]["source"] == url


@pytest.mark.model
def test_cli_extract_failed_url_exit_1(server: Server, refused: str) -> None:
    good = f"{server.base}/story/1"
    args = ["extract", "--format", "jsonl", "-q", "--retries", "0", "--timeout", "5"]
    result = CliRunner().invoke(main, [*args, f"{server.base}/missing", refused, good])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"claimtrack: {server.base}/missing: HTTP 404 Not Found"
    assert lines[1].startswith(f"claimtrack: {refused}: ")
    assert len(lines) == 2
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.model
def test_cli_fetch_flag(server: Server) -> None:
    url = f"{server.base}/summary.xml"
    args = ["extract", "--format", "jsonl", "-q", "--retries", "0", "--concurrency", "2"]
    result = CliRunner().invoke(main, [*args, "--fetch", url])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr.splitlines() == [
        f"claimtrack: {url}#3: fetching {server.base}/gone: HTTP 404 Not Found"
    ]


# --- the API --------------------------------------------------------------------------------


@pytest.mark.model
def test_api_fetch_reads_summary_entries_with_bounded_concurrency(server: Server) -> None:
    results = list(analyze_sources([f"{server.base}/summary.xml"], fetch=True, retries=0, concurrency=2))
    assert [type(r).__name__ for r in results] == ["Analysis", "Analysis", "Failure"]
    first = results[0]
    assert isinstance(first, Analysis) and first.article.url == f"{server.base}/story/1"
    assert "harbour" in first.article.text
    assert server.hits["/story/1"] == server.hits["/story/2"] == 1


@pytest.mark.model
def test_api_retries_a_503(server: Server) -> None:
    url = f"{server.base}/flaky"
    [failed] = list(analyze_sources([url], retries=0))
    assert isinstance(failed, Failure) and "503" in str(failed)
    [ok] = list(analyze_sources([url], retries=1))  # the server answers 200 from now on
    assert isinstance(ok, Analysis) and ok.article.url == url


@pytest.mark.model
def test_api_timeout(server: Server) -> None:
    url = f"{server.base}/slow"
    [failed] = list(analyze_sources([url], timeout=0.3, retries=0))
    assert isinstance(failed, Failure) and failed.source == url
    assert "timed out" in str(failed)


def test_api_rejects_out_of_range_fetch_options() -> None:
    with pytest.raises(ValueError):
        list(analyze_sources(["https://news.example/"], retries=-1))
    with pytest.raises(ValueError):
        list(analyze_sources(["https://news.example/"], concurrency=0))
