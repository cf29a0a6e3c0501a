"""The hot loop: boilerplate + normalise + shingle + MinHash of one article from raw text.

Every run compares ``dedup`` with a naive datasketch implementation over the same
tokens, on the same rotation of distinct Reuters-21578 bodies (one article a round,
caches cleared before each). ``benchmarks/conftest.py`` prints the ratio of medians.

Run: ``.venv/bin/pytest benchmarks -q`` (or ``make bench``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from datasketch import MinHash

from benchmarks import corpora
from dedup import Document, Fingerprint, Fingerprinter, ScanConfig
from dedup.boilerplate import article_text, split_lines
from dedup.normalise import normalise, tokenise

if not corpora.available("reuters"):
    pytest.skip(
        f"Reuters-21578 not found under {corpora.data_dir()} (set DEDUP_DATA)",
        allow_module_level=True,
    )

GROUP = "hotloop"
ROUNDS = 1_000
"""Timed rounds per implementation, one distinct article each."""
WARMUP_ROUNDS = 10
IMPLEMENTATIONS = ("dedup", "datasketch-naive")

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


def naive_minhash(doc: Document) -> MinHash:
    """What a straightforward datasketch user writes: the same tokens as dedup, word
    5-gram strings, one ``MinHash.update`` per shingle with the default SHA-1 hash."""
    tokens = tokenise(normalise(article_text(split_lines(doc.text))))
    size = CONFIG.shingle_size
    shingles = {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}
    minhash = MinHash(num_perm=CONFIG.num_perm, seed=CONFIG.seed)
    for shingle in shingles:
        minhash.update(shingle.encode("utf-8"))
    return minhash


def _implementation(name: str) -> tuple[Callable[[Document], Any], Callable[[], None]]:
    """The function to time and the cache reset to run (untimed) before each round."""
    if name == "dedup":
        fingerprinter = Fingerprinter(CONFIG)
        return fingerprinter, fingerprinter.clear_caches
    if name == "datasketch-naive":
        return naive_minhash, lambda: None
    raise ValueError(f"unknown implementation {name!r}")


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
    if impl == "dedup":
        assert isinstance(result, Fingerprint)
        assert len(result.signature) == CONFIG.num_perm
    else:
        assert len(result.hashvalues) == CONFIG.num_perm
