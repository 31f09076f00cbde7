"""Tests for claimtrack.feeds: RSS / Atom bytes -> FeedEntry records, and hostile feeds."""

from __future__ import annotations

import io
import time
import tracemalloc
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack import feeds
from claimtrack.errors import EmptyInputError, InputError, MalformedInputError
from claimtrack.feeds import FeedEntry, looks_like_feed, read_feed
from claimtrack.records import Failure

FEEDS = Path(__file__).parent / "data" / "feeds"
ENTITY_REFUSAL = "feed declares XML entities (refused: entity expansion)"
EXTERNAL_REFUSAL = "feed declares XML entities (refused: external entity)"


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def read(data: bytes, source: str = "feed.xml") -> list[FeedEntry | Failure]:
    return list(read_feed(data, source))


def entries_of(results: Iterable[FeedEntry | Failure]) -> list[FeedEntry]:
    found = list(results)
    assert all(isinstance(item, FeedEntry) for item in found), found
    return [item for item in found if isinstance(item, FeedEntry)]


def only_entry(data: bytes) -> FeedEntry:
    results = entries_of(read(data))
    assert len(results) == 1, results
    return results[0]


def rss(*items: str, head: str = "", channel: str = "<title>Test Feed</title>") -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel>{channel}{body}</channel></rss>\n"
    ).encode()


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


def paragraphs_html(n_words: int, last: str = "") -> str:
    return f"<![CDATA[<p>{words(n_words // 2)}</p><p>{words(n_words - n_words // 2)}</p>{last}]]>"


# --- looks_like_feed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "rss2_full.xml",
        "rss2_summary_only.xml",
        "atom_full.xml",
        "rss1_rdf.xml",
        "empty.xml",
        "malformed.xml",
        "truncated.xml",
        "latin1.xml",
        "billion_laughs.xml",
        "xxe.xml",
    ],
)
def test_looks_like_feed_recognises_every_feed_fixture(name: str) -> None:
    assert looks_like_feed(fixture(name))


@pytest.mark.parametrize(
    "data",
    [
        fixture("not_a_feed.xml"),
        b"<!DOCTYPE html><html><head><title>rss</title></head><body>feed</body></html>",
        b'<feed><entry xmlns="http://www.w3.org/2005/Atom"/></feed>',  # root has no Atom namespace
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>',
        b'{"items": ["<rss>"]}',
        b"The mayor said <rss> feeds are dead.",
        b"",
        b"\xff\xd8\xff\xe0 binary",
    ],
)
def test_looks_like_feed_rejects_other_input(data: bytes) -> None:
    assert not looks_like_feed(data)


@pytest.mark.parametrize(
    "data",
    [
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0">',
        b'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="s.xsl"?>\n<rss>',
        (
            b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"\n'
            b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91">'
        ),
        b'  <atom:feed xmlns:atom="http://www.w3.org/2005/Atom">',
        b'<feed xmlns="http://purl.org/atom/ns#" version="0.3">',
        '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0">'.encode("utf-16"),
        '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0">'.encode("utf-16-le"),
    ],
)
def test_looks_like_feed_skips_marks_declarations_comments_and_doctype(data: bytes) -> None:
    assert looks_like_feed(data)


# --- realistic feeds ------------------------------------------------------------------------


def test_rss2_with_content_encoded_gives_full_text_as_plain_paragraphs() -> None:
    results = entries_of(read(fixture("rss2_full.xml")))
    assert [entry.source for entry in results] == ["feed.xml#1", "feed.xml#2", "feed.xml#3"]
    first = results[0]
    assert first.link == "https://harbourcourier.example/world/2023/06/05/dam-breach-evacuation/"
    assert first.title == "Port authority says dam breach forced evacuation of 40,000"
    assert first.author == "Maria Lindqvist"
    assert first.publisher == "Harbour Courier \u2013 World"
    assert first.text is not None and first.summary is not None
    paragraphs = first.text.split("\n\n")
    assert paragraphs[0].startswith("Officials said the water level downstream rose")
    assert paragraphs[1].startswith("\u201cWe moved everyone we could reach before midnight,\u201d")
    assert (
        "Residents wait for boats near the river station. Photograph: Courier staff" in paragraphs
    )
    assert "<" not in first.text and "&#" not in first.text
    assert first.summary.startswith("Officials said the water level downstream rose by more than")
    assert first.notes == ()


