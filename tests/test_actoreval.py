"""claimtrack eval actors: the gold reader, the figures, and the command on the shipped set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtrack import actoreval, lexicons
from claimtrack.cli import main
from test_linking import article

ROOT = Path(__file__).resolve().parents[1]
EVAL_SET = ROOT / "evals" / "actors"
TEXT = "Ukrainian minister Reznikov said the city held. He said troops stayed."


def write_set(tmp_path: Path, sources: list[dict[str, object]], actors: dict[str, object]) -> Path:
    (tmp_path / "texts").mkdir(parents=True)
    (tmp_path / "gold").mkdir()
    (tmp_path / "texts" / "a.txt").write_text(TEXT, encoding="utf-8")
    gold = {"text": "texts/a.txt", "publisher": "P", "conflict": "c", "published": "2024-03-01",
            "actors": actors, "sources": sources}  # fmt: skip
    (tmp_path / "gold" / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


REZNIKOV = {"r": {"name": "Oleksii Reznikov", "kind": "person", "side": "Ukraine"}}
SOURCES = [
    {"start": 19, "end": 27, "text": "Reznikov", "actor": "r"},
    {"start": 48, "end": 50, "text": "He", "actor": "r"},
]


def test_read_gold_checks_offsets_and_actors(tmp_path: Path) -> None:
    good = actoreval.read_gold(write_set(tmp_path / "good", SOURCES, REZNIKOV))
    assert [s.text for s in good[0].sources] == ["Reznikov", "He"]
    assert good[0].article.text == TEXT and str(good[0].article.published) == "2024-03-01"
    shifted = [{**SOURCES[0], "start": 18}]
    with pytest.raises(actoreval.GoldError, match=r"a\.json: source 'Reznikov' at 18-27"):
        actoreval.read_gold(write_set(tmp_path / "shifted", shifted, REZNIKOV))
    unknown = [{**SOURCES[0], "actor": "x"}]
    with pytest.raises(actoreval.GoldError, match="unknown actor 'x'"):
        actoreval.read_gold(write_set(tmp_path / "unknown", unknown, REZNIKOV))
    with pytest.raises(actoreval.GoldError, match="no gold"):
        actoreval.read_gold(tmp_path / "shifted" / "texts")


def test_figures_on_a_hand_built_prediction(tmp_path: Path) -> None:
    gold = actoreval.read_gold(write_set(tmp_path, SOURCES, REZNIKOV))
    # predicted: "Reznikov" (Ukraine) for the first source; "He" is not a source there
    predicted = article(TEXT, [("Reznikov", "person", "Ukrainian", ("minister",), "Reznikov")])
    report = actoreval.score(gold, [predicted], lexicons.load())
    figures = report.figures()
    assert (figures["gold_sources"], figures["found"], figures["source_recall"]) == (2, 1, 0.5)
    assert figures["actor_name_exact"] == 0.0  # "Reznikov" is not "Oleksii Reznikov"
    assert figures["actor_name_alias"] == 1.0  # but the set calls him so
    assert figures["side"] == 1.0 and figures["kind"] == 1.0
    assert report.errors() == ["missed   a: 'He' (48) gold Oleksii Reznikov [Ukraine]"]


@pytest.mark.model
def test_eval_actors_command_on_the_shipped_set() -> None:
    result = CliRunner().invoke(main, ["eval", "actors", "--gold", str(EVAL_SET), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.splitlines()[0])
    assert (figures["articles"], figures["conflicts"]) == (12, 3)
    assert figures["publishers"] >= 3 and figures["gold_sources"] >= 200
    rates = [v for k, v in figures.items() if isinstance(v, float)]
    assert rates and all(0.0 <= v <= 1.0 for v in rates)


def test_eval_actors_on_a_directory_without_gold_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "actors", "--gold", str(tmp_path)])
    assert result.exit_code == 2 and "no gold/*.json" in result.output
