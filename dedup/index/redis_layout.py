"""How the Redis index encodes its values: a document's hash fields, packed document
numbers in bucket fields, and the script that edits many buckets in one command."""

from __future__ import annotations

import json
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from redis.client import Pipeline

from dedup.index.codec import pack_array, pack_text, unpack_array, unpack_text
from dedup.index.store import (
    IndexedDoc,
    Tier,
)

NUM = 4
"""Bytes of a packed document number."""


TIER_LETTERS: dict[Tier, bytes] = {"copy": b"c", "rewrite": b"r"}


EXACT_LETTER = b"x"


HELD = b"ld"
"""Bucket letters of the lines each version's documents hold (``b:ld``)..."""


COUNTS = b"lc"
"""...and of how many versions hold each line (``b:lc``)."""


Fields = dict[bytes, bytes]


META = ("title", "date", "source", "url", "exact", "tokens", "added_at", "version")
"""IndexedDoc fields kept in the JSON ``meta`` field."""


ARRAYS: dict[bytes, tuple[str, str, type[np.generic]]] = {
    b"sig": ("signature", "<u4", np.uint32),
    b"copy": ("copy_keys", "<u8", np.uint64),
    b"rewrite": ("rewrite_keys", "<u8", np.uint64),
    b"sh": ("salient_hashes", "<u4", np.uint32),
    b"sw": ("salient_weights", "<f4", np.float32),
    b"lines": ("line_keys", "<u8", np.uint64),
}
"""Hash field: IndexedDoc field, stored type, native type."""


EACH_BUCKET = """
local member, op = ARGV[1], ARGV[2]
if op ~= 'ADD' and op ~= 'REM' then return redis.error_reply('ADD or REM only') end
for i, key in ipairs(KEYS) do
  local field = ARGV[i + 2]
  local value = redis.call('HGET', key, field)
  if op == 'ADD' then
    redis.call('HSET', key, field, (value or '') .. member)
  elseif value then
    local at = string.find(value, member, 1, true)
    while at and (at - 1) % 4 ~= 0 do at = string.find(value, member, at + 1, true) end
    if at then
      local rest = string.sub(value, 1, at - 1) .. string.sub(value, at + 4)
      if #rest == 0 then redis.call('HDEL', key, field)
      else redis.call('HSET', key, field, rest) end
    end
  end
end
return #KEYS
"""
"""Append a document number to (or remove it from) many buckets in one command: a
document's keys cost one command instead of one each (redis-py spends ~10 µs a
command). A document is always removed before it is stored again, so ADD appends."""


GATHER = """
local cap, out = tonumber(ARGV[1]), {}
for i, key in ipairs(KEYS) do
  local field = ARGV[i + 1]
  if cap < 0 or redis.call('HSTRLEN', key, field) <= cap then
    local value = redis.call('HGET', key, field)
    if value then out[#out + 1] = value end
  end
end
return table.concat(out)
"""
"""The values of many bucket fields (KEYS: their hashes; ARGV: the size cap in bytes, -1
for none, then the fields), those over the cap left out, joined: one command and one
reply however many shards the buckets are spread over (a pipeline of one HMGET a
shard costs redis-py ~30 µs a command)."""


FIELDS = """
local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('HGET', key, ARGV[i]) or false end
return out
"""
"""The values of many hash fields (KEYS: their hashes; ARGV: the fields), in order;
missing ones as nil."""


