"""Feeds: RSS 0.9x / 1.0 / 2.0 and Atom bytes -> one ``FeedEntry`` per entry.

``read_feed`` parses a whole feed at call time (raising ``InputError`` when the
input is not a usable feed) and returns an iterator with one ``FeedEntry``, or
one ``Failure`` for an entry that cannot be used, per entry in feed order::

    read_feed(open("world.xml", "rb").read(), "world.xml")
      -> FeedEntry(source="world.xml#1", link="https://news.example/a", title="...",
                   published=date(2023, 6, 5), author="Jane Doe", publisher="World",
                   text="First paragraph.\\n\\nSecond paragraph.", summary="...", notes=()),
         Failure("world.xml#2", "ingest", "entry has no text, summary or link"), ...
    read_feed(b"<rss version='2.0'><channel/></rss>", "x.xml")
      -> EmptyInputError("x.xml: feed has no entries")

``looks_like_feed`` tells a feed from other input by its root element, for
callers that must decide before reading (a file without a telling suffix, stdin).

Decisions worth knowing (tests/test_feeds.py pins each of them):

- Entity expansion is refused before feedparser sees the bytes. The bytes are
  first decoded as feedparser decodes them (its own ``convert_to_utf8``), then
  any entity declaration -- in the DOCTYPE as expat reads it (defusedxml's
  parser with ``forbid_entities``), or anywhere before the first element, where
  feedparser would lift it out and re-declare it -- makes the whole feed a
  ``MalformedInputError`` "feed declares XML entities (refused: entity
  expansion)" ("...: external entity" for SYSTEM/PUBLIC ones). feedparser then
  parses exactly the checked bytes. A DOCTYPE without entities (RSS 0.91's
  Netscape one) is allowed; no parser here ever loads an external DTD.
- Malformed XML: feedparser falls back to its lenient parser and sets ``bozo``.
  Entries it still finds are kept, each with a note saying the feed was not
  well-formed. No entries at all is an error: "not an RSS or Atom feed (...)"
  when feedparser did not recognise a feed, "feed has no readable entries
  (...)" for a broken one, and ``EmptyInputError`` "feed has no entries" for a
  valid feed with none (feedparser itself accepts that silently).
- Truncated feeds (cut mid-download): the entries before the cut are kept. The
  entry the feed ends inside becomes a Failure "feed ends inside this entry
  (truncated?)" rather than an article that silently stops mid-sentence.
- Full text vs summary: ``text`` comes only from a content element
  (content:encoded, atom:content, xhtml:body), never from description/summary,
  and only when it is at least ``FULL_TEXT_MIN_WORDS`` (150) words, or at
  least ``SHORT_TEXT_MIN_WORDS`` (50) words and twice as long as the entry's
  summary; and it must not end like a teaser ("[…]", "...", "Continue
  reading", "Read more"). Otherwise ``text`` is None (so ``--fetch`` fetches
  ``link``) and a short content element serves as ``summary`` when the entry
  has no summary of its own.
- HTML becomes plain text: block elements (p, div, li, h1-h6, blockquote,
  figure, ...) are paragraphs separated by a blank line, ``<br>`` a line break,
  runs of whitespace one space; script/style contents are dropped.
- Dates: ``published`` is the entry's published date, else its updated date,
  as the reader of the feed sees it: the calendar date written in the feed, in
  the feed's own time-zone offset ("Mon, 05 Jun 2023 23:30:00 -0500" ->
  2023-06-05, where feedparser's ``published_parsed`` says 2023-06-06 UTC).
  That is read from the RFC 822 and ISO 8601 / W3C-DTF forms RSS and Atom
  use; for other forms that only feedparser reads, feedparser's UTC date is
  used. A date nobody can read, or one in a known form with impossible fields
  ("2023-13-45", which feedparser silently turns into 2024-01-01), leaves
  ``published`` None and adds a note; it does not fail the entry.
- ``link`` is kept only when it is an absolute http(s) URL (a feed's
  ``javascript:`` or ``file:`` link is never fetched); otherwise None, with a note.
- An entry with neither text, summary nor link is a Failure "entry has no
  text, summary or link"; the feed goes on. Sources are "<source>#<n>", n from 1.
- No exception from feedparser, expat or the HTML parser escapes: input that
  breaks them is a ``MalformedInputError`` naming the source.
"""

