"""The articles an index holds, read back for ``dedup index rebuild``: text, metadata
and the time each was added, from an index of this schema version or any earlier one
(every version so far keeps them the same way: a ``docs`` row in SQLite, a ``doc:{id}``
hash beside an ``added`` sorted set in Redis). Nothing else of the old index is read:
its fingerprints are what the rebuild replaces. Texts stored before ingest cleaned
them (markup decoded, invisible characters removed) are cleaned as ingest cleans
them now, so that they read as the articles checked against them."""

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
from dedup.ingest.records import clean_text

PAGE = 500
CLEANED_SINCE = 4
"""The schema version from which stored texts and titles are cleaned at ingest."""


@dataclass(frozen=True, slots=True)
class Archived:
    """An indexed article and when it was first indexed."""

    document: Document
    added_at: float


def _document(
    version: int,
    doc_id: str,
    text: str,
    title: str | None,
    rest: tuple[str | None, str | None, str | None],
    location: str,
) -> Document:
    """The stored article as a Document (date, source, URL in ``rest``), its text and
    title cleaned when an index of ``version`` stored them as read."""
    if version < CLEANED_SINCE:
        text, title = clean_text(text), None if title is None else clean_text(title)
    return Document(doc_id, text, title, *rest, location=location)


def sqlite_articles(conn: sqlite3.Connection, path: str, version: int) -> Iterator[Archived]:
    """Every article of an index file of schema ``version``, a page at a time in row
    order (what a damaged file makes a read raise: one StoreError naming it)."""
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
                    _document(
                        version,
                        doc_id,
                        unpack_text(text),
                        title,
                        (date, source, url),
                        f"{path}#{doc_id}",
                    ),
                    float(added_at),
                )
                for _, doc_id, title, date, source, url, text, added_at in rows
            ]
        yield from page
        last = top


def redis_articles(client: Any, prefix: bytes, url: str, version: int) -> Iterator[Archived]:
    """Every article under a Redis index's key ``prefix`` (of schema ``version``), a
    page at a time in the order they were added."""
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
            rest = (found.get("date"), found.get("source"), found.get("url"))
            title, where = found.get("title"), f"{url}#{doc_id}"
            yield Archived(
                _document(version, doc_id, unpack_text(text), title, rest, where),
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
