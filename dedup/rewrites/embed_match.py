"""Sentence matcher with embeddings: the lexical matcher's features plus the cosine of
the two sentences' static embeddings, in one logistic model.

The lexical features (``match.FEATURES``) come in directed pairs (n-gram precision and
recall, words left unmatched on either side); here each pair enters as its minimum and
maximum, and the sentences are put in a fixed order first, so the score is exactly the
same either way round. The weights are fitted on the MSRP *train* split only
(``benchmarks/train_embed_matcher.py``) and ship as JSON (``dedup/data/embed_matcher.json``).
The interface is ``SentenceMatcher``'s, so alignment can use either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from dedup.rewrites import embed
from dedup.rewrites.match import (
    FEATURES,
    LogisticMatcher,
    features,
    standardised_logistic,
)

DIRECTED = {
    "ngram1": ("p1", "r1"),
    "ngram2": ("p2", "r2"),
    "ngram3": ("p3", "r3"),
    "ngram4": ("p4", "r4"),
    "log_unmatched": ("log_unmatched_a", "log_unmatched_b"),
}
"""Feature pairs that swap when the sentences swap, by the name they go by here."""
_PAIRED = {name for pair in DIRECTED.values() for name in pair}
_UNDIRECTED = tuple(name for name in FEATURES if name not in _PAIRED)
COMBINED_FEATURES = (
    *(f"{name}_{kind}" for name in DIRECTED for kind in ("min", "max")),
    *_UNDIRECTED,
    "cosine",
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}
PROBABILITY_DECIMALS = 6
"""Probabilities are rounded before any threshold is applied (see ``embed``)."""


def ordered(a: str, b: str) -> tuple[str, str]:
    """The two sentences in a fixed order (difflib's ratio depends on the order)."""
    return (a, b) if a <= b else (b, a)


def combined_features(lexical: Sequence[float], cosine: float) -> list[float]:
    """``COMBINED_FEATURES`` from a ``match.features`` vector and the embedding cosine."""
    out: list[float] = []
    for a, b in DIRECTED.values():
        x, y = lexical[_INDEX[a]], lexical[_INDEX[b]]
        out += [min(x, y), max(x, y)]
    out += [lexical[_INDEX[name]] for name in _UNDIRECTED]
    out.append(cosine)
    return out


def pair_features(a: str, b: str) -> list[float]:
    """The combined feature vector of a sentence pair (the same for ``b, a``)."""
    first, second = ordered(a, b)
    rows = embed.vectors([first, second])
    cosine = float(embed.similarity_matrix(rows[:1], rows[1:])[0, 0])
    return combined_features(features(first, second), cosine)


@dataclass(frozen=True)
class EmbeddingMatcher(LogisticMatcher):
    """The combined features (``COMBINED_FEATURES``) under logistic weights."""

    name: ClassVar[str] = "embedding matcher"
    feature_names: ClassVar[tuple[str, ...]] = COMBINED_FEATURES
    shipped_as: ClassVar[str] = "embed_matcher.json"

    def prepare(self, sentences: Sequence[str]) -> None:
        """Embed sentences about to be compared in one batch (faster than one by one)."""
        embed.vectors(sentences)

    def probability(self, a: str, b: str, *, score_cutoff: float = 0.0) -> float:
        """Probability that ``a`` and ``b`` are paraphrases, the same either way round;
        0.0 when it is below ``score_cutoff``."""
        found = self.from_features(pair_features(a, b))
        return found if found >= score_cutoff else 0.0

    def from_features(self, vector: Sequence[float]) -> float:
        """The rounded probability of one ``COMBINED_FEATURES`` vector."""
        found = standardised_logistic(vector, self.mean, self.scale, self.weights, self.bias)
        return round(found, PROBABILITY_DECIMALS)
