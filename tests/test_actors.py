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


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        ("Fighters loyal to the Syrian government said the town had fallen.", "Fighters", "Syria"),
        ("A militia backed by Iran said it fired the missile.", "A militia", "Iran"),
        ("Soldiers who fight for the Syrian government said they were advancing.", "Soldiers", "Syria"),
        ("The Tarvos Brigade, a unit fighting on behalf of Armenia, said it held the pass.", "The Tarvos Brigade", "Armenia"),
    ],
)
def test_an_affiliation_phrase_gives_the_side(text: str, source: str, expected: str) -> None:
    found = actors_by_source(text)
    actor = next(a for s, a in found.items() if s.startswith(source))
    assert side(actor) == expected
    assert actor.side is not None and actor.side.evidence.text in text
    assert expected.split()[0] in actor.side.evidence.text or "Syrian" in actor.side.evidence.text


def test_a_word_that_is_not_an_affiliation_gives_no_side() -> None:
    # "close to" is not in affiliation_phrases.tsv: standing near a border is no allegiance
    found = actors_by_source("Villagers living close to Azerbaijan said the shelling went on all night.")
    assert side(next(iter(found.values()))) is None


def test_a_short_form_defined_in_the_text_is_the_same_actor() -> None:
    found = actors_by_source(
        "The Institute for Regional Security Analysis (IRSA) said in a report that the ceasefire was fragile.\n\n"
        "IRSA said both armies had moved artillery."
    )
    assert len({a.actor_id for a in found.values()}) == 1
    actor = found["IRSA"]
    assert actor.name == "Institute for Regional Security Analysis"
    assert actor.kind == "organisation"
    assert [m.text for m in actor.mentions][-1] == "IRSA"


def test_a_capitalised_sequence_that_is_not_spelled_by_its_parenthesis_is_no_short_form() -> None:
    from claimtrack.actors import _short_forms
    from claimtrack.nlp import load_pipeline

    nlp = load_pipeline()
    doc = nlp("The Institute for Regional Security Analysis (IRSA) met the Northern Alliance (XYZ) today.")
    forms = {k: v.text for k, v in _short_forms(doc).items()}
    assert forms == {"IRSA": "Institute for Regional Security Analysis"}


def test_a_description_takes_the_side_another_mention_of_it_names() -> None:
    found = actors_by_source(
        "Rescuers from the Hamas-run civil defence agency reached the site overnight.\n\n"
        "The civil defence agency said nine people had been killed."
    )
    actor = found["The civil defence agency"]
    assert side(actor) == "Hamas"
    assert actor.side is not None and actor.side.evidence.text == "Hamas"


def test_a_description_whose_other_mentions_disagree_takes_no_side_from_them() -> None:
    found = actors_by_source(
        "Ukrainian border guards fired first, according to the statement.\n\n"
        "Polish border guards were not involved.\n\n"
        "The border guards said the crossing would stay shut."
    )
    assert side(found["The border guards"]) is None


def test_a_pronoun_skips_a_person_the_text_called_by_the_other_pronoun() -> None:
    found = actors_by_source(
        "Ivan Sokolov said he would resign.\n\n"
        '"We are tired," said Olena Marchuk, 43.\n\n'
        "Asked about the night, she said the sirens never stopped.\n\n"
        "Later he said the resignation was final."
    )
    assert found["she"].name == "Olena Marchuk" and found["she"].kind == "person"
    assert found["he"].name == "Ivan Sokolov"


def test_a_conjoined_subject_does_not_lend_its_side() -> None:
    found = actors_by_source("The Maroni administration and European Union officials said the talks had stalled.")
    actor = next(a for s, a in found.items() if s.startswith("The Maroni administration"))
    assert side(actor) != "European Union"


def test_a_surname_that_is_a_demonym_is_a_person_not_a_government() -> None:
    found = actors_by_source(
        "UN rights chief Volker Turk spoke on Monday.\n\n"
        '"We can only expect worse," Turk said.\n\n'
        "Russia said the report was biased."
    )
    turk, russia = found["Turk"], found["Russia"]
    assert turk.kind == "person" and turk.name.endswith("Turk")
    assert russia.kind == "government"
