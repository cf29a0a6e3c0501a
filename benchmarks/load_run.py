"""One load run: seed an index, start the writers and checkers (processes started by
a forkserver, never threads), let them work for a bounded time, gather their reports
and verify the index. Summaries: checks/s, latency percentiles, adds/s, errors."""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

import numpy as np

from benchmarks import load_roles
from benchmarks.load_articles import Articles, article_id
from benchmarks.load_roles import Plan, Report
from benchmarks.load_verify import Verification, verify
from dedup import ScanConfig
from dedup.index.backends import open_store
from dedup.index.indexer import add_documents

GRACE_SECONDS = 120.0
"""How long after the run a role may take to report (a last slow call, a busy box)."""
PRELOAD = ["benchmarks.load_roles", "benchmarks.load_preload"]
"""Imported once by the forkserver, so each role starts without importing dedup again."""


@dataclass(frozen=True)
class LoadResult:
    """The reports of every role, the run's wall time and the verification."""

    plan: Plan
    checkers: int
    reports: tuple[Report, ...]
    wall: float
    verification: Verification

    def _of(self, prefix: str) -> list[Report]:
        return [r for r in self.reports if r.role.startswith(prefix)]

    def checks(self) -> list[float]:
        """Latency of every check, in seconds."""
        return [v for r in self._of("checker") for vs in r.latencies.values() for v in vs]

    def checks_per_second(self) -> float:
        return sum(r.calls() / r.elapsed for r in self._of("checker") if r.elapsed)

    def adds_per_second(self) -> float:
        return sum(len(r.added) / r.elapsed for r in self._of("writer") if r.elapsed)

    def percentiles_ms(self, values: Sequence[float] | None = None) -> tuple[float, ...]:
        """p50, p95, p99 of ``values`` (default: every check) in milliseconds."""
        found = np.asarray(self.checks() if values is None else values) * 1000
        if not len(found):
            return (float("nan"),) * 3
        return tuple(float(v) for v in np.percentile(found, [50, 95, 99]))

    def errors(self) -> list[str]:
        return [e for r in self.reports for e in r.errors]

    def misses(self) -> list[str]:
        return [m for r in self.reports for m in r.misses]

    @property
    def ok(self) -> bool:
        return not self.errors() and not self.misses() and self.verification.ok


def seed(location: str, articles: Articles, count: int) -> list[str]:
    """Add ``count`` articles ``seed-...`` to a new index; their ids."""
    ids = [article_id("seed", n) for n in range(count)]
    with open_store(location) as store:
        docs = (articles.document(doc_id) for doc_id in ids)
        result = add_documents(docs, store, ScanConfig(), batch=500, jobs=1)
    if result.added != count:
        raise RuntimeError(f"seeding added {result.added} of {count} articles")
    return ids


def run(
    location: str,
    *,
    seconds: float,
    checkers: int = 8,
    writers: int = 2,
    batch: int = 5,
    seeded: int = 200,
    pool: tuple[str, ...] = (),
    sample: int | None = None,
) -> LoadResult:
    """Seed a new index at ``location``, run ``writers`` + ``checkers`` processes on it
    for ``seconds`` and verify it (``sample`` added articles checked; None: all)."""
    articles = Articles(pool)
    seed_ids = seed(location, articles, seeded)
    plan = Plan(location, seconds, seeded, writers, batch, pool)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    progress = context.Array("q", max(writers, 1), lock=False)
    barrier = context.Barrier(writers + checkers + 1)
    results = context.Queue()
    roles = [(load_roles.writer, n) for n in range(writers)]
    roles += [(load_roles.checker, n) for n in range(checkers)]
    processes = [
        context.Process(target=role, args=(plan, n, progress, barrier, results), daemon=True)
        for role, n in roles
    ]
    try:
        for process in processes:
            process.start()
        barrier.wait(load_roles.START_SECONDS)
        began = time.monotonic()
        reports = _collect(processes, results, seconds + GRACE_SECONDS)
        wall = time.monotonic() - began
    finally:
        _stop(processes)
    added = [*seed_ids, *(doc_id for r in reports for doc_id in r.added)]
    failed = [batch_ids for r in reports for batch_ids in r.failed_batches]
    verification = verify(location, articles, added, failed, sample=sample)
    return LoadResult(plan, checkers, tuple(reports), wall, verification)


def _collect(processes: Sequence[BaseProcess], results: Any, limit: float) -> list[Report]:
    """One report per process; a process that dies without one is an error."""
    reports: list[Report] = []
    deadline = time.monotonic() + limit
    while len(reports) < len(processes):
        try:
            reports.append(results.get(timeout=1.0))
            continue
        except queue.Empty:
            pass
        dead = [p for p in processes if p.exitcode not in (None, 0)]
        if dead:
            raise RuntimeError(f"a load process died (exit code {dead[0].exitcode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(reports)} of {len(processes)} roles reported")
    return sorted(reports, key=lambda r: r.role)


def _stop(processes: Sequence[BaseProcess]) -> None:
    """Join the roles; terminate (by their own handles) any still running."""
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join()
