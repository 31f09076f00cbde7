"""The JSON Lines output against its schema, ``schema/claimtrack.v1.json``.

Records are built by hand from ``claimtrack.records``, so only the last test
needs a spaCy model.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
import typing
from collections.abc import Callable, Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from claimtrack import records as rec
from claimtrack.output import analysis_json
from claimtrack.records import (
    SCHEMA_VERSION,
    Actor,
    Analysis,
    Article,
    Attribution,
    Channel,
    Exclusion,
    Hedge,
    Proposition,
    Side,
    Span,
    Stamp,
    Stance,
    Statement,
    TimeRef,
    stable_id,
)
from conftest import assert_json_spans_match, json_spans

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = files("claimtrack") / "schema" / "claimtrack.v1.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

TEXT = (
    'Russian Defense Minister Sergei Shoigu said on Friday that Moscow "fully controls" '
    "Bakhmut.\n\n"
    "Ukraine's deputy defence minister, Hanna Maliar, denied the claim on Telegram, "
    "saying fighting may continue for weeks.\n\n"
    "Read more: Ukraine war live\n"
)


def at(phrase: str, nth: int = 0) -> Span:
    """The span of the ``nth`` occurrence of ``phrase`` in TEXT."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return Span.of(TEXT, start, start + len(phrase))


def build_analysis() -> Analysis:
    article = Article(
        id=stable_id(TEXT, length=64),
        text=TEXT,
        source="tests/bakhmut.txt",
        title="Bakhmut: claims and denials",
        publisher="Example News",
        url="https://example.invalid/bakhmut",
        published=date(2023, 6, 4),
        encoding="utf-8",
    )
    shoigu = Actor(
        actor_id=stable_id(article.id, "person", "Sergei Shoigu"),
        name="Sergei Shoigu",
        kind="person",
        titles=("Defense Minister",),
        side=Side("Russia", at("Russian")),
        mentions=(at("Sergei Shoigu"),),
    )
    maliar = Actor(
        actor_id=stable_id(article.id, "person", "Hanna Maliar"),
        name="Hanna Maliar",
        kind="person",
        titles=("deputy defence minister",),
        side=Side("Ukraine", at("Ukraine's")),
        mentions=(at("Hanna Maliar"),),
    )
    said = at("said")
    claim = Statement(
        attribution=Attribution(
            id=stable_id(article.id, said.start, said.end),
            article_id=article.id,
            kind="mixed",
            cue=said,
            source=at("Russian Defense Minister Sergei Shoigu"),
            content=(at("Moscow"), at('"fully controls" Bakhmut')),
            notes=(),
        ),
        actor_id=shoigu.actor_id,
        channel=Channel("unknown"),
        time=TimeRef(at("on Friday"), "day", date(2023, 6, 2), date(2023, 6, 2)),
        place=None,
        hedges=(),
        proposition=Proposition(
            key=stable_id("moscow", "control", "bakhmut"),
            subject=at("Moscow"),
            predicate="control",
            object=at("Bakhmut"),
            polarity="positive",
        ),
        stance=Stance("asserts"),
    )
    denied = at("denied")
    denial = Statement(
        attribution=Attribution(
            id=stable_id(article.id, denied.start, denied.end),
            article_id=article.id,
            kind="indirect",
            cue=denied,
            source=at("Hanna Maliar"),
            content=(at("the claim"), at("fighting may continue for weeks")),
            notes=("unmatched quotation mark at 0",),
        ),
        actor_id=maliar.actor_id,
        channel=Channel("social_media_post", "Telegram", at("on Telegram"), carried_over=False),
        time=TimeRef(at("for weeks"), "duration", duration="PXW"),
        place=None,
        hedges=(Hedge(at("may"), "source"),),
        proposition=None,
        stance=Stance("denies", (at("denied"),)),
    )
    return Analysis(
        article=article,
        exclusions=(Exclusion(at("Read more: Ukraine war live"), "promo"),),
        actors=(shoigu, maliar),
        statements=(claim, denial),
        stamp=Stamp("0.1.0", "en_core_web_sm", "3.8.0", "0" * 16),
    )


