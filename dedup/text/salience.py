"""Salient terms: the rarer words and figures of an article, weighted by rarity.

Rewrites of one story share few word sequences but many of its specific terms
(names, places, figures). A term's weight is ``5 - zipf`` with zipf its English word
frequency from the wordfreq package (0 for words at least as common as "said"), so
that weights work on five articles as well as on a million, with no corpus fitting.
The one module that touches wordfreq.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import wordfreq
import xxhash

from dedup.fingerprint.shingle import U32

MAX_ZIPF = 5.0
"""Words at least this frequent in English (the, said, government, ...) carry no weight."""
CANDIDATE_ZIPF = 4.5
"""Terms rarer than this make the rewrite tier's MinHash set."""
NUMBER_WEIGHT = 2.5
_YEAR = re.compile(r"(?:19|20)\d\d")
F32 = np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class SalientTerms:
    """An article's salient terms as sorted unique 32-bit hashes with their weights."""

    hashes: U32
    weights: np.ndarray  # float32, aligned with hashes
    numeric_share: float = 0.0
    """Share of the article's tokens that are figures: a table or price list when high."""
    total: float = field(init=False, repr=False)
    """The sum of the weights, summed once: every overlap with another article needs it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", float(self.weights.sum()))

    def candidate_hashes(self) -> U32:
        """The rarer subset that feeds the rewrite tier's MinHash."""
        keep: U32 = self.hashes[self.weights > MAX_ZIPF - CANDIDATE_ZIPF]
        return keep


@lru_cache(maxsize=200_000)
def weight(term: str) -> float:
    """Rarity weight of a normalised token: figures of two or more digits (not years)
    weigh ``NUMBER_WEIGHT``, words ``MAX_ZIPF - zipf`` (at least 0)."""
    if term.isdigit():
        return NUMBER_WEIGHT if len(term) >= 2 and not _YEAR.fullmatch(term) else 0.0
    if len(term) < 3:
        return 0.0
    return max(0.0, MAX_ZIPF - english_zipf(term))


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """The word's English frequency on the zipf scale (0 when unknown, ~7 for "the")."""
    return float(english_zipf(word))


def english_zipf(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en", wordlist="best")``. A lower-case ASCII
    word is one token of its own to wordfreq's tokeniser, so its frequency is looked
    up directly and rounded as wordfreq rounds it: the tokeniser's regexes were most
    of the cost of a corpus's first look at each of its words (tests compare the two
    over wordfreq's English list)."""
    if not (word.isascii() and word.isalpha() and word.islower()):
        return float(wordfreq.zipf_frequency(word, "en", wordlist="best"))
    found = _frequencies().get(word)
    if found is None:
        return round(wordfreq.freq_to_zipf(_MIN_FREQ), 2)  # wordfreq's minimum, zipf 0
    freq = max(1.0 / (1.0 / found), _MIN_FREQ)  # wordfreq combines tokens' 1/f
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # to 3 significant digits
    return round(wordfreq.freq_to_zipf(freq), 2)


_MIN_FREQ = wordfreq.zipf_to_freq(0.0)


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    found: dict[str, float] = wordfreq.get_frequency_dict("en", "best")
    return found


@lru_cache(maxsize=200_000)
def _hashed(term: str) -> tuple[int, float]:
    """A term's hash and weight, looked up once a process: the salient terms of an
    article are one C-level pass over its distinct tokens."""
    return term_hash(term), weight(term)


def term_hash(term: str) -> int:
    """A term's 32-bit hash (low bits of xxh3_64), as in salient-term sets."""
    return xxhash.xxh3_64_intdigest(term.encode("utf-8")) & 0xFFFFFFFF


def salient_terms(tokens: Sequence[str]) -> SalientTerms:
    """The distinct tokens that carry weight, hashed and sorted, and the share of
    tokens that are figures."""
    pairs = {h: w for h, w in map(_hashed, set(tokens)) if w > 0.0}
    numeric = sum(map(str.isdigit, tokens)) / len(tokens) if tokens else 0.0
    hashes = np.fromiter(pairs.keys(), dtype=np.uint32, count=len(pairs))
    order = np.argsort(hashes)
    values = np.fromiter(pairs.values(), dtype=np.float32, count=len(pairs))
    return SalientTerms(hashes[order], values[order], numeric)


def weighted_jaccard(a: SalientTerms, b: SalientTerms) -> float:
    """Sum of the weights of shared terms over the weight of all terms of either."""
    shared = float(a.weights[held(b.hashes, a.hashes)].sum())
    union = a.total + b.total - shared
    return shared / union if union > 0 else 0.0


def weighted_containment(holder: SalientTerms, other: SalientTerms) -> float:
    """Share of ``other``'s salient weight that ``holder`` also has."""
    total = other.total
    return (
        float(other.weights[held(holder.hashes, other.hashes)].sum()) / total if total > 0 else 0.0
    )


class Overlap(NamedTuple):
    """What two salient-term sets share: their ``weighted_jaccard`` and both
    containments, to the bit as those functions give them."""

    jaccard: float
    of_a: float
    """Share of ``a``'s weight that ``b`` holds (``weighted_containment(b, a)``)."""
    of_b: float
    """Share of ``b``'s weight that ``a`` holds."""


def overlap(a: SalientTerms, b: SalientTerms) -> Overlap:
    """``a`` and ``b``'s overlap with one binary search (the terms of ``a`` that ``b``
    has, and where they are in ``b``) instead of one per measure: the rewrite tier
    takes it for millions of LSH pairs."""
    if not len(a.hashes) or not len(b.hashes):
        return Overlap(0.0, 0.0, 0.0)
    at = np.searchsorted(b.hashes, a.hashes)
    np.minimum(at, len(b.hashes) - 1, out=at)
    mask = b.hashes[at] == a.hashes
    in_a, in_b = float(a.weights[mask].sum()), float(b.weights[at[mask]].sum())
    union = a.total + b.total - in_a
    return Overlap(
        in_a / union if union > 0 else 0.0,
        in_a / a.total if a.total > 0 else 0.0,
        in_b / b.total if b.total > 0 else 0.0,
    )


def mutual_containment(a: SalientTerms, b: SalientTerms) -> tuple[float, float]:
    """``(weighted_containment(b, a), weighted_containment(a, b))`` with one binary
    search."""
    found = overlap(a, b)
    return found.of_a, found.of_b


def held(holder: U32, other: U32) -> npt.NDArray[np.bool_]:
    """Which of ``other``'s hashes ``holder`` has (both sorted unique): the same terms,
    in the same order, as ``np.intersect1d``'s indices into ``other``, at a third of
    its cost (a binary search each instead of a sort of both), which counted on the
    rewrite tier's millions of candidate pairs."""
    if not len(holder) or not len(other):
        return np.zeros(len(other), dtype=bool)
    at = np.searchsorted(holder, other)
    np.minimum(at, len(holder) - 1, out=at)
    found: npt.NDArray[np.bool_] = holder[at] == other
    return found
