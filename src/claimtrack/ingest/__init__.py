"""Ingest: files, directories, JSON Lines, JSON, HTML, feeds and stdin -> ``Article`` records.

``read_sources`` is the stage's entry point. It streams one ``Article`` at a time
and turns every bad input into a ``Failure(source, "ingest", reason)`` instead of
raising, so one broken file never stops a batch::

    read_sources(["news/"])  ->  Article(source="news/a.txt", ...),
                                 Failure("news/b.jsonl:3", "ingest",
                                         "invalid JSON (Expecting ',' delimiter: column 12)"),
                                 Article(source="news/b.jsonl:4", ...), ...

This module finds and reads inputs and decides what each holds; the package's
other modules do the rest: ``article`` (Metadata, normalisation, ids, dates),
``decode`` (bytes -> text), ``json_records`` (``Fields``, JSON and JSON Lines)
and ``markup`` (HTML pages and feeds, through claimtrack.html and .feeds).

Decisions worth knowing (tests/test_ingest.py pins each of them):

- Text is normalised before it is hashed: NUL characters dropped, ``\\r\\n`` and
  ``\\r`` become ``\\n``, lone surrogates become U+FFFD, surrounding whitespace is
  stripped, then NFC. ``Article.id`` is the sha256 of that text, so the same
  article from a CRLF file, an LF file or a JSON Lines record has the same id.
- Decoding: a byte-order mark decides; else UTF-8; else the ``encoding`` the
  caller passed; else Latin-1 (recorded as "cp1252" when its 0x80-0x9F
  punctuation occurs) if the bytes look like Western text. A NUL byte or many
  control bytes mean binary; bytes that are mostly UTF-8 with a broken sequence
  are reported as broken UTF-8 rather than read as mojibake. Every refusal
  says to pass --encoding, which skips those checks (and is tried when bytes
  fail the codec their byte-order mark names). The encoding used is recorded
  in ``Article.encoding``: "utf-8", "utf-8-sig", "utf-16-le", "latin-1",
  "cp1252", or Python's name for the one passed ("windows-1251" -> "cp1251").
- What an input holds is decided by its content first, then its extension,
  unless ``input_kind`` forces it (``INPUT_KINDS``): markup that starts like an
  HTML page (``html.looks_like_html``) is HTML, like an RSS/Atom feed
  (``feeds.looks_like_feed``) a feed; ".html"/".htm" and ".rss"/".atom"/".xml"
  say so when the content does not. Otherwise ".jsonl" is JSON Lines, and
  anything else is sniffed after decoding: an object, or a list of objects, that
  parses as a whole is a JSON document (".json" always is), text whose lines
  parse as objects is JSON Lines, the rest is plain text. HTML pages
  (``html.extract_html``) and feeds (``feeds.read_feed``: one article per entry
  with its full text) are read from their raw bytes by ``read_markup``.
- JSON records: ``Fields`` names the key, or dotted path ("meta.published"),
  of each article field; dates are ISO dates or datetimes. A converted article
  (JSON record, HTML page, feed entry) records ``raw_sha256`` of its input's
  bytes and ``raw_path``, the file they were read from.
- Metadata: options given explicitly (``meta``) win over a sidecar ``x.json``
  or a JSON record's fields, field by field; a missing date stays ``None``.
- A directory walk reads .txt, .text, .md, .json, .jsonl, .ndjson, .html,
  .htm, .xhtml, .rss, .atom, .xml and files without an extension, sorted by
  name, skipping hidden entries, symlinked directories and sidecars ("x.json"
  next to "x.txt" or "x.html"); one with nothing to read is a Failure, so a
  typo'd or wrong directory is never a silent success.
- A glob pattern ("shards/*.jsonl", "news/**/*.html"; quoted, so the shell
  leaves it alone) that is not itself a path reads every match, sorted, as if
  each were named; one that matches nothing is a Failure.
- Sources: a path as given, ``"stdin"``, ``"path:LINE"`` for a JSON Lines line
  and ``"path[i]"`` for an item of a JSON list.
- URLs: an input for which ``fetch.is_url`` holds ("http://" or "https://") is
  fetched. All URLs of one call go through one ``fetch.fetch_urls`` call (its
  concurrency limit applies; fetching starts at the first URL and runs ahead of
  the reader) and results come out in input order. What the response is
  (``Fetched.kind``, sniffed from header and body) decides how it is read, unless
  ``input_kind`` forces it: a page is read as HTML with source the URL as given
  and url the page's canonical URL, else the URL finally fetched (after
  redirects); a feed gives one article per entry ("URL#n"); text is decoded and
  read like a file's contents. The Content-Type charset is tried before
  ``encoding`` (it is the server's word about these bytes; ``--encoding`` is
  about the user's files). A fetch that fails is a Failure naming the URL.
  ``max_bytes`` limits fetched bodies too, unless a ``FetchConfig`` is passed.
- ``fetch=True`` (``--fetch``): a feed entry without its full text is read from
  its link (markup's docstring says how); without it, the entry is a Failure
  that names the link and says to pass --fetch.
"""

