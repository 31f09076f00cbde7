"""Resolve a temporal phrase against the publication date: phrase + date -> TimeRef.

``normalize_time`` reads the words of a DATE/TIME entity (or the prepositional
phrase around one) and returns a :class:`~claimtrack.records.TimeRef` that keeps
the span unchanged. Published 2023-06-04, a Sunday::

    "on Friday"           -> 2023-06-02                 precision "day"
    "on Sunday"           -> 2023-06-04                 "day" (publication day counts)
    "next Monday"         -> 2023-06-05                 "day"
    "March 4"             -> 2023-03-04                 "day"
    "mid-May"             -> 2023-05-11..2023-05-20     "interval"
    "in late March"       -> 2023-03-21..2023-03-31     "interval"
    "last week"           -> 2023-05-22..2023-05-28     "interval"
    "in May"              -> 2023-05-01..2023-05-31     "month"
    "last year"           -> 2022-01-01..2022-12-31     "year"
    "for three days"      -> duration "P3D"             "duration"
    "for weeks"           -> duration "PXW"             "duration"
    "recently"            -> nothing                    "unknown"

Conventions (no library agrees on these, so they are written down here):

* Past by default. A weekday, a month and day, or a month without a year is
  the most recent one on or before the publication date (for a month: on or
  before the publication month). ``future=True`` picks the next one on or
  after instead. "last <weekday>"/"last <Month>" is strictly before
  publication, "next ..."/"this coming ..." strictly after, "this <Month>"
  the publication year's. Explicit dates with a year are taken as written.
* Parts of a month: "early <Month>" = days 1-10; "mid-<Month>", "mid <Month>",
  "the middle of <Month>" = 11-20; "late <Month>", "the end of <Month>" = 21 to
  the last day; "the beginning/start of <Month>" = "early". Parts of a year:
  "early 2022" = Jan-Apr, "mid-2022" = May-Aug, "late 2022" = Sep-Dec.
* Weeks run Monday-Sunday. "last week" is the week before the publication
  week; "this week" is Monday..publication (``future=True``:
  publication..Sunday); "earlier this week/month/year" ends the day before
  publication, "later this ..." starts the day after.
* "the weekend", "last weekend", "this weekend": the most recent weekend
  whose Saturday is on or before publication (``future=True``: the first
  whose Sunday is on or after it; "next weekend": Saturday strictly after).
* Rolling periods end the day before publication: "the past week" =
  published-7..published-1, "the past three months" = the same day three
  months back..published-1; "the next three days" = published+1..published+3.
  Hours count in whole days and include publication day ("the past 24 hours"
  = published-1..published).
* "<n> days ago" is a day; "<n> weeks ago" the Monday-Sunday week n weeks
  before the publication week; "<n> months/years ago" that month/year.
* "tonight", "this morning", "earlier today" are publication day; "last
  night" and "yesterday <part of day>" the day before. A clock time ("3 p.m.",
  "noon") is dropped; alone it is unknown. "late Friday" is Friday.
* Durations are ISO 8601: "P3D", "P2W", "P2Y", "PT5H", "PT30M". A count that
  is not given ("weeks", "several days", "a couple of months", "the coming
  days") follows TimeML and writes ``X``: "PXW", "PXM", "PXD", "PXY",
  "PTXH"; "decades" is "PXDE" and "two decades" "P20Y". Hedges ("about",
  "nearly", "more than") are dropped: "nearly three weeks" is "P3W".
* "from <A> to <B>" and "between <A> and <B>" give A's start..B's end.
* Anything else is precision "unknown" with no value, and so is every
  relative phrase when the publication date is unknown: a missing date never
  becomes today's. Absolute dates and durations resolve without one.

Full dates the rules above do not read go to ``dateparser``: numeric ones with a
four-digit year ("2023-06-02", "2023-06-02T10:00+05:00" as written, "06/02/2023"
month first) and a month name, day and year in another order ("2021 July 4").
Nothing else does, because dateparser finds a date in almost any digits. It is
slow to import and to call, so it is imported on first use, and resolutions
are cached on (normalized phrase, publication date, future).
``normalize_time`` never raises.
"""

