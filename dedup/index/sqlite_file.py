"""Opening an index file safely: what is there is inspected read-only before anything
is written, and whatever a damaged file makes a read raise fails as one line naming it."""

from __future__ import annotations

import functools
import os
import sqlite3
import urllib.parse
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from dedup.index.store import (
    SCHEMA_VERSION,
    StoreError,
    version_refused,
)

SQLITE_MAGIC = b"SQLite format 3\x00"


BUSY_SECONDS = 30.0


TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"


def check_version(path: str, value: str | None) -> None:
    """Refuse an index written by another schema version."""
    if value != str(SCHEMA_VERSION):
        raise version_refused(path, str(value))


def inspect(path: str) -> bool:
    """Validate an existing file without writing to it; True when there is nothing
    there yet (no file, an empty one, or a SQLite file without any table)."""
    try:
        if os.stat(path).st_size == 0:
            return True
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return True
    except OSError as error:
        raise StoreError(f"{path}: cannot read: {error.strerror}") from error
    if header != SQLITE_MAGIC:
        raise StoreError(f"{path}: not a dedup index (not a SQLite database)")
    version = read_version(path)
    if version is None:
        return True
    check_version(path, version)
    return False


def read_version(path: str) -> str | None:
    """The schema version in a SQLite file, read through a read-only connection
    (None when the file has no table yet: another process is creating the index)."""
    # Without a -wal file the main file holds every commit: read it as immutable, which
    # creates no -wal/-shm files beside it. A live WAL needs the shared-memory index.
    live = os.path.exists(path + "-wal")
    mode = "mode=ro" if live else "immutable=1"
    uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?{mode}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS)
        try:
            tables = {row[0] for row in conn.execute(TABLES)}
            if tables and "dedup_meta" not in tables:
                raise StoreError(f"{path}: not a dedup index (no dedup_meta table)")
            sql = "SELECT value FROM dedup_meta WHERE key = 'schema_version'"
            value = conn.execute(sql).fetchone() if tables else None
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError) as error:  # a damaged schema table
        raise StoreError(f"{path}: not a readable dedup index ({said(error)})") from error
    if not tables:
        return None
    if value is None:
        raise StoreError(f"{path}: not a dedup index (no schema version)")
    return str(value[0])


def said(error: BaseException) -> str:
    """An error's message on one line (SQLite quotes a damaged schema, newlines and all)."""
    return " ".join(str(error).split())


@contextmanager
def unless_damaged(path: str) -> Iterator[None]:
    """Whatever a damaged (truncated, overwritten) file makes a read raise, as one
    StoreError naming it: SQLite's errors, and stored values that do not decode."""
    try:
        yield
    except sqlite3.Error as error:
        raise StoreError(f"{path}: {said(error)}") from error
    except (zlib.error, ValueError, TypeError, KeyError) as error:  # NULLs, bad bytes
        raise StoreError(f"{path}: damaged index: {said(error)}") from error


class _Located(Protocol):
    """Anything that names its index file (the SQLite store)."""

    path: str


P = ParamSpec("P")


R = TypeVar("R")
S = TypeVar("S", bound=_Located)


def guarded(
    method: Callable[Concatenate[S, P], R],
) -> Callable[Concatenate[S, P], R]:
    """A store method that reads, failing as ``unless_damaged`` says."""

    @functools.wraps(method)
    def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with unless_damaged(self.path):
            return method(self, *args, **kwargs)

    return guarded
