"""Schema versions of the ledger, as an ordered list of SQL steps.

The version lives in the database header (``PRAGMA user_version``; in
PostgreSQL, the ``claimtrack_meta`` table): 0 for a new file or database, N once
steps 1..N have run. The same steps build a PostgreSQL ledger (``pg.translate``
runs their SQL there). Each step runs in its own transaction together
with the version bump, so a ledger is always at a whole version. Step 1 is
``schema.sql``; a later schema change is a new step appended to ``MIGRATIONS``,
never an edit of an earlier one.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources

from claimtrack.errors import LedgerError, SchemaVersionError
from claimtrack.ledger.pg import FUNCTIONS_SQL, PgConnection

#: A ledger connection: a SQLite file's, or a PostgreSQL database's (``pg.PgConnection``).
Conn = sqlite3.Connection | PgConnection

# Marks the file as a claimtrack ledger in its header ("ClmT"), so another
# application's SQLite database is refused rather than written into.
APPLICATION_ID = 0x436C6D54


@dataclass(frozen=True, slots=True)
class Migration:
    """One step: ``sql`` takes a ledger from ``version - 1`` to ``version``."""

    version: int
    description: str
    sql: Callable[[], str]


def schema_sql() -> str:
    """The text of ``schema.sql``, read from the installed package."""
    return resources.files("claimtrack.ledger").joinpath("schema.sql").read_text(encoding="utf-8")


# Version 2: authors and raw-input provenance (sha256 and path of the bytes an
# article was converted from), per article and per sighting, and the versions of
# each URL's text. Versions already stored are numbered by when each article was
# first added; a sighting's URL is known only for the one stored with the article.
ARTICLE_VERSIONS_SQL = """
ALTER TABLE articles ADD COLUMN author TEXT;
ALTER TABLE articles ADD COLUMN raw_sha256 TEXT;
ALTER TABLE articles ADD COLUMN raw_path TEXT;
ALTER TABLE article_sources ADD COLUMN url TEXT;
ALTER TABLE article_sources ADD COLUMN raw_sha256 TEXT;
ALTER TABLE article_sources ADD COLUMN raw_path TEXT;

-- Each text seen at a URL, in the order first seen: version 1, 2, ...; previous_id
-- is the text at version - 1. A text seen again keeps its first version.
CREATE TABLE article_versions (
    url         TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    article_id  TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    previous_id TEXT REFERENCES articles (id) ON DELETE SET NULL,
    first_seen  TEXT NOT NULL,
    PRIMARY KEY (url, version),
    UNIQUE (url, article_id)
);
CREATE INDEX article_versions_article ON article_versions (article_id);

INSERT INTO article_versions (url, version, article_id, previous_id, first_seen)
SELECT url, row_number() OVER byurl, id, lag(id) OVER byurl, added_at
FROM articles WHERE url IS NOT NULL
WINDOW byurl AS (PARTITION BY url ORDER BY added_at, id);