from __future__ import annotations

import calendar
import functools
import re
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from claimtrack.records import Precision, Span, TimeRef

__all__ = ["normalize_time"]


class _Value(NamedTuple):
    precision: Precision
    start: date | None = None
    end: date | None = None
    duration: str | None = None


_UNKNOWN = _Value("unknown")
_Rule = Callable[[re.Match[str], date | None, bool], _Value]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTHS = {m[:3].lower(): i for i, m in enumerate(calendar.month_name) if m}
_WD = "(?P<wd>" + "|".join(_WEEKDAYS) + ")"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
# "this past Friday" is "last Friday"; "this coming Friday" is "next Friday".
_MOD = r"(?P<mod>this past|this coming|last|this|next|past|coming)"
_PART = (
    r"(?:(?P<part>early|mid|late)(?:-| )?|(?P<partof>beginning|start|middle|end) of"
    r"(?: the month of)? )"
)
_COUNT = (
    r"(?P<n>\d+(?:\.\d+)?|a few|a couple of|couple of|a couple|a number of|dozens of"
    r"|a dozen|[a-z]+(?:-[a-z]+)?)"
)
_UNIT = r"(?P<unit>second|minute|hour|day|week|fortnight|month|year|decade)s?"
_CAL_MONTH = r"(?P<rel>this|last|next|the) (?P<cal>month)"  # "the end of the month"
_PARTS = {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}

_LEAD = re.compile(
    r"^(?:on|in|since|by|until|till|at|during|for|over|through|throughout|as of|of"
    r"|from(?!.* (?:to|until|till|through) )"
    r"|around|about|circa|approximately|roughly|nearly|almost|more than|less than|fewer than"
    r"|at least|up to|just|only|some(?= \d| [a-z]+ )|the(?! (?:last|past|next|coming)\b))\s+"
)
_CLOCK = re.compile(
    r"(?:\b(?:at|around|about) )?(?:\b\d{1,2}(?::\d{2})? ?(?:a\.?m\b\.?|p\.?m\b\.?)"
    r"|\bnoon\b|\bmidnight\b)(?: (?:et|est|edt|ct|cst|cdt|pt|pst|pdt|gmt|utc|bst|cet|cest"
    r"|local time)\b)?"
)
# Text that goes to dateparser: "2023-06-02", "2023-06-02t10:00+02:00", "06/02/2023", and
# a month name, a day and a year in some order no rule reads ("2021 july 4").
_NUMERIC_DATE = re.compile(
    r"\d{4}([-/.])\d{1,2}\1\d{1,2}(?:t\d[\d:.]*(?:z|[+-][\d:]+)?)?"
    r"|\d{1,2}([-/.])\d{1,2}\2\d{4}"
)
_ANY_MON = _MON.replace("?P<mon>", "?:")
_WORDY_DATE = re.compile(
    rf"(?=.*\b{_ANY_MON}\b)(?=.*\b\d{{4}}\b)"
    rf"(?:(?:{_ANY_MON}|of|the|\d{{1,2}}(?:st|nd|rd|th)?|\d{{4}})(?: |$))+"
)
_RANGE = re.compile(
    r"(?:from (?P<a>.+?) (?:to|until|till|through)|between (?P<b>.+?) and) (?P<c>.+)"
)

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_NUMBERS = {w: i for i, w in enumerate(_ONES)} | {"a": 1, "an": 1, "a dozen": 12, "dozen": 12}
_TENS = {
    w: 20 + 10 * i
    for i, w in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    )
}
_VAGUE = {
    "few", "a few", "several", "many", "some", "multiple", "numerous", "recent", "countless",
    "a couple of", "couple of", "a couple", "a number of", "dozens of", "long",
}  # fmt: skip


