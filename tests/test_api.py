"""The public Python API: exported names, ``analyze`` and ``analyze_sources``."""

from __future__ import annotations

import importlib.metadata
import io
import json
import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import pytest

import claimtrack
from claimtrack import output
from conftest import SEED, SEED_PUBLISHED, assert_spans_match

TEXT = "Russian forces do not control the city, the minister said on Friday."
# Same length and same cue offset as TEXT, different words: ids must still differ.
OTHER_TEXT = "Russian forces do not control the town, the minister said on Friday."


# ---------------------------------------------------------------------------- exports


def test_all_names_exist() -> None:
    assert len(claimtrack.__all__) == len(set(claimtrack.__all__))
    for name in claimtrack.__all__:
        assert hasattr(claimtrack, name), name


def test_all_public_attributes_are_exported() -> None:
    """Every public name of the package, other than submodules, is in ``__all__``.

    ``from __future__ import annotations`` binds a compiler-directive object named
    ``annotations``; it is not API, so it is left out here.
    """
    public = {
        name
        for name, value in vars(claimtrack).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and type(value).__module__ != "__future__"
    }
    exported = {name for name in claimtrack.__all__ if not name.startswith("_")}
    assert public == exported


def test_version_matches_package_metadata() -> None:
    assert claimtrack.__version__ == importlib.metadata.version("claimtrack")


def test_error_tree() -> None:
    for name in ("InputError", "ModelError", "LedgerError"):
        assert issubclass(getattr(claimtrack, name), claimtrack.ClaimtrackError)
    for name in ("DecodeError", "EmptyInputError", "InputTooLargeError", "MalformedInputError"):
        assert issubclass(getattr(claimtrack, name), claimtrack.InputError)
    assert issubclass(claimtrack.SchemaVersionError, claimtrack.LedgerError)


# ---------------------------------------------------------------------------- analyze


@pytest.fixture(scope="module")
def analysis() -> claimtrack.Analysis:
    return claimtrack.analyze(TEXT, published="2023-06-04", source="t.txt")


@pytest.mark.model
def test_analyze_returns_typed_records(analysis: claimtrack.Analysis) -> None:
    assert isinstance(analysis, claimtrack.Analysis)
    assert analysis.schema_version == claimtrack.SCHEMA_VERSION == "claimtrack/1"

    article = analysis.article
    assert isinstance(article, claimtrack.Article)
    assert article.text == TEXT
    assert article.source == "t.txt"
    assert article.published == date(2023, 6, 4)

    assert isinstance(analysis.stamp, claimtrack.Stamp)
    assert analysis.stamp.claimtrack_version == claimtrack.__version__

    [statement] = analysis.statements
    assert isinstance(statement, claimtrack.Statement)
    attr = statement.attribution
    assert isinstance(attr, claimtrack.Attribution)
    assert attr.article_id == article.id
    assert isinstance(attr.cue, claimtrack.Span)
    assert attr.cue.text == "said"
    assert attr.source is not None and attr.source.text == "the minister"
    assert [span.text for span in attr.content] == ["Russian forces do not control the city"]
    assert isinstance(statement.channel, claimtrack.Channel)
    assert isinstance(statement.stance, claimtrack.Stance)

    time = statement.time
    assert isinstance(time, claimtrack.TimeRef)
    assert time.span.text == "on Friday"
    assert time.precision == "day"
    assert time.start == time.end == date(2023, 6, 2)

    assert all(isinstance(actor, claimtrack.Actor) for actor in analysis.actors)
    assert statement.actor_id in {actor.actor_id for actor in analysis.actors}
    assert assert_spans_match(analysis) >= 3


@pytest.mark.model
def test_analyze_published_accepts_a_date(analysis: claimtrack.Analysis) -> None:
    as_date = claimtrack.analyze(TEXT, published=date(2023, 6, 4), source="t.txt")
    assert as_date.article.published == date(2023, 6, 4)
    assert as_date == analysis


@pytest.mark.model
def test_analyze_without_published_leaves_weekdays_unresolved() -> None:
    [statement] = claimtrack.analyze(TEXT).statements
    assert statement.time is not None
    assert statement.time.precision == "unknown"
    assert statement.time.start is None and statement.time.end is None


def test_analyze_bad_published_string_raises_input_error() -> None:
    with pytest.raises(claimtrack.InputError, match="June 4, 2023"):
        claimtrack.analyze(TEXT, published="June 4, 2023", source="t.txt")


