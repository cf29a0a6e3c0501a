"""Pure metric functions for the quality benchmarks (``benchmarks.quality``).

Nothing here reads a corpus or runs a scan, so every function is unit-tested on small
hand-made inputs (``tests/test_quality_metrics.py``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, pairwise
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

Value = float | int | bool | str | None
"""A metric's value: a number, a yes/no, or a short text (``None``: not measured)."""

Op = Literal[">=", "<=", "=="]


class Target(NamedTuple):
    """What a metric should reach: ``value op threshold``."""

    op: Op
    threshold: float | bool

    def met(self, value: Value) -> bool:
        """Whether ``value`` reaches the target (never for text or missing values)."""
        if isinstance(value, str) or value is None:
            return False
        if self.op == "==":
            return value == self.threshold
        if isinstance(value, float) and math.isnan(value):
            return False
        return value >= self.threshold if self.op == ">=" else value <= self.threshold

    def __str__(self) -> str:
        if isinstance(self.threshold, bool):
            return "yes" if self.threshold else "no"
        return f"{self.op} {self.threshold:g}"


class Row(NamedTuple):
    """One line of the results: ``(corpus, metric, value, target)``."""

    corpus: str
    metric: str
    value: Value
    target: Target | None = None


# --- classification ------------------------------------------------------------------


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve: the probability that a random positive scores above a
    random negative, ties counting one half (Mann-Whitney U over average ranks)."""
    if len(scores) != len(labels):
        raise ValueError("scores and labels differ in length")
    positives = sum(1 for label in labels if label)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("ROC AUC needs at least one positive and one negative")
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        average = (start + end) / 2 + 1  # ranks are 1-based
        for k in range(start, end + 1):
            ranks[order[k]] = average
        start = end + 1
    rank_sum = sum(rank for rank, label in zip(ranks, labels, strict=True) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def accuracy(predicted: Sequence[bool], labels: Sequence[bool]) -> float:
    """Share of predictions equal to the labels."""
    if len(predicted) != len(labels) or not labels:
        raise ValueError("accuracy needs equally long, non-empty sequences")
    return sum(p == y for p, y in zip(predicted, labels, strict=True)) / len(labels)


def f1_score(predicted: Sequence[bool], labels: Sequence[bool]) -> float:
    """F1 of the positive class: 2TP / (2TP + FP + FN). Undefined (``ValueError``) when
    there are neither positives nor positive predictions."""
    if len(predicted) != len(labels):
        raise ValueError("predicted and labels differ in length")
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if y and not p)
    if tp + fp + fn == 0:
        raise ValueError("F1 is undefined without positives or positive predictions")
    return 2 * tp / (2 * tp + fp + fn)


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The threshold ``t`` (predict positive when ``score >= t``) with the highest
    accuracy; candidates are midpoints between consecutive distinct scores, plus one
    below the lowest and one above the highest. Ties go to the lowest threshold."""
    if len(scores) != len(labels) or not scores:
        raise ValueError("best_threshold needs equally long, non-empty sequences")
    distinct = sorted(set(scores))
    candidates = [distinct[0] - 1.0]
    candidates += [(lo + hi) / 2 for lo, hi in pairwise(distinct)]
    candidates.append(distinct[-1] + 1.0)
    best, best_correct = candidates[0], -1
    for threshold in candidates:
        correct = sum((s >= threshold) == y for s, y in zip(scores, labels, strict=True))
        if correct > best_correct:
            best, best_correct = threshold, correct
    return best


