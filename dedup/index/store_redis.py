"""Redis backend of the persistent index, under a key prefix of our own (``dedup:``).

Not datasketch's ``RedisStorage``: that holds the buckets of one LSH only, pickles
keys unless told otherwise, and inserts a document one bucket at a time. We need
both band tiers, the documents' payloads and their exact-text hashes in one
namespace, raw bytes that are never unpickled, and a document replaced together
with its band keys in one atomic MULTI/EXEC.

Layout (every key starts with the prefix):
  meta           hash: schema_version, parameters (JSON)
  stats          hash: running totals (band keys per tier, stored bytes per component)
  ids            set of document ids
  added          sorted set: document id scored by added_at
  next           counter: the last document number given out
  nums           hash: document number (4 bytes, little-endian) -> document id
  doc:{id}       hash: meta (JSON: title, date, source, url, exact, tokens, added_at),
                 num, text (zlib'd UTF-8), sig, copy, rewrite, sh, sw (little-endian arrays)
  b:{c|r|x}:{s}  hash: bucket key (8 bytes) -> the numbers of the documents holding it,
                 packed (4 bytes each); tier copy, rewrite or the exact-text hash; shard
                 {s} is the key's top ``SHARD_BITS`` bits (4 hex digits)

Buckets are packed into sharded hashes rather than one set per band key: nearly every
band key belongs to one document, and a Redis key with a one-member set costs ~150
bytes, a hash field in a small (listpack) hash ~15.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import redis
from redis.client import Pipeline

from dedup.index.codec import pack_array, unpack_array
from dedup.index.redis_layout import (
    EXACT_LETTER,
    NUM,
    TIER_LETTERS,
    Bucket,
    Fields,
    as_text,
    decode_doc,
    doc_fields,
    doc_sizes,
    each_bucket,
    num_bytes,
    redacted,
    unpack_numbers,
)
from dedup.index.store import (
    MAX_BUCKET,
    SCHEMA_VERSION,
    Brief,
    IndexedDoc,
    StoreBase,
    StoreError,
    Tier,
    unique_docs,
)

_RETRIES = 5
_PAGE = 500
SHARD_BITS = 16
"""Shards per tier: 2**16 hashes keep ~50 fields each at 100,000 articles, under
Redis's listpack limit (128 fields, 64-byte values) up to ~200,000."""


