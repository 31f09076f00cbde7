"""HTML pages and RSS/Atom feeds, read from their raw bytes by claimtrack.html and .feeds.

``markup_kind`` tells markup from other input by content, then extension;
``read_markup`` turns a page into one Article and a feed into one per entry
with its full text; ``read_page`` reads a page fetched from a URL
(claimtrack.fetch). trafilatura, feedparser and httpx are imported only when needed.

With a ``FetchConfig`` (``--fetch``), a feed entry without its full text is
read from its link instead: the links of one feed go through one
``fetch.fetch_urls`` call (its concurrency limit applies), the pages are
extracted as HTML, and the entry's metadata fills what the page lacks -- except
the date: the entry's publication date wins over the one found in the page
(feeds date their entries; a page's date is a guess that may be an update's).
The article keeps the entry's source ("feed.xml#2"); its url is the page's
canonical URL, else the URL fetched.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Literal

from claimtrack.errors import InputError
from claimtrack.ingest.article import (
    STAGE,
    Input,
    Metadata,
    Raw,
    failure_of,
    make_article,
    merge,
)
from claimtrack.ingest.decode import BOMS, decode_input, text_codec
from claimtrack.records import Article, Failure

if TYPE_CHECKING:
    from claimtrack.feeds import FeedEntry
    from claimtrack.fetch import FetchConfig, Fetched

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})

# Markup is told from text by its first bytes (after a byte-order mark and whitespace).
_SNIFF_BYTES = 4096
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def markup_kind(data: bytes, suffix: str) -> Literal["html", "feed"] | None:
    """The kind of markup the bytes (else the extension) say: "html", "feed" or None.

    b"<!DOCTYPE html><title>..."          -> "html"   (html.looks_like_html)
    b"<?xml version='1.0'?><rss ..."      -> "feed"   (feeds.looks_like_feed)
    b"<3 to all, the mayor said", ".html" -> "html"   (content says nothing: the extension)
    b'{"text": "..."}', ".txt"            -> None
    """
    if _peek(data).startswith("<"):
        # Imported only for inputs that start like markup: plain text never loads trafilatura.
        from claimtrack import feeds, html

        if html.looks_like_html(data):
            return "html"
        if feeds.looks_like_feed(data):
            return "feed"
    if suffix in HTML_SUFFIXES:
        return "html"
    return "feed" if suffix in FEED_SUFFIXES else None


def _peek(data: bytes) -> str:
    """The start of ``data`` as lower-case text without leading whitespace, for sniffing."""
    for bom, codec, _ in BOMS:
        if data.startswith(bom):
            sample = data[len(bom) : len(bom) + _SNIFF_BYTES]
            return sample.decode(codec, "ignore").lstrip().lower()
    return data[:_SNIFF_BYTES].decode("utf-8", "ignore").lstrip().lower()


def read_markup(
    kind: Literal["html", "feed"],
    item: Input,
    meta: Metadata,
    charset: str | None,
    fetch: FetchConfig | None = None,
) -> Iterator[Article | Failure]:
    """HTML pages and feeds, from their raw bytes (their charset is theirs to find).

    ``meta`` is the explicit metadata merged with the sidecar's; it wins over what
    the page or feed says. Every Article converted here records the raw input's
    provenance (its sha256 and file), as JSON records do. A page or feed that
    cannot be read raises InputError, which the caller turns into one Failure.
    ``fetch`` (``--fetch``) says how to fetch the links of summary-only feed entries.
    """
    if kind == "feed":
        yield from _read_feed(item, meta, charset, fetch)
    else:
        yield _read_html(item, meta, charset)


def read_page(fetched: Fetched, meta: Metadata, charset: str | None) -> Article:
    """A page fetched from a URL as an Article; InputError when it holds no article.

    The source is the URL as given; the page's canonical URL, else the URL it was
    finally fetched from (after redirects), is its url. The Content-Type header's
    charset is tried first, then ``charset`` (``--encoding``), then the page's own.
    """
    item = Input(fetched.body, fetched.url, None)
    return _read_html(item, meta, fetched.charset or charset, url=fetched.final_url)


def _read_html(
    item: Input, meta: Metadata, charset: str | None, *, url: str | None = None
) -> Article:
    """An HTML page's main text and metadata (claimtrack.html: trafilatura) as an Article.

    ``charset`` (``--encoding``) is tried first; the page's title, site name,
    canonical URL, date and author fill in what ``meta`` does not give. ``url`` is
    where the page was fetched from (the page's canonical URL wins over it).
    """
    from claimtrack import html  # trafilatura is imported only when a page is read

    page = html.extract_html(item.data, item.source, url=meta.url or url, charset=charset)
    found = Metadata(page.title, page.publisher, page.url, page.published, page.author)
    return make_article(
        page.text,
        item.source,
        merge(meta, found),
        page.encoding,
        raw_sha256=page.raw_sha256,
        raw_path=item.path,
    )


def _read_feed(
    item: Input, meta: Metadata, charset: str | None, fetch: FetchConfig | None
) -> Iterator[Article | Failure]:
    """An RSS/Atom feed: one Article per entry that carries its full text.

    An entry with only a summary is a Failure naming its link (the article is
    there, not in the feed), unless ``fetch`` is given: then the links of all such
    entries are fetched (one ``fetch_urls`` call) and read as pages, in feed order.
    A feed that cannot be read at all raises InputError.
    """
    from claimtrack import feeds  # feedparser is imported only when a feed is read

    raw, encoding = item.raw(), xml_encoding(item.data)
    entries = list(feeds.read_feed(item.data, item.source))
    links = [
        entry.link
        for entry in entries
        if not isinstance(entry, Failure) and entry.text is None and entry.link
    ]
    pages: Generator[Fetched | Failure, None, None] | None = None
    if fetch is not None and links:
        from claimtrack.fetch import fetch_urls  # httpx is imported only when a link is fetched

        pages = fetch_urls(links, fetch)
    try:
        for entry in entries:
            if isinstance(entry, Failure):
                yield entry
            elif entry.text is None and entry.link and pages is not None:
                yield _linked_article(entry, next(pages), meta, charset)
            elif entry.text is None:
                where = (
                    f"; its article is at {entry.link} (pass --fetch to read it)"
                    if entry.link
                    else ""
                )
                yield Failure(
                    entry.source, STAGE, f"feed entry has only a summary, no full text{where}"
                )
            else:
                found = Metadata(
                    entry.title, entry.publisher, entry.link, entry.published, entry.author
                )
                yield _converted_article(
                    entry.text, entry.source, merge(meta, found), encoding, raw
                )
    finally:
        if pages is not None:
            pages.close()


def _linked_article(
    entry: FeedEntry, fetched: Fetched | Failure, meta: Metadata, charset: str | None
) -> Article | Failure:
    """A summary-only entry's article, read from the page its link gave (``--fetch``).

    Explicit ``meta`` wins; then the page's metadata, with the entry's filling what
    the page lacks, except the date, where the entry's wins (module docstring).
    Failures name the entry and the link: "feed.xml#2: fetching https://...: HTTP 404".
    """
    from claimtrack import html

    where = f"fetching {entry.link}"
    if isinstance(fetched, Failure):
        return Failure(entry.source, STAGE, f"{where}: {fetched.message}")
    try:
        if fetched.kind == "html":
            page = html.extract_html(
                fetched.body,
                entry.source,
                url=fetched.final_url,
                charset=fetched.charset or charset,
            )
            text, encoding, raw_sha256 = page.text, page.encoding, page.raw_sha256
            found = Metadata(page.title, page.publisher, page.url, page.published, page.author)
        elif fetched.kind == "text":
            hint = header_codec(fetched.charset) or charset
            text, encoding = decode_input(fetched.body, hint, entry.source)
            raw_sha256 = Input(fetched.body, entry.source, None).raw().sha256
            found = Metadata(url=fetched.final_url)
        else:
            return Failure(entry.source, STAGE, f"{where}: the link is a feed, not an article")
        from_entry = Metadata(entry.title, entry.publisher, None, entry.published, entry.author)
        dated = Metadata(published=entry.published)
        combined = merge(meta, merge(dated, merge(found, from_entry)))
        return make_article(text, entry.source, combined, encoding, raw_sha256=raw_sha256)
    except InputError as exc:
        return Failure(entry.source, STAGE, f"{where}: {exc.reason}")


def _converted_article(
    text: str, source: str, meta: Metadata, encoding: str, raw: Raw
) -> Article | Failure:
    """A converted text as an Article, or the Failure saying why it is none (e.g. blank)."""
    try:
        return make_article(text, source, meta, encoding, raw_sha256=raw.sha256, raw_path=raw.path)
    except InputError as exc:
        return failure_of(exc)


def xml_encoding(data: bytes) -> str:
    """The encoding an XML document declares: its byte-order mark, its declaration, else UTF-8.

    b'<?xml version="1.0" encoding="ISO-8859-1"?><rss>' -> "iso8859-1"
    b"<rss>"                                            -> "utf-8"
    """
    for bom, _, label in BOMS:
        if data.startswith(bom):
            return label
    declared = _XML_ENCODING.match(data[:200])
    info = text_codec(declared.group(1).decode("ascii")) if declared else None
    return info.name if info else "utf-8"


def header_codec(charset: str | None) -> str | None:
    """Python's name for a Content-Type charset, or None when no text codec has it.

    "ISO-8859-1" -> "iso8859-1"     "x-klingon" -> None     None -> None
    """
    info = text_codec(charset) if charset else None
    return info.name if info else None
