"""Rebuilding a Redis index: the new index is written as a new generation, under keys
of its own (``{prefix}@{generation}:``), while the old one stays in use; then one
MULTI/EXEC points the root key at it, and the old generation's keys are deleted.

Guarantees: until the switch the old index is untouched and current (an error or a
killed rebuild leaves it so, and the next rebuild deletes the half-written
generation); the switch is atomic; it is refused, and nothing switched, when another
client wrote to the old index meanwhile (WATCH). Writers that opened the index before
the switch fail their next write with a message rather than write to the old
generation. If the rebuild is killed after the switch, the old generation's keys are
left behind until the next rebuild deletes them.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterable, Iterator

import redis

from dedup.index.archive import Archived, readable_version, redis_articles
from dedup.index.redis_layout import as_text, redacted
from dedup.index.store import SCHEMA_VERSION, Store, StoreError
from dedup.index.store_redis import RedisStore

Fill = Callable[[Iterable[Archived], Store], None]
PREFIX = b"dedup:"
LOCK_SECONDS = 120
"""A rebuild's lock expires this long after its last batch (a killed rebuild's too)."""
_RENEW_EVERY = 200
_UNLINK_BATCH = 1000


def rebuild(url: str, fill: Fill) -> int:
    """Replace the index at ``url`` by one ``fill`` makes from its articles; the
    schema version it had."""
    shown = redacted(url)
    try:
        client = redis.Redis.from_url(url, decode_responses=False, socket_timeout=30)
    except ValueError as error:
        raise StoreError(f"{shown}: {error}") from error
    try:
        with _errors(shown), _locked(client, shown) as renew:
            return _rebuild(client, url, fill, renew)
    finally:
        client.close()


def _rebuild(client: redis.Redis, url: str, fill: Fill, renew: Callable[[], None]) -> int:
    shown, meta = redacted(url), PREFIX + b"meta"
    found, generation = client.hmget(meta, ["schema_version", "generation"])
    version = readable_version(shown, None if found is None else as_text(found))
    old = PREFIX  # versions before 4 keep every key right under the prefix
    if version == SCHEMA_VERSION and generation is not None:
        old = _data_prefix(as_text(generation).encode())
    _delete(client, lambda key: _stale(key, old))
    new = str(int(client.incr(PREFIX + b"generations")) + 1)
    fresh = _data_prefix(new.encode())
    try:
        with client.pipeline(transaction=True) as switch:
            switch.watch(meta, old + b"ids", old + b"added")  # type: ignore[no-untyped-call]
            with RedisStore(url, generation=new) as target:
                fill(_renewing(redis_articles(client, old, shown, version), renew), target)
            switch.multi()
            switch.hset(meta, mapping={"schema_version": SCHEMA_VERSION, "generation": new})
            switch.hdel(meta, "parameters")  # where versions before 4 kept them
            switch.execute()
    except redis.WatchError:
        _delete(client, lambda key: key.startswith(fresh))
        raise StoreError(
            f"{shown}: another client wrote to the index while it was rebuilt; "
            "nothing was switched: run the rebuild again"
        ) from None
    except BaseException:
        _delete(client, lambda key: key.startswith(fresh))
        raise
    _delete(client, lambda key: _old_key(key, old, fresh))
    return version


def _stale(key: bytes, current: bytes) -> bool:
    """A key of a generation that is not the current one (a rebuild was killed)."""
    return key.startswith(PREFIX + b"@") and (current == PREFIX or not key.startswith(current))


def _data_prefix(generation: bytes) -> bytes:
    return PREFIX + b"@" + generation + b":"


def _old_key(key: bytes, old: bytes, fresh: bytes) -> bool:
    """A key of the replaced index: under its generation, or (before version 4) any
    key of ours but the root key, the counters and the new generation's."""
    if old != PREFIX:
        return key.startswith(old)
    own = (PREFIX + b"meta", PREFIX + b"generations", PREFIX + b"rebuild")
    return key.startswith(PREFIX) and key not in own and not key.startswith(fresh)


def _delete(client: redis.Redis, doomed: Callable[[bytes], bool]) -> None:
    """Unlink every key of ours that ``doomed`` says, a batch at a time."""
    batch: list[bytes] = []
    for key in client.scan_iter(match=PREFIX + b"*", count=_UNLINK_BATCH):
        if doomed(bytes(key)):
            batch.append(key)
        if len(batch) >= _UNLINK_BATCH:
            client.unlink(*batch)
            batch = []
    if batch:
        client.unlink(*batch)


def _renewing(items: Iterator[Archived], renew: Callable[[], None]) -> Iterator[Archived]:
    """Pass the articles through, renewing the lock as they go."""
    for count, item in enumerate(items):
        if count % _RENEW_EVERY == 0:
            renew()
        yield item


@contextlib.contextmanager
def _locked(client: redis.Redis, shown: str) -> Iterator[Callable[[], None]]:
    """The rebuild lock (``{prefix}rebuild``, with an expiry): one rebuild at a time;
    yields what renews it."""
    key, token = PREFIX + b"rebuild", secrets.token_hex(8).encode()
    if not client.set(key, token, nx=True, ex=LOCK_SECONDS):
        raise StoreError(f"{shown}: another rebuild of this index is running")

    def renew() -> None:
        client.expire(key, LOCK_SECONDS)

    try:
        yield renew
    finally:
        if client.get(key) == token:
            client.delete(key)


@contextlib.contextmanager
def _errors(shown: str) -> Iterator[None]:
    """Redis failures as StoreErrors naming the URL."""
    try:
        yield
    except redis.ConnectionError as error:
        raise StoreError(f"{shown}: cannot connect: {error}") from error
    except redis.RedisError as error:
        raise StoreError(f"{shown}: {error}") from error
