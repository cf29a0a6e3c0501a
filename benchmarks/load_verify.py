"""What the index must hold after a load run: every article reported added exactly
once and nothing else, statistics that agree with the documents, every document with
all its bucket entries (no entry left behind by a document that is gone), and a
check of an added article that finds it.

Most of it goes through the ``Store`` API; the two counts the API does not give
(bucket entries as stored, entries naming no document) read the backend's own layout
(``dedup.index.sqlite_rows``, ``dedup.index.store_redis``).
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import redis

from benchmarks.load_articles import Articles
from dedup import ScanConfig
from dedup.index.backends import open_store
from dedup.index.check import check
from dedup.index.store import TIERS, IndexedDoc, Store
from dedup.index.store_redis import RedisStore

Tally = dict[str, int]


@dataclass(frozen=True)
class Verification:
    """The index against what the writers were told, and its own consistency."""

    reported: int
    """Distinct ids the writers (and the seeding) were told were added."""
    stored: int
    """Distinct ids in the index."""
    duplicates: int
    """Ids the index lists more than once."""
    lost: tuple[str, ...]
    """Reported added, not in the index."""
    unexpected: tuple[str, ...]
    """In the index, never reported added (beyond whole batches whose add failed)."""
    torn_batches: int
    """Failed batches partly in the index."""
    damaged: tuple[str, ...]
    """Stored documents whose text is not the article's, or lacking a bucket entry."""
    stats_documents: int
    band_keys: dict[str, Tally]
    """Band keys per tier: ``stats`` says, the documents hold, the buckets hold."""
    orphans: int
    """Bucket entries naming no stored document."""
    exact_entries: int | None
    """Entries in the exact-hash buckets (one per document; None: kept in the rows)."""
    sampled: int
    unfound: tuple[str, ...]
    """Sampled articles whose check did not find them (as a copy, as indexed)."""

    @property
    def ok(self) -> bool:
        counts = self.band_keys
        return (
            not (self.duplicates or self.lost or self.unexpected or self.torn_batches)
            and not (self.damaged or self.orphans or self.unfound)
            and self.stats_documents == self.stored
            and self.exact_entries in (None, self.stored)
            and counts["stats"] == counts["documents"] == counts["buckets"]
        )


def verify(
    location: str,
    articles: Articles,
    reported: Iterable[str],
    failed_batches: Sequence[Sequence[str]] = (),
    *,
    sample: int | None = None,
    every_key: bool = False,
) -> Verification:
    """Compare the index at ``location`` with the ids reported added; check ``sample``
    of them (all when None) through ``check``, and look up each band key of those
    (``every_key``: of every document)."""
    wanted = set(reported)
    with open_store(location, create=False) as store:
        listed = list(store.ids())
        held = set(listed)
        docs = _documents(store, sorted(held))
        uncertain = {doc_id for batch in failed_batches for doc_id in batch}
        torn = sum(0 < len(held & set(batch)) < len(batch) for batch in failed_batches)
        stats = store.stats()
        chosen = sorted(wanted & held)
        if sample is not None and sample < len(chosen):
            chosen = random.Random(0).sample(chosen, sample)
        unfound = [doc_id for doc_id in chosen if not _found(store, articles, doc_id)]
        keyed = set(chosen)
        damaged = [
            d.doc_id for d in docs if not _whole(store, d, articles, every_key or d.doc_id in keyed)
        ]
    buckets, orphans = bucket_entries(location)
    exact = buckets.pop("exact", None)
    in_docs: Tally = {tier: sum(len(_keys(d, tier)) for d in docs) for tier in TIERS}
    return Verification(
        reported=len(wanted),
        stored=len(held),
        duplicates=len(listed) - len(held),
        lost=tuple(sorted(wanted - held)),
        unexpected=tuple(sorted(held - wanted - uncertain)),
        torn_batches=torn,
        damaged=tuple(damaged),
        stats_documents=int(stats["documents"]),
        band_keys={"stats": dict(stats["band_keys"]), "documents": in_docs, "buckets": buckets},
        orphans=orphans,
        exact_entries=exact,
        sampled=len(chosen),
        unfound=tuple(unfound),
    )


