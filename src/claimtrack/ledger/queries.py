"""Reading the ledger: flat statement rows, articles, counts, whole analyses.

Every query is parameterised; the only SQL assembled here joins fixed
fragments chosen by which filters are given.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date
from typing import Any, cast

from claimtrack.ledger import linking
from claimtrack.ledger.migrations import Conn
from claimtrack.records import (
    Actor,
    ActorKind,
    Analysis,
    Article,
    Attribution,
    AttributionKind,
    Channel,
    ChannelType,
    Claim,
    Exclusion,
    Hedge,
    Place,
    Precision,
    Proposition,
    Side,
    Span,
    Stamp,
    Stance,
    StanceLabel,
    Statement,
    TimeRef,
)

TABLES = (
    "articles", "article_sources", "article_versions", "exclusions", "actors", "statements",
    "ledger_actors", "actor_aliases", "claims", "statement_co_actors",
)  # fmt: skip

# Separates the parts of a split quote in the flat "content" column.
CONTENT_JOINER = " … "


def register_functions(conn: sqlite3.Connection) -> None:
    """Add ``claimtrack_fold(text)``: Unicode case folding (SQLite's lower() is ASCII only)."""
    conn.create_function("claimtrack_fold", 1, _fold, deterministic=True)


def _fold(value: object) -> str | None:
    return None if value is None else str(value).casefold()


# A statement's date is its resolved time if it has one, else the article's
# publication date; [stmt_date, stmt_date_end] is the interval filters compare.
_DATED_STATEMENTS = """
WITH dated AS (
    SELECT s.*, a.title AS article_title, a.publisher, a.author, a.url, a.published,
        x.ledger_actor_id, la.name AS ledger_actor_name, la.side AS ledger_actor_side,
        COALESCE(s.time_start, a.published) AS stmt_date,
        CASE WHEN s.time_start IS NOT NULL THEN COALESCE(s.time_end, s.time_start)
             ELSE a.published END AS stmt_date_end,
        CASE WHEN s.time_start IS NOT NULL THEN s.time_precision
             WHEN a.published IS NOT NULL THEN 'published' END AS stmt_date_precision
    FROM statements AS s JOIN articles AS a ON a.id = s.article_id
    LEFT JOIN actors AS x ON x.article_id = s.article_id AND x.actor_id = s.actor_id
    LEFT JOIN ledger_actors AS la ON la.id = x.ledger_actor_id
)
SELECT * FROM dated
"""

_FILTERS = {
    "actor": "(instr(claimtrack_fold(actor_name), :actor) > 0"
    " OR instr(claimtrack_fold(source_text), :actor) > 0"
    " OR EXISTS (SELECT 1 FROM actor_aliases AS al WHERE al.ledger_actor_id = dated.ledger_actor_id"
    " AND instr(al.alias, :actor_alias) > 0))",
    "side": "(instr(claimtrack_fold(side), :side) > 0"
    " OR instr(claimtrack_fold(ledger_actor_side), :side) > 0)",
    "since": "stmt_date_end >= :since",
    "until": "stmt_date <= :until",
    "place": "instr(claimtrack_fold(coalesce(place_name, place_text)), :place) > 0",
    "article_id": "article_id = :article_id",
    "ledger_actor_id": "(ledger_actor_id = :ledger_actor_id OR id IN (SELECT ca.statement_id"
    " FROM statement_co_actors AS ca JOIN actors AS x ON x.article_id = ca.article_id"
    " AND x.actor_id = ca.actor_id WHERE x.ledger_actor_id = :ledger_actor_id))",
}

_ORDER = " ORDER BY stmt_date IS NULL, stmt_date, article_id, cue_start, position"


def statements(
    conn: Conn,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    place: str | None = None,
    article_id: str | None = None,
    side: str | None = None,
    ledger_actor_id: str | None = None,
) -> list[dict[str, Any]]:
    """Statements matching every given filter, one flat dict each.

    ``actor``/``place``/``side`` match case-insensitively as substrings
    ("ivanova" finds "Maria Ivanova"). ``actor`` matches the actor's name, the
    source words, or any alias of the ledger actor it is linked to (every name,
    title and mention seen in any article: "defense minister" finds statements
    where the same person is only named). ``since``/``until``
    keep statements whose date interval overlaps the range; with no resolved time
    the publication date stands in (``date_precision`` "published").
    ``ledger_actor_id`` keeps one ledger actor's statements, those it makes
    jointly with others included.
    Ordered by date, then article, then cue offset; undated statements last.
    """
    params: dict[str, object] = {
        "actor": _fold(actor),
        "side": _fold(side),
        "since": None if since is None else since.isoformat(),
        "until": None if until is None else until.isoformat(),
        "place": _fold(place),
        "article_id": article_id,
        "ledger_actor_id": ledger_actor_id,
    }
    given = [name for name, value in params.items() if value is not None]
    where = " WHERE " + " AND ".join(_FILTERS[n] for n in given) if given else ""
    params["actor_alias"] = None if actor is None else linking.fold(actor)  # as aliases are stored
    rows = conn.execute(_DATED_STATEMENTS + where + _ORDER, params).fetchall()
    return [_flat_statement(row) for row in rows]


def _flat_statement(row: sqlite3.Row) -> dict[str, Any]:
    content = _load_spans(row["content"])
    hedges = json.loads(row["hedges"])
    return {
        "statement_id": row["id"],
        "article_id": row["article_id"],
        "article_title": row["article_title"],
        "publisher": row["publisher"],
        "author": row["author"],
        "url": row["url"],
        "published": row["published"],
        "source_text": row["source_text"],
        "source_start": row["source_start"],
        "source_end": row["source_end"],
        "actor_id": row["actor_id"],
        "actor": row["actor_name"],
        "side": row["side"],
        "ledger_actor_id": row["ledger_actor_id"],
        "ledger_actor": row["ledger_actor_name"],
        "cue": row["cue_text"],
        "cue_start": row["cue_start"],
        "cue_end": row["cue_end"],
        "content": CONTENT_JOINER.join(span.text for span in content),
        "content_start": content[0].start if content else None,
        "content_end": content[-1].end if content else None,
        "kind": row["kind"],
        "channel": row["channel_type"],
        "platform": row["channel_platform"],
        "date": row["stmt_date"],
        "date_end": row["stmt_date_end"],
        "date_precision": row["stmt_date_precision"],
        "time_text": row["time_text"],
        "place": row["place_name"] or row["place_text"],
        "hedges": "; ".join(h[2] for h in hedges) or None,
        "proposition_key": row["proposition_key"],
        "polarity": row["proposition_polarity"],
        "stance": row["stance_label"],
    }


_ARTICLE_SUMMARY = """
SELECT a.id, a.title, a.publisher, a.author, a.url, a.published, a.source, a.raw_sha256,
    a.raw_path, a.schema_version, a.claimtrack_version, a.model, a.model_version,
    a.lexicon_hash, a.added_at, a.updated_at,
    (SELECT count(*) FROM statements AS s WHERE s.article_id = a.id) AS statement_count
FROM articles AS a
"""


def articles(conn: Conn) -> list[dict[str, Any]]:
    """Every stored article without its text, by publication date (undated last).

    Each has its ``sources`` and its ``versions``: [{"url", "version",
    "previous_id"}], one per URL whose text it was (see ``versions``).
    """
    rows = conn.execute(_ARTICLE_SUMMARY + " ORDER BY a.published IS NULL, a.published, a.id")
    sources, versions = _sources(conn), _versions_of(conn)
    return [
        _article_summary(row, sources.get(row["id"], []), versions.get(row["id"], []))
        for row in rows.fetchall()
    ]


def versions(conn: Conn, url: str) -> list[dict[str, Any]]:
    """Every text seen at ``url``, oldest first; [] for a URL never seen.

    [{"url": u, "version": 1, "article_id": A, "previous_id": None, "first_seen": ...,
      "title": ..., "published": ...},
     {"url": u, "version": 2, "article_id": B, "previous_id": A, ...}]
    """
    rows = conn.execute(
        "SELECT v.url, v.version, v.article_id, v.previous_id, v.first_seen, a.title, a.published"
        " FROM article_versions AS v JOIN articles AS a ON a.id = v.article_id"
        " WHERE v.url = ? ORDER BY v.version",
        (url,),
    )
    return [dict(row) for row in rows.fetchall()]


def _versions_of(
    conn: Conn, article_id: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """article id -> [{"url", "version", "previous_id"}], for article summaries."""
    sql = "SELECT article_id, url, version, previous_id FROM article_versions"
    if article_id is not None:
        sql += " WHERE article_id = :article_id"
    rows = conn.execute(sql + " ORDER BY url, version", {"article_id": article_id})
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows.fetchall():
        item = {"url": row["url"], "version": row["version"], "previous_id": row["previous_id"]}
        out.setdefault(row["article_id"], []).append(item)
    return out


def _sources(conn: Conn, article_id: str | None = None) -> dict[str, list[str]]:
    sql = "SELECT article_id, source FROM article_sources"
    if article_id is not None:
        sql += " WHERE article_id = :article_id"
    rows = conn.execute(sql + " ORDER BY first_seen, source", {"article_id": article_id})
    out: dict[str, list[str]] = {}
    for row in rows.fetchall():
        out.setdefault(row["article_id"], []).append(row["source"])
    return out


def _article_summary(
    row: sqlite3.Row, sources: list[str], versions: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "article_id": row["id"],
        "title": row["title"],
        "publisher": row["publisher"],
        "author": row["author"],
        "url": row["url"],
        "published": row["published"],
        "source": row["source"],
        "raw_sha256": row["raw_sha256"],
        "raw_path": row["raw_path"],
        "sources": sources,
        "versions": versions,
        "statements": row["statement_count"],
        "schema_version": row["schema_version"],
        "claimtrack_version": row["claimtrack_version"],
        "model": row["model"],
        "model_version": row["model_version"],
        "lexicon_hash": row["lexicon_hash"],
        "added_at": row["added_at"],
        "updated_at": row["updated_at"],
    }


def article(conn: Conn, article_id: str) -> dict[str, Any] | None:
    """One article's summary plus ``text``, ``encoding``, ``exclusions`` and ``sightings``.

    ``sightings``: every place it was seen, first seen first, as {"source",
    "first_seen", "url", "raw_sha256", "raw_path"}. None if the article is absent.
    """
    row = conn.execute(_ARTICLE_SUMMARY + " WHERE a.id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    extra = conn.execute("SELECT text, encoding FROM articles WHERE id = ?", (article_id,))
    text, encoding = extra.fetchone()
    exclusions = [
        {"start": e.span.start, "end": e.span.end, "text": e.span.text, "reason": e.reason}
        for e in _exclusions(conn, article_id)
    ]
    sources = _sources(conn, article_id).get(article_id, [])
    summary = _article_summary(row, sources, _versions_of(conn, article_id).get(article_id, []))
    return {
        **summary,
        "text": text,
        "encoding": encoding,
        "exclusions": exclusions,
        "sightings": _sightings(conn, article_id),
    }


def _sightings(conn: Conn, article_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT source, first_seen, url, raw_sha256, raw_path FROM article_sources"
        " WHERE article_id = ? ORDER BY first_seen, source",
        (article_id,),
    )
    return [dict(row) for row in rows.fetchall()]


def counts(conn: Conn) -> dict[str, int]:
    """Rows per ledger table: ``{"articles": 1, "article_sources": 2, ...}``."""
    # Table names come from TABLES above; identifiers cannot be parameters.
    return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}


def analysis(conn: Conn, article_id: str) -> Analysis | None:
    """The stored analysis of ``article_id`` rebuilt as records, or None.

    Equal to the ``Analysis`` that was added, except that ``article.source`` is
    the source of the analysis stored last.
    """
    row = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    return Analysis(
        article=_article(row),
        exclusions=_exclusions(conn, article_id),
        actors=_actors(conn, article_id),
        statements=_statements(conn, article_id),
        stamp=Stamp(
            row["claimtrack_version"], row["model"], row["model_version"], row["lexicon_hash"]
        ),
        schema_version=row["schema_version"],
    )


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _span(row: sqlite3.Row, prefix: str) -> Span | None:
    """The span stored in ``<prefix>_start/_end/_text``, or None."""
    start = row[f"{prefix}_start"]
    if start is None:
        return None
    return Span(start, row[f"{prefix}_end"], row[f"{prefix}_text"])


def _load_spans(data: str) -> tuple[Span, ...]:
    """``'[[0, 4, "Kyiv"]]'`` -> ``(Span(0, 4, "Kyiv"),)``."""
    return tuple(Span(start, end, text) for start, end, text in json.loads(data))


def _article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        text=row["text"],
        source=row["source"],
        title=row["title"],
        publisher=row["publisher"],
        url=row["url"],
        published=_date(row["published"]),
        encoding=row["encoding"],
        author=row["author"],
        raw_sha256=row["raw_sha256"],
        raw_path=row["raw_path"],
    )


def _exclusions(conn: Conn, article_id: str) -> tuple[Exclusion, ...]:
    rows = conn.execute(
        "SELECT * FROM exclusions WHERE article_id = ? ORDER BY position", (article_id,)
    )
    return tuple(Exclusion(cast(Span, _span(r, "span")), r["reason"]) for r in rows.fetchall())


def _actors(conn: Conn, article_id: str) -> tuple[Actor, ...]:
    rows = conn.execute(
        "SELECT * FROM actors WHERE article_id = ? ORDER BY position", (article_id,)
    )
    return tuple(_actor(r) for r in rows.fetchall())


def _actor(row: sqlite3.Row) -> Actor:
    evidence = _span(row, "side")
    return Actor(
        actor_id=row["actor_id"],
        name=row["name"],
        kind=cast(ActorKind, row["kind"]),
        titles=tuple(json.loads(row["titles"])),
        side=None if evidence is None else Side(row["side"], evidence),
        mentions=_load_spans(row["mentions"]),
    )


def _statements(conn: Conn, article_id: str) -> tuple[Statement, ...]:
    rows = conn.execute(
        "SELECT * FROM statements WHERE article_id = ? ORDER BY position", (article_id,)
    )
    claims: dict[str, list[Claim]] = {}
    claim_rows = conn.execute(
        "SELECT * FROM claims WHERE article_id = ? ORDER BY statement_id, position", (article_id,)
    )
    for c in claim_rows.fetchall():
        claims.setdefault(c["statement_id"], []).append(_claim(c))
    co_actors: dict[str, list[str]] = {}
    for c in conn.execute(
        "SELECT statement_id, actor_id FROM statement_co_actors WHERE article_id = ?"
        " ORDER BY statement_id, position",
        (article_id,),
    ).fetchall():
        co_actors.setdefault(c["statement_id"], []).append(c["actor_id"])
    out = []
    for r in rows.fetchall():
        st = _statement(r)
        if st.id in co_actors:
            st = replace(st, co_actor_ids=tuple(co_actors[st.id]))
        mine = claims.get(st.id)
        if mine:  # the first claim is the statement's own proposition and stance
            st = replace(st, proposition=mine[0].proposition, stance=mine[0].stance, claims=tuple(mine))
        out.append(st)
    return tuple(out)


def _claim(row: sqlite3.Row) -> Claim:
    proposition = Proposition(
        key=row["proposition_key"],
        subject=_span(row, "subject"),
        predicate=row["predicate"],
        object=_span(row, "object"),
        polarity=row["polarity"],
        predicate_class=row["predicate_class"],
        subject_name=row["subject_name"],
        object_name=row["object_name"],
        predicate_span=_span(row, "predicate"),
        partial=_span(row, "partial"),
    )
    stance = Stance(cast(StanceLabel, row["stance"]), _load_spans(row["stance_evidence"]), row["stance_reason"])
    return Claim(proposition, stance, row["repeats"])


def _statement(row: sqlite3.Row) -> Statement:
    attribution = Attribution(
        id=row["id"],
        article_id=row["article_id"],
        kind=cast(AttributionKind, row["kind"]),
        cue=cast(Span, _span(row, "cue")),
        source=_span(row, "source"),
        content=_load_spans(row["content"]),
        notes=tuple(json.loads(row["notes"])),
    )
    return Statement(
        attribution=attribution,
        actor_id=row["actor_id"],
        channel=_channel(row),
        time=_time(row),
        place=_place(row),
        hedges=tuple(Hedge(Span(s, e, t), by) for s, e, t, by in json.loads(row["hedges"])),
        proposition=_proposition(row),
        stance=Stance(cast(StanceLabel, row["stance_label"]), _load_spans(row["stance_evidence"])),
        content_times=tuple(
            TimeRef(Span(a, b, t), cast(Precision, p), _date(d0), _date(d1), dur)
            for a, b, t, p, d0, d1, dur in json.loads(row["content_times"])
        ),
    )


def _place(row: sqlite3.Row) -> Place | None:
    span = _span(row, "place")
    if span is None:
        return None
    return Place(span.start, span.end, span.text, name=row["place_name"] or span.text)


def _channel(row: sqlite3.Row) -> Channel:
    return Channel(
        type=cast(ChannelType, row["channel_type"]),
        platform=row["channel_platform"],
        evidence=_span(row, "channel_evidence"),
        carried_over=bool(row["channel_carried_over"]),
    )


def _time(row: sqlite3.Row) -> TimeRef | None:
    if row["time_span_start"] is None:
        return None
    return TimeRef(
        span=Span(row["time_span_start"], row["time_span_end"], row["time_text"]),
        precision=cast(Precision, row["time_precision"]),
        start=_date(row["time_start"]),
        end=_date(row["time_end"]),
        duration=row["time_duration"],
    )


def _proposition(row: sqlite3.Row) -> Proposition | None:
    if row["proposition_key"] is None:
        return None
    return Proposition(
        key=row["proposition_key"],
        subject=_span(row, "proposition_subject"),
        predicate=row["proposition_predicate"],
        object=_span(row, "proposition_object"),
        polarity=row["proposition_polarity"],
    )


_LEDGER_ACTORS = """
SELECT la.*, (SELECT count(*) FROM statements AS s JOIN actors AS x
              ON x.article_id = s.article_id AND x.actor_id = s.actor_id
              WHERE x.ledger_actor_id = la.id)
           + (SELECT count(*) FROM statement_co_actors AS ca JOIN actors AS x
              ON x.article_id = ca.article_id AND x.actor_id = ca.actor_id
              WHERE x.ledger_actor_id = la.id) AS statement_count  -- joint statements too
FROM ledger_actors AS la
"""

_ACTOR_FILTERS = {
    "name": "EXISTS (SELECT 1 FROM actor_aliases AS al WHERE al.ledger_actor_id = la.id"
    " AND instr(al.alias, :name) > 0)",
    "side": "instr(claimtrack_fold(la.side), :side) > 0",
    "kind": "la.kind = :kind",
    "actor_id": "la.id = :actor_id",
}


def ledger_actors(
    conn: Conn,
    name: str | None = None,
    side: str | None = None,
    kind: str | None = None,
    actor_id: str | None = None,
) -> list[dict[str, Any]]:
    """Actors across articles, most statements first, each with its links.

    ``name`` matches any alias as a folded substring; ``side`` the side as a
    substring; ``kind`` exactly. Each dict has ``links``: one per article actor
    linked to it, with the article, the name used there, the confidence and the
    reason.
    """
    params: dict[str, object] = {
        "name": None if name is None else linking.fold(name),
        "side": _fold(side),
        "kind": kind,
        "actor_id": actor_id,
    }
    given = [n for n, value in params.items() if value is not None]
    where = " WHERE " + " AND ".join(_ACTOR_FILTERS[n] for n in given) if given else ""
    order = " ORDER BY statement_count DESC, la.articles DESC, la.name, la.id"
    rows = conn.execute(_LEDGER_ACTORS + where + order, params).fetchall()
    links = _links(conn, [r["id"] for r in rows])
    return [
        {
            "ledger_actor_id": r["id"],
            "name": r["name"],
            "kind": r["kind"],
            "side": r["side"],
            "titles": json.loads(r["titles"]),
            "aliases": json.loads(r["aliases"]),
            "articles": r["articles"],
            "mentions": r["mentions"],
            "statements": r["statement_count"],
            "first_seen": r["first_seen"],
            "links": links.get(r["id"], []),
        }
        for r in rows
    ]


def _links(conn: Conn, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if not ids:
        return out
    rows = conn.execute(
        "SELECT x.ledger_actor_id, x.article_id, x.actor_id, x.name, x.side,"
        " x.link_confidence, x.link_reason, a.title, a.published"
        " FROM actors AS x JOIN articles AS a ON a.id = x.article_id"
        " WHERE x.ledger_actor_id IN (SELECT value FROM json_each(?))"
        " ORDER BY a.published IS NULL, a.published, x.article_id, x.position",
        (json.dumps(ids),),
    ).fetchall()
    for r in rows:
        out.setdefault(r["ledger_actor_id"], []).append(
            {
                "article_id": r["article_id"],
                "article_title": r["title"],
                "published": r["published"],
                "actor_id": r["actor_id"],
                "name": r["name"],
                "side": r["side"],
                "confidence": r["link_confidence"],
                "reason": r["link_reason"],
            }
        )
    return out