def grouped_cv_accuracy(
    scores: Sequence[float], labels: Sequence[bool], groups: Sequence[Hashable]
) -> tuple[float, dict[Hashable, float]]:
    """Leave-one-group-out accuracy of a threshold: for each group, the threshold is fit
    (``best_threshold``) on the other groups and scores that group. Returns the overall
    accuracy and the threshold used for each group."""
    if not len(scores) == len(labels) == len(groups) or not scores:
        raise ValueError("grouped_cv_accuracy needs equally long, non-empty sequences")
    thresholds: dict[Hashable, float] = {}
    correct = 0
    for held_out in dict.fromkeys(groups):
        train = [i for i, g in enumerate(groups) if g != held_out]
        if not train:
            raise ValueError("leave-one-group-out needs at least two groups")
        threshold = best_threshold([scores[i] for i in train], [labels[i] for i in train])
        thresholds[held_out] = threshold
        correct += sum(
            (scores[i] >= threshold) == labels[i] for i, g in enumerate(groups) if g == held_out
        )
    return correct / len(scores), thresholds


# --- token overlap -------------------------------------------------------------------


def set_jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard of two token sets (1.0 when both are empty)."""
    sa, sb = set(a), set(b)
    union = len(sa | sb)
    return len(sa & sb) / union if union else 1.0


def set_containment(part: Iterable[str], whole: Iterable[str]) -> float:
    """Share of the distinct tokens of ``part`` found in ``whole`` (0.0 if ``part`` is empty)."""
    sp = set(part)
    return len(sp & set(whole)) / len(sp) if sp else 0.0


# --- pairs ---------------------------------------------------------------------------

DocPair = tuple[str, str]


def ordered(a: str, b: str) -> DocPair:
    """The pair as ``(smaller id, larger id)``."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True, slots=True)
class PrecisionRecall:
    """Precision and recall of a predicted set against a reference set. An empty
    prediction has precision 1.0 and an empty reference recall 1.0 (nothing wrong,
    nothing missed)."""

    precision: float
    recall: float
    true_positives: int
    predicted: int
    reference: int


def precision_recall(predicted: set[DocPair], reference: set[DocPair]) -> PrecisionRecall:
    tp = len(predicted & reference)
    return PrecisionRecall(
        precision=tp / len(predicted) if predicted else 1.0,
        recall=tp / len(reference) if reference else 1.0,
        true_positives=tp,
        predicted=len(predicted),
        reference=len(reference),
    )


def groups_by_key(keys: Mapping[str, Hashable]) -> list[list[str]]:
    """Documents sharing a key, as sorted lists of two or more ids (sorted by first id)."""
    by_key: dict[Hashable, list[str]] = {}
    for doc, key in keys.items():
        by_key.setdefault(key, []).append(doc)
    return sorted((sorted(ids) for ids in by_key.values() if len(ids) > 1), key=lambda g: g[0])


def expand_pairs(pairs: Iterable[DocPair], exact_of: Mapping[str, str]) -> set[DocPair]:
    """Document pairs implied by a scan: members sharing an exact-text hash all pair with
    each other, and a reported pair implies pairs between every member of the one's
    exact group and every member of the other's (a document missing from ``exact_of``
    is a group of its own)."""
    groups: dict[str, list[str]] = {}
    for doc, key in exact_of.items():
        groups.setdefault(key, []).append(doc)
    out: set[DocPair] = set()
    for members in groups.values():
        out.update(ordered(a, b) for a, b in combinations(members, 2))
    for a, b in pairs:
        group_a = groups[exact_of[a]] if a in exact_of else [a]
        group_b = groups[exact_of[b]] if b in exact_of else [b]
        out.update(ordered(x, y) for x in group_a for y in group_b if x != y)
    return out


def near_identical_pairs(pairs: Iterable[tuple[str, str, float]], threshold: float) -> set[DocPair]:
    """Document pairs implied by near-identical ones: two documents each at Jaccard
    ``threshold`` or more from a third are within twice its distance of each other
    (Jaccard distance is a metric), so at least ``2 * threshold - 1``: a scan pairs
    such texts with their group's leader only (``copies.finder``)."""
    near: dict[str, list[str]] = {}
    for a, b, jaccard in pairs:
        if jaccard >= threshold:
            near.setdefault(a, []).append(b)
            near.setdefault(b, []).append(a)
    out: set[DocPair] = set()
    for others in near.values():
        out.update(ordered(x, y) for x, y in combinations(sorted(set(others)), 2))
    return out


