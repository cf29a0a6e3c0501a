"""A Dask client for a scan: ``local:N`` starts a LocalCluster of N worker processes
on this machine (closed with the scan), anything else is a scheduler's address."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import dask
from distributed import Client, LocalCluster

from dedup.engine.errors import ClusterError
from dedup.engine.scheduler import local_workers

CONNECT_SECONDS = 30
"""How long a scan waits for a scheduler to answer before it gives up."""
SETTINGS = {
    "distributed.admin.low-level-log-length": 0,
    "distributed.worker.profile.enabled": False,
    "distributed.worker.multiprocessing-method": "forkserver",
}
"""Dask's settings for a scan's client and local cluster. Distributed keeps its last
1,000 messages per connection for debugging (the default ``low-level-log-length``):
each task's pickled partition of articles among them, so the client and its local
scheduler held two copies of every text they sent (about 300 MB at 100,000 articles).
Its workers sample their task thread's stack every 10 ms for the dashboard's profile
(``profile.enabled``): half of a busy worker's event-loop time, and a GIL handover
each time. Worker processes are forked from a server (``multiprocessing-method``), not
spawned: a spawned worker that loaded numba spent 1.5-2 s in the interpreter's
teardown when the cluster closed (a forked one ends at once, as the local engine's
pool processes do), and the scan waited for it."""


@contextmanager
def connect(scheduler: str | Client) -> Iterator[Client]:
    """A client for ``scheduler``; a Client passed in is used as it is (and left open).
    Distributed's own log lines are kept quiet meanwhile: a failure is reported once,
    as a ``ClusterError``."""
    if isinstance(scheduler, Client):
        yield scheduler
        return
    count = local_workers(scheduler)
    with _quiet_logs(), dask.config.set(SETTINGS):
        if count is None:
            with _remote(scheduler) as client:
                yield client
            return
        with _local_cluster(count) as cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
            yield client


def _local_cluster(count: int) -> LocalCluster:
    """A LocalCluster of ``count`` single-threaded worker processes, no dashboard."""
    with warnings.catch_warnings():
        # its HTTP server moves to a free port when 8787 is taken: no news to the user
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        return LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )


@contextmanager
def _remote(address: str) -> Iterator[Client]:
    try:
        client = Client(address, timeout=CONNECT_SECONDS)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as err:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {err}") from err
    with client:
        yield client


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """Distributed's loggers at CRITICAL for the scan, as they were afterwards."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "asyncio")]
    levels = [one.level for one in loggers]
    for one in loggers:
        one.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for one, level in zip(loggers, levels, strict=True):
            one.setLevel(level)
