"""The ledger in PostgreSQL: ``--db postgresql://user@host/dbname``, through psycopg 3.

The ledger's SQL is written once, in the SQLite dialect the file ledger uses,
and ``PgConnection`` runs it on PostgreSQL. It behaves like the
``sqlite3.Connection`` the rest of ``claimtrack.ledger`` expects (``execute``,
``executemany``, rows readable by name and by index, ``in_transaction``) and
rewrites each statement once (``translate``, cached):

- ``?`` and ``:name`` parameters become ``%s`` and ``%(name)s`` (outside string
  literals), and a literal ``%`` becomes ``%%``;
- ``INSERT OR IGNORE INTO ...`` becomes ``INSERT INTO ... ON CONFLICT DO NOTHING``;
- ``json_each(X)`` (of a JSON list) becomes ``json_array_elements_text(X)``;
- ``REAL`` columns become ``DOUBLE PRECISION`` (SQLite's REAL is 8 bytes, PostgreSQL's 4);
- ``BEGIN IMMEDIATE`` (a write transaction) becomes ``BEGIN`` followed by a
  transaction-level advisory lock, so writers take turns exactly as they do on a
  SQLite file: any number of processes, or Dask workers, may ingest into one
  database at once, each article's transaction sees every earlier one whole, and
  with one lock there is no order in which two writers can deadlock.

``instr`` and ``claimtrack_fold`` (SQLite: a Python function) are SQL functions
the first migration creates. The schema version and the application mark live in
the table ``claimtrack_meta`` (SQLite keeps them in the file header).
Text compares and sorts by code point, as in SQLite, when the database's
collation is "C" (``createdb --locale=C``, or ``CREATE DATABASE ... LOCALE 'C'
TEMPLATE template0``); ``Ledger`` warns about any other.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from claimtrack.errors import LedgerError

if TYPE_CHECKING:
    import psycopg

#: The advisory lock every write transaction takes ("ClmT", as the SQLite application id).
WRITE_LOCK = 0x436C6D54

URL_PREFIXES = ("postgresql://", "postgres://")


def is_url(db: object) -> bool:
    """Whether ``--db`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(URL_PREFIXES)


def redact(url: str) -> str:
    """The URL without its password, for messages: postgresql://u:***@host/db."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PgRow(tuple[Any, ...]):
    """A row readable by index and by column name, like ``sqlite3.Row``."""

    __slots__ = ()
    _names: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names[key])
            except KeyError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@functools.lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[PgRow]:
    return type("PgRow", (PgRow,), {"__slots__": (), "_names": {n: i for i, n in enumerate(names)}})


def _row_factory(cursor: Any) -> Any:
    description = cursor.description
    if description is None:
        return tuple
    cls = _row_class(tuple(d.name for d in description))
    return lambda values: cls(values)


class PgCursor:
    """The results of one statement: ``fetchone``, ``fetchall``, iteration."""

    def __init__(self, cursor: psycopg.Cursor[Any] | None) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        return None if self._cursor is None else self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return [] if self._cursor is None else self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """A connection to a PostgreSQL ledger that runs the ledger's SQLite-dialect SQL."""

    dialect = "postgresql"

    def __init__(self, url: str, read_only: bool = False) -> None:
        try:
            import psycopg
        except ImportError as err:
            raise LedgerError(
                f"a PostgreSQL ledger needs psycopg (pip install 'claimtrack[postgresql]'): {err}"
            ) from None
        self._psycopg = psycopg
        self.url = url
        try:
            self._conn = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        except psycopg.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LedgerError(f"{redact(url)}: cannot connect to PostgreSQL: {message}") from None
        if read_only:
            self._conn.execute("SET default_transaction_read_only = on")

    @property
    def in_transaction(self) -> bool:
        status = self._conn.info.transaction_status
        return status != self._psycopg.pq.TransactionStatus.IDLE

    def execute(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None
    ) -> PgCursor:
        if sql.strip().upper() == "BEGIN IMMEDIATE":
            self._conn.execute("BEGIN")
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            return PgCursor(None)
        cursor = self._conn.cursor()
        cursor.execute(translate(sql), _params(params))
        return PgCursor(cursor if cursor.description is not None else None)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any] | Mapping[str, Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        with self._conn.cursor() as cursor:
            cursor.executemany(translate(sql), rows)

    def close(self) -> None:
        self._conn.close()

    def error_types(self) -> tuple[type[BaseException], ...]:
        return (self._psycopg.Error,)


def _params(params: Sequence[Any] | Mapping[str, Any] | None) -> Sequence[Any] | Mapping[str, Any]:
    return () if params is None else params


# A string literal, a quoted identifier, a comment, or one of the things we rewrite.
_TOKEN = re.compile(
    r"""'(?:[^']|'')*'"""
    r'''|"(?:[^"]|"")*"'''
    r"|--[^\n]*"
    r"|(?P<named>(?<!:):[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<qmark>\?)"
    r"|(?P<percent>%)"
)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """One SQLite-dialect statement as PostgreSQL runs it; see the module docstring."""

    def rewrite(match: re.Match[str]) -> str:
        if match.group("named"):
            return f"%({match.group('named')[1:]})s"
        if match.group("qmark"):
            return "%s"
        if match.group("percent"):
            return "%%"
        text = match.group(0)
        return text.replace("%", "%%") if text.startswith("'") else text

    out = _TOKEN.sub(rewrite, sql)
    if re.match(r"\s*INSERT\s+OR\s+IGNORE\s+INTO\b", out, re.IGNORECASE):
        out = re.sub(
            r"INSERT\s+OR\s+IGNORE\s+INTO", "INSERT INTO", out, count=1, flags=re.IGNORECASE
        )
        out = out.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    out = re.sub(r"\bjson_each\(", "json_array_elements_text(", out)
    out = re.sub(r"\bREAL\b", "DOUBLE PRECISION", out)
    return out


#: SQL functions the ledger's queries call, which PostgreSQL lacks (created by migration 1).
FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS INTEGER
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT strpos(haystack, needle)';
CREATE OR REPLACE FUNCTION claimtrack_fold(value TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT lower(value)';
CREATE TABLE IF NOT EXISTS claimtrack_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