def _documents(store: Store, ids: Sequence[str], page: int = 500) -> list[IndexedDoc]:
    return [
        doc for start in range(0, len(ids), page) for doc in store.get(ids[start : start + page])
    ]


def _keys(doc: IndexedDoc, tier: str) -> np.ndarray:
    return doc.copy_keys if tier == "copy" else doc.rewrite_keys


def _whole(store: Store, doc: IndexedDoc, articles: Articles, every_key: bool) -> bool:
    """The document holds its article's text, its exact hash leads back to it and
    (``every_key``: one lookup a key) so does each of its band keys of both tiers."""
    if doc.text != articles.text(doc.doc_id) or doc.doc_id not in store.exact(doc.exact):
        return False
    if not every_key:
        return True
    return all(
        doc.doc_id in store.candidates(tier, keys[i : i + 1])
        for tier in TIERS
        for keys in [_keys(doc, tier)]
        for i in range(len(keys))
    )


def _found(store: Store, articles: Articles, doc_id: str) -> bool:
    """A copy of the article under a new id finds it as a copy; the article itself is
    already indexed."""
    copy, itself = articles.document(doc_id, f"verify-{doc_id}"), articles.document(doc_id)
    first, second = check([copy, itself], store, ScanConfig()).items
    as_copy = any(m.document == doc_id and m.relation == "copy" for m in first.matches)
    return as_copy and second.index_status == "already-indexed"


def bucket_entries(location: str) -> tuple[Tally, int]:
    """Band-key entries per tier (and ``exact``: exact-hash entries, where they are
    kept apart) as the backend stores them, and entries naming no stored document."""
    if location.startswith(("redis://", "rediss://")):
        return _redis_entries(location)
    return _sqlite_entries(location)


def _sqlite_entries(path: str) -> tuple[Tally, int]:
    """Rows of the ``bands`` table per tier; rows whose document row is gone."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = dict(conn.execute("SELECT tier, COUNT(*) FROM bands GROUP BY tier").fetchall())
        sql = "SELECT COUNT(*) FROM bands WHERE doc NOT IN (SELECT rowid FROM docs)"
        (orphans,) = conn.execute(sql).fetchone()
    finally:
        conn.close()
    return {tier: int(rows.get(number, 0)) for tier, number in TIERS.items()}, int(orphans)


def redis_space(url: str) -> bytes:
    """Where the keys of the index's current generation start: ``{prefix}@{generation}:``
    (``dedup.index.store_redis``'s layout)."""
    with RedisStore(url, create=False) as store:
        return f"{store.prefix}@{store.generation}:".encode()


def _redis_entries(url: str) -> tuple[Tally, int]:
    """Packed document numbers in the bucket hashes of the copy, rewrite and exact-hash
    tiers; numbers among them that ``nums`` does not name."""
    space = redis_space(url)
    counts: Counter[str] = Counter()
    numbers: Counter[bytes] = Counter()
    with redis.Redis.from_url(url) as client:
        named = set(client.hkeys(space + b"nums"))
        for letter, tier in ((b"c", "copy"), (b"r", "rewrite"), (b"x", "exact")):
            keys = list(client.scan_iter(match=space + b"b:" + letter + b":*", count=1000))
            for start in range(0, len(keys), 1000):
                with client.pipeline(transaction=False) as pipe:
                    for key in keys[start : start + 1000]:
                        pipe.hvals(key)
                    values = pipe.execute()
                for value in (value for held in values for value in held):
                    packed = [value[i : i + 4] for i in range(0, len(value), 4)]
                    counts[tier] += len(packed)
                    numbers.update(packed)
    orphans = sum(count for number, count in numbers.items() if number not in named)
    return {tier: counts[tier] for tier in (*TIERS, "exact")}, orphans
