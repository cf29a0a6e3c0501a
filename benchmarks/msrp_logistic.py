"""Fit a logistic sentence matcher on the MSRP train split and write its JSON weights:
what ``train_embed_matcher`` and ``train_paraphrase`` share. Only the train split is
read; the paraphrase threshold is the one with the best mean accuracy over repeated
5-fold cross-validation on it, the alignment threshold the level 95 % of training
paraphrases reach. The test split is for ``make eval`` alone."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks import corpora
from dedup.rewrites import embed

C = 1.0
REPEATS = 4
"""Cross-validation runs (5 folds each, shuffled with seeds 0..REPEATS-1): the threshold
is chosen on their mean accuracy, steadier than one split's."""
GRID = np.round(np.arange(0.30, 0.71, 0.01), 2)
CHECK_PAIR = 0
"""The train pair whose fitted probability the JSON records, for tests to reproduce."""


def model() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=10_000))


def cv_probabilities(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``REPEATS`` rows of each pair's probability from models not fitted on it."""
    runs = np.zeros((REPEATS, len(labels)))
    for run in range(REPEATS):
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=run).split(x, labels)
        for fit, held in folds:
            runs[run, held] = model().fit(x[fit], labels[fit]).predict_proba(x[held])[:, 1]
    return runs


def thresholds(runs: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """The paraphrase decision (best mean cross-validated accuracy), that accuracy, and
    the alignment threshold (95 % of paraphrases reach it, as for the lexical matcher)."""
    accuracy = np.array([[((probs >= t) == labels).mean() for t in GRID] for probs in runs])
    mean = accuracy.mean(axis=0)
    best = int(np.argmax(mean))
    paraphrases = runs[:, labels].ravel()
    align = float(np.floor(np.quantile(paraphrases, 0.05) * 100) / 100)
    return float(GRID[best]), float(mean[best]), align


def train(
    pairs: Sequence[corpora.SentencePair],
    x: np.ndarray,
    features: Sequence[str],
    about: str,
    out: Path,
) -> dict[str, object]:
    """Fit on the feature rows ``x`` of ``pairs`` and write the weights to ``out``."""
    labels = np.array([p.label for p in pairs])
    threshold, cv_accuracy, align_threshold = thresholds(cv_probabilities(x, labels), labels)
    fitted = model().fit(x, labels)
    check = float(fitted.predict_proba(x[CHECK_PAIR : CHECK_PAIR + 1])[0, 1])
    weights = {
        "about": about,
        "embedding": embed.model_version(),
        "features": list(features),
        **fitted_fields(fitted[0], fitted[1]),
        "threshold": threshold,
        "align_threshold": align_threshold,
        "cv_accuracy": round(cv_accuracy, 4),
        "training_pairs": len(pairs),
        "check": {"split": "train", "pair": CHECK_PAIR, "probability": round(check, 6)},
    }
    out.write_text(json.dumps(weights, indent=2) + "\n", encoding="utf-8")
    return weights


def report(target: Path, result: dict[str, object]) -> None:
    print(
        f"wrote {target}: threshold {result['threshold']} (cross-validated accuracy "
        f"{result['cv_accuracy']}), align threshold {result['align_threshold']}, "
        f"from {result['training_pairs']} pairs"
    )


def fitted_fields(scaler: StandardScaler, logistic: LogisticRegression) -> dict[str, object]:
    """A fitted scaler and logistic model as the shipped JSON holds them (what
    ``dedup.rewrites.match.logistic_fields`` reads back): mean, scale (1 where a feature
    never varies), weights and bias, rounded to 8 places."""
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return {
        "mean": [round(float(v), 8) for v in scaler.mean_],
        "scale": [round(float(v), 8) for v in scale],
        "weights": [round(float(v), 8) for v in logistic.coef_[0]],
        "bias": round(float(logistic.intercept_[0]), 8),
    }
