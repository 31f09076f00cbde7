"""HTML ingest throughput: bare trafilatura.extract vs claimtrack's extract_html.

    python scripts/bench_html.py tests/data/html
    python scripts/bench_html.py pages/ --rounds 5

Reads every *.html and *.html.gz page in DIR into memory (gzip is undone before
timing), then times, on the same raw bytes, ``trafilatura.extract(data)`` with
its defaults and ``claimtrack.html.extract_html(data, name)``, which also
decodes, extracts metadata (htmldate included) and lays out paragraphs. Pages
that either one rejects still count: each call is timed whatever it returns.
Prints articles/s and MB/s of raw HTML for each, best of ``--rounds`` rounds.
"""

from __future__ import annotations

import argparse
import gzip
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from claimtrack.errors import InputError
from claimtrack.html import extract_html


def load_pages(directory: Path) -> list[tuple[str, bytes]]:
    """(name, raw bytes) of each page in ``directory``, sorted by name."""
    pages = []
    for path in sorted(directory.iterdir()):
        if path.name.endswith(".html.gz"):
            pages.append((path.name, gzip.decompress(path.read_bytes())))
        elif path.name.endswith(".html"):
            pages.append((path.name, path.read_bytes()))
    return pages


def bare(name: str, data: bytes) -> bool:
    return trafilatura.extract(data) is not None


def claimtrack(name: str, data: bytes) -> bool:
    try:
        extract_html(data, name)
    except InputError:
        return False
    return True


def best_seconds(
    fn: Callable[[str, bytes], bool], pages: list[tuple[str, bytes]], rounds: int
) -> tuple[float, int]:
    """The fastest of ``rounds`` passes over all pages, and how many pages gave text."""
    best, ok = float("inf"), 0
    for _ in range(rounds):
        start = time.perf_counter()
        ok = sum(fn(name, data) for name, data in pages)
        best = min(best, time.perf_counter() - start)
    return best, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("directory", type=Path, help="folder of *.html / *.html.gz pages")
    parser.add_argument(
        "--rounds", type=int, default=3, help="passes over the pages (best is kept)"
    )
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        parser.error(f"{args.directory}: not a directory")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    pages = load_pages(args.directory)
    if not pages:
        parser.error(f"{args.directory}: no *.html or *.html.gz files")
    megabytes = sum(len(data) for _, data in pages) / 1e6
    print(
        f"{len(pages)} pages, {megabytes:.2f} MB of HTML; best of {args.rounds} rounds;"
        f" Python {platform.python_version()}, trafilatura {trafilatura.__version__}"
    )
    for name, fn in (("trafilatura.extract (bare)", bare), ("claimtrack extract_html", claimtrack)):
        fn(*pages[0])  # warm-up: imports and caches outside the timing
        seconds, ok = best_seconds(fn, pages, args.rounds)
        print(
            f"{name:28} {len(pages) / seconds:8.1f} articles/s  {megabytes / seconds:6.2f} MB/s"
            f"  ({ok}/{len(pages)} with text)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
