"""``dedup index rebuild``: a new index made from the texts and metadata an index holds
(of this schema version or an older one), fingerprinted, grouped into versions and
its boilerplate learnt by this dedup as ``index add`` would, each article keeping the
time it was first added; put in place of the old index only once complete (how, per
backend: ``sqlite_rebuild``, ``redis_rebuild``)."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from dedup import workers
from dedup.config import ScanConfig
from dedup.fingerprint.fingerprinter import TooShort
from dedup.index.archive import Archived
from dedup.index.learnt import Learner
from dedup.index.records import to_indexed
from dedup.index.store import IndexedDoc, Store

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class RebuildResult:
    """What a rebuild carried over, what it could not, and the old schema version."""

    documents: int
    too_short: tuple[TooShort, ...]
    old_version: int


def rebuild(
    location: str,
    config: ScanConfig | None = None,
    *,
    batch: int = 500,
    jobs: int = 1,
    progress: Progress | None = None,
) -> RebuildResult:
    """Rebuild the index at ``location`` (a SQLite path or ``redis://...``) from the
    articles it holds, fingerprinted in ``jobs`` worker processes (0: all cores).
    Articles too short under today's rules cannot be indexed and are left out (and
    listed); on any failure the old index is left as it was."""
    config = config or ScanConfig()
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    counts: list[int] = []
    short: list[TooShort] = []

    def fill(articles: Iterable[Archived], target: Store) -> None:
        target.set_parameters(config.as_dict())
        learner = Learner(target, config)
        records = workers.map_ordered(_record, articles, config, workers.resolve_jobs(jobs), _size)
        while chunk := list(itertools.islice(records, batch)):
            learner.add([r for r in chunk if isinstance(r, IndexedDoc)])
            short.extend(r for r in chunk if isinstance(r, TooShort))
            counts.append(len(chunk))
            if progress is not None:
                progress(sum(counts))

    if location.startswith(("redis://", "rediss://")):
        from dedup.index import redis_rebuild

        version = redis_rebuild.rebuild(location, fill)
    else:
        from dedup.index import sqlite_rebuild

        version = sqlite_rebuild.rebuild(location, fill)
    return RebuildResult(sum(counts) - len(short), tuple(short), version)


def _record(item: Archived) -> IndexedDoc | TooShort:
    """The new record of an archived article (runs in a worker process)."""
    fingerprinter = workers.fingerprinter()
    found = to_indexed(item.document, fingerprinter, fingerprinter.config, datetime.now(UTC))
    if isinstance(found, TooShort):
        return found
    return dataclasses.replace(found, added_at=item.added_at)


def _size(item: Archived) -> int:
    return len(item.document.text)
