"""Redis backend of the persistent index, under a key prefix of our own (``dedup:``).

Not datasketch's ``RedisStorage``: that holds the buckets of one LSH only, pickles
keys unless told otherwise, and inserts a document one bucket at a time. We need
both band tiers, the documents' payloads and their exact-text hashes in one
namespace, raw bytes that are never unpickled, and a document replaced together
with its band keys in one atomic MULTI/EXEC.

Layout: the root key ``{prefix}meta`` (hash: schema_version, generation) names the
generation that holds the index; ``dedup index rebuild`` writes a new generation
beside it and switches the root key in one transaction. Under ``{prefix}@{generation}:``:
  meta           hash: parameters (JSON)
  stats          hash: running totals (band keys per tier, stored bytes per component,
                 versions)
  ids            set of document ids
  added          sorted set: document id scored by added_at
  next           counter: the last document number given out
  nums           hash: document number (4 bytes, little-endian) -> document id
  doc:{id}       hash: meta (JSON: title, date, source, url, exact, tokens, added_at,
                 version), num, text (zlib'd UTF-8), sig, copy, rewrite, sh, sw, lines
                 (little-endian arrays)
  b:{c|r|x}:{s}  hash: bucket key (8 bytes) -> the numbers of the documents holding it,
                 packed (4 bytes each); tier copy, rewrite or the exact-text hash; shard
                 {s} is the key's top ``SHARD_BITS`` bits (4 hex digits)
  b:ld:{s}       hash: line key + version label (8 + 8 bytes) -> the numbers of that
                 version's documents holding the line, packed
  b:lc:{s}       hash: line key (8 bytes) -> how many versions hold it
  v:{s}          hash: version label (8 bytes) -> how many documents it has

Buckets are packed into sharded hashes rather than one set per band key: nearly every
band key belongs to one document, and a Redis key with a one-member set costs ~150
bytes, a hash field in a small (listpack) hash ~15.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import redis
from redis.client import Pipeline

from dedup.index.codec import unpack_array
from dedup.index.redis_layout import (
    COUNTS,
    HELD,
    Bucket,
    Fields,
    as_text,
    doc_fields,
    doc_sizes,
    each_bucket,
    each_line,
    num_bytes,
)
from dedup.index.redis_read import VERSION_SHARD_BITS, RedisReader
from dedup.index.store import (
    SCHEMA_VERSION,
    IndexedDoc,
    StoreError,
    unique_docs,
    version_refused,
)

_RETRIES = 5
FIRST_GENERATION = "1"


class RedisStore(RedisReader):
    """The index in one Redis database, every key under ``prefix``."""

    def __init__(
        self,
        url: str,
        *,
        create: bool = True,
        prefix: str = "dedup:",
        generation: str | None = None,
    ) -> None:
        """Open the index the root key names; or, given ``generation``, that generation
        whatever the root key says (``dedup index rebuild`` fills a new one)."""
        super().__init__(url, prefix, generation)
        self._guarded = generation is None
        if self._guarded:
            with self._errors():
                self._open(create)

    def _open(self, create: bool) -> None:
        """Check the schema version and read the generation; write both first for a
        new index when allowed."""
        meta = self._root_meta()
        version = self._client.hget(meta, "schema_version")
        if version is None:
            if not create:
                raise StoreError(f"{self.url}: no dedup index under prefix {self.prefix!r}")
            with self._client.pipeline(transaction=True) as pipe:
                pipe.hsetnx(meta, "schema_version", str(SCHEMA_VERSION))
                pipe.hsetnx(meta, "generation", FIRST_GENERATION)
                pipe.execute()
        version, generation = self._client.hmget(meta, ["schema_version", "generation"])
        found = as_text(version or b"")
        if found != str(SCHEMA_VERSION):
            raise version_refused(self.url, found)
        if generation is None:
            raise StoreError(f"{self.url}: damaged index: no generation in {meta!r}")
        self.generation = as_text(generation)

    def set_parameters(self, params: dict[str, Any]) -> None:
        with self._errors():
            self._client.hset(self._key(b"meta"), "parameters", json.dumps(params, sort_keys=True))

    def add(self, docs: Sequence[IndexedDoc]) -> None:
        batch = unique_docs(docs)
        if batch:
            self._replace([doc.doc_id for doc in batch], batch)

    def remove(self, ids: Sequence[str]) -> int:
        return self._replace(list(dict.fromkeys(ids)), []) if ids else 0

    def refresh(self, docs: Sequence[IndexedDoc]) -> int:
        batch = unique_docs(docs)
        return self._replace([doc.doc_id for doc in batch], batch, current=True) if batch else 0

    def _replace(
        self, old_ids: Sequence[str], new: Sequence[IndexedDoc], *, current: bool = False
    ) -> int:
        """Delete the documents ``old_ids`` that exist, then store ``new``, in one
        MULTI/EXEC; retried when another client changes one of them meanwhile.
        ``current``: only documents still indexed with their ``added_at`` are replaced."""
        with self._errors():
            for _ in range(_RETRIES):
                try:
                    return self._attempt(old_ids, new, current)
                except redis.WatchError:
                    continue
        raise StoreError(f"{self.url}: gave up: other writers kept changing the same documents")

    def _attempt(self, old_ids: Sequence[str], new: Sequence[IndexedDoc], current: bool) -> int:
        """One optimistic try: WATCH the documents (and the root key, which a rebuild
        switches), read them, queue, EXEC."""
        watched = [self._doc_key(doc_id) for doc_id in old_ids]
        # Numbers are given out before the transaction: a retry wastes them, harmlessly.
        first = int(self._client.incrby(self._key(b"next"), len(new))) - len(new) + 1 if new else 0
        with self._client.pipeline(transaction=True) as pipe:
            pipe.watch(*watched, self._root_meta())  # type: ignore[no-untyped-call]
            self._check_generation()
            old = [(i, f) for i, f in zip(old_ids, self._load(watched), strict=True) if f]
            if current:
                stamps = {i: json.loads(f[b"meta"])["added_at"] for i, f in old}
                new = [doc for doc in new if stamps.get(doc.doc_id) == doc.added_at]
                old = [(i, f) for i, f in old if i in {doc.doc_id for doc in new}]
            pipe.multi()
            totals = self._queue_removals(pipe, old)
            totals.update(self._queue_additions(pipe, new, first))
            self._queue_totals(pipe, totals)
            pipe.execute()
        return len(new) if current else len(old)

    def _check_generation(self) -> None:
        """Refuse to write a generation a rebuild has replaced since the index was opened."""
        if self._guarded:
            now = self._client.hget(self._root_meta(), "generation")
            if now is None or as_text(now) != self.generation:
                raise StoreError(
                    f"{self.url}: the index was rebuilt while this command ran; run it again"
                )

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

    def _line_names(self, label: int, keys: np.ndarray) -> list[bytes]:
        """The hashes a document's lines are counted in: its version's, then each line's
        ``b:ld`` and ``b:lc`` shards."""
        shard = b"%03x" % (label >> (64 - VERSION_SHARD_BITS))
        held, counts = self._line_buckets(HELD, keys), self._line_buckets(COUNTS, keys)
        pairs = [name for h, c in zip(held, counts, strict=True) for name in (h[0], c[0])]
        return [self._key(b"v:", shard), self._key(b"stats"), *pairs]

    def _queue_lines(self, pipe: Pipeline, op: str, fields: Fields, number: bytes) -> None:
        """Queue ADD or REM of a stored document's lines and version."""
        label = int(json.loads(fields[b"meta"])["version"])
        keys = unpack_array(fields[b"lines"], "<u8", np.uint64)
        each_line(pipe, op, self._line_names(label, keys), label, number, keys)

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
            self._queue_lines(pipe, "REM", fields, number)
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
            self._queue_lines(pipe, "ADD", fields, packed)
            totals.update(doc_sizes(member, fields))
        pipe.sadd(self._key(b"ids"), *members)
        pipe.zadd(self._key(b"added"), {m: d.added_at for m, d in zip(members, docs, strict=True)})
        return totals

    def _queue_totals(self, pipe: Pipeline, totals: Counter[str]) -> None:
        """Queue the changes of the running totals."""
        for name, amount in totals.items():
            if amount:
                pipe.hincrby(self._key(b"stats"), name, amount)

    def close(self) -> None:
        self._client.close()
