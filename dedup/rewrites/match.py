"""Sentence matcher: how likely two sentences say the same thing.

Lexical features (n-gram overlap, content words, character trigrams, numbers, names,
length, token alignment) feed a logistic regression trained on the MSRP *train*
split only (``benchmarks/train_matcher.py``); its weights ship as JSON, never pickle.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, ClassVar, Self

from dedup.text.normalise import normalise, tokenise

STOPWORDS = frozenset(
    "a an the of to in on at for and or but is are was were be been being by with from as "
    "that this these those it its he she they we you i his her their our said says say has "
    "have had will would could should may might not no do does did than then there here also "
    "into over after before about up down out".split()
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][a-z]+")
FEATURES = (
    "p1", "r1", "p2", "r2", "p3", "r3", "p4", "r4",
    "content_jaccard", "content_cover_min", "content_cover_max", "char3_jaccard",
    "numbers_equal", "numbers_differ", "length_gap", "log_length_gap",
    "alignment_ratio", "log_unmatched_a", "log_unmatched_b", "stem5_jaccard", "name_jaccard",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Profile:
    """What the features need of one sentence, computed once however many sentences
    it is compared with (alignment compares every sentence with many)."""

    tokens: tuple[str, ...]
    counts: Counter[str]
    grams: tuple[frozenset[tuple[str, ...]], ...]
    content: frozenset[str]
    trigrams: frozenset[str]
    numbers: frozenset[str]
    stems: frozenset[str]
    names: frozenset[str]


@lru_cache(maxsize=4_096)
def _profile(sentence: str) -> _Profile:
    """Kept for the sentences of the last few dozen articles (verification goes article
    by article): a profile holds ~10 KB of sets, and 20,000 of them made 200 MB."""
    tokens = tuple(tokenise(normalise(sentence)))
    grams = tuple(
        frozenset(tokens[i : i + n] for i in range(len(tokens) - n + 1)) for n in (1, 2, 3, 4)
    )
    content = frozenset(t for t in tokens if t not in STOPWORDS)
    lower = sentence.lower()
    return _Profile(
        tokens=tokens,
        counts=Counter(tokens),
        grams=grams,
        content=content,
        trigrams=frozenset(lower[i : i + 3] for i in range(len(lower) - 2)),
        numbers=frozenset(_NUMBER.findall(sentence)),
        stems=frozenset(t[:5] for t in content),
        names=frozenset(_NAME.findall(sentence)),
    )


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return _ratio(len(a & b), len(a | b))


def features(a: str, b: str) -> list[float]:
    """The feature vector of a sentence pair, in ``FEATURES`` order; swapping ``a``
    and ``b`` swaps the precision/recall and unmatched pairs (see ``_swapped``) and
    leaves every other feature as it was."""
    pa, pb = _profile(a), _profile(b)
    return _features(pa, pb, _alignment_ratio(pa, pb))


def _alignment_ratio(pa: _Profile, pb: _Profile) -> float:
    """difflib's ratio of the two token sequences, the costliest feature. difflib's
    matching blocks depend on which sequence comes first (a third of sentence pairs
    score differently swapped), so the sequences go in a fixed order of their own:
    the ratio of a pair does not depend on which sentence is ``a``."""
    first, second = sorted((pa.tokens, pb.tokens))
    return difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()


def _ratio_bound(pa: _Profile, pb: _Profile) -> float:
    """An upper bound on ``_alignment_ratio`` (difflib's ``quick_ratio``: the tokens
    both have, counted with multiplicity, can at most all be matched)."""
    common = sum((pa.counts & pb.counts).values())
    return _ratio(2 * common, len(pa.tokens) + len(pb.tokens))


def _features(pa: _Profile, pb: _Profile, alignment_ratio: float) -> list[float]:
    out: list[float] = []
    for ga, gb in zip(pa.grams, pb.grams, strict=True):
        common = len(ga & gb)
        out += [_ratio(common, len(ga)), _ratio(common, len(gb))]
    ca, cb = pa.content, pb.content
    common = len(ca & cb)
    out += [
        _ratio(common, len(ca | cb)),
        _ratio(common, min(len(ca), len(cb))),
        _ratio(common, max(len(ca), len(cb))),
        _jaccard(pa.trigrams, pb.trigrams),
        float(pa.numbers == pb.numbers),
        _ratio(len(pa.numbers ^ pb.numbers), len(pa.numbers | pb.numbers)),
    ]
    gap = abs(len(pa.tokens) - len(pb.tokens))
    out += [_ratio(gap, max(len(pa.tokens), len(pb.tokens))), math.log1p(gap)]
    out.append(alignment_ratio)
    out += [math.log1p(len(ca - cb)), math.log1p(len(cb - ca))]
    out += [_jaccard(pa.stems, pb.stems), _jaccard(pa.names, pb.names)]
    return out


_SWAP = list(range(len(FEATURES)))
for _i in range(0, 8, 2):
    _SWAP[_i], _SWAP[_i + 1] = _i + 1, _i
_UA, _UB = FEATURES.index("log_unmatched_a"), FEATURES.index("log_unmatched_b")
_AR = FEATURES.index("alignment_ratio")
_SWAP[_UA], _SWAP[_UB] = _UB, _UA


def _swapped(vector: list[float]) -> list[float]:
    """``features(b, a)`` from ``features(a, b)`` without computing it again."""
    return [vector[i] for i in _SWAP]


@dataclass(frozen=True)
class LogisticMatcher:
    """What the fitted sentence matchers share: standardised features under logistic
    weights read from the package's JSON. ``threshold`` is the paraphrase decision
    (best cross-validated accuracy on the training split); ``align_threshold`` is lower
    (95 % of training paraphrases reach it), for aligning sentences that differ by a
    clause or a number so that the difference can be shown."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    align_threshold: float

    name: ClassVar[str]
    feature_names: ClassVar[tuple[str, ...]]
    shipped_as: ClassVar[str]
    """The JSON file in ``dedup/data`` that ``default`` loads."""
    positive_scale: ClassVar[bool] = True
    """Whether every feature is standardised (a scale of 0 allowed otherwise)."""

    def __post_init__(self) -> None:
        sizes = {len(self.mean), len(self.scale), len(self.weights)}
        if sizes != {len(self.feature_names)}:
            raise ValueError(
                f"{self.name} needs {len(self.feature_names)} features per vector, got {sizes}"
            )
        if self.positive_scale and any(s <= 0 for s in self.scale):
            raise ValueError(f"{self.name} scales must be positive")
        check_thresholds(self.threshold, self.align_threshold)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        if data.get("features") != list(cls.feature_names):
            raise ValueError(f"{cls.name} weights were fitted on another feature list")
        return cls(**logistic_fields(data))

    @classmethod
    def default(cls) -> Self:
        """The matcher shipped with the package (``dedup/data/<shipped_as>``)."""
        return cls.from_dict(shipped(cls.shipped_as))

    def probability(self, a: str, b: str, *, score_cutoff: float = 0.0) -> float:
        """Probability that ``a`` and ``b`` are paraphrases, the same either way round;
        0.0 when it is below ``score_cutoff``."""
        raise NotImplementedError

    def aligns(self, a: str, b: str) -> bool:
        """Close enough to align in a report (looser than ``is_paraphrase``)."""
        return self.probability(a, b) >= self.align_threshold

    def is_paraphrase(self, a: str, b: str) -> bool:
        return self.probability(a, b) >= self.threshold


