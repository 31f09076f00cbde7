"""JSON and JSON Lines records -> Articles, with ``Fields`` saying where each field is.

{"body": "...", "meta": {"published": "2023-06-04T10:15:00Z"}}
    with Fields(text="body", date="meta.published")
    -> Article(text="...", published=date(2023, 6, 4), raw_sha256=<the input's>, ...)

A record that cannot be read is a Failure naming it ("path:LINE" or "path[i]")
and the field and value at fault; the other records go on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date

from claimtrack.errors import InputError, MalformedInputError
from claimtrack.ingest.article import (
    STAGE,
    Metadata,
    Raw,
    failure_of,
    make_article,
    merge,
    parse_date,
)
from claimtrack.ingest.decode import HAS_TEXT
from claimtrack.records import Article, Failure

#: A key or dotted path into a JSON record, or several tried in order.
FieldPath = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fields:
    """Where a JSON record (or a sidecar) keeps each article field.

    Each field is a key, a dotted path into nested objects, or a tuple of them
    tried in order: the first that is present and not null is used. A key that
    itself contains dots ("dc.date") is matched whole before it is split.

    Fields(text="body", date="meta.published") reads
    {"body": "Kyiv said...", "meta": {"published": "2023-06-04T10:15:00Z"}}
    as text "Kyiv said..." published 2023-06-04.
    """

    text: FieldPath = "text"
    title: FieldPath = "title"
    date: FieldPath = ("published", "publication_date", "date")
    url: FieldPath = "url"
    publisher: FieldPath = "publisher"
    author: FieldPath = "author"

    def __post_init__(self) -> None:
        for field in fields(self):
            paths = _paths(getattr(self, field.name))
            if not paths or not all(isinstance(p, str) and p.strip() for p in paths):
                raise ValueError(f"field {field.name!r} needs a non-empty key or dotted path")


def _paths(value: FieldPath) -> tuple[str, ...]:
    """A field's candidate paths: "text" -> ("text",)."""
    return (value,) if isinstance(value, str) else tuple(value)


def looks_like_json_lines(text: str) -> bool:
    """Whether text starting with "{" has a JSON object on one of its first 5 lines."""
    if first_char(text) != "{":
        return False
    lines = [line for line in text.split("\n", 20) if line.strip()][:5]
    return any(_is_json_object(line) for line in lines)


