"""Faults around the persistent index and the reports, through the ``dedup`` command:
a full disk, a truncated or overwritten index, an index from a newer dedup, and Redis
going away mid-run. Each gives one error line naming the index (or file), exit 3 and
no partial output; the index is left as it was and the next run works. (Killed and
concurrent SQLite writers: ``test_store.py``.)"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE, folder, run
from typer.testing import Result

from dedup.cli.io import EXIT_FOUND, EXIT_OK, EXIT_OPERATIONAL
from dedup.index import store_sqlite
from dedup.index.backends import open_store
from dedup.index.store import SCHEMA_VERSION, StoreError
from dedup.index.store_redis import RedisStore
from tests.redis_server import _ready, _start, _stop, free_port

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def one_error(result: Result, *parts: str) -> str:
    """The run failed with exit 3 and one error line holding ``parts``, nothing else."""
    assert result.exit_code == EXIT_OPERATIONAL, (result.exit_code, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("dedup: error: ") and "Traceback" not in line
    for part in parts:
        assert part in line, (part, line)
    return line


def ids(db: str) -> set[str]:
    with open_store(db, create=False) as store:
        return set(store.ids())


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    """An index of the seeds (checkpointed into one file) and an incoming folder."""
    db = tmp_path / "index.db"
    assert run("index", "add", SEEDS, "--db", db).exit_code == EXIT_OK
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    incoming = folder(tmp_path, "incoming", {"a.txt": ARTICLE, "b.txt": OTHER_ARTICLE})
    return db, incoming


# --- full disk ------------------------------------------------------------------------


def test_full_disk_while_indexing_changes_nothing_and_the_next_run_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: tuple[Path, Path]
) -> None:
    """SQLite's own size limit (``max_page_count``) makes the file "full" as a full
    disk would: SQLITE_FULL in the middle of the batch's transaction."""
    db, _ = indexed
    before = ids(str(db))
    more = folder(tmp_path, "more", {f"{n}.txt": f"{n} {ARTICLE} {n}" for n in range(30)})
    real = store_sqlite.SqliteStore._configure

    def full(self: store_sqlite.SqliteStore) -> None:
        real(self)
        (pages,) = self._conn.execute("PRAGMA page_count").fetchone()
        self._conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(store_sqlite.SqliteStore, "_configure", full)
    result = run("index", "add", more, "--db", db)
    one_error(result, str(db), "database or disk is full")
    assert result.stdout == ""
    monkeypatch.undo()
    assert ids(str(db)) == before
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    again = run("index", "add", more, "--db", db)
    assert again.exit_code == EXIT_OK, again.stderr
    assert ids(str(db)) == before | {f"{n}.txt" for n in range(30)}


