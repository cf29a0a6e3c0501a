"""The index learns its own boilerplate as the scan does: lines repeated across
otherwise unrelated indexed articles (counted once per version, a group of copies)
are set aside when ``dedup check`` compares, on SQLite and on a real redis-server."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from benchmarks import corpora, footer_bench
from dedup.config import ScanConfig
from dedup.copies.pairing import score
from dedup.fingerprint.fingerprinter import Fingerprint, Fingerprinter
from dedup.index import learnt
from dedup.index.backends import open_store
from dedup.index.check import CheckResult, check
from dedup.index.indexer import add_documents, remove
from dedup.index.records import to_indexed
from dedup.index.store import IndexedDoc, Store
from dedup.ingest.document import Document
from dedup.pipeline import scan_documents
from dedup.text import boilerplate
from tests.footer_corpus import ARCHIVE, FOOTER, INCOMING, LONG, body
from tests.redis_server import redis_url  # noqa: F401

CONFIG = ScanConfig()


def fingerprint(doc: Document) -> Fingerprint:
    found = Fingerprinter(CONFIG)(doc)
    assert isinstance(found, Fingerprint)
    return found


def failing(result: CheckResult) -> list[str]:
    return [item.document or "" for item in result.items if item.outcome == "fail"]


@pytest.fixture
def archive(db: str) -> Iterator[str]:
    """The 32 footed articles indexed in batches of 7."""
    with open_store(db) as store:
        add_documents(ARCHIVE, store, CONFIG, batch=7)
    yield db


def test_the_footer_alone_makes_near_copies() -> None:
    """The scenario's premise: with the footer, a new short article is a near-copy of
    indexed ones; without it, of none."""
    near = [
        score(fingerprint(new), fingerprint(old), CONFIG) for new in INCOMING for old in ARCHIVE
    ]
    assert sum(s.relation == "near-copy" for s in near) > 20
    bare = [Document(d.id, d.text.replace(FOOTER, "")) for d in (*INCOMING, *ARCHIVE)]
    scores = [score(fingerprint(a), fingerprint(b), CONFIG) for a in bare[:6] for b in bare[6:]]
    assert all(s.relation is None for s in scores)


def test_the_scan_sets_the_footer_aside() -> None:
    result = scan_documents([*ARCHIVE, *INCOMING], dataclasses.replace(CONFIG, rewrites=False))
    assert result.pairs == ()


def test_new_articles_sharing_only_the_footer_pass(archive: str) -> None:
    with open_store(archive, create=False) as store:
        assert failing(check(INCOMING, store, CONFIG)) == []


def test_copies_still_fail_with_or_without_the_footer(archive: str) -> None:
    copied = Document("copied", ARCHIVE[3].text)
    trimmed = Document("trimmed", ARCHIVE[5].text.replace(FOOTER, ""))
    with open_store(archive, create=False) as store:
        result = check([copied, trimmed], store, CONFIG)
    assert [item.outcome for item in result.items] == ["fail", "fail"]
    assert [m.document for m in result.items[0].matches] == ["old03"]
    assert [(m.document, m.relation) for m in result.items[1].matches] == [("old05", "copy")]


def test_articles_indexed_before_the_footer_was_learnt_are_still_found(db: str) -> None:
    """One article a batch: the short ones and three long ones were stored while the
    footer was not yet boilerplate (in fewer than five versions)."""
    with open_store(db) as store:
        add_documents(ARCHIVE, store, CONFIG, batch=1)
        edited = ARCHIVE[0].text.replace(" ", "  ", 1) + "One more line of our own here.\n"
        result = check([Document("edited", edited), *INCOMING], store, CONFIG)
    assert failing(result) == ["edited"]
    assert result.items[0].matches[0].document == "old00"


def test_one_story_from_many_outlets_is_not_boilerplate(db: str) -> None:
    """Fifteen outlets print one story, each under its own byline: its lines are one
    version's, so a sixteenth copy still fails and other articles still pass."""
    story = body(77, 80)
    outlets = [
        Document(f"outlet{i}", f"By the staff of outlet number {i}\n{story}") for i in range(15)
    ]
    with open_store(db) as store:
        add_documents([*outlets, *ARCHIVE[:10]], store, CONFIG, batch=4)
        assert len({record.label for record in store.get([d.id for d in outlets])}) == 1
        result = check([Document("again", f"From our wire desk today\n{story}")], store, CONFIG)
    assert failing(result) == ["again"]
    assert {m.document for m in result.items[0].matches} == {d.id for d in outlets}


