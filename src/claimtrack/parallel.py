"""Analysis in several processes: chunks of articles out, records back, in input order.

The reader (ingest) and the ledger writer stay in the calling process; only
``Article`` records travel to the workers and only ``Analysis``/``Failure``
records travel back (spaCy Docs never leave a worker). Each worker loads the
pipeline once, by name (``Settings``), the first time it analyses a chunk (a
pipeline that cannot be loaded raises its ``ModelError`` from that chunk)::

    articles -> chunks of ``chunk_size`` -> worker 1 | worker 2 | ... -> results, in order

Two executors run the chunks: a local process pool (``run_processes``, the
CLI's ``--workers N``) and a Dask cluster (``claimtrack.dask_run``). Both go
through ``run_chunks``, which keeps at most ``window`` chunks in flight so
memory stays bounded on any corpus size, and yields results in input order,
so a parallel run gives exactly what a one-process run gives.

A worker process that dies (killed, out of memory) breaks a process pool:
the pool is started again and the chunks that were in flight are analysed
again once; a chunk whose second attempt breaks the pool too comes back as one
``Failure`` per input, and the run goes on.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from claimtrack import lexicons as lexicons_mod
from claimtrack import nlp as nlp_stage
from claimtrack import pipeline, tagger
from claimtrack.records import Analysis, Article, Failure

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

Item = Article | Failure
Result = Analysis | Failure

#: Chunks in flight per worker: enough that a worker never waits for the next one.
CHUNKS_PER_WORKER = 2


@dataclass(frozen=True, slots=True)
class Settings:
    """What a worker needs to build the pipeline: names and paths only, so it pickles small."""

    model: str = nlp_stage.DEFAULT_MODEL
    lexicons: str | None = None
    attribution_model: str | None = None
    batch_size: int = 32

    @classmethod
    def of(
        cls,
        model: str = nlp_stage.DEFAULT_MODEL,
        lexicons: str | Path | None = None,
        attribution_model: str | Path | None = None,
        batch_size: int = 32,
    ) -> Settings:
        # absolute paths: a worker may run in another directory
        return cls(
            model,
            None if lexicons is None else str(Path(lexicons).resolve()),
            None if attribution_model is None else str(Path(attribution_model).resolve()),
            batch_size,
        )


def warm(settings: Settings) -> None:
    """Load the pipeline, lexicons and attribution model of ``settings`` into this process."""
    nlp_stage.cached_pipeline(settings.model)
    lexicons_mod.cached(settings.lexicons)
    tagger.cached_model(settings.attribution_model)


def analyse_chunk(settings: Settings, items: Sequence[Item]) -> list[Result]:
    """One chunk through the whole pipeline in this process (a worker's task).

    The models are loaded on the first call and kept for the process's life.
    Failures among ``items`` pass through in place, as in ``pipeline.run``.
    """
    if _START_ERROR:
        raise _START_ERROR[0]
    warm(settings)
    return list(
        pipeline.run(
            items,
            nlp_stage.cached_pipeline(settings.model),
            lexicons_mod.cached(settings.lexicons),
            batch_size=settings.batch_size,
            attribution_model=tagger.cached_model(settings.attribution_model),
        )
    )


class ChunkFuture(Protocol):
    def result(self, timeout: float | None = None) -> list[Result]: ...


Submit = Callable[[Sequence[Item]], ChunkFuture]


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_chunks(
    items: Iterable[Item], submit: Submit, chunk_size: int, window: int
) -> Iterator[Result]:
    """Submit chunks of ``items`` with ``submit``, at most ``window`` in flight; yield in order."""
    pending: deque[ChunkFuture] = deque()
    for chunk in chunks(items, chunk_size):
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def run_processes(
    items: Iterable[Item], settings: Settings, workers: int, chunk_size: int | None = None
) -> Iterator[Result]:
    """Analyse ``items`` in ``workers`` processes; results in input order (see ``ProcessPool``)."""
    with ProcessPool(settings, workers) as pool:
        yield from pool.run(items, chunk_size)


class ProcessPool:
    """``workers`` spawned processes, each with the pipeline loaded once; a context manager.

    Workers are started with "spawn" (a fresh interpreter, on every platform),
    so a parent that holds threads or a loaded model is never forked. Each
    loads the models as it starts; a model that cannot be loaded is raised
    (``ModelError``) by the first chunk. A pool whose worker died is started
    again; see the module docstring.
    """

    def __init__(self, settings: Settings, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.settings = settings
        self.workers = workers
        self.generation = 0
        self.executor = self._start()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.settings,),
        )

    def run(self, items: Iterable[Item], chunk_size: int | None = None) -> Iterator[Result]:
        """Results for ``items`` in input order; ``chunk_size`` defaults to the batch size."""
        size = chunk_size or self.settings.batch_size
        yield from run_chunks(items, self.submit, size, self.workers * CHUNKS_PER_WORKER)

    def warm_up(self, items: Sequence[Item]) -> None:
        """Start every worker (each loads the models) and analyse ``items`` once, untimed."""
        futures = [self.submit(items) for _ in range(self.workers)]
        for future in futures:
            future.result()

    def submit(self, chunk: Sequence[Item]) -> _Retrying:
        return _Retrying(self, list(chunk))

    def _run(self, chunk: list[Item]) -> tuple[Future[list[Result]], int]:
        try:
            return self.executor.submit(analyse_chunk, self.settings, chunk), self.generation
        except BrokenProcessPool:  # it broke since the last chunk was submitted
            self.restart(self.generation)
            return self.executor.submit(analyse_chunk, self.settings, chunk), self.generation

    def restart(self, generation: int) -> None:
        """Start a new pool, unless another chunk's failure already did since ``generation``."""
        if generation != self.generation:
            return
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._start()
        self.generation += 1

    def shutdown(self) -> None:
        """Stop the workers (waiting for them, so their resources are counted and freed)."""
        self.executor.shutdown(wait=True, cancel_futures=True)


_START_ERROR: list[BaseException] = []


def _start_worker(settings: Settings) -> None:
    """A worker's initializer: load the models; keep an error for the first chunk to raise.

    (An initializer that raised would break the pool and hide the reason.)
    """
    try:
        warm(settings)
    except Exception as err:  # noqa: BLE001  re-raised by analyse_chunk
        _START_ERROR.append(err)


class _Retrying:
    """One chunk's task: run again once in a new pool if its pool broke."""

    def __init__(self, pool: ProcessPool, chunk: list[Item]) -> None:
        self.pool = pool
        self.chunk = chunk
        self.future, self.generation = pool._run(chunk)

    def result(self, timeout: float | None = None) -> list[Result]:
        try:
            return self.future.result(timeout)
        except BrokenProcessPool:
            self.pool.restart(self.generation)
        future, generation = self.pool._run(self.chunk)
        try:
            return future.result(timeout)
        except BrokenProcessPool as err:
            self.pool.restart(generation)
            reason = f"a worker process died while analysing this chunk, twice ({err})"
            return [failed(item, reason) for item in self.chunk]


def failed(item: Item, reason: str) -> Failure:
    if isinstance(item, Failure):
        return item
    return Failure(item.source, "analyze", reason)