EACH_LINE = """
local op, label, member = ARGV[1], ARGV[2], ARGV[3]
if op ~= 'ADD' and op ~= 'REM' then return redis.error_reply('ADD or REM only') end
local docs = redis.call('HINCRBY', KEYS[1], label, op == 'ADD' and 1 or -1)
if op == 'ADD' and docs == 1 then redis.call('HINCRBY', KEYS[2], 'versions', 1) end
if op == 'REM' and docs <= 0 then
  redis.call('HDEL', KEYS[1], label)
  redis.call('HINCRBY', KEYS[2], 'versions', -1)
end
for i = 4, #ARGV do
  local held, counts, line = KEYS[2 * i - 5], KEYS[2 * i - 4], ARGV[i]
  local field = line .. label
  local value = redis.call('HGET', held, field)
  if op == 'ADD' then
    redis.call('HSET', held, field, (value or '') .. member)
    if not value then redis.call('HINCRBY', counts, line, 1) end
  elseif value then
    local at = string.find(value, member, 1, true)
    while at and (at - 1) % 4 ~= 0 do at = string.find(value, member, at + 1, true) end
    if at then
      local rest = string.sub(value, 1, at - 1) .. string.sub(value, at + 4)
      if #rest > 0 then redis.call('HSET', held, field, rest)
      else
        redis.call('HDEL', held, field)
        if redis.call('HINCRBY', counts, line, -1) <= 0 then redis.call('HDEL', counts, line) end
      end
    end
  end
end
return #ARGV - 3
"""
"""Count a document in (ADD) or out of (REM) its version and the lines it holds, in
one command: KEYS are the version's shard, the stats hash, then each line's ``b:ld``
and ``b:lc`` shards; ARGV the operation, the version label (8 bytes), the document's
packed number and its line keys (8 bytes each). A line counts one more version when
the first document of that version holding it comes, one fewer when the last goes."""


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def as_text(value: bytes | str) -> str:
    """A member or field name as text (responses are bytes: ``decode_responses=False``)."""
    return value if isinstance(value, str) else value.decode("utf-8")


def doc_fields(doc: IndexedDoc) -> Fields:
    """A document's hash fields (arrays checked and packed here)."""
    meta = {name: getattr(doc, name) for name in META} | {"version": doc.label}
    fields = {b"meta": json.dumps(meta).encode("utf-8"), b"text": pack_text(doc.text)}
    for field, (name, code, _) in ARRAYS.items():
        fields[field] = pack_array(getattr(doc, name), code)
    return fields


def decode_doc(doc_id: str, fields: Fields) -> IndexedDoc:
    """A document from its hash fields."""
    meta = json.loads(fields[b"meta"])
    arrays: dict[str, Any] = {
        name: unpack_array(fields[f], code, t) for f, (name, code, t) in ARRAYS.items()
    }
    text = unpack_text(fields[b"text"])
    return IndexedDoc(doc_id=doc_id, text=text, **{n: meta[n] for n in META}, **arrays)


def doc_sizes(doc_id: bytes, fields: Fields) -> Counter[str]:
    """What a stored document adds to the running totals."""
    return Counter(
        {
            "band_keys:copy": len(fields[b"copy"]) // 8,
            "band_keys:rewrite": len(fields[b"rewrite"]) // 8,
            "bytes:signatures": len(fields[b"sig"]),
            "bytes:salient_terms": len(fields[b"sh"]) + len(fields[b"sw"]),
            "bytes:text": len(fields[b"text"]),
            "bytes:metadata": len(fields[b"meta"]) + len(doc_id),
            "bytes:line_keys": len(fields[b"lines"]),
        }
    )


Bucket = tuple[bytes, bytes]
"""A bucket's shard hash and field."""


def each_bucket(pipe: Pipeline, op: str, buckets: list[Bucket], member: bytes) -> None:
    """Queue ADD or REM of the packed document number ``member`` on every bucket."""
    if buckets:
        names, fields = zip(*buckets, strict=True)
        pipe.eval(EACH_BUCKET, len(names), *names, member, op, *fields)


def each_line(
    pipe: Pipeline, op: str, names: Sequence[bytes], label: int, member: bytes, keys: np.ndarray
) -> None:
    """Queue ADD or REM of a document (packed number ``member``) in its version and
    its lines; ``names`` as ``EACH_LINE`` takes its KEYS."""
    packed = pack_array(keys, "<u8")
    lines = [packed[i : i + 8] for i in range(0, len(packed), 8)]
    pipe.eval(EACH_LINE, len(names), *names, op, label.to_bytes(8, "little"), member, *lines)


def unpack_numbers(packed: Sequence[bytes | None]) -> np.ndarray:
    """The document numbers in packed bucket values (missing buckets skipped)."""
    joined = b"".join(value for value in packed if value)
    return np.frombuffer(joined, dtype="<u4")


def num_bytes(number: int) -> bytes:
    return int(number).to_bytes(NUM, "little")
