"""SQLite backend of the persistent index: one file, stdlib ``sqlite3``, WAL mode.

Layout: ``dedup_meta(key, value)`` holds ``schema_version`` and ``parameters`` (JSON);
``docs`` holds one row per article (arrays as raw little-endian blobs, text as zlib'd
UTF-8); ``bands`` holds one ``(tier, key, doc)`` row per band key, the uint64 key kept
as the int64 of the same bits. Several processes may write: each ``add`` is one
``BEGIN IMMEDIATE`` transaction and writers wait for one another (``busy_timeout``).
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np

from dedup.index.store import (
    MAX_BUCKET,
    SCHEMA_VERSION,
    TIERS,
    Brief,
    IndexedDoc,
    StoreBase,
    StoreError,
    Tier,
    pack_array,
    pack_text,
    to_signed,
    to_unsigned,
    unique_docs,
    unpack_array,
    unpack_text,
)

_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_SECONDS = 30.0
_CHUNK = 500
"""Values per ``IN (...)`` list: well under SQLite's bound-parameter limit."""
_PAGE = 1000
_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dedup_meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs(
    rowid INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL,
    title TEXT, date TEXT, source TEXT, url TEXT,
    exact INTEGER NOT NULL, tokens INTEGER NOT NULL, signature BLOB NOT NULL,
    salient_hashes BLOB NOT NULL, salient_weights BLOB NOT NULL,
    copy_keys BLOB NOT NULL, rewrite_keys BLOB NOT NULL,
    text BLOB NOT NULL, added_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS docs_exact ON docs(exact);
CREATE TABLE IF NOT EXISTS bands(
    tier INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (tier, key, doc)) WITHOUT ROWID;
"""
"""Band keys live twice: as a blob in the document's row (read back with it, and
naming the rows to delete) and as rows of one clustered table keyed (tier, key, doc),
so a lookup is one index range and no second index or rowid is stored."""
_DOC_COLUMNS = (
    "doc_id, title, date, source, url, exact, tokens, signature, "
    "salient_hashes, salient_weights, copy_keys, rewrite_keys, text, added_at"
)
_INSERT_DOC = f"INSERT INTO docs(rowid, {_DOC_COLUMNS}) VALUES ({', '.join('?' * 15)})"
_INSERT_BAND = "INSERT OR IGNORE INTO bands(tier, key, doc) VALUES (?, ?, ?)"
_DELETE_BAND = "DELETE FROM bands WHERE tier = ? AND key = ? AND doc = ?"
_META_BYTES = " + ".join(
    f"COALESCE(LENGTH(CAST({column} AS BLOB)), 0)"
    for column in ("doc_id", "title", "date", "source", "url")
)
_COLUMN_BYTES = (
    "SELECT SUM(LENGTH(signature)), SUM(LENGTH(salient_hashes) + LENGTH(salient_weights)),"
    f" SUM(LENGTH(text)), SUM({_META_BYTES} + 24),"
    " SUM(LENGTH(copy_keys)), SUM(LENGTH(rewrite_keys)) FROM docs"
)
"""Bytes per component: the blobs, text columns plus three 8-byte numbers, and each
tier's band keys as kept in the document rows (the band table is counted apart)."""


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most ``_CHUNK`` values."""
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: Sequence[Any]) -> str:
    """``?, ?, ...`` for an ``IN`` list."""
    return ", ".join("?" * len(values))


def _signed_keys(keys: np.ndarray) -> list[int]:
    """uint64 band keys as the Python ints SQLite stores (int64, same bits)."""
    signed: list[int] = np.frombuffer(pack_array(keys, "<u8"), dtype="<i8").tolist()
    return signed


def _check_version(path: str, value: str | None) -> None:
    """Refuse an index written by another schema version."""
    if value != str(SCHEMA_VERSION):
        raise StoreError(
            f"{path}: index schema version {value}, this dedup reads version {SCHEMA_VERSION}"
        )


def _inspect(path: str) -> bool:
    """Validate an existing file without writing to it; True when there is nothing
    there yet (no file, an empty one, or a SQLite file without any table)."""
    try:
        if os.stat(path).st_size == 0:
            return True
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return True
    except OSError as error:
        raise StoreError(f"{path}: cannot read: {error.strerror}") from error
    if header != _SQLITE_MAGIC:
        raise StoreError(f"{path}: not a dedup index (not a SQLite database)")
    version = _read_version(path)
    if version is None:
        return True
    _check_version(path, version)
    return False


def _read_version(path: str) -> str | None:
    """The schema version in a SQLite file, read through a read-only connection
    (None when the file has no table yet: another process is creating the index)."""
    # Without a -wal file the main file holds every commit: read it as immutable, which
    # creates no -wal/-shm files beside it. A live WAL needs the shared-memory index.
    live = os.path.exists(path + "-wal")
    mode = "mode=ro" if live else "immutable=1"
    uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?{mode}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=_BUSY_SECONDS)
        try:
            tables = {row[0] for row in conn.execute(_TABLES)}
            if tables and "dedup_meta" not in tables:
                raise StoreError(f"{path}: not a dedup index (no dedup_meta table)")
            sql = "SELECT value FROM dedup_meta WHERE key = 'schema_version'"
            value = conn.execute(sql).fetchone() if tables else None
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError) as error:  # a damaged schema table
        raise StoreError(f"{path}: not a readable dedup index ({_said(error)})") from error
    if not tables:
        return None
    if value is None:
        raise StoreError(f"{path}: not a dedup index (no schema version)")
    return str(value[0])


def _said(error: BaseException) -> str:
    """An error's message on one line (SQLite quotes a damaged schema, newlines and all)."""
    return " ".join(str(error).split())


