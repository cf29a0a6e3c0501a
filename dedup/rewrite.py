"""The rewrite tier's verification: are two articles the same news story retold?

Word shingles cannot see rewrites, so the evidence is of two other kinds, and a pair
(whose salient-term weighted Jaccard is at least ``rewrite_min_weighted_jaccard``)
qualifies through either:
- retold sentence by sentence: at least ``rewrite_min_aligned`` sentences, and
  ``rewrite_min_aligned_share`` of the shorter article's, align with the matcher;
- the same specific facts: at least ``rewrite_min_facts`` shared facts (rare names,
  figures, dated days).
Two look-alikes are refused whatever the evidence:
- template copy (stock notes filled from one form): most aligned sentence pairs that
  both carry figures share none of them, so the texts tell different facts in the
  same words;
- a follow-up (the next development, told by the same newsroom): background sentences
  are reused word for word while neither article's lede is told in the other. A
  retelling of the same story tells its news, so the ledes align (a lede aligned with
  a sentence that denies or rejects what it reports is a reaction, and does not
  count); quotations and all-capital lines (link titles, app banners) are verbatim
  anywhere and do not count.
"""

from __future__ import annotations

from dataclasses import dataclass

from dedup import facts
from dedup.align import Alignment, Match, align, alignment_bound, matchable
from dedup.article import Article, specific
from dedup.config import ScanConfig
from dedup.facts import Fact
from dedup.match import SentenceMatcher
from dedup.normalise import normalise, tokenise
from dedup.salience import SalientTerms, weighted_jaccard

EXAMPLES = 3
TEMPLATE_MIN_PAIRS = 3
TEMPLATE_CONFLICT_SHARE = 0.6
FOLLOW_UP_MIN_REUSED = 2
"""Reused background sentences (verbatim or near) that, with no lede aligned, mark a
follow-up: on BBC it refused 42 of 329 rewrite pairs, by their headlines different
developments ("Verizon seals takeover of MCI" / "Qwest may spark MCI bidding war");
no seed or SemEval pair is affected."""
LEDE_SENTENCES = 3
"""An article's lede: its first matchable sentences (headline and opening)."""
_QUOTE_MARKS = frozenset('"\u201c\u201d\u00ab\u00bb')
_DENIALS = frozenset(
    "not no never nor deny denies denied denying reject rejects rejected rejecting "
    "dismiss dismisses dismissed dismissing".split()
)
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
) -> RewriteEvidence:
    """Align the two articles' sentences, set aside aligned pairs whose figures
    contradict, and decide: template copy, same facts, retold, or too little.
    ``common_facts`` (hashes of facts found in many articles of the corpus: 'name:bank
    of england', 'number:100') cannot tell one story from another and do not count.
    ``fact_bound``, an upper bound on the shared facts when known (from fact hashes),
    lets a pair that can reach neither route be refused before anything is aligned
    or read; a refused pair's evidence then lists no shared facts."""
    if score < config.rewrite_min_weighted_jaccard:
        reason = "too little salient vocabulary shared"
        return _evidence(score, None, _shared(a, b, common_facts), 0, False, reason, a, b)
    facts_possible = fact_bound is None or fact_bound >= config.rewrite_min_facts
    if not facts_possible and not _may_retell(a, b, config):
        return _evidence(score, None, (), 0, False, _TOO_LITTLE, a, b)
    shared = _shared(a, b, common_facts) if facts_possible else ()
    aligned = align(a.sentences, b.sentences, matcher)
    conflicting = _conflicts(aligned, a, b)
    with_figures = sum(
        1 for m in aligned.matches if _comparable(a.sentence_facts(m.a), b.sentence_facts(m.b))
    )
    agreeing = Alignment(
        tuple(m for m in aligned.matches if m not in conflicting),
        aligned.sentences_a,
        aligned.sentences_b,
    )
    reused = _follow_up_reuse(agreeing, a, b)
    verdict, reason = _decide(agreeing, len(shared), len(conflicting), with_figures, reused, config)
    if verdict and not facts_possible:
        shared = _shared(a, b, common_facts)  # reported with the verdict
    return _evidence(score, agreeing, shared, len(conflicting), verdict, reason, a, b)


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


