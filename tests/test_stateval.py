"""claimtrack eval statements: the gold reader, the figures, and the command on the shipped set."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimtrack import lexicons, stateval
from claimtrack.cli import main
from claimtrack.records import (
    Analysis,
    Article,
    Attribution,
    Channel,
    Place,
    Span,
    Stamp,
    Stance,
    Statement,
    TimeRef,
)

ROOT = Path(__file__).resolve().parents[1]
EVAL_SET = ROOT / "evals" / "statements"
TEXT = "Petrova said on Friday in Geneva that talks failed. Sokolov told CNN the bridge fell."


def span(phrase: str) -> Span:
    start = TEXT.index(phrase)
    return Span.of(TEXT, start, start + len(phrase))


def gold_statement(cue: str, **fields: Any) -> dict[str, Any]:
    cue_span = span(cue)
    return {
        "cue": {"start": cue_span.start, "end": cue_span.end, "text": cue},
        "source": "",
        "channel": fields.get("channel", {"type": "unknown", "platform": None, "carried_over": False}),
        "time": fields.get("time"),
        "place": fields.get("place"),
    }


def time_gold(phrase: str, precision: str, value: str | None) -> dict[str, Any]:
    s = span(phrase)
    return {"start": s.start, "end": s.end, "text": phrase, "precision": precision, "value": value}


GOLD = [
    gold_statement(
        "said",
        time=time_gold("on Friday", "day", "2024-03-08"),
        place={**time_gold("Geneva", "day", None), "name": "Geneva"},
    ),
    gold_statement("told", channel={"type": "interview", "platform": "CNN", "carried_over": False}),
]


def write_set(tmp_path: Path, statements: list[dict[str, Any]]) -> Path:
    (tmp_path / "texts").mkdir(parents=True)
    (tmp_path / "gold").mkdir()
    (tmp_path / "texts" / "a.txt").write_text(TEXT, encoding="utf-8")
    meta = {"title": "T", "publisher": "P", "url": None, "published": "2024-03-10"}
    (tmp_path / "texts" / "a.json").write_text(json.dumps(meta), encoding="utf-8")
    gold = {"text": "texts/a.txt", "statements": statements}
    (tmp_path / "gold" / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


def predicted(time: TimeRef | None, place: Place | None, channel: Channel) -> Analysis:
    """One predicted statement, on the cue "said"; "told" is missed."""
    article = Article(id="a", text=TEXT, source="a.txt", published=date(2024, 3, 10))
    cue = span("said")
    attribution = Attribution("s1", "a", "indirect", cue, span("Petrova"), (span("talks failed"),))
    statement = Statement(attribution, None, channel, time, place, (), None, Stance("asserts"))
    return Analysis(article, (), (), (statement,), Stamp("0", "m", "0", "x"))


def test_read_gold_checks_offsets_types_and_values(tmp_path: Path) -> None:
    good = stateval.read_gold(write_set(tmp_path / "good", GOLD))
    first = good[0].statements[0]
    assert (first.cue.text, first.time_value, first.place_name) == ("said", "2024-03-08", "Geneva")
    assert good[0].article.published == date(2024, 3, 10)  # from the sidecar
    bad_cases = [
        ({**GOLD[0], "cue": {"start": 7, "end": 11, "text": "said"}}, "cue 'said' at 7-11 does not slice"),
        ({**GOLD[1], "channel": {"type": "fax"}}, "unknown channel type 'fax'"),
        ({**GOLD[0], "time": time_gold("on Friday", "day", "2024-03")}, "does not fit precision 'day'"),
        ({**GOLD[0], "time": time_gold("on Friday", "sometime", None)}, "unknown time precision"),
        ({**GOLD[0], "time": time_gold("on Friday", "unknown", "2024-03-08")}, "does not fit precision 'unknown'"),
    ]
    for k, (bad, message) in enumerate(bad_cases):
        with pytest.raises(stateval.GoldError, match=message):
            stateval.read_gold(write_set(tmp_path / f"bad{k}", [bad]))
    with pytest.raises(stateval.GoldError, match="no gold"):
        stateval.read_gold(tmp_path / "good" / "texts")


def test_figures_on_a_hand_built_prediction(tmp_path: Path) -> None:
    gold = stateval.read_gold(write_set(tmp_path, GOLD))
    # right day, wrong place name, a channel the gold does not have
    friday = TimeRef(span("on Friday"), "day", date(2024, 3, 8), date(2024, 3, 8))
    where = span("in Geneva")
    place = Place(where.start, where.end, where.text, name="Lausanne")
    report = stateval.score(gold, [predicted(friday, place, Channel("statement"))], lexicons.load())
    figures = report.figures()
    assert (figures["gold_statements"], figures["found"], figures["cue_recall"]) == (2, 1, 0.5)
    assert (figures["time_recall"], figures["time_value"], figures["time_precision_label"]) == (1.0, 1.0, 1.0)
    assert (figures["place_recall"], figures["place_name"]) == (1.0, 0.0)
    assert figures["channel_type"] == 0.0 and figures["channel_known_precision"] == 0.0
    assert figures["channel_known_recall"] is None  # the one found statement's gold channel is unknown
    errors = report.errors()
    assert errors[0].startswith("channel  a: 'said' (8)") and "gold unknown/None -> statement/None" in errors[0]
    assert errors[1] == "place    a: 'said' (8) : gold Geneva -> Lausanne"
    assert errors[2] == "missed   a: 'told' (60) "


def test_time_value_formats() -> None:
    s = span("on Friday")
    assert stateval.time_value(TimeRef(s, "day", date(2024, 3, 8), date(2024, 3, 8))) == "2024-03-08"
    assert stateval.time_value(TimeRef(s, "month", date(2024, 3, 1), date(2024, 3, 31))) == "2024-03-01/2024-03-31"
    assert stateval.time_value(TimeRef(s, "duration", duration="PXW")) == "PXW"
    assert stateval.time_value(TimeRef(s, "unknown")) is None
    assert stateval.time_value(None) is None


@pytest.mark.model
def test_eval_statements_command_on_the_shipped_set() -> None:
    result = CliRunner().invoke(main, ["eval", "statements", "--gold", str(EVAL_SET), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.splitlines()[0])
    assert figures["articles"] >= 10 and figures["gold_statements"] >= 60
    rates = [v for k, v in figures.items() if isinstance(v, float)]
    assert rates and all(0.0 <= v <= 1.0 for v in rates)


def test_eval_statements_on_a_directory_without_gold_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "statements", "--gold", str(tmp_path)])
    assert result.exit_code == 2 and "no gold/*.json" in result.output