def similar_pairs(
    sets: Sequence[npt.NDArray[np.uint32]], threshold: float
) -> dict[tuple[int, int], float]:
    """Every pair ``(i, j)``, ``i < j``, of sets with Jaccard ``>= threshold``, and its
    Jaccard: an exact all-pairs join by prefix filtering, without MinHash.

    Sets are sorted unique arrays; empty sets pair with nothing. Identical sets are
    joined first (Jaccard 1). The distinct ones have their tokens ordered rarest first
    (document frequency, then value). If ``J(x, y) >= t`` then ``|x & y| >= t|x|`` and
    ``>= t|y|``, so the first ``|x| - ceil(t|x|) + 1`` tokens of ``x`` and the first
    ``|y| - ceil(t|y|) + 1`` of ``y`` share a token: pairs sharing a prefix token are
    the only candidates, and each is verified exactly (``|x & y| / |x | y| >= t`` in
    rational arithmetic)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    t = Fraction(str(threshold))
    out: dict[tuple[int, int], float] = {}
    identical: dict[bytes, list[int]] = {}
    for i, s in enumerate(sets):
        if len(s):
            identical.setdefault(np.ascontiguousarray(s, dtype=np.uint32).tobytes(), []).append(i)
    groups = list(identical.values())
    for group in groups:
        for i, j in combinations(group, 2):
            out[(i, j)] = 1.0
    if len(groups) < 2:
        return out
    reps = [np.asarray(sets[g[0]], dtype=np.uint32) for g in groups]
    sizes = np.array([len(r) for r in reps], dtype=np.int64)
    values, inverse, counts = np.unique(
        np.concatenate(reps), return_inverse=True, return_counts=True
    )
    order = np.lexsort((values, counts))  # rarest first, then by value
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    token_ranks = rank[inverse]
    ends = np.cumsum(sizes)
    prefix_ranks: list[npt.NDArray[np.int64]] = []
    prefix_docs: list[npt.NDArray[np.int64]] = []
    for k, (size, end) in enumerate(zip(sizes.tolist(), ends.tolist(), strict=True)):
        length = size - math.ceil(t * size) + 1
        ranks = np.sort(token_ranks[end - size : end])[:length]
        prefix_ranks.append(ranks)
        prefix_docs.append(np.full(len(ranks), k, dtype=np.int64))
    all_ranks = np.concatenate(prefix_ranks)
    all_docs = np.concatenate(prefix_docs)
    by_rank = np.argsort(all_ranks, kind="stable")
    all_ranks, all_docs = all_ranks[by_rank], all_docs[by_rank]
    starts = np.flatnonzero(np.r_[True, all_ranks[1:] != all_ranks[:-1]])
    stops = np.r_[starts[1:], len(all_ranks)]
    candidates: set[tuple[int, int]] = set()
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        if stop - start > 1:
            candidates.update(combinations(all_docs[start:stop].tolist(), 2))
    size_list = sizes.tolist()
    for x, y in candidates:
        nx, ny = size_list[x], size_list[y]
        if min(nx, ny) < t * max(nx, ny):  # J <= min/max: cannot reach t
            continue
        common = len(np.intersect1d(reps[x], reps[y], assume_unique=True))
        union = nx + ny - common
        if common >= t * union:
            jaccard = common / union
            for i in groups[x]:
                for j in groups[y]:
                    out[(i, j) if i < j else (j, i)] = jaccard
    return out


# --- SemEval rating bands ------------------------------------------------------------

RATING_BANDS = ("<= 1.5", "1.5-2.5", "2.5-3.5", "> 3.5")


def rating_band(rating: float) -> str:
    """The band of a SemEval overall rating (1 = same story, 4 = unrelated)."""
    if rating <= 1.5:
        return RATING_BANDS[0]
    if rating <= 2.5:
        return RATING_BANDS[1]
    if rating <= 3.5:
        return RATING_BANDS[2]
    return RATING_BANDS[3]
