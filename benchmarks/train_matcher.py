"""Train the sentence matcher on the MSRP train split and write its JSON weights.

Run: ``python -m benchmarks.train_matcher [dedup/data/matcher.json]`` (needs
scikit-learn, a dev dependency, and ../shared/data/msrp). Only the train split is read:
the logistic regression is fitted on it, and the paraphrase threshold is the one that
maximises accuracy under 5-fold cross-validation on it. The test split is for
``make eval`` alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from benchmarks import corpora
from benchmarks.msrp_logistic import fitted_fields
from dedup.rewrites.match import FEATURES, features

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "dedup" / "data" / "matcher.json"
C = 1.0


def _both_orders(pairs: list[corpora.SentencePair]) -> tuple[np.ndarray, np.ndarray]:
    forward = np.array([features(p.a, p.b) for p in pairs])
    backward = np.array([features(p.b, p.a) for p in pairs])
    return forward, backward


def _cv_probabilities(forward: np.ndarray, backward: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Order-averaged paraphrase probability of each pair from a model not fitted on it."""
    probs = np.zeros(len(labels))
    folds = GroupKFold(n_splits=5).split(forward, labels, groups=np.arange(len(labels)))
    for train, held in folds:
        scaler = StandardScaler().fit(np.vstack([forward[train], backward[train]]))
        model = LogisticRegression(C=C, max_iter=5000).fit(
            scaler.transform(np.vstack([forward[train], backward[train]])),
            np.concatenate([labels[train], labels[train]]),
        )
        probs[held] = (
            model.predict_proba(scaler.transform(forward[held]))[:, 1]
            + model.predict_proba(scaler.transform(backward[held]))[:, 1]
        ) / 2
    return probs


def _thresholds(probs: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The paraphrase decision (best cross-validated accuracy) and the alignment
    threshold (95 % of paraphrases reach it: sentences that differ by a clause or a
    number still align, so the report can show the difference)."""
    grid = np.round(np.arange(0.30, 0.71, 0.01), 2)
    accuracy = [((probs >= t) == labels).mean() for t in grid]
    align = float(np.floor(np.quantile(probs[labels], 0.05) * 100) / 100)
    return float(grid[int(np.argmax(accuracy))]), align


def train(out: Path) -> dict[str, object]:
    pairs = corpora.msrp("train")
    labels = np.array([p.label for p in pairs])
    forward, backward = _both_orders(pairs)
    threshold, align_threshold = _thresholds(_cv_probabilities(forward, backward, labels), labels)
    stacked = np.vstack([forward, backward])
    scaler = StandardScaler().fit(stacked)
    model = LogisticRegression(C=C, max_iter=5000).fit(
        scaler.transform(stacked), np.concatenate([labels, labels])
    )
    weights = {
        "about": "dedup sentence matcher: logistic regression on lexical features, "
        "trained on the MSRP train split only (benchmarks/train_matcher.py)",
        "features": list(FEATURES),
        **fitted_fields(scaler, model),
        "threshold": threshold,
        "align_threshold": align_threshold,
        "training_pairs": len(pairs),
    }
    out.write_text(json.dumps(weights, indent=2) + "\n", encoding="utf-8")
    return weights


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    result = train(target)
    print(
        f"wrote {target}: threshold {result['threshold']}, align threshold "
        f"{result['align_threshold']}, from {result['training_pairs']} pairs"
    )
