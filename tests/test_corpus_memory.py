"""What a scan keeps of every article until its report is made: its salient terms and
line keys cost about their own bytes, not a Python object or array header each, and
the copy tier's band index its keys once (the scan's parent, or a cluster scan's
client, holds them for the whole corpus)."""

from __future__ import annotations

import random
import sys
import tracemalloc
from collections.abc import Iterator

import numpy as np
import pytest

from dedup import Document, ScanConfig, workers
from dedup.copies.lsh import MemoryBandIndex
from dedup.corpus import Corpus, StageTimer, fingerprint_all
from dedup.fingerprint.ragged import CHUNK
from dedup.text.salience import SalientTerms
from dedup.text.salient_table import SalientTable

TERMS = 70
"""Salient terms of a synthetic article at 100,000 articles (7 million in all)."""


def _terms(count: int, seed: int = 3) -> Iterator[SalientTerms]:
    rng = np.random.default_rng(seed)
    for k in range(count):
        size = int(rng.integers(0, 2 * TERMS))
        hashes = np.unique(rng.integers(0, 2**32, size=size, dtype=np.uint64)).astype(np.uint32)
        weights = rng.random(len(hashes), dtype=np.float32) * 5
        yield SalientTerms(hashes, weights, k / count)


def test_salient_table_reads_back_every_article_as_it_was_given() -> None:
    given = list(_terms(2 * CHUNK + 10))
    table = SalientTable()
    for terms in given:
        table.append(terms)
    other = next(_terms(1, seed=9))
    table[CHUNK + 1] = other  # an article fingerprinted again
    assert len(table) == len(given)
    for position, want in enumerate(given):
        got = table[position]
        want = other if position == CHUNK + 1 else want
        assert got.hashes.dtype == np.uint32 and got.weights.dtype == np.float32
        assert np.array_equal(got.hashes, want.hashes)
        assert np.array_equal(got.weights, want.weights)
        assert (got.numeric_share, got.total) == (want.numeric_share, want.total)
    with pytest.raises(IndexError):
        table[len(given)]


def test_a_corpus_keeps_salient_terms_in_about_their_bytes() -> None:
    """A ``SalientTerms`` an article held ~870 bytes for 70 terms' 560."""
    count = 3 * CHUNK
    corpus = Corpus()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for terms in _terms(count):  # each article's own arrays are dropped once kept
            corpus.salient.append(terms)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    terms_bytes = 8 * TERMS  # a uint32 hash and a float32 weight a term
    assert held / count < terms_bytes + 64, held / count
    corpus.close()


def _documents(count: int) -> Iterator[Document]:
    rng = random.Random(4)
    words = [f"w{k}" for k in range(3_000)]
    for k in range(count):
        lines = ["The " + " ".join(rng.choices(words, k=20)) + "." for _ in range(10)]
        yield Document(id=f"d{k}", text="\n".join(lines))


def test_a_corpus_keeps_line_keys_in_about_their_bytes() -> None:
    """A frozenset of Python ints an article held ~550 bytes for 10 lines' 80."""
    corpus = Corpus()
    try:
        runner = workers.Local(1)
        fingerprint_all(_documents(200), corpus, ScanConfig(), StageTimer(), runner, None)
        assert len(corpus.line_keys) == 200
        assert sum(map(len, corpus.line_keys)) == 200 * 10  # paragraphs, not wrapped copy
        held = sum(
            sys.getsizeof(keys) + sum(sys.getsizeof(k) for k in keys)
            if isinstance(keys, frozenset)
            else sys.getsizeof(keys)
            for keys in corpus.line_keys
        )
        assert held / 200 < 8 * 10 + 120, held / 200
    finally:
        corpus.close()


def test_a_band_index_of_known_size_holds_its_keys_once() -> None:
    """The copy tier's index of 100,000 leaders doubled its tables as it grew: at
    its last growth the old and new tables (8 bytes a band an article) were both held."""
    count, bands = 5_000, 37
    keys = np.random.default_rng(2).integers(0, 2**63, size=(count, bands), dtype=np.uint64)
    tracemalloc.start()
    try:
        index = MemoryBandIndex(bands, 3, capacity=count)
        for doc in range(count):
            index.add(doc, keys[doc])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(index) == count
    assert peak < 1.05 * count * (bands + 1) * 8, peak