def test_rss2_multiple_dc_creators_are_joined() -> None:
    second = entries_of(read(fixture("rss2_full.xml")))[1]
    assert second.author == "Tom Okafor, Lena Brandt"
    assert second.text is not None
    assert "\u201cNobody has walked out of anything,\u201d a senior official" in second.text


def test_content_encoded_teaser_with_continue_reading_is_not_full_text() -> None:
    third = entries_of(read(fixture("rss2_full.xml")))[2]
    assert third.text is None
    assert third.summary == "Follow the latest results as counting continues."
    assert third.link == "https://harbourcourier.example/world/2023/06/05/election-live/"


def test_atom_html_content_is_full_text_and_summary_is_the_standfirst() -> None:
    first, second = entries_of(read(fixture("atom_full.xml")))
    assert first.title == "Typhoon shelters full as storm nears coast, officials say"
    assert first.link == "https://meridian.example/asia/2023/06/06/typhoon-shelters"
    assert first.author == "Kenji Watanabe"
    assert first.publisher == "The Meridian: Asia-Pacific"
    assert first.summary == "Evacuation centres in three prefectures reported no remaining space."
    assert first.text is not None
    assert "\n\nPorts closed\n\n" in first.text  # a heading is a paragraph of its own
    assert "\u201cWe are asking people who can stay with relatives to do so,\u201d" in first.text
    # 55 words against a 10-word summary: a short article, still full text.
    assert second.text is not None and len(second.text.split()) < feeds.FULL_TEXT_MIN_WORDS
    assert second.summary == "The ruling clears the way for construction to resume."


def test_rss1_rdf_feed() -> None:
    first, second = entries_of(read(fixture("rss1_rdf.xml")))
    assert first.link == "https://wire.example/2023/06/04/glacier-survey"
    assert first.title == "Survey finds glacier retreat doubled since 2000"
    assert first.author == "Priya Raman"
    assert first.publisher == "Science Wire"
    assert first.summary == "Researchers said the retreat had accelerated in the last decade."
    assert first.text is None
    assert first.published == date(2023, 6, 4)  # 21:10 at -07:00, 04:10 UTC on the 5th
    assert second.published == date(2023, 6, 3)


def test_summary_only_feed_has_no_text_but_links_to_fetch() -> None:
    results = entries_of(read(fixture("rss2_summary_only.xml")))
    assert len(results) == 3
    assert all(entry.text is None for entry in results)
    assert all(
        entry.link and entry.link.startswith("https://nb.example/news/") for entry in results
    )
    assert results[1].title == "Fishing talks 'have not collapsed', minister says"
    assert results[1].summary == "Both governments say negotiators will meet again next week."
    assert results[0].publisher == "Northern Broadcasting - World"


def test_latin1_declared_feed_reads_non_ascii_text() -> None:
    entry = only_entry(fixture("latin1.xml"))
    assert entry.publisher == "Le Courrier du L\u00e9man"
    assert entry.title == "Gen\u00e8ve: la f\u00eate des vignerons attire 12 000 visiteurs"
    assert entry.summary is not None
    assert "Fran\u00e7oise M\u00fcller" in entry.summary and "\u00bd tarif" in entry.summary
    # feedparser alone would give "ple (José Peña": its email pattern stops at 4-letter TLDs.
    assert entry.author == "Jos\u00e9 Pe\u00f1a"
    assert entry.published == date(2023, 6, 5)
    assert entry.notes == ()


def test_wrongly_declared_encoding_is_read_and_noted() -> None:
    data = rss("<title>Caf\u00e9</title><link>https://e.example/1</link>")
    data = data.replace("\u00e9".encode(), b"\xe9")  # Latin-1 bytes in a "UTF-8" feed
    entry = only_entry(data)
    assert entry.title == "Caf\u00e9"
    assert entry.notes == ("declared as utf-8, but parsed as windows-1252",)


def test_utf16_feed() -> None:
    text = rss("<title>Gr\u00fc\u00dfe</title><link>https://e.example/1</link>").decode()
    entry = only_entry(text.replace("UTF-8", "UTF-16").encode("utf-16"))
    assert entry.title == "Gr\u00fc\u00dfe"


