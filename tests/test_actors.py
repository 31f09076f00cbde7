"""Actors within an article, on sentences written for these tests (needs the spaCy model)."""

from __future__ import annotations

import pytest

import claimtrack
from claimtrack.actors import _merge_same_ids
from claimtrack.records import Actor, Side, Span
from conftest import assert_spans_match

pytestmark = pytest.mark.model


def actors_by_source(text: str) -> dict[str, Actor]:
    """source text -> its actor, for every statement with a source; spans checked by slicing."""
    analysis = claimtrack.analyze(text)
    assert_spans_match(analysis)
    actors = {a.actor_id: a for a in analysis.actors}
    return {
        s.attribution.source.text: actors[s.actor_id or ""]
        for s in analysis.statements
        if s.attribution.source is not None
    }


def side(actor: Actor) -> str | None:
    return actor.side.name if actor.side else None


def test_a_title_with_a_named_apposition_is_the_named_person() -> None:
    found = actors_by_source("Its leader Maria Petrova said on Monday that the talks had failed.")
    actor = found["Its leader Maria Petrova"]
    assert (actor.name, actor.kind, actor.titles) == ("Maria Petrova", "person", ("leader",))


def test_family_name_written_first_joins_the_full_name() -> None:
    found = actors_by_source(
        "Chinese foreign ministry spokesperson Li Qiang told reporters the tariffs were unfair.\n\n"
        "Li said Beijing would respond."
    )
    full, short = found["Chinese foreign ministry spokesperson Li Qiang"], found["Li"]
    assert full.actor_id == short.actor_id
    assert (full.name, full.kind, side(full)) == ("Li Qiang", "person", "China")


def test_a_seat_of_government_is_its_own_government_with_its_country_as_side() -> None:
    found = actors_by_source(
        "Moscow said the strike was legitimate.\n\nRussia said it would respond.\n\n"
        "The Kremlin said the matter was closed."
    )
    moscow, russia, kremlin = found["Moscow"], found["Russia"], found["The Kremlin"]
    assert moscow.actor_id == russia.actor_id != kremlin.actor_id
    assert (kremlin.name, kremlin.kind, side(kremlin)) == ("Kremlin", "government", "Russia")
    assert side(moscow) == "Russia"


def test_a_seat_in_a_title_gives_the_side() -> None:
    found = actors_by_source(
        "Kremlin spokesman Ivan Sokolov told reporters that no deal was possible."
    )
    actor = found["Kremlin spokesman Ivan Sokolov"]
    assert (actor.name, side(actor)) == ("Ivan Sokolov", "Russia")
    assert actor.side is not None and actor.side.evidence.text == "Kremlin"


def test_a_seat_of_several_words_gives_the_side() -> None:
    found = actors_by_source("White House officials said the tariffs would stay in place.")
    actor = found["White House officials"]
    assert (actor.kind, side(actor)) == ("group", "United States")
    assert actor.side is not None and actor.side.evidence.text == "White House"


def test_an_international_organisation_speaks_for_itself_by_its_canonical_name() -> None:
    actor = actors_by_source("The U.N. said the convoy was hit by shelling.")["The U.N."]
    assert (actor.kind, side(actor)) == ("organisation", "United Nations")


def test_a_hyphenated_affiliation_gives_the_side() -> None:
    found = actors_by_source("The Houthi-run health ministry said 20 people were killed.")
    actor = found["The Houthi-run health ministry"]
    assert side(actor) == "Houthi"
    assert actor.side is not None and actor.side.evidence.text == "Houthi"


def test_clusters_named_alike_become_one_actor() -> None:
    text = "Ukraine said no. Ukraine said yes."
    first = Actor("a1", "Ukraine", "government", ("x",), Side("Ukraine", Span.of(text, 0, 7)),
                  (Span.of(text, 0, 7),))  # fmt: skip
    second = Actor("a1", "Ukraine", "government", ("y",), None, (Span.of(text, 17, 24),))
    other = Actor("a2", "Kyiv", "government", (), None, ())
    actors, links = _merge_same_ids([first, second, other], {"s1": 0, "s2": 1, "s3": 2})
    assert [a.actor_id for a in actors] == ["a1", "a2"]
    assert actors[0].mentions == (Span.of(text, 0, 7), Span.of(text, 17, 24))
    assert actors[0].titles == ("x", "y") and side(actors[0]) == "Ukraine"
    assert links == {"s1": "a1", "s2": "a1", "s3": "a2"}