from __future__ import annotations

import email.utils
import io
import re
import xml.sax
import xml.sax.handler
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import feedparser
from defusedxml.common import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.expatreader import create_parser
from feedparser.encodings import convert_to_utf8

from claimtrack.errors import EmptyInputError, MalformedInputError
from claimtrack.records import Failure

STAGE = "ingest"
FULL_TEXT_MIN_WORDS = 150
SHORT_TEXT_MIN_WORDS = 50
SNIFF_BYTES = 8192

_ATOM_NAMESPACES = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
_RDF_NAMESPACES = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
# utf-32 before utf-16: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
# "<" or "<?" in UTF-32 / UTF-16 without a byte-order mark.
_WIDE_STARTS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_PROLOG_ITEM = re.compile(
    r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[[^\]]*\])*>", re.DOTALL | re.IGNORECASE
)
_START_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)([^>]*)")

# What feedparser's replace_doctype treats as the document head (before the first element).
_FIRST_ELEMENT = re.compile(rb"<\w")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_ENTITY_DECL = re.compile(
    rb"<!ENTITY\s+(?:%\s+)?[^\s>]+\s+(?:SYSTEM|PUBLIC)\b", re.IGNORECASE
)
_XML_DECLARATION = "<?xml"
_DECLARATION_CODECS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")

