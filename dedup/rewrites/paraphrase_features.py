"""Features of a sentence pair for the paraphrase matcher: MT-metric-like string
measures (edit distances, BLEU, a METEOR-like alignment, fuzzy ratios, longest common
runs), set overlaps of words, n-grams, figures and names, and the static embeddings
(sentence cosine and a soft word alignment).

Measures measured on MSRP train (``benchmarks/train_paraphrase.py``): the string measures
lift cross-validated accuracy from 0.759 to 0.774; figures that differ are the strongest
single signal against a paraphrase. Every feature is symmetric: directed ones enter as
their minimum and maximum, and order-dependent algorithms see the pair in a fixed order.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, LCSseq, Levenshtein

from dedup.rewrites import embed
from dedup.rewrites.match import STOPWORDS
from dedup.text.normalise import normalise, tokenise

SETS = ("words", "bigrams", "trigrams", "content")
FEATURES = (
    "lev_words", "lev_stems", "indel_words", "lcs_long", "fuzz_ratio", "fuzz_token_sort",
    "fuzz_token_set", "fuzz_partial", "bleu_min", "bleu_max", "meteor_min", "meteor_max",
    "fragments_min", "fragments_max", "char2_jaccard", "char4_jaccard", "char5_jaccard",
    "run_max", "log_run", "log_char_gap",
    "run_min", "substring_min", "substring_max", "log_substring", "fuzz_partial_sort",
    "fuzz_weighted", "content_run_min", "log_content_run", "lcs_short",
    "cosine", "soft_min", "soft_max",
    *(f"{kind}_{stat}" for kind in SETS for stat in ("min", "max", "jaccard")),
    "char3_jaccard", "numbers_equal", "numbers_differ", "numbers_both", "numbers_both_differ",
    "names_jaccard", "names_differ", "length_gap", "log_length_gap",
    "unmatched_min", "unmatched_max", "unaligned_min", "unaligned_max",
)  # fmt: skip
SOFT_MATCH = 0.8
"""A word whose nearest word in the other sentence is less similar than this is
unaligned (a synonym or an inflection reaches it, an unrelated word does not)."""
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][a-z]+")


@dataclass(frozen=True, eq=False)
class Profile:
    """What the features need of one sentence, computed once per sentence."""

    text: str
    lowered: str
    tokens: tuple[str, ...]
    sets: dict[str, frozenset[str]]
    ngrams: tuple[Counter[tuple[str, ...]], ...]
    """Word 1- to 4-gram counts (for BLEU)."""
    token_vectors: np.ndarray
    """One row per token (for the METEOR-like alignment)."""
    content_vectors: np.ndarray
    """One row per distinct content word, sorted (for the soft alignment)."""


CACHE_SIZE = 4_096
"""Profiles kept (a few KB each): alignment meets each sentence of a story many times."""
_profiles: OrderedDict[str, Profile] = OrderedDict()


def profiles(sentences: Sequence[str]) -> list[Profile]:
    """The sentences' profiles; those not among the last ``CACHE_SIZE`` are built with
    their words embedded in one batch (a word's vector does not depend on the batch)."""
    missing = [s for s in dict.fromkeys(sentences) if s not in _profiles]
    if missing:
        texts = [normalise(s) for s in missing]
        tokens = [tuple(tokenise(t)) for t in texts]
        words = sorted({w for found in tokens for w in found})
        rows = dict(zip(words, embed.embed(words).astype(np.float64), strict=True))
        for sentence, text, found in zip(missing, texts, tokens, strict=True):
            _profiles[sentence] = _profile(sentence, text, found, rows)
    return embed.recent(_profiles, sentences, CACHE_SIZE)


def _profile(
    sentence: str, text: str, tokens: tuple[str, ...], rows: dict[str, np.ndarray]
) -> Profile:
    """One sentence's profile, its word vectors looked up in ``rows``."""
    content = sorted({t for t in tokens if t not in STOPWORDS})
    sets = {
        "words": frozenset(tokens),
        "bigrams": frozenset(f"{x} {y}" for x, y in itertools.pairwise(tokens)),
        "trigrams": frozenset(" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2)),
        "content": frozenset(content),
        "numbers": frozenset(_NUMBER.findall(sentence)),
        "names": frozenset(_NAME.findall(sentence)),
        "char3": _char_grams(sentence.lower(), 3),
        **{f"char{n}": _char_grams(text.lower(), n) for n in (2, 4, 5)},
    }
    return Profile(
        text=text,
        lowered=text.lower(),
        tokens=tokens,
        sets=sets,
        ngrams=tuple(
            Counter(tokens[i : i + n] for i in range(len(tokens) - n + 1)) for n in (1, 2, 3, 4)
        ),
        token_vectors=_stack([rows[t] for t in tokens]),
        content_vectors=_stack([rows[t] for t in content]),
    )


def _stack(rows: list[np.ndarray]) -> np.ndarray:
    return np.stack(rows) if rows else np.zeros((0, embed.DIMENSIONS))


def _char_grams(text: str, n: int) -> frozenset[str]:
    return frozenset(text[i : i + n] for i in range(len(text) - n + 1))


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return _ratio(len(a & b), len(a | b))


def _bleu(candidate: Profile, reference: Profile) -> float:
    """Sentence BLEU (add-one smoothed n-gram precisions up to 4, brevity penalty)."""
    log_precision = 0.0
    for found, wanted in zip(candidate.ngrams, reference.ngrams, strict=True):
        matched = sum((found & wanted).values())
        log_precision += math.log((matched + 1) / (found.total() + 1))
    brevity = min(0.0, 1 - len(reference.tokens) / max(len(candidate.tokens), 1))
    return math.exp(brevity + log_precision / 4)


def _meteor(a: Profile, b: Profile) -> tuple[float, float]:
    """A METEOR-like score of ``a`` against ``b`` and its fragmentation (chunks per
    matched word): each word of ``a`` in turn takes the first free word of ``b`` that is
    the same, else shares its first five letters, else is embedding-close."""
    if not a.tokens or not b.tokens:
        return 0.0, 0.0
    close = a.token_vectors @ b.token_vectors.T >= SOFT_MATCH
    free = [True] * len(b.tokens)
    aligned: list[tuple[int, int]] = []
    same, stems = _positions(b.tokens), _positions(tuple(t[:5] for t in b.tokens))
    for i, word in enumerate(a.tokens):
        stages = (same.get(word, ()), stems.get(word[:5], ()), np.flatnonzero(close[i]))
        for hits in stages:
            j = next((int(j) for j in hits if free[j]), None)
            if j is not None:
                free[j] = False
                aligned.append((i, j))
                break
    if not aligned:
        return 0.0, 0.0
    matched = len(aligned)
    p, r = matched / len(a.tokens), matched / len(b.tokens)
    chunks = 1 + sum(
        1 for (i, j), (k, m) in itertools.pairwise(aligned) if (k, m) != (i + 1, j + 1)
    )
    fragments = chunks / matched
    return 10 * p * r / (r + 9 * p) * (1 - 0.5 * fragments**3), fragments


def _positions(tokens: tuple[str, ...]) -> dict[str, list[int]]:
    """Where each token occurs, in order."""
    found: dict[str, list[int]] = {}
    for j, token in enumerate(tokens):
        found.setdefault(token, []).append(j)
    return found


def _longest_run(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """The longest run of consecutive words the two sequences share."""
    best, previous = 0, [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b):
            if x == y:
                current[j + 1] = previous[j] + 1
                best = max(best, current[j + 1])
        previous = current
    return best


def _longest_substring(a: str, b: str) -> int:
    """The longest run of characters the two strings share."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.find_longest_match(0, len(a), 0, len(b)).size


def string_features(a: Profile, b: Profile) -> list[float]:
    """The string measures (``FEATURES`` up to ``lcs_short``), ``a`` and ``b`` in a
    fixed order."""
    ta, tb = a.tokens, b.tokens
    short, long = max(min(len(ta), len(tb)), 1), max(len(ta), len(tb), 1)
    meteor_ab, meteor_ba = _meteor(a, b), _meteor(b, a)
    bleu = (_bleu(a, b), _bleu(b, a))
    run = _longest_run(ta, tb)
    chars = _longest_substring(a.lowered, b.lowered)
    content_a = tuple(t for t in ta if t not in STOPWORDS)
    content_b = tuple(t for t in tb if t not in STOPWORDS)
    content_run = _longest_run(content_a, content_b)
    return [
        Levenshtein.normalized_distance(ta, tb),
        Levenshtein.normalized_distance([t[:5] for t in ta], [t[:5] for t in tb]),
        Indel.normalized_distance(ta, tb),
        LCSseq.similarity(ta, tb) / long,
        *(score(a.text, b.text) / 100 for score in _FUZZ),
        min(bleu), max(bleu),
        min(meteor_ab[0], meteor_ba[0]), max(meteor_ab[0], meteor_ba[0]),
        min(meteor_ab[1], meteor_ba[1]), max(meteor_ab[1], meteor_ba[1]),
        *(_jaccard(a.sets[f"char{n}"], b.sets[f"char{n}"]) for n in (2, 4, 5)),
        run / long, math.log1p(run), math.log1p(abs(len(a.text) - len(b.text))),
        run / short,
        _ratio(chars, min(len(a.text), len(b.text))),
        _ratio(chars, max(len(a.text), len(b.text))),
        math.log1p(chars),
        fuzz.partial_token_sort_ratio(a.text, b.text) / 100,
        fuzz.WRatio(a.text, b.text) / 100,
        content_run / max(min(len(content_a), len(content_b)), 1),
        math.log1p(content_run),
        LCSseq.similarity(ta, tb) / short,
    ]  # fmt: skip


_FUZZ = (fuzz.ratio, fuzz.token_sort_ratio, fuzz.token_set_ratio, fuzz.partial_ratio)


def _soft(a: Profile, b: Profile) -> tuple[float, float]:
    """The mean over ``a``'s content words of their best cosine with ``b``'s, and how
    many of them fall below ``SOFT_MATCH`` (no words: 0 and all of them)."""
    words = len(a.content_vectors)
    if not words or not len(b.content_vectors):
        return 0.0, float(words)
    best = (a.content_vectors @ b.content_vectors.T).max(axis=1).round(embed.SIMILARITY_DECIMALS)
    return float(best.mean()), float((best < SOFT_MATCH).sum())


def overlap_features(a: Profile, b: Profile, cosine: float) -> list[float]:
    """The set, figure, length and embedding features (``FEATURES`` from ``cosine``)."""
    soft_ab, unaligned_ab = _soft(a, b)
    soft_ba, unaligned_ba = _soft(b, a)
    out = [cosine, min(soft_ab, soft_ba), max(soft_ab, soft_ba)]
    for kind in SETS:
        x, y = a.sets[kind], b.sets[kind]
        shared = len(x & y)
        out += [
            _ratio(shared, max(len(x), len(y))),
            _ratio(shared, min(len(x), len(y))),
            _ratio(shared, len(x | y)),
        ]
    out.append(_jaccard(a.sets["char3"], b.sets["char3"]))
    na, nb = a.sets["numbers"], b.sets["numbers"]
    differ = _ratio(len(na ^ nb), len(na | nb))
    both = float(bool(na) and bool(nb))
    out += [float(na == nb), differ, both, differ * both]
    names = a.sets["names"] | b.sets["names"]
    shared_names = len(a.sets["names"] & b.sets["names"])
    out += [_ratio(shared_names, len(names)), _ratio(len(names) - shared_names, len(names))]
    la, lb = len(a.tokens), len(b.tokens)
    out += [_ratio(abs(la - lb), max(la, lb)), math.log1p(abs(la - lb))]
    ca, cb = a.sets["content"], b.sets["content"]
    unmatched = (math.log1p(len(ca - cb)), math.log1p(len(cb - ca)))
    unaligned = (math.log1p(unaligned_ab), math.log1p(unaligned_ba))
    return [*out, min(unmatched), max(unmatched), min(unaligned), max(unaligned)]


def pair_features(a: str, b: str, cosine: float) -> list[float]:
    """``FEATURES`` of a sentence pair, given the cosine of their sentence vectors; the
    same for ``b, a``."""
    first, second = (a, b) if a <= b else (b, a)
    pa, pb = profiles([first, second])
    return [*string_features(pa, pb), *overlap_features(pa, pb, cosine)]
