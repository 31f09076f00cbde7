"""Throughput: claimtrack's whole pipeline against bare spaCy on the same texts.

One process, one run, two sides, in this order:

1. **bare spaCy**: ``spacy.load(model)`` with its default pipes enabled, every
   text through ``nlp.pipe(texts, batch_size=...)``, each Doc consumed;
2. **claimtrack**: ``pipeline.run`` over the same texts as articles, with every
   stage on (cleaning, parsing, attributions, actors, channels, time, claims),
   each result consumed.

Each side is first warmed up on the first few texts (``warmup``, default 3),
untimed, so that lazy initialisation is not billed to the first batch; then all
texts are timed, those included. Loading the models and reading the files are
not timed. Texts are read as UTF-8 and used as written (``ingest.as_article``),
so PolNeAR texts are analysed exactly as ``claimtrack eval polnear`` analyses them.

``ratio`` is claimtrack docs/s divided by bare docs/s: 0.25 means claimtrack
handles a quarter as many documents per second as spaCy alone. ``peak_rss_mb``
is the peak resident memory of the whole process (both pipelines loaded, all
texts in memory), so it bounds claimtrack's own need from above. Words are
matches of the regex ``\\w+`` (the scorer's word units), counted over all texts.

With ``workers`` > 1 (``claimtrack bench --workers N``) each side uses N
processes: claimtrack a ``parallel.ProcessPool`` (run first; every worker
loads the models and is warmed up before the clock starts), bare spaCy
``nlp.pipe(n_process=N)``. ``worker_peak_rss_mb`` is then the largest peak
resident memory of one claimtrack worker, and ``peak_rss_mb`` the parent's.
"""

from __future__ import annotations

import os
import re
import resource
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from claimtrack import nlp as nlp_stage
from claimtrack import parallel, pipeline
from claimtrack.errors import ClaimtrackError, ModelError
from claimtrack.ingest import as_article
from claimtrack.lexicons import Lexicons
from claimtrack.records import Analysis, Failure

DEFAULT_WARMUP = 3
_WORD = re.compile(r"\w+")


class BenchError(ClaimtrackError):
    """A texts directory with nothing to time, or a text that cannot be read."""


