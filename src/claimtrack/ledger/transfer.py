"""Moving a whole ledger between databases: ``claimtrack export`` and ``claimtrack import``.

The export is JSON Lines: a header, then one line per row of every table, in an
order that satisfies every foreign key, each table's rows sorted by all their
columns, so the same ledger always exports to the same bytes, from SQLite or
from PostgreSQL::

    {"claimtrack_ledger": 1, "schema_version": 7, "tables": {"articles": 2, ...}}
    {"table": "articles", "row": {"id": "b2e9...", "text": "...", ...}}

Every column travels, timestamps included, so export -> import -> export gives
the same file back. Import writes into an empty ledger of the same schema
version (a new file or database; it is created and migrated first), all rows in
one transaction, checking every table and column name against the destination's
own schema; it refuses a ledger that already holds articles.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from claimtrack.errors import LedgerError
from claimtrack.ledger.migrations import Conn, latest_version, user_version, write_transaction
from claimtrack.ledger.pg import PgConnection

FORMAT_VERSION = 1

#: Every table, parents before children.
TABLE_ORDER = (
    "articles",
    "article_sources",
    "article_versions",
    "exclusions",
    "ledger_actors",
    "actor_keys",
    "actor_aliases",
    "actors",
    "statements",
    "statement_co_actors",
    "claims",
)


def table_columns(conn: Conn, table: str) -> list[str]:
    """A table's columns, in order; [] for a table that does not exist."""
    if isinstance(conn, PgConnection):
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [r[0] for r in rows]
    return [r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))]


def export_lines(conn: Conn) -> Iterator[str]:
    """The ledger as JSON Lines, header first; see the module docstring."""
    columns = {table: table_columns(conn, table) for table in TABLE_ORDER}
    counts = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLE_ORDER}
    header = {
        "claimtrack_ledger": FORMAT_VERSION,
        "schema_version": user_version(conn),
        "tables": counts,
    }
    yield json.dumps(header)
    for table in TABLE_ORDER:
        names = columns[table]
        order = ", ".join(str(n) for n in range(1, len(names) + 1))
        # identifiers come from the ledger's own schema and TABLE_ORDER, never from input
        for row in conn.execute(f"SELECT {', '.join(names)} FROM {table} ORDER BY {order}"):
            record = dict(zip(names, tuple(row)))
            yield json.dumps({"table": table, "row": record}, ensure_ascii=False)


def import_lines(conn: Conn, lines: Iterable[str], where: str) -> dict[str, int]:
    """Read an export into the empty ledger at ``conn``; returns rows written per table.

    Raises LedgerError (naming ``where`` and the line) for a file that is not an
    export, another schema version, an unknown table or column, a destination that
    is not empty, or a row the database refuses; nothing is written then.
    """
    stream = iter(enumerate(lines, start=1))
    header = _header(next(stream, (1, "")), where)
    if header["schema_version"] != latest_version() or user_version(conn) != latest_version():
        raise LedgerError(
            f"{where}: the export is of ledger schema version {header['schema_version']}, this"
            f" ledger is at {user_version(conn)}; import into a ledger of the same version"
        )
    columns = {table: set(table_columns(conn, table)) for table in TABLE_ORDER}
    written = dict.fromkeys(TABLE_ORDER, 0)
    with write_transaction(conn, f"{where}: import refused by the database"):
        if conn.execute("SELECT count(*) FROM articles").fetchone()[0]:
            raise LedgerError(
                f"{where}: the destination ledger is not empty; import only into a new one"
            )
        for n, line in stream:
            if not line.strip():
                continue
            table, row = _record(line, n, columns, where)
            names = list(row)
            conn.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [row[name] for name in names],
            )
            written[table] += 1
        expected = header["tables"]
        if isinstance(expected, dict) and {t: expected.get(t, 0) for t in TABLE_ORDER} != written:
            raise LedgerError(
                f"{where}: the export is incomplete: its header promises {expected}, it holds {written}"
            )
    return written


def _header(first: tuple[int, str], where: str) -> dict[str, Any]:
    _, line = first
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("claimtrack_ledger") != FORMAT_VERSION:
        raise LedgerError(f"{where}:1: not a claimtrack ledger export (no header line)")
    return header


def _record(
    line: str, n: int, columns: dict[str, set[str]], where: str
) -> tuple[str, dict[str, Any]]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise LedgerError(f"{where}:{n}: invalid JSON ({err.msg})") from None
    table = record.get("table") if isinstance(record, dict) else None
    row = record.get("row") if isinstance(record, dict) else None
    if table not in columns or not isinstance(row, dict) or not row:
        raise LedgerError(f"{where}:{n}: not a row of a ledger table")
    unknown = set(row) - columns[table]
    if unknown:
        raise LedgerError(f"{where}:{n}: table {table} has no column {min(unknown)!r}")
    return table, row


def write_export(conn: Conn, out: IO[str]) -> int:
    """Write the export to ``out``; returns the number of rows."""
    rows = -1
    for line in export_lines(conn):
        out.write(line + "\n")
        rows += 1
    return rows
