"""The ledger in PostgreSQL: the same rows, answers and pages as SQLite; many writers; export/import.

Every test runs against a real PostgreSQL server started for the session
(``postgres`` in conftest, from the distribution's binaries; .ci/run installs
them), each in a new database.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

import claimtrack
from claimtrack.ledger.transfer import TABLE_ORDER
from claimtrack.records import Analysis
from conftest import INJECTED, SEED, SEED_PUBLISHED, TIMESTAMP_COLUMNS, ledger_rows, serving

psycopg = pytest.importorskip("psycopg")

POLNEAR_DEV = Path(__file__).resolve().parents[2] / "shared" / "polnear" / "dev" / "text"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def analyses() -> list[Analysis]:
    """The reference article, one with markup in its text, and eight PolNeAR dev articles."""
    texts = [
        (
            SEED.read_text(encoding="utf-8"),
            SEED_PUBLISHED,
            "Reference article",
            "Newsweek",
            "https://example.com/a",
        ),
        (INJECTED, date(2023, 6, 5), "Injected <b>title</b>", "Test", None),
    ]
    for path in sorted(POLNEAR_DEV.glob("*.txt"))[:8]:
        texts.append(
            (path.read_text(encoding="utf-8"), date(2016, 10, 1), path.stem, "PolNeAR", None)
        )
    return [
        claimtrack.analyze(
            text, published=day, title=title, publisher=publisher, url=url, source=f"doc{n}"
        )
        for n, (text, day, title, publisher, url) in enumerate(texts)
    ]


def pg_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """``ledger_rows`` for a PostgreSQL ledger: every table but claimtrack_meta, timestamps left out."""
    with psycopg.connect(url) as conn:
        out = {}
        for table in TABLE_ORDER:
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                    " ORDER BY ordinal_position",
                    (table,),
                )
            ]
            kept = [c for c in columns if c not in TIMESTAMP_COLUMNS]
            out[table] = sorted(
                conn.execute(f"SELECT {', '.join(kept)} FROM {table}").fetchall(), key=repr
            )
        return out


@pytest.fixture
def both(analyses: list[Analysis], pg_url: str, tmp_path: Path) -> tuple[str, Path]:
    """The same analyses stored in a new PostgreSQL database and in a SQLite file."""
    for where in (pg_url, tmp_path / "news.db"):
        with claimtrack.Ledger(where) as ledger:
            assert [ledger.add(a) for a in analyses] == ["added"] * len(analyses)
            assert ledger.add(analyses[0]) == "unchanged"
    return pg_url, tmp_path / "news.db"


def test_postgresql_holds_exactly_the_rows_sqlite_holds(both: tuple[str, Path]) -> None:
    url, path = both
    sqlite_rows = ledger_rows(path)
    assert set(TABLE_ORDER) == set(sqlite_rows)
    assert all(sqlite_rows[t] for t in TABLE_ORDER if t != "article_versions")
    assert pg_rows(url) == sqlite_rows


QUERIES: Sequence[tuple[str, dict[str, Any]]] = (
    ("statements", {}),
    ("statements", {"actor": "reznikov", "since": date(2023, 6, 1)}),
    ("statements", {"side": "russia"}),
    ("statements", {"place": "singapore"}),
    ("actors", {}),
    ("actors", {"name": "defense minister"}),
    ("actors", {"side": "ukraine", "kind": "person"}),
    ("articles", {}),
    ("counts", {}),
    ("propositions", {}),
    ("propositions", {"side": "ukraine", "min_statements": 2}),
    ("disputes", {}),
    ("disputes", {"actor": "maliar"}),
    ("corroborations", {}),
    ("timeline", {"actor": "prigozhin"}),
    ("versions", {"url": "https://example.com/a"}),
)


@pytest.mark.parametrize(
    ("method", "filters"), QUERIES, ids=lambda v: str(v) if isinstance(v, str) else ""
)
def test_every_query_answers_the_same_on_both(
    both: tuple[str, Path], method: str, filters: dict[str, Any]
) -> None:
    url, path = both
    with claimtrack.Ledger(url) as on_pg, claimtrack.Ledger(path) as on_sqlite:
        expected = untimed(getattr(on_sqlite, method)(**filters))
        assert expected, f"{method}{filters} is empty: the comparison would prove nothing"
        assert untimed(getattr(on_pg, method)(**filters)) == expected


def untimed(value: Any) -> Any:
    """``value`` without the timestamps of when each ledger was written."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k not in TIMESTAMP_COLUMNS}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value


def test_analyses_and_proposition_pages_round_trip_on_both(
    both: tuple[str, Path], analyses: list[Analysis]
) -> None:
    url, path = both
    with claimtrack.Ledger(url) as on_pg, claimtrack.Ledger(path) as on_sqlite:
        for analysis in analyses:
            stored = on_pg.analysis(analysis.article.id)
            assert stored == on_sqlite.analysis(analysis.article.id)
            assert stored is not None and stored.statements == analysis.statements
            assert untimed(on_pg.article(analysis.article.id)) == untimed(
                on_sqlite.article(analysis.article.id)
            )
        key = on_sqlite.disputes()[0]["proposition_key"]
        assert on_pg.proposition(key) == on_sqlite.proposition(key)
        assert on_pg.timeline(proposition=key) == on_sqlite.timeline(proposition=key)