def _decide(
    alignment: Alignment,
    shared: int,
    conflicts: int,
    with_figures: int,
    reused: int,
    config: ScanConfig,
) -> tuple[bool, str]:
    """The verdict, look-alikes first: shared chrome ('MarketBeat', '50-day average')
    must not make two stock notes from one form a story, nor reused background two
    developments one story."""
    if with_figures >= TEMPLATE_MIN_PAIRS and conflicts >= TEMPLATE_CONFLICT_SHARE * with_figures:
        return False, (
            f"template: {conflicts} of {with_figures} aligned sentence pairs differ in every figure"
        )
    if reused >= FOLLOW_UP_MIN_REUSED:
        return False, (
            f"follow-up: {reused} background sentences reused word for word, but neither "
            "article's lede is told in the other"
        )
    if shared >= config.rewrite_min_facts:
        return True, f"same facts: {shared} shared names, figures and dates"
    aligned, share = alignment.aligned_count(), alignment.share_of_shorter()
    if aligned >= config.rewrite_min_aligned and share >= config.rewrite_min_aligned_share:
        return True, (
            f"retold: {aligned} sentences ({share:.0%} of the shorter article) align "
            "without contradicting figures"
        )
    return False, _TOO_LITTLE


def _follow_up_reuse(alignment: Alignment, a: Article, b: Article) -> int:
    """How many narrative sentences the two reuse word for word, when no sentence of
    either article's lede aligns with one of the same polarity (else 0: the pair
    tells the same news)."""
    ledes_a = {s.index for s in matchable(a.sentences)[:LEDE_SENTENCES]}
    ledes_b = {s.index for s in matchable(b.sentences)[:LEDE_SENTENCES]}
    for m in alignment.matches:
        told = m.a in ledes_a or m.b in ledes_b
        if told and _denies(a.sentences[m.a].text) == _denies(b.sentences[m.b].text):
            return 0
    return sum(
        1 for m in alignment.matches if m.kind != "paraphrase" and _narrative(a.sentences[m.a].text)
    )


def _denies(text: str) -> bool:
    """The sentence negates, denies or rejects something ("has denied suggestions")."""
    if "n't" in text.replace("\u2019", "'"):
        return True
    return not _DENIALS.isdisjoint(tokenise(normalise(text)))


def _narrative(text: str) -> bool:
    """Not a quotation and not an all-capital line: text a newsroom wrote itself."""
    return not _QUOTE_MARKS.intersection(text) and not text.isupper()


def _conflicts(alignment: Alignment, a: Article, b: Article) -> set[Match]:
    """Aligned sentence pairs that both carry figures and share none of them, or both
    name someone specific and share no name: the same words around different facts
    (template copy: two bond issues, two price rises), which prove nothing."""
    conflicts = set()
    for match in alignment.matches:
        fa, fb = a.sentence_facts(match.a), b.sentence_facts(match.b)
        na, nb = _numbers(fa), _numbers(fb)
        wa, wb = _name_words(fa), _name_words(fb)
        if (na and nb and not na & nb) or (wa and wb and not wa & wb):
            conflicts.add(match)
    return conflicts


def _comparable(fa: tuple[Fact, ...], fb: tuple[Fact, ...]) -> bool:
    """Both sentences state figures, or both name someone specific."""
    return bool((_numbers(fa) and _numbers(fb)) or (_name_words(fa) and _name_words(fb)))


def _numbers(found: tuple[Fact, ...]) -> set[str]:
    return {f.key for f in found if f.kind == "number"}


def _name_words(found: tuple[Fact, ...]) -> set[str]:
    """Words of the sentence's specific names ("credit suisse first boston ltd")."""
    return {w for f in found if f.kind == "name" and specific(f) for w in f.key.split()}


def _examples(alignment: Alignment, a: Article, b: Article) -> tuple[tuple[str, str], ...]:
    """The best aligned sentence pairs, as text, to show why the pair was joined."""
    best = sorted(alignment.matches, key=lambda m: (-m.score, m.a, m.b))[:EXAMPLES]
    return tuple((a.sentences[m.a].text, b.sentences[m.b].text) for m in best)