@dataclass(frozen=True, slots=True)
class BenchResult:
    """The figures of one run; rates and the ratio are derived from counts and seconds."""

    docs: int
    words: int
    seconds: float  # claimtrack, all texts, after warm-up
    bare_seconds: float  # bare spaCy, all texts, after warm-up
    failed: int  # claimtrack results that were Failures (still timed)
    model: str  # the pipeline's own name, e.g. "en_core_web_sm"
    model_version: str
    spacy_version: str
    batch_size: int
    warmup: int
    cpus: int
    peak_rss_mb: float
    workers: int = 1
    #: the largest peak resident memory of one worker process (None with one worker)
    worker_peak_rss_mb: float | None = None

    @property
    def docs_per_s(self) -> float:
        return _rate(self.docs, self.seconds)

    @property
    def words_per_s(self) -> float:
        return _rate(self.words, self.seconds)

    @property
    def bare_docs_per_s(self) -> float:
        return _rate(self.docs, self.bare_seconds)

    @property
    def bare_words_per_s(self) -> float:
        return _rate(self.words, self.bare_seconds)

    @property
    def ratio(self) -> float:
        """claimtrack docs/s ÷ bare spaCy docs/s (the same as bare seconds ÷ claimtrack seconds)."""
        return self.docs_per_s / self.bare_docs_per_s if self.bare_docs_per_s else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data, rounded to what a timing can tell."""
        return {
            "ratio": round(self.ratio, 4),
            "docs_per_s": round(self.docs_per_s, 3),
            "bare_docs_per_s": round(self.bare_docs_per_s, 3),
            "words_per_s": round(self.words_per_s, 1),
            "bare_words_per_s": round(self.bare_words_per_s, 1),
            "docs": self.docs,
            "words": self.words,
            "seconds": round(self.seconds, 4),
            "bare_seconds": round(self.bare_seconds, 4),
            "failed": self.failed,
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "model": self.model,
            "model_version": self.model_version,
            "spacy_version": self.spacy_version,
            "batch_size": self.batch_size,
            "warmup": self.warmup,
            "cpus": self.cpus,
            "workers": self.workers,
            "worker_peak_rss_mb": None
            if self.worker_peak_rss_mb is None
            else round(self.worker_peak_rss_mb, 1),
        }


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def read_texts(directory: str | Path, limit: int | None = None) -> list[tuple[str, str]]:
    """(path, text) for every ``*.txt`` under ``directory``, recursively, sorted by path.

    Texts are read as UTF-8 and kept as written. Raises BenchError when there
    is no .txt file (after ``limit``: the first ``limit`` paths) or one is not UTF-8.
    """
    paths = sorted(p for p in Path(directory).rglob("*.txt") if p.is_file())
    if limit is not None:
        paths = paths[:limit]
    if not paths:
        raise BenchError(f"{directory}: no .txt files to time")
    texts = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                texts.append((str(path), handle.read()))
        except (OSError, UnicodeDecodeError) as err:
            raise BenchError(f"{path}: cannot read as UTF-8 ({err})") from None
    return texts


def load_bare(name: str) -> Language:
    """``spacy.load(name)`` as is: default pipes, nothing added; ModelError when not installed."""
    try:
        return spacy.load(name)
    except OSError as err:
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed: {str(err).splitlines()[0][:200]}"
        ) from None


def count_words(texts: Sequence[str]) -> int:
    """Matches of ``\\w+`` over all texts: "It's 9 a.m." -> 5 ("It", "s", "9", "a", "m")."""
    return sum(len(_WORD.findall(text)) for text in texts)


def run_bench(
    texts: Sequence[tuple[str, str]],
    nlp: Language,
    bare: Language,
    lex: Lexicons,
    batch_size: int = 32,
    warmup: int = DEFAULT_WARMUP,
    workers: int = 1,
    settings: parallel.Settings | None = None,
) -> BenchResult:
    """Time bare spaCy, then claimtrack, on (source, text) pairs; see the module docstring.

    ``nlp`` is a claimtrack pipeline (``nlp.load_pipeline``), ``bare`` the same
    model loaded plainly (``load_bare``). With ``workers`` > 1, claimtrack runs
    in a ``parallel.ProcessPool`` built from ``settings`` (first, so that the
    largest worker's peak memory is its own), and bare spaCy with
    ``nlp.pipe(n_process=workers)``.
    """
    raw = [text for _, text in texts]
    articles = [as_article(text, source) for source, text in texts]

    def time_bare(batch: Sequence[str]) -> float:
        start = time.perf_counter()
        for _doc in bare.pipe(batch, batch_size=batch_size, n_process=workers):
            pass
        return time.perf_counter() - start

    def count_failed(results: Iterable[Analysis | Failure]) -> int:
        return sum(isinstance(result, Failure) for result in results)

    worker_peak: float | None = None
    if workers > 1:
        if settings is None:
            raise ValueError("run_bench needs the pipeline settings to start workers")
        with parallel.ProcessPool(settings, workers) as pool:
            pool.warm_up(articles[:warmup])
            start = time.perf_counter()
            failed = count_failed(pool.run(articles, batch_size))
            seconds = time.perf_counter() - start
        worker_peak = children_peak_rss_mb()
        time_bare(raw[:warmup])
        bare_seconds = time_bare(raw)
    else:
        time_bare(raw[:warmup])
        bare_seconds = time_bare(raw)
        count_failed(pipeline.run(articles[:warmup], nlp, lex, batch_size=batch_size))
        start = time.perf_counter()
        failed = count_failed(pipeline.run(articles, nlp, lex, batch_size=batch_size))
        seconds = time.perf_counter() - start
    name, version = nlp_stage.model_id(nlp)
    return BenchResult(
        docs=len(texts),
        words=count_words(raw),
        seconds=seconds,
        bare_seconds=bare_seconds,
        failed=failed,
        model=name,
        model_version=version,
        spacy_version=spacy.about.__version__,
        batch_size=batch_size,
        warmup=min(warmup, len(texts)),
        cpus=cpu_count(),
        peak_rss_mb=peak_rss_mb(),
        workers=workers,
        worker_peak_rss_mb=worker_peak,
    )


def cpu_count() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB.

    ``ru_maxrss`` is in KiB on Linux and in bytes on macOS.
    """
    return _max_rss_mb(resource.RUSAGE_SELF)


def children_peak_rss_mb() -> float:
    """The largest peak resident memory of any child process that has ended, in MiB."""
    return _max_rss_mb(resource.RUSAGE_CHILDREN)


def _max_rss_mb(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def format_table(result: BenchResult) -> str:
    """A small aligned table of the figures, for a terminal."""
    rows = [
        ("spaCy (bare)", result.bare_seconds, result.bare_docs_per_s, result.bare_words_per_s),
        ("claimtrack", result.seconds, result.docs_per_s, result.words_per_s),
    ]
    lines = [f"{'':14}{'docs':>7}{'words':>10}{'seconds':>10}{'docs/s':>10}{'words/s':>11}"]
    for label, seconds, dps, wps in rows:
        lines.append(
            f"{label:14}{result.docs:>7}{result.words:>10}{seconds:>10.2f}{dps:>10.2f}{wps:>11.0f}"
        )
    lines.append("")
    lines.append(f"ratio (claimtrack docs/s ÷ bare docs/s): {result.ratio:.3f}")
    lines.append(
        f"model {result.model} {result.model_version} (spaCy {result.spacy_version}), "
        f"batch size {result.batch_size}, {result.cpus} CPUs, "
        + (
            f"{result.workers} workers (largest worker's peak RSS {result.worker_peak_rss_mb:.0f} MB), "
            if result.worker_peak_rss_mb is not None
            else ""
        )
        + f"peak RSS {result.peak_rss_mb:.0f} MB"
        + (f", {result.failed} failed" if result.failed else "")
    )
    return "\n".join(lines)


__all__ = [
    "BenchError",
    "BenchResult",
    "count_words",
    "cpu_count",
    "format_table",
    "load_bare",
    "peak_rss_mb",
    "read_texts",
    "run_bench",
]
