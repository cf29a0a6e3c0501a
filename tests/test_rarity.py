"""Corpus-aware rarity: terms count by their spread over versions, smoothed with
English-wide rarity, so a few articles keep what they share and an event's own
vocabulary stops counting in a corpus about that event."""

from __future__ import annotations

import numpy as np
import pytest

from dedup.rewrites import rarity
from dedup.rewrites.rarity import Spread
from dedup.text.salience import salient_terms


def _spread(versions: list[list[int]]) -> Spread:
    return Spread.of(np.array(v, dtype=np.uint64) for v in versions)


def test_spread_counts_versions_not_copies() -> None:
    groups = [0, 0, 0, 1]  # three copies of one text, and one other article
    hashes = [np.array([7, 9], np.uint64)] * 3 + [np.array([9], np.uint64)]
    spread = Spread.of_versions(groups, hashes)
    assert spread.versions == 2
    assert spread.count(np.array([7, 9, 11], np.uint64)).tolist() == [1, 2, 0]


@pytest.mark.parametrize("dtype", [np.uint32, np.uint64])
def test_spread_of_versions_is_the_spread_of_their_unions(dtype: type) -> None:
    """Versions given in any order, of one article or several sharing hashes: the
    versions' unions counted, as uint64 hashes whatever the articles' type."""
    rng = np.random.default_rng(5)
    groups = rng.integers(0, 40, size=200).tolist()
    hashes = [np.unique(rng.integers(0, 300, size=12)).astype(dtype) for _ in groups]
    unions: dict[int, set[int]] = {}
    for group, found in zip(groups, hashes, strict=True):
        unions.setdefault(group, set()).update(found.tolist())
    want = Spread.of(np.array(sorted(u), dtype=np.uint64) for u in unions.values())
    got = Spread.of_versions(groups, hashes)
    assert got.versions == want.versions == len(unions)
    assert got.hashes.dtype == want.hashes.dtype and got.counts.dtype == want.counts.dtype
    assert got.hashes.tolist() == want.hashes.tolist()
    assert got.counts.tolist() == want.counts.tolist()


def test_small_corpus_keeps_english_rarity() -> None:
    share = np.array([1e-6])
    alone = Spread.empty().idf(np.array([0]), share)[0]
    five = _spread([[1]] * 5).idf(np.array([5]), share)[0]
    assert alone > five > 1.0  # shared by all five, a rare name still counts
    common = _spread([[1]] * 5).idf(np.array([5]), np.array([0.5]))[0]
    assert five > 2 * common


def test_event_vocabulary_weighs_little_in_a_corpus_about_the_event() -> None:
    share = np.array([1e-6, 1e-6])
    corpus = _spread([[1, 2]] + [[1]] * 299)  # name 1 in every version, name 2 in one
    event, rare = corpus.idf(np.array([300, 1]), share)
    assert rare > 3 * event
    assert event < 0.5


def test_corpus_weighted_jaccard_discounts_shared_event_names() -> None:
    a = salient_terms("niamey junta troops delegation hamani".split())
    b = salient_terms("niamey junta troops airbase hofeller".split())
    english = rarity.weighted_jaccard(a, b, Spread.empty())
    event = [a.hashes.astype(np.uint64)[np.isin(a.hashes, b.hashes)]] * 200
    crowded = Spread.of([*event, a.hashes.astype(np.uint64), b.hashes.astype(np.uint64)])
    assert rarity.weighted_jaccard(a, b, crowded) < english / 2


@pytest.mark.parametrize("key", ["number:1000", "date:2024-03-01", "name:diori hamani"])
def test_fact_shares_are_probabilities(key: str) -> None:
    assert 0.0 < rarity.fact_share(key) <= 1.0
    assert rarity.fact_share("name:the") > rarity.fact_share("name:hofeller")


def test_facts_the_whole_corpus_prints_make_no_story() -> None:
    from dedup.config import ScanConfig
    from dedup.ingest.document import Document
    from dedup.rewrites import verify
    from dedup.rewrites.article import Article
    from dedup.rewrites.features import Rarity
    from dedup.rewrites.match import SentenceMatcher
    from dedup.text import facts

    a = Article(
        Document(
            "a",
            "On Monday Wiremu Hofeller met Diori Funaro in Niamey about the plan.\n"
            "The council approved 4,500 new homes for the valley.",
        )
    )
    b = Article(
        Document(
            "b",
            "Farmers protested outside the ministry about grain prices.\n"
            "Then Diori Funaro and Wiremu Hofeller said 4,500 jobs were at risk in Niamey.",
        )
    )
    args = (a, b, 0.3, SentenceMatcher.default(), ScanConfig(rewrite_verdict="rules"))
    alone = verify.verify(*args, rarity=Rarity.english())
    assert alone.verdict and alone.reason.startswith("same facts")
    shared = [facts.key_hash(k) for k in a.fact_keys & b.fact_keys]
    everywhere = Spread.of([np.array(sorted(shared), dtype=np.uint64)] * 200)
    crowded = verify.verify(*args, rarity=Rarity(Spread.empty(), everywhere))
    assert not crowded.verdict