UPDATE article_sources SET url = (
    SELECT a.url FROM articles AS a
    WHERE a.id = article_sources.article_id AND a.source = article_sources.source
);
"""


def article_versions_sql() -> str:
    return ARTICLE_VERSIONS_SQL


# Version 3: exclusion reasons "byline" and "dateline". SQLite cannot change a
# CHECK constraint in place, so the table is rebuilt with its rows; nothing
# refers to it.
EXCLUSION_REASONS_SQL = """
CREATE TABLE exclusions_v3 (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    span_text  TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason IN
        ('promo', 'caption', 'credit', 'byline', 'dateline', 'duplicate', 'boilerplate')),
    PRIMARY KEY (article_id, position)
);
INSERT INTO exclusions_v3 SELECT article_id, position, span_start, span_end, span_text, reason
FROM exclusions;
DROP TABLE exclusions;
ALTER TABLE exclusions_v3 RENAME TO exclusions;
"""


def exclusion_reasons_sql() -> str:
    return EXCLUSION_REASONS_SQL


# Version 4: actors across articles. Each article actor is linked to one ledger
# actor (``linking.py``), with a confidence and the reason; ``actor_keys`` holds
# what linking matches on and ``actor_aliases`` every folded name, title and
# mention a query by actor matches. Actors stored before this version are linked
# when the ledger is next opened (``link_reason`` is NULL until then).
LEDGER_ACTORS_SQL = """
CREATE TABLE ledger_actors (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,                     -- the fullest name seen
    kind       TEXT NOT NULL,
    side       TEXT,                              -- the side most of its mentions give
    titles     TEXT NOT NULL,                     -- JSON list of strings
    aliases    TEXT NOT NULL,                     -- JSON list: names, titles, mentions
    articles   INTEGER NOT NULL,
    mentions   INTEGER NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE INDEX ledger_actors_side ON ledger_actors (side);
CREATE TABLE actor_keys (
    key             TEXT NOT NULL,
    ledger_actor_id TEXT NOT NULL REFERENCES ledger_actors (id) ON DELETE CASCADE,
    PRIMARY KEY (key, ledger_actor_id)
);
CREATE INDEX actor_keys_actor ON actor_keys (ledger_actor_id);
CREATE TABLE actor_aliases (
    alias           TEXT NOT NULL,                -- case- and accent-folded
    ledger_actor_id TEXT NOT NULL REFERENCES ledger_actors (id) ON DELETE CASCADE,
    PRIMARY KEY (alias, ledger_actor_id)
);
CREATE INDEX actor_aliases_actor ON actor_aliases (ledger_actor_id);
ALTER TABLE actors ADD COLUMN ledger_actor_id TEXT REFERENCES ledger_actors (id) ON DELETE SET NULL;
ALTER TABLE actors ADD COLUMN link_confidence REAL;
ALTER TABLE actors ADD COLUMN link_reason TEXT;
CREATE INDEX actors_ledger_actor ON actors (ledger_actor_id);
CREATE INDEX actors_unlinked ON actors (article_id) WHERE link_reason IS NULL;
"""


def ledger_actors_sql() -> str:
    return LEDGER_ACTORS_SQL


# Version 5: a statement's place has a name besides its span ("in Geneva" ->
# "Geneva"), and the dates its content talks about are kept apart from the date
# it was made (JSON list of [start, end, text, precision, first, last, duration]).
# Rows stored before keep a NULL name (read as the span's text) and no content dates.
PLACE_NAMES_SQL = """
ALTER TABLE statements ADD COLUMN place_name TEXT;
ALTER TABLE statements ADD COLUMN content_times TEXT NOT NULL DEFAULT '[]';
"""


def place_names_sql() -> str:
    return PLACE_NAMES_SQL


# Version 6: claims. Every proposition of a statement's content is a row of
# ``claims`` (the first is also the statement's own proposition columns), with
# the names its arguments stand for, folded into keys that group claims across
# articles. Stances gain 'partial'; SQLite cannot change a CHECK in place, so
# ``statements`` is rebuilt with its rows (nothing referred to it). Statements
# stored before have no claims rows until their article is analysed again.
CLAIMS_SQL = """
CREATE TABLE statements_v6 (
    id                    TEXT PRIMARY KEY,
    article_id            TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position              INTEGER NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('direct', 'indirect', 'mixed')),
    cue_start             INTEGER NOT NULL,
    cue_end               INTEGER NOT NULL,
    cue_text              TEXT NOT NULL,
    source_start          INTEGER,
    source_end            INTEGER,
    source_text           TEXT,
    content               TEXT NOT NULL,
    notes                 TEXT NOT NULL,
    actor_id              TEXT,
    actor_name            TEXT,
    side                  TEXT,
    channel_type          TEXT NOT NULL,
    channel_platform      TEXT,
    channel_evidence_start INTEGER,
    channel_evidence_end  INTEGER,
    channel_evidence_text TEXT,
    channel_carried_over  INTEGER NOT NULL CHECK (channel_carried_over IN (0, 1)),
    time_span_start       INTEGER,
    time_span_end         INTEGER,
    time_text             TEXT,
    time_precision        TEXT,
    time_start            TEXT,
    time_end              TEXT,
    time_duration         TEXT,
    place_start           INTEGER,
    place_end             INTEGER,
    place_text            TEXT,
    hedges                TEXT NOT NULL,
    proposition_key       TEXT,
    proposition_predicate TEXT,
    proposition_polarity  TEXT,
    proposition_subject_start INTEGER,
    proposition_subject_end   INTEGER,
    proposition_subject_text  TEXT,
    proposition_object_start  INTEGER,
    proposition_object_end    INTEGER,
    proposition_object_text   TEXT,
    stance_label          TEXT NOT NULL
        CHECK (stance_label IN ('asserts', 'denies', 'hedges', 'partial')),
    stance_evidence       TEXT NOT NULL,
    place_name            TEXT,
    content_times         TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO statements_v6 SELECT * FROM statements;
DROP TABLE statements;
ALTER TABLE statements_v6 RENAME TO statements;
CREATE INDEX statements_article ON statements (article_id, cue_start);
CREATE INDEX statements_actor_id ON statements (actor_id);
CREATE INDEX statements_time ON statements (time_start, time_end);
CREATE INDEX statements_proposition ON statements (proposition_key);
CREATE INDEX statements_side ON statements (side);

CREATE TABLE claims (
    statement_id    TEXT NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    article_id      TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,             -- 0: the statement's own proposition
    proposition_key TEXT NOT NULL,                -- hash of class, subject key, object key
    predicate_class TEXT NOT NULL,                -- "control", or the lemma when no class fits
    predicate       TEXT NOT NULL,                -- the pattern or words: "fall to", "be stable"
    predicate_start INTEGER,
    predicate_end   INTEGER,
    predicate_text  TEXT,
    polarity        TEXT NOT NULL CHECK (polarity IN ('positive', 'negative')),
    subject_name    TEXT,                         -- the agent: "Russia"
    subject_key     TEXT NOT NULL,                -- folded name, '' when unknown
    subject_start   INTEGER,
    subject_end     INTEGER,
    subject_text    TEXT,
    object_name     TEXT,                         -- the theme: "Kherson"
    object_key      TEXT NOT NULL,
    object_start    INTEGER,
    object_end      INTEGER,
    object_text     TEXT,
    partial_start   INTEGER,
    partial_end     INTEGER,
    partial_text    TEXT,
    stance          TEXT NOT NULL CHECK (stance IN ('asserts', 'denies', 'hedges', 'partial')),
    stance_reason   TEXT,
    stance_evidence TEXT NOT NULL,                -- JSON list of [start, end, text]
    repeats         TEXT,                         -- id of the statement this claim only repeats
    PRIMARY KEY (statement_id, position)
);
CREATE INDEX claims_proposition ON claims (proposition_key);
CREATE INDEX claims_topic ON claims (predicate_class, object_key);
CREATE INDEX claims_article ON claims (article_id);
"""


def claims_sql() -> str:
    return CLAIMS_SQL


CO_ACTORS_SQL = """
-- schema 7: joint sources. "The ministry and the Redan Group said ...": the
-- statement's actor_id is the ministry; the group speaks too.
CREATE TABLE statement_co_actors (
    statement_id TEXT NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    article_id   TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,               -- order in the source, from 0
    actor_id     TEXT NOT NULL,                  -- an actor_id of this article's actors
    PRIMARY KEY (statement_id, position)
);
CREATE INDEX statement_co_actors_article ON statement_co_actors (article_id);
"""


def co_actors_sql() -> str:
    return CO_ACTORS_SQL


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, sources, actors, statements", schema_sql),
    Migration(2, "authors, raw-input provenance, article versions", article_versions_sql),
    Migration(3, "exclusion reasons byline and dateline", exclusion_reasons_sql),
    Migration(4, "actors across articles", ledger_actors_sql),
    Migration(5, "place names and content dates", place_names_sql),
    Migration(6, "claims: propositions with their arguments, stance 'partial'", claims_sql),
    Migration(7, "joint sources: a statement's co-actors", co_actors_sql),
)


def latest_version() -> int:
    """The version this code writes: the last step's number."""
    return MIGRATIONS[-1].version if MIGRATIONS else 0


def split_statements(sql: str) -> Iterator[str]:
    """Split a script into complete statements, ``;`` kept.

    ``"CREATE TABLE a (x);\\nCREATE INDEX i ON a (x);"`` -> the two statements.
    (``executescript`` would commit on its own, which a step must not do.)
    """
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip() and not _only_comments(pending):
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:80]!r}")


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


