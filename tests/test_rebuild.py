"""``dedup index rebuild``: an index of the previous schema version (version 3, written
here in its own layout) is refused by name, then rebuilt from the texts it holds, on
SQLite and on a real redis-server; a failure or a kill midway leaves the old index as
it was, and a write to the old index meanwhile stops the switch."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis
from conftest import run

from dedup.cli.app import EXIT_OK, EXIT_OPERATIONAL
from dedup.config import ScanConfig
from dedup.fingerprint.fingerprinter import Fingerprinter
from dedup.index import learnt
from dedup.index.backends import open_store
from dedup.index.check import check
from dedup.index.codec import pack_array, pack_text, to_signed
from dedup.index.rebuild import rebuild
from dedup.index.records import to_indexed
from dedup.index.store import SCHEMA_VERSION, IndexedDoc, StoreError
from dedup.ingest.document import Document
from dedup.ingest.records import clean_text
from tests.footer_corpus import ARCHIVE, INCOMING
from tests.redis_server import redis_url  # noqa: F401

CONFIG = ScanConfig()
ROOT = Path(__file__).resolve().parent.parent
ADDED = 1.6e9
DOCS = [
    dataclasses.replace(
        doc,
        title=f"Title {doc.id}",
        date=f"2024-03-{1 + n % 28:02d}",
        source="Westport Daily",
        url=f"https://example.org/{doc.id}",
    )
    for n, doc in enumerate(ARCHIVE)
]
DIRTY = "A caf&#233; on the quay\u200b reopened today after the winter storms had closed it.\n"
DOCS[1] = dataclasses.replace(DOCS[1], text=DIRTY + DOCS[1].text)
"""One article as indexes before schema 4 stored it: its markup and invisible
characters as read (ingest now cleans them)."""

# The SQLite layout of schema version 3, as dedup wrote it before version 4.
V3_SCHEMA = """
CREATE TABLE dedup_meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE docs(
    rowid INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL,
    title TEXT, date TEXT, source TEXT, url TEXT,
    exact INTEGER NOT NULL, tokens INTEGER NOT NULL, signature BLOB NOT NULL,
    salient_hashes BLOB NOT NULL, salient_weights BLOB NOT NULL,
    copy_keys BLOB NOT NULL, rewrite_keys BLOB NOT NULL,
    text BLOB NOT NULL, added_at REAL NOT NULL);
CREATE INDEX docs_exact ON docs(exact);
CREATE TABLE bands(
    tier INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (tier, key, doc)) WITHOUT ROWID;
