"""Candidates: find pairs through the band index, then verify them exactly.

Articles with identical normalised text share one representative, so the LSH sees
each distinct text once; verification measures exact Jaccard and containment on the
sorted shingle-hash arrays and names the relation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from dedup.config import ScanConfig
from dedup.copies.lsh import BandIndex, MemoryBandIndex, band_keys
from dedup.fingerprint.fingerprinter import Fingerprint
from dedup.fingerprint.minhash import lsh_params
from dedup.fingerprint.shingle import U32

if TYPE_CHECKING:
    from dedup.rewrites.verify import RewriteEvidence

Relation = Literal["copy", "near-copy", "rewrite", "same-story"]
TwinOrder = Callable[[int], tuple[str, ...]]
"""Orders identical texts by position: the least is their representative."""
RELATION_STRENGTH: dict[Relation, int] = {
    "copy": 4,
    "near-copy": 3,
    "rewrite": 2,
    "same-story": 1,
}


@dataclass(frozen=True, slots=True)
class Pair:
    """A verified edge between two documents (``a < b``) with its exact word-shingle
    scores, the rewrite tier's evidence when that tier found it, and the token edit
    similarity when the short route (``copies.short``) found it."""

    a: str
    b: str
    jaccard: float
    containment: float
    relation: Relation
    rewrite: RewriteEvidence | None = None
    edit_similarity: float | None = None


def jaccard_and_containment(a: U32, b: U32) -> tuple[float, float]:
    """Exact Jaccard and containment (share of the smaller set found in the larger)."""
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def classify(jaccard: float, containment: float, config: ScanConfig) -> Relation | None:
    """The relation the scores support, or None when the pair is not a copy."""
    if jaccard >= config.copy_jaccard:
        return "copy"
    if jaccard >= config.near_jaccard or containment >= config.near_containment:
        return "near-copy"
    return None


@dataclass(frozen=True, slots=True)
class Scores:
    """Exact similarity of two fingerprinted articles, and the relation it supports."""

    jaccard: float
    containment: float
    relation: Relation | None


def score(a: Fingerprint, b: Fingerprint, config: ScanConfig) -> Scores:
    """Exact Jaccard and containment of two fingerprints (rounded to 6 places); below
    ``copy_min_tokens`` only identical texts make a relation."""
    if a.exact == b.exact:
        return Scores(1.0, 1.0, "copy")
    jaccard, containment = jaccard_and_containment(a.shingles, b.shingles)
    jaccard, containment = round(jaccard, 6), round(containment, 6)
    if min(a.tokens, b.tokens) < config.copy_min_tokens:
        return Scores(jaccard, containment, None)
    return Scores(jaccard, containment, classify(jaccard, containment, config))


def verify(a: Fingerprint, b: Fingerprint, config: ScanConfig) -> Pair | None:
    """The verified pair for a candidate; None when it does not qualify."""
    scores = score(a, b, config)
    if scores.relation is None:
        return None
    first, second = sorted((a.doc_id, b.doc_id))
    return Pair(first, second, scores.jaccard, scores.containment, scores.relation)


def identical_groups(
    fingerprints: Sequence[Fingerprint], first: TwinOrder | None = None
) -> list[list[int]]:
    """Positions of the fingerprints sharing each exact-text hash, each group sorted by
    ``first(position)`` (a key made of the article's content: the representative, its
    first member, is then chosen by no name), then by document id, so that the
    representative never depends on input order."""
    groups: dict[int, list[int]] = {}
    for position, fp in enumerate(fingerprints):
        groups.setdefault(fp.exact, []).append(position)

    def key(position: int) -> tuple[tuple[str, ...], str]:
        return (first(position) if first else ()), fingerprints[position].doc_id

    return [sorted(g, key=key) if len(g) > 1 else g for g in groups.values()]


def make_index(config: ScanConfig) -> BandIndex:
    bands, rows = lsh_params(config.lsh_threshold, config.num_perm)
    return MemoryBandIndex(bands, rows)


def find_pairs(
    fingerprints: Sequence[Fingerprint],
    config: ScanConfig,
    index: BandIndex | None = None,
    *,
    full: Callable[[int], Fingerprint] | None = None,
    first: TwinOrder | None = None,
) -> Iterator[Pair]:
    """Every verified pair: exact copies (linked to their group's representative) and the
    LSH candidates between distinct texts that pass verification. ``full(position)``
    gives a fingerprint with its shingle set and signature when ``fingerprints`` keep
    them elsewhere (a scan keeps them on disk); ``first`` orders identical texts
    (``identical_groups``)."""
    index = index if index is not None else make_index(config)
    get = full if full is not None else fingerprints.__getitem__
    representatives: list[int] = []
    for members in identical_groups(fingerprints, first):
        head = fingerprints[members[0]]
        for other in members[1:]:
            low, high = sorted((head.doc_id, fingerprints[other].doc_id))
            yield Pair(low, high, 1.0, 1.0, "copy")
        signature = get(members[0]).signature
        index.add(len(representatives), band_keys(signature, index.bands, index.rows))
        representatives.append(members[0])
    for i, j in index.pairs():
        pair = verify(get(representatives[i]), get(representatives[j]), config)
        if pair is not None:
            yield pair


def expand_identical(pairs: Iterable[Pair], groups: Iterable[Sequence[str]]) -> list[Pair]:
    """Give every member of a group of identical texts the pairs of its group's first
    member (the representative the tiers compared), so that any copy can be an origin."""
    copies = {group[0]: group[1:] for group in groups if len(group) > 1}
    out: list[Pair] = []
    for pair in pairs:
        out.append(pair)
        for one, other in ((pair.a, pair.b), (pair.b, pair.a)):
            for twin in copies.get(one, ()):
                if twin != other:
                    a, b = sorted((twin, other))
                    out.append(replace(pair, a=a, b=b))
    best: dict[tuple[str, str], Pair] = {}
    for pair in out:
        key = (pair.a, pair.b)
        if key not in best or _rank(pair) > _rank(best[key]):
            best[key] = pair
    return [best[key] for key in sorted(best)]


def _rank(pair: Pair) -> tuple[int, float, float]:
    return RELATION_STRENGTH[pair.relation], pair.jaccard, pair.containment
