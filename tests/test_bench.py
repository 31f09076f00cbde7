"""Throughput bench: reading texts, derived figures, and ``claimtrack bench`` end to end.

Timings are only checked to be positive: their values depend on the machine.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from claimtrack import bench
from claimtrack.cli import main

TEXTS = {
    "a.txt": "The mayor said the bridge will reopen in May.\n",
    "sub/b.txt": "  Officials denied that the road was closed, a spokesman told reporters.\n\n",
    "sub/deeper/c.txt": "\u201cWe are ready,\u201d the minister wrote on Twitter on Friday.",
}
REQUIRED_KEYS = {
    "ratio", "docs_per_s", "bare_docs_per_s", "peak_rss_mb", "words_per_s", "bare_words_per_s",
    "docs", "words", "seconds", "bare_seconds", "model", "cpus",
}


@pytest.fixture()
def texts_dir(tmp_path: Path) -> Path:
    root = tmp_path / "texts"
    for name, text in TEXTS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    (root / "notes.md").write_text("not a .txt file, not read\n", "utf-8")
    return root


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def figures(**changes: Any) -> bench.BenchResult:
    base = bench.BenchResult(
        docs=4, words=1000, seconds=2.0, bare_seconds=0.5, failed=0, model="en_core_web_sm",
        model_version="3.8.0", spacy_version="3.8.0", batch_size=32, warmup=3, cpus=2,
        peak_rss_mb=512.0,
    )
    return dataclasses.replace(base, **changes)


# ---------------------------------------------------------------------------- library


def test_read_texts_recursive_sorted_raw(texts_dir: Path) -> None:
    texts = bench.read_texts(texts_dir)
    assert [Path(p).relative_to(texts_dir).as_posix() for p, _ in texts] == sorted(TEXTS)
    assert [t for _, t in texts] == [TEXTS[name] for name in sorted(TEXTS)]  # not stripped
    assert len(bench.read_texts(texts_dir, limit=2)) == 2


def test_read_texts_without_txt_files(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("hello\n", "utf-8")
    with pytest.raises(bench.BenchError, match="no .txt files"):
        bench.read_texts(tmp_path)


def test_count_words() -> None:
    assert bench.count_words(["It's 9 a.m.", "Jos\u00e9 said: \u201cno.\u201d"]) == 5 + 3


def test_derived_figures() -> None:
    result = figures()
    assert result.docs_per_s == 2.0 and result.bare_docs_per_s == 8.0
    assert result.words_per_s == 500.0 and result.bare_words_per_s == 2000.0
    assert result.ratio == 0.25
    data = result.to_dict()
    assert REQUIRED_KEYS <= set(data)
    assert data["ratio"] == 0.25
    assert figures(bare_seconds=0.0).ratio == 0.0  # no division by zero


def test_format_table_is_aligned() -> None:
    lines = bench.format_table(figures()).splitlines()
    assert lines[0].split() == ["docs", "words", "seconds", "docs/s", "words/s"]
    assert len(lines[0]) == len(lines[1]) == len(lines[2])
    assert lines[1].startswith("spaCy (bare)") and lines[2].startswith("claimtrack")
    assert "ratio (claimtrack docs/s ÷ bare docs/s): 0.250" in lines


def test_peak_rss_and_cpus_are_positive() -> None:
    assert bench.peak_rss_mb() > 0
    assert bench.cpu_count() >= 1


# ---------------------------------------------------------------------------- the command


@pytest.mark.model
def test_bench_json(texts_dir: Path) -> None:
    result = run("bench", "--texts", str(texts_dir), "--json", "--batch-size", "2")
    assert result.exit_code == 0, result.stderr
    [line] = result.stdout.splitlines()
    data = json.loads(line)
    assert REQUIRED_KEYS <= set(data)
    assert data["docs"] == 3
    assert data["words"] == bench.count_words(list(TEXTS.values()))
    for key in REQUIRED_KEYS - {"model", "docs", "words", "cpus"}:
        assert isinstance(data[key], float) and data[key] > 0, (key, data[key])
    assert data["cpus"] >= 1
    assert data["model"].startswith("en_core_web_sm") and data["model_version"]
    assert data["failed"] == 0
    assert data["workers"] == 1 and data["worker_peak_rss_mb"] is None


@pytest.mark.model
def test_bench_with_workers_reports_each_side_and_the_largest_worker(texts_dir: Path) -> None:
    result = run("bench", "--texts", str(texts_dir), "--json", "--batch-size", "1", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["workers"] == 2 and data["docs"] == 3 and data["failed"] == 0
    assert data["seconds"] > 0 and data["bare_seconds"] > 0
    # a worker holds a whole pipeline: far more than an interpreter alone
    assert data["worker_peak_rss_mb"] > 100


@pytest.mark.model
def test_bench_table_with_limit(texts_dir: Path) -> None:
    result = run("bench", "--texts", str(texts_dir), "--limit", "2")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    words = bench.count_words([TEXTS["a.txt"], TEXTS["sub/b.txt"]])
    assert lines[1].split()[2:4] == ["2", str(words)]
    assert any(line.startswith("ratio ") for line in lines)


def test_bench_on_empty_dir_is_usage_error(tmp_path: Path) -> None:
    result = run("bench", "--texts", str(tmp_path), "--json")
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("claimtrack: ") and "no .txt files" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_bench_on_missing_dir_is_usage_error(tmp_path: Path) -> None:
    result = run("bench", "--texts", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "--texts" in result.stderr


def test_bench_missing_model_is_usage_error(texts_dir: Path) -> None:
    result = run("bench", "--texts", str(texts_dir), "--model", "no_such_model_xyz")
    assert result.exit_code == 2
    assert "no_such_model_xyz" in result.stderr and "not installed" in result.stderr


def test_bench_help_has_an_example() -> None:
    result = run("bench", "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "claimtrack bench --texts" in result.stdout
