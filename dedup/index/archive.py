"""The articles an index holds, read back for ``dedup index rebuild``: text, metadata
and the time each was added, from an index of this schema version or any earlier one
(every version so far keeps them the same way: a ``docs`` row in SQLite, a ``doc:{id}``
hash beside an ``added`` sorted set in Redis). Nothing else of the old index is read:
its fingerprints are what the rebuild replaces."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dedup.index.codec import unpack_text
from dedup.index.sqlite_file import unless_damaged
from dedup.index.store import SCHEMA_VERSION, StoreError
from dedup.ingest.document import Document

PAGE = 500


@dataclass(frozen=True, slots=True)
class Archived:
    """An indexed article and when it was first indexed."""

    document: Document
    added_at: float


def sqlite_articles(conn: sqlite3.Connection, path: str) -> Iterator[Archived]:
    """Every article of an index file, a page at a time in row order (what a damaged
    file makes a read raise: one StoreError naming it)."""
    last = 0
    sql = (
        "SELECT rowid, doc_id, title, date, source, url, text, added_at FROM docs "
        "WHERE rowid > ? ORDER BY rowid LIMIT ?"
    )
    while True:
        with unless_damaged(path):
            rows = conn.execute(sql, (last, PAGE)).fetchall()
            if not rows:
                return
            top = max(row[0] for row in rows)
            if top <= last:  # only a damaged tree does that, and it would loop forever
                raise StoreError(f"{path}: damaged index: rows out of order")
            page = [
                Archived(
                    Document(
                        doc_id, unpack_text(text), title, date, source, url, f"{path}#{doc_id}"
                    ),
                    float(added_at),
                )
                for _, doc_id, title, date, source, url, text, added_at in rows
            ]
        yield from page
        last = top


def redis_articles(client: Any, prefix: bytes, url: str) -> Iterator[Archived]:
    """Every article under a Redis index's key ``prefix``, a page at a time in the
    order they were added."""
    start = 0
    while page := client.zrange(prefix + b"added", start, start + PAGE - 1, withscores=True):
        with client.pipeline(transaction=False) as pipe:
            for member, _ in page:
                pipe.hmget(prefix + b"doc:" + member, [b"meta", b"text"])
            fields = pipe.execute()
        for (member, added_at), (meta, text) in zip(page, fields, strict=True):
            if meta is None:  # removed while we read
                continue
            doc_id, found = member.decode("utf-8"), json.loads(meta)
            yield Archived(
                Document(
                    doc_id,
                    unpack_text(text),
                    found.get("title"),
                    found.get("date"),
                    found.get("source"),
                    found.get("url"),
                    f"{url}#{doc_id}",
                ),
                float(added_at),
            )
        start += len(page)


def readable_version(location: str, found: str | None) -> int:
    """The schema version of an index a rebuild may read (any up to this one's)."""
    if found is None:
        raise StoreError(f"{location}: no dedup index there")
    if not found.isdigit() or int(found) > SCHEMA_VERSION:
        raise StoreError(
            f"{location}: index schema version {found}, this dedup reads versions up to "
            f"{SCHEMA_VERSION}: rebuild it with the dedup that wrote it"
        )
    return int(found)