class RedisStore(StoreBase):
    """The index in one Redis database, every key under ``prefix``."""

    def __init__(self, url: str, *, create: bool = True, prefix: str = "dedup:") -> None:
        self.url = redacted(url)
        self.prefix = prefix
        self._prefix = prefix.encode("utf-8")
        try:
            self._client = redis.Redis.from_url(
                url, decode_responses=False, socket_connect_timeout=5, socket_timeout=30
            )
        except ValueError as error:
            raise StoreError(f"{self.url}: {error}") from error
        with self._errors():
            self._open(create)

    def _open(self, create: bool) -> None:
        """Check the schema version; write it first for a new index when allowed."""
        meta = self._key(b"meta")
        version = self._client.hget(meta, "schema_version")
        if version is None:
            if not create:
                raise StoreError(f"{self.url}: no dedup index under prefix {self.prefix!r}")
            self._client.hsetnx(meta, "schema_version", str(SCHEMA_VERSION))
            version = self._client.hget(meta, "schema_version")
        found = as_text(version or b"")
        if found != str(SCHEMA_VERSION):
            raise StoreError(
                f"{self.url}: index schema version {found}, this dedup reads version "
                f"{SCHEMA_VERSION}"
            )

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Redis failures as StoreErrors naming the URL."""
        try:
            yield
        except redis.ConnectionError as error:
            raise StoreError(f"{self.url}: cannot connect: {error}") from error
        except redis.TimeoutError as error:
            raise StoreError(f"{self.url}: timed out: {error}") from error
        except redis.RedisError as error:
            raise StoreError(f"{self.url}: {error}") from error

    def _key(self, *parts: bytes) -> bytes:
        return self._prefix + b"".join(parts)

    def _doc_key(self, doc_id: str) -> bytes:
        return self._key(b"doc:", doc_id.encode("utf-8"))

    def _buckets(self, letter: bytes, keys: np.ndarray) -> list[Bucket]:
        """Shard hash and field of each bucket key (uint64) of a tier."""
        base = self._key(b"b:", letter, b":")
        packed = pack_array(keys, "<u8")
        values = np.frombuffer(packed, dtype="<u8")
        shards = (values >> np.uint64(64 - SHARD_BITS)).tolist()
        return [
            (base + b"%04x" % shard, packed[i : i + 8])
            for i, shard in zip(range(0, len(packed), 8), shards, strict=True)
        ]

    def _band_buckets(self, tier: Tier, keys: np.ndarray) -> list[Bucket]:
        return self._buckets(TIER_LETTERS[tier], keys)

    def _exact_bucket(self, exact: int) -> Bucket:
        return self._buckets(EXACT_LETTER, np.array([exact], dtype=np.uint64))[0]

    def parameters(self) -> dict[str, Any] | None:
        with self._errors():
            value = self._client.hget(self._key(b"meta"), "parameters")
        return None if value is None else dict(json.loads(value))

    def set_parameters(self, params: dict[str, Any]) -> None:
        with self._errors():
            self._client.hset(self._key(b"meta"), "parameters", json.dumps(params, sort_keys=True))

    def add(self, docs: Sequence[IndexedDoc]) -> None:
        batch = unique_docs(docs)
        if batch:
            self._replace([doc.doc_id for doc in batch], batch)

    def remove(self, ids: Sequence[str]) -> int:
        return self._replace(list(dict.fromkeys(ids)), []) if ids else 0

    def _replace(self, old_ids: Sequence[str], new: Sequence[IndexedDoc]) -> int:
        """Delete the documents ``old_ids`` that exist, then store ``new``, in one
        MULTI/EXEC; retried when another client changes one of them meanwhile."""
        with self._errors():
            for _ in range(_RETRIES):
                try:
                    return self._attempt(old_ids, new)
                except redis.WatchError:
                    continue
        raise StoreError(f"{self.url}: gave up: other writers kept changing the same documents")

    def _attempt(self, old_ids: Sequence[str], new: Sequence[IndexedDoc]) -> int:
        """One optimistic try: WATCH the documents, read them, queue, EXEC."""
        watched = [self._doc_key(doc_id) for doc_id in old_ids]
        # Numbers are given out before the transaction: a retry wastes them, harmlessly.
        first = int(self._client.incrby(self._key(b"next"), len(new))) - len(new) + 1 if new else 0
        with self._client.pipeline(transaction=True) as pipe:
            pipe.watch(*watched)  # type: ignore[no-untyped-call]
            old = [(i, f) for i, f in zip(old_ids, self._load(watched), strict=True) if f]
            pipe.multi()
            totals = self._queue_removals(pipe, old)
            totals.update(self._queue_additions(pipe, new, first))
            self._queue_totals(pipe, totals)
            pipe.execute()
        return len(old)

    def _load(self, keys: Sequence[bytes]) -> list[Fields]:
        """The hash fields of these document keys ({} for missing ones), in one round trip."""
        with self._client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hgetall(key)
            return [dict(fields) for fields in pipe.execute()]

    def _all_buckets(
        self, exact: int, copy_keys: np.ndarray, rewrite_keys: np.ndarray
    ) -> list[Bucket]:
        """The buckets a document belongs to: its exact hash's and its band keys'."""
        return [
            self._exact_bucket(exact),
            *self._band_buckets("copy", copy_keys),
            *self._band_buckets("rewrite", rewrite_keys),
        ]

    def _queue_removals(self, pipe: Pipeline, old: list[tuple[str, Fields]]) -> Counter[str]:
        """Queue the deletion of stored documents and their keys; minus what they held."""
        totals: Counter[str] = Counter()
        if not old:
            return totals
        members = [doc_id.encode("utf-8") for doc_id, _ in old]
        numbers = [fields[b"num"] for _, fields in old]
        pipe.delete(*(self._doc_key(doc_id) for doc_id, _ in old))
        pipe.srem(self._key(b"ids"), *members)
        pipe.zrem(self._key(b"added"), *members)
        pipe.hdel(self._key(b"nums"), *numbers)
        for member, number, (_, fields) in zip(members, numbers, old, strict=True):
            exact = int(json.loads(fields[b"meta"])["exact"])
            copy_keys = unpack_array(fields[b"copy"], "<u8", np.uint64)
            rewrite_keys = unpack_array(fields[b"rewrite"], "<u8", np.uint64)
            each_bucket(pipe, "REM", self._all_buckets(exact, copy_keys, rewrite_keys), number)
            totals.subtract(doc_sizes(member, fields))
        return totals

    def _queue_additions(
        self, pipe: Pipeline, docs: Sequence[IndexedDoc], first: int
    ) -> Counter[str]:
        """Queue the storage of documents (numbered from ``first``) and their keys;
        what they hold."""
        totals: Counter[str] = Counter()
        if not docs:
            return totals
        members = [doc.doc_id.encode("utf-8") for doc in docs]
        for number, (member, doc) in enumerate(zip(members, docs, strict=True), start=first):
            fields, packed = doc_fields(doc), num_bytes(number)
            fields[b"num"] = packed
            pipe.hset(self._doc_key(doc.doc_id), mapping=fields)  # type: ignore[arg-type]
            pipe.hset(self._key(b"nums"), packed, member)
            buckets = self._all_buckets(doc.exact, doc.copy_keys, doc.rewrite_keys)
            each_bucket(pipe, "ADD", buckets, packed)
            totals.update(doc_sizes(member, fields))
        pipe.sadd(self._key(b"ids"), *members)
        pipe.zadd(self._key(b"added"), {m: d.added_at for m, d in zip(members, docs, strict=True)})
        return totals

    def _queue_totals(self, pipe: Pipeline, totals: Counter[str]) -> None:
        """Queue the changes of the running totals."""
        for name, amount in totals.items():
            if amount:
                pipe.hincrby(self._key(b"stats"), name, amount)

    def get(self, ids: Sequence[str]) -> list[IndexedDoc]:
        with self._errors(), self._client.pipeline(transaction=True) as pipe:
            for doc_id in ids:
                pipe.hgetall(self._doc_key(doc_id))
            found = pipe.execute()
        return [decode_doc(i, dict(f)) for i, f in zip(ids, found, strict=True) if f]

    def brief(self, ids: Sequence[str]) -> list[Brief]:
        with self._errors(), self._client.pipeline(transaction=False) as pipe:
            for doc_id in ids:
                pipe.hmget(self._doc_key(doc_id), [b"meta", b"sh", b"sw"])
            found = pipe.execute()
        return [
            Brief(
                doc_id,
                json.loads(meta)["date"],
                unpack_array(hashes, "<u4", np.uint32),
                unpack_array(weights, "<f4", np.float32),
            )
            for doc_id, (meta, hashes, weights) in zip(ids, found, strict=True)
            if meta is not None
        ]

    def candidates(self, tier: Tier, keys: np.ndarray) -> set[str]:
        buckets = self._band_buckets(tier, keys)
        with self._errors():
            numbers = unpack_numbers(self._values(buckets))
            return {name for name in self._names(np.unique(numbers)) if name is not None}

    def most_shared(self, tier: Tier, keys: np.ndarray, limit: int) -> list[str]:
        buckets = self._band_buckets(tier, keys)
        with self._errors():
            with self._client.pipeline(transaction=False) as pipe:
                for name, field in buckets:
                    pipe.hstrlen(name, field)
                sizes = pipe.execute()
            small = [b for b, size in zip(buckets, sizes, strict=True) if size <= MAX_BUCKET * NUM]
            numbers, counts = np.unique(unpack_numbers(self._values(small)), return_counts=True)
            order = np.lexsort((numbers, -counts))[:limit]  # most shared, then first added
            names = self._names(numbers[order])
        shared = (-counts[order]).tolist()
        ranked = sorted((n, name) for n, name in zip(shared, names, strict=True) if name)
        return [doc_id for _, doc_id in ranked]

    def exact(self, hash: int) -> set[str]:
        with self._errors():
            numbers = unpack_numbers(self._values([self._exact_bucket(hash)]))
            return {name for name in self._names(np.unique(numbers)) if name is not None}

    def _values(self, buckets: Sequence[Bucket]) -> list[bytes | None]:
        """The packed values of these buckets, one HMGET per shard, in one round trip."""
        fields: dict[bytes, list[bytes]] = {}
        for name, field in buckets:
            fields.setdefault(name, []).append(field)
        if not fields:
            return []
        with self._client.pipeline(transaction=False) as pipe:
            for name, wanted in fields.items():
                pipe.hmget(name, wanted)
            return [value for values in pipe.execute() for value in values]

    def _names(self, numbers: np.ndarray) -> list[str | None]:
        """The ids of these document numbers, in their order (None for a document
        removed meanwhile)."""
        if not len(numbers):
            return []
        packed = [num_bytes(n) for n in numbers.tolist()]
        found = self._client.hmget(self._key(b"nums"), packed)
        return [None if name is None else as_text(name) for name in found]

    def ids(self) -> Iterator[str]:
        for page in self._added():
            yield from (member.decode("utf-8") for member, _ in page)

    def dates(self) -> Iterator[tuple[str, str | None, float]]:
        for page in self._added():
            yield from self._dated(page)

    def _added(self) -> Iterator[list[tuple[bytes, float]]]:
        """``(doc_id, added_at)`` pages of the ``added`` sorted set, by rank: unlike
        SSCAN/ZSCAN, no member comes twice (barring concurrent writes)."""
        start = 0
        while True:
            with self._errors():
                key, stop = self._key(b"added"), start + _PAGE - 1
                page: list[Any] = list(self._client.zrange(key, start, stop, withscores=True))
            if not page:
                return
            yield [(bytes(member), float(score)) for member, score in page]
            start += len(page)

    def _dated(self, page: list[tuple[bytes, float]]) -> Iterator[tuple[str, str | None, float]]:
        """``(doc_id, date, added_at)`` for a page of the ``added`` sorted set."""
        with self._errors(), self._client.pipeline(transaction=False) as pipe:
            for member, _ in page:
                pipe.hget(self._key(b"doc:", member), "meta")
            metas = pipe.execute()
        for (member, added_at), meta in zip(page, metas, strict=True):
            if meta is not None:
                yield member.decode("utf-8"), json.loads(meta)["date"], added_at

    def stats(self) -> dict[str, Any]:
        with self._errors():
            documents = int(self._client.scard(self._key(b"ids")))
            totals = {
                as_text(k): int(v) for k, v in self._client.hgetall(self._key(b"stats")).items()
            }
            memory = self._client.info("memory")
        sizes: dict[str, int | None] = {
            name: totals.get(f"bytes:{name}", 0)
            for name in ("signatures", "salient_terms", "text", "metadata")
        }
        sizes.update(band_keys=None, total=None, server_used_memory=int(memory["used_memory"]))
        return {
            "backend": "redis",
            "location": self.url,
            "documents": documents,
            "band_keys": {tier: totals.get(f"band_keys:{tier}", 0) for tier in TIER_LETTERS},
            "bytes": sizes,
        }

    def close(self) -> None:
        self._client.close()
