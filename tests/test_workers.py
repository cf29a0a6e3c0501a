"""Worker processes and the spools: the scan's result is the same whatever the number
of workers, input order is kept, and texts and shingle sets come back from disk intact."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE

from dedup import Document, Fingerprint, Fingerprinter, ScanConfig, Skipped, scan_documents, workers
from dedup.corpus import Corpus, StageTimer, content_key, fingerprint_all
from dedup.fingerprint.spool import ArraySpool, Spool
from dedup.index import indexer
from dedup.index.backends import open_store
from dedup.report.serialise import to_json


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def _filler(rng: random.Random, index: int) -> str:
    """A unique article of made-up words, in four sentences: no two share a story."""
    sentences = [" ".join(_word(rng) for _ in range(18)) for _ in range(4)]
    return f"Report {index}. " + ". ".join(s.capitalize() for s in sentences) + "."


def _corpus() -> list[Document | Skipped]:
    """150 articles: random fillers around a copy, a near-copy and a repeated id, and
    a skipped input in the middle, so that every path crosses batch boundaries."""
    rng = random.Random(7)
    items: list[Document | Skipped] = [
        Document(f"filler-{i:03}", _filler(rng, i)) for i in range(146)
    ]
    items.insert(3, Document("article", ARTICLE))
    items.insert(70, Document("near-copy", NEAR_COPY))
    items.insert(71, Skipped("broken.jsonl#L9", "not JSON"))
    items.insert(140, Document("other", OTHER_ARTICLE))
    items.append(Document("article", ARTICLE + "\nA repeated id.\n"))
    return items


@pytest.mark.parametrize("rewrites", [False, True])
def test_scan_output_does_not_depend_on_the_number_of_workers(
    rewrites: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "BATCH_PER_JOB", 7)  # many batches in flight
    monkeypatch.setattr(workers, "MIN_PARALLEL", 1)  # the ledger in workers, too
    config = ScanConfig(rewrites=rewrites, ledger=rewrites)
    one = scan_documents(_corpus(), config, jobs=1)
    two = scan_documents(_corpus(), config, jobs=2)
    assert to_json(one) == to_json(two)
    assert [m.document for m in two.members] == sorted(m.document for m in two.members)
    story = next(s for s in two.stories if {m.document for m in s.members} >= {"article"})
    assert {m.document for m in story.members} == {"article", "near-copy"}
    assert [s.reason for s in two.skipped] == ["duplicate document id 'article'", "not JSON"]


def test_map_ordered_keeps_input_order_across_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "BATCH_PER_JOB", 5)
    values = list(range(workers.MIN_PARALLEL * 3))
    assert list(workers.map_ordered(_square, values, ScanConfig(), 2)) == [v * v for v in values]
    assert list(workers.map_ordered(_square, values[:3], ScanConfig(), 2)) == [0, 1, 4]


def _square(value: int) -> int:
    workers.fingerprinter()  # every worker has one
    return value * value


def test_resolve_jobs() -> None:
    assert workers.resolve_jobs(0) == workers.available_cores() >= 1
    assert workers.resolve_jobs(None) == workers.available_cores()
    assert workers.resolve_jobs(3) == 3
    with pytest.raises(ValueError, match="jobs must be 0"):
        workers.resolve_jobs(-1)


def test_spool_gives_back_each_document_and_the_latest_of_an_id() -> None:
    docs = [
        Document("a", "Zürich — «quoted» text\nsecond line", "Title", "2024-01-02", "AP", "u", "f"),
        Document("b", "emoji 📰 and CJK 新闻", location="g#L2"),
    ]
    with Spool() as spool:
        for doc in docs:
            spool.add(doc)
        spool.add(Document("a", "replaced"))
        assert spool["b"] == docs[1]
        assert spool["a"] == Document("a", "replaced")
        assert len(spool) == 2 and "a" in spool and "c" not in spool
        with pytest.raises(KeyError):
            spool["c"]


def test_array_spool_gives_back_each_record() -> None:
    records = [
        (np.array([3, 1, 2**32 - 1], np.uint32), np.arange(2, dtype=np.uint32)),
        (np.empty(0, np.uint32), np.empty(0, np.uint32)),
        (np.arange(5), np.empty(0, np.uint32)),
    ]
    spool = ArraySpool(parts=2)
    for record in records:
        spool.append(*record)
    spool[0] = (np.array([7, 8], np.uint32), np.array([9], np.uint32))
    records[0] = (np.array([7, 8]), np.array([9]))
    assert len(spool) == 3
    for number, record in enumerate(records):
        found = spool[number]
        assert [a.dtype for a in found] == [np.uint32, np.uint32]
        assert [a.tolist() for a in found] == [a.tolist() for a in record]
    with pytest.raises(ValueError, match="expected 2 arrays"):
        spool.append(np.arange(3))
    spool.close()


def test_fingerprints_come_back_from_disk_by_position() -> None:
    docs = [item for item in _corpus() if isinstance(item, Document)]
    corpus = Corpus()
    fingerprint_all(docs, corpus, ScanConfig(), StageTimer(), workers.Local(2), None)
    fingerprinter = Fingerprinter(ScanConfig())
    first: dict[str, Document] = {}
    for doc in docs:
        first.setdefault(doc.id, doc)
    for position, kept in enumerate(corpus.fingerprints):
        expected = fingerprinter(first[kept.doc_id])
        assert isinstance(expected, Fingerprint)
        assert len(kept.shingles) == len(kept.signature) == 0
        found = corpus.fingerprint(position)
        assert (found.doc_id, found.exact) == (kept.doc_id, expected.exact)
        assert found.tokens == kept.tokens == expected.tokens
        assert found.shingles.tolist() == expected.shingles.tolist()
        assert found.signature.tolist() == expected.signature.tolist()
        # made by the workers, as the spooled document gives it
        order = corpus.content_order(kept.doc_id)
        assert order == content_key(corpus.documents[kept.doc_id]) == corpus.twin_order(position)
    assert set(corpus.orders) == {fp.doc_id for fp in corpus.fingerprints}
    corpus.close()


def test_index_add_stores_the_same_records_whatever_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "BATCH_PER_JOB", 9)
    stored = []
    for jobs in (1, 2):
        with open_store(str(tmp_path / f"j{jobs}.db")) as store:
            result = indexer.add_documents(_corpus(), store, ScanConfig(), batch=40, jobs=jobs)
            assert (result.added, result.updated, len(result.skipped)) == (149, 0, 1)
            assert result.refused == ("article",)  # the repeated id, with another text
            ids = sorted(store.ids())
            stored.append({d.doc_id: (d.exact, d.copy_keys.tobytes()) for d in store.get(ids)})
    assert stored[0] == stored[1] and len(stored[0]) == 149


def test_scan_output_does_not_depend_on_the_article_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks import corpora
    from dedup import corpus

    seeds = corpora.seeds()
    full = to_json(scan_documents(seeds))
    monkeypatch.setattr(corpus, "ARTICLE_CACHE", 1)  # every article parsed again
    assert to_json(scan_documents(seeds)) == full
    assert len(scan_documents(seeds).stories) == 1


def test_map_shared_gives_results_in_input_order_from_inherited_state() -> None:
    values = list(range(workers.MIN_PARALLEL * 3))
    state = {"offset": 1000}  # inherited by the forked workers, never sent
    found = workers.map_shared(_offset, values, state, 2)
    assert found == [v + 1000 for v in values]
    assert workers.map_shared(_offset, values[:3], state, 2) == [1000, 1001, 1002]


def _offset(state: dict[str, int], value: int) -> int:
    return value + state["offset"]
