"""Fit the paraphrase matcher on the MSRP train split and write its JSON weights.

Run: ``python -m benchmarks.train_paraphrase [dedup/data/paraphrase.json]`` (needs
scikit-learn, a dev dependency, and the MSRP corpus under DEDUP_DATA). Only the train
split is read: a logistic regression over ``paraphrase_features.FEATURES`` (string
measures, overlaps, figures, names, embedding cosine and soft alignment) is fitted on it
(its feature set and C chosen by the same cross-validation, see the README), and the
paraphrase threshold is the one with the best accuracy over repeated 5-fold
cross-validation on it. The test split is for ``make eval`` alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from benchmarks import corpora, msrp_logistic
from dedup.rewrites import embed
from dedup.rewrites.paraphrase import features_of
from dedup.rewrites.paraphrase_features import FEATURES

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "dedup" / "data" / "paraphrase.json"
ABOUT = (
    "dedup paraphrase matcher: logistic regression on string measures, "
    "overlaps, figures, names and static embeddings, fitted on the MSRP train split "
    "only (benchmarks/train_paraphrase.py)"
)


def feature_matrix(pairs: list[corpora.SentencePair]) -> np.ndarray:
    """One ``FEATURES`` row per pair, as the matcher computes it."""
    embed.vectors([s for p in pairs for s in (p.a, p.b)])  # one batch
    return np.array(features_of([(p.a, p.b) for p in pairs]))


def train(out: Path) -> dict[str, object]:
    pairs = corpora.msrp("train")
    return msrp_logistic.train(pairs, feature_matrix(pairs), FEATURES, ABOUT, out)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    msrp_logistic.report(target, train(target))
