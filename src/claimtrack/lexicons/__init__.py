"""Lexicons: general vocabulary the rules read, kept as data files.

Each ``*.tsv`` in this package has ``#`` comment lines naming its source, one
header row, then sorted entries one per line. ``load()`` reads the packaged
copies through :mod:`importlib.resources`; ``load(path)`` reads a user's own
directory with the same file names (``--lexicons DIR``), so the vocabulary can
be extended without touching code.

Country names come from two places: the ISO 3166-1 names that the maintained
``pycountry`` package keeps ("Russian Federation", "Korea, Republic of"), joined
to our canonical names by ``country_codes.tsv``, and ``countries.tsv`` for the
short forms news uses ("U.S.", "Britain"), which wins where both name a word.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import pycountry

from claimtrack.errors import ClaimtrackError

#: file name -> the header row it must carry
FILES: dict[str, tuple[str, ...]] = {
    "reporting_verbs.tsv": ("lemma", "stance", "note"),
    "reporting_nouns.tsv": ("lemma", "note"),
    "demonyms.tsv": ("demonym", "country"),
    "countries.tsv": ("name", "country"),
    "country_codes.tsv": ("code", "country"),
    "capitals.tsv": ("capital", "country"),
    "channels.tsv": ("phrase", "type", "note"),
    "channel_verbs.tsv": ("lemma", "type", "note"),
    "platforms.tsv": ("name", "type"),
    "hedges.tsv": ("phrase", "note"),
    "titles.tsv": ("title", "note"),
    "collective_sources.tsv": ("lemma", "note"),
    "promo.tsv": ("phrase", "note"),
    "credits.tsv": ("phrase", "note"),
    "seats.tsv": ("seat", "country"),
    "organisations.tsv": ("name", "organisation"),
    "affiliations.tsv": ("word", "note"),
    "affiliation_phrases.tsv": ("phrase", "note"),
    "predicate_classes.tsv": ("class", "exclusive", "sources"),
    "predicates.tsv": ("pattern", "class", "roles", "theme"),
    "partitives.tsv": ("noun", "note"),
    "place_nouns.tsv": ("noun", "note"),
    "org_designators.tsv": ("word", "note"),
}


class LexiconError(ClaimtrackError):
    """A lexicon file that is missing or malformed."""


ROLES = frozenset({"agent", "theme"})


@dataclass(frozen=True, slots=True)
class PredicatePattern:
    """One row of ``predicates.tsv``: a verb, what must go with it, and which slot fills which role.

    "take control of" -> verb "take", noun "control", slots {"nsubj": "agent", "of": "theme"}:
    "Russia took control of the town". "fall to" -> verb "fall", word "to",
    slots {"nsubj": "theme", "to": "agent"}: "the town fell to Russia".
    """

    pattern: str
    verb: str
    word: str | None  # a particle or preposition the verb must have ("pull *out*", "fall *to*")
    noun: str | None  # a light verb's object or complement ("take *control* of", "be *responsible* for")
    cls: str
    slots: dict[str, str]  # "nsubj" / "dobj" / a preposition -> "agent" / "theme"
    place_theme: bool  # counts only with a place as theme ("took the town", not "took a break")


def parse_predicate(row: dict[str, str], classes: frozenset[str]) -> PredicatePattern:
    """A ``predicates.tsv`` row as a pattern; a malformed one is a LexiconError naming it."""
    words = row["pattern"].lower().split()
    where = f"predicates.tsv: {row['pattern']!r}"
    if not words or len(words) > 3:
        raise LexiconError(f"{where}: a pattern is a verb and at most two more words")
    if row["class"] not in classes:
        raise LexiconError(f"{where}: class {row['class']!r} is not in predicate_classes.tsv")
    slots = {}
    for item in row["roles"].split():
        slot, _, role = item.partition("=")
        if role not in ROLES:
            raise LexiconError(f"{where}: role {item!r} is not slot=agent or slot=theme")
        slots[slot] = role
    if row["theme"] not in ("any", "place"):
        raise LexiconError(f"{where}: theme must be 'any' or 'place', not {row['theme']!r}")
    noun = words[1] if len(words) == 3 else None
    word = words[-1] if len(words) >= 2 else None
    return PredicatePattern(row["pattern"], words[0], word, noun, row["class"], slots, row["theme"] == "place")


@dataclass(frozen=True)
class Lexicons:
    """All lexicons, as lookup tables keyed by lower-cased entries."""

    reporting_verbs: dict[str, str]  # lemma -> stance (asserts|denies|hedges|neutral)
    reporting_nouns: frozenset[str]  # "statement", "claim", ... (lemma)
    demonyms: dict[str, str]  # "ukrainian" -> "Ukraine"
    countries: dict[str, str]  # "u.s." -> "United States"
    capitals: dict[str, str]  # "kyiv" -> "Ukraine"
    channels: dict[str, str]  # lemma phrase -> channel type
    channel_verbs: dict[str, str]  # "announce" -> "statement"
    platforms: dict[str, str]  # "telegram" -> "Telegram" (display name)
    hedges: frozenset[str]  # lower-cased phrases
    titles: frozenset[str]  # "minister", "defense minister", ...
    collective_sources: frozenset[str]  # "official", "analyst", ...
    promo: tuple[str, ...]  # lower-cased phrases
    credits: tuple[str, ...]  # lower-cased phrases ("getty images", "photo:")
    seats: dict[str, str]  # "kremlin" -> "Russia"
    organisations: dict[str, str]  # "UN" -> "United Nations" (case kept: "WHO" is not "who")
    affiliations: frozenset[str]  # "run", "backed", "led": "Hamas-run ministry"
    affiliation_phrases: frozenset[str]  # "loyal to", "back by": "fighters loyal to X"
    predicates: dict[str, tuple[PredicatePattern, ...]]  # verb lemma -> its patterns
    exclusive_classes: frozenset[str]  # "control": asserting it of one agent denies it of another
    partitives: frozenset[str]  # "outskirts", "parts": a claim about a part of X
    place_nouns: frozenset[str]  # "city", "town": "the city" stands for the place named before
    org_designators: frozenset[str]  # "group": "Redan Group" and "Redan" are one party
    digest: str  # sha256 of every file's bytes and the pycountry version: stamps analyses

    @cached_property
    def media(self) -> frozenset[str]:
        """Words that name where something was said: channel nouns ("assessment", the last
        word of "press conference") and platforms ("telegram"), lower-cased."""
        return frozenset(p.split()[-1] for p in self.channels) | frozenset(self.platforms)

    def country_of(self, word: str) -> str | None:
        """The country a word names: its name, demonym, capital or seat of government; else None.

        A leading "the" is ignored: "the Kremlin" -> "Russia".
        """
        key = without_article(word).lower()
        return (
            self.countries.get(key) or self.demonyms.get(key) or self.capitals.get(key)
            or self.seats.get(key)
        )  # fmt: skip

    def organisation_of(self, name: str) -> str | None:
        """The international organisation a name or short form names ("U.N." -> "United Nations")."""
        name = without_article(name)
        return self.organisations.get(name) or self.organisations.get(name.title())

    def is_seat(self, name: str) -> bool:
        """Whether a name is a seat of government ("the Kremlin"), a body of its own."""
        return without_article(name).lower() in self.seats


def without_article(name: str) -> str:
    """A name without its leading "the": "the Kremlin" -> "Kremlin"."""
    name = name.strip()
    return name[4:].lstrip() if name[:4].lower() == "the " else name


def read_rows(name: str, data: str) -> Iterator[dict[str, str]]:
    """Rows of one TSV file as dicts, checking the header; comments and blanks skipped."""
    lines = [ln for ln in data.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise LexiconError(f"{name}: no header row")
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = tuple(next(reader))
    expected = FILES.get(name)
    if expected is not None and header != expected:
        raise LexiconError(f"{name}: header is {header}, expected {expected}")
    for lineno, row in enumerate(reader, 2):
        if len(row) > len(header):
            raise LexiconError(f"{name}: row {lineno} has {len(row)} columns, expected {len(header)}")
        yield dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))


def iso_country_names(codes: dict[str, str]) -> dict[str, str]:
    """Lower-cased ISO 3166-1 names (pycountry) -> our canonical country, for the codes given.

    Inverted forms are turned round ("Korea, Republic of" -> "republic of korea"),
    a parenthesis is a second name ("Holy See (Vatican City State)"), and a
    leading "the" is dropped; an inversion that is not "..., X of" is skipped.
    """
    out: dict[str, str] = {}
    for code, country in codes.items():
        record = pycountry.countries.get(alpha_2=code)
        if record is None:
            raise LexiconError(f"country_codes.tsv: {code} is not an ISO 3166-1 alpha-2 code")
        for attr in ("name", "official_name", "common_name"):
            name = getattr(record, attr, None)
            for form in _name_forms(name) if name else ():
                out.setdefault(without_article(form).lower(), country)
    return out


def _name_forms(name: str) -> list[str]:
    forms = [p.strip(" )") for p in name.split("(")]
    out = []
    for form in forms:
        head, _, tail = form.partition(", ")
        if not tail:
            out.append(form)
        elif tail.lower().endswith((" of", " of the")):
            out.append(f"{tail} {head}")
    return out


def _read_texts(path: Path | None) -> dict[str, str]:
    texts = {}
    for name in FILES:
        try:
            if path is None:
                texts[name] = resources.files(__package__).joinpath(name).read_text("utf-8")
            else:
                texts[name] = (path / name).read_text("utf-8")
        except FileNotFoundError:
            where = path or "the claimtrack package"
            raise LexiconError(f"{where}: lexicon file {name} is missing") from None
    return texts


def cached(path: str | Path | None = None) -> Lexicons:
    """``load``, once per process and directory (the API's and the analysis workers' path)."""
    return _cached(None if path is None else str(path))


@lru_cache(maxsize=8)
def _cached(path: str | None) -> Lexicons:
    return load(path)


def load(path: str | Path | None = None) -> Lexicons:
    """Load every lexicon from the package, or from a directory of the same files."""
    texts = _read_texts(Path(path) if path is not None else None)
    rows = {name: list(read_rows(name, data)) for name, data in texts.items()}
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(texts[name].encode("utf-8"))
    digest.update(f"pycountry {version('pycountry')}".encode())

    def mapping(name: str, key: str, value: str) -> dict[str, str]:
        return {r[key].lower(): r[value] for r in rows[name]}

    def words(name: str, key: str) -> list[str]:
        return [r[key].lower() for r in rows[name]]

    return Lexicons(
        reporting_verbs=mapping("reporting_verbs.tsv", "lemma", "stance"),
        reporting_nouns=frozenset(words("reporting_nouns.tsv", "lemma")),
        demonyms=mapping("demonyms.tsv", "demonym", "country"),
        countries=iso_country_names({r["code"].upper(): r["country"] for r in rows["country_codes.tsv"]})
        | mapping("countries.tsv", "name", "country"),
        capitals=mapping("capitals.tsv", "capital", "country"),
        channels=mapping("channels.tsv", "phrase", "type"),
        channel_verbs=mapping("channel_verbs.tsv", "lemma", "type"),
        platforms={r["name"].lower(): r["name"] for r in rows["platforms.tsv"]},
        hedges=frozenset(words("hedges.tsv", "phrase")),
        titles=frozenset(words("titles.tsv", "title")),
        collective_sources=frozenset(words("collective_sources.tsv", "lemma")),
        promo=tuple(words("promo.tsv", "phrase")),
        credits=tuple(words("credits.tsv", "phrase")),
        seats=mapping("seats.tsv", "seat", "country"),
        organisations={r["name"]: r["organisation"] for r in rows["organisations.tsv"]},
        affiliations=frozenset(words("affiliations.tsv", "word")),
        affiliation_phrases=frozenset(words("affiliation_phrases.tsv", "phrase")),
        predicates=_predicates(rows["predicates.tsv"], rows["predicate_classes.tsv"]),
        exclusive_classes=frozenset(r["class"] for r in rows["predicate_classes.tsv"] if r["exclusive"] == "yes"),
        partitives=frozenset(words("partitives.tsv", "noun")),
        place_nouns=frozenset(words("place_nouns.tsv", "noun")),
        org_designators=frozenset(words("org_designators.tsv", "word")),
        digest=digest.hexdigest()[:16],
    )


def _predicates(rows: list[dict[str, str]], class_rows: list[dict[str, str]]) -> dict[str, tuple[PredicatePattern, ...]]:
    """Patterns by verb lemma, the longest first ("take control of" before "take")."""
    classes = frozenset(r["class"] for r in class_rows)
    by_verb: dict[str, list[PredicatePattern]] = {}
    for row in rows:
        pattern = parse_predicate(row, classes)
        by_verb.setdefault(pattern.verb, []).append(pattern)
    return {verb: tuple(sorted(ps, key=lambda p: -len(p.pattern.split()))) for verb, ps in by_verb.items()}
