"""The persistent index: articles turned into stored records (``records``), added in
batches, removed, pruned by age, counted; the index learns its boilerplate as it goes
(``learnt``), so that ``dedup check`` finds what a scan would."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dedup import workers
from dedup.config import ScanConfig
from dedup.fingerprint.fingerprinter import TooShort
from dedup.index.learnt import Learner
from dedup.index.records import aware, to_indexed
from dedup.index.store import IndexedDoc, Store, StoreError
from dedup.ingest import reader
from dedup.ingest.document import Document, Item, Notice, Skipped, without_notices
from dedup.text import dates

if TYPE_CHECKING:
    from distributed import Client

MATCHING_PARAMETERS = (
    "shingle",
    "shingle_size",
    "num_perm",
    "seed",
    "lsh_threshold",
    "rewrite_lsh_threshold",
)
"""Settings that change signatures or band keys: an index and a run must agree on them."""

_DURATION = re.compile(r"\s*(\d+)\s*([smhdw])\s*")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_REMOVE_CHUNK = 1000

Progress = Callable[[int], None]


class ParameterMismatch(StoreError):
    """The index was built with other signature settings than this run uses."""


@dataclass(frozen=True, slots=True)
class AddResult:
    """What an add did: new documents, replaced ones, ones already indexed as they are,
    the ids it refused to replace, and the inputs it set aside."""

    added: int
    updated: int
    too_short: tuple[TooShort, ...]
    skipped: tuple[Skipped, ...]
    unchanged: int = 0
    refused: tuple[str, ...] = ()
    """Ids indexed with another text or metadata, left as they were (no ``replace``)."""
    notices: tuple[Notice, ...] = ()
    """Warnings about inputs whose articles were indexed (dates that could not be read)."""


def location(store: Store) -> str:
    """The store's file path or (password-free) URL, for messages."""
    return str(getattr(store, "path", None) or getattr(store, "url", "index"))


def check_parameters(store: Store, config: ScanConfig) -> bool:
    """Raise ParameterMismatch when the index was built with other signature
    settings; False when it records none yet (nothing was ever added)."""
    stored = store.parameters()
    if stored is None:
        return False
    for name in MATCHING_PARAMETERS:
        ours = getattr(config, name)
        if stored.get(name) != ours:
            raise ParameterMismatch(
                f"{location(store)} was built with {name} {stored.get(name)}, this run uses {ours}"
            )
    return True


def add_paths(
    paths: Sequence[str],
    store: Store,
    config: ScanConfig | None = None,
    *,
    batch: int = 500,
    jobs: int = 1,
    progress: Progress | None = None,
    replace: bool = False,
    scheduler: str | Client | None = None,
) -> AddResult:
    """Index the articles under ``paths`` (``-`` is standard input), in batches,
    fingerprinted in ``jobs`` worker processes (0: all cores) or on the Dask cluster of
    ``scheduler`` (as ``dedup.scan``)."""
    config = config or ScanConfig()
    items = reader.iter_documents(paths, max_doc_bytes=config.max_doc_bytes)
    return add_documents(
        items,
        store,
        config,
        batch=batch,
        jobs=jobs,
        progress=progress,
        replace=replace,
        scheduler=scheduler,
    )


def add_documents(
    items: Iterable[Item],
    store: Store,
    config: ScanConfig | None = None,
    *,
    batch: int = 500,
    jobs: int = 1,
    progress: Progress | None = None,
    replace: bool = False,
    scheduler: str | Client | None = None,
) -> AddResult:
    """Index Documents, ``batch`` at a time (each batch one transaction). A document
    whose id is indexed with the same text and metadata is left as it is (unchanged);
    with another, it replaces the indexed one only when ``replace`` is set, else it is
    refused. Skipped records and Notices are passed through. ``jobs`` worker processes
    fingerprint (0: all cores), or the Dask cluster of ``scheduler``; the index is the
    same."""
    config = config or ScanConfig()
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    if scheduler is None:
        runner = workers.Local(workers.resolve_jobs(jobs))
        return _add(items, store, config, batch, runner, progress, replace)
    from dedup.engine.driver import on_cluster  # dask is imported by cluster runs only

    with on_cluster(scheduler) as (cluster, _):
        return _add(items, store, config, batch, cluster, progress, replace)


def _add(
    items: Iterable[Item],
    store: Store,
    config: ScanConfig,
    batch: int,
    runner: workers.Runner,
    progress: Progress | None,
    replace: bool,
) -> AddResult:
    """``add_documents`` with its records made on ``runner``."""
    if not check_parameters(store, config):
        store.set_parameters(config.as_dict())
    tally = _Tally(replace)
    too_short: list[TooShort] = []
    skipped: list[Skipped] = []
    notices: list[Notice] = []
    docs = _documents(without_notices(items, notices), skipped)
    records = runner.map_ordered(_record, docs, config, _text_size)
    seen = 0
    learner = Learner(store, config)
    while chunk := list(itertools.islice(records, batch)):
        too_short += (record for record in chunk if isinstance(record, TooShort))
        writes = tally.to_write(store, [r for r in chunk if isinstance(r, IndexedDoc)])
        if writes:  # a batch of unchanged articles writes nothing
            learner.add(writes)
        seen += len(chunk)
        if progress is not None:
            progress(seen)
    return AddResult(
        tally.added,
        tally.updated,
        tuple(too_short),
        tuple(skipped),
        tally.unchanged,
        tuple(tally.refused),
        tuple(notices),
    )