@contextmanager
def _unless_damaged(path: str) -> Iterator[None]:
    """Whatever a damaged (truncated, overwritten) file makes a read raise, as one
    StoreError naming it: SQLite's errors, and stored values that do not decode."""
    try:
        yield
    except sqlite3.Error as error:
        raise StoreError(f"{path}: {_said(error)}") from error
    except (zlib.error, ValueError, TypeError, KeyError) as error:  # NULLs, bad bytes
        raise StoreError(f"{path}: damaged index: {_said(error)}") from error


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guarded(
    method: Callable[Concatenate[SqliteStore, _P], _R],
) -> Callable[Concatenate[SqliteStore, _P], _R]:
    """A store method that reads, failing as ``_unless_damaged`` says."""

    @functools.wraps(method)
    def guarded(self: SqliteStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _unless_damaged(self.path):
            return method(self, *args, **kwargs)

    return guarded


class SqliteStore(StoreBase):
    """The index in one SQLite file."""

    def __init__(self, path: str, *, create: bool = True) -> None:
        self.path = path
        self._fresh = fresh = _inspect(path)
        if fresh and not create:
            raise StoreError(f"{path}: no dedup index there")
        try:
            self._conn = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open: {_said(error)}") from error
        try:
            with _unless_damaged(path):
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
        self._conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_SECONDS * 1000)}")
        if self._fresh:  # an index is made in WAL mode; opening one writes nothing
            self._switch_to_wal()
        for pragma in ("synchronous = NORMAL", "cache_size = -65536", "temp_store = MEMORY"):
            self._conn.execute(f"PRAGMA {pragma}")

    def _switch_to_wal(self) -> None:
        """Turn on WAL. Switching the journal mode does not wait on the busy handler:
        when another process is creating the same new index it fails at once with
        'database is locked', so retry until the busy timeout runs out."""
        deadline = time.monotonic() + _BUSY_SECONDS
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
            tables = {row[0] for row in self._conn.execute(_TABLES)}
            if tables and "dedup_meta" not in tables:
                raise StoreError(f"{self.path}: not a dedup index (no dedup_meta table)")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._conn.execute(statement)
            self._conn.execute(
                "INSERT OR IGNORE INTO dedup_meta(key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        _check_version(self.path, self._meta("schema_version"))

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken at once so that writers queue instead of failing."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            yield
            self._conn.execute("COMMIT")
        except sqlite3.Error as error:
            self._conn.rollback()
            raise StoreError(f"{self.path}: {_said(error)}") from error
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

    @_guarded
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
            self._delete(self._rowids([doc.doc_id for doc in batch]))
            (top,) = self._conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM docs").fetchone()
            rowids = range(top + 1, top + 1 + len(batch))
            self._conn.executemany(_INSERT_DOC, map(_doc_row, rowids, batch))
            self._conn.executemany(_INSERT_BAND, _band_rows(rowids, batch))

    @_guarded
    def remove(self, ids: Sequence[str]) -> int:
        with self._write():
            rowids = self._rowids(list(dict.fromkeys(ids)))
            self._delete(rowids)
        return len(rowids)

    def _rowids(self, doc_ids: Sequence[str]) -> list[int]:
        """Row numbers of the stored documents among ``doc_ids``."""
        found: list[int] = []
        for part in _chunks(doc_ids):
            sql = f"SELECT rowid FROM docs WHERE doc_id IN ({_marks(part)})"
            found.extend(row[0] for row in self._conn.execute(sql, part))
        return found

    @_guarded
    def _delete(self, rowids: Sequence[int]) -> None:
        """Delete documents and their band rows (named by the keys in their rows)."""
        for part in _chunks(rowids):
            sql = f"SELECT rowid, copy_keys, rewrite_keys FROM docs WHERE rowid IN ({_marks(part)})"
            stored = [
                (rowid, unpack_array(c, "<u8", np.uint64), unpack_array(r, "<u8", np.uint64))
                for rowid, c, r in self._conn.execute(sql, part)
            ]
            self._conn.executemany(_DELETE_BAND, _key_rows(stored))
            self._conn.execute(f"DELETE FROM docs WHERE rowid IN ({_marks(part)})", part)

    @_guarded
    def get(self, ids: Sequence[str]) -> list[IndexedDoc]:
        found: list[IndexedDoc] = []
        with self._read():
            for doc_id in ids:
                sql = f"SELECT rowid, {_DOC_COLUMNS} FROM docs WHERE doc_id = ?"
                row = self._conn.execute(sql, (doc_id,)).fetchone()
                if row is not None:
                    found.append(self._doc(row))
        return found

    @_guarded
    def brief(self, ids: Sequence[str]) -> list[Brief]:
        found: dict[str, Brief] = {}
        with self._read():
            for part in _chunks(ids):
                sql = (
                    "SELECT doc_id, date, salient_hashes, salient_weights FROM docs "
                    f"WHERE doc_id IN ({_marks(part)})"
                )
                for doc_id, date, hashes, weights in self._conn.execute(sql, part):
                    found[doc_id] = Brief(
                        doc_id,
                        date,
                        unpack_array(hashes, "<u4", np.uint32),
                        unpack_array(weights, "<f4", np.float32),
                    )
        return [found[i] for i in ids if i in found]

    def _doc(self, row: tuple[Any, ...]) -> IndexedDoc:
        """A document from its ``docs`` row (values of the wrong type, which only a
        damaged file holds, raise TypeError)."""
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
        )

    @_guarded
    def candidates(self, tier: Tier, keys: np.ndarray) -> set[str]:
        found: set[str] = set()
        number = TIERS[tier]
        with self._read():
            for part in _chunks(_signed_keys(keys)):
                sql = (
                    "SELECT DISTINCT d.doc_id FROM bands b JOIN docs d ON d.rowid = b.doc "
                    f"WHERE b.tier = ? AND b.key IN ({_marks(part)})"
                )
                found.update(row[0] for row in self._conn.execute(sql, (number, *part)))
        return found

    @_guarded
    def most_shared(self, tier: Tier, keys: np.ndarray, limit: int) -> list[str]:
        number = TIERS[tier]
        with self._read():
            small = [key for key in _signed_keys(keys) if self._bucket_fits(number, key)]
            if not small:
                return []
            # A document has at most num_perm (<= 1024) band keys a tier: one query
            # counts, ranks and cuts in SQLite, so Python sees ``limit`` rows only.
            sql = (
                f"SELECT doc, COUNT(*) AS shared FROM bands WHERE tier = ? AND key IN "
                f"({_marks(small)}) GROUP BY doc ORDER BY shared DESC, doc LIMIT ?"
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
        for part in _chunks(rowids):
            sql = f"SELECT rowid, doc_id FROM docs WHERE rowid IN ({_marks(part)})"
            found.update(dict(self._conn.execute(sql, part).fetchall()))
        return found

    @_guarded
    def exact(self, hash: int) -> set[str]:
        rows = self._conn.execute("SELECT doc_id FROM docs WHERE exact = ?", (to_signed(hash),))
        return {row[0] for row in rows}

    def ids(self) -> Iterator[str]:
        return (row[0] for row in self._pages("doc_id"))

    def dates(self) -> Iterator[tuple[str, str | None, float]]:
        return ((row[0], row[1], row[2]) for row in self._pages("doc_id, date, added_at"))

    def _pages(self, columns: str) -> Iterator[tuple[Any, ...]]:
        """Every document's ``columns``, a page at a time (no statement left open)."""
        last = 0
        while True:
            sql = f"SELECT rowid, {columns} FROM docs WHERE rowid > ? ORDER BY rowid LIMIT ?"
            with _unless_damaged(self.path):
                rows = self._conn.execute(sql, (last, _PAGE)).fetchall()
            if not rows:
                return
            top = max(row[0] for row in rows)
            if top <= last:  # only a damaged tree does that, and it would loop forever
                raise StoreError(f"{self.path}: damaged index: rows out of order")
            last = top
            for row in rows:
                yield tuple(row[1:])

    @_guarded
    def stats(self) -> dict[str, Any]:
        with self._read():
            (documents,) = self._conn.execute("SELECT COUNT(*) FROM docs").fetchone()
            tiers = dict(self._conn.execute("SELECT tier, COUNT(*) FROM bands GROUP BY tier"))
            sizes = self._column_bytes()
            sizes["band_keys"] = self._band_bytes()
        files = (self.path, self.path + "-wal")
        sizes["total"] = sum(os.path.getsize(name) for name in files if os.path.exists(name))
        return {
            "backend": "sqlite",
            "location": self.path,
            "documents": documents,
            "band_keys": {name: tiers.get(number, 0) for name, number in TIERS.items()},
            "bytes": sizes,
        }

    def _column_bytes(self) -> dict[str, int | None]:
        """Stored bytes of the document columns, by component."""
        values = self._conn.execute(_COLUMN_BYTES).fetchone()
        names = ("signatures", "salient_terms", "text", "metadata", "copy_keys", "rewrite_keys")
        return {name: int(value or 0) for name, value in zip(names, values, strict=True)}

    def _band_bytes(self) -> int | None:
        """Bytes of the pages of the band table and its indexes (None without ``dbstat``)."""
        sql = "SELECT SUM(pgsize) FROM dbstat WHERE name = 'bands'"
        try:
            (value,) = self._conn.execute(sql).fetchone()
        except sqlite3.OperationalError:
            return None
        return int(value or 0)

    def close(self) -> None:
        self._conn.close()


def _doc_row(rowid: int, doc: IndexedDoc) -> tuple[Any, ...]:
    """The ``docs`` row of a document (arrays checked and packed here)."""
    meta = (doc.doc_id, doc.title, doc.date, doc.source, doc.url, to_signed(doc.exact))
    hashes = (pack_array(doc.signature, "<u4"), pack_array(doc.salient_hashes, "<u4"))
    weights = pack_array(doc.salient_weights, "<f4")
    keys = (pack_array(doc.copy_keys, "<u8"), pack_array(doc.rewrite_keys, "<u8"))
    return (rowid, *meta, doc.tokens, *hashes, weights, *keys, pack_text(doc.text), doc.added_at)


def _band_rows(rowids: Iterable[int], docs: Iterable[IndexedDoc]) -> Iterator[tuple[int, ...]]:
    """``(tier, key, doc)`` rows of every band key of the documents."""
    pairs = zip(rowids, docs, strict=True)
    return _key_rows((rowid, doc.copy_keys, doc.rewrite_keys) for rowid, doc in pairs)


def _key_rows(
    stored: Iterable[tuple[int, np.ndarray, np.ndarray]],
) -> Iterator[tuple[int, ...]]:
    """``(tier, key, doc)`` rows from each document's row number and band keys."""
    for rowid, copy_keys, rewrite_keys in stored:
        for number, keys in ((TIERS["copy"], copy_keys), (TIERS["rewrite"], rewrite_keys)):
            yield from zip(repeat(number), _signed_keys(keys), repeat(rowid))
