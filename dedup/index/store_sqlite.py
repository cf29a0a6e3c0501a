"""SQLite backend of the persistent index: one file, stdlib ``sqlite3``, WAL mode.

Layout: ``dedup_meta(key, value)`` holds ``schema_version``, ``parameters`` (JSON) and
the number of ``versions``; ``docs`` holds one row per article (arrays as raw
little-endian blobs, text as zlib'd UTF-8); ``bands`` holds one ``(tier, key, doc)`` row
per band key, the uint64 key kept as the int64 of the same bits; ``line_docs`` and
``versions`` count the lines the index learns its boilerplate from (``sqlite_lines``).
Several processes may write: each ``add`` is one ``BEGIN IMMEDIATE`` transaction and
writers wait for one another (``busy_timeout``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from dedup.index import sqlite_lines
from dedup.index.codec import (
    to_signed,
    to_unsigned,
    unpack_array,
)
from dedup.index.sqlite_file import (
    BUSY_SECONDS,
    TABLES,
    check_version,
    guarded,
    inspect,
    said,
    unless_damaged,
)
from dedup.index.sqlite_rows import (
    DELETE_BAND,
    DOC_COLUMNS,
    INSERT_BAND,
    INSERT_DOC,
    SCHEMA,
    band_rows,
    chunks,
    column_bytes,
    decode_doc,
    doc_row,
    key_rows,
    marks,
    signed_keys,
    table_bytes,
)
from dedup.index.store import (
    MAX_BUCKET,
    SCHEMA_VERSION,
    TIERS,
    Brief,
    IndexedDoc,
    Neighbour,
    StoreBase,
    StoreError,
    Threshold,
    Tier,
    unique_docs,
)

_PAGE = 1000


class SqliteStore(StoreBase):
    """The index in one SQLite file."""

    def __init__(self, path: str, *, create: bool = True) -> None:
        self.path = path
        self._fresh = fresh = inspect(path)
        if fresh and not create:
            raise StoreError(f"{path}: no dedup index there")
        try:
            self._conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open: {said(error)}") from error
        try:
            with unless_damaged(path):
                self._configure()
                if fresh:
                    self._create()
        except StoreError:
            self._conn.close()
            raise

    def _configure(self) -> None:
        """Connection settings; the file has been validated (or is new) by now."""
        # synchronous = NORMAL: in WAL mode it syncs at checkpoints, not at every commit.
        # A commit still survives a crash of the process; a power loss can lose the last
        # commits but never corrupts the file. Bulk adds would otherwise be fsync-bound.
        self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        if self._fresh:  # an index is made in WAL mode; opening one writes nothing
            self._switch_to_wal()
        for pragma in ("synchronous = NORMAL", "cache_size = -65536", "temp_store = MEMORY"):
            self._conn.execute(f"PRAGMA {pragma}")

    def _switch_to_wal(self) -> None:
        """Turn on WAL. Switching the journal mode does not wait on the busy handler:
        when another process is creating the same new index it fails at once with
        'database is locked', so retry until the busy timeout runs out."""
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _create(self) -> None:
        """Create the tables (another process may be doing the same) and check the version."""
        with self._write():
            tables = {row[0] for row in self._conn.execute(TABLES)}
            if tables and "dedup_meta" not in tables:
                raise StoreError(f"{self.path}: not a dedup index (no dedup_meta table)")
            for statement in (SCHEMA + sqlite_lines.TABLES).split(";"):
                if statement.strip():
                    self._conn.execute(statement)
            self._conn.execute(
                "INSERT OR IGNORE INTO dedup_meta(key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        check_version(self.path, self._meta("schema_version"))

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken at once so that writers queue instead of failing."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            yield
            self._conn.execute("COMMIT")
        except sqlite3.Error as error:
            self._conn.rollback()
            raise StoreError(f"{self.path}: {said(error)}") from error
        except BaseException:
            self._conn.rollback()
            raise

    @contextmanager
    def _read(self) -> Iterator[None]:
        """One read transaction: a consistent snapshot across several statements."""
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            self._conn.rollback()

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM dedup_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @guarded
    def parameters(self) -> dict[str, Any] | None:
        value = self._meta("parameters")
        return None if value is None else dict(json.loads(value))

    def set_parameters(self, params: dict[str, Any]) -> None:
        with self._write():
            self._conn.execute(
                "INSERT OR REPLACE INTO dedup_meta(key, value) VALUES ('parameters', ?)",
                (json.dumps(params, sort_keys=True),),
            )

    def add(self, docs: Sequence[IndexedDoc]) -> None:
        batch = unique_docs(docs)
        if not batch:
            return
        with self._write():
            self._put(batch)

    @guarded
    def refresh(self, docs: Sequence[IndexedDoc]) -> int:
        batch = unique_docs(docs)
        with self._write():
            current = set()
            for part in chunks([doc.doc_id for doc in batch]):
                sql = f"SELECT doc_id, added_at FROM docs WHERE doc_id IN ({marks(part)})"
                current.update(self._conn.execute(sql, part).fetchall())
            kept = [doc for doc in batch if (doc.doc_id, doc.added_at) in current]
            self._put(kept)
        return len(kept)

    def _put(self, batch: Sequence[IndexedDoc]) -> None:
        """Replace or insert documents with their band keys and lines (in a transaction)."""
        if not batch:
            return
        self._delete(self._rowids([doc.doc_id for doc in batch]))
        (top,) = self._conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM docs").fetchone()
        rowids = range(top + 1, top + 1 + len(batch))
        self._conn.executemany(INSERT_DOC, map(doc_row, rowids, batch))
        self._conn.executemany(INSERT_BAND, band_rows(rowids, batch))
        sqlite_lines.add(self._conn, list(map(sqlite_lines.stored, batch, rowids)))

    @guarded
    def remove(self, ids: Sequence[str]) -> int:
        with self._write():
            rowids = self._rowids(list(dict.fromkeys(ids)))
            self._delete(rowids)
        return len(rowids)

    def _rowids(self, doc_ids: Sequence[str]) -> list[int]:
        """Row numbers of the stored documents among ``doc_ids``."""
        found: list[int] = []
        for part in chunks(doc_ids):
            sql = f"SELECT rowid FROM docs WHERE doc_id IN ({marks(part)})"
            found.extend(row[0] for row in self._conn.execute(sql, part))
        return found

    @guarded
    def _delete(self, rowids: Sequence[int]) -> None:
        """Delete documents and their band rows (named by the keys in their rows)."""
        for part in chunks(rowids):
            sql = (
                "SELECT rowid, copy_keys, rewrite_keys, version, line_keys FROM docs "
                f"WHERE rowid IN ({marks(part)})"
            )
            rows = self._conn.execute(sql, part).fetchall()
            stored = [
                (rowid, unpack_array(c, "<u8", np.uint64), unpack_array(r, "<u8", np.uint64))
                for rowid, c, r, _, _ in rows
            ]
            self._conn.executemany(DELETE_BAND, key_rows(stored))
            lines = [
                (rowid, to_unsigned(v), unpack_array(k, "<u8", np.uint64))
                for rowid, _, _, v, k in rows
            ]
            sqlite_lines.remove(self._conn, lines)
            self._conn.execute(f"DELETE FROM docs WHERE rowid IN ({marks(part)})", part)

    @guarded
    def get(self, ids: Sequence[str]) -> list[IndexedDoc]:
        found: list[IndexedDoc] = []
        with self._read():
            for doc_id in ids:
                sql = f"SELECT rowid, {DOC_COLUMNS} FROM docs WHERE doc_id = ?"
                row = self._conn.execute(sql, (doc_id,)).fetchone()
                if row is not None:
                    found.append(decode_doc(row))
        return found

    @guarded
    def brief(self, ids: Sequence[str]) -> list[Brief]:
        found: dict[str, Brief] = {}
        with self._read():
            for part in chunks(ids):
                sql = (
                    "SELECT doc_id, date, salient_hashes, salient_weights FROM docs "
                    f"WHERE doc_id IN ({marks(part)})"
                )
                for doc_id, date, hashes, weights in self._conn.execute(sql, part):
                    found[doc_id] = Brief(
                        doc_id,
                        date,
                        unpack_array(hashes, "<u4", np.uint32),
                        unpack_array(weights, "<f4", np.float32),
                    )
        return [found[i] for i in ids if i in found]

    @guarded
    def candidates(self, tier: Tier, keys: np.ndarray) -> set[str]:
        found: set[str] = set()
        number = TIERS[tier]
        with self._read():
            for part in chunks(signed_keys(keys)):
                sql = (
                    "SELECT DISTINCT d.doc_id FROM bands b JOIN docs d ON d.rowid = b.doc "
                    f"WHERE b.tier = ? AND b.key IN ({marks(part)})"
                )
                found.update(row[0] for row in self._conn.execute(sql, (number, *part)))
        return found

    @guarded
    def most_shared(self, tier: Tier, keys: np.ndarray, limit: int) -> list[str]:
        number = TIERS[tier]
        with self._read():
            small = [key for key in signed_keys(keys) if self._bucket_fits(number, key)]
            if not small:
                return []
            # A document has at most num_perm (<= 1024) band keys a tier: one query
            # counts, ranks and cuts in SQLite, so Python sees ``limit`` rows only.
            sql = (
                f"SELECT doc, COUNT(*) AS shared FROM bands WHERE tier = ? AND key IN "
                f"({marks(small)}) GROUP BY doc ORDER BY shared DESC, doc LIMIT ?"
            )
            top = self._conn.execute(sql, (number, *small, limit)).fetchall()
            names = self._doc_ids([rowid for rowid, _ in top])
        ranked = sorted(((-shared, names[rowid]) for rowid, shared in top))
        return [doc_id for _, doc_id in ranked]

    def _bucket_fits(self, tier: int, key: int) -> bool:
        """Whether at most ``MAX_BUCKET`` documents hold the key; the probe stops
        reading the bucket there, so a huge bucket costs no more than a small one."""
        probe = "SELECT COUNT(*) FROM (SELECT 1 FROM bands WHERE tier = ? AND key = ? LIMIT ?)"
        (held,) = self._conn.execute(probe, (tier, key, MAX_BUCKET + 1)).fetchone()
        return bool(held <= MAX_BUCKET)

    def _doc_ids(self, rowids: Sequence[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for part in chunks(rowids):
            sql = f"SELECT rowid, doc_id FROM docs WHERE rowid IN ({marks(part)})"
            found.update(dict(self._conn.execute(sql, part).fetchall()))
        return found

    @guarded
    def exact(self, hash: int) -> set[str]:
        rows = self._conn.execute("SELECT doc_id FROM docs WHERE exact = ?", (to_signed(hash),))
        return {row[0] for row in rows}

    @guarded
    def neighbours(self, keys: np.ndarray) -> list[Neighbour]:
        with self._read():
            return sqlite_lines.neighbours(self._conn, keys)

    @guarded
    def repeated_lines(self, keys: np.ndarray, threshold: Threshold) -> frozenset[int]:
        # No read transaction: a write between the two reads moves the threshold by a
        # version at most, and the check's latency counts (two statements fewer).
        return sqlite_lines.repeated(self._conn, keys, threshold)

    @guarded
    def holding(self, keys: np.ndarray) -> list[str]:
        with self._read():
            return sqlite_lines.holding(self._conn, keys)

    def ids(self) -> Iterator[str]:
        return (row[0] for row in self._pages("doc_id"))

    def dates(self) -> Iterator[tuple[str, str | None, float]]:
        return ((row[0], row[1], row[2]) for row in self._pages("doc_id, date, added_at"))

    def _pages(self, columns: str) -> Iterator[tuple[Any, ...]]:
        """Every document's ``columns``, a page at a time (no statement left open)."""
        last = 0
        while True:
            sql = f"SELECT rowid, {columns} FROM docs WHERE rowid > ? ORDER BY rowid LIMIT ?"
            with unless_damaged(self.path):
                rows = self._conn.execute(sql, (last, _PAGE)).fetchall()
            if not rows:
                return
            top = max(row[0] for row in rows)
            if top <= last:  # only a damaged tree does that, and it would loop forever
                raise StoreError(f"{self.path}: damaged index: rows out of order")
            last = top
            for row in rows:
                yield tuple(row[1:])

    @guarded
    def stats(self) -> dict[str, Any]:
        with self._read():
            (documents,) = self._conn.execute("SELECT COUNT(*) FROM docs").fetchone()
            tiers = dict(self._conn.execute("SELECT tier, COUNT(*) FROM bands GROUP BY tier"))
            sizes = column_bytes(self._conn)
            sizes["band_keys"] = table_bytes(self._conn, "bands")
            sizes["line_table"] = table_bytes(self._conn, "line_docs")
            versions = sqlite_lines.versions(self._conn)
        files = (self.path, self.path + "-wal")
        sizes["total"] = sum(os.path.getsize(name) for name in files if os.path.exists(name))
        return {
            "backend": "sqlite",
            "location": self.path,
            "documents": documents,
            "versions": versions,
            "band_keys": {name: tiers.get(number, 0) for name, number in TIERS.items()},
            "bytes": sizes,
        }

    def close(self) -> None:
        self._conn.close()
