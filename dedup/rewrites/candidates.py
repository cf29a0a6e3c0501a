"""The rewrite tier's candidates: MinHash-LSH over every article's salient terms.

Rewrites share only 10-30 % of their rare terms, so the LSH is tuned low (26 bands
of 1 row at 128 permutations); in large corpora the house vocabulary (terms in
more than ``rewrite_df_share`` of the articles) is left out first, and every
candidate must pass a cheap weighted-Jaccard bound before alignment is tried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np

from dedup.config import ScanConfig
from dedup.copies.lsh import MemoryBandIndex, band_keys
from dedup.fingerprint.minhash import MinHasher, lsh_params
from dedup.fingerprint.shingle import U32, U64
from dedup.rewrites import article
from dedup.text import dates, facts
from dedup.text.salience import SalientTerms, mutual_containment, overlap

MIN_TERMS = 3
"""Articles with fewer candidate terms get no rewrite signature."""
DF_MIN_CORPUS = 1000
MAX_BUCKET = 100
"""Larger buckets of the rewrite tier's one-row bands make no candidates. A bucket
holds the articles whose rarest-hashing term is one term, so its size is at most that
term's document count; house vocabulary (over 0.5 % of the corpus) is left out, so
below 20,000 articles no bucket is this large. Above, a bucket of B articles would
make B²/2 pairs: at 100,000 articles buckets of up to 1,000 made the scan hold
several GB of candidates. The cap keeps the pairs linear in the corpus."""
TABLE_SHARE = 0.35
"""Articles with a larger share of figures among their tokens are tables."""


def house_terms(salient: Iterable[SalientTerms], config: ScanConfig) -> U32:
    """Rare-in-English terms that are common in this corpus (in more than
    ``rewrite_df_share`` of its articles, when it has 1,000 or more)."""
    sets = [s.candidate_hashes() for s in salient]
    if len(sets) < DF_MIN_CORPUS:
        return np.empty(0, dtype=np.uint32)
    values, counts = np.unique(np.concatenate(sets), return_counts=True)
    common: U32 = values[counts > config.rewrite_df_share * len(sets)]
    return common


def candidate_index(
    salient: Sequence[SalientTerms], common: U32, config: ScanConfig, minhasher: MinHasher
) -> MemoryBandIndex:
    """The band index of the articles' salient-term signatures (house vocabulary
    ``common`` left out), by position: its pairs are the tier's candidates. At 100,000
    articles they number ~20 million, so they are best taken a band at a time."""
    bands, rows = lsh_params(config.rewrite_lsh_threshold, config.num_perm)
    index = MemoryBandIndex(bands, rows, max_bucket=MAX_BUCKET, capacity=len(salient))
    for position, item in enumerate(salient):
        terms = signature_terms(item, common)
        if terms is not None:
            index.add(position, band_keys(minhasher.signature(terms), bands, rows))
    return index


def signature_terms(item: SalientTerms, common: U32) -> U32 | None:
    """The terms of an article's rewrite-tier signature (house vocabulary ``common``
    left out), or None when it takes no part in the tier: fewer than ``MIN_TERMS``
    terms, or a table (more than ``TABLE_SHARE`` of its tokens are figures; two price
    lists or results tables share their layout, never a story to retell)."""
    if item.numeric_share > TABLE_SHARE:
        return None
    terms = item.candidate_hashes()
    if len(common):
        terms = terms[~np.isin(terms, common, assume_unique=True)]
    return terms if len(terms) >= MIN_TERMS else None


class Candidate(NamedTuple):
    """Articles ``i`` < ``j`` (positions) worth verifying: ``rank`` orders them,
    ``bound`` is the weighted Jaccard that let them through."""

    rank: float
    bound: float
    i: int
    j: int


def rank(a: SalientTerms, b: SalientTerms) -> float:
    """How much of one article's salient content the other holds (the larger share):
    a rewrite's source holds nearly all of it, a sibling rewrite only part, so the
    source ranks first among an article's candidates."""
    return max(mutual_containment(a, b))


def scored(a: SalientTerms, b: SalientTerms, *, score_cutoff: float) -> tuple[float, float] | None:
    """``(rank, bound)`` of a pair from one overlap: its ``rank`` and its weighted
    Jaccard (``verify.cheap_bound``), or None when that is under ``score_cutoff``."""
    found = overlap(a, b)
    if found.jaccard < score_cutoff:
        return None
    return max(found.of_a, found.of_b), found.jaccard


def best_per_article(scored: Sequence[Candidate], limit: int) -> list[Candidate]:
    """The candidates among the ``limit`` best-ranked of either article, in a fixed
    order: verification work grows with the corpus, not with its square."""
    ranked = sorted(scored, key=lambda c: (-c.rank, c.i, c.j))
    taken: dict[int, int] = {}
    kept = []
    for item in ranked:
        if taken.get(item.i, 0) < limit or taken.get(item.j, 0) < limit:
            kept.append(item)
            taken[item.i] = taken.get(item.i, 0) + 1
            taken[item.j] = taken.get(item.j, 0) + 1
    return sorted(kept, key=lambda c: (c.i, c.j))


def fact_hashes(texts: list[str]) -> U64:
    """Hashes of an article's specific facts, sorted unique, as counted corpus-wide
    (before corpus-wide boilerplate and house vocabulary are known: what those would
    set aside is found in many articles anyway), from its article lines' texts
    (``boilerplate.kept_lines``)."""
    keys = article.text_fact_keys(texts)
    return np.unique(np.fromiter(map(facts.key_hash, keys), dtype=np.uint64, count=len(keys)))


def common_facts(hashes: Sequence[U64], config: ScanConfig) -> frozenset[int]:
    """Hashes of the facts in more than ``rewrite_fact_df_share`` of a corpus of (at
    least 1,000) articles, each given by its ``fact_hashes``, and in more than 5: a
    cast of names or a round figure that many stories share proves no two of them are
    one story."""
    if len(hashes) < DF_MIN_CORPUS:
        return frozenset()
    values, counts = np.unique(np.concatenate(hashes), return_counts=True)
    limit = max(5, config.rewrite_fact_df_share * len(hashes))
    return frozenset(values[counts > limit].tolist())


def shared_fact_bound(a: U64, b: U64, common: frozenset[int]) -> int:
    """How many facts two articles (by their ``fact_hashes``) can share outside the
    ``common`` ones: an upper bound on what verification finds, since it reads facts
    with more of the page set aside."""
    both = np.intersect1d(a, b, assume_unique=True).tolist()
    return sum(1 for h in both if h not in common)


def days_apart(
    when: Sequence[datetime | None], sources: Sequence[str | None], config: ScanConfig
) -> Callable[[int, int], bool]:
    """Whether articles ``i`` and ``j`` are too far apart in time to be one story
    (``dates.too_far_apart``): a follow-up days later, or an outlet's next article
    on its own story, is a new development, not a rewrite."""
    return _DaysApart(tuple(when), tuple(sources), config)


@dataclass(frozen=True, slots=True)
class _DaysApart:
    """``days_apart``'s test as a record (it pickles: a cluster's workers run it)."""

    when: tuple[datetime | None, ...]
    sources: tuple[str | None, ...]
    config: ScanConfig

    def __call__(self, i: int, j: int) -> bool:
        days = dates.days_between(self.when[i], self.when[j])
        same = dates.same_outlet(self.sources[i], self.sources[j])
        return dates.too_far_apart(days, same, self.config)