from __future__ import annotations

import dataclasses
import glob
import math
import os
import stat
import sys
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Literal

from claimtrack.errors import InputError, InputTooLargeError, MalformedInputError
from claimtrack.ingest.article import (
    STAGE,
    Input,
    Metadata,
    as_article,
    failure_of,
    make_article,
    merge,
    parse_date,
)
from claimtrack.ingest.decode import decode_input, text_codec
from claimtrack.ingest.json_records import (
    FieldPath,
    Fields,
    first_char,
    is_records,
    json_type,
    loads,
    looks_like_json_lines,
    metadata_from_json,
    read_json_lines,
    read_json_value,
)
from claimtrack.ingest.markup import (
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    header_codec,
    markup_kind,
    read_markup,
    read_page,
)
from claimtrack.records import Article, Failure

if TYPE_CHECKING:
    from claimtrack.fetch import FetchConfig, Fetched

DEFAULT_MAX_BYTES = 20_000_000

InputKind = Literal["auto", "text", "jsonl", "json", "html", "feed"]
#: How an input may be read: ``auto`` decides by content, then extension.
INPUT_KINDS: tuple[InputKind, ...] = ("auto", "text", "jsonl", "json", "html", "feed")

# What a directory walk reads; a file named explicitly is always attempted.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIX = ".json"
_WALK_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | {JSON_SUFFIX} | HTML_SUFFIXES | FEED_SUFFIXES
# Files that may have a sidecar "x.json" holding their metadata.
_SIDECAR_OWNERS = TEXT_SUFFIXES | HTML_SUFFIXES


@dataclass(frozen=True, slots=True)
class _Options:
    """How every input of one ``read_sources`` call is read."""

    meta: Metadata
    fields: Fields
    input_kind: InputKind
    encoding: str | None
    max_bytes: int
    fetch_config: FetchConfig | None = None  # how URLs are fetched; None: the defaults
    fetch_links: bool = False  # --fetch: read summary-only feed entries from their links

    def fetcher(self) -> FetchConfig:
        """How URLs are fetched: the config given, else the defaults with ``max_bytes``."""
        if self.fetch_config is not None:
            return self.fetch_config
        from claimtrack.fetch import FetchConfig  # httpx is imported only when a URL is read

        return FetchConfig(max_bytes=self.max_bytes)


def read_sources(
    inputs: Iterable[str | os.PathLike[str]],
    meta: Metadata | None = None,
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    fields: Fields | None = None,
    input_kind: InputKind = "auto",
    fetch: bool = False,
    fetch_config: FetchConfig | None = None,
) -> Iterator[Article | Failure]:
    """Read files, directories, http(s) URLs and stdin ("-", or no inputs at all) as Articles.

    ["a.txt", "missing.txt", "-"] -> Article(source="a.txt"),
                                    Failure("missing.txt", "ingest", "no such file or directory"),
                                    Article(source="stdin")

    ``meta`` is explicit metadata (it wins over the inputs'); ``fields`` says where
    JSON records keep each field; ``input_kind`` forces how every input is read
    ("auto": by content, then extension). URLs are fetched as ``fetch_config``
    says (default: ``FetchConfig(max_bytes=max_bytes)``); ``fetch`` also fetches
    the links of feed entries that carry only a summary.
    Never raises for a bad input; raises ValueError / TypeError at call time for
    bad arguments (an unknown ``encoding`` or ``input_kind``, ``max_bytes`` < 1,
    a bare string).
    """
    if isinstance(inputs, (str, bytes)):
        raise TypeError("inputs must be a list of paths, not a single string")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be at least 1, not {max_bytes}")
    if input_kind not in INPUT_KINDS:
        raise ValueError(f"unknown input kind {input_kind!r} (one of {', '.join(INPUT_KINDS)})")
    if encoding is not None:
        info = text_codec(encoding)
        if info is None:
            raise ValueError(f"unknown text encoding {encoding!r}")
        encoding = info.name
    names = [os.fspath(item) for item in inputs] or ["-"]
    opts = _Options(
        meta or Metadata(),
        fields or Fields(),
        input_kind,
        encoding,
        max_bytes,
        fetch_config,
        fetch,
    )
    return _read_all(names, opts, stdin)


