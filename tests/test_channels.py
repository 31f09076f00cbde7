"""Channel, time, place and content dates of a statement, on sentences written for these tests.

Needs the spaCy model. Every span is checked by slicing the text (``assert_spans_match``).
"""

from __future__ import annotations

from datetime import date

import pytest

import claimtrack
from claimtrack.records import Statement
from conftest import assert_spans_match

pytestmark = pytest.mark.model

# A Sunday: "on Friday" is 2024-03-08, "on Tuesday" 2024-03-05.
PUBLISHED = date(2024, 3, 10)


def statement(text: str, cue: str, published: date | None = PUBLISHED) -> Statement:
    """The statement whose cue contains ``cue``, spans checked by slicing."""
    analysis = claimtrack.analyze(text, published=published)
    assert_spans_match(analysis)
    found = [s for s in analysis.statements if cue in s.attribution.cue.text]
    assert found, [s.attribution.cue.text for s in analysis.statements]
    return found[0]


def test_an_opening_participle_gives_place_time_and_channel() -> None:
    st = statement("Speaking at a news conference in Geneva on Friday, Maria Petrova said the talks had failed.", "said")
    assert st.place is not None and (st.place.text, st.place.name) == ("Geneva", "Geneva")
    assert st.time is not None and (st.time.span.text, st.time.start) == ("on Friday", date(2024, 3, 8))
    assert st.channel.type == "press_conference"


def test_a_country_place_is_named_canonically() -> None:
    st = statement("Petrova told reporters in the U.S. that the talks had failed.", "told")
    assert st.place is not None and (st.place.text, st.place.name) == ("U.S.", "United States")


def test_a_visit_is_where_it_was_said() -> None:
    st = statement("Petrova told reporters during a visit to Kharkiv that the city would hold.", "told")
    assert st.place is not None and st.place.name == "Kharkiv"
    assert st.channel.type == "remarks_to_reporters"


@pytest.mark.parametrize(
    "text",
    [
        "The health ministry in Gaza said nine people had been killed.",  # where the speaker is based
        "Petrova said fighting in Kharkiv had stopped.",  # what the content talks about
        "Petrova warned residents in Kharkiv that shelling would resume.",  # whom she warned
    ],
)
def test_places_that_are_not_where_it_was_said(text: str) -> None:
    cue = next(w for w in ("said", "warned") if w in text)
    assert statement(text, cue).place is None


def test_a_time_the_cue_holds_though_the_content_follows_without_that() -> None:
    st = statement("Maria Petrova said on Tuesday peace talks had hit a dead end.", "said")
    assert st.time is not None
    assert (st.time.span.text, st.time.precision, st.time.start) == ("on Tuesday", "day", date(2024, 3, 5))


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ('"We will hold," he said in a regular evening address.', "said"),  # "evening" is part of a noun
        # under the participle's object, not the participle: "the floods of 2022"
        ("Recalling the floods of 2022, Petrova said the war had changed everything.", "said"),
    ],
)
def test_dates_that_are_not_when_it_was_said(text: str, cue: str) -> None:
    assert statement(text, cue).time is None


def test_dates_in_the_content_are_kept_apart() -> None:
    st = statement("Petrova said the attack on March 4 killed nine people.", "said")
    assert st.time is None
    assert [(t.span.text, t.precision, t.start) for t in st.content_times] == [
        ("on March 4", "day", date(2024, 3, 4))
    ]


def test_content_dates_without_a_publication_date_are_unknown_when_relative() -> None:
    st = statement("Petrova said the attack last week killed nine people.", "said", published=None)
    assert [(t.span.text, t.precision, t.start) for t in st.content_times] == [("last week", "unknown", None)]


@pytest.mark.parametrize(
    ("text", "cue", "kind", "platform", "evidence"),
    [
        ("The army announced that the bridge had been destroyed.", "announced", "statement", None, "announced"),
        ("The report said the ceasefire had been broken 40 times.", "said", "report", None, "report"),
        ("Petrova said in an interview with CNN that talks would resume.", "said", "interview", "CNN", "CNN"),
        ("Petrova wrote on Telegram that the bridge was down.", "wrote", "social_media_post", "Telegram", "Telegram"),
    ],
)
def test_channel(text: str, cue: str, kind: str, platform: str | None, evidence: str) -> None:
    channel = statement(text, cue).channel
    assert (channel.type, channel.platform) == (kind, platform)
    assert channel.evidence is not None and evidence in channel.evidence.text


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Petrova told Ivan Sokolov that the deal was off.", "told"),  # a person is not an outlet
        ("In the strongest signal yet, Petrova said the deal was off.", "said"),  # "signal" is not Signal
        ("Petrova said in an interview with Ivan Sokolov that the deal was off.", "said"),
    ],
)
def test_no_outlet_or_platform(text: str, cue: str) -> None:
    assert statement(text, cue).channel.platform is None


def test_a_later_statement_carries_the_occasion_with_its_time() -> None:
    text = (
        "Maria Petrova told the BBC on Friday that the talks had failed.\n\n"
        '"We are tired," she added.'
    )
    told, added = statement(text, "told"), statement(text, "added")
    assert (told.channel.type, told.channel.platform, told.channel.carried_over) == ("interview", "BBC", False)
    assert (added.channel.type, added.channel.platform, added.channel.carried_over) == ("interview", "BBC", True)
    assert added.time is not None and added.time.start == date(2024, 3, 8)
    assert added.time == told.time  # the occasion's own span, not a new one


def test_an_occasion_named_without_a_statement_carries_to_the_speaker() -> None:
    text = (
        "Addressing the Security Council in Geneva on Friday, envoy Maria Petrova painted a grim picture.\n\n"
        '"We can only expect worse," Petrova said.'
    )
    said = statement(text, "said")
    assert (said.channel.type, said.channel.carried_over) == ("statement", True)
    assert said.channel.evidence is not None and said.channel.evidence.text == "Addressing"
    assert said.time is not None and said.time.start == date(2024, 3, 8)
    assert said.place is not None and said.place.name == "Geneva"


def test_an_occasion_of_someone_else_is_not_carried() -> None:
    text = (
        "Addressing the Security Council in Geneva on Friday, envoy Ivan Sokolov painted a grim picture.\n\n"
        '"We can only expect worse," Maria Petrova said.'
    )
    said = statement(text, "said")
    assert said.channel.type == "unknown" and said.place is None and said.time is None


def test_addressing_a_topic_is_no_channel() -> None:
    st = statement("Addressing the war in public for the first time, Petrova said the talks had failed.", "said")
    assert st.channel.type == "unknown"
