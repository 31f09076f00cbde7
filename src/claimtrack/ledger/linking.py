"""Linking each article's actors to canonical actors across the ledger.

An article's actors (``actors`` rows, one per person or body within that
article) are linked, when the article is stored, to a **ledger actor**: one row
of ``ledger_actors`` per person or body across every article, with its aliases
(every name, title and non-pronoun mention seen) and the keys linking reads.

A new article actor is compared with the ledger actors sharing one of its keys:

============  ==============================================================  ====
key           what matches                                                    base
============  ==============================================================  ====
``p:``        a person's full name ("maria ivanova")                         0.95
``c:``        a government: a country or its capital ("Moscow" -> Russia),     0.95
              or a seat of government, which is its own ("the Kremlin")
``o:``        a body's words, countries aside, and its side                  0.90
``a:``        a body's acronym ("CSIS", "Center for Strategic and            0.80
              International Studies")
``g:``        a collective with a side ("Ukrainian officials")               0.80
``d:``        a person known by description and side ("Ukraine's defense     0.75
              minister"), against names' descriptions and titles
``s:``        a person's surname, the names agreeing word for word           0.55
============  ==============================================================  ====

A surname alone gains 0.25 when the sides agree, 0.2 when a title word is
shared and 0.15 when it is the only person of that surname; it never links when
both sides are known and differ, or both have titles that share no word. Any
key but ``c:`` is capped at 0.3 when both sides are known and differ. The best
candidate at or above ``LINK_THRESHOLD`` is linked, with its confidence and the
reason; otherwise the actor starts a new ledger actor (confidence 1.0). Unnamed
actors (a pronoun with no antecedent) are never linked.

Links depend on the order articles arrive, as any incremental linking does;
re-adding an article changes nothing, and replacing one relinks its actors and
recomputes every ledger actor it touched (one left with no actor is deleted).
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from claimtrack.ledger.migrations import Conn
from claimtrack.lexicons import Lexicons, without_article
from claimtrack.records import stable_id

LINK_THRESHOLD = 0.7

_BASE = {"p": 0.95, "c": 0.95, "o": 0.90, "a": 0.80, "g": 0.80, "d": 0.75, "s": 0.55}
_REASON = {
    "p": "same full name",
    "c": "same country",
    "o": "same name and side",
    "a": "same acronym",
    "g": "same collective and side",
    "d": "same description and side",
    "s": "same surname",
}
#: pronouns, relative and demonstrative: mentions that are no name to link or search by
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "him",
        "her",
        "them",
        "we",
        "us",
        "i",
        "who",
        "whom",
        "which",
        "that",
        "this",
        "these",
        "those",
    ]
)
_FUNCTION_WORDS = frozenset(
    ["the", "a", "an", "of", "for", "and", "'s", "'", "on", "in", "at", "to", "by"]
)
_NAME_PARTICLES = frozenset(
    [
        "al",
        "el",
        "bin",
        "ibn",
        "de",
        "da",
        "di",
        "del",
        "der",
        "van",
        "von",
        "la",
        "le",
        "du",
        "dos",
        "ben",
        "abu",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*\.?", re.UNICODE)


def fold(text: str) -> str:
    """Case- and accent-folded text: "Petrova's" -> "petrova's", "Kyïv" -> "kyiv"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def _words(text: str) -> list[str]:
    """Folded words, possessive "'s" dropped: "Russia's Defense Ministry" -> [russia, defense, ministry]."""
    out = []
    for word in _WORD.findall(fold(text)):
        word = word.removesuffix("'s").removesuffix("'").rstrip(".").replace(".", "")
        if word:
            out.append(word)
    return out


@dataclass(slots=True)
class Profile:
    """What linking reads of one article actor."""

    kind: str
    name: str
    side: str | None
    titles: tuple[str, ...]
    keys: set[str] = field(default_factory=set)
    surname: str | None = None
    name_words: tuple[str, ...] = ()
    title_words: frozenset[str] = frozenset()


