"""A real ``claimtrack ingest`` killed with SIGKILL mid-batch, then run again: nothing
lost, nothing duplicated, and the ledger file intact.

The killed run's last input is a named pipe nobody writes to, so it can never
finish on its own: the test kills it as soon as the ledger holds half of the
articles, wherever it is at that moment (parsing, or inside an article's
transaction).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtrack.cli import main

N = 60

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs SIGKILL and named pipes"),
]


def write_articles(directory: Path) -> list[Path]:
    """N short articles, each with one attributed statement and a text of its own."""
    directory.mkdir()
    paths = []
    for i in range(N):
        path = directory / f"story{i:02d}.txt"
        path.write_text(
            f"Officials in district {i} said on Friday that bridge number {i} would reopen"
            f" within {i + 2} weeks, the mayor told reporters.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def ingest_command(db: Path, inputs: list[Path]) -> list[str]:
    return [
        sys.executable, "-m", "claimtrack", "ingest", *map(str, inputs),
        "--db", str(db), "--batch-size", "1", "--published", "2023-06-04",
    ]  # fmt: skip


def stored(db: Path) -> int:
    """Articles committed to the ledger so far; 0 while it is not there yet."""
    if not db.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:  # not created or migrated yet
        return 0


def kill_mid_batch(db: Path, inputs: list[Path], after: int) -> int:
    """Start an ingest, SIGKILL it once ``after`` articles are stored; return how many were."""
    fifo = db.parent / "never-written"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        ingest_command(db, [*inputs, fifo]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    try:
        while stored(db) < after:
            assert process.poll() is None, process.communicate()[1].decode()
            assert time.monotonic() < deadline, "no article stored within 120 s"
            time.sleep(0.002)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    return stored(db)


def ledger_rows(db: Path) -> dict[str, object]:
    """What must match a ledger that was never interrupted, and the file's health."""
    with closing(sqlite3.connect(db)) as conn:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchall(),
            "foreign_keys": conn.execute("PRAGMA foreign_key_check").fetchall(),
            "articles": conn.execute("SELECT id, text FROM articles ORDER BY id").fetchall(),
            "sources": conn.execute(
                "SELECT article_id, source FROM article_sources ORDER BY source"
            ).fetchall(),
            "statements": conn.execute(
                "SELECT article_id, id, cue_start, cue_end FROM statements ORDER BY id"
            ).fetchall(),
            "actors": conn.execute("SELECT count(*) FROM actors").fetchone(),
            "exclusions": conn.execute("SELECT count(*) FROM exclusions").fetchone(),
        }


def test_sigkill_mid_ingest_then_rerun_stores_every_article_exactly_once(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "news")
    db = tmp_path / "news.db"

    before = kill_mid_batch(db, inputs, after=N // 2)
    assert N // 2 <= before < N

    rerun = subprocess.run(
        ingest_command(db, inputs), capture_output=True, text=True, timeout=300, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"{N - before} added, 0 replaced, {before} unchanged" in rerun.stderr

    reference = tmp_path / "reference.db"
    clean = CliRunner().invoke(main, ingest_command(reference, inputs)[3:])
    assert clean.exit_code == 0, clean.stderr

    resumed, expected = ledger_rows(db), ledger_rows(reference)
    assert resumed["integrity"] == [("ok",)] and resumed["foreign_keys"] == []
    assert len(resumed["articles"]) == N  # type: ignore[arg-type]
    assert {source for _, source in resumed["sources"]} == {str(p) for p in inputs}  # type: ignore[attr-defined]
    assert resumed == expected
