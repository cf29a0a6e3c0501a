"""The SQLite index's versions and learnt boilerplate: which documents hold which line
keys, by version (``line_docs``), how many documents each version has (``versions``,
and their number in ``dedup_meta``), and the copy-tier neighbours a new document's
version is found among. Every function runs inside the caller's transaction,
so the counts change with the documents, all or nothing."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from dedup.index.codec import to_signed, to_unsigned, unpack_array
from dedup.index.sqlite_rows import chunks, marks, signed_keys
from dedup.index.store import TIERS, IndexedDoc, Neighbour, Threshold

TABLES = """
CREATE TABLE IF NOT EXISTS line_docs(
    key INTEGER NOT NULL, version INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (key, version, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions(version INTEGER PRIMARY KEY, docs INTEGER NOT NULL);
INSERT OR IGNORE INTO dedup_meta(key, value) VALUES ('versions', '0');
"""
"""One ``line_docs`` row per line of each document, clustered by line key then
version: the versions holding a line are one index range, counted only as far as
the threshold. ``versions`` counts each version's documents."""

_COUNT_VERSIONS = "UPDATE dedup_meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'versions'"

Stored = tuple[int, int, np.ndarray]
"""A document's row number, version label and line keys."""


def add(conn: sqlite3.Connection, stored: Sequence[Stored]) -> None:
    """Count the lines and versions of documents just inserted."""
    conn.executemany(
        "INSERT OR IGNORE INTO line_docs(key, version, doc) VALUES (?, ?, ?)", _rows(stored)
    )
    counts = Counter(to_signed(label) for _, label, _ in stored)
    known = _known(conn, list(counts))
    conn.executemany(
        "INSERT INTO versions(version, docs) VALUES (?, ?) ON CONFLICT(version) "
        "DO UPDATE SET docs = docs + excluded.docs",
        counts.items(),
    )
    conn.execute(_COUNT_VERSIONS, (len(counts) - len(known),))


def remove(conn: sqlite3.Connection, stored: Sequence[Stored]) -> None:
    """Forget the lines and versions of documents about to be deleted."""
    conn.executemany(
        "DELETE FROM line_docs WHERE key = ? AND version = ? AND doc = ?", _rows(stored)
    )
    counts = Counter(to_signed(label) for _, label, _ in stored)
    conn.executemany(
        "UPDATE versions SET docs = docs - ? WHERE version = ?",
        ((count, label) for label, count in counts.items()),
    )
    emptied = 0
    for part in chunks(list(counts)):
        where = f"version IN ({marks(part)}) AND docs <= 0"
        (found,) = conn.execute(f"SELECT COUNT(*) FROM versions WHERE {where}", part).fetchone()
        conn.execute(f"DELETE FROM versions WHERE {where}", part)
        emptied += found
    conn.execute(_COUNT_VERSIONS, (-emptied,))


def _known(conn: sqlite3.Connection, labels: Sequence[int]) -> set[int]:
    """The version labels (signed) among ``labels`` the index holds already."""
    found: set[int] = set()
    for part in chunks(labels):
        sql = f"SELECT version FROM versions WHERE version IN ({marks(part)})"
        found.update(row[0] for row in conn.execute(sql, part))
    return found


def _rows(stored: Iterable[Stored]) -> Iterator[tuple[int, int, int]]:
    """``(key, version, doc)`` rows of the documents' lines."""
    for rowid, label, keys in stored:
        signed = to_signed(label)
        for key in signed_keys(keys):
            yield key, signed, rowid


def versions(conn: sqlite3.Connection) -> int:
    """How many versions the index holds."""
    row = conn.execute("SELECT value FROM dedup_meta WHERE key = 'versions'").fetchone()
    return 0 if row is None else int(row[0])


def repeated(conn: sqlite3.Connection, keys: np.ndarray, threshold: Threshold) -> frozenset[int]:
    """The line keys among ``keys`` held by at least ``threshold(versions)`` versions;
    each line's versions are counted only up to that number."""
    need = threshold(versions(conn))
    found: list[int] = []
    for part in chunks(signed_keys(keys)):
        sql = (
            f"WITH wanted(k) AS (VALUES {', '.join(['(?)'] * len(part))}) SELECT k FROM wanted "
            "WHERE (SELECT COUNT(*) FROM (SELECT DISTINCT version FROM line_docs "
            "WHERE key = wanted.k LIMIT ?)) >= ?"
        )
        found.extend(row[0] for row in conn.execute(sql, (*part, need, need)))
    return frozenset(np.array(found, dtype=np.int64).astype(np.uint64).tolist())


def holding(conn: sqlite3.Connection, keys: np.ndarray) -> list[str]:
    """Ids of the documents holding any of these line keys."""
    found: set[str] = set()
    for part in chunks(signed_keys(keys)):
        sql = (
            "SELECT DISTINCT d.doc_id FROM line_docs l JOIN docs d ON d.rowid = l.doc "
            f"WHERE l.key IN ({marks(part)})"
        )
        found.update(row[0] for row in conn.execute(sql, part))
    return sorted(found)


def stored(doc: IndexedDoc, rowid: int) -> Stored:
    return rowid, doc.label, doc.line_keys


def neighbours(conn: sqlite3.Connection, keys: np.ndarray) -> list[Neighbour]:
    """The documents sharing a copy-tier band key with ``keys``, by id."""
    found: dict[str, Neighbour] = {}
    for part in chunks(signed_keys(keys)):
        sql = (
            "SELECT doc_id, version, tokens, signature, copy_keys FROM docs WHERE rowid IN "
            f"(SELECT doc FROM bands WHERE tier = ? AND key IN ({marks(part)}))"
        )
        for doc_id, version, tokens, sig, copy in conn.execute(sql, (TIERS["copy"], *part)):
            signature = unpack_array(sig, "<u4", np.uint32)
            copy_keys = unpack_array(copy, "<u8", np.uint64)
            found[doc_id] = Neighbour(
                doc_id, to_unsigned(version), int(tokens), signature, copy_keys
            )
    return [found[doc_id] for doc_id in sorted(found)]