def user_version(conn: Conn) -> int:
    """The ledger's schema version: the SQLite header's, or ``claimtrack_meta``'s in PostgreSQL."""
    if isinstance(conn, PgConnection):
        return int(_pg_meta(conn).get("schema_version", 0))
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _pg_meta(conn: PgConnection) -> dict[str, str]:
    exists = conn.execute(
        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'claimtrack_meta'"
    ).fetchone()[0]
    if not exists:
        return {}
    return {row[0]: row[1] for row in conn.execute("SELECT key, value FROM claimtrack_meta")}


def check_ledger(conn: Conn, path: str) -> int:
    """The file's schema version, after checking it is a ledger this code can use.

    Raises ``LedgerError`` for another application's database and
    ``SchemaVersionError`` for a ledger from a newer claimtrack.
    """
    if isinstance(conn, PgConnection):
        app = _pg_meta(conn).get("application")
        app_id = 0 if app is None else APPLICATION_ID if app == "claimtrack" else -1
    else:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = user_version(conn)
    if app_id not in (0, APPLICATION_ID):
        raise LedgerError(f"not a claimtrack ledger: {path} (application id {app_id:#x})")
    if version == 0 and _has_tables(conn):
        raise LedgerError(f"not a claimtrack ledger: {path} (it holds other tables)")
    if version > latest_version():
        raise SchemaVersionError(
            f"{path}: ledger schema version {version} is newer than this claimtrack "
            f"knows (version {latest_version()}); upgrade claimtrack to read it"
        )
    return version


