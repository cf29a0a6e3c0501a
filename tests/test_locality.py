"""The rewrite tier's verification order (``rewrites.locality``): every candidate once,
each article's candidates close together; the order changes no scan output."""

from __future__ import annotations

import itertools
import random

from dedup.rewrites.locality import verification_order


def test_every_pair_comes_once() -> None:
    pairs = [(0, 3), (1, 2), (2, 5), (0, 1), (4, 5)]
    assert sorted(verification_order(pairs, 6)) == list(range(len(pairs)))
    assert verification_order([], 3) == []


def test_the_candidates_of_one_group_of_articles_come_together() -> None:
    """Two groups of mutually linked articles, numbered in shuffled order: the pairs of
    each group are verified one after another, not interleaved as by article number."""
    rng = random.Random(7)
    numbers = list(range(40))
    rng.shuffle(numbers)
    groups = [numbers[:20], numbers[20:]]
    pairs = [(min(a, b), max(a, b)) for g in groups for a, b in itertools.combinations(g, 2)]
    rng.shuffle(pairs)
    order = verification_order(pairs, 40)
    group_of = {n: k for k, g in enumerate(groups) for n in g}
    runs = [group_of[pairs[k][0]] for k in order]
    switches = sum(1 for x, y in itertools.pairwise(runs) if x != y)
    assert switches == 1
    by_number = sorted(range(len(pairs)), key=lambda k: pairs[k])
    naive = [group_of[pairs[k][0]] for k in by_number]
    assert sum(1 for x, y in itertools.pairwise(naive) if x != y) > 1
