"""The rewrite tier's verification: are two articles the same news story retold?

Word shingles cannot see rewrites, so the evidence is the meaning of sentences (their
embeddings, ``rewrites.meaning``) and the facts they state. A pair (whose salient-term
weighted Jaccard is at least ``rewrite_min_weighted_jaccard``) qualifies through either:
- retold sentence by sentence: at least ``rewrite_min_aligned`` sentence pairs whose
  cosine reaches ``rewrite_align_cosine`` and whose facts do not conflict, and
  ``rewrite_min_aligned_share`` of the shorter article's sentences align;
- the same lede and rare facts: the two ledes open on the same news (cosine at least
  ``rewrite_lede_cosine``), the facts both state weigh ``rewrite_min_fact_weight`` by
  their rarity in the corpus, and a sentence pair (cosine ``rewrite_support_cosine``)
  agrees on its facts; never for two articles of one outlet (``Article.outlet``: the
  same ``source``, or one agency's byline or sign-off): an outlet does not retell its
  own story in other words, so its two articles that open alike without being retold
  sentence by sentence are its follow-up on the subject;
- one development from two outlets (relation ``same-story``, told independently): both
  outlets known and different, and either their ledes embedded whole meet at
  ``rewrite_outlets_lede_cosine`` and the facts both state weigh
  ``rewrite_outlets_fact_weight``, or they print the same quotations
  (``rewrite_outlets_quotes``, a ``rewrite_outlets_quote_share`` of either's).
Facts shared without these are the event's, not the story's: on real multi-outlet
feeds they joined different developments of one event. Template copy (more aligned
pairs that state different facts than the same ones) and the look-alikes of
``dedup.rewrites.lookalike`` are refused whatever the evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

from dedup.config import ScanConfig
from dedup.rewrites import features, lookalike, meaning
from dedup.rewrites.align import Alignment, Match, align, swapped
from dedup.rewrites.article import Article, same_outlet
from dedup.rewrites.features import PairFeatures, Rarity
from dedup.rewrites.match import SentenceMatcher
from dedup.rewrites.rarity import facts_weight
from dedup.rewrites.verdict import Verdict, VerdictModel
from dedup.text import facts, quotes
from dedup.text.salience import SalientTerms, weighted_jaccard

EXAMPLES = 3
TEMPLATE_MIN_CONFLICTS = 2
"""Aligned sentence pairs that must state other facts before a pair is template copy:
one such pair is a correction or a detail told differently."""
LEGACY_ALIGNED = 2
LEGACY_SHARE = 0.3
FACT_REFERENCE_WEIGHT = 3.0
"""The corpus-aware weight (smoothed idf, ``rarity``) of a fact found in about one
article in twenty: the event's own names, printed by most articles about it, weigh
about 1; a name only two articles of fifty print, about 4. 3 keeps Clough & Stevenson
at 0.958 (4 cost one heavy revision joined only by its task's facts: 0.947)."""
_TOO_LITTLE = "too little shared: neither the same lede and rare facts nor enough sentences retold"


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
    if context.full or context.model is not None or config.rewrite_verdict == "rules":
        return _lexical(a, b, score, context)

    @cache
    def shared() -> tuple[str, ...]:
        return _shared(a, b, common_facts) if fact_bound is None or fact_bound > 0 else ()

    loose = meaning.align_by_meaning(a, b, score_cutoff=config.rewrite_support_cosine)
    strict = _at_least(loose, config.rewrite_align_cosine)
    told = meaning.agreement(strict, a, b)
    refused = _template(told)
    routed = _route(a, b, strict, told, loose, shared, context)
    if refused is None and routed is not None:
        refused = lookalike.refusal(loose, a, b)
    verdict = refused is None and routed is not None
    reason = refused or (routed.reason if routed else _TOO_LITTLE)
    # a scan (``fact_bound`` known) reads the facts of pairs it joins, or that reach
    # the same-lede or two-outlet route; compare and check list them whatever the verdict
    listed = shared() if verdict or fact_bound is None else ()
    found = _evidence(score, strict, listed, told.conflicting, verdict, reason, a, b)
    return replace(found, relation=routed.relation) if verdict and routed else found


@dataclass(frozen=True, slots=True)
class _Routed:
    """Why the evidence makes one story, and the relation: ``rewrite`` (derived) or
    ``same-story`` (told independently by two outlets)."""

    reason: str
    relation: str = "rewrite"


def _at_least(alignment: Alignment, cosine: float) -> Alignment:
    """The alignment's matches whose cosine reaches ``cosine`` (greedy one-to-one
    matching takes the highest cosines first, so these are its matching at ``cosine``)."""
    kept = tuple(m for m in alignment.matches if m.score >= cosine)
    return Alignment(kept, alignment.sentences_a, alignment.sentences_b)


def _template(told: meaning.Agreement) -> str | None:
    """Why the pair is template copy, or None: more of its aligned sentence pairs state
    different facts than the same ones (two bond issues, two crude postings)."""
    if told.conflicting >= TEMPLATE_MIN_CONFLICTS and told.conflicting > told.agreeing:
        return (
            f"template: {told.conflicting} aligned sentence pairs state other facts, "
            f"{told.agreeing} the same"
        )
    return None


def _route(
    a: Article,
    b: Article,
    strict: Alignment,
    told: meaning.Agreement,
    loose: Alignment,
    shared: Callable[[], tuple[str, ...]],
    context: _Context,
) -> _Routed | None:
    """The route by which the evidence makes one story (retold, the same lede and rare
    facts, or one development from two outlets), or None; a look-alike may still
    overturn it."""
    config = context.config
    share, consistent = strict.share_of_shorter(), len(strict.matches) - told.conflicting
    if consistent >= config.rewrite_min_aligned and share >= config.rewrite_min_aligned_share:
        return _Routed(
            f"retold: {strict.aligned_count()} sentences ({share:.0%} of the shorter article) "
            f"align by meaning, {consistent} of them without contradicting facts"
        )
    lede = meaning.lede_similarity(a, b)
    if not same_outlet(a, b) and lede >= config.rewrite_lede_cosine and shared():
        weight = facts_weight(shared(), context.rarity.facts)
        if weight >= config.rewrite_min_fact_weight and meaning.agreement(loose, a, b).agreeing:
            return _Routed(
                f"same lede and facts: the ledes align (cosine {lede:.2f}) and {len(shared())} "
                f"shared names, figures and dates weigh {weight:.1f} by their rarity here"
            )
    return _two_outlets(a, b, shared, context)


def _two_outlets(
    a: Article, b: Article, shared: Callable[[], tuple[str, ...]], context: _Context
) -> _Routed | None:
    """Route ``same-story``: two outlets (both known, not the same) tell one development:
    they open on it (their ledes, each embedded whole, meet at
    ``rewrite_outlets_lede_cosine``, and the facts both state weigh
    ``rewrite_outlets_fact_weight`` by their rarity here), or they print the same
    statements (``_quoted_alike``). One outlet's two articles on a development are its
    follow-up, never this route: archives without sources, or of one outlet, keep the
    two derived routes alone."""
    config, one, other = context.config, a.outlet, b.outlet
    if not one or not other or same_outlet(a, b):
        return None
    first, second = sorted((one, other))
    quoted = _quoted_alike(a, b, config)
    if quoted:
        return _Routed(
            f"same story from two outlets: {first} and {second} print {quoted} of the same "
            "quotations",
            "same-story",
        )
    lede = meaning.lede_cosine(a, b)
    if lede < config.rewrite_outlets_lede_cosine or not shared():
        return None
    weight = facts_weight(shared(), context.rarity.facts)
    if weight < config.rewrite_outlets_fact_weight:
        return None
    return _Routed(
        f"same story from two outlets: {first} and {second} open on one development (ledes "
        f"at cosine {lede:.2f}) and {len(shared())} shared names, figures and dates weigh "
        f"{weight:.1f} by their rarity here",
        "same-story",
    )


def _quoted_alike(a: Article, b: Article, config: ScanConfig) -> int:
    """How many quotations both articles print when they are at least
    ``rewrite_outlets_quotes`` and ``rewrite_outlets_quote_share`` of the quotations of
    the article that quotes more (else 0): two outlets reporting one statement quote the
    same words, a roundup or a column quotes much besides. Counted from the side that
    finds fewer, so the order of the two does not matter."""
    mine, theirs = a.quotes, b.quotes
    if min(len(mine), len(theirs)) < config.rewrite_outlets_quotes:
        return 0
    both = min(quotes.shared(mine, theirs), quotes.shared(theirs, mine))
    share = both / max(len(mine), len(theirs))
    if both < config.rewrite_outlets_quotes or share < config.rewrite_outlets_quote_share:
        return 0
    return both


def _lexical(a: Article, b: Article, score: float, context: _Context) -> RewriteEvidence:
    """The earlier verdicts (``--verdict rules``: the routes over the lexical alignment,
    ``_legacy_route``; ``--verdict fitted``: the model over features read from them)."""
    shared = _shared(a, b, context.common_facts)
    aligned = align(a.sentences, b.sentences, context.matcher)
    conflicting, with_figures = lookalike.template_conflicts(aligned, a, b)
    agreeing = Alignment(
        tuple(m for m in aligned.matches if m not in conflicting),
        aligned.sentences_a,
        aligned.sentences_b,
    )
    weight = facts_weight(shared, context.rarity.facts)
    refused = lookalike.template(len(conflicting), with_figures)
    routed = _legacy_route(agreeing, shared, weight, context.config)
    if refused is None and routed is not None:
        refused = lookalike.refusal(agreeing, a, b)
    ruled = refused is None and routed is not None
    evidence = _evidence(
        score, agreeing, shared, len(conflicting), ruled, refused or routed or _TOO_LITTLE, a, b
    )
    if context.model is None and not context.full:
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


def _legacy_route(
    alignment: Alignment, shared: tuple[str, ...], weight: float, config: ScanConfig
) -> str | None:
    """The routes of the lexical verdict (``--verdict rules``, and one input of the
    fitted model): at least ``rewrite_min_facts`` shared facts weighing as much as that
    many of ``FACT_REFERENCE_WEIGHT``, or ``LEGACY_ALIGNED`` sentences aligned (and
    ``LEGACY_SHARE`` of the shorter article's)."""
    needed = config.rewrite_min_facts
    if len(shared) >= needed and weight >= needed * FACT_REFERENCE_WEIGHT:
        return (
            f"same facts: {len(shared)} shared names, figures and dates "
            f"(weighing {weight:.1f} by their rarity here)"
        )
    aligned, share = alignment.aligned_count(), alignment.share_of_shorter()
    if aligned >= LEGACY_ALIGNED and share >= LEGACY_SHARE:
        return (
            f"retold: {aligned} sentences ({share:.0%} of the shorter article) align "
            "without contradicting figures"
        )
    return None


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


def _examples(alignment: Alignment, a: Article, b: Article) -> tuple[tuple[str, str], ...]:
    """The best aligned sentence pairs, as text, to show why the pair was joined."""
    best = sorted(alignment.matches, key=lambda m: (-m.score, m.a, m.b))[:EXAMPLES]
    return tuple((a.sentences[m.a].text, b.sentences[m.b].text) for m in best)