def _has_tables(conn: Conn) -> bool:
    if isinstance(conn, PgConnection):  # its own claimtrack_meta aside
        sql = (
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename <> 'claimtrack_meta'"
        )
    else:
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    return int(conn.execute(sql).fetchone()[0]) > 0


def migrate(conn: Conn, path: str) -> int:
    """Bring the ledger at ``conn`` to the latest version; returns that version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Each pending
    step runs in one ``BEGIN IMMEDIATE`` transaction that re-reads the version
    first, so two processes opening a new ledger at once apply each step once.
    A failing step is rolled back and raised as ``LedgerError``.
    """
    if isinstance(conn, PgConnection):
        # one snapshot for both reads, so another process's migration committing
        # in between cannot look like "no version, yet tables"
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            check_ledger(conn, path)
        finally:
            conn.execute("COMMIT")
    else:
        check_ledger(conn, path)
    for step in MIGRATIONS:
        if user_version(conn) < step.version:
            _apply(conn, path, step)
    return user_version(conn)


def _apply(conn: Conn, path: str, step: Migration) -> None:
    failure = f"{path}: migration to schema version {step.version} ({step.description}) failed"
    with write_transaction(conn, failure):
        if check_ledger(conn, path) >= step.version:
            return  # another process applied it meanwhile
        pg = isinstance(conn, PgConnection)
        script = (FUNCTIONS_SQL if pg and step.version == 1 else "") + step.sql()
        for statement in split_statements(script):
            conn.execute(statement)
        if pg:
            conn.execute(
                "INSERT INTO claimtrack_meta (key, value) VALUES ('application', 'claimtrack'),"
                " ('schema_version', :v) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                {"v": str(step.version)},
            )
        else:
            # PRAGMAs take no parameters; both values are integers from this module.
            conn.execute(f"PRAGMA application_id = {int(APPLICATION_ID)}")
            conn.execute(f"PRAGMA user_version = {int(step.version)}")


@contextlib.contextmanager
def write_transaction(conn: Conn, failure: str) -> Iterator[None]:
    """One write transaction (``BEGIN IMMEDIATE``: writers take turns), committed at the end.

    On any exception it is rolled back; a database error is raised as
    ``LedgerError("{failure}: {error}")``, anything else as it is.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("COMMIT")
    except database_errors(conn) as exc:
        rollback(conn)
        raise LedgerError(f"{failure}: {exc}") from exc
    except BaseException:
        rollback(conn)
        raise


def database_errors(conn: Conn) -> tuple[type[BaseException], ...]:
    """The exceptions a database error raises on ``conn``: sqlite3's, or psycopg's."""
    if isinstance(conn, PgConnection):
        return conn.error_types()
    return (sqlite3.Error,)


def rollback(conn: Conn) -> None:
    """Roll back the open transaction, if SQLite has not already done so."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
