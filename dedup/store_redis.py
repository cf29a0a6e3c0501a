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
  doc:{id}       hash: meta (JSON: title, date, source, url, exact, tokens, added_at),
                 text (zlib'd UTF-8), sig, copy, rewrite, sh, sw (little-endian arrays)
  b:{c|r}:{key}  set of the ids holding band key {key} (16 hex digits), tier copy|rewrite
  x:{exact}      set of the ids with exact-text hash {exact} (16 hex digits)
"""

from __future__ import annotations

import json
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import redis
from redis.client import Pipeline

from dedup.store import (
    MAX_BUCKET,
    SCHEMA_VERSION,
    Brief,
    IndexedDoc,
    StoreBase,
    StoreError,
    Tier,
    pack_array,
    pack_text,
    unique_docs,
    unpack_array,
    unpack_text,
)

_RETRIES = 5
_PAGE = 500
_TIER_LETTERS: dict[Tier, bytes] = {"copy": b"c", "rewrite": b"r"}
Fields = dict[bytes, bytes]
_META = ("title", "date", "source", "url", "exact", "tokens", "added_at")
"""IndexedDoc fields kept in the JSON ``meta`` field."""
_ARRAYS: dict[bytes, tuple[str, str, type[np.generic]]] = {
    b"sig": ("signature", "<u4", np.uint32),
    b"copy": ("copy_keys", "<u8", np.uint64),
    b"rewrite": ("rewrite_keys", "<u8", np.uint64),
    b"sh": ("salient_hashes", "<u4", np.uint32),
    b"sw": ("salient_weights", "<f4", np.float32),
}
"""Hash field: IndexedDoc field, stored type, native type."""

_EACH_SET = """
local op = ARGV[2]
if op ~= 'SADD' and op ~= 'SREM' then return redis.error_reply('SADD or SREM only') end
for _, key in ipairs(KEYS) do redis.call(op, key, ARGV[1]) end
return #KEYS
"""
"""Add a member to (or remove it from) many sets in one command: a document's band
keys cost one command instead of one each (redis-py spends ~10 µs a command)."""


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _text(value: bytes | str) -> str:
    """A member or field name as text (responses are bytes: ``decode_responses=False``)."""
    return value if isinstance(value, str) else value.decode("utf-8")


def _fields(doc: IndexedDoc) -> Fields:
    """A document's hash fields (arrays checked and packed here)."""
    meta = {name: getattr(doc, name) for name in _META}
    fields = {b"meta": json.dumps(meta).encode("utf-8"), b"text": pack_text(doc.text)}
    for field, (name, code, _) in _ARRAYS.items():
        fields[field] = pack_array(getattr(doc, name), code)
    return fields


def _decode(doc_id: str, fields: Fields) -> IndexedDoc:
    """A document from its hash fields."""
    meta = json.loads(fields[b"meta"])
    arrays: dict[str, Any] = {
        name: unpack_array(fields[f], code, t) for f, (name, code, t) in _ARRAYS.items()
    }
    text = unpack_text(fields[b"text"])
    return IndexedDoc(doc_id=doc_id, text=text, **{n: meta[n] for n in _META}, **arrays)


def _sizes(doc_id: bytes, fields: Fields) -> Counter[str]:
    """What a stored document adds to the running totals."""
    return Counter(
        {
            "band_keys:copy": len(fields[b"copy"]) // 8,
            "band_keys:rewrite": len(fields[b"rewrite"]) // 8,
            "bytes:signatures": len(fields[b"sig"]),
            "bytes:salient_terms": len(fields[b"sh"]) + len(fields[b"sw"]),
            "bytes:text": len(fields[b"text"]),
            "bytes:metadata": len(fields[b"meta"]) + len(doc_id),
        }
    )


def _each_set(pipe: Pipeline, op: str, names: list[bytes], member: bytes) -> None:
    """Queue SADD or SREM of ``member`` on every set in ``names``."""
    if names:
        pipe.eval(_EACH_SET, len(names), *names, member, op)


class RedisStore(StoreBase):
    """The index in one Redis database, every key under ``prefix``."""

    def __init__(self, url: str, *, create: bool = True, prefix: str = "dedup:") -> None:
        self.url = _redacted(url)
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
        found = _text(version or b"")
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

    def _exact_key(self, exact: int) -> bytes:
        return self._key(b"x:%016x" % exact)

    def _band_keys(self, tier: Tier, keys: np.ndarray) -> list[bytes]:
        base = self._key(b"b:", _TIER_LETTERS[tier], b":")
        values = np.frombuffer(pack_array(keys, "<u8"), dtype="<u8").tolist()
        return [base + b"%016x" % key for key in values]

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
        with self._client.pipeline(transaction=True) as pipe:
            pipe.watch(*watched)  # type: ignore[no-untyped-call]
            old = [(i, f) for i, f in zip(old_ids, self._load(watched), strict=True) if f]
            pipe.multi()
            totals = self._queue_removals(pipe, old)
            totals.update(self._queue_additions(pipe, new))
            self._queue_totals(pipe, totals)
            pipe.execute()
        return len(old)

    def _load(self, keys: Sequence[bytes]) -> list[Fields]:
        """The hash fields of these document keys ({} for missing ones), in one round trip."""
        with self._client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hgetall(key)
            return [dict(fields) for fields in pipe.execute()]

    def _sets(self, exact: int, copy_keys: np.ndarray, rewrite_keys: np.ndarray) -> list[bytes]:
        """The sets a document belongs to: its exact hash's and its band keys'."""
        return [
            self._exact_key(exact),
            *self._band_keys("copy", copy_keys),
            *self._band_keys("rewrite", rewrite_keys),
        ]

    def _queue_removals(self, pipe: Pipeline, old: list[tuple[str, Fields]]) -> Counter[str]:
        """Queue the deletion of stored documents and their keys; minus what they held."""
        totals: Counter[str] = Counter()
        if not old:
            return totals
        members = [doc_id.encode("utf-8") for doc_id, _ in old]
        pipe.delete(*(self._doc_key(doc_id) for doc_id, _ in old))
        pipe.srem(self._key(b"ids"), *members)
        pipe.zrem(self._key(b"added"), *members)
        for member, (_, fields) in zip(members, old, strict=True):
            exact = int(json.loads(fields[b"meta"])["exact"])
            copy_keys = unpack_array(fields[b"copy"], "<u8", np.uint64)
            rewrite_keys = unpack_array(fields[b"rewrite"], "<u8", np.uint64)
            _each_set(pipe, "SREM", self._sets(exact, copy_keys, rewrite_keys), member)
            totals.subtract(_sizes(member, fields))
        return totals

    def _queue_additions(self, pipe: Pipeline, docs: Sequence[IndexedDoc]) -> Counter[str]:
        """Queue the storage of documents and their keys; what they hold."""
        totals: Counter[str] = Counter()
        if not docs:
            return totals
        members = [doc.doc_id.encode("utf-8") for doc in docs]
        for member, doc in zip(members, docs, strict=True):
            fields = _fields(doc)
            pipe.hset(self._doc_key(doc.doc_id), mapping=fields)  # type: ignore[arg-type]
            _each_set(pipe, "SADD", self._sets(doc.exact, doc.copy_keys, doc.rewrite_keys), member)
            totals.update(_sizes(member, fields))
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
        return [_decode(i, dict(f)) for i, f in zip(ids, found, strict=True) if f]

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
        names = self._band_keys(tier, keys)
        if not names:
            return set()
        with self._errors():
            members = self._client.sunion(names)
        return {_text(m) for m in members}

    def most_shared(self, tier: Tier, keys: np.ndarray, limit: int) -> list[str]:
        names = self._band_keys(tier, keys)
        if not names:
            return []
        with self._errors(), self._client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.scard(name)
            sizes = pipe.execute()
            small = [n for n, size in zip(names, sizes, strict=True) if size <= MAX_BUCKET]
            for name in small:
                pipe.smembers(name)
            buckets = pipe.execute() if small else []
        counts = Counter(_text(member) for bucket in buckets for member in bucket)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [doc_id for doc_id, _ in ranked[:limit]]

    def exact(self, hash: int) -> set[str]:
        with self._errors():
            members = self._client.smembers(self._exact_key(hash))
        return {_text(m) for m in members}

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
                _text(k): int(v) for k, v in self._client.hgetall(self._key(b"stats")).items()
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
            "band_keys": {tier: totals.get(f"band_keys:{tier}", 0) for tier in _TIER_LETTERS},
            "bytes": sizes,
        }

    def close(self) -> None:
        self._client.close()
