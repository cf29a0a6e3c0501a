"""The index's storage backends: one behaviour suite run on SQLite and on a real
redis-server, then SQLite's file safety, concurrent writers and kill -9 recovery,
and Redis's connection errors, schema check and optimistic-locking retry."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE

from dedup.config import ScanConfig
from dedup.copies.lsh import band_keys
from dedup.fingerprint.fingerprinter import Fingerprint, Fingerprinter
from dedup.fingerprint.minhash import lsh_params
from dedup.index import records, redis_layout, store_sqlite
from dedup.index.backends import open_store
from dedup.index.store import SCHEMA_VERSION, IndexedDoc, Store, StoreError
from dedup.index.store_redis import RedisStore
from dedup.rewrites.candidates import MIN_TERMS
from dedup.text import boilerplate
from dedup.text.salience import salient_terms
from tests.redis_server import free_port, redis_url  # noqa: F401

CONFIG = ScanConfig()
FINGERPRINTER = Fingerprinter(CONFIG)
ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 20.0


def make_doc(
    doc_id: str, text: str, *, date: str | None = None, added_at: float = 1.7e9
) -> IndexedDoc:
    """An IndexedDoc computed from real text, as the index command will compute it."""
    lines = boilerplate.split_lines(text)
    tokens = FINGERPRINTER.tokens(lines)
    found = FINGERPRINTER.fingerprint_tokens(doc_id, tokens)
    assert isinstance(found, Fingerprint)
    salient = salient_terms(tokens)
    terms = salient.candidate_hashes()
    rewrite = np.empty(0, dtype=np.uint64)
    if len(terms) >= MIN_TERMS:
        bands, rows = lsh_params(CONFIG.rewrite_lsh_threshold, CONFIG.num_perm)
        rewrite = band_keys(FINGERPRINTER.minhasher.signature(terms), bands, rows)
    return IndexedDoc(
        doc_id=doc_id,
        text=text,
        title=f"Title of {doc_id}",
        date=date,
        source="Example News",
        url=f"https://example.com/{doc_id}",
        exact=found.exact,
        tokens=found.tokens,
        signature=found.signature,
        copy_keys=band_keys(found.signature, *lsh_params(CONFIG.lsh_threshold, CONFIG.num_perm)),
        rewrite_keys=rewrite,
        salient_hashes=salient.hashes,
        salient_weights=salient.weights,
        added_at=added_at,
        line_keys=records.line_keys(lines),
        version=found.exact,
    )


ORIGINAL = make_doc("original", ARTICLE, date="2024-03-01")
NEAR = make_doc("near", NEAR_COPY, date="2024-03-02")
OTHER = make_doc("other", OTHER_ARTICLE)


def assert_same(got: IndexedDoc, want: IndexedDoc) -> None:
    """Every field equal, arrays with the same dtype and values."""
    for field in dataclasses.fields(IndexedDoc):
        a, b = getattr(got, field.name), getattr(want, field.name)
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b), field.name
        else:
            assert a == b, field.name


def key_count(*docs: IndexedDoc) -> dict[str, int]:
    return {
        "copy": sum(len(d.copy_keys) for d in docs),
        "rewrite": sum(len(d.rewrite_keys) for d in docs),
    }


@pytest.fixture(params=["sqlite", "redis"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh index lives: a SQLite path, or a flushed Redis database."""
    if request.param == "sqlite":
        return str(tmp_path / "index.db")
    url: str = request.getfixturevalue("redis_url")
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    with open_store(location) as opened:
        yield opened


def test_round_trip(store: Store) -> None:
    store.add([ORIGINAL, NEAR, OTHER])
    got = store.get(["other", "missing", "original"])
    assert [d.doc_id for d in got] == ["other", "original"]
    assert_same(got[0], OTHER)
    assert_same(got[1], ORIGINAL)
    assert len(ORIGINAL.rewrite_keys) > 0


def test_brief_records_carry_date_and_salient_terms(store: Store) -> None:
    store.add([ORIGINAL, OTHER])
    briefs = store.brief(["other", "missing", "original"])
    assert [b.doc_id for b in briefs] == ["other", "original"]
    for brief, doc in zip(briefs, (OTHER, ORIGINAL), strict=True):
        assert brief.date == doc.date
        assert np.array_equal(brief.salient_hashes, doc.salient_hashes)
        assert np.array_equal(brief.salient_weights, doc.salient_weights)
        assert brief.salient_hashes.dtype == np.uint32


