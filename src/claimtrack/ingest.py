"""Ingest: files, directories, JSON Lines, JSON and stdin -> ``Article`` records.

``read_sources`` is the stage's entry point. It streams one ``Article`` at a time
and turns every bad input into a ``Failure(source, "ingest", reason)`` instead of
raising, so one broken file never stops a batch::

    read_sources(["news/"])  ->  Article(source="news/a.txt", ...),
                                 Failure("news/b.jsonl:3", "ingest",
                                         "invalid JSON (Expecting ',' delimiter: column 12)"),
                                 Article(source="news/b.jsonl:4", ...), ...

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
- Metadata: options given explicitly (``meta``) win over a sidecar ``x.json``
  or a JSON record's fields, field by field; a missing date stays ``None``.
- A directory walk reads .txt, .text, .md, .json, .jsonl, .ndjson and files
  without an extension, sorted by name, skipping hidden entries, symlinked
  directories and sidecars; one with nothing to read is a Failure, so a typo'd
  or wrong directory is never a silent success.
- Sources: a path as given, ``"stdin"``, ``"path:LINE"`` for a JSON Lines line
  and ``"path[i]"`` for an item of a JSON list.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import math
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from claimtrack.errors import (
    DecodeError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    MalformedInputError,
)
from claimtrack.records import Article, Failure

STAGE = "ingest"
DEFAULT_MAX_BYTES = 20_000_000

# What a directory walk reads; a file named explicitly is always attempted.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIX = ".json"
_WALK_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | {JSON_SUFFIX}

# utf-32 before utf-16: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
# C0 controls that text files do not contain (tab, LF, CR, FF and ESC are allowed).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b") + b"\x7f"
_CONTROL_RE = re.compile(b"[" + re.escape(_CONTROL_BYTES) + b"]")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_C1_BYTES = bytes(range(0x80, 0xA0))
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_HAS_TEXT = re.compile(r"[^\s\x00]")
_ISO_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_DATE_KEYS = ("published", "publication_date", "date")


@dataclass(frozen=True, slots=True)
class Metadata:
    """Article metadata given explicitly (command line or API); every field optional.

    Explicit values win over a sidecar file's or a JSON record's, field by field.
    """

    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: date | None = None


def make_article(
    text: str, source: str, meta: Metadata = Metadata(), encoding: str = "utf-8"
) -> Article:
    """Normalise ``text`` and wrap it as an Article whose id is the sha256 of that text.

    "Hello\\r\\nworld\\n", "a.txt" -> Article(text="Hello\\nworld", source="a.txt", ...)
    "  \\n\\t", "b.txt"           -> EmptyInputError("b.txt: no text, only whitespace")
    """
    normal = _normalise(text)
    if not normal:
        raise EmptyInputError(source, "empty" if not text else "no text, only whitespace")
    return as_article(normal, source, meta, encoding)


def as_article(text: str, source: str, meta: Metadata = Metadata(), encoding: str = "utf-8") -> Article:
    """Wrap ``text`` as it is (no normalisation) as an Article whose id is its sha256.

    For texts whose offsets must not move, such as an annotated corpus's:
    "  Jose\u0301 said it.\n", "a.txt" -> Article(text="  Jose\u0301 said it.\n", ...)
    """
    return Article(
        id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        source=source,
        title=meta.title,
        publisher=meta.publisher,
        url=meta.url,
        published=meta.published,
        encoding=encoding,
    )


def parse_date(value: str, source: str) -> date:
    """An ISO 8601 date, or the date part of an ISO datetime, as written.

    "2023-06-04"                -> date(2023, 6, 4)
    "2023-06-04T23:30:00-05:00" -> date(2023, 6, 4)   (no time-zone shift)
    "June 4, 2023"              -> MalformedInputError naming ``source``
    """
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        raise MalformedInputError(source, f"{value!r} is not an ISO date (YYYY-MM-DD)")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise MalformedInputError(source, f"{value!r} is not a valid date ({exc})") from None


def read_sources(
    inputs: Iterable[str | os.PathLike[str]],
    meta: Metadata = Metadata(),
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
) -> Iterator[Article | Failure]:
    """Read files, directories and stdin ("-", or no inputs at all) as Articles.

    ["a.txt", "missing.txt", "-"] -> Article(source="a.txt"),
                                    Failure("missing.txt", "ingest", "no such file or directory"),
                                    Article(source="stdin")

    Never raises for a bad input; raises ValueError / TypeError at call time for
    bad arguments (an unknown ``encoding``, ``max_bytes`` < 1, a bare string).
    """
    if isinstance(inputs, (str, bytes)):
        raise TypeError("inputs must be a list of paths, not a single string")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be at least 1, not {max_bytes}")
    if encoding is not None:
        info = _text_codec(encoding)
        if info is None:
            raise ValueError(f"unknown text encoding {encoding!r}")
        encoding = info.name
    names = [os.fspath(item) for item in inputs] or ["-"]
    return _read_all(names, meta, encoding, max_bytes, stdin)


def _text_codec(name: str) -> codecs.CodecInfo | None:
    """The codec called ``name`` if it decodes bytes to text ("base64" does not)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info if getattr(info, "_is_text_encoding", True) else None