def first_char(text: str) -> str:
    """The first non-whitespace character of ``text``, or "" (without copying it)."""
    found = HAS_TEXT.search(text)
    return found.group() if found else ""


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def is_records(value: object) -> bool:
    """An object, or a non-empty list of objects: JSON meant as articles."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(item, dict) for item in value)
    return isinstance(value, dict)


def read_json_lines(
    text: str, source: str, meta: Metadata, fields: Fields, encoding: str, raw: Raw
) -> Iterator[Article | Failure]:
    """One Article or Failure per non-blank line, with source "path:LINE"."""
    # split("\n"), not splitlines(): U+2028 and friends may stand raw inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            value = loads(line, where, with_line=False)
            yield _article_from_record(value, where, meta, fields, encoding, raw)
        except InputError as exc:
            yield failure_of(exc)


def read_json_value(
    value: object, source: str, meta: Metadata, fields: Fields, encoding: str, raw: Raw
) -> Iterator[Article | Failure]:
    """A parsed JSON document: one object -> "path", a list -> "path[0]", "path[1]"..."""
    if not isinstance(value, list):
        yield _record_or_failure(value, source, meta, fields, encoding, raw)
        return
    if not value:
        yield Failure(source, STAGE, "empty JSON list; no articles")
    for index, item in enumerate(value):
        yield _record_or_failure(item, f"{source}[{index}]", meta, fields, encoding, raw)


def _record_or_failure(
    value: object, source: str, meta: Metadata, fields: Fields, encoding: str, raw: Raw
) -> Article | Failure:
    try:
        return _article_from_record(value, source, meta, fields, encoding, raw)
    except InputError as exc:
        return failure_of(exc)


def _article_from_record(
    value: object, source: str, meta: Metadata, fields: Fields, encoding: str, raw: Raw
) -> Article:
    """A JSON object with a text field (required) and metadata fields -> Article.

    {"text": "...", "title": "T", "date": "2023-06-04"} -> Article(title="T", published=...)
    Other keys are ignored; explicit metadata wins over the record's; which keys
    hold what is ``fields``.
    """
    if not isinstance(value, dict):
        raise MalformedInputError(source, f"expected a JSON object, got {json_type(value)}")
    found = _first(value, fields.text)
    if found is None:
        raise MalformedInputError(source, f"no {_names(fields.text)} field")
    path, text = found
    if not isinstance(text, str):
        raise MalformedInputError(source, f'"{path}" must be a string, got {json_type(text)}')
    meta = merge(meta, metadata_from_json(value, source, fields))
    return make_article(text, source, meta, encoding, raw_sha256=raw.sha256, raw_path=raw.path)


def metadata_from_json(record: dict[str, object], source: str, where: Fields) -> Metadata:
    """Title, publisher, url, published and author of a JSON object, found where ``where`` says.

    {"title": " T ", "meta": {"published": "2023-06-04T10:15:00Z"}}, date="meta.published"
        -> Metadata(title="T", published=date(2023, 6, 4))
    """
    return Metadata(
        title=_optional_str(record, where.title, source),
        publisher=_optional_str(record, where.publisher, source),
        url=_optional_str(record, where.url, source),
        published=_optional_date(record, where.date, source),
        author=_optional_author(record, where.author, source),
    )


def _lookup(record: dict[str, object], path: str) -> object:
    """The value at a key or dotted path of ``record``; None when there is none.

    {"meta": {"published": "2023-06-04"}}, "meta.published" -> "2023-06-04"
    {"dc.date": "2023-06-04"}, "dc.date"                     -> "2023-06-04"
    """
    if path in record:
        return record[path]
    dot = path.find(".")
    while dot != -1:
        inner = record.get(path[:dot])
        if isinstance(inner, dict):
            found = _lookup(inner, path[dot + 1 :])
            if found is not None:
                return found
        dot = path.find(".", dot + 1)
    return None


def _first(record: dict[str, object], field: FieldPath) -> tuple[str, object] | None:
    """(path, value) of the first of ``field``'s paths with a non-null value, or None."""
    for path in _paths(field):
        value = _lookup(record, path)
        if value is not None:
            return path, value
    return None


def _names(field: FieldPath) -> str:
    """("text", "body") -> '"text" or "body"', for messages."""
    return " or ".join(f'"{path}"' for path in _paths(field))


def _optional_str(record: dict[str, object], field: FieldPath, source: str) -> str | None:
    """The field's value stripped, None when absent, null or blank; a non-string fails."""
    found = _first(record, field)
    if found is None:
        return None
    path, value = found
    if not isinstance(value, str):
        raise MalformedInputError(source, f'"{path}" must be a string, got {json_type(value)}')
    return value.strip() or None


def _optional_date(record: dict[str, object], field: FieldPath, source: str) -> date | None:
    """The field's ISO date or datetime as a date; a bad one fails naming field and value.

    {"date": "yesterday"} -> MalformedInputError('"date": \\'yesterday\\' is not an ISO date ...')
    """
    found = _first(record, field)
    if found is None:
        return None
    path = found[0]
    raw = _optional_str(record, path, source)
    if raw is None:
        return None
    try:
        return parse_date(raw, source)
    except MalformedInputError as exc:
        raise MalformedInputError(source, f'"{path}": {exc.reason}') from None


def _optional_author(record: dict[str, object], field: FieldPath, source: str) -> str | None:
    """A string, or a list of strings joined: ["Ann Lee", "Bo Li"] -> "Ann Lee, Bo Li"."""
    found = _first(record, field)
    if found is None:
        return None
    path, value = found
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return ", ".join(name.strip() for name in value if name.strip()) or None
    if not isinstance(value, str):
        raise MalformedInputError(
            source, f'"{path}" must be a string or a list of strings, got {json_type(value)}'
        )
    return value.strip() or None


def loads(text: str, source: str, *, with_line: bool) -> object:
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


def json_type(value: object) -> str:
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
