"""Analysis on a Dask cluster: ``claimtrace ingest PATH... --dask local:N`` or ``--dask tcp://HOST:PORT``.

The ingest runner (:mod:`claimtrace.ingest`) hands this module the new articles in input order and
the task that analyses a chunk; they are cut into chunks of ``chunk_size`` articles, each chunk is one
Dask task (a worker analyses and embeds its articles with the pipeline it loaded once, on its first
chunk) and the analyses come back to the ingest process, which writes each article in one
transaction, in input order, exactly as with local processes. So the store, its ids and the linking
that follows are the same as a run without Dask, and a run killed at any moment and started again
skips what was stored and ends where a clean run ends.

A chunk whose worker dies is run again on another worker (Dask's scheduler reschedules it; after
``distributed.scheduler.allowed-failures`` deaths the run stops with one line naming the chunk's
first input). At most ``_CHUNKS_PER_WORKER`` chunks per worker are in flight, so memory stays
bounded whatever the size of the input. Progress shows in the terminal (the ingest bar) and on Dask's
dashboard (``client.dashboard_link``, which ``claimtrace ingest`` prints with the bar).

``local:N`` starts a cluster of N single-threaded worker processes on this machine (dashboard on
127.0.0.1); ``tcp://`` joins a running scheduler, whose workers need claimtrace installed. Figures
(``--dask local:1/2`` against ``--jobs 2``) are in ``docs/scaling.md``. Misses: the workers read no
files (the ingest process reads and sends the texts), and linking runs in the ingest process.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from claimtrace.errors import ClaimtraceError

DEFAULT_CHUNK_SIZE = 8  # articles per task: seconds of work, small enough to keep every worker busy to the end
_CHUNKS_PER_WORKER = 3  # tasks in flight per worker: one running, the next ones already shipped
_WORKER_ENV = {"OMP_NUM_THREADS": "1", "CLAIMTRACE_THREADS": "1"}  # one core per single-threaded worker
# A local cluster's workers share the cores of the ingest itself: Dask's statistical profiler, which
# samples the analysing thread's stack every 10 ms (for the dashboard's profile page), is turned off,
# and the workers' memory and system monitors sample every second instead of every 0.1 and 0.5 s.
_LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (memory back to the system sooner);
    # the analysis allocates and frees small objects all the time: glibc's default is kept.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "1s",
}


def parse_scheduler(value: str) -> tuple[str, int | str]:
    """``local:N`` as ("local", N), ``tcp://host:port`` as ("tcp", the address); anything else is an error."""
    if value.startswith("local:"):
        count = value.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise ClaimtraceError(f"--dask {value}: local needs a number of workers, e.g. local:2")
        return "local", int(count)
    if value.startswith("tcp://") and len(value) > len("tcp://"):
        return "tcp", value
    raise ClaimtraceError(f"--dask {value}: expected local:N or tcp://HOST:PORT")


@contextmanager
def dask_client(scheduler: str) -> Iterator[Any]:
    """A Dask client for ``scheduler`` (a local cluster started and stopped here, or a running one);
    ``client.dashboard_link`` is the address of its dashboard."""
    kind, where = parse_scheduler(scheduler)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ClaimtraceError("--dask needs Dask: pip install 'claimtrace[dask]'") from None
    if kind == "local":
        import dask

        with dask.config.set(_LOCAL_CONFIG):  # the nannies hand it to their workers
            cluster = LocalCluster(
                n_workers=int(where), threads_per_worker=1, processes=True, env=dict(_WORKER_ENV),
                dashboard_address="127.0.0.1:8787", host="127.0.0.1", silence_logs=logging.ERROR,
            )
        client = Client(cluster)
    else:
        cluster = None
        try:
            client = Client(str(where), timeout="20s")
        except OSError as exc:
            raise ClaimtraceError(f"--dask {where}: cannot reach the scheduler ({exc})") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def analyse_on_dask(
    items: Iterator[Any], client: Any, task: Callable[..., list[Any]], *args: Any,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[tuple[Any, Any]]:
    """(item, what ``task`` made of its article) for every item, in input order.

    ``items`` carry an ``article`` and a ``where``; each chunk runs as ``task(articles, *args)`` on a
    worker, which returns one outcome per article. ``task`` must be importable on the workers.
    """
    run = uuid.uuid4().hex[:8]
    workers = max(1, len(client.nthreads()))
    pending: deque[tuple[list[Any], Any]] = deque()
    try:
        for number, chunk in enumerate(_chunks(items, chunk_size, workers)):
            while len(pending) >= workers * _CHUNKS_PER_WORKER:
                yield from _collect(*pending.popleft())
            articles = [item.article for item in chunk]
            pending.append((chunk, client.submit(task, articles, *args, key=f"analyse-{run}-{number}")))
        while pending:
            yield from _collect(*pending.popleft())
    finally:
        for _, future in pending:  # interrupted: do not leave queued chunks running on the cluster
            future.cancel()


def _chunks(items: Iterator[Any], size: int, workers: int = 1) -> Iterator[list[Any]]:
    """Chunks of ``size`` items, smaller towards the end (guided scheduling: once the input is read to
    its end, each chunk is a ``2 x workers``-th of what is left), so that no worker is left analysing
    a whole chunk alone while the others wait."""
    ahead: deque[Any] = deque()
    lookahead = 2 * workers * size
    for item in items:
        ahead.append(item)
        if len(ahead) >= lookahead + size:
            yield [ahead.popleft() for _ in range(size)]
    while ahead:
        count = min(size, max(1, -(-len(ahead) // (2 * workers))))
        yield [ahead.popleft() for _ in range(count)]


def _collect(chunk: list[Any], future: Any) -> Iterator[tuple[Any, Any]]:
    from distributed import KilledWorker

    try:
        outcomes = future.result()
    except KilledWorker:
        raise ClaimtraceError(
            f"a Dask worker died on every try at the chunk starting with {chunk[0].where} (out of memory?); "
            "run the same ingest again to resume"
        ) from None
    yield from zip(chunk, outcomes, strict=True)


def single_threaded_worker() -> None:
    """On a worker: one thread per library, as the local workers get from their environment."""
    for name, value in _WORKER_ENV.items():
        os.environ.setdefault(name, value)