# --- inputs ---------------------------------------------------------------------------------


def _read_all(
    names: list[str], opts: _Options, stdin: BinaryIO | None
) -> Iterator[Article | Failure]:
    """Each named input in turn: stdin, a URL (fetched), a directory (walked) or a file."""
    fetched = _fetch_urls(names, opts)
    try:
        for name in names:
            if name == "-":
                yield from _read_stdin(stdin, opts)
            elif fetched is not None and _is_url(name):
                yield from _read_fetched(next(fetched), opts)
            elif _is_pattern(name):
                yield from _read_pattern(name, opts)
            elif os.path.isdir(name):
                yield from _read_directory(name, opts)
            else:
                yield from _read_file(name, opts)
    finally:
        if fetched is not None:
            fetched.close()


def _is_pattern(name: str) -> bool:
    """A glob pattern ("shards/*.jsonl", "news/**/*.html") that is not itself an existing path."""
    return any(c in name for c in "*?[") and not os.path.lexists(name)


def _read_pattern(pattern: str, opts: _Options) -> Iterator[Article | Failure]:
    """Every path the pattern matches, sorted (``**`` spans directories; hidden names are
    skipped), each read as if named on its own; no match at all is a Failure."""
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield Failure(pattern, "ingest", "no file matches this pattern")
        return
    for name in matches:
        if os.path.isdir(name):
            yield from _read_directory(name, opts)
        else:
            yield from _read_file(name, opts)


# --- URLs -----------------------------------------------------------------------------------


def _is_url(name: str) -> bool:
    """Whether an input is a URL to fetch; httpx is imported only when one looks like it."""
    if "://" not in name:
        return False
    from claimtrack.fetch import is_url

    return is_url(name)


def _fetch_urls(
    names: list[str], opts: _Options
) -> Generator[Fetched | Failure, None, None] | None:
    """One ``fetch_urls`` generator for every URL among ``names`` (None when there is none).

    It is lazy: nothing is fetched until the first URL is read, then it runs
    ahead by its own window while the other inputs are read.
    """
    urls = [name for name in names if _is_url(name)]
    if not urls:
        return None
    from claimtrack.fetch import fetch_urls

    return fetch_urls(urls, opts.fetcher())


def _read_fetched(result: Fetched | Failure, opts: _Options) -> Iterator[Article | Failure]:
    """One fetched URL as Articles, read as its kind (or ``opts.input_kind``) says."""
    if isinstance(result, Failure):
        yield result
        return
    kind: InputKind = result.kind if opts.input_kind == "auto" else opts.input_kind
    links = opts.fetcher() if opts.fetch_links else None
    try:
        if kind == "html":
            yield read_page(result, opts.meta, opts.encoding)
        elif kind == "feed":
            item = Input(result.body, result.url, None)
            yield from read_markup("feed", item, opts.meta, opts.encoding, links)
        else:
            item = Input(result.body, result.url, None)
            hint = header_codec(result.charset) or opts.encoding
            text, used = decode_input(result.body, hint, result.url)
            as_read = "auto" if kind == "text" else kind
            for record in _read_decoded(text, used, as_read, item, opts):
                if isinstance(record, Article) and record.url is None:
                    record = dataclasses.replace(record, url=result.final_url)
                yield record
    except InputError as exc:
        yield failure_of(exc)


def _read_stdin(stream: BinaryIO | None, opts: _Options) -> Iterator[Article | Failure]:
    """stdin as one input of any kind; sources "stdin" / "stdin:LINE"."""
    try:
        if stream is None:
            stream = _system_stdin()
        data = _read_limited(stream, opts.max_bytes, "stdin")
        yield from _read_input(Input(data, "stdin", None), opts)
    except InputError as exc:
        yield failure_of(exc)
    except OSError as exc:
        yield Failure("stdin", STAGE, _os_reason(exc))


