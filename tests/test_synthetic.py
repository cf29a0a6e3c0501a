"""The synthetic benchmark corpus (``benchmarks.synthetic``): reproducible, real
sentences from different sources, planted duplicates at the stated rates and no
unplanned ones. Skipped when Reuters-21578 and BBC are not under the data folder."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import dedup
from benchmarks import corpora, synthetic
from dedup.text.boilerplate import split_lines
from dedup.text.sentences import split

pytestmark = pytest.mark.skipif(
    not (corpora.available("reuters") and corpora.available("bbc")),
    reason=f"Reuters-21578 and BBC not under {corpora.data_dir()}",
)

EXTRA = 300


@pytest.fixture(scope="module")
def corpus() -> synthetic.Corpus:
    return synthetic.build(len(synthetic.real_documents()) + EXTRA, seed=7)


def _rows(corpus: synthetic.Corpus, kind: str) -> list[dict[str, Any]]:
    return [row for row in corpus.manifest if row["kind"] == kind]


def test_deterministic_and_sized(corpus: synthetic.Corpus) -> None:
    again = synthetic.build(len(synthetic.real_documents()) + EXTRA, seed=7)
    assert again.documents == corpus.documents
    assert again.manifest == corpus.manifest
    assert len(corpus.documents) == len(synthetic.real_documents()) + EXTRA
    other = synthetic.build(len(synthetic.real_documents()) + EXTRA, seed=8)
    assert other.documents != corpus.documents


def test_ids_unique_and_manifest_covers_every_document(corpus: synthetic.Corpus) -> None:
    ids = [doc.id for doc in corpus.documents]
    assert len(set(ids)) == len(ids)
    assert [row["id"] for row in corpus.manifest] == ids
    real = len(synthetic.real_documents())
    assert {row["kind"] for row in corpus.manifest[:real]} == {"real"}
    assert ids[real:] == [f"syn-{n:06d}" for n in range(1, EXTRA + 1)]
    assert {row["kind"] for row in corpus.manifest[real:]} <= {"synthetic", "near-copy", "rewrite"}
    for doc in corpus.documents[real:]:
        assert doc.title and doc.date
        assert datetime.fromisoformat(doc.date).year in (1987, 1988)


def test_planted_counts_match_rates(corpus: synthetic.Corpus) -> None:
    counts = Counter(str(row["kind"]) for row in corpus.manifest)
    assert counts["near-copy"] == round(EXTRA * 0.02)
    assert counts["rewrite"] == round(EXTRA * 0.01)
    assert counts["synthetic"] == EXTRA - counts["near-copy"] - counts["rewrite"]
    ordinary = {row["id"] for row in _rows(corpus, "synthetic")}
    originals = [row["planted_of"] for row in corpus.manifest if row["planted_of"]]
    assert set(originals) <= ordinary
    assert len(set(originals)) == len(originals)


def test_sentences_come_from_different_real_articles(corpus: synthetic.Corpus) -> None:
    real = {doc.id: doc for doc in synthetic.real_documents()}
    texts = {doc.id: doc.text for doc in corpus.documents}
    for row in _rows(corpus, "synthetic"):
        sources, positions = row["sources"], row["sentences"]
        assert 5 <= len(sources) <= 15
        assert len(set(sources)) == len(sources), row["id"]
        for source, position in zip(sources, positions, strict=True):
            text = real[source].text
            sentence = split(text, split_lines(text))[position].text
            assert sentence in texts[str(row["id"])]
    uses = Counter(
        (source, position)
        for row in _rows(corpus, "synthetic")
        for source, position in zip(row["sources"], row["sentences"], strict=True)
    )
    assert max(uses.values()) == 1  # the pool is far larger than 300 articles need


def test_planted_duplicates_are_detected(corpus: synthetic.Corpus) -> None:
    by_id = {doc.id: doc for doc in corpus.documents}
    for kind, relations in (("near-copy", {"copy", "near-copy"}), ("rewrite", {"rewrite"})):
        for row in _rows(corpus, kind):
            found = dedup.compare(by_id[str(row["planted_of"])], by_id[str(row["id"])])
            assert found is not None and found.relation in relations, (row, found)


def test_no_unplanned_copies_among_synthetic(corpus: synthetic.Corpus) -> None:
    by_id = {doc.id: doc for doc in corpus.documents}
    ordinary = [str(row["id"]) for row in _rows(corpus, "synthetic")]
    config = dedup.ScanConfig(rewrites=False)
    rng = random.Random(0)
    for _ in range(200):
        a, b = rng.sample(ordinary, 2)
        found = dedup.compare(by_id[a], by_id[b], config)
        assert found is not None and found.scores.jaccard < 0.5, (a, b)
        assert found.relation is None, (a, b)


def test_reserved_sentences_are_never_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    small = synthetic.sentence_pool()[:2_000]  # 300 articles need ~3,000: two passes
    monkeypatch.setattr(synthetic, "sentence_pool", lambda: small)
    built = synthetic.build(len(synthetic.real_documents()) + EXTRA, reserve=20)
    assert built.summary["passes"] >= 2 and built.summary["max_sentence_uses"] >= 2
    rows = _rows(built, "synthetic")
    reserved = [row for row in rows if row["reserved"]]
    assert len(reserved) == 20 and all(row["max_uses"] == 1 for row in reserved)

    def pairs(row: dict[str, Any]) -> set[tuple[str, int]]:
        return set(zip(row["sources"], row["sentences"], strict=True))

    held = set().union(*(pairs(row) for row in reserved))
    for row in rows:
        if not row["reserved"]:
            assert not pairs(row) & held
    assert not {row["planted_of"] for row in built.manifest} & {row["id"] for row in reserved}


def test_write_jsonl(corpus: synthetic.Corpus, tmp_path: Path) -> None:
    corpus_path, manifest_path = synthetic.write(corpus, tmp_path / "out")
    lines = corpus_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(corpus.documents)
    last = json.loads(lines[-1])
    assert set(last) == {"id", "title", "date", "text"}
    assert last["text"] == corpus.documents[-1].text
    docs = [d for d in dedup.iter_documents([str(corpus_path)]) if isinstance(d, dedup.Document)]
    assert [d.id for d in docs[-EXTRA:]] == [d.id for d in corpus.documents[-EXTRA:]]
    rows = manifest_path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in rows] == corpus.manifest