@dataclass(frozen=True)
class SentenceMatcher(LogisticMatcher):
    """The lexical matcher: ``FEATURES`` of a sentence pair, both orders averaged."""

    name: ClassVar[str] = "matcher"
    feature_names: ClassVar[tuple[str, ...]] = FEATURES
    shipped_as: ClassVar[str] = "matcher.json"
    positive_scale: ClassVar[bool] = False

    def probability(self, a: str, b: str, *, score_cutoff: float = 0.0) -> float:
        """Probability that ``a`` and ``b`` are paraphrases (order-independent); 0.0
        when it is below ``score_cutoff``, found where possible without the costly
        difflib ratio: with its upper bound in its place (its weight is positive) the
        probability is an upper bound, and most sentence pairs fall short even so."""
        pa, pb = _profile(a), _profile(b)
        if score_cutoff > 0.0 and self.weights[_AR] > 0:
            vector = _features(pa, pb, _ratio_bound(pa, pb))
            if self._both(vector) < score_cutoff:
                return 0.0
            vector[_AR] = _alignment_ratio(pa, pb)
        else:
            vector = _features(pa, pb, _alignment_ratio(pa, pb))
        found = self._both(vector)
        return found if found >= score_cutoff else 0.0

    def _both(self, vector: list[float]) -> float:
        """The mean of both orders' probabilities (the matcher is symmetric)."""
        return (self._prob(vector) + self._prob(_swapped(vector))) / 2

    def _prob(self, vector: list[float]) -> float:
        return standardised_logistic(vector, self.mean, self.scale, self.weights, self.bias)


def standardised_logistic(
    values: Sequence[float],
    mean: Sequence[float],
    scale: Sequence[float],
    weights: Sequence[float],
    bias: float,
) -> float:
    """A fitted logistic model's probability of standardised inputs (the lexical and
    embedding matchers and the rewrite verdict all are one)."""
    z = bias + sum(w * (x - m) / s for w, x, m, s in zip(weights, values, mean, scale, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def check_thresholds(threshold: float, align_threshold: float) -> None:
    """A fitted matcher's two probability thresholds must lie strictly inside (0, 1)."""
    for name, value in (("threshold", threshold), ("align_threshold", align_threshold)):
        if not 0.0 < value < 1.0:
            raise ValueError(f"{name} must be in (0, 1), got {value}")


def logistic_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A fitted logistic matcher's fields from its JSON: standardisation, weights,
    bias and thresholds (shared by the lexical and the embedding matcher)."""
    floats = ("mean", "scale", "weights")
    return {
        **{name: tuple(map(float, data[name])) for name in floats},
        **{name: float(data[name]) for name in ("bias", "threshold", "align_threshold")},
    }


def shipped(name: str) -> dict[str, Any]:
    """A matcher's weights as shipped in ``dedup/data/``."""
    loaded: dict[str, Any] = json.loads(
        resources.files("dedup").joinpath(f"data/{name}").read_text("utf-8")
    )
    return loaded
