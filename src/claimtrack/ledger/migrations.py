"""Schema versions of the ledger, as an ordered list of SQL steps.

The version lives in the database header (``PRAGMA user_version``): 0 for a new
file, N once steps 1..N have run. Each step runs in its own transaction together
with the version bump, so a ledger is always at a whole version. Step 1 is
``schema.sql``; a later schema change is a new step appended to ``MIGRATIONS``,
never an edit of an earlier one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources

from claimtrack.errors import LedgerError, SchemaVersionError

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


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, sources, actors, statements", schema_sql),
    Migration(2, "authors, raw-input provenance, article versions", article_versions_sql),
    Migration(3, "exclusion reasons byline and dateline", exclusion_reasons_sql),
    Migration(4, "actors across articles", ledger_actors_sql),
    Migration(5, "place names and content dates", place_names_sql),
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


def user_version(conn: sqlite3.Connection) -> int:
    """The ledger's schema version from the database header."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_ledger(conn: sqlite3.Connection, path: str) -> int:
    """The file's schema version, after checking it is a ledger this code can use.

    Raises ``LedgerError`` for another application's database and
    ``SchemaVersionError`` for a ledger from a newer claimtrack.
    """
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


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return int(row[0]) > 0


def migrate(conn: sqlite3.Connection, path: str) -> int:
    """Bring the ledger at ``conn`` to the latest version; returns that version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Each pending
    step runs in one ``BEGIN IMMEDIATE`` transaction that re-reads the version
    first, so two processes opening a new ledger at once apply each step once.
    A failing step is rolled back and raised as ``LedgerError``.
    """
    check_ledger(conn, path)
    for step in MIGRATIONS:
        if user_version(conn) < step.version:
            _apply(conn, path, step)
    return user_version(conn)


def _apply(conn: sqlite3.Connection, path: str, step: Migration) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        if check_ledger(conn, path) < step.version:
            for statement in split_statements(step.sql()):
                conn.execute(statement)
            # PRAGMAs take no parameters; both values are integers from this module.
            conn.execute(f"PRAGMA application_id = {int(APPLICATION_ID)}")
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        rollback(conn)
        raise LedgerError(
            f"{path}: migration to schema version {step.version} ({step.description}) failed: {exc}"
        ) from exc
    except BaseException:
        rollback(conn)
        raise


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already done so."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
