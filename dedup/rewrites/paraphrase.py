"""The paraphrase matcher: one logistic model over ``paraphrase_features.FEATURES``
(MT-metric-like string measures, set overlaps, figures and names, the embedding cosine
and a soft word alignment), fitted on the MSRP *train* split only
(``benchmarks/train_paraphrase.py``) and shipped as JSON (``dedup/data/paraphrase.json``).

It has ``EmbeddingMatcher``'s interface (``probability``, ``aligns``, ``is_paraphrase``,
``prepare``) and scores many pairs at once: ``matrix(a, b)`` gives every sentence of
``a`` against every sentence of ``b`` (the cosines in one matrix product, the logistic
over all pairs in one), ``many(pairs)`` a list of pairs. Scores are the same either way
round and rounded to ``PROBABILITY_DECIMALS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from dedup.rewrites import embed
from dedup.rewrites.match import LogisticMatcher
from dedup.rewrites.paraphrase_features import FEATURES, pair_features, profiles

PROBABILITY_DECIMALS = 6
"""Probabilities are rounded before any threshold is applied (see ``embed``)."""
BATCH_PAIRS = 1_000
"""Pairs whose sentences are profiled in one batch by ``features_of``."""
Probabilities = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ParaphraseMatcher(LogisticMatcher):
    """``FEATURES`` of a sentence pair under logistic weights; its ``threshold`` is the
    best cross-validated accuracy on MSRP train."""

    name: ClassVar[str] = "paraphrase matcher"
    feature_names: ClassVar[tuple[str, ...]] = FEATURES
    shipped_as: ClassVar[str] = "paraphrase.json"

    def prepare(self, sentences: Sequence[str]) -> None:
        """Embed sentences about to be compared, and their words, in one batch each
        (faster than one by one)."""
        embed.vectors(sentences)
        profiles(sentences)

    def from_features(self, rows: npt.ArrayLike) -> Probabilities:
        """The rounded probabilities of rows of ``FEATURES`` (one per pair)."""
        x = np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))
        z = self.bias + ((x - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.weights)
        found: Probabilities = (1.0 / (1.0 + np.exp(-np.clip(z, -60.0, 60.0)))).round(
            PROBABILITY_DECIMALS
        )
        return found

    def many(self, pairs: Sequence[tuple[str, str]]) -> Probabilities:
        """The probability of each sentence pair, in order."""
        return self.from_features(features_of(pairs)) if pairs else np.zeros(0)

    def matrix(self, a: Sequence[str], b: Sequence[str]) -> Probabilities:
        """Every sentence of ``a`` against every sentence of ``b``: a ``len(a)`` by
        ``len(b)`` matrix (its transpose for ``b, a``)."""
        self.prepare([*a, *b])
        cosines = embed.similarity_matrix(embed.vectors(a), embed.vectors(b))
        rows = [
            pair_features(x, y, float(cosines[i, j]))
            for i, x in enumerate(a)
            for j, y in enumerate(b)
        ]
        if not rows:
            return np.zeros((len(a), len(b)))
        return self.from_features(rows).reshape(len(a), len(b))

    def probability(self, a: str, b: str, *, score_cutoff: float = 0.0) -> float:
        """Probability that ``a`` and ``b`` are paraphrases, the same either way round;
        0.0 when it is below ``score_cutoff``."""
        found = float(self.many([(a, b)])[0])
        return found if found >= score_cutoff else 0.0


def features_of(pairs: Sequence[tuple[str, str]]) -> list[list[float]]:
    """One ``FEATURES`` row per sentence pair (sentences and words embedded in batches of
    ``BATCH_PAIRS`` pairs, which stay within the profile cache)."""
    out: list[list[float]] = []
    for start in range(0, len(pairs), BATCH_PAIRS):
        batch = pairs[start : start + BATCH_PAIRS]
        profiles([s for pair in batch for s in pair])
        firsts = embed.vectors([a for a, _ in batch]).astype(np.float64)
        seconds = embed.vectors([b for _, b in batch]).astype(np.float64)
        cosines = np.clip((firsts * seconds).sum(axis=1), -1.0, 1.0)
        cosines = cosines.round(embed.SIMILARITY_DECIMALS)
        out += [pair_features(a, b, float(c)) for (a, b), c in zip(batch, cosines, strict=True)]
    return out
