"""HTML pages -> the article's main text and metadata, with trafilatura and htmldate.

:func:`extract_html` takes one page, as bytes (a file, an HTTP body) or as an
already decoded str, and returns an :class:`HtmlPage`, or raises an input error
that names the source and says why in one line::

    extract_html(open("bbc.html", "rb").read(), "bbc.html")
        -> HtmlPage(text="Coronavirus: New York ramps up mass burials amid outbreak\\n\\n"
                         "Images have emerged of coffins being buried ...",
                    title="New York ramps up mass burials amid virus outbreak",
                    publisher="BBC News", published=date(2020, 4, 10),
                    url="https://www.bbc.com/news/world-us-canada-52241221",
                    author=None, encoding="utf-8", raw_sha256="2e8b...")
    extract_html(b"", "a.html")               -> EmptyInputError("a.html: empty")
    extract_html(png_bytes, "a.html")         -> DecodeError("a.html: binary data, not HTML (...)")
    extract_html(menu_only_page, "a.html")    -> MalformedInputError(
                                                   "a.html: no article text found in the HTML")

:func:`looks_like_html` is the content sniffing ingest uses for inputs whose
name does not say what they are.

Decisions worth knowing (tests/test_html.py pins each of them):

- **Text layout.** One paragraph-level block of the page (paragraph, heading,
  list, table, block quote) is one paragraph of ``text``, and paragraphs are
  separated by one blank line ("\\n\\n"). Inside a block, a ``<br>``, each list
  item ("- item") and each table row ("a | b") start a new line, so a promo or
  related-links list inside the article comes out as consecutive lines, the
  shape ``clean.py`` masks; a heading directly above a list is joined to it with
  a single "\\n" for the same reason. Whitespace inside a line is collapsed,
  invisible characters (soft hyphens, zero-width spaces) are dropped as in
  trafilatura's own text, and the text is NFC: ``ingest.make_article(page.text,
  ...)`` leaves it unchanged. No promo, caption or credit is removed here:
  ``clean.py`` masks them later.
- **Extraction settings.** trafilatura in its default "balanced" mode, without
  comments, images, links or formatting, with tables, without deduplication (its
  cache would make the result depend on what was extracted before). On the
  990 annotated pages of trafilatura's own evaluation set, ``favor_precision``
  leaked 22% fewer boilerplate segments but lost 2.7% of the article segments,
  whole body paragraphs on some news pages, and it deletes linked words from
  inside sentences ("especially high for Joe Biden." -> "especially high for .").
  A missing quote cannot be recovered later; leaked promo lines are what
  ``clean.py`` masks.
- **No article text** is an error, never an empty page: trafilatura finding
  nothing, or text in which no line reads as prose (a sentence end in a line of
  five or more words, or of a script written without spaces; or a line of 20 or
  more words), which is what a page of menus and link lists gives.
- **Decoding** of bytes: a byte-order mark decides; else the ``charset`` the
  caller passes (an HTTP header's, or the user's), then the page's own
  ``<meta charset>`` or ``http-equiv`` declaration, each used only if the bytes
  decode with it, labels read as browsers read them ("iso-8859-1" is cp1252);
  else UTF-8. When none decodes cleanly, the first declared encoding is used
  with bad bytes as U+FFFD; so is UTF-8, declared or not, if the bytes hold
  UTF-8 sequences (a UTF-8 page with a stray Latin-1 byte, common on the web);
  anything else is cp1252 (Latin-1 when cp1252 cannot read it). NUL or control
  bytes near the start mean binary data. ``HtmlPage.encoding`` names the codec
  used; a str input is recorded as "utf-8", the encoding ``raw_sha256`` hashes.
- **Metadata** comes from trafilatura (title, author, site name, canonical URL)
  and htmldate through it (asked for the original publication date rather than
  the last update, with its extensive search: on that evaluation set it finds 29
  more right dates for 10 more wrong ones). Values are one stripped line, or None.
  The URL is the page's canonical one, else the ``url`` passed in; the site name
  falls back to the URL's domain, as trafilatura does.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import trafilatura
from trafilatura.settings import Document

from claimtrack.errors import DecodeError, EmptyInputError, MalformedInputError

__all__ = ["HtmlPage", "extract_html", "looks_like_html"]

# trafilatura and htmldate log a warning for every page they discard; without a handler
# Python prints those on stderr. extract_html reports the same cases as input errors.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

#: how much of the start of an input the sniffing and binary checks read
SNIFF_BYTES = 8192
#: where a <meta charset> is looked for: the page's <head>, at most this far in
_META_SCAN_BYTES = 65536

# The labels where the WHATWG Encoding Standard (what browsers do) differs from the
# Python codec of the same name: Latin-1 pages are read as cp1252, for one.
_WHATWG_CODECS = {
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "gb2312": "gbk",
    "euc_kr": "cp949",
}
# Python text codecs that are no web page's charset (and some cannot even decode with "replace").
_NOT_CHARSETS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7"}
)
# utf-32 before utf-16: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
_HEAD_END = re.compile(rb"</head\b", re.IGNORECASE)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# C0 controls that text does not contain (tab, LF, FF, CR and ESC are allowed).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0c\r\x1b") + b"\x7f"

# Sniffing: what may come before the first element, and the elements a page starts with.
_SKIPPABLE = re.compile(r"\s+|<!--.*?-->|<\?.*?>", re.DOTALL)
_DOCTYPE = re.compile(r"<!doctype\s+([a-z]*)", re.IGNORECASE)
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)[\s/>]")
# fmt: off
_HTML_START_TAGS = frozenset({
    "html", "head", "body", "meta", "title", "link", "base", "script", "style", "noscript",
    "p", "div", "span", "a", "img", "br", "hr", "article", "main", "section", "header", "nav",
    "aside", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "form",
    "iframe", "center", "font", "b", "i", "u", "em", "strong", "blockquote", "pre", "figure",
})
# fmt: on

# trafilatura's output tree: blocks that hold other blocks, and those that start a line.
_CONTAINERS = frozenset({"div", "quote"})
_BLOCKS = frozenset({"p", "head", "list", "quote", "table", "code", "div"})
# <q> and <code> become "quote" and "code" inside a paragraph too, so those two stay inline.
# An "li" is an <li> trafilatura left unconverted.
_NEW_LINE = frozenset({"p", "head", "list", "table", "div", "item", "li", "row"})
_ITEMS = frozenset({"item", "li"})
# Any other tag is one trafilatura left unconverted ("contrib-group", "span"); as in its
# own text output, a space follows it, so "<x>Roe J</x>,<x>Doe A</x>" keeps its words apart.
_KNOWN_TAGS = _NEW_LINE | {"quote", "code", "hi", "ref", "del", "lb", "cell", "graphic"}
_SURROGATES = re.compile("[\ud800-\udfff]")
# Prose, not a menu: a sentence end (not after a digit: "1. Bundesliga") in a line of a few
# words, a long line, or a sentence end in a line of a script written without spaces.
_SENTENCE_END = re.compile(r"(?<![\d\s])[.!?…。！？।؟۔][\"'”“’‘»«)\]」』]*(?:\s|$)")
_SENTENCE_WORDS = 5
_LONG_LINE_WORDS = 20
_UNSPACED_SENTENCE_CHARS = 15


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """The main text and metadata of one HTML page.

    ``text`` is plain text: paragraphs separated by one blank line, lines within a
    paragraph by "\\n" (see the module docstring). Metadata values are one
    stripped line each, or None when the page does not say.
    """

    text: str
    title: str | None
    publisher: str | None  # the site's name
    published: date | None  # original publication date
    url: str | None  # canonical URL, else the URL passed in
    author: str | None
    encoding: str  # codec the bytes were decoded with; "utf-8" for a str input
    raw_sha256: str  # of the raw bytes (a str: of its UTF-8), to re-run on a kept copy


class _Node(Protocol):
    """The part of lxml's element interface read here (trafilatura's output tree)."""

    @property
    def tag(self) -> str: ...
    @property
    def text(self) -> str | None: ...
    @property
    def tail(self) -> str | None: ...
    def __iter__(self) -> Iterator[_Node]: ...
    def __len__(self) -> int: ...


def extract_html(
    data: bytes | str, source: str, *, url: str | None = None, charset: str | None = None
) -> HtmlPage:
    """The main text and metadata of the HTML page ``data``; ``source`` names it in errors.

    ``url`` is where the page was fetched from (kept when the page names no
    canonical URL; it also helps the date search); ``charset`` is the encoding an
    HTTP header or the user declared (ignored for a str, or when no codec has that name).

    b"<html><head><title>T</title></head><body><article><p>Police said on Friday ..."
        -> HtmlPage(text="Police said on Friday ...", title="T", ...)
    b"\\x89PNG\\r\\n\\x1a\\n\\x00..."  -> DecodeError("binary data, not HTML (NUL byte at ...)")
    "Just some text."              -> MalformedInputError("not HTML (it does not start ...)")

    Raises only EmptyInputError, DecodeError or MalformedInputError.
    """
    if isinstance(data, str):
        raw = data.encode("utf-8", "surrogatepass")
        text, encoding = _SURROGATES.sub("\ufffd", data.removeprefix("\ufeff")), "utf-8"
    else:
        raw = data
        if not data:
            raise EmptyInputError(source, "empty")
        text, encoding = _decode(data, charset, source)
    if not text.strip():
        raise EmptyInputError(source, "empty" if not text else "no text, only whitespace")
    if not _starts_like_html(text[:SNIFF_BYTES]):
        raise MalformedInputError(
            source,
            "not HTML (it does not start with a doctype or an HTML tag such as <html> or <p>)",
        )
    document = _run_trafilatura(text, source, url)
    body = _article_text(document.body) if document is not None else ""
    if document is None or not _has_sentence(body):
        raise MalformedInputError(source, "no article text found in the HTML")
    return HtmlPage(
        text=body,
        title=_one_line(document.title),
        publisher=_one_line(document.sitename),
        published=_iso_date(document.date),
        url=_one_line(document.url) or _one_line(url),
        author=_one_line(document.author),
        encoding=encoding,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
    )


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` starts like an HTML page (after a byte-order mark and whitespace).

    The first thing after comments, ``<?xml ...?>`` and whitespace must be an HTML
    doctype or an HTML element (html, head, body, p, div ...); an RSS or Atom feed,
    other XML, or text that only mentions a tag further on, does not.

    b"<!DOCTYPE html>\\n<html>..."  -> True      b"\\xef\\xbb\\xbf  <p>Hi</p>" -> True
    b"<?xml ...?><rss ...>"        -> False     b"Dear editor, <p> is ..." -> False
    """
    head = data[:SNIFF_BYTES]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return _starts_like_html(head[len(bom) :].decode(codec, "ignore"))
    return _starts_like_html(head.decode("latin-1"))


