"""Candidates of the short route: the pairs of short items whose tokens are close
enough to verify, found without a Python step per pair.

A MinHash-LSH over each item's set of tokens (word 1-shingles), tuned to a Jaccard of
``LSH_THRESHOLD``, puts items in buckets; a bucket of more than ``MAX_BUCKET`` items is
a form or footer many items share, not one story, and gives none. Each bucket's
members are compared all against all in one RapidFuzz ``cdist`` call (C++) on their
tokens coded as one character each: 100,000 templated dividend notices, whose buckets
fill up, take seconds where a loop over their 5 million LSH pairs took minutes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel
from rapidfuzz.process import cdist

from dedup.copies.lsh import band_keys
from dedup.fingerprint import shingle
from dedup.fingerprint.minhash import MinHasher, lsh_params

LSH_THRESHOLD = 0.4
"""Token-set Jaccard the LSH is tuned for (32 bands of 4 rows at 128 permutations):
pairs at an edit similarity of 0.8 keep a Jaccard of 0.59 or more (the least among
771 such MSRP sentence pairs), candidates then with probability 0.98 or more."""
MAX_BUCKET = 50
"""Items sharing one band key beyond which the bucket gives no candidates (Reuters-21578's
short items give the same pairs with any bound from 20 to 1,000; 100,000 templated
notices take 4 s at 50, 10 s at 100)."""
SLACK = 1e-6
"""Floating-point slack of a similarity cutoff: one word in five replaced is 0.8, which
RapidFuzz refuses at a ``score_cutoff`` of 0.8 (or of 0.8 - 1e-9)."""
_CHARACTERS = 0x110000
U64Matrix = npt.NDArray[np.uint64]


def similar_pairs(
    tokens: Sequence[Sequence[str]],
    cutoff: float,
    num_perm: int,
    seed: int,
    *,
    compiled: bool = True,
) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, sorted, sharing a bucket and whose token edit
    similarity reaches ``cutoff`` (within ``SLACK``); token sets signed by numba's
    kernels when ``compiled``, else by numpy (the same keys)."""
    coded = _coded(tokens)
    found: set[tuple[int, int]] = set()
    for column in _band_keys(tokens, MinHasher(num_perm, seed, compiled=compiled)).T:
        for members in _buckets(column):
            found.update(_similar(members, coded, cutoff))
    return sorted(found)


def _coded(tokens: Sequence[Sequence[str]]) -> list[str]:
    """Each item's tokens as a string of one character per distinct token. Past
    1,114,112 distinct tokens two tokens can share a character; that only adds
    candidates, which verification measures on the tokens themselves."""
    vocabulary: dict[str, int] = {}
    return [
        "".join(chr(vocabulary.setdefault(t, len(vocabulary)) % _CHARACTERS) for t in words)
        for words in tokens
    ]


def _band_keys(tokens: Sequence[Sequence[str]], minhasher: MinHasher) -> U64Matrix:
    """The band keys of each item's token set, one row an item."""
    bands, rows = lsh_params(LSH_THRESHOLD, minhasher.num_perm)
    compiled = minhasher.compiled
    keys = np.empty((len(tokens), bands), dtype=np.uint64)
    for number, words in enumerate(tokens):
        hashes = shingle.shingle_set(shingle.hash_tokens(list(words)), 1, compiled=compiled)
        keys[number] = band_keys(minhasher.signature(hashes), bands, rows)
    return keys


def _buckets(column: shingle.U64) -> Iterator[list[int]]:
    """The items sharing each key of one band (2 to ``MAX_BUCKET`` of them), sorted."""
    order = np.argsort(column, kind="stable")
    ordered = column[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    sizes = np.diff(np.append(starts, len(ordered)))
    kept = (sizes >= 2) & (sizes <= MAX_BUCKET)
    for start, size in zip(starts[kept].tolist(), sizes[kept].tolist(), strict=True):
        yield sorted(order[start : start + size].tolist())


def _similar(members: list[int], coded: list[str], cutoff: float) -> Iterator[tuple[int, int]]:
    """The pairs of ``members`` (``i < j``) whose coded tokens are similar enough."""
    texts = [coded[m] for m in members]
    scores = cdist(texts, texts, scorer=Indel.normalized_similarity, score_cutoff=cutoff - SLACK)
    for x, y in zip(*np.nonzero(np.triu(scores, 1)), strict=True):
        yield members[x], members[y]
