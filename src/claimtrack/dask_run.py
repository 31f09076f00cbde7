"""Analysis on a Dask cluster: ``claimtrack ingest --dask SCHEDULER`` (or ``--dask local``).

The calling process reads the corpus (files, directories, glob patterns, JSON
Lines shards, URLs: everything ``read_sources`` reads), cuts the articles into
chunks of ``--batch-size``, and submits each chunk as one task,
``parallel.analyse_chunk``. Workers load the pipeline once each (a worker plugin
loads it when the worker starts, or restarts), and send back ``Analysis`` and
``Failure`` records only, never spaCy Docs. Results are taken in input order
(``parallel.run_chunks``, a bounded number of chunks in flight), so the one
writer, the calling process, writes the ledger exactly as a one-process run
would.

When a worker dies, the scheduler runs its tasks again on another worker; each
task's result is taken once, and storing an analysis that is already stored
changes nothing (``Ledger.add`` says "unchanged"), so a rerun never adds a row
twice. A chunk that kills workers repeatedly (the scheduler's
``allowed-failures``, 3 by default) comes back as one ``Failure`` per article.

Workers need claimtrack (and the spaCy model) installed in the same versions
as the client; ``claimtrack`` checks nothing else about them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from claimtrack import parallel
from claimtrack.errors import ClaimtrackError
from claimtrack.parallel import Item, Result

if TYPE_CHECKING:
    from distributed import Client

#: Seconds to wait for a scheduler to answer before giving up.
CONNECT_TIMEOUT_S = 30


class DaskError(ClaimtrackError):
    """Dask is not installed, or the scheduler cannot be reached."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as err:
        raise DaskError(
            f"--dask needs Dask's distributed scheduler (pip install 'claimtrack[dask]'): {err}"
        ) from None
    return distributed


@contextlib.contextmanager
def connect(scheduler: str, workers: int = 2) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` ("tcp://host:8786"), or of a new
    ``LocalCluster`` of ``workers`` one-thread worker processes for "local"."""
    distributed = _distributed()
    if scheduler == "local":
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, ValueError, TypeError) as err:
        raise DaskError(f"{scheduler}: cannot reach the Dask scheduler: {err}") from None
    with client:
        yield client


def _load_models_plugin(settings: parallel.Settings) -> Any:
    """A worker plugin that loads the models of ``settings`` as each worker starts."""
    distributed = _distributed()

    class LoadModels(distributed.WorkerPlugin):  # type: ignore[misc,name-defined]
        name = f"claimtrack-models-{hash(settings) & 0xFFFFFFFF:08x}"

        def setup(self, worker: Any) -> None:
            parallel.warm(settings)

    return LoadModels()


def run(
    items: Iterable[Item],
    settings: parallel.Settings,
    client: Client,
    chunk_size: int | None = None,
) -> Iterator[Result]:
    """Analyse ``items`` on the cluster behind ``client``; results in input order.

    At most two chunks per worker thread are in flight (counted when the run
    starts, at least two in all).
    """
    distributed = _distributed()
    plugin = _load_models_plugin(settings)
    try:
        client.register_plugin(plugin)
    except Exception as err:  # noqa: BLE001  a model that cannot load fails every worker's setup
        raise DaskError(f"the Dask workers cannot load the models: {err}") from None
    threads = sum(client.nthreads().values())  # type: ignore[no-untyped-call]
    window = max(2, threads * parallel.CHUNKS_PER_WORKER)

    def submit(chunk: Sequence[Item]) -> _Task:
        future = client.submit(parallel.analyse_chunk, settings, list(chunk), pure=False)
        return _Task(future, list(chunk), distributed.KilledWorker)

    yield from parallel.run_chunks(items, submit, chunk_size or settings.batch_size, window)


class _Task:
    """One chunk's future; a chunk the scheduler gave up on becomes one Failure per article."""

    def __init__(self, future: Any, chunk: list[Item], killed: type[BaseException]) -> None:
        self.future = future
        self.chunk = chunk
        self.killed = killed

    def result(self, timeout: float | None = None) -> list[Result]:
        try:
            return list(self.future.result(timeout))
        except self.killed as err:
            reason = f"Dask workers died analysing this chunk, too often to try again ({err})"
            return [parallel.failed(item, reason) for item in self.chunk]
        finally:
            self.future.release()
