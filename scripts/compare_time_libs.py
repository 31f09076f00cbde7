"""Compare claimtrack's time normalisation with date libraries on the gold time phrases.

Reads every statement time of a statement evaluation set (``evals/statements``)
and resolves its words against the article's publication date with:

- ``claimtrack``: ``claimtrack.temporal.normalize_time`` (rules, dateparser fallback);
- ``dateparser``: ``dateparser.parse`` with RELATIVE_BASE and PREFER_DATES_FROM=past;
- ``ctparse``: ``ctparse.ctparse`` with ``ts`` the publication date, if installed;
- ``parsedatetime``: ``Calendar.parseDT`` with ``sourceTime``, if installed.

A library's answer is right when it gives the gold value: the day for precision
``day``, the first and last day for ``interval``/``month``/``year``, the ISO
duration for ``duration`` (only claimtrack returns ranges and durations; the
others give one moment, right only for days). It prints one row per library:
right, answered, total, and the mean time per phrase, uncached.

    python scripts/compare_time_libs.py evals/statements
    PYTHONPATH=/tmp/timelibs python scripts/compare_time_libs.py evals/statements   # with ctparse etc.

The libraries are not claimtrack dependencies; install them where you like.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from claimtrack import stateval, temporal
from claimtrack.records import Span

Resolver = Callable[[str, date], str | None]


def claimtrack_value(text: str, published: date) -> str | None:
    temporal._resolve.cache_clear()  # time it uncached, like the others
    return stateval.time_value(temporal.normalize_time(Span(0, len(text), text), published))


def dateparser_value(text: str, published: date) -> str | None:
    import dateparser

    base = datetime(published.year, published.month, published.day, 12)
    found = dateparser.parse(text, settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})
    return found.date().isoformat() if found else None


def ctparse_value(text: str, published: date) -> str | None:
    from ctparse import ctparse
    from ctparse.types import Interval, Time

    base = datetime(published.year, published.month, published.day, 12)
    parsed = ctparse(text, ts=base, timeout=1)
    if parsed is None:
        return None
    res = parsed.resolution
    if isinstance(res, Time) and res.year and res.month and res.day:
        return date(res.year, res.month, res.day).isoformat()
    if isinstance(res, Interval) and res.t_from and res.t_to and res.t_from.year and res.t_to.year:
        start = date(res.t_from.year, res.t_from.month or 1, res.t_from.day or 1)
        end = date(res.t_to.year, res.t_to.month or 12, res.t_to.day or 28)
        return f"{start.isoformat()}/{end.isoformat()}"
    return None


def parsedatetime_value(text: str, published: date) -> str | None:
    import parsedatetime

    base = datetime(published.year, published.month, published.day, 12)
    found, status = parsedatetime.Calendar().parseDT(text, sourceTime=base)
    return found.date().isoformat() if status else None


def main(root: str) -> None:
    phrases: list[tuple[str, date, str | None]] = []
    for gold in stateval.read_gold(root):
        published = gold.article.published
        for st in gold.statements:
            if st.time is not None and published is not None:
                phrases.append((st.time.text, published, st.time_value))
    resolvers: dict[str, Resolver] = {
        "claimtrack": claimtrack_value,
        "dateparser": dateparser_value,
        "ctparse": ctparse_value,
        "parsedatetime": parsedatetime_value,
    }
    print(f"{len(phrases)} gold time phrases from {root}")
    print(f"{'library':<14} {'right':>5} {'answered':>8} {'total':>5} {'ms/phrase':>9}")
    for name, resolve in resolvers.items():
        try:
            resolve("on Friday", date(2024, 3, 10))  # import and warm up
        except ImportError:
            print(f"{name:<14} not installed")
            continue
        right = answered = 0
        start = time.perf_counter()
        for text, published, gold in phrases:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = resolve(text, published)
            answered += value is not None
            right += value == gold
        ms = (time.perf_counter() - start) * 1000 / max(len(phrases), 1)
        print(f"{name:<14} {right:>5} {answered:>8} {len(phrases):>5} {ms:>9.2f}")


if __name__ == "__main__":
    main(
        sys.argv[1]
        if len(sys.argv) > 1
        else str(Path(__file__).resolve().parents[1] / "evals" / "statements")
    )
