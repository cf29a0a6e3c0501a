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

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks import corpora
from dedup.rewrites import embed
from dedup.rewrites.paraphrase import features_of
from dedup.rewrites.paraphrase_features import FEATURES

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "dedup" / "data" / "paraphrase.json"
C = 1.0
REPEATS = 4
"""Cross-validation runs (5 folds each, shuffled with seeds 0..REPEATS-1): the threshold
is chosen on their mean accuracy, steadier than one split's."""
GRID = np.round(np.arange(0.30, 0.71, 0.01), 2)
CHECK_PAIR = 0
"""The train pair whose fitted probability the JSON records, for tests to reproduce."""


def _model() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=10_000))


def feature_matrix(pairs: list[corpora.SentencePair]) -> np.ndarray:
    """One ``FEATURES`` row per pair, as the matcher computes it."""
    embed.vectors([s for p in pairs for s in (p.a, p.b)])  # one batch
    return np.array(features_of([(p.a, p.b) for p in pairs]))


def _cv_probabilities(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``REPEATS`` rows of each pair's probability from models not fitted on it."""
    runs = np.zeros((REPEATS, len(labels)))
    for run in range(REPEATS):
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=run).split(x, labels)
        for fit, held in folds:
            runs[run, held] = _model().fit(x[fit], labels[fit]).predict_proba(x[held])[:, 1]
    return runs


def _thresholds(runs: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """The paraphrase decision (best mean cross-validated accuracy), that accuracy, and
    the alignment threshold (95 % of paraphrases reach it, as for the lexical matcher)."""
    accuracy = np.array([[((probs >= t) == labels).mean() for t in GRID] for probs in runs])
    mean = accuracy.mean(axis=0)
    best = int(np.argmax(mean))
    paraphrases = runs[:, labels].ravel()
    align = float(np.floor(np.quantile(paraphrases, 0.05) * 100) / 100)
    return float(GRID[best]), float(mean[best]), align


def train(out: Path) -> dict[str, object]:
    pairs = corpora.msrp("train")
    labels = np.array([p.label for p in pairs])
    x = feature_matrix(pairs)
    threshold, cv_accuracy, align_threshold = _thresholds(_cv_probabilities(x, labels), labels)
    model = _model().fit(x, labels)
    scaler, logistic = model[0], model[1]
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    check = float(model.predict_proba(x[CHECK_PAIR : CHECK_PAIR + 1])[0, 1])
    weights = {
        "about": "dedup paraphrase matcher: logistic regression on string measures, "
        "overlaps, figures, names and static embeddings, fitted on the MSRP train split "
        "only (benchmarks/train_paraphrase.py)",
        "embedding": embed.model_version(),
        "features": list(FEATURES),
        "mean": [round(float(v), 8) for v in scaler.mean_],
        "scale": [round(float(v), 8) for v in scale],
        "weights": [round(float(v), 8) for v in logistic.coef_[0]],
        "bias": round(float(logistic.intercept_[0]), 8),
        "threshold": threshold,
        "align_threshold": align_threshold,
        "cv_accuracy": round(cv_accuracy, 4),
        "training_pairs": len(pairs),
        "check": {"split": "train", "pair": CHECK_PAIR, "probability": round(check, 6)},
    }
    out.write_text(json.dumps(weights, indent=2) + "\n", encoding="utf-8")
    return weights


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    result = train(target)
    print(
        f"wrote {target}: threshold {result['threshold']} (cross-validated accuracy "
        f"{result['cv_accuracy']}), align threshold {result['align_threshold']}, "
        f"from {result['training_pairs']} pairs"
    )