# --- whole-feed errors ----------------------------------------------------------------------


def test_valid_feed_without_entries_is_an_error() -> None:
    data = fixture("empty.xml")
    parsed = feedparser.parse(io.BytesIO(data))
    assert not parsed.bozo and parsed.entries == []  # feedparser sees nothing wrong
    with pytest.raises(EmptyInputError) as info:
        read_feed(data, "feeds/empty.xml")
    assert str(info.value) == "feeds/empty.xml: feed has no entries"


def test_errors_are_raised_at_call_time_not_on_iteration() -> None:
    with pytest.raises(InputError):
        read_feed(fixture("not_a_feed.xml"), "x.xml")  # no next() needed


def test_xml_that_is_not_a_feed_names_its_root_element() -> None:
    with pytest.raises(MalformedInputError) as info:
        read_feed(fixture("not_a_feed.xml"), "sitemap.xml")
    assert str(info.value) == "sitemap.xml: not an RSS or Atom feed (root element <urlset>)"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"hello, not XML at all", "not an RSS or Atom feed (syntax error, line 1, column 1)"),
        (b"<html><body><p>Hi</p></body></html>", "not an RSS or Atom feed (root element <html>)"),
        (b"\x00\x01\x02\xff\xfe garbage", "not an RSS or Atom feed"),
        (b"   \n\t ", "not an RSS or Atom feed"),
    ],
)
def test_input_that_is_not_a_feed_is_a_malformed_input_error(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedInputError) as info:
        read_feed(data, "in.xml")
    assert info.value.source == "in.xml"
    assert info.value.reason.startswith(reason)
    assert "\n" not in str(info.value)


def test_broken_feed_without_readable_entries_is_an_error() -> None:
    data = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>A & B</title>\n</channel>'
    with pytest.raises(MalformedInputError) as info:
        read_feed(data, "f.xml")
    assert info.value.reason == (
        "feed has no readable entries (not well-formed XML: not well-formed (invalid token),"
        " line 2, column 39)"  # the space after the bare "&"
    )


def test_broken_entry_that_feedparser_still_counts_is_a_failure() -> None:
    data = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>\n<item</channel>'
    assert read(data) == [Failure("feed.xml#1", "ingest", "entry has no text, summary or link")]


def test_bytes_the_declared_codec_cannot_turn_into_text_are_an_input_error() -> None:
    # "+2D0-" is a lone surrogate in UTF-7; feedparser's re-encoding to UTF-8 fails on it.
    data = b'<?xml version="1.0" encoding="utf-7"?><rss version="2.0"><channel><item>+2D0-'
    with pytest.raises(MalformedInputError) as info:
        read_feed(data, "f.xml")
    assert info.value.reason.startswith("cannot decode the feed (UnicodeEncodeError: ")


def test_empty_bytes() -> None:
    with pytest.raises(EmptyInputError, match="empty file"):
        read_feed(b"", "f.xml")


def test_bytes_are_never_taken_for_a_path(tmp_path: Path) -> None:
    # feedparser.parse(bytes) opens the bytes as a file name if such a file exists.
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss("<title>secret</title><link>https://e.example/s</link>"))
    with pytest.raises(MalformedInputError, match="not an RSS or Atom feed"):
        read_feed(str(secret).encode(), "f.xml")


def test_an_exception_inside_feedparser_becomes_an_input_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("sgmllib fell over")

    monkeypatch.setattr(feedparser, "parse", explode)
    with pytest.raises(MalformedInputError) as info:
        read_feed(fixture("rss2_summary_only.xml"), "f.xml")
    assert info.value.reason == "feed parser failed (RuntimeError: sgmllib fell over)"


# --- malformed and truncated feeds ----------------------------------------------------------


def test_malformed_feed_keeps_its_entries_with_a_note() -> None:
    data = fixture("malformed.xml")
    assert feedparser.parse(io.BytesIO(data)).bozo  # the fixture really is malformed
    first, second = entries_of(read(data, "malformed.xml"))
    note = "feed is not well-formed XML (not well-formed (invalid token), line 9, column 17);"
    assert first.notes[0].startswith(note)  # line 9 is the title with a bare "&"
    assert first.title is not None and "what the new water rules mean for farmers" in first.title
    assert first.summary == "The council answers readers' questions.\nRules take effect in July."
    assert first.published == date(2023, 6, 5)
    # The misspelt </descripton> costs the second entry its summary, not its link.
    assert second.link == "https://valleytimes.example/2023/06/05/bridge-repairs"
    assert second.notes == first.notes