# ---------------------------------------------------------------------- many writers


def _write_all(url: str, batch: list[Analysis], start: Any) -> list[str]:
    start.wait()  # every writer begins at once
    with claimtrack.Ledger(url) as ledger:  # the first ones also race to create the schema
        return [ledger.add(analysis) for analysis in batch]


def test_writers_at_once_with_overlapping_batches_store_each_article_once(
    analyses: list[Analysis], pg_url: str, tmp_path: Path
) -> None:
    """Four processes, each with half the articles (every article in two batches, in
    different orders), writing into one new database at the same moment."""
    n = len(analyses)
    batches = [analyses[k % 2 :: 2] + analyses[: n // 2] for k in range(4)]
    batches = [b if k % 2 else list(reversed(b)) for k, b in enumerate(batches)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        start = manager.Barrier(4)
        with ctx.Pool(4) as pool:
            outcomes = pool.starmap(
                _write_all, [(pg_url, batch, start) for batch in batches], chunksize=1
            )
    flat = [o for batch in outcomes for o in batch]
    assert flat.count("added") == n  # each article added by exactly one writer
    assert set(flat) == {"added", "unchanged"}
    with claimtrack.Ledger(tmp_path / "one.db") as ledger:
        for analysis in analyses:
            ledger.add(analysis)
    expected, got = ledger_rows(tmp_path / "one.db"), pg_rows(pg_url)
    for table in ("articles", "exclusions", "statements", "statement_co_actors", "claims"):
        assert got[table] == expected[table], table  # nothing lost, nothing twice
    # Which ledger actor an article's actor joins can depend on the order articles
    # arrive in (as on one SQLite file); every actor is linked, to one that exists.
    assert len(got["actors"]) == len(expected["actors"])
    with psycopg.connect(pg_url) as conn:
        unlinked = conn.execute(
            "SELECT count(*) FROM actors a LEFT JOIN ledger_actors l ON l.id = a.ledger_actor_id"
            " WHERE a.link_reason IS NULL OR (a.ledger_actor_id IS NOT NULL AND l.id IS NULL)"
        ).fetchone()[0]
    assert unlinked == 0
    with claimtrack.Ledger(pg_url) as ledger:
        assert ledger.counts()["articles"] == n
        assert ledger.counts()["statements"] == sum(len(a.statements) for a in analyses)


# ---------------------------------------------------------------------- export and import


def test_export_import_round_trip_sqlite_postgresql_sqlite_is_lossless(
    both: tuple[str, Path], tmp_path: Path, postgres: str
) -> None:
    _, path = both
    with claimtrack.Ledger(path) as ledger:
        first = io.StringIO()
        rows = ledger.export(first)
    lines = first.getvalue().splitlines()
    assert rows == len(lines) - 1 > 300
    header = json.loads(lines[0])
    assert header["schema_version"] == 7 and sum(header["tables"].values()) == rows
    fresh_pg = _new_database(postgres, "roundtrip")
    with claimtrack.Ledger(fresh_pg) as ledger:
        written = ledger.import_rows(lines, "first.jsonl")
        assert sum(written.values()) == rows
        second = io.StringIO()
        ledger.export(second)
    assert second.getvalue() == first.getvalue()  # byte for byte, timestamps included
    with claimtrack.Ledger(tmp_path / "back.db") as ledger:
        ledger.import_rows(second.getvalue().splitlines(), "second.jsonl")
    assert _all_rows(tmp_path / "back.db") == _all_rows(path)
    with claimtrack.Ledger(tmp_path / "back.db") as back, claimtrack.Ledger(fresh_pg) as on_pg:
        assert back.disputes() == on_pg.disputes()


def _all_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLE_ORDER
        }


def _new_database(postgres: str, name: str) -> str:
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return postgres.rsplit("/", 1)[0] + "/" + name


def test_import_refuses_a_ledger_that_holds_articles_and_writes_nothing(
    both: tuple[str, Path],
) -> None:
    url, path = both
    with claimtrack.Ledger(path) as ledger:
        out = io.StringIO()
        ledger.export(out)
    before = pg_rows(url)
    with claimtrack.Ledger(url) as ledger, pytest.raises(claimtrack.LedgerError, match="not empty"):
        ledger.import_rows(out.getvalue().splitlines(), "x.jsonl")
    assert pg_rows(url) == before


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{}"], "x.jsonl:1: not a claimtrack ledger export"),
        (
            [
                '{"claimtrack_ledger": 1, "schema_version": 7, "tables": {}}',
                '{"table": "secrets", "row": {"a": 1}}',
            ],
            "x.jsonl:2: not a row of a ledger table",
        ),
        (
            [
                '{"claimtrack_ledger": 1, "schema_version": 7, "tables": {}}',
                '{"table": "articles", "row": {"id": "x", "id; DROP TABLE articles; --": 1}}',
            ],
            "x.jsonl:2: table articles has no column",
        ),
        (['{"claimtrack_ledger": 1, "schema_version": 6, "tables": {}}'], "schema version 6"),
        (
            ['{"claimtrack_ledger": 1, "schema_version": 7, "tables": {"articles": 1}}'],
            "incomplete",
        ),
    ],
)
def test_a_bad_export_is_one_error_naming_the_line(
    pg_url: str, lines: list[str], message: str
) -> None:
    with claimtrack.Ledger(pg_url) as ledger:
        with pytest.raises(claimtrack.LedgerError, match=message.replace("[", r"\[")):
            ledger.import_rows(lines, "x.jsonl")
        assert ledger.counts()["articles"] == 0