# --- decoding -------------------------------------------------------------------------------


def _decode(data: bytes, charset: str | None, source: str) -> tuple[str, str]:
    """Bytes of a page -> (text, codec used); see "Decoding" in the module docstring.

    b"\\xff\\xfe<\\x00p\\x00>\\x00"                      -> ("<p>", "utf-16-le")
    b"<meta charset=iso-8859-1><p>caf\\xe9"        -> ("<meta ...><p>café", "cp1252")
    b"<meta charset=utf-8><p>caf\\xc3\\xa9 d\\xe9j\\xe0" -> ("...café d\\ufffdj\\ufffd", "utf-8")
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), codec
            except UnicodeDecodeError as exc:
                where = f"{exc.reason} at byte {len(bom) + exc.start}"
                raise DecodeError(
                    source, f"not valid {codec} despite its byte-order mark ({where})"
                ) from None
    declared = _known_codec(charset, header=True)
    wide = declared is not None and declared.startswith(("utf-16", "utf-32"))
    binary = None if wide else _binary_reason(data)
    if binary is not None:
        raise DecodeError(source, binary)
    meta = _known_codec(_meta_charset(data), header=False)
    said = [codec for codec in (declared, meta) if codec is not None]
    for codec in dict.fromkeys([*said, "utf-8"]):
        try:
            return data.decode(codec), codec
        except UnicodeError:  # some codecs raise it without a position
            continue
    # Nothing decodes cleanly. UTF-8, declared or not, only if UTF-8 sequences are there:
    # a page "declared" UTF-8 without any is a Latin-1 page under a wrong label.
    fallback = said[0] if said and said[0] != "utf-8" else None
    if fallback is None and _UTF8_MULTIBYTE.search(data):
        fallback = "utf-8"
    if fallback is not None:
        try:
            return data.decode(fallback, "replace"), fallback
        except UnicodeError:
            pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


def _known_codec(label: str | None, *, header: bool) -> str | None:
    """The Python codec a charset label means, as a browser reads it; None if unknown.

    "ISO-8859-1" -> "cp1252"   "UTF8" -> "utf-8"   "utf-16" -> "utf-16" from a header,
    "utf-8" from a <meta>   "x-unknown" -> None    "base64" -> None (not a text encoding)
    """
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip())
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    if info.name.startswith(("utf-16", "utf-32")):
        # a <meta> read as ASCII cannot be in UTF-16, so browsers take it to mean UTF-8
        return info.name if header else "utf-8"
    return _WHATWG_CODECS.get(info.name.replace("-", "_"), info.name)


def _meta_charset(data: bytes) -> str | None:
    """The label of the first <meta charset> or http-equiv charset in the page's <head>."""
    window = data[:_META_SCAN_BYTES]
    end = _HEAD_END.search(window)
    match = _META_CHARSET.search(window, 0, end.start() if end else len(window))
    return match.group(1).decode("ascii") if match else None


