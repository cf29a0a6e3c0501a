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
from dataclasses import dataclass
from importlib import resources
from typing import Any

from dedup.normalise import normalise, tokenise

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


def _ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def features(a: str, b: str) -> list[float]:
    """The feature vector of a sentence pair, in ``FEATURES`` order (symmetric in
    spirit: precision/recall pairs swap when ``a`` and ``b`` do)."""
    ta, tb = tokenise(normalise(a)), tokenise(normalise(b))
    out: list[float] = []
    for n in (1, 2, 3, 4):
        ga, gb = _ngrams(ta, n), _ngrams(tb, n)
        common = len(ga & gb)
        out += [_ratio(common, len(ga)), _ratio(common, len(gb))]
    ca = {t for t in ta if t not in STOPWORDS}
    cb = {t for t in tb if t not in STOPWORDS}
    common = len(ca & cb)
    out += [
        _ratio(common, len(ca | cb)),
        _ratio(common, min(len(ca), len(cb))),
        _ratio(common, max(len(ca), len(cb))),
    ]
    la, lb = a.lower(), b.lower()
    tri_a = {la[i : i + 3] for i in range(len(la) - 2)}
    tri_b = {lb[i : i + 3] for i in range(len(lb) - 2)}
    out.append(_ratio(len(tri_a & tri_b), len(tri_a | tri_b)))
    na, nb = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    out += [float(na == nb), _ratio(len(na ^ nb), len(na | nb))]
    gap = abs(len(ta) - len(tb))
    out += [_ratio(gap, max(len(ta), len(tb))), math.log1p(gap)]
    out.append(difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio())
    out += [math.log1p(len(ca - cb)), math.log1p(len(cb - ca))]
    sa, sb = {t[:5] for t in ca}, {t[:5] for t in cb}
    out.append(_ratio(len(sa & sb), len(sa | sb)))
    pa, pb = set(_NAME.findall(a)), set(_NAME.findall(b))
    out.append(_ratio(len(pa & pb), len(pa | pb)))
    return out


@dataclass(frozen=True)
class SentenceMatcher:
    """Standardise features, apply logistic weights. ``threshold`` is the paraphrase
    decision (best cross-validated accuracy on the training split); ``align_threshold``
    is lower (95 % of training paraphrases reach it), for aligning sentences that
    differ by a clause or a number so that the difference can be shown."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    align_threshold: float

    def __post_init__(self) -> None:
        sizes = {len(self.mean), len(self.scale), len(self.weights)}
        if sizes != {len(FEATURES)}:
            raise ValueError(f"matcher needs {len(FEATURES)} features per vector, got {sizes}")
        for name in ("threshold", "align_threshold"):
            if not 0.0 < getattr(self, name) < 1.0:
                raise ValueError(f"{name} must be in (0, 1), got {getattr(self, name)}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentenceMatcher:
        if data.get("features") != list(FEATURES):
            raise ValueError("matcher weights were trained on a different feature list")
        return cls(
            mean=tuple(map(float, data["mean"])),
            scale=tuple(map(float, data["scale"])),
            weights=tuple(map(float, data["weights"])),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            align_threshold=float(data["align_threshold"]),
        )

    @classmethod
    def default(cls) -> SentenceMatcher:
        """The matcher shipped with the package (``dedup/data/matcher.json``)."""
        text = resources.files("dedup").joinpath("data/matcher.json").read_text("utf-8")
        return cls.from_dict(json.loads(text))

    def probability(self, a: str, b: str) -> float:
        """Probability that ``a`` and ``b`` are paraphrases (order-independent)."""
        return (self._prob(features(a, b)) + self._prob(features(b, a))) / 2

    def aligns(self, a: str, b: str) -> bool:
        """Close enough to align in a report (looser than ``is_paraphrase``)."""
        return self.probability(a, b) >= self.align_threshold

    def is_paraphrase(self, a: str, b: str) -> bool:
        return self.probability(a, b) >= self.threshold

    def _prob(self, vector: list[float]) -> float:
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, vector, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