def test_most_shared_ranks_by_shared_band_keys(store: Store) -> None:
    keys = np.arange(1, 11, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    docs = [
        dataclasses.replace(ORIGINAL, doc_id="three", rewrite_keys=keys[:3]),
        dataclasses.replace(NEAR, doc_id="one", rewrite_keys=keys[9:]),
        dataclasses.replace(OTHER, doc_id="five", rewrite_keys=keys[3:8]),
    ]
    store.add(docs)
    assert store.most_shared("rewrite", keys, 10) == ["five", "three", "one"]
    assert store.most_shared("rewrite", keys, 2) == ["five", "three"]
    assert store.most_shared("copy", keys, 10) == []
    assert store.most_shared("rewrite", np.empty(0, dtype=np.uint64), 10) == []


def test_most_shared_ignores_keys_too_many_documents_hold(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dedup.index.redis_read
    import dedup.index.store_sqlite

    for module in (dedup.index.store_sqlite, dedup.index.redis_read):
        monkeypatch.setattr(module, "MAX_BUCKET", 2)
    common, rare = np.array([7, 8], dtype=np.uint64), np.array([9], dtype=np.uint64)
    docs = [
        dataclasses.replace(ORIGINAL, doc_id="a", rewrite_keys=common),
        dataclasses.replace(NEAR, doc_id="b", rewrite_keys=common),
        dataclasses.replace(OTHER, doc_id="c", rewrite_keys=np.concatenate([common, rare])),
    ]
    store.add(docs)
    # keys 7 and 8 are held by three documents: only the rare key 9 counts
    assert store.most_shared("rewrite", np.array([7, 8, 9], dtype=np.uint64), 10) == ["c"]


def test_readd_replaces_document_and_band_keys(store: Store) -> None:
    store.add([ORIGINAL, NEAR])
    replaced = make_doc("original", OTHER_ARTICLE, added_at=1.8e9)
    store.add([replaced])
    assert sorted(store.ids()) == ["near", "original"]
    assert_same(store.get(["original"])[0], replaced)
    assert store.candidates("copy", ORIGINAL.copy_keys) == {"near"}
    assert store.candidates("copy", replaced.copy_keys) == {"original"}
    assert store.exact(ORIGINAL.exact) == set()
    assert store.stats()["band_keys"] == key_count(replaced, NEAR)


def test_batch_repeating_an_id_keeps_the_last(store: Store) -> None:
    second = dataclasses.replace(OTHER, doc_id="original")
    store.add([ORIGINAL, second])
    assert list(store.ids()) == ["original"]
    assert_same(store.get(["original"])[0], second)
    assert store.stats()["band_keys"] == key_count(second)


def test_remove(store: Store) -> None:
    store.add([ORIGINAL, NEAR, OTHER])
    assert store.remove(["original", "missing", "original"]) == 1
    assert store.get(["original"]) == []
    assert store.candidates("copy", ORIGINAL.copy_keys) == {"near"}
    assert store.exact(ORIGINAL.exact) == set()
    assert store.remove(["original"]) == 0
    assert store.remove([]) == 0
    store.add([])
    assert store.get([]) == []
    assert store.stats()["documents"] == 2
    assert store.stats()["band_keys"] == key_count(NEAR, OTHER)


def test_candidates_are_per_tier(store: Store) -> None:
    store.add([ORIGINAL, NEAR, OTHER])
    assert store.candidates("copy", NEAR.copy_keys) == {"original", "near"}
    assert "other" not in store.candidates("rewrite", ORIGINAL.rewrite_keys)
    assert "original" in store.candidates("rewrite", ORIGINAL.rewrite_keys)
    assert store.candidates("rewrite", ORIGINAL.copy_keys) == set()
    assert store.candidates("copy", ORIGINAL.rewrite_keys) == set()
    assert store.candidates("copy", np.empty(0, dtype=np.uint64)) == set()


def test_exact_lookup_with_full_64_bit_hashes(store: Store) -> None:
    copy = dataclasses.replace(ORIGINAL, doc_id="copy")
    high = dataclasses.replace(OTHER, exact=2**64 - 1)
    store.add([ORIGINAL, copy, high])
    assert store.exact(ORIGINAL.exact) == {"original", "copy"}
    assert store.exact(2**64 - 1) == {"other"}
    assert store.get(["other"])[0].exact == 2**64 - 1
    assert store.exact(12345) == set()


def test_ids_and_dates_across_pages(store: Store) -> None:
    many = [
        dataclasses.replace(OTHER, doc_id=f"doc-{i:04}", date=None, added_at=1.7e9 + i)
        for i in range(1200)
    ]
    store.add([ORIGINAL, *many])
    assert sorted(store.ids()) == sorted(["original", *(d.doc_id for d in many)])
    dates = sorted(store.dates())
    assert len(dates) == 1201
    assert dates[0] == ("doc-0000", None, 1.7e9)
    assert dates[-1] == ("original", "2024-03-01", 1.7e9)


def test_stats(store: Store) -> None:
    empty = store.stats()
    assert empty["documents"] == 0 and empty["band_keys"] == {"copy": 0, "rewrite": 0}
    store.add([ORIGINAL, NEAR, OTHER])
    stats = store.stats()
    assert stats["documents"] == 3
    assert stats["band_keys"] == key_count(ORIGINAL, NEAR, OTHER)
    assert stats["bytes"]["signatures"] == 3 * 4 * CONFIG.num_perm
    assert 0 < stats["bytes"]["text"] < len((ARTICLE + NEAR_COPY + OTHER_ARTICLE).encode())
    assert stats["bytes"]["metadata"] > 0


def test_parameters_round_trip(location: str) -> None:
    with open_store(location) as store:
        assert store.parameters() is None
        store.set_parameters(CONFIG.as_dict())
    with open_store(location, create=False) as store:
        assert store.parameters() == CONFIG.as_dict()


def test_failed_batch_leaves_nothing(store: Store) -> None:
    """A document that cannot be stored, mid-batch, after a replacement and a new
    document were already written or queued: none of the batch is visible."""
    store.add([ORIGINAL])
    before = store.stats()
    bad = dataclasses.replace(OTHER, doc_id="bad", signature=OTHER.signature.astype(np.uint64))
    batch = [make_doc("original", NEAR_COPY), dataclasses.replace(NEAR, doc_id="new"), bad, OTHER]
    with pytest.raises(ValueError, match="<u4"):
        store.add(batch)
    assert sorted(store.ids()) == ["original"]
    assert_same(store.get(["original"])[0], ORIGINAL)
    assert store.candidates("copy", NEAR.copy_keys) == {"original"}
    assert store.exact(NEAR.exact) == set()
    after = store.stats()
    assert (after["documents"], after["band_keys"]) == (before["documents"], before["band_keys"])
    store.add([NEAR])
    assert sorted(store.ids()) == ["near", "original"]


def test_sqlite_failure_while_writing_band_rows_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents rows are in, half the band rows too, then an error: all rolled back."""
    real = store_sqlite.band_rows

    def failing(*args: Any) -> Iterator[tuple[int, ...]]:
        for number, row in enumerate(real(*args)):
            if number == 60:
                raise RuntimeError("disk on fire")
            yield row

    with open_store(str(tmp_path / "index.db")) as store:
        store.add([ORIGINAL])
        monkeypatch.setattr(store_sqlite, "band_rows", failing)
        with pytest.raises(RuntimeError):
            store.add([NEAR, OTHER, make_doc("original", OTHER_ARTICLE)])
        monkeypatch.undo()
        assert list(store.ids()) == ["original"]
        assert_same(store.get(["original"])[0], ORIGINAL)
        store.add([NEAR])
        assert sorted(store.ids()) == ["near", "original"]


def file_state(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes(body) VALUES ('keep me')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda p: p.write_bytes(np.random.default_rng(7).bytes(5000)), "not a SQLite database"),
        (lambda p: p.write_text("SQLite format 3\0 but not really"), "not a readable dedup index"),
        (foreign_sqlite, "no dedup_meta table"),
    ],
)
def test_sqlite_refuses_other_files_and_leaves_them_alone(
    tmp_path: Path, content: Any, message: str
) -> None:
    path = tmp_path / "index.db"
    content(path)
    before = file_state(tmp_path)
    for create in (True, False):
        with pytest.raises(StoreError, match=f"^{re.escape(str(path))}: .*{message}"):
            open_store(str(path), create=create)
    assert file_state(tmp_path) == before


def test_sqlite_refuses_a_future_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    open_store(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE dedup_meta SET value = '7' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = file_state(tmp_path)
    with pytest.raises(
        StoreError, match=f"schema version 7, this dedup reads version {SCHEMA_VERSION}"
    ):
        open_store(str(path))
    assert file_state(tmp_path) == before


def test_sqlite_create_false_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"missing\.db: no dedup index"):
        open_store(str(tmp_path / "missing.db"), create=False)
    assert list(tmp_path.iterdir()) == []


# A child process writing synthetic documents: argv = path, id prefix, documents,
# batch size, ready file, mode ("batches", "loop" or "hang" mid-transaction).
CHILD = """
import os, sys, time
import numpy as np
from dedup.index import store_sqlite
from dedup.index.store import IndexedDoc
from dedup.index.backends import open_store

path, prefix, count, size, ready, mode = sys.argv[1:]
count, size = int(count), int(size)

def doc(i):
    rng = np.random.default_rng([len(prefix), i])
    return IndexedDoc(
        doc_id=f"{prefix}{i}", text=f"article {prefix}{i} " * 40, title=None, date=None,
        source=None, url=None, exact=int(rng.integers(2**63)), tokens=120,
        signature=rng.integers(2**32, size=128, dtype=np.uint32),
        copy_keys=rng.integers(2**64 - 1, size=40, dtype=np.uint64),
        rewrite_keys=rng.integers(2**64 - 1, size=20, dtype=np.uint64),
        salient_hashes=np.sort(rng.integers(2**32, size=30, dtype=np.uint32)),
        salient_weights=rng.random(30, dtype=np.float32), added_at=time.time())

def hang_mid_bands(*args):
    for number, row in enumerate(real(*args)):
        if number == 5000:
            open(ready + ".mid", "w").close()
            time.sleep(60)
        yield row

real = store_sqlite.band_rows
with open_store(path) as store:
    batch = 0
    while mode != "batches" or batch * size < count:
        if mode == "hang" and batch == 1:
            store_sqlite.band_rows = hang_mid_bands
        store.add([doc(i) for i in range(batch * size, (batch + 1) * size)])
        batch += 1
        with open(ready + ".tmp", "w") as handle:
            handle.write(str(batch))
        os.replace(ready + ".tmp", ready)
"""
BANDS_PER_DOC = 60


def spawn(path: Path, prefix: str, count: int, size: int, mode: str) -> subprocess.Popen[bytes]:
    ready = path.parent / f"{prefix}ready"
    args = [sys.executable, "-c", CHILD, str(path), prefix, str(count), str(size), str(ready), mode]
    return subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE)


def wait_for(predicate: Any, child: subprocess.Popen[bytes]) -> None:
    """Poll until ``predicate()`` holds; fail early when the child died."""
    deadline = time.monotonic() + DEADLINE
    while not predicate():
        if child.poll() is not None:
            pytest.fail(f"child exited: {child.stderr.read().decode() if child.stderr else ''}")
        assert time.monotonic() < deadline, "child too slow"
        time.sleep(0.005)


def check_consistent(path: Path, *extra: IndexedDoc) -> int:
    """integrity_check passes and every document (synthetic ones, and ``extra``) has
    all its band rows; the number of documents."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        orphans = "SELECT COUNT(*) FROM bands WHERE doc NOT IN (SELECT rowid FROM docs)"
        assert conn.execute(orphans).fetchone() == (0,)
        per_doc = (
            "SELECT d.doc_id, COUNT(b.doc) FROM docs d LEFT JOIN bands b ON b.doc = d.rowid"
            " GROUP BY d.rowid"
        )
        expected = {d.doc_id: len(d.copy_keys) + len(d.rewrite_keys) for d in extra}
        for doc_id, bands in conn.execute(per_doc):
            assert bands == expected.get(doc_id, BANDS_PER_DOC), doc_id
        count: int = conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        return count
    finally:
        conn.close()


def test_sqlite_two_processes_adding_at_once(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    children = [spawn(path, prefix, 300, 20, "batches") for prefix in ("a-", "b-")]
    for child in children:
        _, err = child.communicate(timeout=DEADLINE)
        assert child.returncode == 0, err.decode()
    assert check_consistent(path) == 600
    with open_store(str(path), create=False) as store:
        expected = {f"{p}{i}" for p in ("a-", "b-") for i in range(300)}
        assert set(store.ids()) == expected


@pytest.mark.parametrize("mode", ["hang", "loop"])
def test_sqlite_survives_kill_9_mid_add(tmp_path: Path, mode: str) -> None:
    """Killed inside a transaction (``hang``: half its band rows written) or wherever
    it happens to be (``loop``): whole batches only, consistent, still writable."""
    path, size = tmp_path / "index.db", 200
    child = spawn(path, "k-", 0, size, mode)
    marker = tmp_path / ("k-ready.mid" if mode == "hang" else "k-ready")
    try:
        if mode == "hang":
            wait_for(marker.exists, child)
        else:
            wait_for(lambda: marker.exists() and int(marker.read_text()) >= 3, child)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    with open_store(str(path), create=False) as store:
        count = check_consistent(path)
        assert count >= size and count % size == 0
        if mode == "hang":
            assert count == size
        store.add([ORIGINAL])
        assert_same(store.get(["original"])[0], ORIGINAL)
    assert check_consistent(path, ORIGINAL) == count + 1


def test_redis_unreachable_names_the_url() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(StoreError, match=f"^{re.escape(url)}: cannot connect"):
        open_store(url)


def test_redis_refuses_future_schema_and_writes_nothing(redis_url: str) -> None:  # noqa: F811
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
        client.set(b"someone-else:key", b"theirs")
        open_store(redis_url).close()
        client.hset(b"dedup:meta", b"schema_version", b"7")
        before = {key: client.dump(key) for key in client.scan_iter()}
        with pytest.raises(StoreError, match="index schema version 7, this dedup reads"):
            open_store(redis_url)
        assert {key: client.dump(key) for key in client.scan_iter()} == before


def test_redis_create_false_needs_an_index(redis_url: str) -> None:  # noqa: F811
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
        with pytest.raises(StoreError, match="no dedup index under prefix 'dedup:'"):
            open_store(redis_url, create=False)
        assert client.dbsize() == 0


def test_redis_retries_when_another_client_changes_a_document(
    redis_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
    with open_store(redis_url) as store, open_store(redis_url) as other:
        store.add([ORIGINAL])
        real = RedisStore._load
        calls: list[int] = []

        def meddling(self: RedisStore, keys: Any) -> Any:
            if self is store:
                calls.append(len(calls))
                if len(calls) == 1:  # another writer replaces the document meanwhile
                    other.add([make_doc("original", OTHER_ARTICLE)])
            return real(self, keys)

        monkeypatch.setattr(RedisStore, "_load", meddling)
        store.add([make_doc("original", NEAR_COPY)])
        monkeypatch.undo()
        assert len(calls) == 2
        assert store.candidates("copy", OTHER.copy_keys) == set()
        assert store.exact(NEAR.exact) == {"original"}
        assert store.stats()["band_keys"] == key_count(NEAR)


def test_redis_bucket_removal_matches_whole_packed_numbers(redis_url: str) -> None:  # noqa: F811
    """Bucket values are packed 4-byte numbers: removing number 0x02000000 from the
    bucket [1, 2] must not cut the bytes ``00 00 00 02`` found across both."""
    bucket, field = b"dedup:test:bucket", b"k" * 8
    packed = [n.to_bytes(4, "little") for n in (1, 2, 0x02000000)]
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
        client.hset(bucket, field, packed[0] + packed[1])
        client.eval(redis_layout.EACH_BUCKET, 1, bucket, packed[2], "REM", field)
        assert client.hget(bucket, field) == packed[0] + packed[1]
        client.eval(redis_layout.EACH_BUCKET, 1, bucket, packed[1], "REM", field)
        assert client.hget(bucket, field) == packed[0]
        client.eval(redis_layout.EACH_BUCKET, 1, bucket, packed[0], "REM", field)
        assert not client.hexists(bucket, field)  # an empty bucket is deleted


def test_redis_shares_one_bucket_between_documents_and_forgets_removed_ones(
    redis_url: str,  # noqa: F811
) -> None:
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
    twin = dataclasses.replace(ORIGINAL, doc_id="twin")
    with open_store(redis_url) as store:
        store.add([ORIGINAL, twin])
        assert store.exact(ORIGINAL.exact) == {"original", "twin"}
        assert store.candidates("copy", ORIGINAL.copy_keys[:1]) == {"original", "twin"}
        assert store.remove(["original"]) == 1
        assert store.exact(ORIGINAL.exact) == {"twin"}
        assert store.most_shared("copy", ORIGINAL.copy_keys, 5) == ["twin"]
        store.add([ORIGINAL])  # re-added under a new number
        assert store.most_shared("copy", ORIGINAL.copy_keys, 5) == ["original", "twin"]
