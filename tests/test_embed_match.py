"""The embedding matcher: shipped JSON weights, exact symmetry, the seeds' cases."""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from importlib import resources

import pytest

from benchmarks import corpora
from dedup.rewrites.align import matchable
from dedup.rewrites.embed_match import COMBINED_FEATURES, EmbeddingMatcher, pair_features
from dedup.rewrites.match import FEATURES, SentenceMatcher, features
from dedup.text.clauses import clauses
from dedup.text.normalise import normalise, tokenise
from dedup.text.sentences import split

A = "Russian troops have entered an air base in Niger where US forces are stationed."
B = "Russian military personnel entered a Niger air base where US troops are stationed."
C = "Shares of the chipmaker fell 4 percent after it cut its sales forecast for the year."


def _ratio(a: list[str], b: list[str]) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _shipped() -> dict[str, object]:
    text = resources.files("dedup").joinpath("data/embed_matcher.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def test_shipped_weights_are_json_with_the_feature_list() -> None:
    data = _shipped()
    assert data["features"] == list(COMBINED_FEATURES)
    assert "cosine" in COMBINED_FEATURES
    matcher = EmbeddingMatcher.default()
    assert 0.0 < matcher.align_threshold < matcher.threshold < 1.0


def test_weights_for_another_feature_list_are_refused() -> None:
    data = _shipped()
    data["features"] = list(COMBINED_FEATURES)[:-1]
    with pytest.raises(ValueError, match="another feature list"):
        EmbeddingMatcher.from_dict(data)


@pytest.mark.skipif(not corpora.available("msrp"), reason="MSRP corpus not present")
def test_the_shipped_weights_reproduce_the_fitted_score_of_a_training_pair() -> None:
    """The training script records scikit-learn's probability for one MSRP train pair;
    the shipped weights, read back, give it again."""
    check = _shipped()["check"]
    assert isinstance(check, dict) and check["split"] == "train"
    pair = corpora.msrp("train")[check["pair"]]
    found = EmbeddingMatcher.default().probability(pair.a, pair.b)
    assert found == pytest.approx(check["probability"], abs=2e-6)


def test_the_score_is_exactly_the_same_either_way_round() -> None:
    matcher = EmbeddingMatcher.default()
    # difflib's ratio of these two (an MSRP train pair) depends on their order
    x = (
        "Per-user pricing is $29 for Workplace Messaging, $89 for Team Collaboration and "
        "$35 for Collaborative Learning."
    )
    y = (
        "Workplace Messaging is $29, Workplace Team Collaboration is $89, and "
        "Collaborative Learning is $35."
    )
    tx, ty = tokenise(normalise(x)), tokenise(normalise(y))
    assert _ratio(tx, ty) != _ratio(ty, tx)
    ratio = FEATURES.index("alignment_ratio")  # the features take the tokens in one order
    assert features(x, y)[ratio] == features(y, x)[ratio]
    for a, b in ((A, B), (A, C), (x, y)):
        assert pair_features(a, b) == pair_features(b, a)
        assert matcher.probability(a, b) == matcher.probability(b, a)


def test_paraphrase_beats_unrelated_and_identical_is_certain() -> None:
    matcher = EmbeddingMatcher.default()
    assert matcher.is_paraphrase(A, A) and matcher.is_paraphrase(A, B)
    assert not matcher.aligns(A, C)
    assert matcher.probability(A, A) > matcher.probability(A, B) > matcher.probability(A, C)
    assert matcher.probability(A, C, score_cutoff=0.5) == 0.0


# --- the seeds: which sentences of 002, 003 and 004 the matcher would align ------------


def _sentences(prefix: str) -> list[str]:
    doc = next(d for d in corpora.seeds() if d.id.startswith(prefix))
    return [s.text for s in matchable(split(doc.text))]


def _sentence(prefix: str, words: str) -> str:
    return next(s for s in _sentences(prefix) if words in s)


def test_a_cross_outlet_paraphrase_the_lexical_matcher_misses_aligns() -> None:
    """000 and 003's headlines: Russian soldiers entered / installed in the US base. (002
    and 004 on Airbase 101 were the example before the lexical matcher's score stopped
    depending on the sentences' order (#17): it aligns them now, either way round.)"""
    a = _sentence("000", "Russian soldiers entered US military base in Niger")
    b = _sentence("003", "In Niger, Russian soldiers installed in a base")
    assert EmbeddingMatcher.default().aligns(a, b)
    lexical = SentenceMatcher.default()
    assert lexical.probability(a, b) < lexical.align_threshold


def test_the_101_troops_sentence_aligns_with_nothing_in_002() -> None:
    remained = _sentence("004", "how many of the 101 U.S. troops remained")
    matcher = EmbeddingMatcher.default()
    assert not [s for s in _sentences("002") if matcher.aligns(remained, s)]


def test_no_definitive_decisions_aligns_with_nothing_in_003_or_004() -> None:
    """The lexical matcher aligns it with 004's 'Regarding the presence of Russian troops
    at the base' (a shared phrase, not the same statement); this matcher does not."""
    undecided = _sentence("002", "no definitive decisions have been made")
    matcher = EmbeddingMatcher.default()
    others = _sentences("003") + _sentences("004")
    assert not [s for s in others if matcher.aligns(undecided, s)]
    lexical = SentenceMatcher.default()
    assert [s for s in others if lexical.aligns(undecided, s)]


def test_the_delegation_sentences_of_003_and_004_align_by_one_clause_each() -> None:
    """Whole, the two sentences score low (cosine 0.31: each carries a clause the other
    lacks); cut into clauses, "and announced that it was sending a delegation to Niamey
    ..." and "A delegation was sent to Niger last week ..." align."""
    a = _sentence("003", "sending a delegation to Niamey")
    b = _sentence("004", "A delegation was sent to Niger last week")
    matcher = EmbeddingMatcher.default()
    assert not matcher.aligns(a, b)
    pairs = [(x, y) for x in clauses(a) for y in clauses(b) if matcher.aligns(x, y)]
    assert len(pairs) == 1
    [(x, y)] = pairs
    assert "sending a delegation to Niamey" in x and y.startswith("A delegation was sent")
