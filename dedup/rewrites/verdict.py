"""The rewrite verdict: a small logistic model over a pair's features (``features``),
fitted on labelled real pairs (``benchmarks/fit_verdict.py``), its weights shipped in
``dedup/data/verdict.json``. A second model over the same features tells a pair where
one article retells the other (``rewrite``) from the same development told
independently (``same-story``). Probabilities are rounded to ``DIGITS`` places before
they are compared, so the verdict is the same on every machine."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from dedup.rewrites.features import PairFeatures
from dedup.rewrites.match import shipped, standardised_logistic

DIGITS = 4


@dataclass(frozen=True, slots=True)
class Logistic:
    """Standardised inputs, weights, bias and the probability threshold of one model."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def __post_init__(self) -> None:
        if not len(self.mean) == len(self.scale) == len(self.weights):
            raise ValueError("mean, scale and weights must have one value per feature")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")
        if any(s <= 0 for s in self.scale):
            raise ValueError("every scale must be positive")

    def probability(self, values: tuple[float, ...]) -> float:
        """The model's probability, rounded to ``DIGITS`` places."""
        found = standardised_logistic(values, self.mean, self.scale, self.weights, self.bias)
        return round(found, DIGITS)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Logistic:
        return cls(
            mean=tuple(map(float, data["mean"])),
            scale=tuple(map(float, data["scale"])),
            weights=tuple(map(float, data["weights"])),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """One pair's verdict: the probability it is one story, and whether derived."""

    probability: float
    same_story: bool
    derived: float
    """Probability that one retells the other (or both one report), given one story."""
    relation: str
    """``rewrite`` (derived), ``same-story`` (told independently) or ``none``."""


@dataclass(frozen=True, slots=True)
class VerdictModel:
    """The two fitted models over ``PairFeatures``: one story, and derived."""

    names: tuple[str, ...]
    story: Logistic
    derived: Logistic

    def __post_init__(self) -> None:
        if self.names != PairFeatures.names():
            raise ValueError(f"the model's features {self.names} are not {PairFeatures.names()}")

    @classmethod
    @cache
    def default(cls) -> VerdictModel:
        """The model shipped with dedup."""
        data = shipped("verdict.json")
        return cls(
            names=tuple(data["features"]),
            story=Logistic.from_json(data["story"]),
            derived=Logistic.from_json(data["derived"]),
        )

    def decide(self, features: PairFeatures) -> Verdict:
        """The verdict on a pair from its features."""
        values = features.vector()
        story = self.story.probability(values)
        derived = self.derived.probability(values)
        if story < self.story.threshold:
            return Verdict(story, False, derived, "none")
        relation = "rewrite" if derived >= self.derived.threshold else "same-story"
        return Verdict(story, True, derived, relation)