def normalize_time(phrase: Span, published: date | None, *, future: bool = False) -> TimeRef:
    """Resolve a temporal phrase against the publication date; never raises.

    ``phrase`` is returned unchanged as the TimeRef's span. ``future=True``
    reads weekdays, month-days and months as the next occurrence (a statement
    about plans). The module docstring lists the conventions.

    "on Friday", published 2023-06-04 -> 2023-06-02, precision "day"
    "mid-May"                          -> 2023-05-11..2023-05-20, precision "interval"
    "for weeks"                        -> no date, duration "PXW", precision "duration"
    "on Friday", published None        -> no date, precision "unknown"
    """
    if isinstance(published, datetime):
        published = published.date()
    value = _resolve(_normalize(phrase.text), published, future)
    return TimeRef(phrase, value.precision, value.start, value.end, value.duration)


def _normalize(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    text = " ".join(_CLOCK.sub(" ", " ".join(text.split())).split())
    text = re.sub(r"(?<=[a-z])(?:\.|'s\b)|[,()\"]", " ", text)
    text = " ".join(text.split()).strip(" .;:!?'/-")
    while (stripped := _LEAD.sub("", text)) != text:
        text = stripped
    return text


@functools.lru_cache(maxsize=8192)
def _resolve(text: str, published: date | None, future: bool) -> _Value:
    try:
        value = _apply_rules(text, published, future)
    except (ValueError, OverflowError):  # past date.min/date.max, or no such day
        return _UNKNOWN
    if value.start is not None and value.end is not None and value.start > value.end:
        return _UNKNOWN  # "earlier this month" on the 1st: nothing to point at
    return value


def _apply_rules(text: str, pub: date | None, future: bool) -> _Value:
    if not text:
        return _UNKNOWN
    if m := _RANGE.fullmatch(text):
        a = _resolve(_normalize(m["a"] or m["b"]), pub, future)
        c = _resolve(_normalize(m["c"]), pub, future)
        if a.start and c.end:
            return _Value("interval", a.start, c.end)
        return _UNKNOWN
    if m := re.fullmatch(r"(.+) (morning|afternoon|evening|night)", text):
        if m[1] == "this":
            return _day(pub, 0)
        if m[1] == "last":
            return _day(pub, -1)
        text = m[1]
    if m := re.fullmatch(_WD + r" (.*\d.*)", text):  # "Friday, June 2" -> the date decides
        text = m[2]
    for pattern, rule in _RULES:
        if m := pattern.fullmatch(text):
            return rule(m, pub, future)
    return _absolute(text)


# Rules: (regex, handler). Handlers return _UNKNOWN for relative phrases without `pub`.


def _rule_day_word(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    offsets = {
        "today": 0, "tonight": 0, "earlier today": 0, "later today": 0, "yesterday": -1,
        "day before yesterday": -2, "tomorrow": 1, "day after tomorrow": 2,
    }  # fmt: skip
    return _day(pub, offsets[m[0]])


def _rule_weekday(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    if pub is None:
        return _UNKNOWN
    wd, pw = _WEEKDAYS.index(m["wd"]), pub.weekday()
    mod = m["mod"] or ""
    if mod in ("last", "past", "this past"):
        return _day(pub, -((pw - wd - 1) % 7 + 1))
    if mod in ("next", "coming", "this coming"):
        return _day(pub, (wd - pw - 1) % 7 + 1)
    if future:  # "this Friday", future: on or after publication
        return _day(pub, (wd - pw) % 7)
    return _day(pub, -((pw - wd) % 7))


def _rule_month_day(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    mon, day = _MONTHS[m["mon"][:3]], int(m["day"])
    if m["year"]:
        d = date(int(m["year"]), mon, day)
        return _Value("day", d, d)
    if pub is None or not 1 <= day <= 31:
        return _UNKNOWN
    step = 1 if future else -1
    ahead = (mon, day) > (pub.month, pub.day)
    behind = (mon, day) < (pub.month, pub.day)
    year = pub.year + (step if (behind if future else ahead) else 0)
    for _ in range(9):  # Feb 29 may be up to eight years away
        if day <= calendar.monthrange(year, mon)[1]:
            return _Value("day", date(year, mon, day), date(year, mon, day))
        year += step
    return _UNKNOWN


def _rule_month(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    ym = _month_of(m, pub, future)
    if ym is None:
        return _UNKNOWN
    year, mon = ym
    last = calendar.monthrange(year, mon)[1]
    part = _part(m)
    if part is None:
        return _Value("month", date(year, mon, 1), date(year, mon, last))
    first, final = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[part]
    return _Value("interval", date(year, mon, first), date(year, mon, final))


def _month_of(m: re.Match[str], pub: date | None, future: bool) -> tuple[int, int] | None:
    """(year, month) named by a match with a ``mon`` or ``rel``+``cal`` group."""
    groups = m.groupdict()
    if groups.get("cal"):
        if pub is None:
            return None
        shift = {"last": -1, "next": 1}.get(groups["rel"], 0)
        d = _add_months(pub.replace(day=1), shift)
        return d.year, d.month
    mon = _MONTHS[groups["mon"][:3]]
    if groups.get("year"):
        return int(groups["year"]), mon
    if pub is None:
        return None
    year, pm = pub.year, pub.month
    mod = groups.get("mod") or ""
    if mod in ("last", "past", "this past"):
        return (year if mon < pm else year - 1), mon
    if mod in ("next", "coming", "this coming"):
        return (year if mon > pm else year + 1), mon
    if mod == "this":
        return year, mon
    if future:
        return (year if mon >= pm else year + 1), mon
    return (year if mon <= pm else year - 1), mon


def _rule_year(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    if m["year"]:
        year = int(m["year"])
    elif pub is None:
        return _UNKNOWN
    else:
        year = pub.year + {"last": -1, "next": 1}.get(m["rel"], 0)
    part = _part(m)
    if part is None:
        return _Value("year", date(year, 1, 1), date(year, 12, 31))
    first, final = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
    last_day = calendar.monthrange(year, final)[1]
    return _Value("interval", date(year, first, 1), date(year, final, last_day))


def _part(m: re.Match[str]) -> str | None:
    """'early' | 'mid' | 'late' from "late ..." or "the end of ...", else None."""
    groups = m.groupdict()
    return groups.get("part") or _PARTS.get(groups.get("partof") or "")


def _rule_decade(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    year = int(m[1])
    return _Value("interval", date(year, 1, 1), date(year + 9, 12, 31))


def _rule_calendar(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    """this/last/next/earlier this/later this + week/month/year."""
    if pub is None:
        return _UNKNOWN
    when, unit = m["when"], m["unit"]
    if unit == "week":
        monday = pub - timedelta(days=pub.weekday())
        first, last = monday, monday + timedelta(days=6)
    elif unit == "month":
        first = pub.replace(day=1)
        last = pub.replace(day=calendar.monthrange(pub.year, pub.month)[1])
    else:
        first, last = date(pub.year, 1, 1), date(pub.year, 12, 31)
    if when == "earlier this":
        return _Value("interval", first, pub - timedelta(days=1))
    if when == "later this":
        return _Value("interval", pub + timedelta(days=1), last)
    if unit == "week":
        shift = timedelta(days={"last": -7, "next": 7}.get(when, 0))
        if when == "this":
            return _Value("interval", pub, last) if future else _Value("interval", first, pub)
        return _Value("interval", first + shift, last + shift)
    if unit == "month":
        d = _add_months(first, {"last": -1, "next": 1}.get(when, 0))
        return _Value("month", d, d.replace(day=calendar.monthrange(d.year, d.month)[1]))
    year = pub.year + {"last": -1, "next": 1}.get(when, 0)
    return _Value("year", date(year, 1, 1), date(year, 12, 31))


def _rule_weekend(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    if pub is None:
        return _UNKNOWN
    mod = m["mod"] or ""
    if mod in ("next", "coming", "this coming"):
        saturday = pub + timedelta(days=(5 - pub.weekday() - 1) % 7 + 1)
    elif future and mod in ("", "this"):
        saturday = pub + timedelta(days=(5 - pub.weekday()) % 7 - (7 if pub.weekday() == 6 else 0))
    else:
        saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)
    return _Value("interval", saturday, saturday + timedelta(days=1))


def _rule_rolling(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    """ "the past/next [n] units": ends the day before publication (or starts the day after)."""
    count = _count(m["n"]) if m["n"] else ("1" if not m[0].endswith("s") else "X")
    if count is None:
        return _UNKNOWN
    forward = m["dir"] in ("next", "coming")
    if count == "X" or "." in count:
        return _Value("duration", duration=_iso_duration(count, m["unit"]))
    if pub is None:
        return _UNKNOWN
    n, unit = int(count), m["unit"]
    if unit in ("second", "minute", "hour"):
        days = timedelta(days=-(-n // {"hour": 24, "minute": 1440, "second": 86400}[unit]))
        if forward:
            return _Value("interval", pub, pub + days)
        return _Value("interval", pub - days, pub)
    if unit in ("day", "week", "fortnight"):
        days = timedelta(days=n * {"day": 1, "week": 7, "fortnight": 14}[unit])
        far = pub + days if forward else pub - days
    else:
        months = n * {"month": 1, "year": 12, "decade": 120}[unit]
        far = _add_months(pub, months if forward else -months)
    if forward:
        return _Value("interval", pub + timedelta(days=1), far)
    return _Value("interval", far, pub - timedelta(days=1))


def _rule_ago(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    count = _count(m["n"])
    if pub is None or count is None or not count.isdigit():
        return _UNKNOWN
    n, unit = int(count), m["unit"]
    if unit in ("second", "minute", "hour", "day"):
        per_day = {"second": 86400, "minute": 1440, "hour": 24, "day": 1}[unit]
        return _day(pub, -(n // per_day))
    if unit in ("week", "fortnight"):
        monday = pub - timedelta(days=pub.weekday() + 7 * n * (2 if unit == "fortnight" else 1))
        return _Value("interval", monday, monday + timedelta(days=6))
    if unit == "month":
        d = _add_months(pub.replace(day=1), -n)
        return _Value("month", d, d.replace(day=calendar.monthrange(d.year, d.month)[1]))
    year = pub.year - n * (10 if unit == "decade" else 1)
    return _Value("year", date(year, 1, 1), date(year, 12, 31))


def _rule_duration(m: re.Match[str], pub: date | None, future: bool) -> _Value:
    if m["n"] is None and not m[0].endswith("s"):
        return _UNKNOWN  # a bare "week" counts nothing
    count = _count(m["n"]) if m["n"] else "X"
    if count is None:
        return _UNKNOWN
    return _Value("duration", duration=_iso_duration(count, m["unit"]))


def _absolute(text: str) -> _Value:
    """A full date no rule reads ("2023-06-02", "06/02/2023"), through dateparser."""
    # dateparser reads a date into almost anything with digits ("2023 1.5" -> Jan 5), and
    # without a year the date would be relative: only date-shaped text with a year goes in.
    if not (_NUMERIC_DATE.fullmatch(text) or _WORDY_DATE.fullmatch(text)):
        return _UNKNOWN
    d = _dateparser_date(text)
    return _Value("day", d, d) if d else _UNKNOWN


@functools.lru_cache(maxsize=4096)
def _dateparser_date(text: str) -> date | None:
    # Slow to import, and most phrases never get here. No stubs ship with dateparser;
    # "unused-ignore" keeps mypy quiet where types-dateparser is installed.
    import dateparser  # type: ignore[import-untyped, unused-ignore]

    settings = {
        # Only whole, explicit dates: the base never shows through, so any base will do.
        "RELATIVE_BASE": datetime(2000, 1, 1),
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["custom-formats", "absolute-time"],
    }
    try:
        with warnings.catch_warnings():
            # Python 3.13+ strptime warns on the year-less formats dateparser tries internally.
            warnings.filterwarnings(
                "ignore", "Parsing dates involving a day of month", DeprecationWarning
            )
            parsed = dateparser.parse(text, settings=settings, languages=["en"])
    # dateparser fails in many ways on odd input; for us a failure is just "unknown".
    except Exception:  # noqa: BLE001
        return None
    # Two-digit years come back as 19xx/20xx guesses: keep only a year written out.
    if not isinstance(parsed, datetime) or f"{parsed.year:04d}" not in text:
        return None
    return parsed.date()


def _day(pub: date | None, offset: int) -> _Value:
    if pub is None:
        return _UNKNOWN
    d = pub + timedelta(days=offset)
    return _Value("day", d, d)


def _add_months(d: date, months: int) -> date:
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def _count(word: str) -> str | None:
    """'3' -> '3', 'three' -> '3', 'twenty-four' -> '24', 'several' -> 'X', 'blue' -> None."""
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return _number(Decimal(word))
    if word in _VAGUE:
        return "X"
    if word in _NUMBERS:
        return str(_NUMBERS[word])
    tens, _, ones = word.partition("-")
    if tens in _TENS and (not ones or (ones in _NUMBERS and 0 < _NUMBERS[ones] < 10)):
        return str(_TENS[tens] + (_NUMBERS[ones] if ones else 0))
    return None


def _number(value: Decimal) -> str:
    """Decimal("3") -> '3', Decimal("1.50") -> '1.5', Decimal("20.0") -> '20'."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _iso_duration(count: str, unit: str) -> str:
    if unit == "decade":
        return "PXDE" if count == "X" else f"P{_number(Decimal(count) * 10)}Y"
    if unit == "fortnight":
        return "PXW" if count == "X" else f"P{_number(Decimal(count) * 2)}W"
    time = unit in ("second", "minute", "hour")
    return ("PT" if time else "P") + count + unit[0].upper()


# Tried in order; the first full match decides.
_RULES: list[tuple[re.Pattern[str], _Rule]] = [
    (
        re.compile(
            r"today|tonight|earlier today|later today|yesterday|day before yesterday|tomorrow"
            r"|day after tomorrow"
        ),
        _rule_day_word,
    ),
    (re.compile(rf"(?:{_MOD} )?(?:(?:early|late) )?{_WD}"), _rule_weekday),
    (re.compile(rf"{_MON} {_DAY}(?: (?:of )?{_YEAR})?"), _rule_month_day),
    (re.compile(rf"{_DAY} (?:of )?{_MON}(?: (?:of )?{_YEAR})?"), _rule_month_day),
    (re.compile(rf"{_PART}(?:{_MON}(?: (?:of )?{_YEAR})?|{_CAL_MONTH})"), _rule_month),
    (re.compile(rf"(?:{_MOD} )?{_MON}(?: (?:of )?{_YEAR})?"), _rule_month),
    # "the year" only after a part: "the end of the year".
    (
        re.compile(rf"{_PART}?(?:(?:year )?{_YEAR}|(?P<rel>this|last|next|(?<= )the) year)"),
        _rule_year,
    ),
    (re.compile(r"(\d{3}0)'?s"), _rule_decade),
    (
        re.compile(r"(?P<when>earlier this|later this|this|last|next) (?P<unit>week|month|year)"),
        _rule_calendar,
    ),
    (re.compile(rf"(?:{_MOD} )?weekend"), _rule_weekend),
    (re.compile(rf"(?:the )?(?P<dir>past|last|next|coming)(?: {_COUNT})? {_UNIT}"), _rule_rolling),
    (re.compile(rf"{_COUNT} {_UNIT} ago"), _rule_ago),
    (re.compile(rf"(?:{_COUNT} )?{_UNIT}(?: straight| in a row| running| long)?"), _rule_duration),
]