"""


def old_records() -> list[IndexedDoc]:
    """The records a version-3 index held (fingerprinted whole: it learnt nothing)."""
    from datetime import UTC, datetime

    fingerprinter = Fingerprinter(CONFIG)
    found = []
    for number, doc in enumerate(DOCS):
        record = to_indexed(doc, fingerprinter, CONFIG, datetime.now(UTC))
        assert isinstance(record, IndexedDoc)
        found.append(dataclasses.replace(record, added_at=ADDED + number))
    return found


def write_v3_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(V3_SCHEMA)
    meta = [("schema_version", "3"), ("parameters", json.dumps(CONFIG.as_dict(), sort_keys=True))]
    conn.executemany("INSERT INTO dedup_meta VALUES (?, ?)", meta)
    for rowid, r in enumerate(old_records(), 1):
        arrays = [(r.signature, "<u4"), (r.salient_hashes, "<u4"), (r.salient_weights, "<f4")]
        arrays += [(r.copy_keys, "<u8"), (r.rewrite_keys, "<u8")]
        row = (rowid, r.doc_id, r.title, r.date, r.source, r.url, to_signed(r.exact), r.tokens)
        row += (*(pack_array(a, code) for a, code in arrays), pack_text(r.text), r.added_at)
        conn.execute(f"INSERT INTO docs VALUES ({', '.join('?' * 15)})", row)
        bands = [(0, k, rowid) for k in r.copy_keys.tolist()]
        bands += [(1, k, rowid) for k in r.rewrite_keys.tolist()]
        conn.executemany(
            "INSERT OR IGNORE INTO bands VALUES (?, ?, ?)",
            [(tier, to_signed(key), doc) for tier, key, doc in bands],
        )
    conn.commit()
    conn.close()


def write_v3_redis(url: str) -> None:
    """The version-3 layout: every key right under ``dedup:``, buckets in shards."""
    with redis.Redis.from_url(url) as client:
        params = json.dumps(CONFIG.as_dict(), sort_keys=True)
        client.hset(b"dedup:meta", mapping={"schema_version": "3", "parameters": params})
        for number, r in enumerate(old_records(), 1):
            meta = {n: getattr(r, n) for n in ("title", "date", "source", "url", "exact")}
            meta |= {"tokens": r.tokens, "added_at": r.added_at}
            num = number.to_bytes(4, "little")
            fields = {b"meta": json.dumps(meta), b"num": num, b"text": pack_text(r.text)}
            fields |= {b"sig": pack_array(r.signature, "<u4")}
            fields |= {b"copy": pack_array(r.copy_keys, "<u8")}
            fields |= {b"rewrite": pack_array(r.rewrite_keys, "<u8")}
            fields |= {b"sh": pack_array(r.salient_hashes, "<u4")}
            fields |= {b"sw": pack_array(r.salient_weights, "<f4")}
            client.hset(b"dedup:doc:" + r.doc_id.encode(), mapping=fields)
            client.sadd(b"dedup:ids", r.doc_id)
            client.zadd(b"dedup:added", {r.doc_id: r.added_at})
            client.hset(b"dedup:nums", num, r.doc_id)
            for key in r.copy_keys.tolist():
                shard = b"dedup:b:c:%04x" % (key >> 48)
                client.hset(shard, key.to_bytes(8, "little"), num)
        client.set(b"dedup:next", len(DOCS))
        client.hset(b"dedup:stats", mapping={"band_keys:copy": 1})


@pytest.fixture
def old(db: str) -> str:
    """An index of schema version 3 holding the footer archive."""
    if db.startswith("redis://"):
        write_v3_redis(db)
    else:
        write_v3_sqlite(Path(db))
    return db


def state(db: str) -> dict[Any, Any]:
    """Everything the index is made of: the file's bytes, or every Redis key's dump."""
    if db.startswith("redis://"):
        with redis.Redis.from_url(db) as client:
            return {key: client.dump(key) for key in client.scan_iter()}
    folder = Path(db).parent
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def ours(db: str) -> dict[Any, Any]:
    """``state`` without the rebuild's generation counter (it only counts up)."""
    return {k: v for k, v in state(db).items() if k != b"dedup:generations"}


def test_an_old_index_is_refused_naming_the_rebuild(old: str) -> None:
    before = state(old)
    message = f"index schema version 3, this dedup reads version {SCHEMA_VERSION}"
    with pytest.raises(StoreError, match=message) as caught:
        open_store(old)
    assert f"dedup index rebuild --db {old}" in str(caught.value)
    result = run("check", "--db", old, "-")
    assert result.exit_code == EXIT_OPERATIONAL
    assert "dedup index rebuild --db" in result.stderr
    assert state(old) == before


def test_rebuild_carries_every_article_over_and_learns_its_boilerplate(old: str) -> None:
    result = run("index", "rebuild", "--db", old, "--jobs", "1")
    assert result.exit_code == EXIT_OK, result.stderr
    assert (
        result.stdout.strip() == f"{old}: rebuilt 32 documents from schema version 3, 0 too short"
    )
    with open_store(old, create=False) as store:
        assert store.stats()["documents"] == len(DOCS)
        got = {doc.doc_id: doc for doc in store.get([d.id for d in DOCS])}
        for number, doc in enumerate(DOCS):
            kept = got[doc.id]
            assert (kept.text, kept.title, kept.date, kept.source, kept.url) == (
                clean_text(doc.text),
                doc.title,
                doc.date,
                doc.source,
                doc.url,
            )
            assert kept.added_at == ADDED + number
        assert learnt.repeated(store, got["old00"].line_keys, CONFIG)  # the footer
        assert got["old01"].text.startswith("A café on the quay reopened")
        read = Document("read-today", clean_text(DOCS[1].text))  # as ingest reads it now
        verdicts = check([*INCOMING, Document("again", DOCS[3].text), read], store, CONFIG)
    assert [item.outcome for item in verdicts.items] == ["pass"] * len(INCOMING) + ["fail"] * 2
    assert [m.document for m in verdicts.items[-2].matches] == ["old03"]
    assert [(m.document, m.jaccard) for m in verdicts.items[-1].matches] == [("old01", 1.0)]
    if not old.startswith("redis://"):
        assert sorted(p.name for p in Path(old).parent.iterdir()) == ["index.db"]


