"""PolNeAR evaluation: raw reading, metadata, prediction lines, and ``claimtrack eval polnear``.

The split is built in tmp_path in PolNeAR's own layout (text/, attributions/ in
brat standoff as the corpus writes it, metadata.tsv one level up). The scorer is
the team's fixed script in ../shared/bench, run as is; tests that need it skip
when it is absent.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from spacy.language import Language

from claimtrack import polnear
from claimtrack.cli import main
from claimtrack.lexicons import Lexicons
from claimtrack.records import (
    Analysis,
    Article,
    Attribution,
    Channel,
    Failure,
    Span,
    Stamp,
    Stance,
    Statement,
)
from conftest import assert_spans_match

SCORER = Path(__file__).resolve().parents[2] / "shared" / "bench" / "polnear_score.py"

MAYOR = "mayor_2016-09-12_bridge"
MAYOR_TEXT = "The mayor said the bridge will reopen in May.\n"
# Leading blank line and spaces, a decomposed "é" (not NFC) and trailing blank lines:
# ingest would strip and normalise all of these, moving every offset after them.
RUIZ = "ruiz_2016-09-13_vote"
RUIZ_TEXT = "\n  Jose\u0301 Ruiz said the vote was fair.\n\n"

METADATA = (
    "compartment\tfilename\tlevel\tannotators\tpublisher\tpublication_date\tauthor\ttitle\n"
    f"dev\t{MAYOR}\t4\tef2d\tcity-news\t2016-09-12\tStaff\tBridge to Reopen\n"
)


def ann(text: str, source: str, cue: str, content: str) -> str:
    """A brat .ann file as PolNeAR writes it: T lines for the roles and the trigger, one E line."""
    s, c, t = text.index(source), text.index(cue), text.index(content)
    lines = [
        f"T1\tSource {s} {s + len(source)}\t{source}",
        f"T2\tCue {c} {c + len(cue)}\t{cue}",
        f"T3\tContent {t} {t + len(content)}\t{content}",
        f"T4\tAttribution {c} {c + len(cue)}\t{cue}",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture()
def split(tmp_path: Path) -> Path:
    """tmp/polnear/{metadata.tsv, dev/text/*.txt, dev/attributions/*_ANNOTATOR.ann}."""
    root = tmp_path / "polnear"
    dev = root / "dev"
    (dev / "text").mkdir(parents=True)
    (dev / "attributions").mkdir()
    (root / "metadata.tsv").write_text(METADATA, encoding="utf-8")
    for name, text, roles, annotator in [
        (MAYOR, MAYOR_TEXT, ("The mayor", "said", "the bridge will reopen in May"), "ef2d"),
        (RUIZ, RUIZ_TEXT, ("Jose\u0301 Ruiz", "said", "the vote was fair"), "4e07"),
    ]:
        # write bytes: no newline translation, no normalisation on the way to disk
        (dev / "text" / f"{name}.txt").write_bytes(text.encode("utf-8"))
        (dev / "attributions" / f"{name}_{annotator}.ann").write_bytes(
            ann(text, *roles).encode("utf-8")
        )
    return dev


@pytest.fixture()
def scorer() -> Path:
    if not SCORER.is_file():
        pytest.skip(f"scorer not found at {SCORER}")
    return SCORER


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def no_crash(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stderr


def stub_scorer(tmp_path: Path, body: str) -> Path:
    """A stand-in scorer script (for exit codes and plumbing, not for scores)."""
    path = tmp_path / "stub_score.py"
    path.write_text("import sys\n" + body + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- reading


def test_read_split_keeps_raw_text_and_offsets(split: Path) -> None:
    items = dict(polnear.read_split(split))
    assert list(items) == [MAYOR, RUIZ]  # sorted by name
    article = items[RUIZ]
    assert isinstance(article, Article)
    assert article.text == RUIZ_TEXT
    assert len(article.text) == len(RUIZ_TEXT) == 39
    assert article.text.startswith("\n  Jose\u0301") and article.text.endswith(".\n\n")
    assert article.id == hashlib.sha256(RUIZ_TEXT.encode("utf-8")).hexdigest()
    assert article.source == str(split / "text" / f"{RUIZ}.txt")
    gold = (split / "attributions" / f"{RUIZ}_4e07.ann").read_text("utf-8").splitlines()[0]
    start, end = (int(n) for n in gold.split("\t")[1].split()[1:])
    assert article.text[start:end] == "Jose\u0301 Ruiz"


def test_read_split_takes_metadata_from_parent(split: Path) -> None:
    items = dict(polnear.read_split(split))
    mayor, ruiz = items[MAYOR], items[RUIZ]
    assert isinstance(mayor, Article) and isinstance(ruiz, Article)
    assert mayor.published == date(2016, 9, 12)
    assert mayor.publisher == "city-news"
    assert mayor.title == "Bridge to Reopen"
    assert ruiz.published is None and ruiz.title is None  # no metadata row: no date


def test_metadata_in_the_split_directory_wins(split: Path) -> None:
    later = METADATA.replace("\t2016-09-12\t", "\t2016-10-01\t")
    (split / "metadata.tsv").write_text(later, "utf-8")
    assert polnear.find_metadata(split) == split / "metadata.tsv"
    mayor = dict(polnear.read_split(split))[MAYOR]
    assert isinstance(mayor, Article) and mayor.published == date(2016, 10, 1)


def test_read_split_without_metadata_has_no_dates(split: Path) -> None:
    (split.parent / "metadata.tsv").unlink()
    assert polnear.find_metadata(split) is None
    items = polnear.read_split(split)
    assert all(isinstance(a, Article) and a.published is None for _, a in items)


def test_read_split_limit_takes_first_names(split: Path) -> None:
    assert [name for name, _ in polnear.read_split(split, limit=1)] == [MAYOR]


def test_read_split_non_utf8_text_is_a_failure(split: Path) -> None:
    (split / "text" / "zz_latin1.txt").write_bytes("caf\xe9 said no\n".encode("latin-1"))
    items = dict(polnear.read_split(split))
    assert isinstance(items["zz_latin1"], Failure)
    assert "zz_latin1.txt" in str(items["zz_latin1"])


@pytest.mark.parametrize("sub", ["text", "attributions"])
def test_check_split_needs_both_subdirectories(split: Path, sub: str) -> None:
    (split / sub).rename(split / f"{sub}.old")
    with pytest.raises(polnear.SplitError, match=f"no {sub}/"):
        polnear.read_split(split)


def test_find_scorer_two_levels_up(tmp_path: Path, split: Path) -> None:
    assert polnear.find_scorer(split) is None
    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "polnear_score.py").write_text("", "utf-8")
    assert polnear.find_scorer(split) == (bench / "polnear_score.py").resolve()


def test_subset_split_copies_only_named_articles(split: Path, tmp_path: Path) -> None:
    out = polnear.subset_split(split, [RUIZ], tmp_path / "subset")
    assert sorted(p.name for p in (out / "text").iterdir()) == [f"{RUIZ}.txt"]
    assert sorted(p.name for p in (out / "attributions").iterdir()) == [f"{RUIZ}_4e07.ann"]
    assert (out / "text" / f"{RUIZ}.txt").read_bytes() == RUIZ_TEXT.encode("utf-8")


# ---------------------------------------------------------------------------- predictions


def hand_analysis(text: str, source: Span | None, cue: Span, content: tuple[Span, ...]) -> Analysis:
    article = Article(id="a", text=text, source="a.txt")
    attribution = Attribution("s1", "a", "indirect", cue, source, content)
    statement = Statement(
        attribution, None, Channel("unknown"), None, None, (), None, Stance("asserts")
    )
    return Analysis(article, (), (), (statement,), Stamp("0", "m", "0", "x"))


def test_prediction_line_from_hand_built_analysis() -> None:
    text = MAYOR_TEXT
    analysis = hand_analysis(
        text,
        Span.of(text, 0, 9),
        Span.of(text, 10, 14),
        (Span.of(text, 15, 25), Span.of(text, 26, 44)),
    )
    assert polnear.prediction_line(MAYOR, analysis) == {
        "doc": MAYOR,
        "attributions": [{"source": [[0, 9]], "cue": [[10, 14]], "content": [[15, 25], [26, 44]]}],
    }


def test_prediction_line_without_source_and_for_a_failure() -> None:
    text = MAYOR_TEXT
    analysis = hand_analysis(text, None, Span.of(text, 10, 14), (Span.of(text, 15, 44),))
    [attr] = polnear.prediction_line("x", analysis)["attributions"]
    assert attr["source"] == []
    failure = Failure("x.txt", "analyze", "boom")
    assert polnear.prediction_line("x", failure) == {"doc": "x", "attributions": []}


def test_write_predictions_counts_failures(tmp_path: Path) -> None:
    analysis = hand_analysis(MAYOR_TEXT, None, Span.of(MAYOR_TEXT, 10, 14), ())
    path = tmp_path / "pred.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        failed = polnear.write_predictions(
            [("a", analysis), ("b", Failure("b.txt", "analyze", "boom"))], handle
        )
    assert failed == 1
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert [line["doc"] for line in lines] == ["a", "b"]
    assert lines[1]["attributions"] == []


@pytest.mark.model
def test_prediction_spans_slice_the_raw_text(split: Path, nlp: Language, lex: Lexicons) -> None:
    items = polnear.read_split(split)
    results = list(polnear.predict(items, nlp, lex))
    assert [name for name, _ in results] == [MAYOR, RUIZ]
    n_statements = 0
    for name, result in results:
        assert isinstance(result, Analysis), result
        assert_spans_match(result)
        text = result.article.text
        line = polnear.prediction_line(name, result)
        assert line["doc"] == name
        assert len(line["attributions"]) == len(result.statements)
        for predicted, statement in zip(line["attributions"], result.statements, strict=True):
            attr = statement.attribution
            [[cs, ce]] = predicted["cue"]
            assert text[cs:ce] == attr.cue.text
            assert [text[s:e] for s, e in predicted["content"]] == [c.text for c in attr.content]
            sources = [text[s:e] for s, e in predicted["source"]]
            assert sources == ([attr.source.text] if attr.source else [])
            n_statements += 1
    assert n_statements >= 2
    mayor = dict(results)[MAYOR]
    assert isinstance(mayor, Analysis)
    assert [s.attribution.cue.text for s in mayor.statements] == ["said"]


# ---------------------------------------------------------------------------- the command


@pytest.mark.model
def test_eval_prints_the_scorers_table(split: Path, scorer: Path) -> None:
    result = run("eval", "polnear", "--gold", str(split), "--scorer", str(scorer))
    no_crash(result)
    assert result.exit_code == 0, result.stderr
    assert "attribution  exact" in result.stdout
    assert "(2 of 2 articles present" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("content_overlap_f1=")
    assert "2 of 2 articles analysed" in result.stderr


@pytest.mark.model
def test_eval_out_keeps_predictions_and_json(split: Path, scorer: Path, tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    result = run("eval", "polnear", "--gold", str(split), "--scorer", str(scorer),
                 "--out", str(out), "--json", "--quiet")
    no_crash(result)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    figures = json.loads(result.stdout.splitlines()[0])
    assert figures["articles"] == figures["articles_with_predictions"] == 2
    assert figures["metrics"]["cue_exact"]["gold_den"] == 2
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [line["doc"] for line in lines] == [MAYOR, RUIZ]
    for line in lines:
        text = (split / "text" / f"{line['doc']}.txt").read_bytes().decode("utf-8")
        for attr in line["attributions"]:
            assert all(0 <= s < e <= len(text) for s, e in attr["cue"] + attr["content"])


@pytest.mark.model
def test_eval_limit_scores_only_the_first_articles(split: Path, scorer: Path) -> None:
    result = run("eval", "polnear", "--gold", str(split), "--scorer", str(scorer), "--limit", "1")
    assert result.exit_code == 0, result.stderr
    assert "(1 articles, 1 attributions" in result.stdout
    assert "(1 of 1 articles present" in result.stdout


@pytest.mark.model
def test_eval_finds_scorer_two_levels_up(split: Path, tmp_path: Path) -> None:
    (tmp_path / "bench").mkdir()
    stub = tmp_path / "bench" / "polnear_score.py"
    stub.write_text("import sys\nprint('stub table', sys.argv[1:3])\n", "utf-8")
    result = run("eval", "polnear", "--gold", str(split))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("stub table ['--gold',")


@pytest.mark.model
def test_eval_scorer_failure_exits_1(split: Path, tmp_path: Path) -> None:
    stub = stub_scorer(tmp_path, "print('error: bad predictions', file=sys.stderr)\nsys.exit(2)")
    result = run("eval", "polnear", "--gold", str(split), "--scorer", str(stub))
    no_crash(result)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "exited with status 2: error: bad predictions" in result.stderr


@pytest.mark.model
def test_eval_unreadable_article_predicts_nothing_and_exits_1(split: Path, tmp_path: Path) -> None:
    (split / "text" / "zz_latin1.txt").write_bytes("caf\xe9 said no\n".encode("latin-1"))
    stub = stub_scorer(tmp_path, "print('table')")
    out = tmp_path / "pred.jsonl"
    result = run("eval", "polnear", "--gold", str(split), "--scorer", str(stub), "--out", str(out))
    no_crash(result)
    assert result.exit_code == 1
    assert result.stdout == "table\n"
    errors = [line for line in result.stderr.splitlines() if "zz_latin1" in line]
    assert len(errors) == 1 and errors[0].startswith("claimtrack: ")
    lines = {d["doc"]: d for d in map(json.loads, out.read_text("utf-8").splitlines())}
    assert lines["zz_latin1"]["attributions"] == []
    assert lines[MAYOR]["attributions"]


# ---------------------------------------------------------------------------- usage errors


def assert_usage_error(result: Result, *words: str) -> None:
    no_crash(result)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_missing_gold_dir_is_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = run("eval", "polnear", "--gold", str(missing), "--scorer", sys.executable)
    assert_usage_error(result, str(missing))
    assert result.stderr.startswith("claimtrack: ") and len(result.stderr.splitlines()) == 1


def test_gold_dir_without_text_is_usage_error_before_the_model(tmp_path: Path) -> None:
    result = run("eval", "polnear", "--gold", str(tmp_path), "--model", "no_such_model_xyz")
    assert_usage_error(result, "text/", "not a PolNeAR split")
    assert "no_such_model_xyz" not in result.stderr


def test_missing_scorer_is_usage_error(split: Path) -> None:
    result = run("eval", "polnear", "--gold", str(split), "--model", "no_such_model_xyz")
    assert_usage_error(result, "--scorer", "polnear_score.py")


def test_scorer_path_that_does_not_exist_is_usage_error(split: Path, tmp_path: Path) -> None:
    result = run("eval", "polnear", "--gold", str(split), "--scorer", str(tmp_path / "x.py"))
    assert_usage_error(result, "--scorer")


def test_missing_model_is_usage_error(split: Path, tmp_path: Path) -> None:
    stub = stub_scorer(tmp_path, "print('table')")
    result = run("eval", "polnear", "--gold", str(split), "--scorer", str(stub),
                 "--model", "no_such_model_xyz")
    assert_usage_error(result, "no_such_model_xyz", "not installed")


@pytest.mark.parametrize("command", [["eval"], ["eval", "polnear"]])
def test_help_has_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "claimtrack eval polnear --gold" in result.stdout