def test_truncated_feed_keeps_entries_before_the_cut_and_fails_the_cut_one() -> None:
    results = read(fixture("truncated.xml"), "truncated.xml")
    assert len(results) == 3
    first, second = entries_of(results[:2])
    assert [first.title, second.title] == ["Council approves budget", "Library to open on Sundays"]
    assert first.notes[0].startswith("feed ends early (unclosed CDATA section, line 22")
    # The third entry's article stops mid-word: a Failure, not a silently short article.
    assert results[2] == Failure(
        "truncated.xml#3", "ingest", "feed ends inside this entry (truncated?)"
    )


def test_feed_cut_between_entries_keeps_every_entry() -> None:
    whole = rss(
        "<title>One</title><link>https://e.example/1</link>",
        "<title>Two</title><link>https://e.example/2</link>",
    )
    cut = whole[: whole.index(b"</channel>")]
    results = entries_of(read(cut))
    assert [entry.title for entry in results] == ["One", "Two"]
    assert results[1].notes[0].startswith("feed ends early (no element found")


def test_feed_cut_inside_escaped_html_fails_only_the_cut_entry() -> None:
    data = rss(
        "<title>One</title><link>https://e.example/1</link>",
        "<title>Two</title><link>https://e.example/2</link>"
        "<content:encoded>&lt;p&gt;It was the first",
    )
    data = data[: data.index(b"first") + 5]
    results = read(data)
    assert isinstance(results[0], FeedEntry) and results[0].title == "One"
    assert results[1] == Failure("feed.xml#2", "ingest", "feed ends inside this entry (truncated?)")


# --- per-entry problems ---------------------------------------------------------------------


def test_entry_problems_fail_or_note_that_entry_only() -> None:
    results = read(fixture("entry_problems.xml"), "feed.xml")
    assert len(results) == 4
    first, second, third, fourth = results
    assert isinstance(first, FeedEntry) and first.notes == ()
    assert isinstance(second, FeedEntry)
    assert second.published is None
    assert second.notes == ("unreadable published date 'sometime last week'; left empty",)
    assert third == Failure("feed.xml#3", "ingest", "entry has no text, summary or link")
    assert str(third) == "feed.xml#3: entry has no text, summary or link"
    assert isinstance(fourth, FeedEntry)
    assert fourth.link is None and fourth.summary == "Win a prize."
    assert fourth.notes == (
        "link 'javascript:alert(document.cookie)' ignored: not an absolute http(s) URL",
    )


@pytest.mark.parametrize("link", ["file:///etc/passwd", "/news/relative", "ftp://e.example/a"])
def test_only_absolute_http_links_are_kept(link: str) -> None:
    entry = only_entry(rss(f"<title>T</title><link>{link}</link><description>S</description>"))
    assert entry.link is None
    assert "not an absolute http(s) URL" in entry.notes[0]


def test_entry_with_only_a_link_is_kept_for_fetching() -> None:
    entry = only_entry(rss("<link>https://e.example/only-link</link>"))
    assert (entry.link, entry.text, entry.summary, entry.title) == (
        "https://e.example/only-link",
        None,
        None,
        None,
    )


# --- full text or summary -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_words", "summary_words", "full"),
    [
        (150, None, True),  # FULL_TEXT_MIN_WORDS
        (149, None, False),
        (149, 40, True),  # short article: >= 50 words and twice the summary
        (60, 30, True),
        (60, 31, False),
        (49, 10, False),  # under SHORT_TEXT_MIN_WORDS
        (400, 400, True),  # the same full text in both elements
    ],
)
def test_full_text_rule(content_words: int, summary_words: int | None, full: bool) -> None:
    summary = "" if summary_words is None else f"<description>{words(summary_words)}</description>"
    item = f"<link>https://e.example/1</link>{summary}"
    entry = only_entry(
        rss(item + f"<content:encoded>{paragraphs_html(content_words)}</content:encoded>")
    )
    assert (entry.text is not None) is full
    if not full and summary_words is None:
        # A short content element stands in for the missing summary.
        assert entry.summary is not None and len(entry.summary.split()) == content_words