# expat's messages for input that ends before the document does.
_TRUNCATION_MESSAGES = frozenset(
    {"no element found", "unclosed token", "unclosed CDATA section", "partial character"}
)
_ENTRY_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]")
_ENTRY_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_BLOCK_TAG = re.compile(
    r"p|div|h[1-6]|li|[ou]l|d[dlt]|blockquote|pre|figure|figcaption|table|t[rdh]|thead|tbody"
    r"|tfoot|caption|section|article|aside|header|footer|main|nav|hr|address|details|summary"
    r"|form|fieldset"
)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
_SPACES = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_TAG = re.compile(r"<[^>]*>")
# Characters XML and HTML parsers refuse (C0 controls but tab, LF, CR; lone surrogates).
_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_TEASER_END = re.compile(
    r"(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*$"
    r"|(?:^|\n)(?:continue reading|read more|read the (?:full|rest|whole)|keep reading)\b[^\n]{0,80}$",
    re.IGNORECASE,
)
_EMAIL_THEN_NAME = re.compile(r"[^\s()<>]+@[^\s()<>]+ ?\((?P<name>[^()]+)\)")
_NAME_THEN_EMAIL = re.compile(r"(?P<name>[^()<>@]+?) ?[(<][^\s()<>]+@[^\s()<>]+[)>]")
_ISO_DATE = re.compile(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed entry, its HTML already turned into plain text.

    ``text`` is the full article when the feed carries it (see the module
    docstring for the rule), else None; ``summary`` is the entry's
    description/summary; ``notes`` record survivable oddities (a malformed
    feed, an unreadable date, a link that is not http(s)).
    """

    source: str
    link: str | None
    title: str | None
    published: date | None
    author: str | None
    publisher: str | None
    text: str | None
    summary: str | None
    notes: tuple[str, ...] = ()


def looks_like_feed(data: bytes) -> bool:
    """Whether ``data`` starts like an RSS, RSS 1.0 (RDF) or Atom document.

    Looks at the root element within the first ``SNIFF_BYTES``, after any
    byte-order mark, XML declaration, processing instructions, comments and DOCTYPE:
    b'<?xml version="1.0"?><rss version="2.0">...'                    -> True
    b'<feed xmlns="http://www.w3.org/2005/Atom">...'                   -> True
    b'<rdf:RDF xmlns:rdf="..." xmlns="http://purl.org/rss/1.0/">...'  -> True
    b'<html>...', b'<feed>' (no Atom namespace), b'hello'              -> False
    """
    text = _sniff_text(data[:SNIFF_BYTES])
    position = 0
    while (item := _PROLOG_ITEM.match(text, position)) is not None and item.end() > position:
        position = item.end()
    tag = _START_TAG.match(text, position)
    if tag is None:
        return False
    name, attributes = tag.group(1).rpartition(":")[2].lower(), tag.group(2)
    if name == "rss":
        return True
    if name == "feed":
        return any(namespace in attributes for namespace in _ATOM_NAMESPACES)
    if name == "rdf":
        return any(namespace in attributes for namespace in _RDF_NAMESPACES)
    return False


def read_feed(data: bytes, source: str) -> Iterator[FeedEntry | Failure]:
    """Parse a feed now; return its entries as FeedEntry, or Failure per unusable entry.

    b"<rss ...><item><link>https://a.example/1</link>...</item><item/></rss>", "f.xml"
        -> FeedEntry(source="f.xml#1", link="https://a.example/1", ...),
           Failure("f.xml#2", "ingest", "entry has no text, summary or link")

    Raises InputError at call time when the bytes are not a usable feed:
    EmptyInputError "feed has no entries", MalformedInputError "not an RSS or
    Atom feed (...)", "feed declares XML entities (refused: entity expansion)", ...
    """
    parsed, notes, cut = _parse(data, source)
    return _entries(parsed, source, notes, cut)


# --- parsing --------------------------------------------------------------------------------


def _parse(data: bytes, source: str) -> tuple[Any, tuple[str, ...], bool]:
    """feedparser's result for ``data``, the notes every entry gets, and whether the
    last entry is cut off by the end of the input; InputError when there is no feed."""
    if not data:
        raise EmptyInputError(source, "empty file (0 bytes)")
    utf8, encoding_note = _to_utf8(data, source)
    root = _refuse_entities(utf8, source)
    try:
        # A file-like object, never the bytes: given bytes, feedparser tries them as a path.
        parsed = feedparser.parse(io.BytesIO(utf8), sanitize_html=True, resolve_relative_uris=True)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - feedparser's lenient path raises anything
        raise MalformedInputError(source, f"feed parser failed ({_describe(exc)})") from None
    xml_error = _xml_error(parsed)
    line_shift = 0 if _has_declaration(data) else 1  # feedparser adds one when missing
    where = _xml_error_text(xml_error, line_shift) if xml_error is not None else None
    if not parsed.get("entries"):
        if not parsed.get("version"):
            detail = where or (f"root element <{root}>" if root else "no root element")
            raise MalformedInputError(source, f"not an RSS or Atom feed ({detail})")
        if where is not None:
            raise MalformedInputError(
                source, f"feed has no readable entries (not well-formed XML: {where})"
            )
        raise EmptyInputError(source, "feed has no entries")
    notes = [encoding_note] if encoding_note else []
    truncated = xml_error is not None and xml_error.getMessage() in _TRUNCATION_MESSAGES
    if truncated:
        notes.append(f"feed ends early ({where}); entries before the cut were kept")
    elif where is not None:
        notes.append(f"feed is not well-formed XML ({where}); entries were read leniently")
    return parsed, tuple(notes), truncated and _last_entry_open(utf8)


def _to_utf8(data: bytes, source: str) -> tuple[bytes, str | None]:
    """The bytes as feedparser will parse them (UTF-8, declaration rewritten), and a note
    when the declared encoding was wrong ("declared as utf-8, but parsed as windows-1252")."""
    result: dict[str, Any] = {}
    try:
        utf8 = convert_to_utf8({}, data, result)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a codec that yields lone surrogates
        raise MalformedInputError(source, f"cannot decode the feed ({_describe(exc)})") from None
    if not isinstance(utf8, bytes):
        raise MalformedInputError(source, "cannot decode the feed")
    override = result.get("bozo_exception")
    note = None
    if isinstance(override, feedparser.CharacterEncodingOverride):
        note = str(override).replace("document declared as", "declared as", 1)
    return utf8, note


class _RootReached(Exception):
    """Raised from the SAX handler at the first element: the prolog is over."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _StopAtRoot(xml.sax.handler.ContentHandler):
    def startElement(self, name: str, attrs: object) -> None:
        raise _RootReached(name)


def _refuse_entities(utf8: bytes, source: str) -> str | None:
    """MalformedInputError if the feed declares XML entities; else the root element's name.

    Three checks, so that no entity reaches a parser that would expand it:
    - the head feedparser lifts entity declarations out of (everything before the
      first ``<`` + letter, comments included) must not contain ``<!ENTITY``;
    - defusedxml's expat parser reads the prolog and stops at the root element;
      an entity declaration there (internal subset) is refused;
    - a prolog expat cannot read may be re-read differently after feedparser
      edits the DOCTYPE, so then ``<!ENTITY`` anywhere is refused.
    Nothing is expanded while checking: expat only declares entities in a prolog.
    """
    first = _FIRST_ELEMENT.search(utf8)
    head = utf8[: first.start() + 1] if first else utf8
    if _ENTITY_DECL.search(head):
        raise _entity_refusal(source, external=bool(_EXTERNAL_ENTITY_DECL.search(head)))
    # forbid_external stays off: with every entity declaration refused, the only external
    # reference left is a DOCTYPE's DTD, which the SAX reader skips unless asked to load it.
    parser = create_parser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setContentHandler(_StopAtRoot())
    try:
        for start in range(0, len(utf8), 1 << 16):
            parser.feed(utf8[start : start + (1 << 16)])
        parser.close()
    except _RootReached as reached:
        return reached.name
    except EntitiesForbidden as exc:
        raise _entity_refusal(source, external=bool(exc.sysid or exc.pubid)) from None
    except ExternalReferenceForbidden:
        raise _entity_refusal(source, external=True) from None
    except (xml.sax.SAXException, ValueError):
        if _ENTITY_DECL.search(utf8):
            raise _entity_refusal(
                source, external=bool(_EXTERNAL_ENTITY_DECL.search(utf8))
            ) from None
    return None


def _entity_refusal(source: str, *, external: bool) -> MalformedInputError:
    kind = "external entity" if external else "entity expansion"
    return MalformedInputError(source, f"feed declares XML entities (refused: {kind})")


def _xml_error(parsed: Any) -> xml.sax.SAXParseException | None:
    """The well-formedness error behind feedparser's ``bozo`` flag, if that was the cause."""
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    return error if isinstance(error, xml.sax.SAXParseException) else None


def _xml_error_text(error: xml.sax.SAXParseException, line_shift: int) -> str:
    """ "mismatched tag, line 3, column 5" (1-based, in the input as given)."""
    message = error.getMessage()
    line, column = error.getLineNumber(), error.getColumnNumber()
    if not isinstance(line, int) or not isinstance(column, int) or line < 1:
        return message
    return f"{message}, line {max(1, line - line_shift)}, column {column + 1}"


def _has_declaration(data: bytes) -> bool:
    """Whether ``data`` (after any byte-order mark) starts with an XML declaration."""
    for mark, _ in _BOMS:
        if data.startswith(mark):
            data = data[len(mark) :]
            break
    return any(data.startswith(_XML_DECLARATION.encode(codec)) for codec in _DECLARATION_CODECS)


def _last_entry_open(utf8: bytes) -> bool:
    """Whether the input ends inside its last <item>/<entry> (no closing tag after it)."""
    last = None
    for last in _ENTRY_START.finditer(utf8):
        pass
    return last is not None and _ENTRY_END.search(utf8, last.end()) is None


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- entries --------------------------------------------------------------------------------


def _entries(
    parsed: Any, source: str, notes: tuple[str, ...], last_cut: bool
) -> Iterator[FeedEntry | Failure]:
    """One FeedEntry or Failure per feedparser entry, numbered from 1."""
    feed = parsed.get("feed") or {}
    publisher = _line(_detail_text(feed.get("title_detail"), feed.get("title")))
    raw_entries = parsed.get("entries") or []
    for number, raw in enumerate(raw_entries, start=1):
        where = f"{source}#{number}"
        if last_cut and number == len(raw_entries):
            yield Failure(where, STAGE, "feed ends inside this entry (truncated?)")
        elif not isinstance(raw, dict):
            yield Failure(where, STAGE, "entry could not be read")
        else:
            # dict.items, not raw's own lookups: FeedParserDict maps a missing
            # "updated" to "published" with a DeprecationWarning.
            yield _entry(dict(dict.items(raw)), where, publisher, notes)


def _entry(
    raw: Mapping[str, Any], source: str, publisher: str | None, feed_notes: tuple[str, ...]
) -> FeedEntry | Failure:
    """A feedparser entry as a FeedEntry; Failure when it has nothing to read or fetch."""
    notes = list(feed_notes)
    link = _link(raw.get("link"), notes)
    summary = _detail_text(raw.get("summary_detail"), None)
    content = _content_text(raw.get("content"))
    text = content if content is not None and _is_full_text(content, summary) else None
    if summary is None and text is None:
        summary = content
    if text is None and summary is None and link is None:
        return Failure(source, STAGE, "entry has no text, summary or link")
    return FeedEntry(
        source=source,
        link=link,
        title=_line(_detail_text(raw.get("title_detail"), raw.get("title"))),
        published=_published(raw, notes),
        author=_author(raw),
        publisher=publisher,
        text=text,
        summary=summary,
        notes=tuple(notes),
    )


def _is_full_text(text: str, summary: str | None) -> bool:
    """The full-text rule (module docstring): long enough, longer than the summary, no teaser end.

    200 words                                -> True
    80 words, 20-word summary                -> True     80 words, no summary -> False
    200 words ending "Continue reading..."    -> False
    """
    if _TEASER_END.search(text):
        return False
    words = len(text.split())
    if words >= FULL_TEXT_MIN_WORDS:
        return True
    return (
        summary is not None and words >= SHORT_TEXT_MIN_WORDS and words >= 2 * len(summary.split())
    )


def _content_text(items: object) -> str | None:
    """The longest of an entry's content elements as plain text, or None."""
    if not isinstance(items, list):
        return None
    texts = [_detail_text(item, None) for item in items if isinstance(item, Mapping)]
    found = [text for text in texts if text]
    return max(found, key=lambda text: len(text.split())) if found else None


def _detail_text(detail: object, fallback: object) -> str | None:
    """A feedparser text construct ({"type", "value"}) as plain text; None when blank."""
    if isinstance(detail, Mapping):
        value, kind = detail.get("value"), detail.get("type")
    else:
        value, kind = fallback, "text/plain"
    if not isinstance(value, str):
        return None
    text = _html_to_text(value) if kind in _HTML_TYPES else _plain_to_text(value)
    return text or None


def _line(text: str | None) -> str | None:
    """A title-like value on one line."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def _link(value: object, notes: list[str]) -> str | None:
    """``value`` when it is an absolute http(s) URL; else None and a note."""
    if not isinstance(value, str) or not value.strip():
        return None
    link = value.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme.lower() in ("http", "https") and parts.netloc:
        return link
    notes.append(f"link {_quote(link)} ignored: not an absolute http(s) URL")
    return None


def _author(raw: Mapping[str, Any]) -> str | None:
    """The entry's author names, joined with ", ".

    One author is read from the author string as written ("jd@x.example (Jo Doe)",
    "Jo Doe <jd@x.example>", "Jo Doe"): feedparser's own split of "email (name)"
    cuts top-level domains longer than four letters ("ple (Jo Doe" for ".example").
    """
    authors = raw.get("authors")
    people = [p for p in authors if isinstance(p, Mapping)] if isinstance(authors, list) else []
    author = raw.get("author")
    if len(people) <= 1 and isinstance(author, str):
        written = _line(author)
        if written is None:
            return None
        for pattern in (_EMAIL_THEN_NAME, _NAME_THEN_EMAIL):
            if (match := pattern.fullmatch(written)) is not None:
                return match.group("name").strip()
        return written
    names: list[str] = []
    for person in people:
        name = person.get("name")
        if isinstance(name, str) and (name := " ".join(name.split())) and name not in names:
            names.append(name)
    return ", ".join(names) or None


def _published(raw: Mapping[str, Any], notes: list[str]) -> date | None:
    """The published date, else the updated one, as written in the feed (module docstring)."""
    for key in ("published", "updated"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            found = _written_date(value) or _utc_date(raw.get(f"{key}_parsed"))
        except ValueError:  # a date in a known form with impossible fields
            found = None
        if found is not None:
            return found
        notes.append(f"unreadable {key} date {_quote(value)}; left empty")
    return None


def _written_date(value: str) -> date | None:
    """The calendar date as written (no time-zone shift), for the forms feeds should use.

    "2023-06-05T23:30:00-05:00"        -> date(2023, 6, 5)      ISO 8601 / W3C-DTF (Atom)
    "Mon, 05 Jun 2023 23:30:00 -0500"  -> date(2023, 6, 5)      RFC 822 (RSS)
    "2023-13-45"                       -> ValueError            (feedparser: 2024-01-01)
    "Κυρ, 11 Ιούλ 2004 23:00:00 EST"   -> None                  left to feedparser
    """
    iso = _ISO_DATE.match(value)
    if iso is not None:
        return date(*(int(part) for part in iso.groups()))
    try:
        fields = email.utils.parsedate_tz(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if fields is None:
        return None
    try:
        return date(fields[0], fields[1], fields[2])
    except OverflowError:
        raise ValueError(value) from None


def _utc_date(parsed: object) -> date | None:
    """The date of feedparser's UTC struct_time, or None."""
    if not isinstance(parsed, tuple) or len(parsed) < 3:
        return None
    try:
        return date(parsed[0], parsed[1], parsed[2])
    except (TypeError, ValueError, OverflowError):
        return None


def _quote(value: str) -> str:
    """A value for a one-line note: whitespace collapsed, at most 60 characters, quoted."""
    value = " ".join(value.split())
    return repr(value if len(value) <= 60 else value[:57] + "...")


# --- HTML to text ---------------------------------------------------------------------------


def _html_to_text(markup: str) -> str:
    """HTML (a fragment or a page) -> plain text, paragraphs separated by a blank line.

    "<p>One <b>two</b>.</p><p>Three<br>four</p><script>x()</script>"
        -> "One two.\\n\\nThree\\nfour"
    """
    markup = _INVALID_CHARS.sub("", markup)
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken declarations
        return _plain_to_text(unescape(_TAG.sub(" ", markup)))
    return collector.text()


def _plain_to_text(value: str) -> str:
    """Plain text with paragraphs (split at blank lines) each on one line."""
    value = _INVALID_CHARS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (" ".join(part.split()) for part in _BLANK_LINE.split(value))
    return "\n\n".join(part for part in paragraphs if part)


class _TextCollector(HTMLParser):
    """Collects text; block elements end paragraphs, <br> ends a line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "br":
            self._chunks.append("\n")
        elif _BLOCK_TAG.fullmatch(tag):
            self._chunks.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._chunks.append("\n")
        elif _BLOCK_TAG.fullmatch(tag):
            self._chunks.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif _BLOCK_TAG.fullmatch(tag):
            self._chunks.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._chunks.append(_SPACES.sub(" ", data))

    def text(self) -> str:
        paragraphs = []
        for paragraph in _PARAGRAPH_BREAK.split("".join(self._chunks)):
            lines = (line.strip() for line in paragraph.split("\n"))
            if joined := "\n".join(line for line in lines if line):
                paragraphs.append(joined)
        return "\n\n".join(paragraphs)


def _sniff_text(head: bytes) -> str:
    """The first bytes as text for sniffing: a byte-order mark or UTF-16/32 pattern
    decides; anything else is read as Latin-1, which keeps ASCII markup as it is."""
    for mark, codec in _BOMS:
        if head.startswith(mark):
            return head[len(mark) :].decode(codec, errors="ignore")
    for start, codec in _WIDE_STARTS:
        if head.startswith(start):
            return head.decode(codec, errors="ignore")
    return head.decode("latin-1")


__all__ = [
    "FULL_TEXT_MIN_WORDS",
    "SHORT_TEXT_MIN_WORDS",
    "FeedEntry",
    "looks_like_feed",
    "read_feed",
]