def _text_size(doc: Document) -> int:
    return len(doc.text)


def _record(doc: Document) -> IndexedDoc | TooShort:
    """The stored record of one article, indexed now (runs in a worker process)."""
    fingerprinter = workers.fingerprinter()
    return to_indexed(doc, fingerprinter, fingerprinter.config, datetime.now(UTC))


def _documents(items: Iterable[Document | Skipped], skipped: list[Skipped]) -> Iterator[Document]:
    """The Documents among ``items``; Skipped records go to ``skipped``."""
    for item in items:
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            yield item


def same_article(stored: IndexedDoc, doc: Document | IndexedDoc) -> bool:
    """The same text and metadata (title, date, source, URL) under one id."""
    return (stored.text, stored.title, stored.date, stored.source, stored.url) == (
        doc.text,
        doc.title,
        doc.date,
        doc.source,
        doc.url,
    )


@dataclass
class _Tally:
    """What an add does with each record, counted over its batches: a new id is added,
    the same article again left unchanged, another under a known id replaced or
    refused."""

    replace: bool
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)

    def to_write(self, store: Store, docs: Sequence[IndexedDoc]) -> list[IndexedDoc]:
        """The records of one batch to write, judged in order against the index and
        the batch's earlier records (an id may come twice in one run)."""
        ids = list(dict.fromkeys(doc.doc_id for doc in docs))
        current = {doc.doc_id: doc for doc in store.get(ids)} if ids else {}
        writes: dict[str, IndexedDoc] = {}
        for doc in docs:
            known = current.get(doc.doc_id)
            if known is not None and same_article(known, doc):
                self.unchanged += 1
                continue
            if known is not None and not self.replace:
                self.refused.append(doc.doc_id)
                continue
            self.added += known is None
            self.updated += known is not None
            current[doc.doc_id] = writes[doc.doc_id] = doc
        return list(writes.values())


def remove(store: Store, ids: Sequence[str], config: ScanConfig | None = None) -> int:
    """Remove documents by id; how many were indexed."""
    return Learner(store, config or ScanConfig()).remove(list(ids))


def prune(
    store: Store, older_than: timedelta, now: datetime, config: ScanConfig | None = None
) -> int:
    """Remove documents older than ``older_than`` at ``now``: by their own date when
    it parses, else by when they were indexed. How many were removed. A ValueError,
    before anything is read, when ``older_than`` reaches back before the year 1."""
    cutoff = _cutoff(older_than, now)
    old = [doc_id for doc_id, date, added in store.dates() if _age_point(date, added) < cutoff]
    removed = 0
    learner = Learner(store, config or ScanConfig())
    for start in range(0, len(old), _REMOVE_CHUNK):
        removed += learner.remove(old[start : start + _REMOVE_CHUNK])
    return removed


def _cutoff(older_than: timedelta, now: datetime) -> datetime:
    """``older_than`` before ``now``, as a naive UTC time."""
    try:
        return aware(now).astimezone(UTC).replace(tzinfo=None) - older_than
    except OverflowError as error:
        raise ValueError(
            f"{older_than.days} days before {now:%Y-%m-%d} is before the year 1"
        ) from error


def _age_point(date: str | None, added_at: float) -> datetime:
    """A document's date (naive, as ``dates.parse_date`` reads it) or, when it has
    none that parses, the UTC time it was indexed."""
    parsed = dates.parse_date(date)
    if parsed is not None:
        return parsed
    return datetime.fromtimestamp(added_at, UTC).replace(tzinfo=None)


def stats(store: Store) -> dict[str, Any]:
    """Counts and bytes per component, with the parameters the index was built with."""
    return {**store.stats(), "parameters": store.parameters()}


def parse_duration(text: str) -> timedelta:
    """``45s``, ``90m``, ``12h``, ``30d`` or ``2w`` as a timedelta."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(
            f"invalid duration {_shown(text)}: expected a whole number and a unit s, m, h, d or w "
            "(e.g. 30d, 12h)"
        )
    try:  # int() refuses more than 4,300 digits with a ValueError of its own
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except (OverflowError, ValueError) as error:
        raise ValueError(f"invalid duration {_shown(text)}: too large") from error


def _shown(text: str) -> str:
    """A duration as typed, cut to keep a message on one short line."""
    return repr(text if len(text) <= 40 else text[:39] + "…")
