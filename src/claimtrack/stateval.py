"""Scoring channel, time and place against a hand-checked set: ``claimtrack eval statements``.

A set is a directory with ``gold/*.json`` (one article each) and the texts they
name (see ``evals/statements/README.md``). Each gold statement gives its cue
span, how it was made (channel type, platform, carried over or not), when
(the time phrase's span, precision and value) and where (the place's span and
name)::

    {"text": "texts/sd-ap-20240301-darfur.txt", "published": "2024-03-01",
     "statements": [{"cue": {"start": 40, "end": 44, "text": "said"},
                     "channel": {"type": "statement", "platform": null, "carried_over": false},
                     "time": {"start": 45, "end": 55, "text": "on Tuesday",
                              "precision": "day", "value": "2024-02-27"},
                     "place": null}]}

Each gold statement is matched to the predicted statement whose cue overlaps
its cue most. Over the statements so found:

- **channel type**: accuracy over all, and over those whose gold channel is
  known; whether a channel is known at all, as precision and recall;
- **platform**: accuracy where the gold or the prediction names one (names
  folded for case and accents);
- **time**: whether a statement has a time, as precision and recall; where
  both have one, the precision ("day", "interval" ...) and the value
  (``YYYY-MM-DD``, ``YYYY-MM-DD/YYYY-MM-DD`` or an ISO 8601 duration);
- **place**: whether a statement has a place, as precision and recall; where
  both have one, the name.

Gold items taken from an earlier sentence (``carried_over``) are counted
separately too, since finding them needs more than the statement's clause.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from claimtrack.actoreval import GoldError, gold_files, render
from claimtrack.ingest import Metadata, as_article
from claimtrack.ledger.linking import fold
from claimtrack.lexicons import Lexicons, without_article
from claimtrack.records import (
    Analysis,
    Article,
    ChannelType,
    Failure,
    Precision,
    Statement,
    TimeRef,
)

__all__ = ["GoldError", "read_gold", "render", "score"]

CHANNEL_TYPES = frozenset(typing.get_args(ChannelType))
PRECISIONS = frozenset(typing.get_args(Precision))
_VALUE = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}$"),
    "interval": re.compile(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$"),
    "month": re.compile(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$"),
    "year": re.compile(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$"),
    "duration": re.compile(r"P(T?[\dX.]+[YMWDHS])+$|P[\dX]+DE$"),
}


@dataclass(frozen=True, slots=True)
class GoldSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class GoldStatement:
    cue: GoldSpan
    source: str
    channel_type: str
    platform: str | None
    carried_over: bool
    time: GoldSpan | None
    time_precision: str | None
    time_value: str | None
    place: GoldSpan | None
    place_name: str | None


@dataclass(frozen=True)
class GoldArticle:
    name: str
    article: Article
    statements: tuple[GoldStatement, ...]


def read_gold(directory: str | Path) -> list[GoldArticle]:
    """Every ``gold/*.json`` of a set, sorted by name; raises GoldError naming the bad file."""
    root = Path(directory)
    return [_read_one(root, path) for path in gold_files(root, "a statement")]


def _read_one(root: Path, path: Path) -> GoldArticle:
    try:
        data, text, metadata = read_gold_file(root, path)
        statements = tuple(_statement(s, text) for s in data["statements"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise GoldError(f"{path}: cannot read gold ({type(err).__name__}: {err})") from None
    return GoldArticle(path.stem, as_article(text, str(root / data["text"]), metadata), statements)


def read_gold_file(root: Path, path: Path) -> tuple[dict[str, Any], str, Metadata]:
    """A gold file's data, the text it names (relative to ``root``, read as written), and the
    metadata of the text's sidecar ``.json``, with the gold's ``published`` first."""
    data = json.loads(path.read_text(encoding="utf-8"))
    text_path = root / data["text"]
    with text_path.open(encoding="utf-8", newline="") as fh:
        text = fh.read()
    side = text_path.with_suffix(".json")
    meta = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
    published = data.get("published") or meta.get("published")
    metadata = Metadata(
        title=meta.get("title") or text.split("\n", 1)[0],
        publisher=meta.get("publisher"),
        url=meta.get("url"),
        published=date.fromisoformat(published) if published else None,
    )
    return data, text, metadata


def _span(data: dict[str, Any] | None, text: str, what: str) -> GoldSpan | None:
    if data is None:
        return None
    span = GoldSpan(int(data["start"]), int(data["end"]), str(data["text"]))
    if text[span.start : span.end] != span.text:
        raise ValueError(f"{what} {span.text!r} at {span.start}-{span.end} does not slice the text")
    return span


def _statement(data: dict[str, Any], text: str) -> GoldStatement:
    cue = _span(data["cue"], text, "cue")
    assert cue is not None
    channel = data["channel"]
    if channel["type"] not in CHANNEL_TYPES:
        raise ValueError(f"cue at {cue.start}: unknown channel type {channel['type']!r}")
    time, place = data.get("time"), data.get("place")
    precision = value = None
    if time is not None:
        precision, value = time["precision"], time.get("value")
        if precision not in PRECISIONS:
            raise ValueError(f"cue at {cue.start}: unknown time precision {precision!r}")
        if (
            (value is None) != (precision == "unknown")
            or value
            and not _VALUE[precision].match(value)
        ):
            raise ValueError(
                f"cue at {cue.start}: time value {value!r} does not fit precision {precision!r}"
            )
    return GoldStatement(
        cue=cue,
        source=str(data.get("source") or ""),
        channel_type=channel["type"],
        platform=channel.get("platform"),
        carried_over=bool(channel.get("carried_over")),
        time=_span(time, text, "time"),
        time_precision=precision,
        time_value=value,
        place=_span(place, text, "place"),
        place_name=place.get("name") or place["text"] if place else None,
    )


def time_value(time: TimeRef | None) -> str | None:
    """A TimeRef's value as the gold writes it: a day, a start/end range or a duration."""
    if time is None or time.precision == "unknown":
        return None
    if time.precision == "duration":
        return time.duration
    if time.start is None:
        return None
    if time.precision == "day" and time.end in (None, time.start):
        return time.start.isoformat()
    return f"{time.start.isoformat()}/{(time.end or time.start).isoformat()}"


@dataclass
class Match:
    """One gold statement and the predicted statement matched to it (None: missed)."""

    article: str
    gold: GoldStatement
    statement: Statement | None = None


@dataclass
class Report:
    lex: Lexicons
    articles: int = 0
    failed: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)

    @property
    def found(self) -> list[Match]:
        return [m for m in self.matches if m.statement is not None]

    def figures(self) -> dict[str, Any]:
        found = self.found
        n = len(found)
        known = [m for m in found if m.gold.channel_type != "unknown"]
        with_platform = [m for m in found if m.gold.platform or self._platform(m)]
        carried = [m for m in found if m.gold.carried_over]
        both_time = [m for m in found if m.gold.time and _pred(m).time]
        both_place = [m for m in found if m.gold.place and _pred(m).place]
        cp, cr = _presence(
            found,
            lambda m: m.gold.channel_type != "unknown",
            lambda m: _pred(m).channel.type != "unknown",
        )
        tp_, tr = _presence(
            found, lambda m: m.gold.time is not None, lambda m: _pred(m).time is not None
        )
        pp, pr = _presence(
            found, lambda m: m.gold.place is not None, lambda m: _pred(m).place is not None
        )
        return {
            "articles": self.articles,
            "failed": len(self.failed),
            "gold_statements": len(self.matches),
            "found": n,
            "cue_recall": _rate((True for _ in found), len(self.matches)),
            "channel_type": _rate((_channel_ok(m) for m in found), n),
            "channel_type_where_gold_known": _rate((_channel_ok(m) for m in known), len(known)),
            "channel_known_precision": cp,
            "channel_known_recall": cr,
            "gold_channels_known": len(known),
            "platform": _rate((self._platform_ok(m) for m in with_platform), len(with_platform)),
            "gold_carried_over": len(carried),
            "carried_over_channel": _rate((_channel_ok(m) for m in carried), len(carried)),
            "time_precision_of_presence": tp_,
            "time_recall": tr,
            "gold_times": sum(m.gold.time is not None for m in found),
            "time_precision_label": _rate(
                (_time_precision(m) == m.gold.time_precision for m in both_time), len(both_time)
            ),
            "time_value": _rate(
                (time_value(_pred(m).time) == m.gold.time_value for m in both_time), len(both_time)
            ),
            "place_precision": pp,
            "place_recall": pr,
            "gold_places": sum(m.gold.place is not None for m in found),
            "place_name": _rate((self._place_ok(m) for m in both_place), len(both_place)),
        }

    def _platform(self, m: Match) -> str | None:
        return _pred(m).channel.platform

    def _platform_ok(self, m: Match) -> bool:
        pred, gold = self._platform(m), m.gold.platform
        if pred is None or gold is None:
            return pred == gold
        canon = self.lex.platforms.get
        return fold(canon(pred.lower(), pred)) == fold(canon(gold.lower(), gold))

    def _place_ok(self, m: Match) -> bool:
        place = _pred(m).place
        return place is not None and _place_key(place.name) == _place_key(m.gold.place_name or "")

    def errors(self) -> list[str]:
        """One line per gold statement missed, or found with a wrong channel, time or place."""
        out = []
        for m in self.matches:
            g = m.gold
            where = f"{m.article}: {g.cue.text!r} ({g.cue.start}) {g.source}"
            if m.statement is None:
                out.append(f"missed   {where}")
                continue
            st = m.statement
            if not _channel_ok(m) or not self._platform_ok(m):
                carried = " (carried)" if g.carried_over else ""
                out.append(f"channel  {where}: gold {g.channel_type}/{g.platform}{carried}"
                           f" -> {st.channel.type}/{st.channel.platform}")  # fmt: skip
            gold_time = f"{g.time.text!r} {g.time_precision} {g.time_value}" if g.time else "none"
            pred_time = (
                f"{st.time.span.text!r} {st.time.precision} {time_value(st.time)}"
                if st.time
                else "none"
            )
            if (
                (g.time is None) != (st.time is None)
                or st.time
                and (st.time.precision != g.time_precision or time_value(st.time) != g.time_value)
            ):
                out.append(f"time     {where}: gold {gold_time} -> {pred_time}")
            if (g.place is None) != (st.place is None) or st.place and not self._place_ok(m):
                pred_place = st.place.name if st.place else "none"
                out.append(f"place    {where}: gold {g.place_name or 'none'} -> {pred_place}")
        return out


def _pred(m: Match) -> Statement:
    assert m.statement is not None
    return m.statement


def _time_precision(m: Match) -> str | None:
    time = _pred(m).time
    return None if time is None else time.precision


def _channel_ok(m: Match) -> bool:
    return _pred(m).channel.type == m.gold.channel_type


def _place_key(name: str) -> str:
    return fold(without_article(name))


def _rate(hits: Iterable[bool], total: int) -> float | None:
    return round(sum(hits) / total, 3) if total else None


def _presence(
    found: Sequence[Match],
    gold: typing.Callable[[Match], bool],
    pred: typing.Callable[[Match], bool],
) -> tuple[float | None, float | None]:
    """Precision and recall of "has one" (a known channel, a time, a place)."""
    both = sum(gold(m) and pred(m) for m in found)
    predicted = sum(pred(m) for m in found)
    wanted = sum(gold(m) for m in found)
    return (
        round(both / predicted, 3) if predicted else None,
        round(both / wanted, 3) if wanted else None,
    )


def score(
    gold: Sequence[GoldArticle], results: Sequence[Analysis | Failure], lex: Lexicons
) -> Report:
    """Match every gold statement to the prediction whose cue overlaps it most."""
    report = Report(lex, articles=len(gold))
    for g, result in zip(gold, results, strict=True):
        if isinstance(result, Failure):
            report.failed.append(str(result))
        for s in g.statements:
            match = Match(g.name, s)
            if isinstance(result, Analysis):
                match.statement = _best(s, result.statements)
            report.matches.append(match)
    return report


def _best(gold: GoldStatement, statements: Sequence[Statement]) -> Statement | None:
    return best_by_cue(gold.cue.start, gold.cue.end, statements)


def best_by_cue(start: int, end: int, statements: Sequence[Statement]) -> Statement | None:
    """The statement whose cue overlaps [start, end) most, or None when none does."""
    best, overlap = None, 0
    for st in statements:
        cue = st.attribution.cue
        shared = min(cue.end, end) - max(cue.start, start)
        if shared > overlap:
            best, overlap = st, shared
    return best
