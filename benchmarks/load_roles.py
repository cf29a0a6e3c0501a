"""The two roles of the load test, each run in a process of its own: a writer adds new
articles in small batches and counts the ones it was told were added; a checker loops
over library ``check`` calls (one open store, so process start is not what is timed)
on new texts, copies of added articles and added articles themselves, and records
each call's latency, any error, and any check that failed to find what it should.

Every role warms up (opens the store, fingerprints once) and then waits on a shared
barrier, so all start together and run for the same ``seconds``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from benchmarks.load_articles import Articles, article_id
from dedup import ScanConfig
from dedup.index.backends import open_store
from dedup.index.check import CheckedItem, check
from dedup.index.indexer import add_documents
from dedup.index.store import Store

START_SECONDS = 300.0
"""How long a role waits on the barrier for the others to be ready."""
Probe = Literal["new", "copy", "indexed"]
PROBES: tuple[Probe, ...] = ("new", "copy", "indexed")


@dataclass(frozen=True)
class Plan:
    """What every role of one run shares."""

    location: str
    seconds: float
    seeded: int
    """Articles ``seed-000000``... added before the run."""
    writers: int
    batch: int
    pool: tuple[str, ...] = ()
    """Real sentences to build articles from (empty: made-up words)."""


@dataclass
class Report:
    """What one role did: timed calls, errors, misses, and (writers) ids added."""

    role: str
    elapsed: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    """Seconds per call, by kind (``new``, ``copy``, ``indexed``; ``add`` for writers)."""
    errors: list[str] = field(default_factory=list)
    """Calls that raised: ``kind id: Type: message``."""
    misses: list[str] = field(default_factory=list)
    """Checks whose verdict was not what the index held (``kind id: what``)."""
    added: list[str] = field(default_factory=list)
    """Ids the writer was told were added."""
    failed_batches: list[list[str]] = field(default_factory=list)
    """Batches whose add raised or did not add them all: each must be all or nothing."""

    def calls(self) -> int:
        return sum(len(values) for values in self.latencies.values())


def writer(plan: Plan, number: int, progress: Any, barrier: Any, results: Any) -> None:
    """Add batches of new articles ``w{number}-...`` until the time is up; after each
    acknowledged batch publish how many are added (in ``progress[number]``)."""
    articles, config = Articles(plan.pool), ScanConfig()
    report = Report(f"writer {number}")
    with _ready(barrier), open_store(plan.location, create=False) as store:
        check([articles.document(f"warm-w{number}")], store, config)
        barrier.wait(START_SECONDS)
        start = time.monotonic()
        done = 0
        while time.monotonic() - start < plan.seconds:
            ids = [article_id(f"w{number}", done + i) for i in range(plan.batch)]
            began = time.perf_counter()
            try:
                docs = [articles.document(doc_id) for doc_id in ids]
                result = add_documents(docs, store, config, batch=plan.batch, jobs=1)
            except Exception as error:  # every failure is a finding: record it
                report.errors.append(f"add {ids[0]}: {type(error).__name__}: {error}")
                report.failed_batches.append(ids)
            else:
                if result.added == len(ids):
                    report.added += ids
                    if not report.failed_batches:
                        progress[number] = done + plan.batch
                else:
                    report.errors.append(f"add {ids[0]}: {result.added} of {len(ids)}")
                    report.failed_batches.append(ids)
            report.latencies.setdefault("add", []).append(time.perf_counter() - began)
            done += plan.batch
        report.elapsed = time.monotonic() - start
    results.put(report)


def checker(plan: Plan, number: int, progress: Any, barrier: Any, results: Any) -> None:
    """Check new articles, copies of added ones and added ones (in turn, at random)
    until the time is up."""
    articles, config = Articles(plan.pool), ScanConfig()
    rng = random.Random(f"checker-{number}")
    report = Report(f"checker {number}")
    with _ready(barrier), open_store(plan.location, create=False) as store:
        check([articles.document(f"warm-c{number}")], store, config)
        barrier.wait(START_SECONDS)
        start = time.monotonic()
        calls = 0
        while time.monotonic() - start < plan.seconds:
            kind = rng.choice(PROBES)
            key = added_article(plan, progress, rng)
            probe_id = f"probe-c{number}-{calls:06d}"
            run_probe(store, articles, config, report, kind, key, probe_id)
            calls += 1
        report.elapsed = time.monotonic() - start
    results.put(report)


@contextmanager
def _ready(barrier: Any) -> Iterator[None]:
    """Break the barrier when a role fails, so that no one waits for it in vain."""
    try:
        yield
    except BaseException:
        barrier.abort()
        raise


def added_article(plan: Plan, progress: Sequence[int], rng: random.Random) -> str:
    """The id of an article picked at random among those acknowledged so far."""
    counts = [plan.seeded, *progress[: plan.writers]]
    pick = rng.randrange(sum(counts))
    names = ["seed", *(f"w{i}" for i in range(plan.writers))]
    for writer_name, count in zip(names, counts, strict=True):
        if pick < count:
            return article_id(writer_name, pick)
        pick -= count
    raise AssertionError("unreachable")


def run_probe(
    store: Store,
    articles: Articles,
    config: ScanConfig,
    report: Report,
    kind: Probe,
    key: str,
    probe_id: str,
) -> None:
    """One timed check of kind ``kind``: ``probe_id`` as a new article, a copy of the
    added article ``key`` under ``probe_id``, or article ``key`` itself."""
    expected: Callable[[CheckedItem], str]
    if kind == "new":
        doc, expected = articles.document(probe_id), _is_new
    elif kind == "copy":
        doc, expected = articles.document(key, probe_id), _finds(key)
    else:
        doc, expected = articles.document(key), _is_indexed
    began = time.perf_counter()
    try:
        (item,) = check([doc], store, config).items
    except Exception as error:  # every failure is a finding: record it
        report.errors.append(f"{kind} {doc.id}: {type(error).__name__}: {error}")
        return
    finally:
        report.latencies.setdefault(kind, []).append(time.perf_counter() - began)
    wrong = expected(item)
    if wrong:
        report.misses.append(f"{kind} {key}: {wrong}")


def _is_new(item: CheckedItem) -> str:
    if item.index_status != "new":
        return f"index status {item.index_status}"
    return "a copy of something" if item.strongest == "copy" else ""


def _is_indexed(item: CheckedItem) -> str:
    return "" if item.index_status == "already-indexed" else f"index status {item.index_status}"


def _finds(key: str) -> Callable[[CheckedItem], str]:
    def finds(item: CheckedItem) -> str:
        if any(m.document == key and m.relation == "copy" for m in item.matches):
            return ""
        return f"not found as a copy (matches: {[m.document for m in item.matches][:5]})"

    return finds