def _system_stdin() -> BinaryIO:
    """The process's binary stdin; InputError when it has none (e.g. pythonw)."""
    stream: BinaryIO | None = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("stdin", "stdin is not available")
    return stream


def _read_directory(directory: str, opts: _Options) -> Iterator[Article | Failure]:
    """Every readable file under ``directory``, one at a time, in sorted order."""
    seen = 0
    for item in _walk(directory):
        seen += 1
        if isinstance(item, Failure):
            yield item
        else:
            yield from _read_file(item, opts)
    if seen == 0:
        yield Failure(
            directory,
            STAGE,
            "no files to read (looked for .txt, .text, .md, .json, .jsonl, .html, .xml"
            " and files without an extension)",
        )


def _walk(directory: str) -> Iterator[str | Failure]:
    """Paths of the files a directory walk reads, depth first, sorted by name.

    Hidden entries (".name") are skipped, as are symlinked directories (no loops),
    files with other extensions, and sidecars ("x.json" next to "x.txt").
    """
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield Failure(directory, STAGE, _os_reason(exc))
        return
    files = {entry.name for entry in entries if _is_file(entry)}
    owners = {_split(name)[0] for name in files if _split(name)[1] in _SIDECAR_OWNERS}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if _is_dir(entry):
            yield from _walk(entry.path)
        elif entry.name in files and _wanted(entry.name, owners):
            yield entry.path


def _wanted(name: str, sidecar_owners: set[str]) -> bool:
    """Whether a directory walk reads the file ``name``."""
    stem, suffix = _split(name)
    if suffix == JSON_SUFFIX:
        return stem not in sidecar_owners
    return suffix in _WALK_SUFFIXES


def _split(name: str) -> tuple[str, str]:
    """The stem and the lower-cased extension: "Story.TXT" -> ("Story", ".txt")."""
    stem, suffix = os.path.splitext(name)
    return stem, suffix.lower()


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _read_file(path: str, opts: _Options) -> Iterator[Article | Failure]:
    """One file as Articles: plain text (with its sidecar), JSON Lines, JSON, HTML or a feed."""
    try:
        data = _read_bytes(path, opts.max_bytes)
        yield from _read_input(Input(data, path, path), opts)
    except InputError as exc:
        yield failure_of(exc)
    except OSError as exc:
        yield Failure(path, STAGE, _os_reason(exc))


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """The bytes of ``path``, refusing before reading when it is over ``max_bytes``."""
    try:
        info = os.stat(path)
    except ValueError as exc:  # e.g. an embedded NUL in the name
        raise InputError(path, f"invalid path ({exc})") from None
    if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
        size, limit = _size(info.st_size, up=True), _size(max_bytes, up=False)
        raise InputTooLargeError(path, f"{size} is over the {limit} limit; pass --max-bytes")
    with open(path, "rb") as handle:
        return _read_limited(handle, max_bytes, path)


def _read_limited(stream: BinaryIO, max_bytes: int, source: str) -> bytes:
    """At most ``max_bytes`` from ``stream``; InputTooLargeError if there is more."""
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        chunk = stream.read(min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > max_bytes:
        limit = _size(max_bytes, up=False)
        raise InputTooLargeError(source, f"over the {limit} limit; pass --max-bytes")
    return b"".join(chunks)


def _size(n: int, *, up: bool) -> str:
    """12_345_678 -> "12.4 MB" (up) / "12.3 MB"; 2_048 -> "2,048 bytes".

    Sizes round up and limits down, so a size just over a limit never prints as equal.
    """
    if n < 1_000_000:
        return f"{n:,} bytes"
    tenths = math.ceil(n / 100_000) if up else n // 100_000
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth} MB" if tenth else f"{whole} MB"


# --- kinds ----------------------------------------------------------------------------------


