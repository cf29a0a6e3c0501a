"""Corpus-aware rarity: how much a shared term or fact says that two articles are one
story, given the material at hand.

A name every outlet covering an event prints (the two leaders, the host city) tells
nothing about which development an article reports, however rare it is in English.
The weight of a term is a smoothed inverse document frequency: its spread is counted
per *version* (copies of one text count once, so a story syndicated a thousand times
does not make its own names common) and smoothed with ``PRIOR_DOCUMENTS`` pseudo-articles
in which the term occurs as often as in English at large (wordfreq). On five articles
the prior dominates and English rarity decides; on hundreds about one event, the
event's vocabulary weighs little.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dedup.text import facts
from dedup.text.salience import MAX_ZIPF, SalientTerms, zipf

PRIOR_DOCUMENTS = 50.0
"""Pseudo-articles of English-wide usage every corpus is smoothed with."""
ARTICLE_WORDS = 500.0
"""Typical article length, to turn a word's frequency into a share of articles."""
RARE_SHARE = 1e-6
"""The English share of articles given to unknown words (new names)."""
NUMBER_SHARE = 0.01
DATE_SHARE = 0.02


def english_shares(zipfs: np.ndarray) -> np.ndarray:
    """Share of English articles that contain a word of each zipf frequency (at least
    ``RARE_SHARE``: unknown words, zipf 0, get that)."""
    shares = -np.expm1(-ARTICLE_WORDS * 10.0 ** (np.asarray(zipfs, dtype=np.float64) - 9.0))
    return np.maximum(shares, RARE_SHARE)


def english_share(zipf_value: float) -> float:
    """``english_shares`` of one word."""
    return float(english_shares(np.array([zipf_value]))[0])


@lru_cache(maxsize=100_000)
def fact_share(key: str) -> float:
    """English-wide share of articles stating a fact ('name:diori hamani', 'number:1000',
    'date:2023-08-01'): a name as rare as its rarest word."""
    kind, _, value = key.partition(":")
    if kind == "number":
        return NUMBER_SHARE
    if kind == "date":
        return DATE_SHARE
    words = value.split() or [value]
    return min(english_share(zipf(word)) for word in words)


@dataclass(frozen=True, slots=True, eq=False)
class Spread:
    """How many versions of a corpus hold each hash (sorted unique hashes, counts)."""

    hashes: np.ndarray
    counts: np.ndarray
    versions: int

    @classmethod
    def of(cls, versions: Iterable[np.ndarray]) -> Spread:
        """The spread of hashes over versions, each given by its (unique) hashes."""
        sets = [np.asarray(v) for v in versions]
        if not sets:
            return cls(np.empty(0, np.uint64), np.empty(0, np.int64), 0)
        values, counts = np.unique(np.concatenate(sets), return_counts=True)
        return cls(values, counts, len(sets))

    @classmethod
    def of_versions(cls, groups: Sequence[int], hashes: Sequence[np.ndarray]) -> Spread:
        """The spread over versions of articles, each given by its group number and
        its sorted unique hashes: ``of`` each version's union, with no union made for
        a version of one article and no copy of the articles' arrays besides one
        concatenation (unions and uint64 copies of 7 million salient terms made the
        rewrite tier's peak at 100,000 articles, ~2.5 KB an article)."""
        order = sorted(range(len(groups)), key=groups.__getitem__)
        sets: list[np.ndarray] = []
        for _, run in itertools.groupby(order, key=groups.__getitem__):
            members = [hashes[k] for k in run]
            sets.append(members[0] if len(members) == 1 else np.unique(np.concatenate(members)))
        if not sets:
            return cls.empty()
        values = np.concatenate(sets)
        if not len(values):
            return cls(np.empty(0, np.uint64), np.empty(0, np.int64), len(sets))
        values.sort()
        starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
        counts = np.diff(np.append(starts, len(values)))
        return cls(values[starts].astype(np.uint64), counts.astype(np.int64), len(sets))

    @classmethod
    def empty(cls) -> Spread:
        """No corpus: English rarity alone (``dedup compare`` of two articles)."""
        return cls.of(())

    def count(self, hashes: np.ndarray) -> np.ndarray:
        """The number of versions holding each of ``hashes`` (0 for unseen ones)."""
        if len(self.hashes) == 0:
            return np.zeros(len(hashes), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        found = self.hashes[at] == hashes
        return np.where(found, self.counts[at], 0)

    def idf(self, counts: np.ndarray, shares: np.ndarray) -> np.ndarray:
        """Smoothed inverse document frequency of terms seen in ``counts`` versions
        whose English share of articles is ``shares``."""
        total = self.versions + PRIOR_DOCUMENTS
        seen = np.asarray(counts, dtype=np.float64) + PRIOR_DOCUMENTS * shares
        return np.log(total / np.maximum(seen, 1e-9))


def term_shares(terms: SalientTerms) -> np.ndarray:
    """English share of articles for each salient term, recovered from its weight
    (``MAX_ZIPF - zipf`` for words, ``NUMBER_WEIGHT`` for figures)."""
    return english_shares(MAX_ZIPF - terms.weights.astype(np.float64))


def term_idf(terms: SalientTerms, spread: Spread) -> np.ndarray:
    """The corpus-aware weight of each of an article's salient terms."""
    return spread.idf(spread.count(terms.hashes.astype(np.uint64)), term_shares(terms))


def weighted_jaccard(a: SalientTerms, b: SalientTerms, spread: Spread) -> float:
    """Weighted Jaccard of two articles' salient terms under corpus-aware weights."""
    wa, wb = term_idf(a, spread), term_idf(b, spread)
    _, ia, _ = np.intersect1d(a.hashes, b.hashes, assume_unique=True, return_indices=True)
    shared = float(wa[ia].sum())
    union = float(wa.sum()) + float(wb.sum()) - shared
    return shared / union if union > 0 else 0.0


def facts_weight(keys: Sequence[str], spread: Spread) -> float:
    """The summed corpus-aware weight of shared facts (by their keys)."""
    if not keys:
        return 0.0
    hashes = np.fromiter((facts.key_hash(k) for k in keys), dtype=np.uint64, count=len(keys))
    shares = np.fromiter((fact_share(k) for k in keys), dtype=np.float64, count=len(keys))
    return float(spread.idf(spread.count(hashes), shares).sum())
