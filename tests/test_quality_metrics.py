"""The pure metric functions of the quality benchmarks, on small hand-made inputs (no
corpora needed)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from benchmarks.quality_metrics import (
    RATING_BANDS,
    PrecisionRecall,
    Target,
    accuracy,
    best_threshold,
    expand_pairs,
    f1_score,
    grouped_cv_accuracy,
    groups_by_key,
    near_identical_pairs,
    ordered,
    precision_recall,
    rating_band,
    roc_auc,
    set_containment,
    set_jaccard,
    similar_pairs,
)


def u32(*values: int) -> np.ndarray:
    return np.array(sorted(set(values)), dtype=np.uint32)


# --- targets -------------------------------------------------------------------------


def test_target_met_and_text() -> None:
    assert Target(">=", 0.95).met(0.95)
    assert not Target(">=", 0.95).met(0.9499)
    assert Target("<=", 0).met(0)
    assert not Target("<=", 0).met(1)
    assert Target("==", True).met(True)
    assert not Target("==", True).met(False)
    assert not Target(">=", 0.75).met("not built yet")
    assert not Target(">=", 0.75).met(None)
    assert not Target(">=", 0.75).met(float("nan"))
    assert str(Target(">=", 0.95)) == ">= 0.95"
    assert str(Target("<=", 0)) == "<= 0"
    assert str(Target("==", True)) == "yes"


# --- classification ------------------------------------------------------------------


def test_roc_auc_known_values() -> None:
    # The classic example: 3 of the 4 positive/negative pairs are ordered correctly.
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(0.75)
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == 1.0
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == 0.0


def test_roc_auc_ties_count_half() -> None:
    assert roc_auc([0.5, 0.5, 0.5, 0.5], [True, False, True, False]) == pytest.approx(0.5)
    # positive 0.5 ties the negative 0.5 (half) and beats 0.1 (one): (1 + 0.5) / 2
    assert roc_auc([0.5, 0.5, 0.1], [True, False, False]) == pytest.approx(0.75)


def test_roc_auc_needs_both_classes() -> None:
    with pytest.raises(ValueError):
        roc_auc([0.1, 0.2], [True, True])
    with pytest.raises(ValueError):
        roc_auc([0.1], [True, False])


def test_accuracy_and_f1() -> None:
    predicted = [True, True, False, False, True]
    labels = [True, False, False, True, True]
    assert accuracy(predicted, labels) == pytest.approx(3 / 5)
    # TP 2, FP 1, FN 1
    assert f1_score(predicted, labels) == pytest.approx(4 / 6)
    # all-positive on a 2:1 set: precision 2/3, recall 1, F1 0.8
    assert f1_score([True] * 3, [True, True, False]) == pytest.approx(0.8)
    with pytest.raises(ValueError):
        f1_score([False, False], [False, False])
    with pytest.raises(ValueError):
        accuracy([], [])


def test_best_threshold_separates_classes() -> None:
    threshold = best_threshold([0.1, 0.2, 0.6, 0.9], [False, False, True, True])
    assert threshold == pytest.approx(0.4)  # midpoint between 0.2 and 0.6


def test_best_threshold_all_positive_or_negative() -> None:
    assert best_threshold([0.3, 0.7], [True, True]) < 0.3
    assert best_threshold([0.3, 0.7], [False, False]) > 0.7


def test_best_threshold_prefers_lowest_of_ties() -> None:
    # 0.5 (negative) between two positives: predicting all positive, or cutting at 0.4
    # or 0.7, each gets 2 of 3 right; the lowest (all positive) wins.
    assert best_threshold([0.3, 0.5, 0.9], [True, False, True]) < 0.3


def test_grouped_cv_accuracy_fits_on_the_other_groups() -> None:
    scores = [0.9, 0.1, 0.8, 0.2, 0.45, 0.4]
    labels = [True, False, True, False, True, False]
    groups = ["a", "a", "b", "b", "c", "c"]
    acc, thresholds = grouped_cv_accuracy(scores, labels, groups)
    # Held-out c: fit on a, b gives a threshold between 0.2 and 0.8 (lowest best: 0.5),
    # so 0.45 is wrongly negative; a and b are separated by thresholds fit elsewhere.
    assert thresholds["c"] == pytest.approx(0.5)
    assert acc == pytest.approx(5 / 6)
    assert set(thresholds) == {"a", "b", "c"}
    with pytest.raises(ValueError):
        grouped_cv_accuracy([0.1, 0.2], [True, False], ["a", "a"])


# --- token overlap -------------------------------------------------------------------


def test_set_jaccard_and_containment() -> None:
    assert set_jaccard(["a", "b", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    assert set_jaccard([], []) == 1.0
    assert set_containment(["a", "b", "a"], ["a", "c", "d"]) == pytest.approx(0.5)
    assert set_containment([], ["a"]) == 0.0


# --- pairs ---------------------------------------------------------------------------


def test_precision_recall_counts() -> None:
    predicted = {("a", "b"), ("a", "c"), ("b", "c")}
    reference = {("a", "b"), ("c", "d")}
    assert precision_recall(predicted, reference) == PrecisionRecall(1 / 3, 1 / 2, 1, 3, 2)
    empty = precision_recall(set(), set())
    assert (empty.precision, empty.recall) == (1.0, 1.0)
    assert precision_recall(set(), reference).recall == 0.0


def test_groups_by_key() -> None:
    keys = {"d": "x", "a": "y", "c": "x", "b": "z", "e": "y", "f": "x"}
    assert groups_by_key(keys) == [["a", "e"], ["c", "d", "f"]]


def test_expand_pairs_exact_groups_and_representatives() -> None:
    exact_of = {"a": "h1", "a2": "h1", "b": "h2", "b2": "h2", "b3": "h2", "c": "h3"}
    # The scan links copies to their representative and reports a-b between representatives.
    reported = [("a", "a2"), ("b", "b2"), ("b", "b3"), ("a", "b")]
    expanded = expand_pairs(reported, exact_of)
    group_a, group_b = ["a", "a2"], ["b", "b2", "b3"]
    want = {ordered(x, y) for x, y in combinations(group_a, 2)}
    want |= {ordered(x, y) for x, y in combinations(group_b, 2)}
    want |= {ordered(x, y) for x in group_a for y in group_b}
    assert expanded == want
    assert len(expanded) == 1 + 3 + 6


def test_expand_pairs_documents_without_exact_group() -> None:
    assert expand_pairs([("z", "y")], {}) == {("y", "z")}
    assert expand_pairs([("a", "x")], {"a": "h", "a2": "h"}) == {
        ("a", "a2"),
        ("a", "x"),
        ("a2", "x"),
    }


def _brute_force(sets: list[np.ndarray], threshold: float) -> dict[tuple[int, int], float]:
    out = {}
    for i, j in combinations(range(len(sets)), 2):
        a, b = set(sets[i].tolist()), set(sets[j].tolist())
        if not a or not b:
            continue
        jaccard = len(a & b) / len(a | b)
        if jaccard >= threshold:
            out[(i, j)] = jaccard
    return out


def test_similar_pairs_boundary_is_inclusive() -> None:
    sets = [u32(1, 2, 3), u32(1, 2, 3, 4, 5, 6), u32(1, 2, 3, 4, 5, 6, 7)]
    # J(0,1) = 3/6 = 0.5 exactly; J(0,2) = 3/7 < 0.5; J(1,2) = 6/7.
    assert similar_pairs(sets, 0.5) == {(0, 1): 0.5, (1, 2): pytest.approx(6 / 7)}


def test_similar_pairs_identical_and_empty_sets() -> None:
    sets = [u32(1, 2, 3), u32(), u32(1, 2, 3), u32(), u32(9, 10), u32(1, 2, 3)]
    assert similar_pairs(sets, 0.5) == {(0, 2): 1.0, (0, 5): 1.0, (2, 5): 1.0}
    assert similar_pairs([u32(), u32()], 0.5) == {}
    with pytest.raises(ValueError):
        similar_pairs(sets, 0.0)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8, 1.0])
def test_similar_pairs_equals_brute_force(threshold: float) -> None:
    rng = np.random.default_rng(7)
    sets: list[np.ndarray] = []
    # Families of mutated copies of a base set (many pairs near any threshold), with a
    # few common "template" values that every set shares, plus unrelated sets.
    common = rng.choice(10_000, size=5, replace=False)
    for _ in range(12):
        base = rng.choice(10_000, size=int(rng.integers(5, 40)), replace=False)
        for _ in range(int(rng.integers(1, 6))):
            keep = base[rng.random(len(base)) > rng.uniform(0.0, 0.6)]
            extra = rng.choice(10_000, size=int(rng.integers(0, 15)), replace=False)
            sets.append(np.unique(np.concatenate([keep, extra, common]).astype(np.uint32)))
    sets.append(sets[0].copy())
    sets.append(np.empty(0, dtype=np.uint32))
    got = similar_pairs(sets, threshold)
    want = _brute_force(sets, threshold)
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value)
    assert want, "the fixture should produce some similar pairs"


# --- SemEval rating bands ------------------------------------------------------------


def test_rating_bands_boundaries() -> None:
    assert [rating_band(r) for r in (1.0, 1.5, 1.51, 2.5, 2.51, 3.5, 3.51, 4.0)] == [
        RATING_BANDS[0],
        RATING_BANDS[0],
        RATING_BANDS[1],
        RATING_BANDS[1],
        RATING_BANDS[2],
        RATING_BANDS[2],
        RATING_BANDS[3],
        RATING_BANDS[3],
    ]


def test_near_identical_pairs_are_implied_between_texts_near_one_leader() -> None:
    reported = [("L", "f1", 0.97), ("L", "f2", 0.95), ("L", "x", 0.6), ("f3", "L", 0.99)]
    assert near_identical_pairs(reported, 0.95) == {("f1", "f2"), ("f1", "f3"), ("f2", "f3")}
    assert near_identical_pairs([("a", "b", 0.94)], 0.95) == set()