def test_redis_rebuild_switches_generation_and_deletes_the_old_keys(
    redis_url: str,  # noqa: F811
) -> None:
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
        write_v3_redis(redis_url)
        client.set(b"someone-else:key", b"theirs")
        rebuild(redis_url, CONFIG)
        keys = {bytes(k) for k in client.scan_iter()}
        meta = client.hgetall(b"dedup:meta")
        assert meta == {b"schema_version": str(SCHEMA_VERSION).encode(), b"generation": b"2"}
        assert b"someone-else:key" in keys
        rest = keys - {b"someone-else:key", b"dedup:meta", b"dedup:generations"}
        assert rest and all(k.startswith(b"dedup:@2:") for k in rest)
        with open_store(redis_url, create=False) as store:  # a current index: again
            rebuild(redis_url, CONFIG)
            with pytest.raises(StoreError, match="rebuilt while this command ran"):
                store.remove(["old00"])
        keys = {bytes(k) for k in client.scan_iter(match="dedup:@*")}
        assert keys and all(k.startswith(b"dedup:@3:") for k in keys)
        with open_store(redis_url, create=False) as store:
            assert store.stats()["documents"] == len(DOCS)


class Boom(RuntimeError):
    pass


def test_a_failure_midway_leaves_the_old_index_as_it_was(
    old: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ours(old)
    real = learnt.Learner.add
    calls: list[int] = []

    def failing(self: learnt.Learner, records: Any) -> None:
        calls.append(len(records))
        if len(calls) == 2:
            raise Boom("the disk caught fire")
        real(self, records)

    monkeypatch.setattr(learnt.Learner, "add", failing)
    with pytest.raises(Boom):
        rebuild(old, CONFIG, batch=10)
    assert len(calls) == 2
    assert ours(old) == before
    monkeypatch.undo()
    with pytest.raises(StoreError, match="dedup index rebuild"):
        open_store(old)
    assert rebuild(old, CONFIG).documents == len(DOCS)


def test_a_write_to_the_old_index_meanwhile_stops_the_switch(old: str) -> None:
    def write(_: int) -> None:
        if old.startswith("redis://"):
            with redis.Redis.from_url(old) as client:
                client.sadd(b"dedup:ids", b"written-meanwhile")
        else:
            with contextlib.closing(sqlite3.connect(old)) as conn, conn:
                conn.execute("UPDATE docs SET title = 'changed' WHERE doc_id = 'old00'")

    with pytest.raises(StoreError, match="while it was rebuilt; nothing was"):
        rebuild(old, CONFIG, batch=10, progress=write)
    with pytest.raises(StoreError, match="schema version 3"):
        open_store(old)
    assert not any(b"@" in k for k in ours(old) if isinstance(k, bytes))
    assert rebuild(old, CONFIG).documents == len(DOCS)


def test_rebuild_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = run("index", "rebuild", "--db", missing)
    assert result.exit_code == EXIT_OPERATIONAL
    assert f"{missing}: no dedup index there" in result.stderr
    newer = tmp_path / "newer.db"
    open_store(str(newer)).close()
    with contextlib.closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute("UPDATE dedup_meta SET value = '99' WHERE key = 'schema_version'")
    result = run("index", "rebuild", "--db", newer)
    assert result.exit_code == EXIT_OPERATIONAL
    assert "index schema version 99, this dedup reads versions up to" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.db"]


REBUILD_CHILD = """
import sys
from dedup.config import ScanConfig
from dedup.index import learnt
from dedup.index.rebuild import rebuild

real = learnt.Learner.add
def slow(self, records):
    real(self, records)
    open(sys.argv[2], "w").close()
    import time; time.sleep(60)
learnt.Learner.add = slow
rebuild(sys.argv[1], ScanConfig(), batch=5)
"""


def test_sqlite_rebuild_killed_midway_leaves_the_old_file(tmp_path: Path) -> None:
    path, marker = tmp_path / "index.db", tmp_path / "one-batch-written"
    write_v3_sqlite(path)
    before = path.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", REBUILD_CHILD, str(path), str(marker)]
    child = subprocess.Popen(args, env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.communicate()[1].decode()
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert path.read_bytes() == before
    assert (tmp_path / "index.db.rebuild").exists()  # the half-built index, left aside
    assert rebuild(str(path), CONFIG).documents == len(DOCS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.db", "one-batch-written"]
    with open_store(str(path), create=False) as store:
        assert np.array_equal(sorted(store.ids()), sorted(d.id for d in DOCS))


def test_a_damaged_old_index_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    write_v3_sqlite(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # the first half: schema there, rows cut
    before = path.read_bytes()
    result = run("index", "rebuild", "--db", path)
    assert result.exit_code == EXIT_OPERATIONAL
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"dedup: error: {path}: ") and "Traceback" not in line
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.db"]
