"""The hot loop: one article from raw text to a 128-value MinHash signature.

Every run times each implementation on the same rotation of 1,000 distinct
Reuters-21578 bodies (one article a round, caches cleared before each), one
``benchmark`` call per implementation, so that every run carries its own comparison
(``benchmarks/conftest.py`` prints each median and its ratio to dedup's):

- ``dedup``: ``Fingerprinter`` (boilerplate, normalise, tokenise, xxh3 token hashes,
  shingle hashes combined in numpy, numpy MinHash), exact-text cache cleared.
- ``datasketch-naive``: dedup's tokens (``tokens``: dedup's own boilerplate, normalise
  and tokenise, its fastest path, as UTF-8), word 5-gram strings (bytes) in a set, one
  ``MinHash.update`` per shingle (SHA-1).
- ``datasketch-xxhash-batch``: the same shingle strings, one ``MinHash.update_batch``
  with ``hashfunc=xxhash.xxh32_intdigest``.
- ``rensa-tokens``: dedup's tokens fed as they are to rensa's ``RMinHash.update``
  (rensa's README usage: each token is a feature, so word 1-grams, not 5-grams:
  less work than the others, and not the same sets).
- ``rensa-shingles``: the word 5-gram strings of dedup's tokens, built in Python,
  fed to ``RMinHash.update`` (the same sets as datasketch; dedup's target).
- ``rensa-prehashed``: dedup's 64-bit shingle hashes (xxh3_64 of each token, combined
  and mixed by ``dedup.fingerprint.shingle`` in numpy, before truncation and deduplication) fed
  to rensa as a flat array: rensa's Rust MinHash in place of dedup's numpy one.
- ``gaoya``: gaoya's ``tokenize_and_minhash`` on the raw text (word 5-grams,
  lower-cased, 32-bit hashes, 16 bands x 8 = 128 values), tokenising and hashing in
  Rust: the all-compiled reference (no boilerplate step).

rensa and gaoya are optional (``pip install -e '.[bench]'``): without them their
parameters are skipped with the reason.

Run: ``.venv/bin/pytest benchmarks -q`` (or ``make bench``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import xxhash
from datasketch import MinHash

from benchmarks import corpora
from dedup import Document, Fingerprint, Fingerprinter, ScanConfig
from dedup.fingerprint import shingle
from dedup.text import boilerplate
from dedup.text import normalise as normalising

if not corpora.available("reuters"):
    pytest.skip(
        f"Reuters-21578 not found under {corpora.data_dir()} (set DEDUP_DATA)",
        allow_module_level=True,
    )

GROUP = "hotloop"
ROUNDS = 1_000
"""Timed rounds per implementation, one distinct article each."""
WARMUP_ROUNDS = 10
IMPLEMENTATIONS = (
    "dedup",
    "datasketch-naive",
    "datasketch-xxhash-batch",
    "rensa-tokens",
    "rensa-shingles",
    "rensa-prehashed",
    "gaoya",
)
OPTIONAL = "optional benchmark dependency; pip install -e '.[bench]'"
GAOYA_BANDS, GAOYA_BAND_SIZE = 16, 8

CONFIG = ScanConfig()


def _articles(count: int) -> list[Document]:
    """The first ``count`` Reuters bodies with distinct text that dedup fingerprints
    (enough tokens), so that no round can reuse another round's work."""
    fingerprinter = Fingerprinter(CONFIG)
    seen: set[str] = set()
    chosen: list[Document] = []
    for doc in corpora.reuters():
        if doc.text in seen or not isinstance(fingerprinter(doc), Fingerprint):
            continue
        seen.add(doc.text)
        chosen.append(doc)
        if len(chosen) == count:
            return chosen
    raise RuntimeError(f"only {len(chosen)} usable Reuters articles, need {count}")


ARTICLES = _articles(ROUNDS + WARMUP_ROUNDS)


def _dedup_tokeniser() -> Callable[[str], list[bytes]]:
    """dedup's fastest path from raw text to its tokens (UTF-8), the one
    ``Fingerprinter`` takes (``kept_text`` + ``utf8_tokens`` where this dedup has
    them), else its line-by-line path: the other implementations get the same tokens
    at dedup's own cost."""
    kept_text = getattr(boilerplate, "kept_text", None)
    utf8_tokens = getattr(normalising, "utf8_tokens", None)
    if kept_text is not None and utf8_tokens is not None:
        return lambda text: list(utf8_tokens(kept_text(text)))

    def line_by_line(text: str) -> list[bytes]:
        lines = boilerplate.split_lines(text)
        words = normalising.tokenise(normalising.normalise(boilerplate.article_text(lines)))
        return [word.encode("utf-8") for word in words]

    return line_by_line


_TOKENISE = _dedup_tokeniser()


