"""HTML pages and RSS/Atom feeds, read from their raw bytes by claimtrack.html and .feeds.

``markup_kind`` tells markup from other input by content, then extension;
``read_markup`` turns a page into one Article and a feed into one per entry
with its full text. trafilatura and feedparser are imported only when needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

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
from claimtrack.ingest.decode import BOMS, text_codec
from claimtrack.records import Article, Failure

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
    kind: Literal["html", "feed"], item: Input, meta: Metadata, charset: str | None
) -> Iterator[Article | Failure]:
    """HTML pages and feeds, from their raw bytes (their charset is theirs to find).

    ``meta`` is the explicit metadata merged with the sidecar's; it wins over what
    the page or feed says. Every Article converted here records the raw input's
    provenance (its sha256 and file), as JSON records do. A page or feed that
    cannot be read raises InputError, which the caller turns into one Failure.
    """
    if kind == "feed":
        yield from _read_feed(item, meta)
    else:
        yield _read_html(item, meta, charset)


def _read_html(item: Input, meta: Metadata, charset: str | None) -> Article:
    """An HTML page's main text and metadata (claimtrack.html: trafilatura) as an Article.

    ``charset`` (``--encoding``) is tried first; the page's title, site name,
    canonical URL, date and author fill in what ``meta`` does not give.
    """
    from claimtrack import html  # trafilatura is imported only when a page is read

    page = html.extract_html(item.data, item.source, url=meta.url, charset=charset)
    found = Metadata(page.title, page.publisher, page.url, page.published, page.author)
    return make_article(
        page.text,
        item.source,
        merge(meta, found),
        page.encoding,
        raw_sha256=page.raw_sha256,
        raw_path=item.path,
    )


def _read_feed(item: Input, meta: Metadata) -> Iterator[Article | Failure]:
    """An RSS/Atom feed: one Article per entry that carries its full text.

    An entry with only a summary is a Failure naming its link (the article is
    there, not in the feed); a feed that cannot be read at all raises InputError.
    """
    from claimtrack import feeds  # feedparser is imported only when a feed is read

    raw, encoding = item.raw(), xml_encoding(item.data)
    for entry in feeds.read_feed(item.data, item.source):
        if isinstance(entry, Failure):
            yield entry
        elif entry.text is None:
            where = f"; its article is at {entry.link}" if entry.link else ""
            yield Failure(
                entry.source, STAGE, f"feed entry has only a summary, no full text{where}"
            )
        else:
            found = Metadata(
                entry.title, entry.publisher, entry.link, entry.published, entry.author
            )
            yield _converted_article(entry.text, entry.source, merge(meta, found), encoding, raw)


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
