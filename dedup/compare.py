"""Compare two articles as a scan would: both tiers' scores, evidence and verdict.

For users who hold two texts and ask "is one a copy or rewrite of the other?", and
for the quality harness, which scores every Clough & Stevenson answer this way.
"""

from __future__ import annotations

from dataclasses import dataclass

from dedup.config import ScanConfig
from dedup.copies import pairing, short
from dedup.copies.pairing import Pair, Scores
from dedup.fingerprint.fingerprinter import Fingerprint, Fingerprinter, TooShort
from dedup.ingest.document import Document
from dedup.rewrites import verify
from dedup.rewrites.article import Article
from dedup.rewrites.match import SentenceMatcher
from dedup.text import boilerplate, salience


@dataclass(frozen=True, slots=True)
class AlignedSentence:
    """Sentence ``a_index`` of the first article aligned with sentence ``b_index`` of
    the second, with their text and the sentence matcher's score and kind."""

    a_index: int
    b_index: int
    a_text: str
    b_text: str
    score: float
    kind: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both tiers' verdict on two articles: word-shingle scores, the rewrite tier's
    evidence (when ``rewrites`` is on), the relation, and one strength score."""

    scores: Scores
    rewrite: verify.RewriteEvidence | None
    relation: str | None
    aligned: tuple[AlignedSentence, ...] = ()
    """Every sentence pair the rewrite tier aligned (those with contradicting figures
    set aside), in the first article's order: the evidence side by side."""
    edit_similarity: float | None = None
    """Token edit similarity when the short route found the near-copy."""

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
    la, lb = boilerplate.split_lines(a.text), boilerplate.split_lines(b.text)
    ta, tb = fingerprinter.tokens(la), fingerprinter.tokens(lb)
    fa, fb = fingerprinter.fingerprint_tokens(a.id, ta), fingerprinter.fingerprint_tokens(b.id, tb)
    if isinstance(fa, TooShort) or isinstance(fb, TooShort):
        return None
    scores = pairing.score(fa, fb, config)
    found = None if scores.relation else _short_pair((fa, a, la), (fb, b, lb), fingerprinter)
    if found is not None:
        scores = Scores(found.jaccard, found.containment, found.relation)
    edit = found.edit_similarity if found is not None else None
    if not config.rewrites:
        return Comparison(scores, None, scores.relation, edit_similarity=edit)
    bound = salience.weighted_jaccard(salience.salient_terms(ta), salience.salient_terms(tb))
    article_a, article_b = Article(a), Article(b)
    evidence = verify.verify(article_a, article_b, bound, SentenceMatcher.default(), config)
    relation = scores.relation or (evidence.relation if evidence.verdict else None)
    aligned = _aligned(evidence, article_a, article_b)
    return Comparison(scores, evidence, relation, aligned, edit)


def _aligned(
    evidence: verify.RewriteEvidence, a: Article, b: Article
) -> tuple[AlignedSentence, ...]:
    """The evidence's aligned sentence pairs as text, in the first article's order."""
    return tuple(
        AlignedSentence(
            m.a, m.b, a.sentences[m.a].text, b.sentences[m.b].text, round(m.score, 6), m.kind
        )
        for m in sorted(evidence.matches, key=lambda m: (m.a, m.b))
    )


def _short_pair(
    a: tuple[Fingerprint, Document, list[boilerplate.Line]],
    b: tuple[Fingerprint, Document, list[boilerplate.Line]],
    fingerprinter: Fingerprinter,
) -> Pair | None:
    """The short route's near-copy of two short articles (fingerprint, document, lines);
    None when either is longer."""
    if not all(short.is_short(side[0].tokens, fingerprinter.config) for side in (a, b)):
        return None
    first, second = (
        short.item(fp, doc.text, lines, fingerprinter.tokens) for fp, doc, lines in (a, b)
    )
    return short.verify(first, second, fingerprinter.config)
