"""Shingles: hash tokens with xxhash once, then combine n consecutive token hashes
into one 32-bit shingle hash with numpy, never building n-gram strings.

Shingle hash of tokens t1..tn: ``fmix64(((h(t1) * P + h(t2)) * P + ...) + h(tn)) & 0xFFFFFFFF``
in uint64 arithmetic, with ``h = xxh3_64``. Word shingles use word tokens, character
shingles use the characters of the space-joined tokens.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import xxhash

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_MASK32 = np.uint64(0xFFFFFFFF)


def hash_tokens(tokens: list[str]) -> U64:
    """xxh3_64 of each token's UTF-8, in one C-level pass (no Python loop per token):
    as fast as the per-token cache it replaces, and it holds no memory."""
    encoded = map(str.encode, tokens)
    return np.fromiter(map(xxhash.xxh3_64_intdigest, encoded), dtype=np.uint64, count=len(tokens))


def fmix64(h: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: spreads the combined value over all bits."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def combine(hashes: U64, n: int) -> U64:
    """64-bit hash of every run of ``n`` consecutive values (length ``len - n + 1``)."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    out = hashes[:count].copy()
    for j in range(1, n):
        out *= MULTIPLIER
        out += hashes[j : j + count]
    return out


def shingle_set(hashes: U64, n: int) -> U32:
    """Sorted, unique 32-bit shingle hashes of the token hashes ``hashes``."""
    combined = fmix64(combine(hashes, n)) & _MASK32
    return np.unique(combined.astype(np.uint32))


def char_tokens(tokens: list[str]) -> list[str]:
    """Characters of the space-joined tokens, for character n-gram shingles."""
    return list(" ".join(tokens))
