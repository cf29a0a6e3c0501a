"""Compare two articles as a scan would: both tiers' scores, evidence and verdict.

For users who hold two texts and ask "is one a copy or rewrite of the other?", and
for the quality harness, which scores every Clough & Stevenson answer this way.
"""

from __future__ import annotations

from dataclasses import dataclass

from dedup.config import ScanConfig
from dedup.copies import pairing
from dedup.copies.pairing import Scores
from dedup.fingerprint.fingerprinter import Fingerprinter, TooShort
from dedup.ingest.document import Document
from dedup.rewrites import verify
from dedup.rewrites.article import Article
from dedup.rewrites.match import SentenceMatcher
from dedup.text import boilerplate, salience


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both tiers' verdict on two articles: word-shingle scores, the rewrite tier's
    evidence (when ``rewrites`` is on), the relation, and one strength score."""

    scores: Scores
    rewrite: verify.RewriteEvidence | None
    relation: str | None

    @property
    def strength(self) -> float:
        """How close a copy, 0-1: the mean of how much of the shorter article is
        verbatim (word-shingle containment) and how much of it is retold (share of its
        sentences that align; containment again when the rewrite tier is off). A cut
        copy scores above a light edit, which scores above a heavy rewrite."""
        verbatim = self.scores.containment
        retold = self.rewrite.aligned_share if self.rewrite is not None else verbatim
        return (verbatim + max(retold, verbatim)) / 2


def compare(a: Document, b: Document, config: ScanConfig | None = None) -> Comparison | None:
    """Score two articles as a scan would (None if either is too short)."""
    config = config or ScanConfig()
    fingerprinter = Fingerprinter(config)
    ta = fingerprinter.tokens(boilerplate.split_lines(a.text))
    tb = fingerprinter.tokens(boilerplate.split_lines(b.text))
    fa, fb = fingerprinter.fingerprint_tokens(a.id, ta), fingerprinter.fingerprint_tokens(b.id, tb)
    if isinstance(fa, TooShort) or isinstance(fb, TooShort):
        return None
    scores = pairing.score(fa, fb, config)
    if not config.rewrites:
        return Comparison(scores, None, scores.relation)
    bound = salience.weighted_jaccard(salience.salient_terms(ta), salience.salient_terms(tb))
    evidence = verify.verify(Article(a), Article(b), bound, SentenceMatcher.default(), config)
    relation = scores.relation or ("rewrite" if evidence.verdict else None)
    return Comparison(scores, evidence, relation)
