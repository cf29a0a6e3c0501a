"""The persistent index: records computed as the scan computes them, ``dedup index
add|stats|remove|prune`` on SQLite and on a real redis-server, durations, and the
refusal to mix signature settings."""

from __future__ import annotations

import itertools
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE, run

from dedup.cli.app import EXIT_FOUND, EXIT_OK, EXIT_OPERATIONAL, EXIT_USAGE
from dedup.config import ScanConfig
from dedup.copies.lsh import band_keys
from dedup.fingerprint.fingerprinter import Fingerprinter, TooShort
from dedup.fingerprint.minhash import lsh_params
from dedup.index import indexer
from dedup.index.backends import open_store
from dedup.index.store import IndexedDoc
from dedup.ingest.document import Document
from dedup.ingest.reader import iter_documents
from dedup.rewrites import candidates
from dedup.text import salience
from tests.redis_server import redis_url  # noqa: F401

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CONFIG = ScanConfig()
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def stats(db: str) -> dict[str, Any]:
    result = run("index", "stats", "--db", db, "--format", "json")
    assert result.exit_code == EXIT_OK, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def ids(db: str) -> set[str]:
    with open_store(db, create=False) as store:
        return set(store.ids())


def stored(db: str) -> list[IndexedDoc]:
    """Every indexed record, by id."""
    with open_store(db, create=False) as store:
        return store.get(sorted(store.ids()))


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """The five seeds and two made-up articles in one folder."""
    root = tmp_path / "news"
    shutil.copytree(SEEDS, root)
    (root / "barrier.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "orchid.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    return root


# --- records -------------------------------------------------------------------------


def seed_records() -> list[IndexedDoc]:
    fingerprinter = Fingerprinter(CONFIG)
    records = []
    for doc in iter_documents([str(SEEDS)]):
        assert isinstance(doc, Document)
        record = indexer.to_indexed(doc, fingerprinter, CONFIG, NOW)
        assert isinstance(record, IndexedDoc)
        records.append(record)
    return records


def test_records_hold_the_scans_signatures_and_band_keys() -> None:
    fingerprinter = Fingerprinter(CONFIG)
    record = indexer.to_indexed(
        Document("a", ARTICLE, date="2024-03-01"), fingerprinter, CONFIG, NOW
    )
    assert isinstance(record, IndexedDoc)
    fingerprint = fingerprinter(Document("a", ARTICLE))
    assert not isinstance(fingerprint, TooShort)
    assert np.array_equal(record.signature, fingerprint.signature)
    assert record.exact == fingerprint.exact and record.tokens == fingerprint.tokens
    copy = band_keys(fingerprint.signature, *lsh_params(CONFIG.lsh_threshold, CONFIG.num_perm))
    assert np.array_equal(record.copy_keys, copy)
    bands, _ = lsh_params(CONFIG.rewrite_lsh_threshold, CONFIG.num_perm)
    assert len(record.rewrite_keys) == bands
    assert (record.date, record.text, record.added_at) == ("2024-03-01", ARTICLE, NOW.timestamp())


def test_rewrite_band_keys_pair_the_seeds_as_the_scans_rewrite_tier_does() -> None:
    """Two records share a rewrite band key exactly when the scan's rewrite-tier LSH
    makes the two articles a candidate pair."""
    records = seed_records()
    terms = [salience.SalientTerms(r.salient_hashes, r.salient_weights) for r in records]
    minhasher = Fingerprinter(CONFIG).minhasher
    index = candidates.candidate_index(terms, np.empty(0, np.uint32), CONFIG, minhasher)
    found = index.pair_array()
    expected = {(i, j) for i, j in found.tolist()}
    shared = {
        (i, j)
        for i, j in itertools.combinations(range(len(records)), 2)
        if np.intersect1d(records[i].rewrite_keys, records[j].rewrite_keys).size
    }
    assert shared == expected and len(expected) >= 4


def test_too_few_rare_terms_give_no_rewrite_keys() -> None:
    text = "the cat sat on the mat and then the dog sat on the mat and the cat ran away"
    record = indexer.to_indexed(Document("plain", text), Fingerprinter(CONFIG), CONFIG, NOW)
    assert isinstance(record, IndexedDoc)
    assert record.rewrite_keys.size == 0 and record.copy_keys.size > 0


def test_short_text_is_too_short() -> None:
    record = indexer.to_indexed(
        Document("tiny", "Just four words here."), Fingerprinter(CONFIG), CONFIG, NOW
    )
    assert isinstance(record, TooShort) and record.tokens == 4


# --- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45s", timedelta(seconds=45)),
        ("90m", timedelta(minutes=90)),
        ("12h", timedelta(hours=12)),
        ("30d", timedelta(days=30)),
        ("2w", timedelta(weeks=2)),
        ("0d", timedelta(0)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert indexer.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["99999999999999999999d", "1000000000d", "9" * 5000 + "s"])
def test_parse_duration_refuses_what_a_timedelta_cannot_hold(text: str) -> None:
    with pytest.raises(ValueError, match="too large") as refused:
        indexer.parse_duration(text)
    assert len(str(refused.value)) < 100


@pytest.mark.parametrize("text", ["", "30", "d", "1.5d", "-1d", "30 days", "3y", "10dd"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        indexer.parse_duration(text)


# --- add, re-add, remove -----------------------------------------------------------------


def test_add_counts_then_readding_leaves_them_unchanged(db: str, news: Path) -> None:
    (news / "tiny.txt").write_text("Too short to index.", encoding="utf-8")
    (news / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    first = run("index", "add", news, "--db", db, "--batch", "3")
    assert first.exit_code == EXIT_OK, first.stderr
    assert first.stdout.strip() == (
        f"{db}: 7 added, 0 updated, 0 unchanged, 0 refused, 1 too short, 1 skipped"
    )
    assert "blob.txt" in first.stderr and "tiny.txt: too short" in first.stderr
    found = stats(db)
    assert found["documents"] == 7
    assert found["band_keys"]["copy"] > 0 and found["band_keys"]["rewrite"] > 0
    assert found["parameters"]["num_perm"] == 128
    before = {doc.doc_id: doc.added_at for doc in stored(db)}
    again = run("index", "add", news, "--db", db, "--quiet")
    assert again.exit_code == EXIT_OK  # a nightly job re-adding its folder stays green
    assert again.stdout.strip() == (
        f"{db}: 0 added, 0 updated, 7 unchanged, 0 refused, 1 too short, 1 skipped"
    )
    assert again.stderr == ""
    assert {doc.doc_id: doc.added_at for doc in stored(db)} == before  # not rewritten
    assert stats(db)["documents"] == 7
    assert stats(db)["band_keys"] == found["band_keys"]


def test_readding_a_changed_document_is_refused_unless_replace(db: str, tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "story.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "other.txt").write_text(NEAR_COPY, encoding="utf-8")
    run("index", "add", folder, "--db", db)
    (folder / "story.txt").write_text(OTHER_ARTICLE, encoding="utf-8")
    refused = run("index", "add", folder, "--db", db)
    assert refused.exit_code == EXIT_FOUND
    assert refused.stdout.strip() == (
        f"{db}: 0 added, 0 updated, 1 unchanged, 1 refused, 0 too short, 0 skipped"
    )
    assert refused.stderr.strip() == (
        "dedup: error: story.txt: the index holds another text or metadata under this id; "
        "not replaced (pass --replace to replace it)"
    )
    assert {doc.doc_id: doc.text for doc in stored(db)}["story.txt"] == ARTICLE
    replaced = run("index", "add", folder, "--db", db, "--replace")
    assert replaced.exit_code == EXIT_OK, replaced.stderr
    assert "0 added, 1 updated, 1 unchanged, 0 refused" in replaced.stdout
    with open_store(db, create=False) as store:
        (record,) = store.get(["story.txt"])
        assert record.text == OTHER_ARTICLE
        assert store.stats()["documents"] == 2


def test_changed_metadata_is_a_change(db: str) -> None:
    with open_store(db) as store:
        indexer.add_documents([Document("a", ARTICLE, date="2024-01-01")], store, CONFIG)
        again = indexer.add_documents([Document("a", ARTICLE, date="2024-01-02")], store, CONFIG)
        assert (again.added, again.updated, again.unchanged, again.refused) == (0, 0, 0, ("a",))
        assert store.get(["a"])[0].date == "2024-01-01"


def test_same_file_names_in_two_folders_are_two_articles(db: str, tmp_path: Path) -> None:
    for parent, text in (("x", ARTICLE), ("y", OTHER_ARTICLE)):
        (tmp_path / parent / "news").mkdir(parents=True)
        (tmp_path / parent / "news" / "item.txt").write_text(text, encoding="utf-8")
    roots = [tmp_path / "x" / "news", tmp_path / "y" / "news"]
    result = run("index", "add", *roots, "--db", db)
    assert result.exit_code == EXIT_OK, result.stderr
    assert "2 added, 0 updated, 0 unchanged, 0 refused" in result.stdout
    assert {doc.doc_id: doc.text for doc in stored(db)} == {
        "x/news/item.txt": ARTICLE,
        "y/news/item.txt": OTHER_ARTICLE,
    }


def test_two_runs_over_folders_with_the_same_names_do_not_replace(db: str, tmp_path: Path) -> None:
    for parent, text in (("x", ARTICLE), ("y", OTHER_ARTICLE)):
        (tmp_path / parent).mkdir()
        (tmp_path / parent / "item.txt").write_text(text, encoding="utf-8")
    assert run("index", "add", tmp_path / "x", "--db", db).exit_code == EXIT_OK
    second = run("index", "add", tmp_path / "y", "--db", db)
    assert second.exit_code == EXIT_FOUND
    assert "item.txt: the index holds another text" in second.stderr
    assert "--replace" in second.stderr
    assert [doc.text for doc in stored(db)] == [ARTICLE]


@pytest.mark.parametrize(("replace", "kept"), [(False, "d1 first"), (True, "d1 again")])
def test_add_in_batches_reports_progress_and_keeps_duplicate_ids_once(
    db: str, replace: bool, kept: str
) -> None:
    docs = [Document(f"d{i}", f"{ARTICLE}\nNumber {i} of the series.") for i in range(5)]
    docs[1] = Document("d1", f"{ARTICLE}\nd1 first.")
    docs += [Document("d1", f"{ARTICLE}\nd1 again."), Document("d4", docs[4].text)]
    seen: list[int] = []
    with open_store(db) as store:
        result = indexer.add_documents(
            docs, store, CONFIG, batch=2, progress=seen.append, replace=replace
        )
        assert (result.added, result.updated, result.unchanged) == (5, int(replace), 1)
        assert result.refused == (() if replace else ("d1",))
        assert seen == [2, 4, 6, 7]
        assert sorted(store.ids()) == [f"d{i}" for i in range(5)]
        assert store.get(["d1"])[0].text == f"{ARTICLE}\n{kept}."


def test_remove(db: str, news: Path) -> None:
    run("index", "add", news, "--db", db)
    result = run("index", "remove", "barrier.txt", "orchid.txt", "nope", "--db", db)
    assert result.exit_code == EXIT_OK
    assert result.stdout.strip() == f"{db}: removed 2 of 3 ids"
    assert "barrier.txt" not in ids(db) and len(ids(db)) == 5


def test_signature_settings_must_match_the_index(db: str) -> None:
    with open_store(db) as store:
        indexer.add_documents([Document("a", ARTICLE)], store, CONFIG)
        with pytest.raises(
            indexer.ParameterMismatch, match="built with num_perm 128, this run uses 64"
        ):
            indexer.add_documents([Document("b", NEAR_COPY)], store, ScanConfig(num_perm=64))
        assert list(store.ids()) == ["a"]
        # Settings that do not change signatures or band keys may differ.
        indexer.add_documents([Document("b", NEAR_COPY)], store, ScanConfig(near_jaccard=0.6))
        assert sorted(store.ids()) == ["a", "b"]


# --- prune -------------------------------------------------------------------------------


def test_prune_by_document_date(db: str, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "old", "text": ARTICLE, "date": "2020-01-15"},
        {"id": "older", "text": OTHER_ARTICLE, "date": "15-Jan-2019 10:00:00"},
        {"id": "recent", "text": NEAR_COPY, "date": datetime.now(UTC).date().isoformat()},
        {"id": "undated", "text": ARTICLE + "\nA closing line.", "date": None},
        {"id": "garbled", "text": OTHER_ARTICLE + "\nMore.", "date": "last Tuesday"},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert run("index", "add", feed, "--db", db).exit_code == EXIT_OK
    result = run("index", "prune", "--older-than", "30d", "--db", db)
    assert result.exit_code == EXIT_OK, result.stderr
    assert result.stdout.strip() == f"{db}: removed 2 documents older than 30d"
    assert ids(db) == {"recent", "undated", "garbled"}  # just added: kept by added_at


def test_prune_undated_by_when_they_were_added(db: str) -> None:
    added = datetime(2024, 1, 1, tzinfo=UTC)
    with open_store(db) as store:
        fingerprinter = Fingerprinter(CONFIG)
        for doc_id, text, when in (
            ("january", ARTICLE, added),
            ("may", OTHER_ARTICLE, added + timedelta(days=120)),
        ):
            record = indexer.to_indexed(Document(doc_id, text), fingerprinter, CONFIG, when)
            assert isinstance(record, IndexedDoc)
            store.add([record])
        assert indexer.prune(store, timedelta(days=60), added + timedelta(days=59)) == 0
        assert indexer.prune(store, timedelta(days=60), added + timedelta(days=61)) == 1
        assert list(store.ids()) == ["may"]


# --- errors and stats ------------------------------------------------------------------


def test_prune_further_back_than_dates_go_is_a_usage_error(db: str) -> None:
    with open_store(db) as store:
        indexer.add_documents([Document("a", ARTICLE, date="2024-01-01")], store, CONFIG)
    for age in ("999999d", "999999999d", "99999999999999999999d"):
        result = run("index", "prune", "--older-than", age, "--db", db)
        assert result.exit_code == EXIT_USAGE, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("dedup: error: invalid") and age[:12] in result.stderr
    assert ids(db) == {"a"}
    with open_store(db) as store, pytest.raises(ValueError, match="before the year 1"):
        indexer.prune(store, timedelta(days=999_999), NOW)


def test_bad_duration_is_a_usage_error(tmp_path: Path) -> None:
    result = run("index", "prune", "--older-than", "soon", "--db", tmp_path / "index.db")
    assert result.exit_code == EXIT_USAGE
    assert "invalid duration 'soon'" in result.stderr
    assert not (tmp_path / "index.db").exists()


@pytest.mark.parametrize("command", [["stats"], ["remove", "x"], ["prune", "--older-than", "1d"]])
def test_commands_other_than_add_need_an_index(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "missing.db"
    result = run("index", *command, "--db", missing)
    assert result.exit_code == EXIT_OPERATIONAL
    assert result.stderr.strip() == f"dedup: error: {missing}: no dedup index there"
    assert list(tmp_path.iterdir()) == []


def test_add_with_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run("index", "add", tmp_path / "nowhere", "--db", tmp_path / "index.db")
    assert result.exit_code == EXIT_USAGE
    assert not (tmp_path / "index.db").exists()


def test_stats_text(db: str, news: Path) -> None:
    run("index", "add", news, "--db", db)
    result = run("index", "stats", "--db", db)
    assert result.exit_code == EXIT_OK
    lines = result.stdout.splitlines()
    assert "documents: 7" in lines
    assert any(line.startswith("versions (groups of copies): ") for line in lines)
    assert any(line.startswith("band keys: copy ") for line in lines)
    assert any(line.startswith("bytes: signatures 3584,") for line in lines)  # 7 x 128 x 4
    assert "num_perm 128" in result.stdout
