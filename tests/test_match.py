"""The sentence matcher: shipped JSON weights, order independence, sane decisions."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from dedup.rewrites.match import FEATURES, SentenceMatcher, features

A = "Russian troops have entered an air base in Niger where US forces are stationed."
B = "Russian military personnel entered a Niger air base where US troops are stationed."
C = "Shares of the chipmaker fell 4 percent after it cut its sales forecast for the year."


def test_shipped_weights_are_json_with_the_feature_list() -> None:
    raw = resources.files("dedup").joinpath("data/matcher.json").read_text("utf-8")
    data = json.loads(raw)
    assert data["features"] == list(FEATURES)
    assert len(data["weights"]) == len(FEATURES)


def test_paraphrase_beats_unrelated_and_identical_is_certain() -> None:
    matcher = SentenceMatcher.default()
    assert matcher.is_paraphrase(A, A)
    assert matcher.is_paraphrase(A, B)
    assert not matcher.is_paraphrase(A, C)
    assert matcher.probability(A, A) > matcher.probability(A, B) > matcher.probability(A, C)


def test_probability_does_not_depend_on_argument_order() -> None:
    matcher = SentenceMatcher.default()
    assert matcher.probability(A, B) == pytest.approx(matcher.probability(B, A))


def test_number_change_lowers_the_probability() -> None:
    matcher = SentenceMatcher.default()
    same = "The company said it would cut 1,000 jobs by the end of the year."
    changed = "The company said it would cut 4,500 jobs by the end of the year."
    assert matcher.probability(same, changed) < matcher.probability(same, same)
    assert features(same, changed)[FEATURES.index("numbers_equal")] == 0.0


def test_weights_for_another_feature_list_are_refused() -> None:
    data = json.loads(resources.files("dedup").joinpath("data/matcher.json").read_text("utf-8"))
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="another feature list"):
        SentenceMatcher.from_dict(data)


def test_bad_threshold_is_refused() -> None:
    n = len(FEATURES)
    with pytest.raises(ValueError, match="threshold"):
        SentenceMatcher((0.0,) * n, (1.0,) * n, (0.0,) * n, 0.0, threshold=1.5, align_threshold=0.3)


def test_alignment_threshold_is_looser_than_the_paraphrase_decision() -> None:
    matcher = SentenceMatcher.default()
    assert 0.0 < matcher.align_threshold < matcher.threshold


def _seed_sentences(number: int) -> list[str]:
    from pathlib import Path

    from dedup.text.sentences import split

    seed = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))[number]
    return [s.text for s in split(seed.read_text("utf-8")) if len(s.text.split()) >= 4]


@pytest.mark.parametrize("cutoff", [0.33, 0.44, 0.9])
def test_score_cutoff_gives_the_exact_probability_or_zero(
    cutoff: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The difflib ratio is skipped only where its upper bound already falls short:
    every score at or above the cutoff is the full probability, bit for bit."""
    from dedup.rewrites import match

    matcher = SentenceMatcher.default()
    one, two = _seed_sentences(0), _seed_sentences(2)
    pairs = [(a, b) for a in one for b in two] + [(a, a) for a in one[:5]]
    full = [matcher.probability(a, b) for a, b in pairs]
    calls = []
    exact = match._alignment_ratio
    monkeypatch.setattr(match, "_alignment_ratio", lambda pa, pb: calls.append(1) or exact(pa, pb))
    cut = [matcher.probability(a, b, score_cutoff=cutoff) for a, b in pairs]
    assert cut == [p if p >= cutoff else 0.0 for p in full]
    assert any(p >= cutoff for p in full)
    assert len(calls) < len(pairs) / 2  # most pairs are refused without difflib