def assert_valid(record: dict[str, Any]) -> None:
    """The record validates and every span in it slices article.text."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(record)]
    assert not errors, "\n".join(errors)
    assert_json_spans_match(record)


def is_valid(record: dict[str, Any]) -> bool:
    return bool(VALIDATOR.is_valid(record))


def walk_schemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk_schemas(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_schemas(item)


# (a) the schema itself


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_ships_inside_the_package() -> None:
    assert (ROOT / "src" / "claimtrack" / "schema" / "claimtrack.v1.json").is_file()
    assert SCHEMA_FILE.is_file()


# Fields added to claimtrack/1 after its first release (minor changes, CHANGELOG.md):
# optional, so that records written before them still validate.
ADDED_IN_MINOR = {
    "article": {"author", "raw_sha256", "raw_path"},
    "place": {"name"},
    "statement": {"content_times", "claims", "co_actor_ids"},
    "proposition": {"predicate_class", "subject_name", "object_name", "predicate_span", "partial"},
    "stance": {"reason"},
}


def test_every_object_is_closed_complete_and_described() -> None:
    objects = [s for s in walk_schemas(SCHEMA) if s.get("type") == "object"]
    assert len(objects) == 16  # top level + 15 $defs; update when adding one
    added = {id(SCHEMA["$defs"][name]): fields for name, fields in ADDED_IN_MINOR.items()}
    for node in objects:
        props = node["properties"]
        assert node.get("additionalProperties") is False, node.get("description")
        optional = added.get(id(node), set())
        assert optional <= set(props), node.get("description")
        assert sorted(node["required"]) == sorted(set(props) - optional), node.get("description")
        for name, prop in props.items():
            assert prop.get("description"), f"no description on {name!r}"


def test_schema_version_is_the_records_constant() -> None:
    assert SCHEMA["properties"]["schema_version"]["const"] == SCHEMA_VERSION == "claimtrack/1"


@pytest.mark.parametrize(
    ("definition", "field", "literal"),
    [
        ("attribution", "kind", rec.AttributionKind),
        ("timeRef", "precision", rec.Precision),
        ("stance", "label", rec.StanceLabel),
        ("actor", "kind", rec.ActorKind),
        ("channel", "type", rec.ChannelType),
    ],
)
def test_enums_match_the_records(definition: str, field: str, literal: Any) -> None:
    assert SCHEMA["$defs"][definition]["properties"][field]["enum"] == list(
        typing.get_args(literal)
    )


# (b) a hand-built record validates and its spans slice the text


def test_hand_built_record_validates() -> None:
    record = analysis_json(build_analysis())
    assert list(record) == [
        "schema_version",
        "article",
        "stamp",
        "exclusions",
        "actors",
        "statements",
    ]
    assert_valid(record)


def test_every_span_slices_article_text() -> None:
    record = analysis_json(build_analysis())
    spans = list(json_spans(record))
    # exclusion, sides and mentions (4), cues, sources, contents (4), time (2),
    # proposition (2), channel evidence, hedge, stance evidence
    assert len(spans) == 1 + 4 + 2 + 2 + 4 + 2 + 2 + 1 + 1 + 1
    text = record["article"]["text"]
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]


def test_iter_spans_ignores_dicts_with_other_keys() -> None:
    data = {"a": [{"start": 0, "end": 1, "text": "x"}, {"start": 0, "end": 1, "text": "x", "n": 1}]}
    assert list(json_spans(data)) == [{"start": 0, "end": 1, "text": "x"}]


def test_minimal_record_validates() -> None:
    """No optional values at all: nulls and empty lists everywhere they are allowed."""
    text = "Nobody said anything."
    article = Article(id="a" * 64, text=text, source="-")
    analysis = Analysis(article, (), (), (), Stamp("0.1.0", "m", "1", "h"))
    record = analysis_json(analysis)
    assert record["article"]["published"] is None
    assert_valid(record)


def test_records_written_before_the_minor_additions_still_validate() -> None:
    record = analysis_json(build_analysis())
    for name in ADDED_IN_MINOR["article"]:
        assert name in record["article"]  # written, null when unknown
        del record["article"][name]
    assert_valid(record)


def test_author_and_raw_provenance_validate() -> None:
    analysis = build_analysis()
    article = dataclasses.replace(
        analysis.article, author="Ann Lee", raw_sha256="0f" * 32, raw_path="dump.jsonl"
    )
    record = analysis_json(dataclasses.replace(analysis, article=article))
    assert (record["article"]["author"], record["article"]["raw_path"]) == ("Ann Lee", "dump.jsonl")
    assert_valid(record)


# (c) mutations fail validation

Mutation = Callable[[dict[str, Any]], None]


def _rename(obj: dict[str, Any], old: str, new: str) -> None:
    obj[new] = obj.pop(old)


MUTATIONS: dict[str, Mutation] = {
    "wrong schema_version": lambda r: r.update(schema_version="claimtrack/2"),
    "schema_version missing": lambda r: r.pop("schema_version"),
    "renamed top-level field": lambda r: _rename(r, "statements", "claims"),
    "renamed attribution field": lambda r: _rename(
        r["statements"][0]["attribution"], "cue", "cue_span"
    ),
    "renamed span field": lambda r: _rename(
        r["statements"][0]["attribution"]["cue"], "start", "begin"
    ),
    "renamed article field": lambda r: _rename(r["article"], "published", "date"),
    "removed statement field": lambda r: r["statements"][1].pop("hedges"),
    "unknown attribution kind": lambda r: r["statements"][0]["attribution"].update(kind="quoted"),
    "unknown actor kind": lambda r: r["actors"][0].update(kind="robot"),
    "unknown channel type": lambda r: r["statements"][1]["channel"].update(type="tweet"),
    "unknown precision": lambda r: r["statements"][0]["time"].update(precision="week"),
    "unknown stance": lambda r: r["statements"][0]["stance"].update(label="claims"),
    "unknown exclusion reason": lambda r: r["exclusions"][0].update(reason="advert"),
    "unknown hedge owner": lambda r: r["statements"][1]["hedges"][0].update(by="editor"),
    "unknown polarity": lambda r: r["statements"][0]["proposition"].update(polarity="neutral"),
    "extra top-level key": lambda r: r.update(extra=1),
    "extra article key": lambda r: r["article"].update(language="en"),
    "extra span key": lambda r: r["statements"][0]["attribution"]["cue"].update(label="said"),
    "extra stamp key": lambda r: r["stamp"].update(host="x"),
    "empty content": lambda r: r["statements"][0]["attribution"].update(content=[]),
    "negative offset": lambda r: r["exclusions"][0]["span"].update(start=-1),
    "string offset": lambda r: r["actors"][0]["mentions"][0].update(end="47"),
    "non-ISO published": lambda r: r["article"].update(published="04/06/2023"),
    "impossible date": lambda r: r["statements"][0]["time"].update(start="2023-02-30"),
    "bad duration": lambda r: r["statements"][1]["time"].update(duration="weeks"),
    "null stance": lambda r: r["statements"][0].update(stance=None),
    "carried_over not boolean": lambda r: r["statements"][1]["channel"].update(carried_over="no"),
    "raw_sha256 not a sha256": lambda r: r["article"].update(raw_sha256="abc"),
    "author not a string": lambda r: r["article"].update(author=["Ann Lee"]),
}


@pytest.mark.parametrize("mutate", list(MUTATIONS.values()), ids=list(MUTATIONS))
def test_mutations_fail_validation(mutate: Mutation) -> None:
    record = analysis_json(build_analysis())
    assert is_valid(record)
    broken = copy.deepcopy(record)
    mutate(broken)
    assert broken != record
    assert not is_valid(broken)


@pytest.mark.parametrize(
    "duration", ["P3D", "P2W", "P2Y", "PT5H", "PT30M", "PXW", "PXY", "PTXH", "PXDE", "P1.5Y"]
)
def test_durations_the_temporal_stage_writes_are_valid(duration: str) -> None:
    record = analysis_json(build_analysis())
    record["statements"][1]["time"]["duration"] = duration
    assert is_valid(record)


# (d) JSON round trip


def test_json_round_trip() -> None:
    analysis = build_analysis()
    record = analysis_json(analysis)
    line = json.dumps(record, ensure_ascii=False)
    assert "\n" not in line
    assert json.loads(line) == record
    assert json.loads(json.dumps(analysis_json(analysis))) == analysis_json(analysis)
    assert_valid(json.loads(line))


# the example in docs/schema.md


def test_documented_example_validates() -> None:
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", doc, flags=re.DOTALL)
    examples = [json.loads(b) for b in blocks if b.lstrip().startswith("{\n")]
    assert len(examples) == 1
    record = examples[0]
    assert_valid(record)
    text = record["article"]["text"]
    assert record["article"]["id"] == hashlib.sha256(text.encode("utf-8")).hexdigest()


# with the real pipeline


@pytest.mark.model
def test_analyze_example_article_validates() -> None:
    import claimtrack

    text = (ROOT / "examples" / "newsweek-bakhmut.txt").read_text(encoding="utf-8")
    analysis = claimtrack.analyze(text, published="2023-06-04")
    record = analysis_json(analysis)
    assert record["schema_version"] == "claimtrack/1"
    assert record["article"]["published"] == "2023-06-04"
    assert record["statements"]
    assert_valid(record)
    assert json.loads(json.dumps(record)) == record
