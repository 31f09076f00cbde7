"""Articles: explicit metadata, normalised text, content-hash ids, ISO dates.

Every reader of the ingest stage ends here: ``make_article`` normalises a text
and hashes it into ``Article.id``; ``Input`` and ``Raw`` carry an input's bytes
and the provenance of the articles converted from them.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from claimtrack.errors import EmptyInputError, InputError, MalformedInputError
from claimtrack.records import Article, Failure

STAGE = "ingest"

_SURROGATES = re.compile("[\ud800-\udfff]")
_ISO_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)


@dataclass(frozen=True, slots=True)
class Metadata:
    """Article metadata given explicitly (command line or API); every field optional.

    Explicit values win over a sidecar file's or a JSON record's, field by field.
    """

    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: date | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class Input:
    """The bytes of one input and where they came from (``path`` is None for stdin)."""

    data: bytes
    source: str
    path: str | None

    @property
    def suffix(self) -> str:
        """The file's lower-cased extension: "news/Story.TXT" -> ".txt"; "" for stdin."""
        return os.path.splitext(self.path)[1].lower() if self.path else ""

    def raw(self) -> Raw:
        return Raw(hashlib.sha256(self.data).hexdigest(), self.path)


@dataclass(frozen=True, slots=True)
class Raw:
    """Provenance of articles converted from one input: its bytes' sha256 and its file."""

    sha256: str
    path: str | None


def make_article(
    text: str,
    source: str,
    meta: Metadata = Metadata(),
    encoding: str = "utf-8",
    *,
    raw_sha256: str | None = None,
    raw_path: str | None = None,
) -> Article:
    """Normalise ``text`` and wrap it as an Article whose id is the sha256 of that text.

    "Hello\\r\\nworld\\n", "a.txt" -> Article(text="Hello\\nworld", source="a.txt", ...)
    "  \\n\\t", "b.txt"           -> EmptyInputError("b.txt: no text, only whitespace")

    ``raw_sha256``/``raw_path`` record the bytes a converted text came from.
    """
    normal = _normalise(text)
    if not normal:
        raise EmptyInputError(source, "empty" if not text else "no text, only whitespace")
    return as_article(normal, source, meta, encoding, raw_sha256=raw_sha256, raw_path=raw_path)


def as_article(
    text: str,
    source: str,
    meta: Metadata = Metadata(),
    encoding: str = "utf-8",
    *,
    raw_sha256: str | None = None,
    raw_path: str | None = None,
) -> Article:
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
        author=meta.author,
        raw_sha256=raw_sha256,
        raw_path=raw_path,
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


def _normalise(text: str) -> str:
    """The canonical form ``Article.text`` and its id use (see the module docstring)."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATES.sub("\ufffd", text)
    # strip() first: NFC never turns a non-space into a space, so the result stays stripped.
    return unicodedata.normalize("NFC", text.strip())


def merge(explicit: Metadata, found: Metadata) -> Metadata:
    """Field by field, the explicit value when given, else the one found in the input."""
    return Metadata(
        title=explicit.title if explicit.title is not None else found.title,
        publisher=explicit.publisher if explicit.publisher is not None else found.publisher,
        url=explicit.url if explicit.url is not None else found.url,
        published=explicit.published if explicit.published is not None else found.published,
        author=explicit.author if explicit.author is not None else found.author,
    )


def failure_of(exc: InputError) -> Failure:
    """An input error as the ingest stage's Failure record."""
    return Failure(exc.source, STAGE, exc.reason)
