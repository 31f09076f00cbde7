"""Analysis in several processes (``--workers``): the same results, in order, and no loss.

Every test here starts real worker processes ("spawn": each imports claimtrack
and loads the model), so the corpus is small and the chunks tiny (batch size
2), which puts several chunks in flight at once and makes their order matter.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import claimtrack
from claimtrack import parallel
from claimtrack.ingest import as_article
from claimtrack.records import Analysis, Article, Failure
from conftest import SEED, SEED_PUBLISHED, assert_spans_match, ledger_rows

POLNEAR_DEV = Path(__file__).resolve().parents[2] / "shared" / "polnear" / "dev" / "text"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eleven articles (the reference one and ten PolNeAR dev texts) and one binary file."""
    directory = tmp_path_factory.mktemp("corpus")
    (directory / "00-seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for n, path in enumerate(sorted(POLNEAR_DEV.glob("*.txt"))[:10], start=1):
        (directory / f"{n:02d}-{path.name}").write_bytes(path.read_bytes())
    (directory / "05b-broken.txt").write_bytes(b"\x00\x01\x02 not text \xff\xfe\x00")
    return directory


def claimtrack_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claimtrack", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_extract_with_workers_prints_exactly_what_one_process_prints(corpus: Path) -> None:
    common = (
        "extract",
        str(corpus),
        "--published",
        SEED_PUBLISHED.isoformat(),
        "--format",
        "jsonl",
        "--batch-size",
        "2",
    )
    one = claimtrack_cli(*common)
    three = claimtrack_cli(*common, "--workers", "3")
    assert one.returncode == three.returncode == 1  # the binary file failed, the rest went on
    assert three.stdout == one.stdout
    records = [json.loads(line) for line in three.stdout.splitlines()]
    assert len(records) == 11
    assert sum(len(r["statements"]) for r in records) > 50
    failure_lines = [line for line in three.stderr.splitlines() if "05b-broken.txt" in line]
    assert len(failure_lines) == 1 and "binary" in failure_lines[0]
    assert failure_lines == [line for line in one.stderr.splitlines() if "05b-broken.txt" in line]
    assert "11 of 12 inputs analysed" in three.stderr


def test_ingest_with_workers_stores_the_same_ledger(corpus: Path, tmp_path: Path) -> None:
    for name, workers in (("one.db", "1"), ("two.db", "2")):
        done = claimtrack_cli(
            "ingest", str(corpus), "--published", SEED_PUBLISHED.isoformat(), "--db", str(tmp_path / name),
            "--batch-size", "2", "--workers", workers,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert "11 added, 0 replaced, 0 unchanged" in done.stderr
    one, two = ledger_rows(tmp_path / "one.db"), ledger_rows(tmp_path / "two.db")
    assert sum(len(rows) for rows in one.values()) > 500
    assert two == one


def articles_of(corpus: Path) -> list[Article]:
    return [
        as_article(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(corpus.glob("*.txt"))
        if "broken" not in path.name
    ]


def test_a_killed_worker_is_replaced_and_nothing_is_lost_or_repeated(corpus: Path) -> None:
    articles = articles_of(corpus)
    settings = parallel.Settings.of(batch_size=1)
    expected = [parallel.analyse_chunk(settings, [a])[0] for a in articles]
    results: list[Analysis | Failure] = []
    with parallel.ProcessPool(settings, 2) as pool:
        stream = pool.run(articles)
        results.append(next(stream))
        victim = next(iter(pool.executor._processes.values()))
        os.kill(victim.pid, signal.SIGKILL)
        results.extend(stream)
        assert pool.generation == 1  # the broken pool was replaced once
    assert [r.article.id for r in results if isinstance(r, Analysis)] == [a.id for a in articles]
    assert results == expected
    for result in results:
        assert isinstance(result, Analysis)
        assert_spans_match(result)


def test_a_model_that_is_not_installed_is_a_model_error_from_the_workers() -> None:
    settings = parallel.Settings.of(model="no_such_pipeline_xyz")
    with (
        parallel.ProcessPool(settings, 2) as pool,
        pytest.raises(claimtrack.ModelError, match="no_such_pipeline_xyz"),
    ):
        list(pool.run([as_article("The minister said the town had fallen.", "a.txt")]))


def test_analyze_sources_with_workers_matches_one_process(corpus: Path) -> None:
    one = list(claimtrack.analyze_sources([str(corpus)], published=SEED_PUBLISHED, batch_size=3))
    two = list(
        claimtrack.analyze_sources([str(corpus)], published=SEED_PUBLISHED, batch_size=3, workers=2)
    )
    assert two == one
    assert [type(r).__name__ for r in one].count("Failure") == 1


def test_workers_below_one_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        next(claimtrack.analyze_sources(["-"], workers=0))


# ---------------------------------------------------------------------- run_chunks, no processes


class Recorder:
    """A ``submit`` whose chunks finish only when a result is asked for, all pending ones at
    once and the latest first, so the results come back out of order."""

    def __init__(self) -> None:
        self.chunks: list[Sequence[Any]] = []
        self.pending: list[FakeFuture] = []
        self.finished: list[Sequence[Any]] = []
        self.most_in_flight = 0

    def submit(self, chunk: Sequence[Any]) -> FakeFuture:
        future = FakeFuture(self, chunk)
        self.chunks.append(chunk)
        self.pending.append(future)
        self.most_in_flight = max(self.most_in_flight, len(self.pending))
        return future

    def finish_pending(self) -> None:
        for future in reversed(self.pending):
            future.value = [f"r{x}" for x in future.chunk]
            self.finished.append(future.chunk)
        self.pending.clear()


class FakeFuture:
    def __init__(self, recorder: Recorder, chunk: Sequence[Any]) -> None:
        self.recorder = recorder
        self.chunk = chunk
        self.value: list[Any] | None = None

    def result(self, timeout: float | None = None) -> list[Any]:
        if self.value is None:
            self.recorder.finish_pending()
        assert self.value is not None
        return self.value


def test_run_chunks_yields_in_input_order_with_a_bounded_window() -> None:
    recorder = Recorder()
    items = list(range(20))
    out = list(parallel.run_chunks(items, recorder.submit, chunk_size=3, window=3))  # type: ignore[arg-type]
    assert out == [f"r{x}" for x in items]
    assert recorder.most_in_flight == 3
    assert [len(chunk) for chunk in recorder.chunks] == [3, 3, 3, 3, 3, 3, 2]
    assert recorder.finished[:3] == [[6, 7, 8], [3, 4, 5], [0, 1, 2]]  # really out of order


def test_chunks_of_an_empty_stream_is_nothing() -> None:
    assert list(parallel.chunks([], 4)) == []
    assert list(parallel.run_chunks([], lambda chunk: pytest.fail("submitted"), 4, 2)) == []


def test_a_ledger_row_dump_sees_differences(tmp_path: Path) -> None:
    """``ledger_rows``, which the equality tests trust, tells two ledgers apart."""
    db = tmp_path / "a.db"
    with claimtrack.Ledger(db) as ledger:
        ledger.add(
            claimtrack.analyze("The minister said the town had fallen.", published="2023-06-04")
        )
    before = ledger_rows(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE statements SET cue_text = 'stated'")
    assert ledger_rows(db) != before


# ---------------------------------------------------------------------- Dask


def test_ingest_on_a_local_dask_cluster_stores_the_same_ledger_and_reruns_add_nothing(
    corpus: Path, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    for name, extra in (("one.db", ()), ("dask.db", ("--dask", "local", "--workers", "2"))):
        done = claimtrack_cli(
            "ingest", f"{corpus}/*.txt", "--published", SEED_PUBLISHED.isoformat(),
            "--db", str(tmp_path / name), "--batch-size", "2", *extra,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr  # the binary file
        assert "11 added, 0 replaced, 0 unchanged" in done.stderr
    assert ledger_rows(tmp_path / "dask.db") == ledger_rows(tmp_path / "one.db")
    again = claimtrack_cli(
        "ingest", f"{corpus}/*.txt", "--published", SEED_PUBLISHED.isoformat(),
        "--db", str(tmp_path / "dask.db"), "--batch-size", "2", "--dask", "local", "--workers", "2",
    )  # fmt: skip
    assert "0 added, 0 replaced, 11 unchanged" in again.stderr
    assert ledger_rows(tmp_path / "dask.db") == ledger_rows(tmp_path / "one.db")


def test_a_dask_worker_killed_mid_run_loses_nothing_and_stores_nothing_twice(
    corpus: Path, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    from claimtrack import dask_run

    articles = articles_of(corpus) * 2  # each twice: the second is "unchanged"
    settings = parallel.Settings.of(batch_size=1)
    with claimtrack.Ledger(tmp_path / "one.db") as ledger:
        for result in parallel.analyse_chunk(settings, articles):
            assert isinstance(result, Analysis)
            ledger.add(result)
    outcomes: list[str] = []
    killed = None
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        claimtrack.Ledger(tmp_path / "dask.db") as ledger,
    ):
        pids = client.run(os.getpid)
        for result in dask_run.run(articles, settings, client):
            assert isinstance(result, Analysis)
            outcomes.append(ledger.add(result))
            if killed is None:
                busy = [worker for worker, keys in client.processing().items() if keys]
                killed = busy[0]  # a worker with a chunk in hand
                os.kill(pids[killed], signal.SIGKILL)
        assert killed not in client.run(os.getpid)  # the nanny started another in its place
    assert outcomes == ["added"] * 11 + ["unchanged"] * 11
    assert ledger_rows(tmp_path / "dask.db") == ledger_rows(tmp_path / "one.db")


def test_an_unreachable_dask_scheduler_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    from click.testing import CliRunner

    from claimtrack import dask_run
    from claimtrack.cli import main

    monkeypatch.setattr(dask_run, "CONNECT_TIMEOUT_S", 2)
    result = CliRunner().invoke(
        main, ["ingest", str(SEED), "--db", str(tmp_path / "x.db"), "--dask", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("claimtrack: tcp://127.0.0.1:9: cannot reach the Dask scheduler")


def test_dask_workers_that_cannot_load_the_model_are_one_error(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    from claimtrack import dask_run

    settings = parallel.Settings.of(model="no_such_pipeline_xyz")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        pytest.raises(dask_run.DaskError, match="cannot load the models: .*no_such_pipeline_xyz"),
    ):
        list(
            dask_run.run(
                [as_article("The minister said the town fell.", "a.txt")], settings, client
            )
        )