# --- inputs ---------------------------------------------------------------------------------


def _read_all(
    names: list[str],
    meta: Metadata,
    encoding: str | None,
    max_bytes: int,
    stdin: BinaryIO | None,
) -> Iterator[Article | Failure]:
    """Each named input in turn: stdin, a directory (walked) or a file."""
    for name in names:
        if name == "-":
            yield from _read_stdin(stdin, meta, encoding, max_bytes)
        elif os.path.isdir(name):
            yield from _read_directory(name, meta, encoding, max_bytes)
        else:
            yield from _read_file(name, meta, encoding, max_bytes)


def _read_stdin(
    stream: BinaryIO | None, meta: Metadata, encoding: str | None, max_bytes: int
) -> Iterator[Article | Failure]:
    """stdin as one text or JSON (Lines) input; sources "stdin" / "stdin:LINE"."""
    try:
        if stream is None:
            stream = _system_stdin()
        data = _read_limited(stream, max_bytes, "stdin")
        text, used = _decode_input(data, encoding, "stdin")
        yield from _read_decoded(text, "stdin", "", meta, used, max_bytes, sidecar=False)
    except InputError as exc:
        yield _failure(exc)
    except OSError as exc:
        yield Failure("stdin", STAGE, _os_reason(exc))


def _system_stdin() -> BinaryIO:
    """The process's binary stdin; InputError when it has none (e.g. pythonw)."""
    stream: BinaryIO | None = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise InputError("stdin", "stdin is not available")
    return stream


