"""Fit the embedding sentence matcher on the MSRP train split and write its JSON weights.

Run: ``python -m benchmarks.train_embed_matcher [dedup/data/embed_matcher.json]`` (needs
scikit-learn, a dev dependency, and the MSRP corpus under DEDUP_DATA). Only the train
split is read: a logistic regression over ``embed_match.COMBINED_FEATURES`` (the lexical
matcher's features, order-free, plus the embedding cosine) is fitted on it, and the
paraphrase threshold is the one with the best accuracy over repeated 5-fold
cross-validation on it. The test split is for ``make eval`` alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from benchmarks import corpora, msrp_logistic
from dedup.rewrites.embed_match import COMBINED_FEATURES, pair_features

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "dedup" / "data" / "embed_matcher.json"
ABOUT = (
    "dedup embedding sentence matcher: logistic regression on the lexical "
    "matcher's features (order-free) and the embedding cosine, fitted on the MSRP "
    "train split only (benchmarks/train_embed_matcher.py)"
)


def feature_matrix(pairs: list[corpora.SentencePair]) -> np.ndarray:
    """One ``COMBINED_FEATURES`` row per pair, as the matcher computes it."""
    return np.array([pair_features(p.a, p.b) for p in pairs])


def train(out: Path) -> dict[str, object]:
    pairs = corpora.msrp("train")
    return msrp_logistic.train(pairs, feature_matrix(pairs), COMBINED_FEATURES, ABOUT, out)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    msrp_logistic.report(target, train(target))