def profile(
    kind: str, name: str, side: str | None, titles: Sequence[str], lex: Lexicons
) -> Profile:
    """The keys and words of one actor ("Maria Ivanova", person, Ukraine, ...)."""
    p = Profile(kind, name, side, tuple(titles))
    side_key = fold(side) if side else ""
    countries = _country_names(lex)

    def country_free(text: str) -> list[str]:
        words = [w for w in _words(text) if w not in _FUNCTION_WORDS]
        return [w for w in words if not lex.country_of(w) and w not in countries]

    p.title_words = frozenset(w for t in titles for w in country_free(t))
    words = _words(name)
    if kind == "person":
        if _is_proper_name(name, lex):
            p.name_words = tuple(words)
            p.surname = words[-1]
            p.keys.add("s:" + p.surname)
            if len(words) >= 2:
                p.keys.add("p:" + " ".join(words))
        elif side_key and country_free(name):
            p.keys.add("d:" + " ".join(sorted(set(country_free(name)))) + "|" + side_key)
        for title in titles:  # a named person is also found by the descriptions given of them
            if side_key and country_free(title):
                p.keys.add("d:" + " ".join(sorted(set(country_free(title)))) + "|" + side_key)
    elif kind == "government":  # a seat of government ("the Kremlin") is its own body
        country = without_article(name) if lex.is_seat(name) else lex.country_of(name) or side
        if country:
            p.keys.add("c:" + fold(country))
    elif kind == "organisation":
        core = country_free(name)
        if core:
            p.keys.add("o:" + " ".join(sorted(set(core))) + "|" + side_key)
        for acronym in _acronyms(name, lex):
            p.keys.add("a:" + acronym)
    elif kind == "group" and side_key:
        core = country_free(name)
        if core:
            p.keys.add("g:" + " ".join(sorted(set(core))) + "|" + side_key)
    return p


_COUNTRY_NAMES: dict[str, frozenset[str]] = {}


def _country_names(lex: Lexicons) -> frozenset[str]:
    """Folded canonical country names, once per set of lexicons."""
    names = _COUNTRY_NAMES.get(lex.digest)
    if names is None:
        names = _COUNTRY_NAMES[lex.digest] = frozenset(fold(c) for c in lex.countries.values())
    return names


def _is_proper_name(name: str, lex: Lexicons) -> bool:
    """Whether a person's name is a name ("Maria Ivanova"), not a description."""
    tokens = name.replace("-", " ").split()
    if not tokens:
        return False
    for token in tokens:
        word = token.strip(".,'’").removesuffix("'s")
        if not word:
            continue
        if word.lower() in _NAME_PARTICLES:
            continue
        if not word[:1].isupper() or word.lower() in lex.titles or lex.country_of(word):
            return False
    return True