def test_cli_export_pipe_import_into_postgresql(
    both: tuple[str, Path], tmp_path: Path, postgres: str
) -> None:
    from click.testing import CliRunner

    from claimtrack.cli import main

    _, path = both
    exported = CliRunner().invoke(
        main, ["export", "--db", str(path), "-o", str(tmp_path / "x.jsonl")]
    )
    assert exported.exit_code == 0, exported.stderr
    target = _new_database(postgres, "fromcli")
    imported = CliRunner().invoke(main, ["import", str(tmp_path / "x.jsonl"), "--db", target])
    assert imported.exit_code == 0, imported.stderr
    assert "rows imported" in imported.stderr
    again = CliRunner().invoke(main, ["import", str(tmp_path / "x.jsonl"), "--db", target])
    assert again.exit_code == 1 and "not empty" in again.stderr
    listed = CliRunner().invoke(main, ["disputes", "--db", target, "--format", "jsonl"])
    assert listed.exit_code == 0 and "control(Russia, Bakhmut)" in listed.stdout


# ---------------------------------------------------------------------- CLI, web view, errors


def test_cli_ingest_and_query_a_postgresql_ledger(pg_url: str) -> None:
    from click.testing import CliRunner

    from claimtrack.cli import main

    added = CliRunner().invoke(
        main, ["ingest", str(SEED), "--published", "2023-06-04", "--db", pg_url]
    )
    assert added.exit_code == 0, added.stderr
    assert "1 added" in added.stderr
    again = CliRunner().invoke(
        main, ["ingest", str(SEED), "--published", "2023-06-04", "--db", pg_url]
    )
    assert "0 added, 0 replaced, 1 unchanged" in again.stderr
    listed = CliRunner().invoke(
        main, ["statements", "--db", pg_url, "--actor", "maliar", "--format", "jsonl"]
    )
    assert listed.exit_code == 0
    assert {json.loads(line)["actor"] for line in listed.stdout.splitlines()} == {"Hanna Maliar"}


def test_an_unreachable_server_is_one_line_without_the_password_and_exit_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from claimtrack.cli import main

    url = "postgresql://someone:s3cret@127.0.0.1:9/nothing?connect_timeout=2"
    result = CliRunner().invoke(main, ["statements", "--db", url])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert (
        "cannot connect to PostgreSQL" in line and "s3cret" not in line and "someone:***@" in line
    )


def test_a_database_with_other_tables_or_a_newer_ledger_is_refused(postgres: str) -> None:
    other = _new_database(postgres, "otherapp")
    with psycopg.connect(other, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(claimtrack.LedgerError, match="not a claimtrack ledger.*other tables"):
        claimtrack.Ledger(other)
    newer = _new_database(postgres, "newer")
    claimtrack.Ledger(newer).close()
    with psycopg.connect(newer, autocommit=True) as conn:
        conn.execute("UPDATE claimtrack_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(claimtrack.SchemaVersionError, match="99 is newer"):
        claimtrack.Ledger(newer)


def test_the_web_view_serves_the_same_pages_from_postgresql(both: tuple[str, Path]) -> None:
    url, path = both
    with serving(url) as pg_base, serving(path) as sqlite_base, httpx.Client() as http:
        with claimtrack.Ledger(path) as ledger:
            key = ledger.disputes()[0]["proposition_key"]
            article = ledger.articles()[0]["article_id"]
            actor = ledger.actors()[0]["ledger_actor_id"]
        for page in ("/articles.json", "/actors.json", "/propositions.json", "/disputes.json",
                     "/corroborations.json", f"/articles/{article}.json", f"/actors/{actor}.json",
                     f"/propositions/{key}.json"):  # fmt: skip
            a, b = http.get(pg_base + page), http.get(sqlite_base + page)
            assert a.status_code == b.status_code == 200, page
            assert untimed(a.json()) == untimed(b.json()), page
        html = http.get(f"{pg_base}/articles/{article}").text
        assert "postgresql://" in html and "<script>window" not in html