def test_full_disk_while_writing_a_report_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = folder(tmp_path, "in", {"a.txt": ARTICLE, "b.txt": NEAR_COPY})
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    output.write_text("the previous report\n")

    def no_space(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    result = run("scan", corpus, "-f", "json", "-o", output)
    one_error(result, f"cannot write {output}: No space left on device")
    monkeypatch.undo()
    assert output.read_text() == "the previous report\n"
    assert [p.name for p in output.parent.iterdir()] == ["report.json"]  # no temporary left
    assert run("scan", corpus, "-f", "json", "-o", output).exit_code == EXIT_OK
    assert '"schema_version"' in output.read_text()


def test_full_disk_on_standard_output_is_one_error_line() -> None:
    """``dedup scan ... > /dev/full``: every write fails with ENOSPC."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w") as full:
        child = subprocess.run(
            [sys.executable, "-c", "from dedup.cli.app import main; main()", "scan", SEEDS, "-q"],
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
        )
    assert child.returncode == EXIT_OPERATIONAL
    assert child.stderr.decode() == (
        "dedup: error: cannot write to standard output: No space left on device\n"
    )


# --- damaged and foreign index files --------------------------------------------------


def truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def zero_pages(data: bytes) -> bytes:
    """The second half of the file overwritten with zeros, the size unchanged."""
    half = len(data) // 2 // 4096 * 4096
    return data[:half] + bytes(len(data) - half)


def scramble_schema(data: bytes) -> bytes:
    """Garbage over the first page after the 100-byte header (the schema table)."""
    return data[:100] + bytes((i * 37 + 11) % 256 for i in range(4096 - 100)) + data[4096:]


def break_schema_sql(data: bytes) -> bytes:
    """A backquote in the stored CREATE TABLE: SQLite's error quotes the rest of the
    statement, newlines and all (found by the fuzz test)."""
    assert b"(\n    tier INTEGER" in data
    return data.replace(b"(\n    tier INTEGER", b"(\n    `ier INTEGER", 1)


@pytest.mark.parametrize("damage", [truncate, zero_pages, scramble_schema, break_schema_sql])
@pytest.mark.parametrize(
    "command",
    [
        ["check", "{incoming}"],
        ["check", "{incoming}", "--add"],
        ["index", "add", "{incoming}"],
        ["index", "stats"],
        ["index", "remove", "001_44a68aee44af42e0.txt"],
        ["index", "prune", "--older-than", "1s"],
    ],
)
def test_a_damaged_index_is_refused_left_alone_and_a_good_copy_still_works(
    tmp_path: Path, indexed: tuple[Path, Path], damage: Any, command: list[str]
) -> None:
    db, incoming = indexed
    backup = tmp_path / "backup.db"
    shutil.copy(db, backup)
    db.write_bytes(damage(db.read_bytes()))
    damaged = db.read_bytes()
    args = [a.replace("{incoming}", str(incoming)) for a in command]
    result = run(*args, "--db", db)
    one_error(result, str(db))
    assert result.stdout == ""
    assert db.read_bytes() == damaged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "incoming", "index.db"]
    shutil.copy(backup, db)
    assert run(*args, "--db", db).exit_code in (EXIT_OK, EXIT_FOUND)


class OutOfOrder:
    """A connection whose ``docs`` pages come back as a damaged table gave them
    (found by the fuzz test): the same rowids again and again."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        if "WHERE rowid > ? ORDER BY rowid" in sql:
            return self.real.execute("SELECT 1, 'x', NULL, 0 UNION ALL SELECT 0, 'y', NULL, 0")
        return self.real.execute(sql, parameters)


def test_a_damaged_table_that_pages_in_circles_is_an_error_not_a_hang(
    indexed: tuple[Path, Path],
) -> None:
    db, _ = indexed
    with open_store(str(db), create=False) as store:
        assert isinstance(store, store_sqlite.SqliteStore)
        real = store._conn
        store._conn = OutOfOrder(real)  # type: ignore[assignment]
        try:
            for listing in (store.ids, store.dates):
                with pytest.raises(StoreError, match="damaged index: rows out of order"):
                    list(listing())
        finally:
            store._conn = real


def test_checking_writes_nothing_whatever_the_journal_mode(
    indexed: tuple[Path, Path],
) -> None:
    """An index in rollback-journal mode (as a damaged header byte also says) is read
    as it is: opening it used to switch it to WAL, a write, before any damage showed."""
    db, incoming = indexed
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = db.read_bytes()
    assert run("check", incoming, "--db", db).exit_code in (EXIT_OK, EXIT_FOUND)
    assert db.read_bytes() == before
    conn = sqlite3.connect(db)
    conn.execute("UPDATE dedup_meta SET value = '{broken' WHERE key = 'parameters'")
    conn.commit()
    conn.close()
    damaged = db.read_bytes()
    one_error(run("check", incoming, "--db", db), f"{db}: damaged index")
    assert db.read_bytes() == damaged


class DamagedRows:
    """A connection whose document rows come back with one column spoilt, as a
    damaged file can give them (NULL found by the fuzz test, in a NOT NULL column)."""

    def __init__(self, real: sqlite3.Connection, column: int, value: Any) -> None:
        self.real, self.column, self.value = real, column, value

    def rollback(self) -> None:
        self.real.rollback()

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        rows = self.real.execute(sql, parameters).fetchall()
        if sql.startswith("SELECT rowid, doc_id, title"):
            rows = [(*r[: self.column], self.value, *r[self.column + 1 :]) for r in rows]
        return Rows(rows)


class Rows(list[Any]):
    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list[Any]:
        return list(self)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (6, None),
        (7, None),
        (8, b"\x01\x02\x03"),
        (8, "not bytes"),
        (13, b"not zlib"),
        (1, None),
        (2, b"bytes, not text"),
    ],
)
def test_a_damaged_document_row_is_a_store_error(
    indexed: tuple[Path, Path], column: int, value: Any
) -> None:
    db, _ = indexed
    with open_store(str(db), create=False) as store:
        assert isinstance(store, store_sqlite.SqliteStore)
        real = store._conn
        ids = sorted(store.ids())
        store._conn = DamagedRows(real, column, value)  # type: ignore[assignment]
        try:
            with pytest.raises(StoreError, match=f"^{db}: damaged index: "):
                store.get(ids)
        finally:
            store._conn = real