def _acronyms(name: str, lex: Lexicons) -> list[str]:
    """Acronyms a body is known by: "Center for Strategic and International Studies (CSIS)" -> ["csis"].

    A bare acronym is its own ("NATO" -> ["nato"]); initials are read only from
    three or more capitalised words naming no country ("Russian Defense
    Ministry" has none).
    """
    out = [fold(m) for m in re.findall(r"\(([A-Z][A-Z0-9&.]{1,9})\)", name)]
    bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if re.fullmatch(r"[A-Z][A-Z0-9&.]{1,9}", bare):
        out.append(fold(bare.replace(".", "")))
    else:
        words = [w for w in bare.split() if w.lower() not in _FUNCTION_WORDS]
        named = all(w[:1].isupper() and not lex.country_of(w.removesuffix("'s")) for w in words)
        if len(words) >= 3 and named:
            out.append("".join(w[0] for w in words).lower())
    return list(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class Link:
    """The ledger actor one article actor was linked to, and why."""

    ledger_actor_id: str
    confidence: float
    reason: str


def score(
    new: Profile, old: Profile, matched: Iterable[str], unique_surname: bool
) -> tuple[float, str]:
    """Confidence that ``new`` and ``old`` are one actor, given the key types they share."""
    best, reason = 0.0, ""
    sides_differ = bool(new.side and old.side and fold(new.side) != fold(old.side))
    for kind in matched:
        conf = _BASE[kind]
        why = _REASON[kind]
        if kind == "s":
            shorter, longer = sorted((new.name_words, old.name_words), key=len)
            if not set(shorter) <= set(longer):
                continue  # "Jane Smith" and "John Smith"
            titles_differ = bool(new.title_words and old.title_words) and not (
                new.title_words & old.title_words
            )
            if sides_differ or titles_differ:
                continue  # never on a surname alone when titles or sides disagree
            extras = []
            if new.side and old.side:
                conf += 0.25
                extras.append("side")
            if new.title_words & old.title_words:
                conf += 0.2
                extras.append("title")
            if unique_surname:
                conf += 0.15
                extras.append("only person of that surname")
            why = " + ".join([why, *extras])
        elif kind != "c" and sides_differ:
            conf = min(conf, 0.3)
            why += ", but the sides differ"
        if conf > best:
            best, reason = min(conf, 0.99), why
    return best, reason


# --- the ledger tables -----------------------------------------------------------


def link_article(conn: Conn, article_id: str, lex: Lexicons) -> set[str]:
    """Link every unlinked actor of one stored article; returns the ledger actor ids touched."""
    rows = conn.execute(
        "SELECT actor_id, name, kind, side, titles FROM actors"
        " WHERE article_id = ? AND link_reason IS NULL ORDER BY position",
        (article_id,),
    ).fetchall()
    first_seen = conn.execute(
        "SELECT added_at FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    touched: set[str] = set()
    for actor_id, name, kind, side, titles in rows:
        new = profile(kind, name, side, json.loads(titles), lex)
        link = _best_link(conn, new, lex) if new.keys else None
        if link is None:
            if kind == "unnamed" or not new.keys:
                _set_link(conn, article_id, actor_id, None, None, "not linked: no name to link by")
                continue
            lid = stable_id("ledger-actor", article_id, actor_id)
            conn.execute(
                "INSERT INTO ledger_actors (id, name, kind, side, titles, aliases, articles,"
                " mentions, first_seen) VALUES (?, ?, ?, ?, '[]', '[]', 0, 0, ?)",
                (lid, name, kind, side, first_seen[0] if first_seen else ""),
            )
            link = Link(lid, 1.0, "new actor")
        _set_link(conn, article_id, actor_id, link.ledger_actor_id, link.confidence, link.reason)
        touched.add(link.ledger_actor_id)
        recompute(conn, link.ledger_actor_id, lex)  # the next actor sees its keys
    return touched


def _set_link(
    conn: Conn,
    article_id: str,
    actor_id: str,
    lid: str | None,
    confidence: float | None,
    reason: str,
) -> None:
    conn.execute(
        "UPDATE actors SET ledger_actor_id = ?, link_confidence = ?, link_reason = ?"
        " WHERE article_id = ? AND actor_id = ?",
        (lid, confidence, reason, article_id, actor_id),
    )


def _best_link(conn: Conn, new: Profile, lex: Lexicons) -> Link | None:
    keys = sorted(new.keys)
    marks = ", ".join("?" for _ in keys)
    rows = conn.execute(
        f"SELECT key, ledger_actor_id FROM actor_keys WHERE key IN ({marks})", keys
    ).fetchall()
    matched: dict[str, set[str]] = {}
    for key, lid in rows:
        matched.setdefault(lid, set()).add(key[0])
    surname_owners = {lid for key, lid in rows if key.startswith("s:")}
    best: Link | None = None
    for lid in sorted(matched):
        old = _ledger_profile(conn, lid, lex)
        if old is None or old.kind != new.kind:
            continue
        conf, reason = score(new, old, sorted(matched[lid]), len(surname_owners) == 1)
        if conf >= LINK_THRESHOLD and (best is None or conf > best.confidence):
            best = Link(lid, round(conf, 2), reason)
    return best


def _ledger_profile(conn: Conn, lid: str, lex: Lexicons) -> Profile | None:
    row = conn.execute(
        "SELECT name, kind, side, titles FROM ledger_actors WHERE id = ?", (lid,)
    ).fetchone()
    if row is None:
        return None
    return profile(row[1], row[0], row[2], json.loads(row[3]), lex)


def recompute(conn: Conn, lid: str, lex: Lexicons) -> None:
    """Rebuild one ledger actor from the article actors linked to it; delete it if none are."""
    rows = conn.execute(
        "SELECT article_id, name, kind, side, titles, mentions FROM actors"
        " WHERE ledger_actor_id = ? ORDER BY article_id, position",
        (lid,),
    ).fetchall()
    conn.execute("DELETE FROM actor_keys WHERE ledger_actor_id = ?", (lid,))
    conn.execute("DELETE FROM actor_aliases WHERE ledger_actor_id = ?", (lid,))
    if not rows:
        conn.execute("DELETE FROM ledger_actors WHERE id = ?", (lid,))
        return
    kind = Counter(r[2] for r in rows).most_common(1)[0][0]
    sides = Counter(r[3] for r in rows if r[3])
    side = sides.most_common(1)[0][0] if sides else None
    names = [r[1] for r in rows if r[2] == kind]
    name = _fullest(names, kind, side, lex)
    titles = list(dict.fromkeys(t for r in rows for t in json.loads(r[4])))
    aliases = list(dict.fromkeys([name, *names, *titles, *_mention_texts(rows)]))
    n_mentions = sum(len(json.loads(r[5])) for r in rows)
    conn.execute(
        "UPDATE ledger_actors SET name = ?, kind = ?, side = ?, titles = ?, aliases = ?,"
        " articles = ?, mentions = ? WHERE id = ?",
        (
            name,
            kind,
            side,
            json.dumps(titles, ensure_ascii=False),
            json.dumps(aliases, ensure_ascii=False),
            len({r[0] for r in rows}),
            n_mentions,
            lid,
        ),
    )
    keys: set[str] = set()
    for r in rows:
        if r[2] == kind:
            keys |= profile(kind, r[1], side or r[3], [*json.loads(r[4])], lex).keys
    conn.executemany(
        "INSERT OR IGNORE INTO actor_keys (key, ledger_actor_id) VALUES (?, ?)",
        [(k, lid) for k in sorted(keys)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO actor_aliases (alias, ledger_actor_id) VALUES (?, ?)",
        [(fold(a), lid) for a in aliases],
    )


def _fullest(names: Sequence[str], kind: str, side: str | None, lex: Lexicons) -> str:
    """The canonical name: a government by its country (a seat by its own name), a person
    by their longest proper name, anything else by its longest name."""
    seats = [without_article(n) for n in names if lex.is_seat(n)]
    if kind == "government" and seats:
        return seats[0]
    if kind == "government" and side:
        return side
    if kind == "person":
        proper = [n for n in names if _is_proper_name(n, lex)]
        if proper:
            names = proper
    return max(names, key=lambda n: (len(n.split()), len(n), -names.index(n)))


def _mention_texts(rows: Sequence[sqlite3.Row | tuple[object, ...]]) -> list[str]:
    out = []
    for r in rows:
        for _start, _end, text in json.loads(str(r[5])):
            if fold(text) not in PRONOUNS:
                out.append(text)
    return out


def link_pending(conn: Conn, lex: Lexicons) -> int:
    """Link the actors of every article stored before linking existed, oldest first."""
    articles = [
        r[0]
        for r in conn.execute(
            "SELECT a.id FROM articles AS a WHERE EXISTS (SELECT 1 FROM actors AS x"
            " WHERE x.article_id = a.id AND x.link_reason IS NULL) ORDER BY a.added_at, a.id"
        ).fetchall()
    ]
    for article_id in articles:
        link_article(conn, article_id, lex)
    return len(articles)


def has_pending(conn: Conn) -> bool:
    row = conn.execute("SELECT 1 FROM actors WHERE link_reason IS NULL LIMIT 1").fetchone()
    return row is not None
