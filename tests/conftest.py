"""The only fixtures file: the spaCy pipeline (loaded once), lexicons, and span checks."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from claimtrack import lexicons as lexicons_mod
from claimtrack.records import Analysis, Span

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "examples" / "newsweek-bakhmut.txt"
SEED_PUBLISHED = date(2023, 6, 4)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/data/golden files")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def lex() -> lexicons_mod.Lexicons:
    return lexicons_mod.load()


@pytest.fixture(scope="session")
def nlp() -> Language:
    from claimtrack.nlp import cached_pipeline

    return cached_pipeline()


def iter_spans(obj: Any) -> Iterator[Span]:
    """Every Span inside a record (dataclasses, tuples, lists)."""
    if isinstance(obj, Span):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from iter_spans(item)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            yield from iter_spans(getattr(obj, name))


def assert_spans_match(analysis: Analysis) -> int:
    """Every span of an analysis slices its article text; returns how many were checked."""
    text = analysis.article.text
    n = 0
    for span in iter_spans((analysis.exclusions, analysis.actors, analysis.statements)):
        assert 0 <= span.start <= span.end <= len(text), span
        assert text[span.start : span.end] == span.text, span
        n += 1
    return n


def json_spans(value: Any) -> Iterator[dict[str, Any]]:
    """Every span in parsed JSON output: each dict whose keys are exactly start, end and text."""
    if isinstance(value, dict):
        if set(value) == {"start", "end", "text"}:
            yield value
        for item in value.values():
            yield from json_spans(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_spans(item)


def assert_json_spans_match(record: dict[str, Any]) -> int:
    """Every span of one claimtrack/1 record slices its article text; returns how many."""
    text = record["article"]["text"]
    n = 0
    for span in json_spans({k: v for k, v in record.items() if k != "article"}):
        assert isinstance(span["start"], int) and isinstance(span["end"], int), span
        assert 0 <= span["start"] <= span["end"] <= len(text), span
        assert text[span["start"] : span["end"]] == span["text"], span
        n += 1
    return n


def statement_columns_before(version: int) -> tuple[str, ...]:
    """The ``statements`` columns a ledger of an older schema ``version`` has, for tests that
    write such a ledger with today's row builders (sqlite3 ignores the extra row keys)."""
    from claimtrack.ledger import store

    added = {5: ("place_name", "content_times")}
    dropped = {c for v, cols in added.items() if v > version for c in cols}
    return tuple(c for c in store.STATEMENT_COLUMNS if c not in dropped)


# ---------------------------------------------------------------- the web view

#: an article whose text tries to run script in the page; it must show as text
INJECTED = (
    "Mayor <script>window.claimtrackPwned = 1</script> Says Bridge Closed\n\n"
    'The bridge will stay closed, the mayor said on Monday. "Nobody crosses <img src=x '
    'onerror="window.claimtrackPwned = 2"> tonight," she told reporters.\n'
)


@pytest.fixture(scope="session")
def web_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger holding the reference article and an article with markup in its text."""
    import claimtrack

    path = tmp_path_factory.mktemp("web") / "web.db"
    with claimtrack.Ledger(path) as led:
        led.add(claimtrack.analyze(SEED.read_text(encoding="utf-8"), published=SEED_PUBLISHED,
                                   title="Reference article", publisher="Newsweek"))
        led.add(claimtrack.analyze(INJECTED, published=date(2023, 6, 5), title="Injected <b>title</b>",
                                   publisher="Test"))
    return path


@contextlib.contextmanager
def serving(db: str | Path) -> Iterator[str]:
    """``claimtrack serve`` on ``db``, on a free loopback port; yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    from claimtrack.web import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web view did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def web_server(web_ledger: Path) -> Iterator[str]:
    """``claimtrack serve`` on the web ledger, on a free loopback port; yields its base URL."""
    with serving(web_ledger) as url:
        yield url


#: Columns that say when a row was written, not what it holds.
TIMESTAMP_COLUMNS = frozenset({"added_at", "updated_at", "first_seen"})


def ledger_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a SQLite ledger as sorted rows, timestamps left out: two ledgers that
    hold the same things compare equal, whichever order or process wrote them."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        out = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if c not in TIMESTAMP_COLUMNS]
            rows = conn.execute(f"SELECT {', '.join(kept)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


# ---------------------------------------------------------------------- PostgreSQL


def _postgres_bin() -> Path:
    """The directory of the PostgreSQL server programs: on PATH, or Debian's versioned one."""
    import shutil

    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server programs not found (install Debian's 'postgresql' package;"
            " .ci/run does)"
        )
    return candidates[-1].parent


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A real PostgreSQL server for this test session, on a free loopback port, started from
    the distribution's binaries (as the 'postgres' user when the tests run as root, since
    the server refuses to run as root); yields the URL of its 'postgres' database.
    Databases are C-collated, as ``claimtrack.ledger.pg`` asks."""
    import shutil
    import socket
    import subprocess
    import tempfile

    bin_dir = _postgres_bin()
    # not under pytest's temporary directory, which the 'postgres' user cannot enter
    base = Path(tempfile.mkdtemp(prefix="claimtrack-pg-"))
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:
        for path in (base, sockets):
            shutil.chown(path, user="postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "claimtrack",
         "--locale=C", "-E", "UTF8"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-o", options, "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql://claimtrack@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


_PG_DATABASES = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(postgres: str) -> str:
    """The URL of a new, empty database on the test server."""
    import psycopg

    name = f"ledger_{os.getpid()}_{next(_PG_DATABASES)}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres.rsplit("/", 1)[0] + "/" + name