def _read_directory(
    directory: str, meta: Metadata, encoding: str | None, max_bytes: int
) -> Iterator[Article | Failure]:
    """Every readable file under ``directory``, one at a time, in sorted order."""
    seen = 0
    for item in _walk(directory):
        seen += 1
        if isinstance(item, Failure):
            yield item
        else:
            yield from _read_file(item, meta, encoding, max_bytes)
    if seen == 0:
        yield Failure(
            directory,
            STAGE,
            "no files to read (looked for .txt, .text, .md, .json, .jsonl"
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
    owners = {_split(name)[0] for name in files if _split(name)[1] in TEXT_SUFFIXES}
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


def _read_file(
    path: str, meta: Metadata, encoding: str | None, max_bytes: int
) -> Iterator[Article | Failure]:
    """One file as Articles: plain text (with its sidecar), JSON Lines or JSON."""
    try:
        data = _read_bytes(path, max_bytes)
        text, used = _decode_input(data, encoding, path)
        suffix = _split(os.path.basename(path))[1]
        yield from _read_decoded(text, path, suffix, meta, used, max_bytes, sidecar=True)
    except InputError as exc:
        yield _failure(exc)
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


# --- decoding -------------------------------------------------------------------------------


def _decode_input(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    """Bytes of one input -> (text, encoding used); EmptyInputError when there is no text."""
    if not data:
        raise EmptyInputError(source, "empty file (0 bytes)")
    text, used = _decode(data, encoding, source)
    if not _HAS_TEXT.search(text):  # checked here too: a JSON reader would yield nothing
        raise EmptyInputError(source, "no text, only whitespace")
    return text, used


def _decode(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    """Bytes -> (text, encoding used), or DecodeError saying why they are not text.

    b"\\xff\\xfeh\\x00i\\x00"  -> ("hi", "utf-16-le")     a byte-order mark decides
    b"caf\\xc3\\xa9"         -> ("café", "utf-8")
    b"caf\\xe9"             -> ("café", "latin-1")        unless ``encoding`` is given
    b"PK\\x03\\x04\\x00..."   -> DecodeError "binary file (NUL bytes at offset 4); not text ..."
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return _decode_strict(data, len(bom), codec, source), label
            except DecodeError:
                if encoding is None:
                    raise
                return _decode_strict(data, 0, encoding, source), encoding
    binary = _binary_reason(data)
    utf8_error: UnicodeDecodeError | None = None
    if binary is None:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            utf8_error = exc
    if encoding is not None:
        return _decode_strict(data, 0, encoding, source), encoding
    if binary is not None:
        raise DecodeError(source, binary)
    assert utf8_error is not None
    return _decode_legacy(data, utf8_error, source)


def _decode_strict(data: bytes, start: int, codec: str, source: str) -> str:
    """``data[start:]`` decoded with ``codec``; DecodeError with the bad byte's offset."""
    try:
        return data[start:].decode(codec)
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        raise DecodeError(
            source, f"not valid {codec} ({exc.reason} at byte {offset}); pass --encoding"
        ) from None
    except UnicodeError as exc:  # some codecs (idna) raise without a position
        raise DecodeError(source, f"not valid {codec} ({exc}); pass --encoding") from None


def _binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary (a NUL byte, over 2% control bytes), or None."""
    nul = data.find(b"\x00")
    if nul != -1:
        return f"binary file (NUL bytes at offset {nul}); not text{_nul_hint(data)}"
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls * 50 > len(data):
        found = _CONTROL_RE.search(data)
        first = found.start() if found else 0
        return (
            f"binary file ({controls} control bytes, first at offset {first}); not text"
            " (if it is text, pass --encoding)"
        )
    return None


def _nul_hint(data: bytes) -> str:
    """A hint for the NUL message: UTF-16 without a byte-order mark, or --encoding."""
    sample = data[:4096]
    half = max(1, len(sample) // 2)
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for nuls, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls * 10 >= half * 4 and others * 20 < half:
            return f" (UTF-16 without a byte-order mark? pass --encoding {codec})"
    return " (if it is text, pass --encoding)"


def _decode_legacy(data: bytes, utf8_error: UnicodeDecodeError, source: str) -> tuple[str, str]:
    """Non-UTF-8 bytes as Latin-1 / cp1252 when they look like Western text.

    Broken UTF-8 (valid multi-byte sequences plus a bad byte) and mostly-high-byte
    text (Cyrillic, Greek... in a legacy code page) are refused, not turned into mojibake.
    """
    where = f"{utf8_error.reason} at byte {utf8_error.start}"
    if _UTF8_MULTIBYTE.search(data):
        raise DecodeError(source, f"not valid UTF-8 ({where}); pass --encoding")
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    visible = len(data) - sum(data.count(space) for space in (b" ", b"\t", b"\n", b"\r"))
    if high * 10 > visible * 3:
        raise DecodeError(
            source, f"not UTF-8 ({where}) and does not look like Latin-1 text; pass --encoding"
        )
    if len(data.translate(None, _C1_BYTES)) == len(data):
        return data.decode("latin-1"), "latin-1"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# --- formats --------------------------------------------------------------------------------


def _read_decoded(
    text: str,
    source: str,
    suffix: str,
    meta: Metadata,
    encoding: str,
    max_bytes: int,
    *,
    sidecar: bool,
) -> Iterator[Article | Failure]:
    """Decoded text as JSON Lines, a JSON document or plain text, by suffix and content.

    ".jsonl" is JSON Lines; ".json" a JSON document (JSON Lines if it has one object
    a line); anything else is sniffed: an object, or a list of objects, that parses
    as a whole is a JSON document, text whose lines parse as objects is JSON Lines,
    and the rest is plain text.
    """
    if suffix in JSONL_SUFFIXES:
        yield from _read_json_lines(text, source, meta, encoding)
        return
    if suffix == JSON_SUFFIX or _first_char(text) in ("{", "["):
        try:
            value = _loads(text, source, with_line=True)
        except MalformedInputError:
            if _looks_like_json_lines(text):
                yield from _read_json_lines(text, source, meta, encoding)
                return
            if suffix == JSON_SUFFIX:
                raise
        else:
            if suffix == JSON_SUFFIX or _is_records(value):
                yield from _read_json_value(value, source, meta, encoding)
                return
    found = _read_sidecar(source, max_bytes) if sidecar else Metadata()
    yield make_article(text, source, _merge(meta, found), encoding)


def _looks_like_json_lines(text: str) -> bool:
    """Whether text starting with "{" has a JSON object on one of its first 5 lines."""
    if _first_char(text) != "{":
        return False
    lines = [line for line in text.split("\n", 20) if line.strip()][:5]
    return any(_is_json_object(line) for line in lines)


def _first_char(text: str) -> str:
    """The first non-whitespace character of ``text``, or "" (without copying it)."""
    found = _HAS_TEXT.search(text)
    return found.group() if found else ""


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _is_records(value: object) -> bool:
    """An object, or a non-empty list of objects: JSON meant as articles."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(item, dict) for item in value)
    return isinstance(value, dict)


def _read_json_lines(
    text: str, source: str, meta: Metadata, encoding: str
) -> Iterator[Article | Failure]:
    """One Article or Failure per non-blank line, with source "path:LINE"."""
    # split("\n"), not splitlines(): U+2028 and friends may stand raw inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            value = _loads(line, where, with_line=False)
            yield _article_from_record(value, where, meta, encoding)
        except InputError as exc:
            yield _failure(exc)


def _read_json_value(
    value: object, source: str, meta: Metadata, encoding: str
) -> Iterator[Article | Failure]:
    """A parsed JSON document: one object -> "path", a list -> "path[0]", "path[1]"..."""
    if not isinstance(value, list):
        yield _record_or_failure(value, source, meta, encoding)
        return
    if not value:
        yield Failure(source, STAGE, "empty JSON list; no articles")
    for index, item in enumerate(value):
        yield _record_or_failure(item, f"{source}[{index}]", meta, encoding)


def _record_or_failure(
    value: object, source: str, meta: Metadata, encoding: str
) -> Article | Failure:
    try:
        return _article_from_record(value, source, meta, encoding)
    except InputError as exc:
        return _failure(exc)


def _article_from_record(value: object, source: str, meta: Metadata, encoding: str) -> Article:
    """A JSON object with "text" (required) and metadata fields -> Article.

    {"text": "...", "title": "T", "date": "2023-06-04"} -> Article(title="T", published=...)
    Other keys are ignored; explicit ``meta`` values win over the record's.
    """
    if not isinstance(value, dict):
        raise MalformedInputError(source, f"expected a JSON object, got {_json_type(value)}")
    text = value.get("text")
    if text is None:
        raise MalformedInputError(source, 'no "text" field')
    if not isinstance(text, str):
        raise MalformedInputError(source, f'"text" must be a string, got {_json_type(text)}')
    return make_article(text, source, _merge(meta, _metadata_from_json(value, source)), encoding)


def _read_sidecar(path: str, max_bytes: int) -> Metadata:
    """Metadata from "x.json" next to "x.txt", or empty Metadata when there is none.

    Any problem with the sidecar fails the article, naming the sidecar:
    MalformedInputError("x.txt", "sidecar x.json: invalid JSON (...: line 3, column 5)").
    """
    sidecar = os.path.splitext(path)[0] + JSON_SUFFIX
    if sidecar == path or not os.path.isfile(sidecar):
        return Metadata()
    try:
        text, _ = _decode_input(_read_bytes(sidecar, max_bytes), None, sidecar)
        value = _loads(text, sidecar, with_line=True)
        if not isinstance(value, dict):
            raise MalformedInputError(sidecar, f"expected a JSON object, got {_json_type(value)}")
        return _metadata_from_json(value, sidecar)
    except InputError as exc:
        raise MalformedInputError(path, f"sidecar {sidecar}: {exc.reason}") from None
    except OSError as exc:
        raise MalformedInputError(path, f"sidecar {sidecar}: {_os_reason(exc)}") from None


def _metadata_from_json(record: dict[str, object], source: str) -> Metadata:
    """title / publisher / url / published (or publication_date, date) of a JSON object."""
    key = next((k for k in _DATE_KEYS if record.get(k) is not None), None)
    raw = _optional_str(record, key, source) if key else None
    published = None
    if raw is not None:
        try:
            published = parse_date(raw, source)
        except MalformedInputError as exc:
            raise MalformedInputError(source, f'"{key}": {exc.reason}') from None
    return Metadata(
        title=_optional_str(record, "title", source),
        publisher=_optional_str(record, "publisher", source),
        url=_optional_str(record, "url", source),
        published=published,
    )


def _optional_str(record: dict[str, object], key: str, source: str) -> str | None:
    """record[key] stripped, None when absent, null or blank; a non-string fails."""
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedInputError(source, f'"{key}" must be a string, got {_json_type(value)}')
    return value.strip() or None


def _loads(text: str, source: str, *, with_line: bool) -> object:
    """json.loads, with errors as MalformedInputError quoting the parser's position.

    '{"a" 1}' -> MalformedInputError("invalid JSON (Expecting ':' delimiter: column 6)")
    """
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}" if with_line else f"column {exc.colno}"
        raise MalformedInputError(source, f"invalid JSON ({exc.msg}: {where})") from None
    except RecursionError:
        raise MalformedInputError(source, "invalid JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        raise MalformedInputError(source, f"invalid JSON ({exc})") from None
    return value


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages: [] -> "an array"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


# --- helpers --------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """The canonical form ``Article.text`` and its id use (see the module docstring)."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATES.sub("\ufffd", text)
    # strip() first: NFC never turns a non-space into a space, so the result stays stripped.
    return unicodedata.normalize("NFC", text.strip())


def _merge(explicit: Metadata, found: Metadata) -> Metadata:
    """Field by field, the explicit value when given, else the one found in the input."""
    return Metadata(
        title=explicit.title if explicit.title is not None else found.title,
        publisher=explicit.publisher if explicit.publisher is not None else found.publisher,
        url=explicit.url if explicit.url is not None else found.url,
        published=explicit.published if explicit.published is not None else found.published,
    )


def _failure(exc: InputError) -> Failure:
    return Failure(exc.source, STAGE, exc.reason)


def _os_reason(exc: OSError) -> str:
    """PermissionError(13, "Permission denied") -> "permission denied"."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return reason[:1].lower() + reason[1:]


__all__ = [
    "DEFAULT_MAX_BYTES",
    "Metadata",
    "make_article",
    "parse_date",
    "read_sources",
]
