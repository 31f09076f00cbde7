"""The ledger: analyses stored in a SQLite file, one transaction per article.

Articles are keyed on ``Article.id`` (a hash of the text) and each stored
analysis on a fingerprint of everything in it but the place it was read from.
Adding the same analysis again changes nothing; adding another analysis of the
same article (another claimtrack, model or lexicon; another publication date)
replaces that article's rows. Every place an article was seen is kept in
``article_sources`` (with the URL and raw-input provenance of that sighting),
and every text seen at a URL in ``article_versions``: when the text at a URL
changes, the new article is the next version, linked to the one before.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal

from claimtrack import lexicons as lexicons_mod
from claimtrack.errors import LedgerError
from claimtrack.ledger import linking, pg, propositions, queries, transfer
from claimtrack.ledger.migrations import (
    Conn,
    check_ledger,
    latest_version,
    migrate,
    write_transaction,
)
from claimtrack.ledger.pg import PgConnection
from claimtrack.records import Actor, Analysis, Article, Claim, Span, Statement, TimeRef, to_dict

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

AddOutcome = Literal["added", "replaced", "unchanged"]

# How long a writer waits for another connection's transaction before giving up.
BUSY_TIMEOUT_S = 30.0

# SQLITE_NOTADB: the file exists but is not a SQLite database.
_SQLITE_NOTADB = 26


class Ledger:
    """A ledger file; use as a context manager or call ``close()``.

    >>> with Ledger(tmp / "news.db") as ledger:  # doctest: +SKIP
    ...     ledger.add(analysis)                    # "added", then "unchanged"
    ...     ledger.statements(actor="ivanova")     # [{"actor": "Maria Ivanova", ...}]
    """

    def __init__(
        self,
        path: str | Path = "claimtrack.db",
        lexicons: lexicons_mod.Lexicons | None = None,
        read_only: bool = False,
    ) -> None:
        self.url: str | None = str(path) if pg.is_url(path) else None
        self.path: Path | str = pg.redact(self.url) if self.url else Path(path)
        self._lexicons = lexicons
        self.read_only = read_only
        self._conn: Conn | None
        if self.url is not None:
            self._conn = open_postgresql(self.url, read_only)
        else:
            assert isinstance(self.path, Path)
            self._conn = open_read_only(self.path) if read_only else open_connection(self.path)
        if read_only:
            return
        try:
            self._link_pending()
        except BaseException:
            self.close()
            raise

    @property
    def lexicons(self) -> lexicons_mod.Lexicons:
        """The lexicons actor linking reads (the packaged ones unless given)."""
        if self._lexicons is None:
            self._lexicons = lexicons_mod.load()
        return self._lexicons

    def _link_pending(self) -> None:
        """Link the actors of articles stored before schema version 4, in one transaction."""
        conn = self._db
        if not linking.has_pending(conn):
            return
        with write_transaction(conn, f"{self.path}: cannot link the stored actors"):
            linking.link_pending(conn, self.lexicons)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else "open"
        return f"Ledger({str(self.path)!r}, {state})"

    def close(self) -> None:
        """Close the file; calling it again does nothing."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return "sqlite" if self.url is None else "postgresql"

    @property
    def _db(self) -> Conn:
        if self._conn is None:
            raise LedgerError(f"{self.path}: ledger is closed")
        return self._conn

    def add(self, analysis: Analysis) -> AddOutcome:
        """Store one analysed article in one transaction; say what changed.

        "added" for a new article, "unchanged" when the same analysis is already
        stored, "replaced" when another analysis of the same text was. On any
        failure nothing of this article is written and ``LedgerError`` (or the
        original exception) is raised.
        """
        article = analysis.article
        with write_transaction(
            self._db, f"{self.path}: cannot store article {article.id} from {article.source}"
        ):
            outcome = store_analysis(self._db, analysis, self.lexicons)
        return outcome

    def statements(
        self,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        place: str | None = None,
        article_id: str | None = None,
        side: str | None = None,
        ledger_actor_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Statements as flat dicts, ordered by date, article, cue; see ``queries.statements``."""
        return queries.statements(
            self._db, actor=actor, since=since, until=until, place=place,
            article_id=article_id, side=side, ledger_actor_id=ledger_actor_id,
        )

    def actors(
        self,
        name: str | None = None,
        side: str | None = None,
        kind: str | None = None,
        actor_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Actors across articles with their aliases and links; see ``queries.ledger_actors``."""
        return queries.ledger_actors(self._db, name=name, side=side, kind=kind, actor_id=actor_id)

    def articles(self) -> list[dict[str, Any]]:
        """One dict per stored article (no text), by publication date, with its versions."""
        return queries.articles(self._db)

    def versions(self, url: str) -> list[dict[str, Any]]:
        """Every text seen at ``url``, oldest first; see ``queries.versions``."""
        return queries.versions(self._db, url)

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its text, exclusions and every sighting, or None if not stored."""
        return queries.article(self._db, article_id)

    def analysis(self, article_id: str) -> Analysis | None:
        """The stored analysis of one article, rebuilt as records, or None."""
        return queries.analysis(self._db, article_id)

    def propositions(self, **filters: Any) -> list[dict[str, Any]]:
        """Proposition groups with their statement counts; see ``propositions.propositions``.

        Filters: ``since``, ``until`` (dates), ``place``, ``side``, ``min_statements``.
        """
        return propositions.propositions(self._db, self.lexicons.exclusive_classes, **filters)

    def disputes(self, **filters: Any) -> list[dict[str, Any]]:
        """Propositions asserted by one side and denied by another; see ``propositions.disputes``."""
        return propositions.disputes(self._db, self.lexicons.exclusive_classes, **filters)

    def corroborations(self, **filters: Any) -> list[dict[str, Any]]:
        """Propositions asserted by independent sources; see ``propositions.corroborations``."""
        return propositions.corroborations(self._db, self.lexicons.exclusive_classes, **filters)

    def proposition(self, key: str) -> dict[str, Any] | None:
        """One proposition group with every statement, and the disputes and corroboration it is
        part of; None for an unknown key. See ``propositions.proposition``."""
        return propositions.proposition(self._db, self.lexicons.exclusive_classes, key)

    def timeline(self, **filters: Any) -> dict[str, Any]:
        """One proposition's or one actor's claims in date order; see ``propositions.timeline``."""
        return propositions.timeline(self._db, self.lexicons.exclusive_classes, **filters)

    def export(self, out: IO[str]) -> int:
        """Write every row as JSON Lines (``transfer``); returns the number of rows."""
        return transfer.write_export(self._db, out)

    def import_rows(self, lines: Iterable[str], where: str = "<import>") -> dict[str, int]:
        """Load an export into this ledger, which must hold no articles; rows per table."""
        return transfer.import_lines(self._db, lines, where)

    def counts(self) -> dict[str, int]:
        """Rows per table: ``{"articles": 1, "statements": 2, ...}``."""
        return queries.counts(self._db)


def open_connection(path: Path) -> sqlite3.Connection:
    """A connection to the ledger at ``path``, created or migrated as needed.

    Raises ``LedgerError`` ("not a claimtrack ledger: ...") for a file that is not
    one, and ``SchemaVersionError`` for a ledger from a newer claimtrack.
    """
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise LedgerError(f"{path}: cannot open ledger: {exc}") from exc
    try:
        _prepare(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def open_postgresql(url: str, read_only: bool = False) -> PgConnection:
    """A connection to the PostgreSQL ledger at ``url``, created or migrated as needed,
    unless ``read_only``: then it must exist at the latest version, as for ``open_read_only``."""
    conn = PgConnection(url, read_only=read_only)
    where = pg.redact(url)
    try:
        if read_only:
            version = check_ledger(conn, where)
            if version == 0:
                raise LedgerError(f"{where}: no ledger in this database; create one with 'claimtrack ingest INPUT --db URL'")
            _require_latest(version, where, "URL")
        else:
            migrate(conn, where)
    except BaseException:
        conn.close()
        raise
    return conn


def _require_latest(version: int, where: str, db: str) -> None:
    """Raise unless ``version`` (from ``check_ledger``, which refuses a newer one) is this
    claimtrack's schema version: an older ledger needs an upgrade, which writes."""
    if version < latest_version():
        raise LedgerError(
            f"{where}: ledger schema version {version} is older than this claimtrack's "
            f"({latest_version()}); upgrade it once with 'claimtrack serve --upgrade --db {db}'"
        )


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to an existing ledger of the latest schema version.

    Nothing is created or migrated: a missing file, a file that is not a
    ledger, a ledger from a newer claimtrack (``SchemaVersionError``) and one from
    an older claimtrack (which a write would migrate) each raise ``LedgerError``.
    The connection may be used from any one thread at a time.
    """
    if not path.is_file():
        raise LedgerError(f"{path}: no such ledger; create one with 'claimtrack ingest INPUT --db {path}'")
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise LedgerError(f"{path}: cannot open ledger: {exc}") from exc
    try:
        _require_latest(check_ledger(conn, str(path)), str(path), str(path))
        conn.row_factory = sqlite3.Row
        queries.register_functions(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _not_a_database(exc):
            raise LedgerError(f"not a claimtrack ledger: {path} ({exc})") from exc
        raise LedgerError(f"{path}: cannot open ledger: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        # WAL lets readers work while one writer writes; it is also the first
        # statement that reads the file, so a non-database fails here.
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, str(path))
    except sqlite3.DatabaseError as exc:
        if _not_a_database(exc):
            raise LedgerError(f"not a claimtrack ledger: {path} ({exc})") from exc
        raise LedgerError(f"{path}: cannot open ledger: {exc}") from exc
    conn.row_factory = sqlite3.Row
    queries.register_functions(conn)


def _not_a_database(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    return code == _SQLITE_NOTADB or "not a database" in str(exc)


def store_analysis(
    conn: Conn, analysis: Analysis, lex: lexicons_mod.Lexicons
) -> AddOutcome:
    """Write ``analysis`` inside the caller's transaction; returns what changed.

    Its actors are linked to the ledger's actors (``linking``); a replaced
    analysis's old links are undone and every ledger actor they touched rebuilt.
    """
    article = analysis.article
    _check_statements_belong(analysis)
    fingerprint = analysis_hash(analysis)
    now = _now()
    row = conn.execute("SELECT analysis_hash FROM articles WHERE id = ?", (article.id,)).fetchone()
    outcome: AddOutcome
    if row is None:
        _insert_article(conn, _article_row(analysis, fingerprint, now))
        _insert_children(conn, analysis)
        linking.link_article(conn, article.id, lex)
        outcome = "added"
    elif row[0] == fingerprint:
        outcome = "unchanged"
    else:
        _update_article(conn, _article_row(analysis, fingerprint, now))
        old_links = _ledger_actors_of(conn, article.id)
        _delete_children(conn, article.id)
        for lid in old_links:
            linking.recompute(conn, lid, lex)
        _insert_children(conn, analysis)
        linking.link_article(conn, article.id, lex)
        outcome = "replaced"
    _insert_source(conn, article, now)
    _insert_version(conn, article, now)
    return outcome


def _ledger_actors_of(conn: Conn, article_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT ledger_actor_id FROM actors"
        " WHERE article_id = ? AND ledger_actor_id IS NOT NULL ORDER BY 1",
        (article_id,),
    )
    return [r[0] for r in rows.fetchall()]


def _check_statements_belong(analysis: Analysis) -> None:
    for statement in analysis.statements:
        if statement.attribution.article_id != analysis.article.id:
            raise LedgerError(
                f"statement {statement.id} belongs to article {statement.attribution.article_id},"
                f" not {analysis.article.id}"
            )


def analysis_hash(analysis: Analysis) -> str:
    """A fingerprint of everything stored for an article except where it was read.

    The same text read from two files gives the same hash; another stamp, or
    another publication date (which moves every resolved "on Friday"), does not.
    Provenance (source, raw_sha256, raw_path) belongs to the sighting, not the
    analysis; an unknown author is left out, so ledgers written before authors
    existed keep their fingerprints; so are a statement's empty content dates and
    a place name that is the place's own text (schema 5), and empty claims, stance
    reasons and proposition names (schema 6).
    """
    data = to_dict(analysis)
    for key in ("source", "raw_sha256", "raw_path"):
        del data["article"][key]
    if data["article"]["author"] is None:
        del data["article"]["author"]
    for statement in data["statements"]:
        if not statement["content_times"]:
            del statement["content_times"]
        _drop_empty_claim_fields(statement)
        place = statement["place"]
        if place is not None and place["name"] == place["text"]:
            del place["name"]
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


_PROPOSITION_ADDED = ("predicate_class", "subject_name", "object_name", "predicate_span", "partial")


def _drop_empty_claim_fields(statement: dict[str, Any]) -> None:
    """Leave out what schema 6 added when it is empty, so older fingerprints still match."""
    if not statement["claims"]:
        del statement["claims"]
    if not statement["co_actor_ids"]:  # schema 7
        del statement["co_actor_ids"]
    if statement["stance"]["reason"] is None:
        del statement["stance"]["reason"]
    prop = statement["proposition"]
    if prop is not None:
        for key in _PROPOSITION_ADDED:
            if prop[key] in (None, ""):
                del prop[key]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _iso(day: date | None) -> str | None:
    # Dates go in as ISO text: sqlite3's default date adapters are deprecated (3.12).
    return None if day is None else day.isoformat()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _spans(spans: tuple[Span, ...]) -> list[list[object]]:
    return [[s.start, s.end, s.text] for s in spans]


def _span_columns(prefix: str, span: Span | None) -> dict[str, object]:
    """``("cue", Span(3, 7, "said"))`` -> ``{"cue_start": 3, "cue_end": 7, "cue_text": "said"}``."""
    return {
        f"{prefix}_start": None if span is None else span.start,
        f"{prefix}_end": None if span is None else span.end,
        f"{prefix}_text": None if span is None else span.text,
    }


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    params = ", ".join(f":{c}" for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({params})"


ARTICLE_COLUMNS = (
    "id",
    "text",
    "source",
    "title",
    "publisher",
    "url",
    "published",
    "encoding",
    "author",
    "raw_sha256",
    "raw_path",
    "schema_version",
    "claimtrack_version",
    "model",
    "model_version",
    "lexicon_hash",
    "analysis_hash",
    "added_at",
    "updated_at",
)


def _article_row(analysis: Analysis, fingerprint: str, now: str) -> dict[str, object]:
    article, stamp = analysis.article, analysis.stamp
    return {
        "id": article.id,
        "text": article.text,
        "source": article.source,
        "title": article.title,
        "publisher": article.publisher,
        "url": article.url,
        "published": _iso(article.published),
        "encoding": article.encoding,
        "author": article.author,
        "raw_sha256": article.raw_sha256,
        "raw_path": article.raw_path,
        "schema_version": analysis.schema_version,
        "claimtrack_version": stamp.claimtrack_version,
        "model": stamp.model,
        "model_version": stamp.model_version,
        "lexicon_hash": stamp.lexicon_hash,
        "analysis_hash": fingerprint,
        "added_at": now,
        "updated_at": now,
    }


def _insert_article(conn: Conn, row: dict[str, object]) -> None:
    conn.execute(_insert_sql("articles", ARTICLE_COLUMNS), row)


def _update_article(conn: Conn, row: dict[str, object]) -> None:
    # added_at stays: it says when the article was first stored.
    kept = ("id", "added_at")
    assignments = ", ".join(f"{c} = :{c}" for c in ARTICLE_COLUMNS if c not in kept)
    conn.execute(f"UPDATE articles SET {assignments} WHERE id = :id", row)


def _delete_children(conn: Conn, article_id: str) -> None:
    for table in ("claims", "statement_co_actors", "statements", "actors", "exclusions"):
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))


def _insert_children(conn: Conn, analysis: Analysis) -> None:
    _insert_exclusions(conn, analysis)
    _insert_actors(conn, analysis)
    _insert_statements(conn, analysis)
    _insert_co_actors(conn, analysis)
    _insert_claims(conn, analysis)


_INSERT_SOURCE = """
INSERT INTO article_sources (article_id, source, first_seen, url, raw_sha256, raw_path)
VALUES (:id, :source, :now, :url, :raw_sha256, :raw_path)
ON CONFLICT (article_id, source) DO UPDATE SET
    url = coalesce(article_sources.url, excluded.url),
    raw_sha256 = coalesce(article_sources.raw_sha256, excluded.raw_sha256),
    raw_path = coalesce(article_sources.raw_path, excluded.raw_path)
"""


def _insert_source(conn: Conn, article: Article, now: str) -> None:
    """Record this sighting; seen there before, it only fills in what was unknown."""
    conn.execute(
        _INSERT_SOURCE,
        {
            "id": article.id,
            "source": article.source,
            "now": now,
            "url": article.url,
            "raw_sha256": article.raw_sha256,
            "raw_path": article.raw_path,
        },
    )


def _insert_version(conn: Conn, article: Article, now: str) -> None:
    """Make the article the next version of its URL's text, unless seen there before.

    Text A at https://x/1, then text B there: B is version 2, previous_id A.
    A seen again there afterwards stays version 1.
    """
    if article.url is None:
        return
    seen = conn.execute(
        "SELECT 1 FROM article_versions WHERE url = ? AND article_id = ?", (article.url, article.id)
    ).fetchone()
    if seen is not None:
        return
    last = conn.execute(
        "SELECT version, article_id FROM article_versions WHERE url = ?"
        " ORDER BY version DESC LIMIT 1",
        (article.url,),
    ).fetchone()
    version, previous = (1, None) if last is None else (last[0] + 1, last[1])
    conn.execute(
        "INSERT INTO article_versions (url, version, article_id, previous_id, first_seen)"
        " VALUES (?, ?, ?, ?, ?)",
        (article.url, version, article.id, previous, now),
    )


def _insert_exclusions(conn: Conn, analysis: Analysis) -> None:
    rows = [
        (analysis.article.id, i, e.span.start, e.span.end, e.span.text, e.reason)
        for i, e in enumerate(analysis.exclusions)
    ]
    conn.executemany(
        "INSERT INTO exclusions (article_id, position, span_start, span_end, span_text, reason)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


ACTOR_COLUMNS = (
    "article_id",
    "actor_id",
    "position",
    "name",
    "kind",
    "titles",
    "side",
    "side_start",
    "side_end",
    "side_text",
    "mentions",
)


def _actor_row(article_id: str, position: int, actor: Actor) -> dict[str, object]:
    side = actor.side
    return {
        "article_id": article_id,
        "actor_id": actor.actor_id,
        "position": position,
        "name": actor.name,
        "kind": actor.kind,
        "titles": _json(list(actor.titles)),
        "side": None if side is None else side.name,
        **_span_columns("side", None if side is None else side.evidence),
        "mentions": _json(_spans(actor.mentions)),
    }


def _insert_actors(conn: Conn, analysis: Analysis) -> None:
    rows = [_actor_row(analysis.article.id, i, a) for i, a in enumerate(analysis.actors)]
    conn.executemany(_insert_sql("actors", ACTOR_COLUMNS), rows)


STATEMENT_COLUMNS = (
    "id",
    "article_id",
    "position",
    "kind",
    "cue_start",
    "cue_end",
    "cue_text",
    "source_start",
    "source_end",
    "source_text",
    "content",
    "notes",
    "actor_id",
    "actor_name",
    "side",
    "channel_type",
    "channel_platform",
    "channel_evidence_start",
    "channel_evidence_end",
    "channel_evidence_text",
    "channel_carried_over",
    "time_span_start",
    "time_span_end",
    "time_text",
    "time_precision",
    "time_start",
    "time_end",
    "time_duration",
    "place_start",
    "place_end",
    "place_text",
    "place_name",
    "content_times",
    "hedges",
    "proposition_key",
    "proposition_predicate",
    "proposition_polarity",
    "proposition_subject_start",
    "proposition_subject_end",
    "proposition_subject_text",
    "proposition_object_start",
    "proposition_object_end",
    "proposition_object_text",
    "stance_label",
    "stance_evidence",
)


def _insert_statements(conn: Conn, analysis: Analysis) -> None:
    actors = {a.actor_id: a for a in analysis.actors}
    rows = [
        _statement_row(s, i, actors.get(s.actor_id or ""))
        for i, s in enumerate(analysis.statements)
    ]
    conn.executemany(_insert_sql("statements", STATEMENT_COLUMNS), rows)


def _statement_row(statement: Statement, position: int, actor: Actor | None) -> dict[str, object]:
    """One ``statements`` row; ``actor`` (if resolved) supplies the name and side."""
    att = statement.attribution
    return {
        "id": statement.id,
        "article_id": att.article_id,
        "position": position,
        "kind": att.kind,
        **_span_columns("cue", att.cue),
        **_span_columns("source", att.source),
        "content": _json(_spans(att.content)),
        "notes": _json(list(att.notes)),
        "actor_id": statement.actor_id,
        "actor_name": None if actor is None else actor.name,
        "side": None if actor is None or actor.side is None else actor.side.name,
        **_channel_columns(statement),
        **_time_columns(statement),
        **_span_columns("place", statement.place),
        "place_name": None if statement.place is None else statement.place.name,
        "content_times": _json([_time_list(t) for t in statement.content_times]),
        "hedges": _json([[h.span.start, h.span.end, h.span.text, h.by] for h in statement.hedges]),
        **_proposition_columns(statement),
        "stance_label": statement.stance.label,
        "stance_evidence": _json(_spans(statement.stance.evidence)),
    }


def _insert_co_actors(conn: Conn, analysis: Analysis) -> None:
    rows = [
        (s.id, s.attribution.article_id, n, actor_id)
        for s in analysis.statements
        for n, actor_id in enumerate(s.co_actor_ids)
    ]
    conn.executemany(
        "INSERT INTO statement_co_actors (statement_id, article_id, position, actor_id) VALUES (?, ?, ?, ?)",
        rows,
    )


CLAIM_COLUMNS = (
    "statement_id", "article_id", "position", "proposition_key", "predicate_class", "predicate",
    "predicate_start", "predicate_end", "predicate_text", "polarity",
    "subject_name", "subject_key", "subject_start", "subject_end", "subject_text",
    "object_name", "object_key", "object_start", "object_end", "object_text",
    "partial_start", "partial_end", "partial_text",
    "stance", "stance_reason", "stance_evidence", "repeats",
)  # fmt: skip


def _insert_claims(conn: Conn, analysis: Analysis) -> None:
    rows = [
        _claim_row(statement, n, claim)
        for statement in analysis.statements
        for n, claim in enumerate(statement.claims)
    ]
    conn.executemany(_insert_sql("claims", CLAIM_COLUMNS), rows)


def _claim_row(statement: Statement, position: int, claim: Claim) -> dict[str, object]:
    prop = claim.proposition
    return {
        "statement_id": statement.id,
        "article_id": statement.attribution.article_id,
        "position": position,
        "proposition_key": prop.key,
        "predicate_class": prop.predicate_class or prop.predicate,
        "predicate": prop.predicate,
        **_span_columns("predicate", prop.predicate_span),
        "polarity": prop.polarity,
        "subject_name": prop.subject_name,
        "subject_key": linking.fold(prop.subject_name or ""),
        **_span_columns("subject", prop.subject),
        "object_name": prop.object_name,
        "object_key": linking.fold(prop.object_name or ""),
        **_span_columns("object", prop.object),
        **_span_columns("partial", prop.partial),
        "stance": claim.stance.label,
        "stance_reason": claim.stance.reason,
        "stance_evidence": _json(_spans(claim.stance.evidence)),
        "repeats": claim.repeats,
    }


def _channel_columns(statement: Statement) -> dict[str, object]:
    channel = statement.channel
    return {
        "channel_type": channel.type,
        "channel_platform": channel.platform,
        **_span_columns("channel_evidence", channel.evidence),
        "channel_carried_over": int(channel.carried_over),
    }


def _time_columns(statement: Statement) -> dict[str, object]:
    time = statement.time
    return {
        "time_span_start": None if time is None else time.span.start,
        "time_span_end": None if time is None else time.span.end,
        "time_text": None if time is None else time.span.text,
        "time_precision": None if time is None else time.precision,
        "time_start": None if time is None else _iso(time.start),
        "time_end": None if time is None else _iso(time.end),
        "time_duration": None if time is None else time.duration,
    }


def _time_list(time: TimeRef) -> list[object]:
    """[start, end, text, precision, first day, last day, duration]: one content time in JSON."""
    span = time.span
    return [span.start, span.end, span.text, time.precision, _iso(time.start), _iso(time.end), time.duration]


def _proposition_columns(statement: Statement) -> dict[str, object]:
    prop = statement.proposition
    return {
        "proposition_key": None if prop is None else prop.key,
        "proposition_predicate": None if prop is None else prop.predicate,
        "proposition_polarity": None if prop is None else prop.polarity,
        **_span_columns("proposition_subject", None if prop is None else prop.subject),
        **_span_columns("proposition_object", None if prop is None else prop.object),
    }