def _binary_reason(data: bytes) -> str | None:
    """Why the start of ``data`` is not text (a NUL byte, many control bytes), or None.

    Only the start is read: real pages sometimes carry a stray NUL deep inside.
    """
    head = data[:SNIFF_BYTES]
    if head.startswith(b"\x1f\x8b"):
        return "binary data, not HTML (gzip-compressed; decompress it first)"
    nul = head.find(b"\x00")
    if nul != -1:
        return f"binary data, not HTML (NUL byte at offset {nul})"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls * 50 > len(head):
        return f"binary data, not HTML ({controls} control bytes in the first {len(head)})"
    return None


def _starts_like_html(text: str) -> bool:
    """Whether decoded ``text`` begins, after comments and whitespace, like an HTML page."""
    pos = 0
    while True:
        skipped = _SKIPPABLE.match(text, pos)
        if skipped is None:
            break
        pos = skipped.end()
    doctype = _DOCTYPE.match(text, pos)
    if doctype is not None:
        return doctype.group(1).lower() == "html"
    tag = _START_TAG.match(text, pos)
    return tag is not None and tag.group(1).lower() in _HTML_START_TAGS


# --- extraction -----------------------------------------------------------------------------


def _run_trafilatura(text: str, source: str, url: str | None) -> Document | None:
    """trafilatura's main-text and metadata extraction with claimtrack's settings.

    None when trafilatura finds no main text; any exception it (or lxml) raises
    becomes a MalformedInputError.
    """
    try:
        result = trafilatura.bare_extraction(
            text,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
            date_extraction_params={
                "original_date": True,
                "extensive_search": True,
                "max_date": date.today().isoformat(),
            },
        )
    except Exception as exc:  # a parser failure on a malformed page must not escape
        detail = " ".join(str(exc).split())[:200] or "no detail"
        raise MalformedInputError(
            source, f"could not parse the HTML ({type(exc).__name__}: {detail})"
        ) from exc
    return result if isinstance(result, Document) else None