@pytest.mark.parametrize("text", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_analyze_empty_text_raises_naming_the_source(text: str) -> None:
    with pytest.raises(claimtrack.EmptyInputError) as info:
        claimtrack.analyze(text, published="2023-06-04", source="notes/empty.txt")
    assert isinstance(info.value, claimtrack.InputError)
    assert info.value.source == "notes/empty.txt"
    assert "notes/empty.txt" in str(info.value)


def test_analyze_missing_model_raises_model_error() -> None:
    with pytest.raises(claimtrack.ModelError, match="no_such_model_xyz") as info:
        claimtrack.analyze(TEXT, model="no_such_model_xyz")
    assert "not installed" in str(info.value)
    assert isinstance(info.value, claimtrack.ClaimtrackError)


@pytest.mark.model
def test_statement_ids_are_stable(analysis: claimtrack.Analysis) -> None:
    again = claimtrack.analyze(TEXT, published="2023-06-04", source="elsewhere.txt")
    ids = [st.id for st in analysis.statements]
    assert ids and ids == [st.id for st in again.statements]
    assert again.article.id == analysis.article.id
    assert all(st.id == st.attribution.id for st in analysis.statements)


@pytest.mark.model
def test_statement_ids_are_stable_across_processes(analysis: claimtrack.Analysis) -> None:
    """Ids are content hashes, not ``hash()`` (randomised per process)."""
    code = (
        "import sys, claimtrack; "
        "r = claimtrack.analyze(sys.stdin.read(), published='2023-06-04'); "
        "print(' '.join(s.id for s in r.statements))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=TEXT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.split() == [st.id for st in analysis.statements]


@pytest.mark.model
def test_statement_ids_differ_between_texts(analysis: claimtrack.Analysis) -> None:
    other = claimtrack.analyze(OTHER_TEXT, published="2023-06-04", source="t.txt")
    assert other.statements
    assert other.statements[0].attribution.cue == analysis.statements[0].attribution.cue
    assert other.article.id != analysis.article.id
    assert {st.id for st in other.statements}.isdisjoint(st.id for st in analysis.statements)


# ---------------------------------------------------------------------------- analyze_sources


@pytest.fixture()
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "a_good.txt"
    good.write_text(TEXT + "\n", encoding="utf-8")
    bad = tmp_path / "b_bad.txt"
    bad.write_bytes(b"")
    return good, bad


@pytest.mark.model
def test_analyze_sources_keeps_going_in_input_order(two_files: tuple[Path, Path]) -> None:
    good, bad = two_files
    results = list(claimtrack.analyze_sources([str(bad), str(good)], published="2023-06-04"))
    assert [type(r) for r in results] == [claimtrack.Failure, claimtrack.Analysis]
    failure, result = results
    assert isinstance(failure, claimtrack.Failure) and isinstance(result, claimtrack.Analysis)
    assert failure.source == str(bad)
    assert failure.stage == "ingest"
    assert str(bad) in str(failure)
    assert result.article.source == str(good)
    assert result.article.published == date(2023, 6, 4)
    assert [st.attribution.cue.text for st in result.statements] == ["said"]


@pytest.mark.model
def test_analyze_sources_over_a_directory(two_files: tuple[Path, Path]) -> None:
    good, bad = two_files
    results = list(claimtrack.analyze_sources([str(good.parent)], published=date(2023, 6, 4)))
    assert [type(r) for r in results] == [claimtrack.Analysis, claimtrack.Failure]
    assert results[0].article.source == str(good)  # type: ignore[union-attr]
    assert results[1].source == str(bad)  # type: ignore[union-attr]


@pytest.mark.model
def test_analyze_sources_matches_analyze(
    two_files: tuple[Path, Path], analysis: claimtrack.Analysis
) -> None:
    good, _ = two_files
    [result] = claimtrack.analyze_sources([str(good)], published="2023-06-04")
    assert isinstance(result, claimtrack.Analysis)
    assert result.article.id == analysis.article.id
    assert result.statements == analysis.statements


@pytest.mark.model
def test_analyze_sources_reads_records_where_fields_say() -> None:
    record = {"body": TEXT, "meta": {"published": "2023-06-04T10:15:00Z", "by": "Ann Lee"}}
    stdin = io.BytesIO((json.dumps(record) + "\n" + json.dumps({"text": "x"}) + "\n").encode())
    fields = claimtrack.Fields(text=("body", "text"), date="meta.published", author="meta.by")
    first, second = claimtrack.analyze_sources(["-"], stdin=stdin, fields=fields)
    assert isinstance(first, claimtrack.Analysis) and isinstance(second, claimtrack.Analysis)
    assert (first.article.source, first.article.author) == ("stdin:1", "Ann Lee")
    assert first.statements[0].time is not None
    assert first.statements[0].time.start == date(2023, 6, 2)


@pytest.mark.model
def test_analyze_sources_input_kind_and_author() -> None:
    stdin = io.BytesIO(b'{"text": "The mayor said so."}')
    [result] = claimtrack.analyze_sources(["-"], stdin=stdin, input_kind="text", author="Bo Li")
    assert isinstance(result, claimtrack.Analysis)
    assert (result.article.text, result.article.author) == (
        '{"text": "The mayor said so."}',
        "Bo Li",
    )
    assert result.article.raw_sha256 is None


@pytest.mark.model
def test_analyze_takes_an_author() -> None:
    assert claimtrack.analyze(TEXT, author="Ann Lee").article.author == "Ann Lee"


# ---------------------------------------------------------------------------- JSON


@pytest.mark.model
def test_records_survive_a_json_round_trip(analysis: claimtrack.Analysis) -> None:
    data = output.analysis_json(analysis)
    assert json.loads(json.dumps(data)) == data
    assert data["schema_version"] == "claimtrack/1"
    assert data["article"]["published"] == "2023-06-04"
    assert data["statements"][0]["id"] == analysis.statements[0].id


@pytest.mark.model
def test_seed_article_survives_a_json_round_trip() -> None:
    seed = claimtrack.analyze(
        SEED.read_text(encoding="utf-8"), published=SEED_PUBLISHED, source=str(SEED)
    )
    assert len(seed.statements) > 5
    assert_spans_match(seed)
    data = output.analysis_json(seed)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
