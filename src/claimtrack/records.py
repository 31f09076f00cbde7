"""Records passed between stages: frozen dataclasses with character offsets.

Every ``start``/``end`` pair is a character offset into ``Article.text``
(``start`` inclusive, ``end`` exclusive), and every ``Span.text`` equals
``article.text[start:end]``. Records are plain data: they cross process
boundaries and serialise to the JSON described by ``schema/claimtrack.v1.json``
through :func:`to_dict`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

SCHEMA_VERSION = "claimtrack/1"

AttributionKind = Literal["direct", "indirect", "mixed"]
Precision = Literal["day", "interval", "month", "year", "duration", "unknown"]
StanceLabel = Literal["asserts", "denies", "hedges", "partial"]
ActorKind = Literal["person", "organisation", "government", "group", "unnamed"]
ChannelType = Literal[
    "interview",
    "social_media_post",
    "statement",
    "press_conference",
    "remarks_to_reporters",
    "report",
    "broadcast",
    "document",
    "unknown",
]


def stable_id(*parts: object, length: int = 16) -> str:
    """A short hex id derived from its parts: same parts, same id, in any process."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:length]


@dataclass(frozen=True, slots=True)
class Span:
    """A character span of an article: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])


@dataclass(frozen=True, slots=True)
class Article:
    """One input document after decoding and normalisation.

    ``id`` is the sha256 of ``text`` (already normalised: NFC, ``\\n`` line
    ends), so the same article read twice, from anywhere, has the same id.

    ``raw_sha256`` and ``raw_path`` say where the text came from when it was
    converted from other bytes (a JSON record, an HTML page, a feed entry): the
    sha256 of those raw bytes and, when a copy is on disk, its path. Both are
    None for plain text, whose bytes are the text.
    """

    id: str
    text: str
    source: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: date | None = None
    encoding: str = "utf-8"
    author: str | None = None
    raw_sha256: str | None = None
    raw_path: str | None = None


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A span kept out of analysis, with the rule that excluded it."""

    span: Span
    reason: Literal["promo", "caption", "credit", "byline", "dateline", "duplicate", "boilerplate"]


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what: source / cue / content spans of one statement."""

    id: str
    article_id: str
    kind: AttributionKind
    cue: Span
    source: Span | None
    content: tuple[Span, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Side:
    """The side an actor speaks for, with the words that say so."""

    name: str
    evidence: Span


@dataclass(frozen=True, slots=True)
class Actor:
    """One person or body within an article, with every mention supporting it."""

    actor_id: str
    name: str
    kind: ActorKind
    titles: tuple[str, ...]
    side: Side | None
    mentions: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Channel:
    """How a statement was made: type from a fixed taxonomy, platform or outlet if named."""

    type: ChannelType
    platform: str | None = None
    evidence: Span | None = None
    carried_over: bool = False


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A temporal phrase resolved against the publication date.

    ``start``/``end`` are inclusive ISO dates; ``duration`` an ISO 8601
    duration for precision ``duration``. Unresolvable phrases keep their words
    with precision ``unknown`` and no invented value.
    """

    span: Span
    precision: Precision
    start: date | None = None
    end: date | None = None
    duration: str | None = None


@dataclass(frozen=True, slots=True)
class Place(Span):
    """Where a statement was made: a span of the article and the place's name.

    "on the sidelines of a summit *in Geneva*" -> text "in Geneva", name "Geneva".
    """

    name: str = ""


@dataclass(frozen=True, slots=True)
class Hedge:
    span: Span
    by: Literal["source", "reporter"]


@dataclass(frozen=True, slots=True)
class Proposition:
    """What a clause of the content says, reduced to a key that groups statements across articles.

    ``predicate_class`` names the kind of event or state ("control" for
    "captured", "took control of", "fell to"; the lemma itself for a predicate
    no class lists). ``subject`` is the agent (who does or holds it) and
    ``object`` the theme (what or where it is done to), whatever the voice:
    "the town fell to Russian forces" has subject "Russian forces", object
    "the town". ``subject_name`` / ``object_name`` are what they stand for
    ("Russia", "Kherson"). ``key`` hashes the class and the two names, not the
    polarity, so "X controls Y" and "X does not control Y" share it and differ
    in stance. ``partial`` is the words that make it a claim about a part
    ("the *outskirts* of the city").
    """

    key: str
    subject: Span | None
    predicate: str
    object: Span | None
    polarity: Literal["positive", "negative"]
    predicate_class: str = ""
    subject_name: str | None = None
    object_name: str | None = None
    predicate_span: Span | None = None
    partial: Span | None = None

    @property
    def label(self) -> str:
        """A readable form: ``control(Russia, Kherson)``; ``?`` for an unknown argument."""
        return f"{self.predicate_class or self.predicate}({self.subject_name or '?'}, {self.object_name or '?'})"


@dataclass(frozen=True, slots=True)
class Stance:
    """asserts / denies / hedges / partial, with the spans and the reason that decide it."""

    label: StanceLabel
    evidence: tuple[Span, ...] = ()
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One proposition of a statement's content and the statement's stance toward it.

    ``repeats`` is the id of another statement when this claim only repeats
    what that one says ("X said that, according to Y, ..."): it then does not
    corroborate Y.
    """

    proposition: Proposition
    stance: Stance
    repeats: str | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """An attribution with everything the enrich and claims stages add to it."""

    attribution: Attribution
    actor_id: str | None
    channel: Channel
    time: TimeRef | None
    place: Place | None
    hedges: tuple[Hedge, ...]
    proposition: Proposition | None
    stance: Stance
    #: dates the content talks about ("the attack *on March 4*"), kept apart from ``time``
    content_times: tuple[TimeRef, ...] = ()
    #: every proposition of the content with its stance; the first is ``proposition``/``stance``
    claims: tuple[Claim, ...] = ()
    #: the other actors of a joint source ("the ministry and the Redan Group said"), who speak too
    co_actor_ids: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.attribution.id


@dataclass(frozen=True, slots=True)
class Stamp:
    """What produced an analysis; the ledger replaces analyses with another stamp."""

    claimtrack_version: str
    model: str
    model_version: str
    lexicon_hash: str


@dataclass(frozen=True, slots=True)
class Analysis:
    article: Article
    exclusions: tuple[Exclusion, ...]
    actors: tuple[Actor, ...]
    statements: tuple[Statement, ...]
    stamp: Stamp
    schema_version: str = SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be analysed; the batch goes on without it."""

    source: str
    stage: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def to_dict(record: Any) -> Any:
    """A record as JSON-ready data: dates become ISO strings, tuples lists."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        out = {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
        if isinstance(record, Statement):
            out = {"id": record.id, **out}
        return out
    if isinstance(record, (list, tuple)):
        return [to_dict(item) for item in record]
    if isinstance(record, date):
        return record.isoformat()
    return record


__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "Analysis",
    "Article",
    "Attribution",
    "Channel",
    "Claim",
    "Exclusion",
    "Failure",
    "Hedge",
    "Place",
    "Proposition",
    "Side",
    "Span",
    "Stamp",
    "Stance",
    "Statement",
    "TimeRef",
    "stable_id",
    "to_dict",
]