def test_removing_the_footed_articles_unlearns_the_footer(db: str) -> None:
    with open_store(db) as store:
        add_documents(ARCHIVE, store, CONFIG, batch=10)
        assert failing(check(INCOMING[:2], store, CONFIG)) == []
        remove(store, [doc.id for doc in LONG[3:]])
        # Four versions hold the footer now (the short articles' and three long ones):
        # too few to call it boilerplate, as in a scan.
        assert failing(check(INCOMING[:2], store, CONFIG)) == ["new0", "new1"]


# --- the measurement: Reuters with a shared footer -----------------------------


@pytest.mark.skipif(not corpora.available("reuters"), reason="Reuters-21578 is not in DEDUP_DATA")
def test_reuters_with_a_shared_footer(tmp_path: Path) -> None:
    """775 stories indexed with a 126-word footer, 20 short later ones checked with it:
    none fails (9 did before the index learnt its boilerplate), copies still do."""
    assert len(footer_bench.FOOTER.split()) == 126
    indexed, incoming = footer_bench.scenario()
    with open_store(str(tmp_path / "reuters.db")) as store:
        add_documents([footer_bench.footed(d) for d in indexed], store, CONFIG)
        seconds = []
        for doc in map(footer_bench.footed, incoming):
            began = time.perf_counter()
            assert failing(check([doc], store, CONFIG)) == [], doc.id
            seconds.append(time.perf_counter() - began)
        copy = dataclasses.replace(footer_bench.footed(indexed[100]), id="copied")
        copied = check([copy], store, CONFIG)
    assert failing(copied) == ["copied"]
    assert [(m.document, m.relation) for m in copied.items[0].matches] == [
        (indexed[100].id, "copy")
    ]
    assert statistics.median(seconds) < 0.5


# --- the counts behind it ----------------------------------------------------------------


def spread(store: Store, keys: np.ndarray) -> dict[int, int]:
    """How many versions hold each line key (read through ``repeated_lines``)."""
    found: dict[int, int] = {}
    for need in range(1, 40):
        for key in store.repeated_lines(keys, lambda _, need=need: need):
            found[key] = need
    return found


def test_counts_follow_re_adds_and_removals(db: str) -> None:
    """After adds, re-adds and removals the index's counts are those of the documents
    it holds: how many versions, and how many of them hold each line."""
    edited = [Document(d.id, d.text.replace("council", "counsel")) for d in ARCHIVE[::3]]
    with open_store(db) as store:
        add_documents(ARCHIVE, store, CONFIG, batch=5)
        assert add_documents(edited, store, CONFIG, batch=4, replace=True).updated == 11
        remove(store, [d.id for d in ARCHIVE[1::4]])
        assert add_documents(ARCHIVE[1::8], store, CONFIG).added == 4
        final = store.get(sorted(store.ids()))
        keys = learnt.keys_of(final)
        counted = (store.stats()["versions"], spread(store, keys))
    holders: dict[int, set[int]] = {}
    for record in final:
        for key in record.line_keys.tolist():
            holders.setdefault(key, set()).add(record.label)
    recounted = {key: len(labels) for key, labels in holders.items()}
    assert counted == (len({record.label for record in final}), recounted)
    assert recounted[boilerplate.line_key(FOOTER)] >= 5


def test_records_stored_before_a_line_was_learnt_are_fingerprinted_again(db: str) -> None:
    with open_store(db) as store:
        add_documents(ARCHIVE, store, CONFIG, batch=1)
        first = store.get(["old00"])[0]
    bare = fingerprint(Document("old00", ARCHIVE[0].text.replace(FOOTER, "")))
    assert (first.exact, first.tokens) == (bare.exact, bare.tokens)


def test_holding_finds_line_keys_whatever_their_bytes(db: str) -> None:
    """Redis finds the documents holding a line by a glob over binary fields: bytes
    that are glob syntax must match themselves only."""
    special = int.from_bytes(b"*?[\\]^a\x00", "little")
    near = int.from_bytes(b"x?[\\]^a\x00", "little")
    record = to_indexed(ARCHIVE[9], Fingerprinter(CONFIG), CONFIG, datetime.now(UTC))
    assert isinstance(record, IndexedDoc)
    with open_store(db) as store:
        store.add([dataclasses.replace(record, line_keys=np.array([special], dtype=np.uint64))])
        other = dataclasses.replace(record, doc_id="other", version=1)
        store.add([dataclasses.replace(other, line_keys=np.array([near], dtype=np.uint64))])
        assert store.holding(np.array([special], dtype=np.uint64)) == [record.doc_id]
        assert store.holding(np.array([near], dtype=np.uint64)) == ["other"]