def tokens(doc: Document) -> list[bytes]:
    """dedup's tokens of an article: boilerplate set aside, normalised, tokenised."""
    return _TOKENISE(doc.text)


def shingle_strings(words: list[bytes]) -> list[bytes]:
    """Word 5-gram strings, space-joined, in order (with repeats)."""
    size = CONFIG.shingle_size
    return [b" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def naive_minhash(doc: Document) -> MinHash:
    """What a straightforward datasketch user writes: the same tokens as dedup, word
    5-gram strings, one ``MinHash.update`` per shingle with the default SHA-1 hash."""
    minhash = MinHash(num_perm=CONFIG.num_perm, seed=CONFIG.seed)
    for item in set(shingle_strings(tokens(doc))):
        minhash.update(item)
    return minhash


def xxhash_batch_minhash(doc: Document) -> MinHash:
    """datasketch used well: the same shingle strings, one ``update_batch`` with xxh32."""
    minhash = MinHash(num_perm=CONFIG.num_perm, seed=CONFIG.seed, hashfunc=xxhash.xxh32_intdigest)
    minhash.update_batch(list(set(shingle_strings(tokens(doc)))))
    return minhash


def _rensa_implementations() -> dict[str, Callable[[Document], Any]]:
    rensa = pytest.importorskip("rensa", reason=f"rensa not installed ({OPTIONAL})")
    minhash_class = rensa.RMinHash

    def rensa_tokens(doc: Document) -> Any:
        minhash = minhash_class(num_perm=CONFIG.num_perm, seed=CONFIG.seed)
        minhash.update(tokens(doc))
        return minhash.digest()

    def rensa_shingles(doc: Document) -> Any:
        minhash = minhash_class(num_perm=CONFIG.num_perm, seed=CONFIG.seed)
        minhash.update(shingle_strings(tokens(doc)))
        return minhash.digest()

    def rensa_prehashed(doc: Document) -> Any:
        words = tokens(doc)
        hashed = np.fromiter(map(xxhash.xxh3_64_intdigest, words), np.uint64, len(words))
        hashes = shingle.fmix64(shingle.combine(hashed, CONFIG.shingle_size))
        offsets = np.array([0, len(hashes)], dtype=np.uint64)
        matrix = minhash_class.digest_matrix_from_flat_token_hashes(
            hashes, offsets, CONFIG.num_perm, CONFIG.seed
        )
        return matrix.to_rows()[0]

    return {
        "rensa-tokens": rensa_tokens,
        "rensa-shingles": rensa_shingles,
        "rensa-prehashed": rensa_prehashed,
    }


def _gaoya() -> Callable[[Document], Any]:
    gaoya = pytest.importorskip("gaoya.minhash", reason=f"gaoya not installed ({OPTIONAL})")
    index = gaoya.MinHashStringIndex(
        hash_size=32,
        jaccard_threshold=0.5,
        num_bands=GAOYA_BANDS,
        band_size=GAOYA_BAND_SIZE,
        analyzer="word",
        lowercase=True,
        ngram_range=(CONFIG.shingle_size, CONFIG.shingle_size),
    )
    minhash: Callable[[str], Any] = index.minhash_index.tokenize_and_minhash
    return lambda doc: minhash(doc.text)


def _implementation(name: str) -> tuple[Callable[[Document], Any], Callable[[], None]]:
    """The function to time and the cache reset to run (untimed) before each round."""
    if name == "dedup":
        fingerprinter = Fingerprinter(CONFIG)
        return fingerprinter, fingerprinter.clear_caches
    if name == "datasketch-naive":
        return naive_minhash, lambda: None
    if name == "datasketch-xxhash-batch":
        return xxhash_batch_minhash, lambda: None
    if name.startswith("rensa-"):
        return _rensa_implementations()[name], lambda: None
    if name == "gaoya":
        return _gaoya(), lambda: None
    raise ValueError(f"unknown implementation {name!r}")


def _signature_length(result: Any) -> int:
    if isinstance(result, Fingerprint):
        return len(result.signature)
    if isinstance(result, MinHash):
        return len(result.hashvalues)
    return len(result)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_hotloop(benchmark: Any, impl: str) -> None:
    target, clear_caches = _implementation(impl)
    rotation: Iterator[Document] = itertools.cycle(ARTICLES)

    def next_article() -> tuple[tuple[Document], dict[str, Any]]:
        clear_caches()
        return (next(rotation),), {}

    benchmark.group = GROUP
    benchmark.extra_info["distinct_articles"] = len(ARTICLES)
    result = benchmark.pedantic(
        target, setup=next_article, rounds=ROUNDS, warmup_rounds=WARMUP_ROUNDS
    )
    assert _signature_length(result) == CONFIG.num_perm