def _read_input(item: Input, opts: _Options) -> Iterator[Article | Failure]:
    """One input's bytes as Articles, read as ``opts.input_kind`` says or as they look.

    HTML and feeds go to ``read_markup`` undecoded (their charset is theirs to
    find); every other kind is decoded first, then read by ``_read_decoded``.
    """
    kind = opts.input_kind
    if kind == "auto":
        kind = markup_kind(item.data, item.suffix) or "auto"
    if kind == "html" or kind == "feed":
        found = _read_sidecar(item.path, opts) if item.path else Metadata()
        links = opts.fetcher() if opts.fetch_links and kind == "feed" else None
        yield from read_markup(kind, item, merge(opts.meta, found), opts.encoding, links)
        return
    text, used = decode_input(item.data, opts.encoding, item.source)
    yield from _read_decoded(text, used, kind, item, opts)


def _read_decoded(
    text: str, encoding: str, kind: InputKind, item: Input, opts: _Options
) -> Iterator[Article | Failure]:
    """Decoded text read as ``kind``: "text", "jsonl", "json", or "auto" (sniffed)."""
    if kind == "text":
        yield _text_article(text, encoding, item, opts)
    elif kind == "jsonl":
        yield from read_json_lines(text, item.source, opts.meta, opts.fields, encoding, item.raw())
    elif kind == "json":
        value = loads(text, item.source, with_line=True)
        yield from read_json_value(value, item.source, opts.meta, opts.fields, encoding, item.raw())
    else:
        yield from _read_sniffed(text, encoding, item, opts)


def _read_sniffed(
    text: str, encoding: str, item: Input, opts: _Options
) -> Iterator[Article | Failure]:
    """Decoded text as JSON Lines, a JSON document or plain text, by suffix and content.

    ".jsonl" is JSON Lines; ".json" a JSON document (JSON Lines if it has one object
    a line); anything else is sniffed: an object, or a list of objects, that parses
    as a whole is a JSON document, text whose lines parse as objects is JSON Lines,
    and the rest is plain text.
    """
    suffix, source = item.suffix, item.source
    if suffix in JSONL_SUFFIXES:
        yield from read_json_lines(text, source, opts.meta, opts.fields, encoding, item.raw())
        return
    if suffix == JSON_SUFFIX or first_char(text) in ("{", "["):
        try:
            value = loads(text, source, with_line=True)
        except MalformedInputError:
            if looks_like_json_lines(text):
                yield from read_json_lines(
                    text, source, opts.meta, opts.fields, encoding, item.raw()
                )
                return
            if suffix == JSON_SUFFIX:
                raise
        else:
            if suffix == JSON_SUFFIX or is_records(value):
                yield from read_json_value(
                    value, source, opts.meta, opts.fields, encoding, item.raw()
                )
                return
    yield _text_article(text, encoding, item, opts)


def _text_article(text: str, encoding: str, item: Input, opts: _Options) -> Article:
    """Plain text as one Article, with the metadata of its sidecar (files only)."""
    found = _read_sidecar(item.path, opts) if item.path else Metadata()
    return make_article(text, item.source, merge(opts.meta, found), encoding)


def _read_sidecar(path: str, opts: _Options) -> Metadata:
    """Metadata from "x.json" next to "x.txt", or empty Metadata when there is none.

    Any problem with the sidecar fails the article, naming the sidecar:
    MalformedInputError("x.txt", "sidecar x.json: invalid JSON (...: line 3, column 5)").
    """
    sidecar = os.path.splitext(path)[0] + JSON_SUFFIX
    if sidecar == path or not os.path.isfile(sidecar):
        return Metadata()
    try:
        text, _ = decode_input(_read_bytes(sidecar, opts.max_bytes), None, sidecar)
        value = loads(text, sidecar, with_line=True)
        if not isinstance(value, dict):
            raise MalformedInputError(sidecar, f"expected a JSON object, got {json_type(value)}")
        return metadata_from_json(value, sidecar, opts.fields)
    except InputError as exc:
        raise MalformedInputError(path, f"sidecar {sidecar}: {exc.reason}") from None
    except OSError as exc:
        raise MalformedInputError(path, f"sidecar {sidecar}: {_os_reason(exc)}") from None


def _os_reason(exc: OSError) -> str:
    """PermissionError(13, "Permission denied") -> "permission denied"."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]


__all__ = [
    "DEFAULT_MAX_BYTES",
    "INPUT_KINDS",
    "STAGE",
    "FieldPath",
    "Fields",
    "InputKind",
    "Metadata",
    "as_article",
    "make_article",
    "parse_date",
    "read_sources",
]
