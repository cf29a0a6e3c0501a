"""The rewrite candidates' shortlist: the LSH pairs that can be among the
``rewrite_max_candidates`` best-ranked of either article, judged on the term matrix's
bulk scores before any exact score is computed.

An article's candidates are its best-ranked pairs that pass the cheap bound
(``candidates.best_per_article``); the bulk scores (float32 weights, scored a chunk of
pairs at a time) differ from the exact ones by far less than ``SLACK``. A pair whose
bulk rank is more than twice ``SLACK`` below the ``limit``-th best bulk rank of both its
articles (counting only pairs sure to pass the bound) is ranked below ``limit`` valid
pairs of each, so it can never be chosen: only the rest are scored exactly. On
Reuters-21578 the pairs past the bound grow faster than the corpus (121 LSH pairs a
representative among 19,043 articles, 17 among 3,000); the exact scores, one binary
search in Python each, now grow with the shortlist, at most ``limit`` an article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SLACK = 1e-3
"""Largest difference allowed between a bulk score and the exact one (the float32
weights' rounding is about 1e-7)."""

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Bulk:
    """Pairs ``(i, j)``, i < j, with their bulk weighted Jaccard and rank."""

    pairs: I64
    jaccard: F64
    rank: F64

    @staticmethod
    def empty() -> Bulk:
        return Bulk(np.empty((0, 2), dtype=np.int64), np.empty(0), np.empty(0))

    @staticmethod
    def union(parts: Sequence[Bulk]) -> Bulk:
        """The parts' pairs, each once (a pair found in several bands), in (i, j) order."""
        if not parts:
            return Bulk.empty()
        pairs = np.concatenate([p.pairs for p in parts])
        keys = pairs[:, 0] * (int(pairs.max(initial=0)) + 1) + pairs[:, 1]
        _, first = np.unique(keys, return_index=True)  # sorted by key: (i, j) order
        return Bulk(
            pairs[first],
            np.concatenate([p.jaccard for p in parts])[first],
            np.concatenate([p.rank for p in parts])[first],
        )


def shortlist(bulk: Bulk, articles: int, limit: int, cutoff: float) -> I64:
    """The pairs of ``bulk`` that may be among the ``limit`` best-ranked valid pairs of
    either article (``articles`` of them), in (i, j) order: all but those ranked, by a
    margin wider than the bulk scores' error, below ``limit`` pairs of each article
    that pass ``cutoff`` whatever that error."""
    floor = _floors(bulk, articles, limit, cutoff) - 2 * SLACK
    i, j = bulk.pairs[:, 0], bulk.pairs[:, 1]
    kept = (bulk.rank >= floor[i]) | (bulk.rank >= floor[j])
    found: I64 = bulk.pairs[kept]
    return found


def _floors(bulk: Bulk, articles: int, limit: int, cutoff: float) -> F64:
    """Each article's ``limit``-th best bulk rank among its pairs sure to pass
    ``cutoff`` (minus infinity where it has fewer)."""
    sure = bulk.jaccard >= cutoff + SLACK
    ends = np.concatenate([bulk.pairs[sure, 0], bulk.pairs[sure, 1]])
    ranks = np.concatenate([bulk.rank[sure], bulk.rank[sure]])
    order = np.lexsort((-ranks, ends))
    ends, ranks = ends[order], ranks[order]
    counts = np.bincount(ends, minlength=articles)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    floors = np.full(articles, -np.inf)
    full = counts >= limit
    floors[full] = ranks[starts[full] + limit - 1]
    return floors