def test_store_errors_are_one_line_even_when_sqlite_quotes_the_schema(
    indexed: tuple[Path, Path],
) -> None:
    db, _ = indexed
    db.write_bytes(break_schema_sql(db.read_bytes()))
    with pytest.raises(StoreError, match="malformed database schema") as caught:
        open_store(str(db), create=False)
    assert "\n" not in str(caught.value)


def test_an_index_from_a_newer_dedup_is_refused_and_left_alone(
    tmp_path: Path, indexed: tuple[Path, Path]
) -> None:
    db, incoming = indexed
    conn = sqlite3.connect(db)
    conn.execute("UPDATE dedup_meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    newer = db.read_bytes()
    for args in (["check", incoming], ["index", "add", incoming], ["index", "stats"]):
        result = run(*args, "--db", db)
        one_error(
            result, f"{db}: index schema version 99, this dedup reads version {SCHEMA_VERSION}"
        )
        assert result.stdout == ""
        assert db.read_bytes() == newer
    conn = sqlite3.connect(db)
    conn.execute("UPDATE dedup_meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
    conn.commit()
    conn.close()
    assert run("check", incoming, "--db", db).exit_code == EXIT_OK


# --- Redis going away mid-run ---------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A redis-server of this test's own (it will be stopped mid-run)."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (make system-packages installs it)")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    process = _start(executable, tmp_path, port)
    try:
        assert _ready(process, url), "redis-server did not start"
        yield url, process
    finally:
        _stop(process)


def stop_after_first(
    monkeypatch: pytest.MonkeyPatch, method: str, process: subprocess.Popen[bytes]
) -> list[int]:
    """Stop the server once ``RedisStore.<method>`` has been called once."""
    real = getattr(RedisStore, method)
    calls: list[int] = []

    def then_stop(self: RedisStore, *args: Any, **kwargs: Any) -> Any:
        found = real(self, *args, **kwargs)
        calls.append(len(calls))
        if len(calls) == 1:
            _stop(process)
        return found

    monkeypatch.setattr(RedisStore, method, then_stop)
    return calls


def test_redis_going_away_while_indexing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_server: tuple[str, Any]
) -> None:
    url, process = redis_server
    stop_after_first(monkeypatch, "add", process)
    result = run("index", "add", SEEDS, "--db", url, "--batch", "2")
    one_error(result, f"{url}: cannot connect")
    assert result.stdout == ""


@pytest.mark.parametrize("output_format", ["text", "json", "junit"])
def test_redis_going_away_while_checking_writes_no_report(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    redis_server: tuple[str, Any],
    output_format: str,
) -> None:
    url, process = redis_server
    assert run("index", "add", SEEDS, "--db", url).exit_code == EXIT_OK
    incoming = folder(tmp_path, "incoming", {f"{n}.txt": ARTICLE + str(n) for n in range(4)})
    calls = stop_after_first(monkeypatch, "get", process)
    report = tmp_path / "report.out"
    result = run("check", incoming, "--db", url, "-f", output_format, "-o", report)
    one_error(result, f"{url}: cannot connect")
    assert len(calls) == 1 and result.stdout == "" and not report.exists()
    unreported = run("check", incoming, "--db", url, "-f", output_format)
    one_error(unreported, f"{url}: cannot connect")
    assert unreported.stdout == ""