@pytest.mark.parametrize(
    "ending",
    [
        "<p>Continue reading...</p>",
        '<p><a href="https://e.example/1">Read more</a></p>',
        "<p>and the minister said [&#8230;]</p>",
        "<p>and the minister said [...]</p>",
    ],
)
def test_long_content_ending_like_a_teaser_is_not_full_text(ending: str) -> None:
    content = f"<content:encoded>{paragraphs_html(300, ending)}</content:encoded>"
    entry = only_entry(rss(f"<link>https://e.example/1</link>{content}"))
    assert entry.text is None and entry.summary is not None


def test_full_text_never_comes_from_a_long_description() -> None:
    description = f"<description>{paragraphs_html(400)}</description>"
    entry = only_entry(rss(f"<link>https://e.example/1</link>{description}"))
    assert entry.text is None
    assert entry.summary is not None and len(entry.summary.split()) == 400


def test_plain_text_content_keeps_its_paragraphs() -> None:
    body = f"{words(80, 'alpha')}\n\n{words(80, 'beta')}\n  line two"
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>E</title>'
        f'<link href="https://e.example/1"/><content type="text">{body}</content></entry></feed>'
    )
    entry = only_entry(atom.encode())
    assert entry.text == f"{words(80, 'alpha')}\n\n{words(80, 'beta')} line two"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One <b>two</b>.</p><p>Three<br>four</p>", "One two.\n\nThree\nfour"),
        ("<div>A<script>alert(1)</script><style>p{}</style></div>B", "A\n\nB"),
        ("<ul><li>a</li><li>b</li></ul>tail", "a\n\nb\n\ntail"),
        ("a &amp; b&nbsp;c &#8220;q&#8221;", "a & b c \u201cq\u201d"),
        ("  spaced\n\n  out  ", "spaced out"),
        ("<h2>Head</h2><blockquote><p>Quote</p></blockquote>", "Head\n\nQuote"),
        ("<![foo[ broken ]]>rest", "rest"),  # html.parser raises; tags are stripped instead
        ("nul\x00 and \x1b control", "nul and control"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert feeds._html_to_text(markup) == text


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        # The date the feed's reader sees, in the feed's own offset; feedparser's
        # published_parsed is UTC and says 2023-06-06 for the first two.
        ("<pubDate>Mon, 05 Jun 2023 23:30:00 -0500</pubDate>", date(2023, 6, 5)),
        ("<pubDate>Mon, 05 Jun 2023 23:30:00 EDT</pubDate>", date(2023, 6, 5)),
        ("<pubDate>Tue, 06 Jun 2023 07:30:00 +0900</pubDate>", date(2023, 6, 6)),
        ("<pubDate>Mon, 05 Jun 2023 12:00:00 GMT</pubDate>", date(2023, 6, 5)),
        ("<pubDate>5 Jun 23 12:00 Z</pubDate>", date(2023, 6, 5)),
        ("<dc:date>2023-06-05T23:30:00-05:00</dc:date>", date(2023, 6, 5)),
        ("<dc:date>2023-06-05</dc:date>", date(2023, 6, 5)),
        ("<pubDate>2023/06/05 10:00:00</pubDate>", date(2023, 6, 5)),  # feedparser: 1 Nov
        ("<pubDate>June 5, 2023 10:00 AM</pubDate>", date(2023, 6, 5)),  # feedparser: None
        ("<pubDate>Mon, 05 Jun 2023</pubDate>", date(2023, 6, 5)),
        # A format only feedparser reads: its UTC date (12 July, 04:00 UTC) is used.
        (
            "<pubDate>\u039a\u03c5\u03c1, 11 \u0399\u03bf\u03cd\u03bb 2004 23:00:00 EST</pubDate>",
            date(2004, 7, 12),
        ),
        ("", None),
    ],
)
def test_published_is_the_date_as_written_in_the_feed(element: str, expected: date | None) -> None:
    entry = only_entry(rss(f"<link>https://e.example/1</link>{element}"))
    assert entry.published == expected
    assert entry.notes == ()


