"""The SQLite index's tables, statements and rows: one row per article, one per band key."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any

import numpy as np

from dedup.index.codec import (
    pack_array,
    pack_text,
    to_signed,
    to_unsigned,
    unpack_array,
    unpack_text,
)
from dedup.index.store import (
    TIERS,
    IndexedDoc,
)

CHUNK = 500
"""Values per ``IN (...)`` list: well under SQLite's bound-parameter limit."""


SCHEMA = """
CREATE TABLE IF NOT EXISTS dedup_meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs(
    rowid INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL,
    title TEXT, date TEXT, source TEXT, url TEXT,
    exact INTEGER NOT NULL, tokens INTEGER NOT NULL, signature BLOB NOT NULL,
    salient_hashes BLOB NOT NULL, salient_weights BLOB NOT NULL,
    copy_keys BLOB NOT NULL, rewrite_keys BLOB NOT NULL,
    text BLOB NOT NULL, added_at REAL NOT NULL,
    version INTEGER NOT NULL, line_keys BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS docs_exact ON docs(exact);
CREATE TABLE IF NOT EXISTS bands(
    tier INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (tier, key, doc)) WITHOUT ROWID;
"""
"""Band keys live twice: as a blob in the document's row (read back with it, and
naming the rows to delete) and as rows of one clustered table keyed (tier, key, doc),
so a lookup is one index range and no second index or rowid is stored."""


DOC_COLUMNS = (
    "doc_id, title, date, source, url, exact, tokens, signature, "
    "salient_hashes, salient_weights, copy_keys, rewrite_keys, text, added_at, version, "
    "line_keys"
)


INSERT_DOC = f"INSERT INTO docs(rowid, {DOC_COLUMNS}) VALUES ({', '.join('?' * 17)})"


INSERT_BAND = "INSERT OR IGNORE INTO bands(tier, key, doc) VALUES (?, ?, ?)"


DELETE_BAND = "DELETE FROM bands WHERE tier = ? AND key = ? AND doc = ?"


META_BYTES = " + ".join(
    f"COALESCE(LENGTH(CAST({column} AS BLOB)), 0)"
    for column in ("doc_id", "title", "date", "source", "url")
)


COLUMN_BYTES = (
    "SELECT SUM(LENGTH(signature)), SUM(LENGTH(salient_hashes) + LENGTH(salient_weights)),"
    f" SUM(LENGTH(text)), SUM({META_BYTES} + 24),"
    " SUM(LENGTH(copy_keys)), SUM(LENGTH(rewrite_keys)), SUM(LENGTH(line_keys) + 8) FROM docs"
)
"""Bytes per component: the blobs, text columns plus three 8-byte numbers, each tier's
band keys and the line keys (with the version) as kept in the document rows (the band
and line tables are counted apart)."""


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most ``CHUNK`` values."""
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def marks(values: Sequence[Any]) -> str:
    """``?, ?, ...`` for an ``IN`` list."""
    return ", ".join("?" * len(values))


def signed_keys(keys: np.ndarray) -> list[int]:
    """uint64 band keys as the Python ints SQLite stores (int64, same bits)."""
    signed: list[int] = np.frombuffer(pack_array(keys, "<u8"), dtype="<i8").tolist()
    return signed


def doc_row(rowid: int, doc: IndexedDoc) -> tuple[Any, ...]:
    """The ``docs`` row of a document (arrays checked and packed here)."""
    meta = (doc.doc_id, doc.title, doc.date, doc.source, doc.url, to_signed(doc.exact))
    hashes = (pack_array(doc.signature, "<u4"), pack_array(doc.salient_hashes, "<u4"))
    weights = pack_array(doc.salient_weights, "<f4")
    keys = (pack_array(doc.copy_keys, "<u8"), pack_array(doc.rewrite_keys, "<u8"))
    text = (pack_text(doc.text), doc.added_at)
    lines = (to_signed(doc.label), pack_array(doc.line_keys, "<u8"))
    return (rowid, *meta, doc.tokens, *hashes, weights, *keys, *text, *lines)


def band_rows(rowids: Iterable[int], docs: Iterable[IndexedDoc]) -> Iterator[tuple[int, ...]]:
    """``(tier, key, doc)`` rows of every band key of the documents."""
    pairs = zip(rowids, docs, strict=True)
    return key_rows((rowid, doc.copy_keys, doc.rewrite_keys) for rowid, doc in pairs)


def key_rows(
    stored: Iterable[tuple[int, np.ndarray, np.ndarray]],
) -> Iterator[tuple[int, ...]]:
    """``(tier, key, doc)`` rows from each document's row number and band keys."""
    for rowid, copy_keys, rewrite_keys in stored:
        for number, keys in ((TIERS["copy"], copy_keys), (TIERS["rewrite"], rewrite_keys)):
            yield from zip(repeat(number), signed_keys(keys), repeat(rowid))


def decode_doc(row: tuple[Any, ...]) -> IndexedDoc:
    """A document from its ``rowid, DOC_COLUMNS`` row (values of the wrong type, which
    only a damaged file holds, raise TypeError)."""
    if not all(isinstance(v, str | None) for v in row[1:6]) or row[1] is None:
        raise TypeError("a text column holds something else")
    return IndexedDoc(
        doc_id=row[1],
        title=row[2],
        date=row[3],
        source=row[4],
        url=row[5],
        exact=to_unsigned(row[6]),
        tokens=int(row[7]),
        signature=unpack_array(row[8], "<u4", np.uint32),
        salient_hashes=unpack_array(row[9], "<u4", np.uint32),
        salient_weights=unpack_array(row[10], "<f4", np.float32),
        copy_keys=unpack_array(row[11], "<u8", np.uint64),
        rewrite_keys=unpack_array(row[12], "<u8", np.uint64),
        text=unpack_text(row[13]),
        added_at=float(row[14]),
        version=to_unsigned(row[15]),
        line_keys=unpack_array(row[16], "<u8", np.uint64),
    )


def column_bytes(conn: sqlite3.Connection) -> dict[str, int | None]:
    """Stored bytes of the document columns, by component."""
    values = conn.execute(COLUMN_BYTES).fetchone()
    names = (
        "signatures",
        "salient_terms",
        "text",
        "metadata",
        "copy_keys",
        "rewrite_keys",
        "line_keys",
    )
    return {name: int(value or 0) for name, value in zip(names, values, strict=True)}


def table_bytes(conn: sqlite3.Connection, table: str) -> int | None:
    """Bytes of the pages of a table and its indexes (None without ``dbstat``)."""
    sql = "SELECT SUM(pgsize) FROM dbstat WHERE name = ?"
    try:
        (value,) = conn.execute(sql, (table,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return int(value or 0)
