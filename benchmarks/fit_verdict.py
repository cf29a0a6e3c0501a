"""Fit the rewrite verdict (``dedup/data/verdict.json``) on labelled candidates
(``benchmarks.verdict_data``): a logistic model of "one story" over ``PairFeatures``,
its threshold set for ``--precision`` on out-of-fold probabilities, and a second model,
over the pairs that are one story, of "derived" (one retells the other) against "told
independently". Figures are out-of-fold: 5-fold over all pairs, and leaving each
dataset out in turn.

    python -m benchmarks.fit_verdict benchmarks/labels/verdict_features.jsonl \
        --out dedup/data/verdict.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from dedup.rewrites.features import PairFeatures

C = 1.0
SEED = 0
MIN_CHOSEN = 10
Fitted = tuple[np.ndarray, np.ndarray, LogisticRegression]


def load(paths: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    return rows


def _fit(x: np.ndarray, y: np.ndarray) -> Fitted:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    return mean, scale, model


def _predict(fitted: Fitted, x: np.ndarray) -> np.ndarray:
    mean, scale, model = fitted
    return np.asarray(model.predict_proba((x - mean) / scale)[:, 1])


def out_of_fold(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, leave_group_out: bool = False
) -> np.ndarray:
    """Out-of-fold probabilities: each dataset left out in turn, or stratified 5-fold."""
    found = np.zeros(len(y))
    if leave_group_out:
        splits = [(np.flatnonzero(groups != g), np.flatnonzero(groups == g)) for g in set(groups)]
    else:
        splits = list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(x, y))
    for train, test in splits:
        if len(set(y[train])) < 2:
            continue
        found[test] = _predict(_fit(x[train], y[train]), x[test])
    return found


def threshold_for(probability: np.ndarray, y: np.ndarray, precision: float) -> float:
    """The lowest threshold (in steps of 0.01) at which the pairs at or above it reach
    ``precision`` out-of-fold, among those that keep at least ``MIN_CHOSEN`` pairs."""
    for t in np.round(np.arange(0.05, 1.0, 0.01), 2):
        chosen = probability >= t
        if chosen.sum() >= MIN_CHOSEN and y[chosen].mean() >= precision:
            return float(t)
    return 0.99


def report(name: str, probability: np.ndarray, y: np.ndarray, t: float) -> None:
    chosen = probability >= t
    tp = int((chosen & (y == 1)).sum())
    fp = int((chosen & (y == 0)).sum())
    fn = int((~chosen & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / max(1, tp + fn)
    auc = roc_auc_score(y, probability) if len(set(y)) == 2 else float("nan")
    print(
        f"  {name:<22} pairs {len(y):4d}  precision {precision:.3f}  recall {recall:.3f}"
        f"  (tp {tp}, fp {fp}, fn {fn})  AUC {auc:.3f}"
    )


def export(fitted: Fitted, threshold: float) -> dict[str, Any]:
    mean, scale, model = fitted
    return {
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("features", nargs="+")
    parser.add_argument("--precision", type=float, default=0.9)
    parser.add_argument("--out")
    args = parser.parse_args()
    rows = load(args.features)
    usable = [r for r in rows if r["features"] is not None]
    x = np.array([r["features"] for r in usable], dtype=float)
    y = np.array([r["label"] for r in usable])
    datasets = np.array([r["dataset"] for r in usable])
    oof = out_of_fold(x, y, datasets)
    t = threshold_for(oof, y, args.precision)
    print(f"one story: {len(y)} pairs, threshold {t} for precision {args.precision} (5-fold)")
    for name in sorted(set(datasets)):
        report(name, oof[datasets == name], y[datasets == name], t)
    report("all", oof, y, t)
    if len(set(datasets)) > 1:
        by_set = out_of_fold(x, y, datasets, leave_group_out=True)
        print("leaving each dataset out:")
        for name in sorted(set(datasets)):
            report(name, by_set[datasets == name], y[datasets == name], t)
    story = _fit(x, y)
    weights = dict(zip(PairFeatures.names(), story[2].coef_[0].round(3), strict=True))
    print("weights:", weights)
    derived_rows = [r for r in usable if r["label"] == 1 and r.get("derived") is not None]
    xd = np.array([r["features"] for r in derived_rows], dtype=float)
    yd = np.array([r["derived"] for r in derived_rows])
    groups_d = np.array(["all"] * len(yd))
    derived = _fit(xd, yd)
    oof_d = out_of_fold(xd, yd, groups_d)
    print(
        f"derived: {len(yd)} pairs ({int(yd.sum())} derived), out-of-fold accuracy "
        f"{((oof_d >= 0.5) == yd).mean():.3f}"
    )
    if args.out:
        data = {
            "features": list(PairFeatures.names()),
            "story": export(story, t),
            "derived": export(derived, 0.5),
            "fitted_on": {name: int((datasets == name).sum()) for name in sorted(set(datasets))},
            "precision_target": args.precision,
        }
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
            handle.write("\n")


if __name__ == "__main__":
    main()