def test_feedparser_gives_utc_where_we_give_the_written_date() -> None:
    data = rss("<link>https://e.example/1</link><pubDate>Mon, 05 Jun 2023 23:30:00 -0500</pubDate>")
    parsed = feedparser.parse(io.BytesIO(data)).entries[0].published_parsed
    assert (parsed.tm_year, parsed.tm_mon, parsed.tm_mday, parsed.tm_hour) == (2023, 6, 6, 4)
    assert only_entry(data).published == date(2023, 6, 5)


def test_published_falls_back_to_updated() -> None:
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>E</title>'
        '<link href="https://e.example/1"/><published>not a date</published>'
        "<updated>2023-06-07T01:00:00+02:00</updated><summary>S</summary></entry></feed>"
    )
    entry = only_entry(atom.encode())
    assert entry.published == date(2023, 6, 7)
    assert entry.notes == ("unreadable published date 'not a date'; left empty",)


@pytest.mark.parametrize(
    "value", ["yesterday", "Mon, 32 Jun 2023 10:00:00 GMT", "2023-13-45", "0000-01-01"]
)
def test_unparseable_date_leaves_published_empty_with_a_note(value: str) -> None:
    entry = only_entry(rss(f"<link>https://e.example/1</link><pubDate>{value}</pubDate>"))
    assert entry.published is None
    assert entry.notes == (f"unreadable published date {value!r}; left empty",)


# --- hostile feeds --------------------------------------------------------------------------


