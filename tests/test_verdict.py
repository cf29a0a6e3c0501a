"""The fitted rewrite verdict: its shipped weights load and are checked, decisions are
taken on rounded probabilities, and the relation it gives (rewrite or same-story)
reaches the scan's pairs, reports and `--fail-on`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import dedup
from dedup.config import ScanConfig
from dedup.rewrites.features import PairFeatures
from dedup.rewrites.verdict import DIGITS, Logistic, VerdictModel


def _features(**values: float) -> PairFeatures:
    base = dict.fromkeys(PairFeatures.names(), 0.0)
    return PairFeatures(**{**base, **values})


def test_shipped_model_names_every_feature() -> None:
    model = VerdictModel.default()
    assert model.names == PairFeatures.names()
    assert 0.0 < model.story.threshold < 1.0


def test_logistic_checks_its_fields() -> None:
    with pytest.raises(ValueError, match="threshold"):
        Logistic((0.0,), (1.0,), (1.0,), 0.0, 1.5)
    with pytest.raises(ValueError, match="one value per feature"):
        Logistic((0.0, 1.0), (1.0,), (1.0,), 0.0, 0.5)
    with pytest.raises(ValueError, match="scale"):
        Logistic((0.0,), (0.0,), (1.0,), 0.0, 0.5)


def test_probabilities_are_rounded() -> None:
    model = VerdictModel.default()
    p = model.decide(_features(aligned_share=0.4, facts=2.0)).probability
    assert p == round(p, DIGITS)


def test_retold_sentences_raise_the_verdict() -> None:
    model = VerdictModel.default()
    weak = model.decide(_features(weighted_jaccard=0.12, corpus_jaccard=0.1))
    strong = model.decide(_features(weighted_jaccard=0.12, corpus_jaccard=0.1, aligned=2.0))
    assert strong.probability > weak.probability


def test_rules_verdict_stays_available() -> None:
    with pytest.raises(ValueError, match="rewrite_verdict"):
        ScanConfig(rewrite_verdict="guess")  # type: ignore[arg-type]
    assert replace(ScanConfig(), rewrite_verdict="rules").rewrite_verdict == "rules"


def test_fitted_verdict_reports_its_probability_and_features() -> None:
    config = ScanConfig(rewrite_verdict="fitted")
    result = dedup.scan([str(Path(__file__).parents[1] / "seeds")], config)
    verified = [p for p in result.pairs if p.rewrite is not None]
    assert verified
    for pair in verified:
        assert pair.rewrite is not None and pair.rewrite.probability is not None
        assert pair.rewrite.features is not None
        assert pair.relation in ("rewrite", "same-story")
        assert "fitted verdict" in pair.rewrite.reason


def test_same_facts_count_by_their_rarity_in_the_corpus() -> None:
    result = dedup.scan([str(Path(__file__).parents[1] / "seeds")])
    (story,) = result.stories
    assert len(story.members) == 5
    reasons = [p.rewrite.reason for p in story.pairs if p.rewrite is not None]
    assert any("by their rarity here" in r for r in reasons)


def test_cli_verdict_option_reaches_the_json(validate: Any) -> None:
    from typer.testing import CliRunner

    from dedup.cli.app import app

    seeds = str(Path(__file__).parents[1] / "seeds")
    result = CliRunner().invoke(app, ["scan", seeds, "--verdict", "fitted", "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    found = validate(result.stdout)
    evidence = [p["evidence"] for p in found["pairs"] if "evidence" in p]
    assert evidence and all("probability" in e and "features" in e for e in evidence)
    bad = CliRunner().invoke(app, ["scan", seeds, "--verdict", "guess"])
    assert bad.exit_code == 2
