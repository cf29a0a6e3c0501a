"""The rewrite tier's candidates: MinHash-LSH over every article's salient terms.

Rewrites share only 10-30 % of their rare terms, so the LSH is tuned low (64 bands
of 2 rows at 128 permutations); in large corpora the house vocabulary (terms in
more than ``rewrite_df_share`` of the articles) is left out first, and every
candidate must pass a cheap weighted-Jaccard bound before alignment is tried.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from dedup.config import ScanConfig
from dedup.lsh import MemoryBandIndex, band_keys
from dedup.minhash import MinHasher, lsh_params
from dedup.salience import SalientTerms
from dedup.shingle import U32

MIN_TERMS = 3
"""Articles with fewer candidate terms get no rewrite signature."""
DF_MIN_CORPUS = 1000


def house_terms(salient: Sequence[SalientTerms], config: ScanConfig) -> U32:
    """Rare-in-English terms that are common in this corpus (in more than
    ``rewrite_df_share`` of its articles, when it has 1,000 or more)."""
    sets = [s.candidate_hashes() for s in salient]
    if len(sets) < DF_MIN_CORPUS:
        return np.empty(0, dtype=np.uint32)
    values, counts = np.unique(np.concatenate(sets), return_counts=True)
    common: U32 = values[counts > config.rewrite_df_share * len(sets)]
    return common


def candidate_pairs(
    salient: Sequence[SalientTerms], common: U32, config: ScanConfig, minhasher: MinHasher
) -> Iterator[tuple[int, int]]:
    """Positions ``(i, j)``, ``i < j``, of articles whose salient-term signatures
    (house vocabulary ``common`` left out) share a band."""
    bands, rows = lsh_params(config.rewrite_lsh_threshold, config.num_perm)
    index = MemoryBandIndex(bands, rows)
    for position, item in enumerate(salient):
        terms = item.candidate_hashes()
        if len(common):
            terms = terms[~np.isin(terms, common, assume_unique=True)]
        if len(terms) >= MIN_TERMS:
            index.add(position, band_keys(minhasher.signature(terms), bands, rows))
    yield from index.pairs()


def best_per_article(
    scored: Sequence[tuple[float, int, int]], limit: int
) -> list[tuple[float, int, int]]:
    """The pairs that are among the ``limit`` best-scored of either article, in a
    fixed order: verification work grows with the corpus, not with its square."""
    ranked = sorted(scored, key=lambda item: (-item[0], item[1], item[2]))
    taken: dict[int, int] = {}
    kept = []
    for item in ranked:
        _, i, j = item
        if taken.get(i, 0) < limit or taken.get(j, 0) < limit:
            kept.append(item)
            taken[i] = taken.get(i, 0) + 1
            taken[j] = taken.get(j, 0) + 1
    return sorted(kept, key=lambda item: (item[1], item[2]))
