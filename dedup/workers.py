"""Per-article work in worker processes, results in input order.

Fingerprinting is the cost that grows with the corpus and each article's is
independent of every other's, so it runs in a pool of processes. The input is taken
in bounded batches (never the whole stream: memory stays bounded) and results come
back in input order, so output is the same whatever the number of workers.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.pool import AsyncResult
from typing import Any, Protocol, TypeVar

from dedup.config import ScanConfig
from dedup.fingerprint.fingerprinter import Fingerprinter

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

BATCH_PER_JOB = 128
"""Articles handed out per worker and batch: large enough that the pool's overhead
(~50 µs an article) is small, small enough that little text is in flight."""
BATCH_BYTES = 8 << 20
"""A batch also ends at this much input (by ``size``): a few huge articles must not
put gigabytes in flight."""
MIN_PARALLEL = 64
"""Inputs with fewer articles are done in this process: a pool costs more to start."""
IN_PROCESS_CACHE = 4_096
"""Articles after which ``map_ordered`` in this process forgets cached fingerprints:
exact copies further apart are fingerprinted again (~0.2 ms each), the same result."""
SHARED_CHUNKS_PER_JOB = 8
"""``map_shared`` hands each worker about this many runs of consecutive items: few
enough that neighbouring items share articles, enough to even out the load."""

_fingerprinter: Fingerprinter | None = None
_shared: Any = None
"""What ``map_shared``'s workers inherit from the parent when they are forked."""


def _start(config: ScanConfig) -> None:
    """Worker initialiser: one Fingerprinter (permutations, caches) per process."""
    global _fingerprinter
    _fingerprinter = Fingerprinter(config)


def fingerprinter() -> Fingerprinter:
    """This process's Fingerprinter, made by ``map_ordered`` before any task runs."""
    if _fingerprinter is None:
        raise RuntimeError("workers.fingerprinter() called outside map_ordered")
    return _fingerprinter


def ensure_fingerprinter(config: ScanConfig) -> Fingerprinter:
    """This process's Fingerprinter for ``config``, made when it has none or one for
    another configuration (a long-lived cluster worker serves many scans)."""
    global _fingerprinter
    if _fingerprinter is None or _fingerprinter.config != config:
        _fingerprinter = Fingerprinter(config)
    return _fingerprinter


class Runner(Protocol):
    """Where a scan's parallel stages run: this machine's process pools (``Local``) or
    a cluster (``dedup.engine``). Either gives the same results in the same order."""

    def map_ordered(
        self,
        task: Callable[[T], R],
        items: Iterable[T],
        config: ScanConfig,
        size: Callable[[T], int],
    ) -> Iterator[R]:
        """``task`` over ``items`` (each process with a Fingerprinter), in input order."""
        ...

    def map_shared(
        self, task: Callable[[S, T], R], items: Sequence[T], shared: S, *, min_items: int
    ) -> list[R]:
        """``task(shared, item)`` for each item, results in input order."""
        ...


class Local:
    """The ``Runner`` of a scan on this machine: ``jobs`` processes (``map_ordered``,
    ``map_shared``)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def map_ordered(
        self,
        task: Callable[[T], R],
        items: Iterable[T],
        config: ScanConfig,
        size: Callable[[T], int],
    ) -> Iterator[R]:
        return map_ordered(task, items, config, self.jobs, size)

    def map_shared(
        self, task: Callable[[S, T], R], items: Sequence[T], shared: S, *, min_items: int
    ) -> list[R]:
        return map_shared(task, items, shared, self.jobs, min_items=min_items)


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None) -> int:
    """Worker count: ``None`` or 0 means every available core."""
    if jobs is None or jobs == 0:
        return available_cores()
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (all cores) or more, got {jobs}")
    return jobs


def map_ordered(
    task: Callable[[T], R],
    items: Iterable[T],
    config: ScanConfig,
    jobs: int,
    size: Callable[[T], int] = lambda _: 1,
) -> Iterator[R]:
    """``task`` over ``items`` in ``jobs`` processes (each with a Fingerprinter for
    ``config``), in input order. At most two batches are in flight, each of at most
    ``BATCH_PER_JOB * jobs`` items and ``BATCH_BYTES`` of ``size``. ``task`` must be a
    module-level function (it is sent to the workers by name)."""
    stream = iter(items)
    if jobs <= 1:
        yield from _in_process(task, stream, config)
        return
    chunks = batches(stream, BATCH_PER_JOB * jobs, size)
    first = next(chunks, [])
    if len(first) < MIN_PARALLEL:  # a small input, or huge articles: no pool
        rest = itertools.chain(first, itertools.chain.from_iterable(chunks))
        yield from _in_process(task, rest, config)
        return
    with _context().Pool(jobs, initializer=_start, initargs=(config,)) as pool:
        pending: AsyncResult[list[R]] | None = None
        for batch in itertools.chain([first], chunks):
            submitted = pool.map_async(task, batch, chunksize=max(1, len(batch) // (4 * jobs)))
            if pending is not None:
                yield from pending.get()
            pending = submitted
        if pending is not None:
            yield from pending.get()


def _in_process(task: Callable[[T], R], items: Iterator[T], config: ScanConfig) -> Iterator[R]:
    """``map_ordered`` in this process. Its Fingerprinter's exact-text cache is emptied
    every ``IN_PROCESS_CACHE`` items and dropped at the end: in a worker it dies with
    the pool, here it would hold up to 100,000 articles' arrays in the scan's heap."""
    global _fingerprinter
    _start(config)
    try:
        for count, item in enumerate(items, 1):
            yield task(item)
            if count % IN_PROCESS_CACHE == 0:
                fingerprinter().clear_caches()
    finally:
        _fingerprinter = None


def map_shared(
    task: Callable[[S, T], R],
    items: Sequence[T],
    shared: S,
    jobs: int,
    *,
    min_items: int = MIN_PARALLEL,
) -> list[R]:
    """``task(shared, item)`` for each item, in ``jobs`` forked processes, results in
    input order. The workers inherit ``shared`` (the scan's corpus: fingerprints, the
    spool of texts) instead of receiving it, so only the items and results travel;
    each worker takes consecutive items, which keeps its article cache warm. In this
    process when ``jobs`` is 1, there are fewer than ``min_items`` items, or the OS
    cannot fork."""
    global _shared
    forks = "fork" in multiprocessing.get_all_start_methods()
    if jobs <= 1 or len(items) < min_items or not forks:
        return [task(shared, item) for item in items]
    _shared = shared
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            chunk = max(1, -(-len(items) // (SHARED_CHUNKS_PER_JOB * jobs)))
            return pool.map(_call_shared, [(task, item) for item in items], chunksize=chunk)
    finally:
        _shared = None


def _call_shared(job: tuple[Callable[[Any, T], R], T]) -> R:
    task, item = job
    return task(_shared, item)


def batches(items: Iterator[T], count: int, size: Callable[[T], int]) -> Iterator[list[T]]:
    """Consecutive lists of at most ``count`` items and about ``BATCH_BYTES`` of size."""
    batch: list[T] = []
    total = 0
    for item in items:
        batch.append(item)
        total += size(item)
        if len(batch) >= count or total >= BATCH_BYTES:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` where the OS has it (workers start at once, sharing loaded modules),
    else the platform's default."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)
