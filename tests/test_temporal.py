"""normalize_time: phrase + publication date -> TimeRef (no spaCy model needed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.records import Span, TimeRef
from claimtrack.temporal import normalize_time

PUB = date(2023, 6, 4)  # a Sunday
D = date.fromisoformat
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def span(text: str) -> Span:
    return Span(0, len(text), text)


def resolve(text: str, published: date | None = PUB, *, future: bool = False) -> tuple[object, ...]:
    ref = normalize_time(span(text), published, future=future)
    start = ref.start.isoformat() if ref.start else None
    end = ref.end.isoformat() if ref.end else None
    if ref.precision == "day":
        assert start == end
        return ("day", start)
    if ref.precision == "duration":
        assert start is None and end is None
        return ("duration", ref.duration)
    if ref.precision == "unknown":
        assert (start, end, ref.duration) == (None, None, None)
        return ("unknown",)
    assert ref.duration is None
    return (ref.precision, start, end)


# Published Sunday 2023-06-04.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Friday", ("day", "2023-06-02")),
        ("Friday", ("day", "2023-06-02")),
        ("Saturday", ("day", "2023-06-03")),
        ("on Sunday", ("day", "2023-06-04")),
        ("Tuesday night", ("day", "2023-05-30")),
        ("Saturday morning", ("day", "2023-06-03")),
        ("late Friday", ("day", "2023-06-02")),
        ("last Thursday", ("day", "2023-06-01")),
        ("last Sunday", ("day", "2023-05-28")),
        ("this past Friday", ("day", "2023-06-02")),
        ("next Monday", ("day", "2023-06-05")),
        ("next Sunday", ("day", "2023-06-11")),
        ("Friday\u2019s", ("day", "2023-06-02")),
        ("3 p.m. Friday", ("day", "2023-06-02")),
        ("Friday, June 2", ("day", "2023-06-02")),
        ("March 4", ("day", "2023-03-04")),
        ("on March 4", ("day", "2023-03-04")),
        ("June 4", ("day", "2023-06-04")),
        ("June 5", ("day", "2022-06-05")),
        ("Sept. 4", ("day", "2022-09-04")),
        ("the 4th of July", ("day", "2022-07-04")),
        ("June 2, 2023", ("day", "2023-06-02")),
        ("2 June 2023", ("day", "2023-06-02")),
        ("4th of July 2021", ("day", "2021-07-04")),
        ("2023-06-02", ("day", "2023-06-02")),
        ("06/02/2023", ("day", "2023-06-02")),
        ("2023-06-02T23:30:00-05:00", ("day", "2023-06-02")),  # the date as written
        ("2021 July 4", ("day", "2021-07-04")),
        ("yesterday", ("day", "2023-06-03")),
        ("yesterday morning", ("day", "2023-06-03")),
        ("last night", ("day", "2023-06-03")),
        ("today", ("day", "2023-06-04")),
        ("tonight", ("day", "2023-06-04")),
        ("this morning", ("day", "2023-06-04")),
        ("the day before yesterday", ("day", "2023-06-02")),
        ("tomorrow", ("day", "2023-06-05")),
        ("three days ago", ("day", "2023-06-01")),
        ("mid-May", ("interval", "2023-05-11", "2023-05-20")),
        ("mid May", ("interval", "2023-05-11", "2023-05-20")),
        ("the middle of May", ("interval", "2023-05-11", "2023-05-20")),
        ("in late March", ("interval", "2023-03-21", "2023-03-31")),
        ("late March", ("interval", "2023-03-21", "2023-03-31")),
        ("early June", ("interval", "2023-06-01", "2023-06-10")),
        ("the end of May", ("interval", "2023-05-21", "2023-05-31")),
        ("the beginning of April", ("interval", "2023-04-01", "2023-04-10")),
        ("late June 2021", ("interval", "2021-06-21", "2021-06-30")),
        ("early last month", ("interval", "2023-05-01", "2023-05-10")),
        ("by the end of the month", ("interval", "2023-06-21", "2023-06-30")),
        ("the end of the year", ("interval", "2023-09-01", "2023-12-31")),
        ("last week", ("interval", "2023-05-22", "2023-05-28")),
        ("this week", ("interval", "2023-05-29", "2023-06-04")),
        ("earlier this week", ("interval", "2023-05-29", "2023-06-03")),
        ("next week", ("interval", "2023-06-05", "2023-06-11")),
        ("two weeks ago", ("interval", "2023-05-15", "2023-05-21")),
        ("the weekend", ("interval", "2023-06-03", "2023-06-04")),
        ("over the weekend", ("interval", "2023-06-03", "2023-06-04")),
        ("last weekend", ("interval", "2023-06-03", "2023-06-04")),
        ("next weekend", ("interval", "2023-06-10", "2023-06-11")),
        ("earlier this month", ("interval", "2023-06-01", "2023-06-03")),
        ("later this month", ("interval", "2023-06-05", "2023-06-30")),
        ("earlier this year", ("interval", "2023-01-01", "2023-06-03")),
        ("the past week", ("interval", "2023-05-28", "2023-06-03")),
        ("the last week", ("interval", "2023-05-28", "2023-06-03")),
        ("for the past three days", ("interval", "2023-06-01", "2023-06-03")),
        ("the past three months", ("interval", "2023-03-04", "2023-06-03")),
        ("the past 24 hours", ("interval", "2023-06-03", "2023-06-04")),
        ("the next three days", ("interval", "2023-06-05", "2023-06-07")),
        ("from March to May", ("interval", "2023-03-01", "2023-05-31")),
        ("between May 1 and May 3", ("interval", "2023-05-01", "2023-05-03")),
        ("mid-2022", ("interval", "2022-05-01", "2022-08-31")),
        ("early 2022", ("interval", "2022-01-01", "2022-04-30")),
        ("the 1990s", ("interval", "1990-01-01", "1999-12-31")),
        ("in May", ("month", "2023-05-01", "2023-05-31")),
        ("May", ("month", "2023-05-01", "2023-05-31")),
        ("June", ("month", "2023-06-01", "2023-06-30")),
        ("July", ("month", "2022-07-01", "2022-07-31")),
        ("last May", ("month", "2023-05-01", "2023-05-31")),
        ("last June", ("month", "2022-06-01", "2022-06-30")),
        ("May 2023", ("month", "2023-05-01", "2023-05-31")),
        ("February of 2021", ("month", "2021-02-01", "2021-02-28")),
        ("last month", ("month", "2023-05-01", "2023-05-31")),
        ("this month", ("month", "2023-06-01", "2023-06-30")),
        ("2022", ("year", "2022-01-01", "2022-12-31")),
        ("in 2022", ("year", "2022-01-01", "2022-12-31")),
        ("last year", ("year", "2022-01-01", "2022-12-31")),
        ("this year", ("year", "2023-01-01", "2023-12-31")),
        ("for weeks", ("duration", "PXW")),
        ("weeks", ("duration", "PXW")),
        ("months", ("duration", "PXM")),
        ("several days", ("duration", "PXD")),
        ("a couple of weeks", ("duration", "PXW")),
        ("for years", ("duration", "PXY")),
        ("hours", ("duration", "PTXH")),
        ("decades", ("duration", "PXDE")),
        ("in recent weeks", ("duration", "PXW")),
        ("the coming days", ("duration", "PXD")),
        ("three days", ("duration", "P3D")),
        ("for three days", ("duration", "P3D")),
        ("for two years", ("duration", "P2Y")),
        ("a week", ("duration", "P1W")),
        ("5 hours", ("duration", "PT5H")),
        ("twenty-four hours", ("duration", "PT24H")),
        ("1.5 hours", ("duration", "PT1.5H")),
        ("30 minutes", ("duration", "PT30M")),
        ("nearly three weeks", ("duration", "P3W")),
        ("two decades", ("duration", "P20Y")),
        ("1.5 decades", ("duration", "P15Y")),
        ("a fortnight", ("duration", "P2W")),
        ("007 days", ("duration", "P7D")),
        ("recently", ("unknown",)),
        ("soon", ("unknown",)),
        ("at the time", ("unknown",)),
        ("the previous week", ("unknown",)),
        ("days later", ("unknown",)),
        ("week", ("unknown",)),
        ("at noon", ("unknown",)),
        ("asdf 2023", ("unknown",)),
        ("12.12.12", ("unknown",)),  # a two-digit year is a guess, not a date
        ("2023 1.5", ("unknown",)),  # dateparser would say 2023-01-05
        ("2023-13-45", ("unknown",)),
        ("February 30, 2023", ("unknown",)),
        ("", ("unknown",)),
        ("   ", ("unknown",)),
    ],
)
def test_phrases_published_sunday(text: str, expected: tuple[object, ...]) -> None:
    assert resolve(text) == expected


def test_every_precision_is_produced() -> None:
    texts = ["Friday", "mid-May", "May", "2022", "weeks", "soon"]
    kinds = {normalize_time(span(t), PUB).precision for t in texts}
    assert kinds == {"day", "interval", "month", "year", "duration", "unknown"}


def test_span_is_returned_unchanged() -> None:
    phrase = Span(120, 129, "on Friday")
    ref = normalize_time(phrase, PUB)
    assert ref == TimeRef(phrase, "day", D("2023-06-02"), D("2023-06-02"))
    assert ref.span is phrase


def test_cached_results_carry_their_own_span() -> None:
    first = normalize_time(Span(0, 7, "May 4th"), PUB)
    second = normalize_time(Span(300, 307, "May 4th"), PUB)
    assert (first.span.start, second.span.start) == (0, 300)
    assert first.start == second.start == D("2023-05-04")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("on Friday", "2024-01-02", ("day", "2023-12-29")),
        ("yesterday", "2024-01-01", ("day", "2023-12-31")),
        ("yesterday", "2023-03-01", ("day", "2023-02-28")),
        ("on Thursday", "2023-03-01", ("day", "2023-02-23")),
        ("late December", "2024-01-02", ("interval", "2023-12-21", "2023-12-31")),
        ("March 4", "2024-01-15", ("day", "2023-03-04")),
        ("December", "2024-01-15", ("month", "2023-12-01", "2023-12-31")),
        ("last week", "2024-01-02", ("interval", "2023-12-25", "2023-12-31")),
        ("this week", "2024-01-02", ("interval", "2024-01-01", "2024-01-02")),
        ("the weekend", "2024-01-02", ("interval", "2023-12-30", "2023-12-31")),
        ("the weekend", "2023-06-03", ("interval", "2023-06-03", "2023-06-04")),
        ("last month", "2024-01-02", ("month", "2023-12-01", "2023-12-31")),
        ("last year", "2024-01-02", ("year", "2023-01-01", "2023-12-31")),
        ("the past week", "2023-03-02", ("interval", "2023-02-23", "2023-03-01")),
        ("the past month", "2023-03-31", ("interval", "2023-02-28", "2023-03-30")),
        ("two months ago", "2024-01-31", ("month", "2023-11-01", "2023-11-30")),
        ("tomorrow", "2023-12-31", ("day", "2024-01-01")),
        ("next week", "2023-12-28", ("interval", "2024-01-01", "2024-01-07")),
    ],
)
def test_arithmetic_across_month_and_year_ends(
    text: str, published: str, expected: tuple[object, ...]
) -> None:
    assert resolve(text, D(published)) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("late February", "2024-03-10", ("interval", "2024-02-21", "2024-02-29")),
        ("late February", "2023-03-10", ("interval", "2023-02-21", "2023-02-28")),
        ("February", "2024-03-10", ("month", "2024-02-01", "2024-02-29")),
        ("the past month", "2024-03-31", ("interval", "2024-02-29", "2024-03-30")),
        ("February 29", "2023-06-04", ("day", "2020-02-29")),
        ("February 29", "2024-02-28", ("day", "2020-02-29")),
        ("February 29", "2024-02-29", ("day", "2024-02-29")),
        ("February 29, 2023", "2023-06-04", ("unknown",)),
    ],
)
def test_leap_years(text: str, published: str, expected: tuple[object, ...]) -> None:
    assert resolve(text, D(published)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Friday", ("day", "2023-06-09")),
        ("Sunday", ("day", "2023-06-04")),
        ("next Sunday", ("day", "2023-06-11")),
        ("last Friday", ("day", "2023-06-02")),  # "last" stays in the past
        ("March 4", ("day", "2024-03-04")),
        ("June 4", ("day", "2023-06-04")),
        ("May", ("month", "2024-05-01", "2024-05-31")),
        ("June", ("month", "2023-06-01", "2023-06-30")),
        ("late March", ("interval", "2024-03-21", "2024-03-31")),
        ("this week", ("interval", "2023-06-04", "2023-06-04")),
        ("the weekend", ("interval", "2023-06-03", "2023-06-04")),
        ("February 29", ("day", "2024-02-29")),
        ("June 2, 2023", ("day", "2023-06-02")),  # explicit dates are taken as written
        ("last week", ("interval", "2023-05-22", "2023-05-28")),
    ],
)
def test_future_reads_the_next_occurrence(text: str, expected: tuple[object, ...]) -> None:
    assert resolve(text, future=True) == expected


def test_future_weekend_from_midweek() -> None:
    assert resolve("the weekend", D("2023-05-31"), future=True) == (
        "interval",
        "2023-06-03",
        "2023-06-04",
    )
    assert resolve("the weekend", D("2023-05-31")) == ("interval", "2023-05-27", "2023-05-28")


@pytest.mark.parametrize(
    "text",
    [
        "on Friday", "Sunday", "next Monday", "last Thursday", "Tuesday night", "yesterday",
        "today", "tonight", "this morning", "last night", "last week", "this week",
        "last month", "this month", "last year", "this year", "in May", "mid-May",
        "late March", "March 4", "early June", "the end of May", "the weekend",
        "earlier this month", "earlier this year", "the past week", "three days ago",
        "the past three days", "early last month",
    ],
)  # fmt: skip
def test_relative_phrases_without_publication_date_are_unknown(text: str) -> None:
    assert resolve(text, None) == ("unknown",)
    assert resolve(text, None, future=True) == ("unknown",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("June 2, 2023", ("day", "2023-06-02")),
        ("2023-06-02", ("day", "2023-06-02")),
        ("4th of July 2021", ("day", "2021-07-04")),
        ("May 2023", ("month", "2023-05-01", "2023-05-31")),
        ("late March 2021", ("interval", "2021-03-21", "2021-03-31")),
        ("2022", ("year", "2022-01-01", "2022-12-31")),
        ("the 1990s", ("interval", "1990-01-01", "1999-12-31")),
        ("for weeks", ("duration", "PXW")),
        ("for three days", ("duration", "P3D")),
    ],
)
def test_absolute_phrases_resolve_without_publication_date(
    text: str, expected: tuple[object, ...]
) -> None:
    assert resolve(text, None) == expected


def test_datetime_publication_is_read_as_its_date() -> None:
    ref = normalize_time(span("yesterday"), datetime(2023, 6, 4, 23, 30))
    assert (ref.start, type(ref.start)) == (D("2023-06-03"), date)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("earlier this month", "2023-06-01"),  # nothing before the 1st
        ("earlier this year", "2023-01-01"),
        ("earlier this week", "2023-06-05"),  # a Monday
        ("later this week", "2023-06-04"),  # a Sunday
        ("from May to March", "2023-06-04"),  # ends before it starts
    ],
)
def test_empty_intervals_are_unknown(text: str, published: str) -> None:
    assert resolve(text, D(published)) == ("unknown",)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("on Sunday", date.min),
        ("yesterday", date.min),
        ("next year", date.max),
        ("tomorrow", date.max),
    ],
)
def test_calendar_edges_are_unknown_not_errors(text: str, published: date) -> None:
    assert resolve(text, published) == ("unknown",)


# Property tests.

published_dates = st.none() | st.dates()
# Text dense in digits and separators reaches the dateparser fallback.
datelike = st.text(alphabet="0123456789 -/.:,+TZthofMayJune", max_size=30)


@settings(deadline=None)  # the first dateparser call imports it
@given(text=st.text() | datelike, published=published_dates, future=st.booleans())
def test_never_raises_and_keeps_the_span(text: str, published: date | None, future: bool) -> None:
    phrase = Span(3, 3 + len(text), text)
    ref = normalize_time(phrase, published, future=future)
    assert ref.span is phrase
    if ref.start is not None or ref.end is not None:
        assert ref.start is not None and ref.end is not None and ref.start <= ref.end
    assert (ref.duration is not None) == (ref.precision == "duration")


@given(
    weekday=st.sampled_from(WEEKDAYS),
    published=st.dates(min_value=date(1, 1, 7), max_value=date(9999, 12, 24)),
    future=st.booleans(),
)
def test_on_weekday_is_within_the_seven_days_up_to_publication(
    weekday: str, published: date, future: bool
) -> None:
    ref = normalize_time(span(f"on {weekday}"), published, future=future)
    assert ref.precision == "day" and ref.start == ref.end and ref.start is not None
    assert ref.start.strftime("%A") == weekday
    if future:
        assert published <= ref.start <= published + timedelta(days=6)
    else:
        assert published - timedelta(days=6) <= ref.start <= published


PHRASES = [
    "last week", "this week", "next week", "the weekend", "next weekend", "mid-{m}", "late {m}",
    "early {m}", "the end of {m}", "{m}", "last {m}", "next {m}", "{m} 4", "{m} 31", "{m} 29",
    "earlier this month", "later this month", "earlier this year", "later this year",
    "the past week", "the past 3 months", "the next 2 weeks", "the past 36 hours",
    "from {m} to May", "between {m} 2 and {m} 9", "2 weeks ago", "5 months ago", "last month",
    "early last month", "late this year", "mid-2021", "the 2010s", "{m} 2, 2021",
]  # fmt: skip
MONTHS = ["January", "February", "March", "June", "September", "December"]


@given(
    template=st.sampled_from(PHRASES),
    month=st.sampled_from(MONTHS),
    published=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    future=st.booleans(),
)
def test_resolved_ranges_are_ordered(
    template: str, month: str, published: date, future: bool
) -> None:
    ref = normalize_time(span(template.format(m=month)), published, future=future)
    if ref.precision in ("day", "interval", "month", "year"):
        assert ref.start is not None and ref.end is not None and ref.start <= ref.end
    else:
        assert ref.start is None and ref.end is None
    if ref.precision == "month":
        assert ref.start is not None and ref.start.day == 1
        assert ref.end is not None and (ref.end + timedelta(days=1)).day == 1
