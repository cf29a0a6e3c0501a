"""The order in which the rewrite tier verifies its candidates: one that meets each
article's candidates close together, so that the articles a worker parses and the
sentence vectors it embeds are still in its caches when they come round again.

The candidate pairs are a sparse graph over the articles; reverse Cuthill-McKee
(scipy) numbers the articles so that linked ones get near numbers, and the pairs are
taken by their lower number, then their higher. The order changes no result: each
pair's evidence depends on its two articles alone, and the pairs are reported in the
order chosen.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def verification_order(pairs: Sequence[tuple[int, int]], articles: int) -> list[int]:
    """The positions of ``pairs`` (article numbers below ``articles``) in the order to
    verify them."""
    if not pairs:
        return []
    from scipy.sparse import csr_matrix  # scipy loads with the first rewrite candidates
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    ends = np.asarray(pairs, dtype=np.int64)
    graph = csr_matrix(
        (np.ones(len(ends), dtype=np.int8), (ends[:, 0], ends[:, 1])), shape=(articles, articles)
    )
    numbering = reverse_cuthill_mckee(graph, symmetric_mode=False)
    rank = np.empty(articles, dtype=np.int64)
    rank[numbering] = np.arange(articles)
    low = np.minimum(rank[ends[:, 0]], rank[ends[:, 1]])
    high = np.maximum(rank[ends[:, 0]], rank[ends[:, 1]])
    found: list[int] = np.lexsort((high, low)).tolist()
    return found
