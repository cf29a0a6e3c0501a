"""The rewrite tier's verification: are two articles the same news story retold?

Word shingles cannot see rewrites, so the evidence is of two other kinds, and a pair
(whose salient-term weighted Jaccard is at least ``rewrite_min_weighted_jaccard``)
qualifies through either:
- retold sentence by sentence: at least ``rewrite_min_aligned`` sentences, and
  ``rewrite_min_aligned_share`` of the shorter article's, align with the matcher;
- the same specific facts: at least ``rewrite_min_facts`` shared facts (rare names,
  figures, dated days).
Look-alikes (too far apart in time, template copy, follow-up, preview and outcome,
different subjects: ``dedup.rewrites.lookalike``) are refused whatever the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dedup.config import ScanConfig
from dedup.rewrites import features, lookalike
from dedup.rewrites.align import Alignment, Match, align, alignment_bound, swapped
from dedup.rewrites.article import Article
from dedup.rewrites.features import PairFeatures, Rarity
from dedup.rewrites.match import SentenceMatcher
from dedup.rewrites.rarity import facts_weight
from dedup.rewrites.verdict import Verdict, VerdictModel
from dedup.text import facts
from dedup.text.salience import SalientTerms, weighted_jaccard

EXAMPLES = 3
FACT_REFERENCE_WEIGHT = 3.0
"""The corpus-aware weight (smoothed idf, ``rarity``) of a fact found in about one
article in twenty: the event's own names, printed by most articles about it, weigh
about 1; a name only two articles of fifty print, about 4. 3 keeps Clough & Stevenson
at 0.958 (4 cost one heavy revision joined only by its task's facts: 0.947)."""
_TOO_LITTLE = "too little shared: neither enough shared facts nor enough aligned sentences"


@dataclass(frozen=True, slots=True)
class RewriteEvidence:
    """What two articles share beyond word sequences, and the verdict it supports."""

    weighted_jaccard: float
    aligned: int
    aligned_share: float
    shared_facts: tuple[str, ...]
    template_conflicts: int
    matches: tuple[Match, ...]
    examples: tuple[tuple[str, str], ...]
    verdict: bool
    reason: str
    features: PairFeatures | None = None
    probability: float | None = None
    """The fitted verdict's probability that the two tell one story."""
    relation: str = "rewrite"
    """``rewrite`` (one retells the other, or both one report) or ``same-story``."""

    def swapped(self) -> RewriteEvidence:
        """The same evidence with the two articles taken in the other order."""
        return replace(
            self,
            matches=swapped(self.matches),
            examples=tuple((second, first) for first, second in self.examples),
        )


def cheap_bound(a: SalientTerms, b: SalientTerms, config: ScanConfig) -> float | None:
    """Weighted Jaccard when it is high enough for either route, else None: both
    shared facts and retold sentences come with shared rare vocabulary."""
    score = weighted_jaccard(a, b)
    return score if score >= config.rewrite_min_weighted_jaccard else None


def verify(
    a: Article,
    b: Article,
    score: float,
    matcher: SentenceMatcher,
    config: ScanConfig,
    common_facts: frozenset[int] = frozenset(),
    *,
    fact_bound: int | None = None,
    rarity: Rarity | None = None,
    full: bool = False,
) -> RewriteEvidence:
    """Align the two articles' sentences, set aside aligned pairs whose figures
    contradict, and decide: template copy, same facts, retold, or too little.
    ``common_facts`` (hashes of facts found in many articles of the corpus: 'name:bank
    of england', 'number:100') cannot tell one story from another and do not count.
    ``fact_bound``, an upper bound on the shared facts when known (from fact hashes),
    lets a pair that can reach neither route be refused before anything is aligned
    or read; a refused pair's evidence then lists no shared facts.

    The evidence does not depend on which article is ``a``: it is worked out with
    the two in the order of their content (``content_order``), then turned round."""
    model = VerdictModel.default() if config.rewrite_verdict == "fitted" else None
    context = _Context(matcher, config, common_facts, rarity or Rarity.english(), model, full)
    if content_order(b) < content_order(a):
        return _verify(b, a, score, context, fact_bound).swapped()
    return _verify(a, b, score, context, fact_bound)


@dataclass(frozen=True, slots=True)
class _Context:
    """What verification reads besides the two articles."""

    matcher: SentenceMatcher
    config: ScanConfig
    common_facts: frozenset[int]
    rarity: Rarity
    model: VerdictModel | None
    full: bool
    """Align and read facts whatever the bounds say (to fit or explain the model)."""


def content_order(article: Article) -> tuple[str, str, str]:
    """What orders two articles for verification: their text, then date and source
    (never their ids), so that renaming articles changes no evidence or reason."""
    doc = article.document
    return doc.text, doc.date or "", doc.source or ""


def _verify(
    a: Article, b: Article, score: float, context: _Context, fact_bound: int | None
) -> RewriteEvidence:
    """``verify`` with the articles in a fixed order."""
    config, common_facts = context.config, context.common_facts
    if score < config.rewrite_min_weighted_jaccard:
        reason = "too little salient vocabulary shared"
        return _evidence(score, None, _shared(a, b, common_facts), 0, False, reason, a, b)
    late = lookalike.too_far_apart(a, b, config)
    if late is not None:
        return _evidence(score, None, (), 0, False, late, a, b)
    exhaustive = context.full or context.model is not None
    facts_possible = exhaustive or fact_bound is None or fact_bound >= config.rewrite_min_facts
    if not facts_possible and not _may_retell(a, b, config):
        return _evidence(score, None, (), 0, False, _TOO_LITTLE, a, b)
    shared = _shared(a, b, common_facts) if facts_possible else ()
    aligned = align(a.sentences, b.sentences, context.matcher)
    conflicting, with_figures = lookalike.template_conflicts(aligned, a, b)
    agreeing = Alignment(
        tuple(m for m in aligned.matches if m not in conflicting),
        aligned.sentences_a,
        aligned.sentences_b,
    )
    weight = facts_weight(shared, context.rarity.facts)
    routed = _route(agreeing, shared, weight, config)
    refused = lookalike.template(len(conflicting), with_figures)
    if refused is None and routed is not None:
        refused = lookalike.refusal(agreeing, a, b)
    ruled = refused is None and routed is not None
    verdict, reason = ruled, refused or routed or _TOO_LITTLE
    if verdict and not facts_possible:
        shared = _shared(a, b, common_facts)  # reported with the verdict
    evidence = _evidence(score, agreeing, shared, len(conflicting), verdict, reason, a, b)
    if not exhaustive:
        return evidence
    found = features.extract(a, b, score, agreeing, shared, len(conflicting), ruled, context.rarity)
    if context.model is None:
        return replace(evidence, features=found)
    decided = context.model.decide(found)
    return replace(
        evidence,
        verdict=decided.same_story,
        reason=_fitted_reason(decided, context.model, refused),
        features=found,
        probability=decided.probability,
        relation="same-story" if decided.relation == "same-story" else "rewrite",
    )


def _fitted_reason(decided: Verdict, model: VerdictModel, refused: str | None) -> str:
    """The fitted verdict in one line (with the look-alike rule that weighed against
    it, if any)."""
    if decided.same_story:
        told = "one retells the other" if decided.relation == "rewrite" else "told independently"
        return f"one story ({told}): fitted verdict {decided.probability:.2f}"
    threshold = model.story.threshold
    below = f"fitted verdict {decided.probability:.2f} below {threshold:.2f}"
    return f"{refused} ({below})" if refused else f"too little shared: {below}"


def _shared(a: Article, b: Article, common_facts: frozenset[int]) -> tuple[str, ...]:
    """The specific facts both articles state, less the corpus's common ones."""
    both = a.fact_keys & b.fact_keys
    return facts.distinct({k for k in both if facts.key_hash(k) not in common_facts})


def _may_retell(a: Article, b: Article, config: ScanConfig) -> bool:
    """Whether enough sentences could align for the 'retold' route (an upper bound)."""
    count, share = alignment_bound(a.sentences, b.sentences)
    return count >= config.rewrite_min_aligned and share >= config.rewrite_min_aligned_share


def _evidence(
    score: float,
    alignment: Alignment | None,
    shared: tuple[str, ...],
    conflicts: int,
    verdict: bool,
    reason: str,
    a: Article,
    b: Article,
) -> RewriteEvidence:
    return RewriteEvidence(
        weighted_jaccard=round(score, 6),
        aligned=alignment.aligned_count() if alignment else 0,
        aligned_share=round(alignment.share_of_shorter(), 6) if alignment else 0.0,
        shared_facts=shared,
        template_conflicts=conflicts,
        matches=alignment.matches if alignment else (),
        examples=_examples(alignment, a, b) if alignment else (),
        verdict=verdict,
        reason=reason,
    )


def _route(
    alignment: Alignment, shared: tuple[str, ...], weight: float, config: ScanConfig
) -> str | None:
    """The route by which the evidence makes a rewrite (same facts, or retold), or
    None; a look-alike may still overturn it. Shared facts count by their rarity in
    the corpus (``rarity``): at least ``rewrite_min_facts`` of them, weighing together
    as much as that many facts of ``FACT_REFERENCE_WEIGHT`` each."""
    needed = config.rewrite_min_facts
    if len(shared) >= needed and weight >= needed * FACT_REFERENCE_WEIGHT:
        return (
            f"same facts: {len(shared)} shared names, figures and dates "
            f"(weighing {weight:.1f} by their rarity here)"
        )
    aligned, share = alignment.aligned_count(), alignment.share_of_shorter()
    if aligned >= config.rewrite_min_aligned and share >= config.rewrite_min_aligned_share:
        return (
            f"retold: {aligned} sentences ({share:.0%} of the shorter article) align "
            "without contradicting figures"
        )
    return None


def _examples(alignment: Alignment, a: Article, b: Article) -> tuple[tuple[str, str], ...]:
    """The best aligned sentence pairs, as text, to show why the pair was joined."""
    best = sorted(alignment.matches, key=lambda m: (-m.score, m.a, m.b))[:EXAMPLES]
    return tuple((a.sentences[m.a].text, b.sentences[m.b].text) for m in best)
