"""The rewrite candidates' shortlist keeps every pair the exact ranking can choose."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.rewrites.candidates import Candidate, best_per_article
from dedup.rewrites.shortlist import SLACK, Bulk, shortlist

CUTOFF = 0.1
ARTICLES = 6


@st.composite
def scored_pairs(draw: st.DrawFn) -> tuple[Bulk, dict[tuple[int, int], tuple[float, float]]]:
    """Pairs with bulk scores, and exact ones that differ from them by less than
    ``SLACK`` (ranks on a coarse grid and within a few ``SLACK`` of it, so that ties
    and near-ties are common)."""
    ends = st.tuples(st.integers(0, ARTICLES - 1), st.integers(0, ARTICLES - 1))
    pairs = sorted({(min(e), max(e)) for e in draw(st.lists(ends, max_size=40)) if e[0] != e[1]})
    grid = st.integers(0, 20).map(lambda k: k / 20)
    near = st.tuples(grid, st.integers(0, 3)).map(lambda g: g[0] + g[1] * SLACK / 2)
    noise = st.floats(-SLACK * 0.99, SLACK * 0.99)
    bulk_jaccard, bulk_rank, exact = [], [], {}
    for pair in pairs:
        jaccard, rank = draw(grid), draw(near)
        bulk_jaccard.append(jaccard)
        bulk_rank.append(rank)
        exact[pair] = (rank + draw(noise), jaccard + draw(noise))
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return Bulk(array, np.array(bulk_jaccard), np.array(bulk_rank)), exact


def _chosen(
    pairs: list[tuple[int, int]], exact: dict[tuple[int, int], tuple[float, float]], limit: int
) -> list[Candidate]:
    valid = [Candidate(*exact[p], *p) for p in pairs if exact[p][1] >= CUTOFF]
    return best_per_article(valid, limit)


@settings(max_examples=500, deadline=None)
@given(scored_pairs(), st.integers(1, 4))
def test_the_shortlist_changes_no_choice(
    drawn: tuple[Bulk, dict[tuple[int, int], tuple[float, float]]], limit: int
) -> None:
    bulk, exact = drawn
    every = [tuple(p) for p in bulk.pairs.tolist()]
    listed = [tuple(p) for p in shortlist(bulk, ARTICLES, limit, CUTOFF).tolist()]
    assert listed == sorted(listed) and set(listed) <= set(every)
    assert _chosen(listed, exact, limit) == _chosen(every, exact, limit)


def test_an_article_with_many_pairs_keeps_its_best() -> None:
    """Article 0 paired with 20 others, ranked 0.05 apart: with a limit of 3 only its
    best pairs (and those the other articles need) are scored exactly."""
    pairs = np.array([(0, k) for k in range(1, 21)], dtype=np.int64)
    ranks = np.array([0.05 * k for k in range(1, 21)])
    bulk = Bulk(pairs, np.full(20, 0.5), ranks)
    listed = shortlist(bulk, 21, 3, CUTOFF)
    assert len(listed) == 20  # every other article has one pair: each needs it
    crowded = Bulk(
        np.concatenate([pairs, [(k, k + 1) for k in range(1, 20)]]).astype(np.int64),
        np.full(39, 0.5),
        np.concatenate([ranks, np.full(19, 0.99)]),
    )
    kept = {tuple(p) for p in shortlist(crowded, 21, 1, CUTOFF).tolist()}
    assert (0, 20) in kept and (0, 1) not in kept


def test_pairs_in_several_bands_are_listed_once() -> None:
    one = Bulk(np.array([[0, 1], [1, 2]]), np.array([0.5, 0.4]), np.array([0.6, 0.5]))
    two = Bulk(np.array([[1, 2], [0, 2]]), np.array([0.4, 0.3]), np.array([0.5, 0.4]))
    union = Bulk.union([one, two])
    assert union.pairs.tolist() == [[0, 1], [0, 2], [1, 2]]
    assert union.jaccard.tolist() == [0.5, 0.3, 0.4]
    assert Bulk.union([]).pairs.shape == (0, 2)
