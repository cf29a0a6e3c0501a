"""Rebuilding a SQLite index: the new index is written to ``{path}.rebuild`` beside the
old one, synced to disk, and renamed over it only when complete, so that whatever
happens before (an error, a full disk, ``kill -9``) leaves the old file as it was.

The old file is read in one snapshot; a write to it by another process meanwhile is
noticed (``PRAGMA data_version``) and nothing is replaced. Its write-ahead log is
folded into it before the rename, so that no stale ``-wal`` file is left beside the new
one. A process that keeps the old file open past the rename goes on using the old file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator

from dedup.index.archive import Archived, readable_version, sqlite_articles
from dedup.index.sqlite_file import (
    BUSY_SECONDS,
    SQLITE_MAGIC,
    read_version,
    said,
    unless_damaged,
)
from dedup.index.store import Store, StoreError
from dedup.index.store_sqlite import SqliteStore

Fill = Callable[[Iterable[Archived], Store], None]
SIDECARS = ("", "-wal", "-shm", "-journal")


def rebuild(path: str, fill: Fill) -> int:
    """Replace the index at ``path`` by one ``fill`` makes from its articles; the
    schema version it had."""
    version = readable_version(path, _version(path))
    staging = path + ".rebuild"
    with _claimed(path, staging):
        try:
            _build(path, staging, fill, version)
            _sync(staging)
            os.replace(staging, path)
            _sync(os.path.dirname(os.path.abspath(path)))
        except BaseException:
            _discard(staging)
            raise
    return version


def _version(path: str) -> str | None:
    """The schema version of the file at ``path`` (None when there is no index)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"{path}: cannot read: {error.strerror}") from error
    if not header:
        return None
    if header != SQLITE_MAGIC:
        raise StoreError(f"{path}: not a dedup index (not a SQLite database)")
    return read_version(path)


def _build(path: str, staging: str, fill: Fill, version: int) -> None:
    """Fill the staging index from one snapshot of the old (of schema ``version``);
    fold the old file's log in."""
    source = _connect(path)
    try:
        with unless_damaged(path):
            before = source.execute("PRAGMA data_version").fetchone()
            source.execute("BEGIN")
        with SqliteStore(staging, create=True) as target:
            fill(sqlite_articles(source, path, version), target)
        with unless_damaged(path):
            source.rollback()
            changed = source.execute("PRAGMA data_version").fetchone() != before
            if not changed:
                source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        source.close()
    if changed:
        raise StoreError(
            f"{path}: another process wrote to the index while it was rebuilt; "
            "nothing was replaced: run the rebuild again"
        )
    if any(os.path.exists(path + suffix) for suffix in ("-wal", "-shm")):
        raise StoreError(f"{path}: another process has the index open; nothing was replaced")


def _connect(path: str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open: {said(error)}") from error
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
    return conn


@contextlib.contextmanager
def _claimed(path: str, staging: str) -> Iterator[None]:
    """Hold the staging file (an advisory lock: one rebuild at a time), emptied of
    whatever a rebuild that was killed left there."""
    try:
        fd = os.open(staging, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StoreError(f"{staging}: cannot create: {error.strerror}") from error
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{path}: another rebuild of this index is running") from None
        _discard(staging, keep_file=True)
        os.ftruncate(fd, 0)
        yield
    finally:
        os.close(fd)  # after the store closed: closing a file drops SQLite's locks on it


def _discard(staging: str, *, keep_file: bool = False) -> None:
    """Remove the staging file and SQLite's files beside it."""
    for suffix in SIDECARS[1:] if keep_file else SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            os.remove(staging + suffix)


def _sync(name: str) -> None:
    """Flush a file's (or a folder's) data to disk."""
    fd = os.open(name, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