def _article_text(body: _Node) -> str:
    """trafilatura's output tree -> text: one paragraph per block, "\\n\\n" between them.

    <body><head>Title</head><p>One.<lb/>Two.</p><list><item>a</item><item>b</item></list></body>
        -> "Title\\n\\nOne.\\nTwo.\\n\\n- a\\n- b"
    A heading directly above a list is joined to it by "\\n" (a list's heading).
    """
    parts: list[str] = []
    previous = ""
    for tag, block in _blocks(body):
        if parts:
            parts.append("\n" if previous == "head" and tag == "list" else "\n\n")
        parts.append(block)
        previous = tag
    return unicodedata.normalize("NFC", "".join(parts))


def _blocks(body: _Node) -> Iterator[tuple[str, str]]:
    """(tag, text) of each non-empty paragraph-level block, in document order.

    Loose text between blocks is a block of its own ("p"); a div or quote made only
    of blocks is opened up, so its paragraphs stay paragraphs.
    """
    todo: list[_Node | str] = [body]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            tag, text = "p", _clean_lines(item)
        elif item is body or _is_container(item):
            pending: list[_Node | str] = [item.text or ""]
            for child in item:
                pending += [child, child.tail or ""]
            todo.extend(reversed(pending))
            continue
        else:
            tag, text = item.tag, _clean_lines(_render(item))
        if text:
            yield tag, text


