"""The paraphrase matcher: shipped JSON weights, paraphrase above unrelated, symmetry,
the batched forms equal to the pair form."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from benchmarks import corpora
from dedup.rewrites.paraphrase import ParaphraseMatcher
from dedup.rewrites.paraphrase_features import FEATURES

A = "Russian troops have entered an air base in Niger where US forces are stationed."
B = "Russian military personnel entered a Niger air base where US troops are stationed."
C = "Shares of the chipmaker fell 4 percent after it cut its sales forecast for the year."
D = "Shares of the chipmaker fell 9 percent after it cut its sales forecast for the year."


def _shipped() -> dict[str, object]:
    text = resources.files("dedup").joinpath("data/paraphrase.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def test_shipped_weights_are_json_with_the_feature_list() -> None:
    data = _shipped()
    assert data["features"] == list(FEATURES)
    matcher = ParaphraseMatcher.default()
    assert 0.0 < matcher.align_threshold < matcher.threshold < 1.0


def test_weights_for_another_feature_list_are_refused() -> None:
    data = _shipped()
    data["features"] = list(FEATURES)[:-1]
    with pytest.raises(ValueError, match="another feature list"):
        ParaphraseMatcher.from_dict(data)


@pytest.mark.skipif(not corpora.available("msrp"), reason="MSRP corpus not present")
def test_the_shipped_weights_reproduce_the_fitted_score_of_a_training_pair() -> None:
    """The training script records scikit-learn's probability for one MSRP train pair;
    the shipped weights, read back and evaluated with numpy, give it again."""
    check = _shipped()["check"]
    assert isinstance(check, dict) and check["split"] == "train"
    pair = corpora.msrp("train")[check["pair"]]
    found = ParaphraseMatcher.default().probability(pair.a, pair.b)
    assert found == pytest.approx(check["probability"], abs=2e-6)


def test_a_paraphrase_scores_above_an_unrelated_sentence() -> None:
    matcher = ParaphraseMatcher.default()
    assert matcher.probability(A, B) > matcher.probability(A, C)
    assert matcher.aligns(A, B)
    assert not matcher.aligns(A, C)
    assert not matcher.is_paraphrase(A, C)


def test_a_changed_figure_lowers_the_score() -> None:
    matcher = ParaphraseMatcher.default()
    assert matcher.probability(C, D) < matcher.probability(C, C)


def test_the_score_is_exactly_the_same_either_way_round() -> None:
    matcher = ParaphraseMatcher.default()
    for a, b in ((A, B), (A, C), (C, D)):
        assert matcher.probability(a, b) == matcher.probability(b, a)


def test_the_batched_forms_give_the_pair_scores() -> None:
    matcher = ParaphraseMatcher.default()
    left, right = [A, C], [B, D, A]
    found = matcher.matrix(left, right)
    assert found.shape == (2, 3)
    expected = [[matcher.probability(a, b) for b in right] for a in left]
    assert found.tolist() == expected
    assert np.array_equal(matcher.matrix(right, left), found.T)
    assert matcher.many([(A, B), (C, D)]).tolist() == [expected[0][0], expected[1][1]]
    assert matcher.matrix([], right).shape == (0, 3)
    assert matcher.many([]).shape == (0,)