def _refused_quickly(data: bytes, reason: str) -> None:
    """read_feed refuses ``data`` with ``reason`` in well under a second and a few MB."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(MalformedInputError) as info:
            read_feed(data, "hostile.xml")
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(info.value) == f"hostile.xml: {reason}"
    assert elapsed < 0.5, elapsed
    assert peak < 4 * len(data) + 2_000_000, peak


@pytest.fixture
def feedparser_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("feedparser.parse must not see a feed that declares entities")

    monkeypatch.setattr(feedparser, "parse", refuse)


@pytest.mark.usefixtures("feedparser_never_called")
def test_billion_laughs_is_refused_before_parsing_in_bounded_time_and_memory() -> None:
    data = fixture("billion_laughs.xml")
    assert b"&lol9;" in data and len(data) < 2_000  # expands to 10**9 "lol"s if allowed
    _refused_quickly(data, ENTITY_REFUSAL)


@pytest.mark.usefixtures("feedparser_never_called")
def test_quadratic_blowup_is_refused() -> None:
    # One 50 kB entity used 2,000 times: 100 MB if expanded. feedparser alone lets it
    # through: it lifts the declaration out and re-declares it as "safe" (no "&").
    entity = "A" * 50_000
    data = rss(
        f"<title>x</title><description>{'&a;' * 2_000}</description>",
        head=(f'<!DOCTYPE rss [\n<!ENTITY a "{entity}">\n]>\n'),
    )
    _refused_quickly(data, ENTITY_REFUSAL)


@pytest.mark.usefixtures("feedparser_never_called")
def test_external_entity_is_refused() -> None:
    _refused_quickly(fixture("xxe.xml"), EXTERNAL_REFUSAL)


@pytest.mark.usefixtures("feedparser_never_called")
@pytest.mark.parametrize(
    "head",
    [
        # feedparser's own regex lifts declarations out of comments before the root.
        '<!DOCTYPE rss>\n<!--\n<!ENTITY a "AAAA">\n-->\n',
        # Declarations after a "<" + letter in a literal, past feedparser's "head".
        '<!DOCTYPE rss [<!ATTLIST rss x CDATA "<b>"> <!ENTITY a "&#65;&#65;">]>\n',
        '<!DOCTYPE rss SYSTEM "<b>" [<!ENTITY a "AAAA">]>\n',
        # Parameter entities.
        "<!DOCTYPE rss [<!ENTITY % p \"<!ENTITY a 'AAAA'>\"> %p;]>\n",
        # Declarations in a prolog expat cannot read at all.
        '<!DOCTYPE rss [<!ENTITY a "AAAA"> <!WHAT>]>\n',
        '<!DOCTYPE rss [<!entity a "AAAA">]>\n',
    ],
)
def test_entity_declarations_are_refused_however_they_are_hidden(head: str) -> None:
    data = rss("<title>&a;</title><link>https://e.example/1</link>", head=head)
    with pytest.raises(MalformedInputError) as info:
        read_feed(data, "f.xml")
    assert info.value.reason == ENTITY_REFUSAL


@pytest.mark.usefixtures("feedparser_never_called")
def test_entities_are_refused_in_a_utf16_feed() -> None:
    text = fixture("billion_laughs.xml").decode().replace("UTF-8", "UTF-16")
    with pytest.raises(MalformedInputError, match="refused: entity expansion"):
        read_feed(text.encode("utf-16"), "f.xml")


@pytest.mark.usefixtures("feedparser_never_called")
def test_entities_are_refused_in_a_utf7_feed() -> None:
    # feedparser decodes by the declared encoding; "+ADw-" is "<" in UTF-7.
    data = (
        b'<?xml version="1.0" encoding="utf-7"?>\n+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY a'
        b' "AAAA"+AD4-+AF0-+AD4-\n+ADw-rss version="2.0"+AD4-'
    )
    with pytest.raises(MalformedInputError, match="refused: entity expansion"):
        read_feed(data, "f.xml")


def test_external_dtd_without_entities_is_allowed_and_never_loaded() -> None:
    data = rss(
        "<title>T</title><link>https://e.example/1</link><description>S</description>",
        head='<!DOCTYPE rss SYSTEM "file:///etc/passwd">\n',
    )
    entry = only_entry(data)
    assert entry.summary == "S"
    assert all("root:" not in str(value) for value in (entry.title, entry.summary, entry.text))


def test_netscape_rss091_doctype_is_allowed() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel>'
        b"<title>Old</title><item><title>One</title><link>https://e.example/1</link></item>"
        b"</channel></rss>"
    )
    assert only_entry(data).title == "One"


def test_the_word_entity_inside_an_article_is_not_refused() -> None:
    content = (
        '<![CDATA[<p>Never parse <code><!ENTITY lol "lol"></code> from strangers.</p>'
        f"<p>{words(200)}</p>]]>"
    )
    entry = only_entry(
        rss(f"<link>https://e.example/1</link><content:encoded>{content}</content:encoded>")
    )
    assert entry.text is not None and '<!ENTITY lol "lol">' in entry.text


# --- never another exception ----------------------------------------------------------------

_FRAGMENTS = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0" encoding="utf-7"?>',
    '<rss version="2.0">',
    "</rss>",
    "<channel>",
    "</channel>",
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    "</feed>",
    "<item>",
    "</item>",
    "<entry>",
    "</entry>",
    "<title>",
    "</title>",
    "<link>https://e.example/a</link>",
    '<link href="javascript:x"/>',
    "<description>",
    "</description>",
    '<content type="html">',
    "</content>",
    "<content:encoded><![CDATA[<p>x</p>",
    "]]></content:encoded>",
    "<pubDate>Mon, 05 Jun 2023 23:30:00 -0500</pubDate>",
    "<pubDate>Mon, 99 Foo 0000 99:99:99</pubDate>",
    "<updated>9999-99-99T99:99:99Z</updated>",
    "<author>a@b.example (A B)</author>",
    "&lt;p&gt;",
    "&amp;",
    "&nbsp;",
    "&#0;",
    "&#xD800;",
    "<![foo[",
    "<!DOCTYPE rss>",
    '<!ENTITY a "b">',
    "&a;",
    "<!--",
    "-->",
    "<br>",
    "<",
    "\x00",
    "\ufeff",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_give_entries_failures_or_input_error(data: bytes) -> None:
    _check_outcome(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=20), max_size=40),
    st.sampled_from(["utf-8", "utf-16", "latin-1"]),
)
def test_feed_like_text_gives_entries_failures_or_input_error(parts: list[str], codec: str) -> None:
    _check_outcome("".join(parts).encode(codec, errors="replace"))


def _check_outcome(data: bytes) -> None:
    assert isinstance(looks_like_feed(data), bool)
    try:
        results = list(read_feed(data, "f.xml"))
    except InputError as exc:
        assert exc.source == "f.xml" and exc.reason and "\n" not in exc.reason
        return
    assert results
    for number, item in enumerate(results, start=1):
        assert isinstance(item, (FeedEntry, Failure))
        assert item.source == f"f.xml#{number}"
        if isinstance(item, Failure):
            assert item.stage == "ingest" and "\n" not in item.message
        else:
            assert item.text or item.summary or item.link
            assert all("\n" not in note for note in item.notes)