def _is_container(node: _Node) -> bool:
    return node.tag in _CONTAINERS and len(node) > 0 and all(c.tag in _BLOCKS for c in node)


def _render(block: _Node) -> str:
    """The text of one block, its own tail left out; items, rows, <lb/> start new lines.

    Iterative, so a deeply nested tree cannot overflow the stack.
    """
    out: list[str] = []
    first_cell = True
    stack: list[tuple[_Node, bool]] = [(block, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node.tag == "lb" or (node.tag in _NEW_LINE and node is not block):
                out.append("\n")  # and text after a nested block is a line of its own
            elif node.tag not in _KNOWN_TAGS:
                out.append(" ")
            if node is not block and node.tail:
                out.append(node.tail)
            continue
        if node is not block and node.tag in _NEW_LINE:
            out.append("\n- " if node.tag in _ITEMS else "\n")
            first_cell = first_cell or node.tag == "row"
        elif node.tag == "cell":
            out.append("" if first_cell else " | ")
            first_cell = False
        if node.text:
            out.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node)))
    return "".join(out)


def _clean_lines(text: str) -> str:
    """Each line's whitespace collapsed, invisible characters dropped, empty lines dropped.

    A list marker alone on its line (an item that starts with a paragraph) moves
    to the next line: "- \nFirst point." -> "- First point."
    """
    lines: list[str] = []
    bullet = False
    for raw in text.split("\n"):
        line = " ".join(_printable(raw).split())
        if line == "-":
            bullet = True
        elif line:
            lines.append("- " + line if bullet and not line.startswith("- ") else line)
            bullet = False
    return "\n".join(lines)


def _printable(line: str) -> str:
    """``line`` without control and format characters (soft hyphens, zero-width spaces),
    as trafilatura's own text output has them removed."""
    if line.isprintable():
        return line
    return "".join(ch for ch in line if ch.isprintable() or ch.isspace())


def _has_sentence(text: str) -> bool:
    """Whether a line of ``text`` reads as prose rather than as a menu or a link list.

    "Police said the road would reopen on Monday." -> True (a sentence of 5+ words)
    "Home\nWorld\nPolitics\nSign in"              -> False
    """
    for line in text.split("\n"):
        words = len(line.split())
        if words >= _LONG_LINE_WORDS:
            return True
        if (
            words >= _SENTENCE_WORDS or len(line) >= _UNSPACED_SENTENCE_CHARS * words
        ) and _SENTENCE_END.search(line):
            return True
    return False


# --- metadata -------------------------------------------------------------------------------


def _one_line(value: object) -> str | None:
    """A metadata string as one stripped line, or None: " A\\n  B " -> "A B"."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _iso_date(value: object) -> date | None:
    """htmldate's "YYYY-MM-DD" as a date; None when absent or not a valid date."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
