"""Pairs: the verified relation between two articles, measured exactly.

Verification measures exact Jaccard and containment on the sorted shingle-hash
arrays and names the relation; ``finder`` decides which candidates to verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from dedup.config import ScanConfig
from dedup.fingerprint.fingerprinter import Fingerprint
from dedup.fingerprint.shingle import U32

if TYPE_CHECKING:
    from dedup.rewrites.verify import RewriteEvidence

Relation = Literal["copy", "near-copy", "rewrite", "same-story"]
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
