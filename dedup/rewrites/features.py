"""The features of a rewrite candidate: what the fitted verdict (``verdict``) reads.

Each is a measured signal that two articles tell one story: sentences retold and the
lede among them, the same quotations, the same rare facts and vocabulary weighed by
their rarity in the corpus at hand (``rarity``), time apart, same outlet, length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from dedup.rewrites import embed
from dedup.rewrites.align import Alignment
from dedup.rewrites.article import LEDE_SENTENCES, Article
from dedup.rewrites.rarity import Spread, facts_weight, weighted_jaccard
from dedup.text import dates, quotes

MAX_DAYS = 7.0


@dataclass(frozen=True, slots=True)
class Rarity:
    """The corpus's spread of salient terms and of facts, per version."""

    terms: Spread
    facts: Spread

    @classmethod
    def english(cls) -> Rarity:
        """No corpus at hand: English-wide rarity alone."""
        return cls(Spread.empty(), Spread.empty())


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """The verdict's inputs for one pair, each a number (see ``vector``)."""

    weighted_jaccard: float
    corpus_jaccard: float
    aligned: float
    aligned_share: float
    lede: float
    lede_similarity: float
    text_similarity: float
    coverage: float
    facts: float
    quotes: float
    length_ratio: float
    days_apart: float
    same_source: float
    conflicts: float
    rules: float
    """1 when the earlier hand-set routes (same facts, retold) accept the pair and no
    look-alike rule refuses it: kept as one input among the others."""

    def vector(self) -> tuple[float, ...]:
        """The values in field order, rounded so decisions never hang on the last bit."""
        return tuple(round(float(getattr(self, f.name)), 6) for f in fields(self))

    @staticmethod
    def names() -> tuple[str, ...]:
        return tuple(f.name for f in fields(PairFeatures))


def extract(
    a: Article,
    b: Article,
    score: float,
    alignment: Alignment,
    shared: tuple[str, ...],
    conflicts: int,
    ruled: bool,
    rarity: Rarity,
) -> PairFeatures:
    """The features of a pair whose sentences are aligned and shared facts read."""
    days = _days_apart(a, b)
    content_a, content_b = len(a.content), len(b.content)
    return PairFeatures(
        weighted_jaccard=score,
        corpus_jaccard=weighted_jaccard(a.salient, b.salient, rarity.terms),
        aligned=math.log1p(alignment.aligned_count()),
        aligned_share=alignment.share_of_shorter(),
        lede=float(_lede_aligned(a, b, alignment)),
        lede_similarity=embed.vector_cosine(a.lede_vector, b.lede_vector),
        text_similarity=embed.vector_cosine(a.vectors.sum(axis=0), b.vectors.sum(axis=0)),
        coverage=_coverage(a, b),
        facts=math.log1p(facts_weight(shared, rarity.facts)),
        quotes=math.log1p(shared_quotes(a, b)),
        length_ratio=min(content_a, content_b) / max(1, content_a, content_b),
        days_apart=min(days, MAX_DAYS) / MAX_DAYS if days is not None else 0.0,
        same_source=float(_same_source(a, b)),
        conflicts=math.log1p(conflicts),
        rules=float(ruled),
    )


def shared_quotes(a: Article, b: Article) -> int:
    """Quotations of one article that the other prints too."""
    return quotes.shared(a.quotes, b.quotes)


def _coverage(a: Article, b: Article) -> float:
    """How closely the shorter article's sentences are told in the other: the mean,
    over its content sentences, of each one's best cosine with the other's."""
    short, long = (a, b) if len(a.content) <= len(b.content) else (b, a)
    if not len(short.content) or not len(long.content):
        return 0.0
    best = embed.similarity_matrix(short.vectors, long.vectors).max(axis=1)
    return round(float(best.mean()), 6)


def _lede(article: Article) -> set[int]:
    content = [s.index for s in article.sentences if s.boilerplate is None]
    return set(content[:LEDE_SENTENCES])


def _lede_aligned(a: Article, b: Article, alignment: Alignment) -> bool:
    """Whether a sentence of one lede is retold in the other's."""
    lede_a, lede_b = _lede(a), _lede(b)
    return any(m.a in lede_a and m.b in lede_b for m in alignment.matches)


def _days_apart(a: Article, b: Article) -> float | None:
    first, second = dates.parse_date(a.document.date), dates.parse_date(b.document.date)
    if first is None or second is None:
        return None
    return abs((first - second).total_seconds()) / 86400.0


def _same_source(a: Article, b: Article) -> bool:
    one, other = a.document.source, b.document.source
    return bool(one) and one == other
