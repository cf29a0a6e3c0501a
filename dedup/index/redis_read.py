"""Reading the Redis index: documents, buckets of both band tiers and of exact hashes,
the learnt boilerplate's counts and the running totals, each in one round trip where
it can be. ``store_redis`` opens the index and writes it; its layout is described there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import redis

from dedup.index.codec import pack_array, unpack_array
from dedup.index.redis_layout import (
    COUNTS,
    EXACT_LETTER,
    FIELDS,
    GATHER,
    HELD,
    NUM,
    TIER_LETTERS,
    Bucket,
    as_text,
    decode_doc,
    num_bytes,
    redacted,
    unpack_numbers,
)
from dedup.index.store import (
    MAX_BUCKET,
    Brief,
    IndexedDoc,
    Neighbour,
    StoreBase,
    StoreError,
    Threshold,
    Tier,
)

_PAGE = 500
SHARD_BITS = 16
"""Shards per tier: 2**16 hashes keep ~50 fields each at 100,000 articles, under
Redis's listpack limit (128 fields, 64-byte values) up to ~200,000."""
VERSION_SHARD_BITS = 10
"""Shards of the versions' document counts: ~100 fields each at 100,000 versions."""
_GLOB = re.compile(rb"([*?\\[\]^])")


class RedisReader(StoreBase):
    """The index in one Redis database: the root key ``{prefix}meta`` names the
    generation whose keys (``{prefix}@{generation}:...``) hold the index."""

    def __init__(self, url: str, prefix: str, generation: str | None) -> None:
        self.url = redacted(url)
        self.prefix = prefix
        self._root = prefix.encode("utf-8")
        self.generation = generation
        try:
            self._client = redis.Redis.from_url(
                url, decode_responses=False, socket_connect_timeout=5, socket_timeout=30
            )
        except ValueError as error:
            raise StoreError(f"{self.url}: {error}") from error

    @property
    def _prefix(self) -> bytes:
        """Where this generation's keys start."""
        if self.generation is None:
            raise StoreError(f"{self.url}: no dedup index under prefix {self.prefix!r}")
        return self._root + b"@" + self.generation.encode("utf-8") + b":"

    def _root_meta(self) -> bytes:
        return self._root + b"meta"

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

    def _line_buckets(self, letter: bytes, keys: np.ndarray) -> list[Bucket]:
        return self._buckets(letter, keys)

    def neighbours(self, keys: np.ndarray) -> list[Neighbour]:
        ids = sorted(self.candidates("copy", keys))
        with self._errors(), self._client.pipeline(transaction=False) as pipe:
            for doc_id in ids:
                pipe.hmget(self._doc_key(doc_id), [b"meta", b"sig", b"copy"])
            found = pipe.execute()
        return [
            Neighbour(
                doc_id,
                int(json.loads(meta)["version"]),
                int(json.loads(meta)["tokens"]),
                unpack_array(sig, "<u4", np.uint32),
                unpack_array(copy, "<u8", np.uint64),
            )
            for doc_id, (meta, sig, copy) in zip(ids, found, strict=True)
            if meta is not None
        ]

    def repeated_lines(self, keys: np.ndarray, threshold: Threshold) -> frozenset[int]:
        buckets = [(self._key(b"stats"), b"versions"), *self._line_buckets(COUNTS, keys)]
        names, fields = zip(*buckets, strict=True)
        with self._errors():
            versions, *counts = self._client.eval(FIELDS, len(names), *names, *fields)
        need = threshold(int(versions or 0))
        held = [field for (_, field), count in zip(buckets[1:], counts, strict=True) if count]
        numbers = [int(c) for c in counts if c]
        return frozenset(
            int.from_bytes(field, "little")
            for field, count in zip(held, numbers, strict=True)
            if count >= need
        )

    def holding(self, keys: np.ndarray) -> list[str]:
        packed: list[bytes] = []
        with self._errors():
            for name, field in self._line_buckets(HELD, keys):
                pattern = _GLOB.sub(rb"\\\1", field) + b"*"
                packed.extend(
                    v for _, v in self._client.hscan_iter(name, match=pattern, count=1000)
                )
            names = self._names(np.unique(unpack_numbers(packed)))
        return sorted({name for name in names if name is not None})

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
            packed = self._values(buckets, cap=MAX_BUCKET * NUM)
            numbers, counts = np.unique(unpack_numbers(packed), return_counts=True)
            order = np.lexsort((numbers, -counts))[:limit]  # most shared, then first added
            names = self._names(numbers[order])
        shared = (-counts[order]).tolist()
        ranked = sorted((n, name) for n, name in zip(shared, names, strict=True) if name)
        return [doc_id for _, doc_id in ranked]

    def exact(self, hash: int) -> set[str]:
        with self._errors():
            numbers = unpack_numbers(self._values([self._exact_bucket(hash)]))
            return {name for name in self._names(np.unique(numbers)) if name is not None}

    def _values(self, buckets: Sequence[Bucket], cap: int = -1) -> list[bytes]:
        """The packed values of these buckets (those over ``cap`` bytes left out),
        joined, in one command."""
        if not buckets:
            return []
        names, fields = zip(*buckets, strict=True)
        joined = self._client.eval(GATHER, len(names), *names, cap, *fields)
        return [bytes(joined)]

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
            for name in ("signatures", "salient_terms", "text", "metadata", "line_keys")
        }
        sizes.update(band_keys=None, line_table=None, total=None)
        sizes["server_used_memory"] = int(memory["used_memory"])
        return {
            "backend": "redis",
            "location": self.url,
            "documents": documents,
            "versions": totals.get("versions", 0),
            "band_keys": {tier: totals.get(f"band_keys:{tier}", 0) for tier in TIER_LETTERS},
            "bytes": sizes,
        }
