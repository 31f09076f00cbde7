"""Tests for claimtrack.ingest: readers, decoding, metadata, failures and streaming."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack import ingest
from claimtrack.errors import EmptyInputError, MalformedInputError
from claimtrack.ingest import Fields, Metadata, make_article, markup, parse_date, read_sources
from claimtrack.records import Article, Failure

INPUTS = Path(__file__).parent / "data" / "inputs"


def read_all(inputs: Iterable[str | Path], **options: object) -> list[Article | Failure]:
    return list(read_sources([str(item) for item in inputs], **options))  # type: ignore[arg-type]


def articles(results: list[Article | Failure]) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def failures(results: list[Article | Failure]) -> list[Failure]:
    return [r for r in results if isinstance(r, Failure)]


def only_article(results: Sequence[Article | Failure]) -> Article:
    assert len(results) == 1 and isinstance(results[0], Article), results
    return results[0]


def only_failure(results: Sequence[Article | Failure]) -> Failure:
    assert len(results) == 1 and isinstance(results[0], Failure), results
    return results[0]


def relative(source: str) -> str:
    return source.removeprefix(str(INPUTS) + os.sep)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- make_article ---------------------------------------------------------------------------


def test_make_article_id_is_sha256_of_the_normalised_text() -> None:
    article = make_article("  The mayor said so.\r\n", "a.txt")
    assert article.text == "The mayor said so."
    assert article.id == hashlib.sha256(b"The mayor said so.").hexdigest()
    assert (article.source, article.encoding, article.published) == ("a.txt", "utf-8", None)


@pytest.mark.parametrize("variant", ["One\r\nTwo\r\n", "One\rTwo\r", "One\nTwo\n"])
def test_make_article_line_endings_do_not_change_the_id(variant: str) -> None:
    article = make_article(variant, "x")
    assert article.text == "One\nTwo"
    assert article.id == make_article("One\nTwo", "y").id


def test_make_article_composes_to_nfc() -> None:
    decomposed = make_article("Cafe\u0301 owner said", "a")
    assert decomposed.text == "Caf\u00e9 owner said"
    assert decomposed.id == make_article("Caf\u00e9 owner said", "b").id


def test_make_article_drops_nul_and_replaces_lone_surrogates() -> None:
    article = make_article("talks\x00 failed \ud800", "a")
    assert article.text == "talks failed \ufffd"
    article.text.encode("utf-8")  # would raise on a surrogate


def test_make_article_carries_metadata_and_encoding() -> None:
    meta = Metadata(title="T", publisher="P", url="https://x.test/a", published=date(2023, 6, 4))
    article = make_article("Text.", "a.txt", meta, encoding="latin-1")
    assert (article.title, article.publisher, article.url) == ("T", "P", "https://x.test/a")
    assert article.published == date(2023, 6, 4)
    assert article.encoding == "latin-1"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (" \n\t\r\n", "no text, only whitespace"),
        ("\x00\n", "no text, only whitespace"),
    ],
)
def test_make_article_refuses_text_with_nothing_in_it(text: str, reason: str) -> None:
    with pytest.raises(EmptyInputError) as caught:
        make_article(text, "a.txt")
    assert (caught.value.source, caught.value.reason) == ("a.txt", reason)


# --- parse_date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2023-06-04",
        " 2023-06-04 ",
        "2023-06-04T09:30",
        "2023-06-04T09:30:15Z",
        "2023-06-04 23:30:00.123-05:00",
        "2023-06-04T23:30:00+0530",
    ],
)
def test_parse_date_reads_iso_dates_and_datetimes_without_shifting_zones(value: str) -> None:
    assert parse_date(value, "a.json") == date(2023, 6, 4)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("June 4, 2023", "is not an ISO date"),
        ("2023-06", "is not an ISO date"),
        ("04/06/2023", "is not an ISO date"),
        ("2023-06-04Tnoon", "is not an ISO date"),
        ("2023-02-30", "is not a valid date (day is out of range for month)"),
        ("", "is not an ISO date"),
    ],
)
def test_parse_date_names_the_source_when_it_fails(value: str, words: str) -> None:
    with pytest.raises(MalformedInputError) as caught:
        parse_date(value, "feed.jsonl:3")
    assert caught.value.source == "feed.jsonl:3"
    assert words in caught.value.reason


# --- plain text and sidecars ----------------------------------------------------------------


def test_plain_text_file_with_sidecar_metadata() -> None:
    article = only_article(read_all([INPUTS / "plain.txt"]))
    assert article.source == str(INPUTS / "plain.txt")
    assert article.text.startswith("The mayor said on Friday")
    assert article.text.endswith("she told reporters.")
    assert article.title == "Bridge to reopen in June"
    assert article.publisher == "Riverside Gazette"
    assert article.url == "https://example.org/bridge"
    assert article.published == date(2023, 6, 4)
    assert article.encoding == "utf-8"


def test_same_text_in_two_files_has_the_same_id(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "Officials said the port was closed.\n")
    b = write(tmp_path / "sub" / "b.md", "Officials said the port was closed.")
    first, second = articles(read_all([a, b]))
    assert first.id == second.id
    assert (first.source, second.source) == (str(a), str(b))


def test_crlf_and_lf_files_have_the_same_id(tmp_path: Path) -> None:
    lf = write(tmp_path / "lf.txt", "Line one.\nLine two.\n")
    crlf = write(tmp_path / "crlf.txt", b"Line one.\r\nLine two.\r\n")
    first, second = articles(read_all([lf, crlf]))
    assert second.text == "Line one.\nLine two."
    assert first.id == second.id


def test_a_file_without_a_sidecar_has_no_metadata(tmp_path: Path) -> None:
    article = only_article(read_all([write(tmp_path / "story", "Text without metadata.")]))
    assert (article.title, article.publisher, article.url, article.published) == (None,) * 4


def test_explicit_metadata_wins_over_the_sidecar_field_by_field() -> None:
    meta = Metadata(title="Given title", published=date(2020, 1, 2))
    article = only_article(read_all([INPUTS / "plain.txt"], meta=meta))
    assert article.title == "Given title"
    assert article.published == date(2020, 1, 2)
    assert article.publisher == "Riverside Gazette"  # not given explicitly: from the sidecar


def test_invalid_sidecar_fails_the_article_naming_sidecar_line_and_column() -> None:
    failure = only_failure(read_all([INPUTS / "bad_sidecar.txt"]))
    assert failure.source == str(INPUTS / "bad_sidecar.txt")
    assert failure.stage == "ingest"
    assert failure.message == (
        f"sidecar {INPUTS / 'bad_sidecar.json'}: "
        "invalid JSON (Expecting ',' delimiter: line 4, column 3)"
    )


@pytest.mark.parametrize(
    ("sidecar", "message"),
    [
        ('{"published": "last Tuesday"}', "\"published\": 'last Tuesday' is not an ISO date"),
        ('["not", "an", "object"]', "expected a JSON object, got an array"),
        ('{"title": 7}', '"title" must be a string, got a number'),
        ("", "empty file (0 bytes)"),
    ],
)
def test_bad_sidecar_contents_fail_the_article(tmp_path: Path, sidecar: str, message: str) -> None:
    text = write(tmp_path / "story.txt", "The union said the strike would go on.")
    write(tmp_path / "story.json", sidecar)
    failure = only_failure(read_all([text]))
    assert failure.source == str(text)
    assert failure.message.startswith(f"sidecar {tmp_path / 'story.json'}: {message}")


def test_sidecar_metadata_values_are_stripped_and_blank_means_none(tmp_path: Path) -> None:
    text = write(tmp_path / "story.txt", "Body.")
    write(tmp_path / "story.json", '{"title": "  Title  ", "publisher": " ", "extra": [1]}')
    article = only_article(read_all([text]))
    assert (article.title, article.publisher) == ("Title", None)


# --- JSON Lines and JSON --------------------------------------------------------------------


def test_jsonl_bad_line_is_one_failure_and_the_other_lines_come_through() -> None:
    path = INPUTS / "articles.jsonl"
    results = read_all([path])
    assert [r.source for r in results] == [f"{path}:{n}" for n in (1, 2, 3, 5)]
    failure = only_failure(failures(results))
    assert str(failure) == f"{path}:3: invalid JSON (Expecting ',' delimiter: column 28)"
    first, second, third = articles(results)
    assert (first.title, first.published) == ("Road closed", date(2023, 5, 1))
    assert second.published == date(2023, 5, 2)  # from "date", a datetime
    assert (third.publisher, third.published) == ("Wire", date(2023, 5, 3))  # "publication_date"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('["text", "in a list"]', "expected a JSON object, got an array"),
        ('"just a string"', "expected a JSON object, got a string"),
        ('{"title": "no text"}', 'no "text" field'),
        ('{"text": 12}', '"text" must be a string, got a number'),
        ('{"text": "   "}', "no text, only whitespace"),
        (
            '{"text": "ok", "published": "yesterday"}',
            "\"published\": 'yesterday' is not an ISO date",
        ),
        ('{"text": "ok", "date": 20230604}', '"date" must be a string, got a number'),
        ('{"text": "ok", "url": ["a"]}', '"url" must be a string, got an array'),
        ("[" * 100_000, "invalid JSON (nested too deeply)"),
    ],
)
def test_jsonl_line_problems_become_failures_naming_the_line(
    tmp_path: Path, line: str, message: str
) -> None:
    path = write(tmp_path / "feed.jsonl", '{"text": "Good line."}\n' + line + "\n")
    results = read_all([path])
    assert isinstance(results[0], Article) and results[0].source == f"{path}:1"
    failure = only_failure(results[1:])
    assert failure.source == f"{path}:2"
    assert failure.message.startswith(message)


def test_jsonl_published_key_order_and_explicit_date_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl",
        json.dumps({"text": "A.", "published": "2023-01-01", "date": "2022-01-01"}) + "\n",
    )
    assert only_article(read_all([path])).published == date(2023, 1, 1)
    explicit = only_article(read_all([path], meta=Metadata(published=date(2024, 2, 3))))
    assert explicit.published == date(2024, 2, 3)


def test_json_list_yields_one_article_per_item_with_index_sources() -> None:
    path = INPUTS / "list.json"
    results = read_all([path])
    assert [r.source for r in results] == [f"{path}[0]", f"{path}[1]"]
    assert articles(results)[0].title == "Budget"


def test_json_single_object_uses_the_path_as_source(tmp_path: Path) -> None:
    body = {"text": "Pretty printed.", "title": "One", "published": "2023-06-04"}
    path = write(tmp_path / "one.json", json.dumps(body, indent=2))
    article = only_article(read_all([path]))
    assert (article.source, article.title, article.published) == (
        str(path),
        "One",
        date(2023, 6, 4),
    )


@pytest.mark.parametrize(
    ("content", "source_suffix", "message"),
    [
        ("[]", "", "empty JSON list; no articles"),
        ("42", "", "expected a JSON object, got a number"),
        ('[{"text": "ok"}, 3]', "[1]", "expected a JSON object, got a number"),
        (
            '{\n  "text": "a",\n  "title" "b"\n}',
            "",
            "invalid JSON (Expecting ':' delimiter: line 3",
        ),
    ],
)
def test_json_document_problems(
    tmp_path: Path, content: str, source_suffix: str, message: str
) -> None:
    path = write(tmp_path / "doc.json", content)
    failure = failures(read_all([path]))[-1]
    assert failure.source == f"{path}{source_suffix}"
    assert failure.message.startswith(message)


def test_json_file_holding_json_lines_is_read_as_json_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "misnamed.json", '{"text": "One."}\n{"text": "Two."}\n')
    results = read_all([path])
    assert [(r.source, r.text) for r in articles(results)] == [
        (f"{path}:1", "One."),
        (f"{path}:2", "Two."),
    ]


@pytest.mark.parametrize("name", ["feed.txt", "feed"])
def test_json_lines_are_recognised_by_content_in_text_files(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, '{"text": "One."}\nnot json\n{"text": "Two."}\n')
    results = read_all([path])
    assert [r.source for r in results] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert isinstance(results[1], Failure) and results[1].message.startswith("invalid JSON")


def test_text_that_merely_starts_with_a_brace_stays_plain_text(tmp_path: Path) -> None:
    path = write(tmp_path / "note.txt", "{Editor's note} The minister said talks would resume.\n")
    article = only_article(read_all([path]))
    assert article.text.startswith("{Editor's note}")


# --- configurable fields ---------------------------------------------------------------------


NESTED = {
    "body": "Officials said the bridge was closed.",
    "headline": "Bridge closed",
    "link": "https://example.org/bridge",
    "meta": {"published": "2023-06-04T10:15:00Z", "by": ["Ann Lee", " Bo Li "], "outlet": "Wire"},
}
NESTED_FIELDS = Fields(
    text="body",
    title="headline",
    date="meta.published",
    url="link",
    publisher="meta.outlet",
    author="meta.by",
)


def test_fields_name_keys_and_dotted_paths_of_a_record(tmp_path: Path) -> None:
    path = write(tmp_path / "dump.jsonl", json.dumps(NESTED) + "\n")
    article = only_article(read_all([path], fields=NESTED_FIELDS))
    assert article.text == "Officials said the bridge was closed."
    assert (article.title, article.url, article.publisher) == (
        "Bridge closed",
        "https://example.org/bridge",
        "Wire",
    )
    assert (article.published, article.author) == (date(2023, 6, 4), "Ann Lee, Bo Li")


def test_default_fields_ignore_what_they_do_not_name(tmp_path: Path) -> None:
    path = write(tmp_path / "dump.jsonl", json.dumps({**NESTED, "text": "Plain."}) + "\n")
    article = only_article(read_all([path]))
    assert (article.text, article.title, article.published, article.author) == (
        "Plain.",
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("record", "fields", "expected"),
    [
        ({"dc.date": "2023-06-04"}, Fields(date="dc.date"), date(2023, 6, 4)),  # a dotted key
        ({"dc": {"date": "2023-06-04"}}, Fields(date="dc.date"), date(2023, 6, 4)),
        ({"a": {"b.c": "2023-06-04"}}, Fields(date="a.b.c"), date(2023, 6, 4)),
        (
            {"meta": "flat", "date": "2023-06-04"},
            Fields(date=("meta.date", "date")),
            date(2023, 6, 4),
        ),
        ({"meta": {"date": None}}, Fields(date="meta.date"), None),
    ],
)
def test_field_paths_are_looked_up_whole_then_by_parts_in_order(
    tmp_path: Path, record: dict[str, object], fields: Fields, expected: date | None
) -> None:
    path = write(tmp_path / "r.jsonl", json.dumps({"text": "T.", **record}) + "\n")
    assert only_article(read_all([path], fields=fields)).published == expected


@pytest.mark.parametrize(
    ("record", "fields", "message"),
    [
        ({"text": "T."}, Fields(text=("body", "content")), 'no "body" or "content" field'),
        ({"body": 3}, Fields(text="body"), '"body" must be a string, got a number'),
        (
            {"text": "T.", "meta": {"published": "soon"}},
            Fields(date="meta.published"),
            "\"meta.published\": 'soon' is not an ISO date (YYYY-MM-DD)",
        ),
        (
            {"text": "T.", "published": "2023-06-31T10:00:00Z"},
            Fields(),
            "\"published\": '2023-06-31T10:00:00Z' is not a valid date",
        ),
        (
            {"text": "T.", "author": 7},
            Fields(),
            '"author" must be a string or a list of strings, got a number',
        ),
        (
            {"text": "T.", "author": ["A", 1]},
            Fields(),
            '"author" must be a string or a list of strings, got an array',
        ),
    ],
)
def test_field_problems_fail_the_record_naming_field_and_value(
    tmp_path: Path, record: dict[str, object], fields: Fields, message: str
) -> None:
    path = write(tmp_path / "r.jsonl", json.dumps(record) + "\n")
    failure = only_failure(read_all([path], fields=fields))
    assert failure.source == f"{path}:1"
    assert failure.message.startswith(message)


@pytest.mark.parametrize("bad", [{"text": ""}, {"date": ()}, {"url": ("ok", " ")}])
def test_fields_need_non_empty_paths(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="needs a non-empty key or dotted path"):
        Fields(**bad)  # type: ignore[arg-type]


def test_fields_apply_to_sidecars_and_explicit_metadata_still_wins(tmp_path: Path) -> None:
    text = write(tmp_path / "story.txt", "The union said the strike would go on.")
    write(tmp_path / "story.json", json.dumps({"meta": {"by": "Ann Lee", "day": "2023-06-04"}}))
    fields = Fields(author="meta.by", date="meta.day")
    article = only_article(read_all([text], fields=fields))
    assert (article.author, article.published) == ("Ann Lee", date(2023, 6, 4))
    given = only_article(read_all([text], fields=fields, meta=Metadata(author="Bo Li")))
    assert given.author == "Bo Li"


# --- raw provenance ---------------------------------------------------------------------------


def test_converted_articles_record_the_raw_bytes_they_came_from(tmp_path: Path) -> None:
    data = b'{"text": "One."}\n{"text": "Two."}\n'
    path = write(tmp_path / "feed.jsonl", data)
    digest = hashlib.sha256(data).hexdigest()
    assert [(a.raw_sha256, a.raw_path) for a in articles(read_all([path]))] == [
        (digest, str(path)),
        (digest, str(path)),
    ]
    [from_stdin] = read_sources(["-"], stdin=io.BytesIO(data[:17]))
    assert isinstance(from_stdin, Article)
    assert (from_stdin.raw_sha256, from_stdin.raw_path) == (
        hashlib.sha256(data[:17]).hexdigest(),
        None,
    )


def test_plain_text_has_no_raw_provenance() -> None:
    article = only_article(read_all([INPUTS / "plain.txt"]))
    assert (article.raw_sha256, article.raw_path, article.author) == (None, None, None)


# --- input kinds ------------------------------------------------------------------------------


def test_a_file_without_extension_holding_json_is_a_json_document(tmp_path: Path) -> None:
    path = write(tmp_path / "export", json.dumps({"text": "One.", "title": "T"}, indent=2))
    article = only_article(read_all([path]))
    assert (article.source, article.title) == (str(path), "T")


@pytest.mark.parametrize(
    ("kind", "content", "expected"),
    [
        (
            "text",
            '{"text": "One."}\n{"text": "Two."}\n',
            [("", '{"text": "One."}\n{"text": "Two."}')],
        ),
        ("jsonl", '{"text": "One."}\n{"text": "Two."}\n', [(":1", "One."), (":2", "Two.")]),
        ("json", '[{"text": "One."}]', [("[0]", "One.")]),
        ("auto", "<3 to all, the mayor said.", [("", "<3 to all, the mayor said.")]),
        ("text", "<html><p>Said so.</p></html>", [("", "<html><p>Said so.</p></html>")]),
    ],
)
def test_input_kind_forces_how_a_file_is_read(
    tmp_path: Path, kind: str, content: str, expected: list[tuple[str, str]]
) -> None:
    path = write(tmp_path / "input.txt", content)
    results = read_all([path], input_kind=kind)
    assert [(r.source.removeprefix(str(path)), r.text) for r in articles(results)] == expected
    assert not failures(results)


def test_forced_json_on_json_lines_is_one_failure(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", '{"text": "One."}\n{"text": "Two."}\n')
    failure = only_failure(read_all([path], input_kind="json"))
    assert str(failure) == f"{path}: invalid JSON (Extra data: line 2, column 1)"


def test_input_kind_applies_to_stdin() -> None:
    stream = io.BytesIO(b'{"text": "One."}')
    article = only_article(list(read_sources(["-"], stdin=stream, input_kind="text")))
    assert (article.source, article.text) == ("stdin", '{"text": "One."}')


def test_unknown_input_kind_is_an_argument_error() -> None:
    with pytest.raises(ValueError, match="unknown input kind 'xml'"):
        read_sources(["x"], input_kind="xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "suffix", "kind"),
    [
        (b"<!DOCTYPE html>\n<html><body><p>Hi</p></body></html>", ".txt", "html"),
        (b"\xef\xbb\xbf  <!-- saved --><HTML lang=en>", "", "html"),
        ("<html>".encode("utf-16"), ".txt", "html"),
        (b"<?xml version='1.0'?>\n<!DOCTYPE html><html/>", ".xml", "html"),
        (b"<p>The minister said so.</p>", ".md", "html"),
        (b"<?xml version='1.0'?><!-- x --><rss version='2.0'>", ".txt", "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', "", "feed"),
        (b"The mayor said so.", ".html", "html"),
        (b"The mayor said so.", ".atom", "feed"),
        (b"<3 to all, the mayor said.", ".txt", None),
        (b"<feed>no namespace</feed>", ".jsonl", None),
        (b'{"text": "<html>"}', ".json", None),
        (b"", "", None),
    ],
)
def test_markup_is_recognised_by_content_then_extension(
    data: bytes, suffix: str, kind: str | None
) -> None:
    assert markup.markup_kind(data, suffix) == kind


PAGE = (
    b"<!DOCTYPE html><html><head><title>Bridge to reopen</title>"
    b'<meta name="author" content="Ann Lee"></head><body><article>'
    b"<p>The mayor said on Friday that the bridge would reopen in June.</p>"
    b"<p>Engineers told reporters that the repairs were nearly finished.</p>"
    b"</article></body></html>"
)


def test_html_is_recognised_by_content_and_read_as_one_article(tmp_path: Path) -> None:
    path = write(tmp_path / "page.txt", PAGE)
    article = only_article(read_all([path], meta=Metadata(url="https://example.org/bridge")))
    assert article.source == str(path)
    assert article.text.startswith("The mayor said on Friday that the bridge would reopen")
    assert (article.title, article.url) == ("Bridge to reopen", "https://example.org/bridge")
    assert (article.raw_sha256, article.raw_path) == (hashlib.sha256(PAGE).hexdigest(), str(path))


def test_html_without_article_text_is_one_failure(tmp_path: Path) -> None:
    path = write(tmp_path / "menu.html", "<html><body><ul><li>Home</li></ul></body></html>")
    assert only_failure(read_all([path])) == Failure(
        str(path), "ingest", "no article text found in the HTML"
    )


def test_html_sidecar_and_explicit_metadata_win_over_the_page(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", PAGE)
    write(tmp_path / "page.json", '{"title": "From the sidecar"}')
    article = only_article(read_all([path], meta=Metadata(author="Bo Li")))
    assert (article.title, article.author) == ("From the sidecar", "Bo Li")


def rss(*items: str, encoding: str = "UTF-8") -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Wire</title>{body}</channel></rss>"
    ).encode(encoding)


LONG = " ".join(f"Officials said on Friday that bridge {n} would reopen." for n in range(30))
FULL_ITEM = (
    "<title>Bridges</title><link>https://news.example/bridges</link>"
    "<author>ann@news.example (Ann Lee)</author>"
    "<pubDate>Mon, 05 Jun 2023 23:30:00 -0500</pubDate>"
    f"<description>Short.</description><content:encoded><![CDATA[<p>{LONG}</p>]]></content:encoded>"
)
TEASER_ITEM = (
    "<title>Teaser</title><link>https://news.example/t</link><description>Soon.</description>"
)


def test_feed_entries_with_full_text_become_articles(tmp_path: Path) -> None:
    data = rss(FULL_ITEM, TEASER_ITEM)
    path = write(tmp_path / "world.xml", data)
    article, failure = read_all([path], meta=Metadata(publisher="Given"))
    assert isinstance(article, Article) and isinstance(failure, Failure)
    assert (article.source, article.text, article.title) == (f"{path}#1", LONG, "Bridges")
    assert (article.url, article.published, article.publisher) == (
        "https://news.example/bridges",
        date(2023, 6, 5),
        "Given",  # explicit metadata wins over the feed's
    )
    assert (article.raw_sha256, article.raw_path) == (hashlib.sha256(data).hexdigest(), str(path))
    assert str(failure) == (
        f"{path}#2: feed entry has only a summary, no full text;"
        " its article is at https://news.example/t (pass --fetch to read it)"
    )


def test_feed_encoding_is_the_declared_one(tmp_path: Path) -> None:
    path = write(tmp_path / "world.rss", rss(FULL_ITEM, encoding="ISO-8859-1"))
    assert only_article(read_all([path])).encoding == "iso8859-1"
    assert markup.xml_encoding(b"<rss/>") == "utf-8"
    assert markup.xml_encoding(b"<?xml version='1.0' encoding='klingon'?><rss/>") == "utf-8"


def test_a_feed_that_cannot_be_read_is_one_failure(tmp_path: Path) -> None:
    path = write(tmp_path / "sitemap.xml", "<?xml version='1.0'?><urlset><url/></urlset>")
    failure = only_failure(read_all([path]))
    assert failure.source == str(path) and failure.message.startswith("not an RSS or Atom feed")


def test_directory_walk_reads_html_and_feeds_and_their_sidecars_stay_metadata(
    tmp_path: Path,
) -> None:
    write(tmp_path / "a.txt", "Text.")
    write(tmp_path / "b.html", PAGE)
    write(tmp_path / "b.json", '{"title": "Sidecar of b.html"}')
    write(tmp_path / "c.xml", rss(FULL_ITEM))
    write(tmp_path / "d.css", "p { color: red }")
    names = [relative_to(r.source, tmp_path) for r in read_all([tmp_path])]
    assert names == ["a.txt", "b.html", "c.xml#1"]


def relative_to(source: str, directory: Path) -> str:
    return source.removeprefix(str(directory) + os.sep)


# --- decoding -------------------------------------------------------------------------------


def test_latin1_is_decoded_and_recorded() -> None:
    article = only_article(read_all([INPUTS / "latin1.txt"]))
    assert article.text == "Le café était fermé, a déclaré le maire à la presse."
    assert article.encoding == "latin-1"


def test_cp1252_punctuation_is_decoded_and_recorded() -> None:
    article = only_article(read_all([INPUTS / "cp1252.txt"]))
    assert article.text == "\u201cWe will not resign,\u201d the minister said \u2013 twice."
    assert article.encoding == "cp1252"


def test_utf16_with_bom_is_decoded_and_recorded() -> None:
    article = only_article(read_all([INPUTS / "utf16.txt"]))
    assert article.text == "Die Straße bleibt gesperrt, sagte die Polizei."
    assert article.encoding == "utf-16-le"


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (b"\xef\xbb\xbf" + "Größe".encode(), "utf-8-sig"),
        (b"\xfe\xff" + "Größe".encode("utf-16-be"), "utf-16-be"),
        (b"\xff\xfe\x00\x00" + "Größe".encode("utf-32-le"), "utf-32-le"),
        (b"\x00\x00\xfe\xff" + "Größe".encode("utf-32-be"), "utf-32-be"),
    ],
)
def test_byte_order_marks_decide_the_encoding(tmp_path: Path, data: bytes, label: str) -> None:
    article = only_article(read_all([write(tmp_path / "bom.txt", data)]))
    assert (article.text, article.encoding) == ("Größe", label)


def test_json_lines_with_crlf_line_ends_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl", b'{"text": "One."}\r\n\r\n{"text": "Two.\\r\\nMore."}\r\n'
    )
    results = read_all([path])
    assert [(r.source, r.text) for r in articles(results)] == [
        (f"{path}:1", "One."),
        (f"{path}:3", "Two.\nMore."),
    ]
    assert not failures(results)


def test_json_lines_in_utf16_are_read(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", '\ufeff{"text": "Straße"}\n'.encode("utf-16-le"))
    article = only_article(read_all([path]))
    assert (article.source, article.text, article.encoding) == (f"{path}:1", "Straße", "utf-16-le")


def test_binary_file_named_explicitly_fails_and_the_rest_of_the_batch_goes_on() -> None:
    results = read_all([INPUTS / "binary.bin", INPUTS / "plain.txt"])
    failure, article = results
    assert isinstance(failure, Failure) and isinstance(article, Article)
    assert str(failure) == (
        f"{INPUTS / 'binary.bin'}: binary file (NUL bytes at offset 8); not text"
        " (if it is text, pass --encoding)"
    )


def test_nul_byte_in_a_text_file_means_binary() -> None:
    failure = only_failure(read_all([INPUTS / "nul.txt"]))
    assert failure.message.startswith("binary file (NUL bytes at offset 28); not text")


def test_many_control_bytes_mean_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "ctl.txt", b"ab\x01\x02\x03cd\x04\x05\x06ef")
    failure = only_failure(read_all([path]))
    assert failure.message.startswith("binary file (6 control bytes, first at offset 2)")


def test_utf16_without_bom_gets_a_hint_and_reads_with_encoding(tmp_path: Path) -> None:
    path = write(tmp_path / "u16.txt", "The minister said so.".encode("utf-16-le"))
    failure = only_failure(read_all([path]))
    assert "pass --encoding utf-16-le" in failure.message
    article = only_article(read_all([path], encoding="utf-16-le"))
    assert (article.text, article.encoding) == ("The minister said so.", "utf-16-le")


def test_explicit_encoding_is_used_when_utf8_fails_and_recorded(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ru.txt", "Министр заявил, что переговоры продолжатся.".encode("cp1251")
    )
    failure = only_failure(read_all([path]))
    assert "does not look like Latin-1 text; pass --encoding" in failure.message
    article = only_article(read_all([path], encoding="windows-1251"))
    assert article.text == "Министр заявил, что переговоры продолжатся."
    assert article.encoding == "cp1251"


def test_utf8_still_wins_over_an_explicit_encoding(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Café said.")
    article = only_article(read_all([path], encoding="latin-1"))
    assert (article.text, article.encoding) == ("Café said.", "utf-8")


def test_bytes_invalid_in_the_explicit_encoding_fail_with_the_offset(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"abc\xff\xfe")  # odd length: not UTF-16 either
    failure = only_failure(read_all([path], encoding="utf-16-le"))
    assert failure.message.startswith("not valid utf-16-le (truncated data at byte 4)")


def test_broken_utf8_is_refused_rather_than_read_as_mojibake(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Straße und Brücke".encode() + b" \xff.")
    failure = only_failure(read_all([path]))
    assert failure.message == "not valid UTF-8 (invalid start byte at byte 20); pass --encoding"


def test_bad_utf16_after_a_bom_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"\xff\xfeA\x00\x00\xd8B\x00")  # lone high surrogate
    failure = only_failure(read_all([path]))
    assert failure.message.startswith("not valid utf-16-le (illegal UTF-16 surrogate at byte 4)")


def test_explicit_encoding_is_tried_when_bytes_fail_their_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"\xff\xfeA\x00\x00\xd8B\x00")
    article = only_article(read_all([path], encoding="latin-1"))
    assert (article.text, article.encoding) == ("ÿþA\u00d8B", "iso8859-1")


@pytest.mark.parametrize("name", ["klingon", "base64"])
def test_unknown_or_non_text_encoding_is_an_argument_error_at_call_time(name: str) -> None:
    with pytest.raises(ValueError, match=f"unknown text encoding '{name}'"):
        read_sources(["x"], encoding=name)


def test_codec_errors_without_a_position_become_failures(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"\\x\x00")  # the NUL keeps UTF-8 from being tried
    failure = only_failure(read_all([path], encoding="punycode"))
    assert failure.message.startswith("not valid punycode (decoding with 'punycode' codec failed")


# --- empty, missing, unreadable, too large --------------------------------------------------


def test_empty_and_whitespace_files_fail_with_clear_messages() -> None:
    results = read_all([INPUTS / "empty.txt", INPUTS / "whitespace.txt"])
    assert [str(r) for r in results] == [
        f"{INPUTS / 'empty.txt'}: empty file (0 bytes)",
        f"{INPUTS / 'whitespace.txt'}: no text, only whitespace",
    ]


def test_missing_path_fails_and_the_batch_goes_on(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    results = read_all([missing, INPUTS / "plain.txt"])
    assert results[0] == Failure(str(missing), "ingest", "no such file or directory")
    assert isinstance(results[1], Article)


def test_path_with_a_nul_character_fails_instead_of_raising() -> None:
    failure = only_failure(read_all(["bad\x00name.txt"]))
    assert failure.source == "bad\x00name.txt"
    assert failure.message == "invalid path (embedded null byte)"


def test_permission_denied_becomes_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "secret.txt", "Text.")

    def denied(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(ingest, "open", denied, raising=False)
    assert only_failure(read_all([path])) == Failure(str(path), "ingest", "permission denied")


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root and Windows ignore chmod 000"
)
def test_unreadable_file_on_disk_fails_with_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", "Text.")
    path.chmod(0)
    try:
        assert only_failure(read_all([path])).message == "permission denied"
    finally:
        path.chmod(0o644)


def test_file_over_max_bytes_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(20_000_001)  # sparse: nothing is written, and nothing must be read
    failure = only_failure(read_all([path]))
    assert failure.message == "20.1 MB is over the 20 MB limit; pass --max-bytes"


def test_max_bytes_is_inclusive_and_small_sizes_print_in_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "0123456789")
    assert only_article(read_all([path], max_bytes=10)).text == "0123456789"
    failure = only_failure(read_all([path], max_bytes=9))
    assert failure.message == "10 bytes is over the 9 bytes limit; pass --max-bytes"


def test_max_bytes_applies_to_stdin() -> None:
    failure = only_failure(list(read_sources(["-"], stdin=io.BytesIO(b"x" * 11), max_bytes=10)))
    assert str(failure) == "stdin: over the 10 bytes limit; pass --max-bytes"


@pytest.mark.parametrize("bad", [0, -5])
def test_max_bytes_must_be_positive(bad: int) -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        read_sources(["x"], max_bytes=bad)


def test_a_single_string_is_refused_rather_than_read_letter_by_letter() -> None:
    with pytest.raises(TypeError, match="not a single string"):
        read_sources("plain.txt")


# --- stdin ----------------------------------------------------------------------------------


@pytest.mark.parametrize("inputs", [["-"], []])
def test_stdin_is_read_for_dash_or_no_inputs(inputs: list[str]) -> None:
    stream = io.BytesIO(b"The minister said so.\r\n")
    article = only_article(list(read_sources(inputs, stdin=stream)))
    assert (article.source, article.text) == ("stdin", "The minister said so.")


def test_stdin_json_lines_name_their_lines() -> None:
    stream = io.BytesIO(b'{"text": "One."}\n{"text": 1}\n')
    results = list(read_sources(["-"], stdin=stream))
    assert [r.source for r in results] == ["stdin:1", "stdin:2"]
    assert isinstance(results[1], Failure)


def test_stdin_latin1_and_binary() -> None:
    article = only_article(list(read_sources([], stdin=io.BytesIO(b"caf\xe9 said"))))
    assert (article.text, article.encoding) == ("café said", "latin-1")
    failure = only_failure(list(read_sources([], stdin=io.BytesIO(b"\x00\x01"))))
    assert failure.source == "stdin" and failure.message.startswith("binary file")


def test_stdin_and_files_mix_in_order(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "File text.")
    results = list(read_sources([str(path), "-"], stdin=io.BytesIO(b"Stdin text.")))
    assert [r.source for r in results] == [str(path), "stdin"]


# --- directories ----------------------------------------------------------------------------


# What a walk of tests/data/inputs yields for the files this module owns, in order.
# Other stages add their own inputs there; those are checked only for being walked.
OWN_OUTCOMES = [
    ("articles.jsonl:1", "Article"),
    ("articles.jsonl:2", "Article"),
    ("articles.jsonl:3", "Failure"),
    ("articles.jsonl:5", "Article"),
    ("bad_sidecar.txt", "Failure"),
    ("cp1252.txt", "Article"),
    ("empty.txt", "Failure"),
    ("latin1.txt", "Article"),
    ("list.json[0]", "Article"),
    ("list.json[1]", "Article"),
    ("nested/README", "Article"),
    ("nested/blob", "Failure"),
    ("nested/deeper/story.md", "Article"),
    ("nested/inner.txt", "Article"),
    ("nul.txt", "Failure"),
    ("plain.txt", "Article"),
    ("utf16.txt", "Article"),
    ("whitespace.txt", "Failure"),
]
OWN_FILES = {re.sub(r"(:\d+|\[\d+\])$", "", source) for source, _ in OWN_OUTCOMES}


def file_of(source: str) -> str:
    """The file a source names, relative to INPUTS: "a.jsonl:3" -> "a.jsonl"."""
    return re.sub(r"(:\d+|\[\d+\])$", "", relative(source))


def test_whole_inputs_directory_yields_exactly_the_expected_articles_and_failures() -> None:
    results = read_all([INPUTS])
    own = [r for r in results if file_of(r.source) in OWN_FILES]
    assert [(relative(r.source), type(r).__name__) for r in own] == OWN_OUTCOMES
    messages = {relative(f.source): f.message for f in failures(own)}
    assert messages == {
        "articles.jsonl:3": "invalid JSON (Expecting ',' delimiter: column 28)",
        "bad_sidecar.txt": f"sidecar {INPUTS / 'bad_sidecar.json'}: "
        "invalid JSON (Expecting ',' delimiter: line 4, column 3)",
        "empty.txt": "empty file (0 bytes)",
        "nested/blob": "binary file (NUL bytes at offset 7); not text (if it is text, pass --encoding)",
        "nul.txt": "binary file (NUL bytes at offset 28); not text (if it is text, pass --encoding)",
        "whitespace.txt": "no text, only whitespace",
    }
    assert all(f.stage == "ingest" for f in failures(results))
    encodings = {relative(a.source): a.encoding for a in articles(own) if a.encoding != "utf-8"}
    assert encodings == {"cp1252.txt": "cp1252", "latin1.txt": "latin-1", "utf16.txt": "utf-16-le"}


def test_whole_inputs_directory_walk_is_sorted_and_complete() -> None:
    files = list(dict.fromkeys(file_of(r.source) for r in read_all([INPUTS])))
    assert files == sorted(files, key=lambda name: Path(name).parts)  # depth first, by name
    visible_txt = {
        path.relative_to(INPUTS).as_posix()
        for path in INPUTS.rglob("*.txt")
        if not any(part.startswith(".") for part in path.relative_to(INPUTS).parts)
    }
    assert visible_txt <= set(files)
    assert OWN_FILES <= set(files)


def test_directory_walk_skips_sidecars_hidden_entries_and_other_extensions() -> None:
    sources = {relative(r.source) for r in read_all([INPUTS])}
    skipped = {
        "plain.json",
        "bad_sidecar.json",
        "binary.bin",
        "nested/photo.png",
        "nested/.hidden.txt",
        "nested/.drafts/draft.txt",
    }
    assert not sources & skipped
    assert only_article(read_all([INPUTS / "nested" / ".hidden.txt"])).text  # named: read


def test_a_json_file_without_a_text_sibling_is_not_a_sidecar(tmp_path: Path) -> None:
    write(tmp_path / "story.txt", "Body.")
    write(tmp_path / "story.json", '{"title": "Meta"}')
    write(tmp_path / "feed.json", '{"text": "Standalone."}')
    results = read_all([tmp_path])
    assert [(Path(r.source).name, getattr(r, "title", None)) for r in results] == [
        ("feed.json", None),
        ("story.txt", "Meta"),
    ]


def test_directory_symlinks_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Body.")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [Path(r.source).name for r in read_all([tmp_path])] == ["a.txt"]


def test_empty_directory_is_a_failure(tmp_path: Path) -> None:
    write(tmp_path / "image.jpg", b"\xff\xd8\xff")
    failure = only_failure(read_all([tmp_path]))
    assert failure.source == str(tmp_path)
    assert failure.message.startswith("no files to read")


def test_a_glob_pattern_reads_every_match_sorted_and_jsonl_shards_line_by_line(tmp_path: Path) -> None:
    write(tmp_path / "shards" / "b.jsonl", '{"text": "Third."}\n{"text": "Fourth."}\n')
    write(tmp_path / "shards" / "a.jsonl", '{"text": "First."}\n{"text": "Second."}\n')
    write(tmp_path / "shards" / "notes.txt", "Not a shard.")
    write(tmp_path / "shards" / "deep" / "c.jsonl", '{"text": "Fifth."}\n')
    results = read_all([f"{tmp_path}/shards/*.jsonl"])
    assert [r.text for r in articles(results)] == ["First.", "Second.", "Third.", "Fourth."]
    assert results[0].source == f"{tmp_path}/shards/a.jsonl:1"
    recursive = read_all([f"{tmp_path}/shards/**/*.jsonl"])
    assert [r.text for r in articles(recursive)][-1] == "Fifth."
    assert len(articles(recursive)) == 5


def test_a_glob_pattern_that_matches_nothing_is_a_failure_and_the_batch_goes_on(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Body.")
    results = read_all([f"{tmp_path}/*.jsonl", tmp_path / "a.txt"])
    failure = failures(results)[0]
    assert failure.source == f"{tmp_path}/*.jsonl" and failure.message == "no file matches this pattern"
    assert [r.text for r in articles(results)] == ["Body."]


def test_a_file_whose_name_looks_like_a_pattern_is_read_as_that_file(tmp_path: Path) -> None:
    write(tmp_path / "what[1].txt", "Bracketed name.")
    write(tmp_path / "what1.txt", "Other file.")
    assert [r.text for r in articles(read_all([tmp_path / "what[1].txt"]))] == ["Bracketed name."]


def test_directories_are_streamed_one_file_at_a_time(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "First.")
    later = write(tmp_path / "b.txt", "Second, as it was.")
    stream = read_sources([str(tmp_path)])
    assert next(stream).text == "First."  # type: ignore[union-attr]
    later.write_text("Second, as changed after the first article was read.")
    assert next(stream).text.startswith("Second, as changed")  # type: ignore[union-attr]


# --- property tests -------------------------------------------------------------------------

_records = st.dictionaries(
    st.sampled_from(["text", "title", "publisher", "url", "published", "date", "author", "other"]),
    st.one_of(st.text(), st.none(), st.integers(), st.just("2023-06-04")),
)
_markup = st.tuples(
    st.sampled_from(
        [
            b"<html><body><p>",
            b"<!DOCTYPE html>",
            b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>",
            b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><content>',
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
        ]
    ),
    st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)),
).map(b"".join)
_any_input = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=100).map(lambda t: t.encode("utf-16", "surrogatepass")),
    st.text(max_size=100).map(lambda t: t.encode("latin-1", "replace")),
    st.lists(_records, max_size=4).map(
        lambda rs: "\n".join(json.dumps(r) for r in rs).encode("utf-8")
    ),
    _markup,
)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["text", "body", "meta", "published", "by", "x"]), inner)
    ),
    max_leaves=12,
)
_fields = st.sampled_from([Fields(), NESTED_FIELDS, Fields(text=("body", "meta.text"))])
_kinds = st.sampled_from(ingest.INPUT_KINDS)


def assert_articles_or_one_line_failures(results: list[Article | Failure], source: str) -> None:
    """Every result names the input; articles are normalised, failures one line."""
    assert results, "every input yields at least one Article or Failure"
    for result in results:
        assert result.source.startswith(source)
        if isinstance(result, Article):
            assert result.text and result.text == result.text.strip()
            assert "\x00" not in result.text and "\r" not in result.text
            assert unicodedata.is_normalized("NFC", result.text)
            assert result.id == hashlib.sha256(result.text.encode("utf-8")).hexdigest()
            assert make_article(result.text, "again").id == result.id
        else:
            assert isinstance(result, Failure) and result.stage == "ingest"
            assert result.message and "\n" not in result.message and "\r" not in result.message
            assert str(result).startswith(f"{result.source}: ")


def read_file_bytes(
    data: bytes, suffix: str, **options: object
) -> tuple[str, list[Article | Failure]]:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "input" + suffix)
        with open(path, "wb") as handle:
            handle.write(data)
        return path, read_all([path], **options)


_SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(
    data=_any_input,
    suffix=st.sampled_from([".txt", ".json", ".jsonl", ".md", ".bin", ".html", ".xml", ""]),
    encoding=st.sampled_from([None, "utf-8", "latin-1", "utf-16"]),
    max_bytes=st.sampled_from([ingest.DEFAULT_MAX_BYTES, 64]),
    input_kind=_kinds,
    fields=_fields,
)
def test_any_bytes_yield_articles_or_failures_and_never_raise(
    data: bytes, suffix: str, encoding: str | None, max_bytes: int, input_kind: str, fields: Fields
) -> None:
    path, results = read_file_bytes(
        data, suffix, encoding=encoding, max_bytes=max_bytes, input_kind=input_kind, fields=fields
    )
    assert_articles_or_one_line_failures(results, path)


@_SETTINGS
@given(data=_any_input, input_kind=_kinds, fields=_fields, max_bytes=st.sampled_from([10**6, 64]))
def test_any_bytes_on_stdin_yield_articles_or_failures(
    data: bytes, input_kind: str, fields: Fields, max_bytes: int
) -> None:
    results = list(
        read_sources(
            ["-"],
            stdin=io.BytesIO(data),
            input_kind=input_kind,
            fields=fields,  # type: ignore[arg-type]
            max_bytes=max_bytes,
        )
    )
    assert_articles_or_one_line_failures(results, "stdin")


@_SETTINGS
@given(
    values=st.lists(_json_values, min_size=1, max_size=4),
    as_lines=st.booleans(),
    fields=_fields,
    via_stdin=st.booleans(),
)
def test_any_json_values_as_json_or_json_lines_yield_articles_or_failures(
    values: list[object], as_lines: bool, fields: Fields, via_stdin: bool
) -> None:
    if as_lines:
        data = "\n".join(json.dumps(v) for v in values).encode()
    else:
        data = json.dumps(values if len(values) > 1 else values[0], indent=1).encode()
    kind = "jsonl" if as_lines else "json"
    if via_stdin:
        results = list(read_sources([], stdin=io.BytesIO(data), input_kind=kind, fields=fields))
        assert_articles_or_one_line_failures(results, "stdin")
    else:
        path, results = read_file_bytes(data, ".jsonl" if as_lines else ".json", fields=fields)
        assert_articles_or_one_line_failures(results, path)
    if as_lines:
        assert len(results) == len([line for line in data.decode().split("\n") if line.strip()])


@settings(deadline=None, max_examples=50, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(
        st.tuples(
            st.sampled_from(["a.txt", "b.jsonl", "c.json", "d", "e.html", "f.xml"]), _any_input
        ),
        max_size=4,
        unique_by=lambda pair: pair[0],
    )
)
def test_any_directory_yields_articles_or_failures_for_each_file(
    names: list[tuple[str, bytes]],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        for name, data in names:
            with open(os.path.join(directory, name), "wb") as handle:
                handle.write(data)
        results = read_all([directory])
    assert_articles_or_one_line_failures(results, directory)
    files = {os.path.basename(re.sub(r"(:\d+|\[\d+\]|#\d+)$", "", r.source)) for r in results}
    assert files == ({name for name, _ in names} or {os.path.basename(directory)})
