"""The judging helpers: random draws are reproducible, precision leaves unreadable out."""

from __future__ import annotations

import math

import pytest

from benchmarks import judging

SCAN = {
    "pairs": [
        {"a": f"d{i}", "b": f"d{i + 1}", "relation": "rewrite" if i % 2 else "copy"}
        for i in range(20)
    ]
}


def test_draw_is_reproducible_and_keeps_to_the_relations() -> None:
    first = judging.draw(SCAN, ["rewrite"], 5, seed=3)
    assert first == judging.draw(SCAN, ["rewrite"], 5, seed=3)
    assert len(first) == 5 and {p["relation"] for p in first} == {"rewrite"}
    assert len(judging.draw(SCAN, ["rewrite"], 50, seed=3)) == 10  # all there are


def test_precision_counts_unreadable_neither_way() -> None:
    labels = [
        {"a": "x", "b": "y", "label": "derived"},
        {"a": "x", "b": "z", "label": "same-development"},
        {"a": "y", "b": "z", "label": "same-event"},
        {"a": "z", "b": "w", "label": "unreadable"},
    ]
    found = judging.precision(labels, {("x", "y"): "rewrite", ("x", "z"): "rewrite"})
    assert found["all"]["precision"] == pytest.approx(2 / 3)
    assert found["rewrite"]["precision"] == 1.0
    assert math.isnan(judging.precision(labels[3:], {})["all"]["precision"])


def test_precision_refuses_an_unknown_label() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        judging.precision([{"a": "x", "b": "y", "label": "maybe"}], {})
