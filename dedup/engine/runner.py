"""A scan's parallel stages as Dask tasks (the ``workers.Runner`` of a cluster scan).

``map_ordered`` (the fingerprint stage) sends the articles in partitions of consecutive
input, a few partitions in flight per worker, and takes the results back in input
order; ``map_shared`` (the rewrite tier's bound and verification, the ledgers) cuts the
items into consecutive runs, each a task on the state the workers read from the scratch
directory (``engine.state``). Results come back in input order, so a cluster scan's
report is the local scan's, byte for byte. Partitions, runs and results travel as
pickled bytes (what Dask would send), so that ``traffic`` counts them."""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from distributed import Client, Future

from dedup import workers
from dedup.config import ScanConfig
from dedup.engine import state
from dedup.engine.measure import Traffic

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

PARTITION = 512
"""Articles per fingerprint task: large enough that a task's overhead (~1 ms) is small
beside its work (~2 ms an article), small enough that little text is in flight."""
IN_FLIGHT_PER_WORKER = 3
"""Partitions queued per worker: each has the next at hand, the client holds few."""
RUNS_PER_WORKER = 8
"""``map_shared`` runs per worker (as ``workers.SHARED_CHUNKS_PER_JOB``)."""


class DaskRunner:
    """Runs a scan's parallel stages on the workers of ``client``; shared state goes
    through ``scratch``, a directory the workers can read."""

    def __init__(self, client: Client, scratch: str) -> None:
        self.client = client
        self.scratch = scratch
        self.traffic = Traffic()

    def workers(self) -> int:
        """The cluster's worker count now (at least one, to size the work)."""
        return max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))

    def map_ordered(
        self,
        task: Callable[[T], R],
        items: Iterable[T],
        config: ScanConfig,
        size: Callable[[T], int],
    ) -> Iterator[R]:
        pending: deque[Future[bytes]] = deque()
        limit = IN_FLIGHT_PER_WORKER * self.workers()
        for partition in workers.batches(iter(items), PARTITION, size):
            payload = self._out(task, partition)
            pending.append(self.client.submit(_partition, task, config, payload, pure=False))
            if len(pending) >= limit:
                yield from self._back(task, pending.popleft().result())
        while pending:
            yield from self._back(task, pending.popleft().result())

    def map_shared(
        self, task: Callable[[S, T], R], items: Sequence[T], shared: S, *, min_items: int
    ) -> list[R]:
        """Every item on the workers, however few (``min_items`` is the local pool's)."""
        if not items:
            return []
        path = state.write(shared, self.scratch)
        count = self.workers()
        self.traffic.add(task, "state", os.path.getsize(path) * min(count, len(items)))
        try:
            step = max(1, -(-len(items) // (RUNS_PER_WORKER * count)))
            runs = [self._out(task, items[at : at + step]) for at in range(0, len(items), step)]
            futures = [self.client.submit(_run, task, path, run, pure=False) for run in runs]
            done: list[bytes] = self.client.gather(futures)  # type: ignore[no-untyped-call]
        finally:
            self.client.run(state.forget)
        found: list[R] = []
        done.reverse()
        while done:  # each run's bytes dropped once read: never all results twice
            found.extend(self._back(task, done.pop()))
        return found

    def _out(self, task: Callable[..., Any], items: Sequence[Any]) -> bytes:
        """``items`` pickled for a task, counted."""
        payload = pickle.dumps(list(items), protocol=state.PROTOCOL)
        self.traffic.add(task, "out", len(payload))
        return payload

    def _back(self, task: Callable[..., Any], payload: bytes) -> list[Any]:
        """A task's pickled results, counted."""
        self.traffic.add(task, "back", len(payload))
        results: list[Any] = pickle.loads(payload)
        return results


def _partition(task: Callable[[T], R], config: ScanConfig, payload: bytes) -> bytes:
    """One partition's results (runs on a worker, with a Fingerprinter for ``config``
    whose exact-text cache is emptied after: the worker outlives the scan)."""
    fingerprinter = workers.ensure_fingerprinter(config)
    try:
        return _pickled([task(item) for item in pickle.loads(payload)])
    finally:
        fingerprinter.clear_caches()


def _run(task: Callable[[Any, T], R], path: str, payload: bytes) -> bytes:
    """One run of ``map_shared``'s items (runs on a worker)."""
    shared = state.read(path)
    return _pickled([task(shared, item) for item in pickle.loads(payload)])


def _pickled(results: list[Any]) -> bytes:
    return pickle.dumps(results, protocol=state.PROTOCOL)
