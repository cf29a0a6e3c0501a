"""MinHash signatures, compatible with ``datasketch.MinHash(scheme='affine32')``.

The one module that touches datasketch. For the same 32-bit shingle hashes the
signature equals datasketch's value for value, so it loads as a ``LeanMinHash``; but
it is computed over all shingles at once in numpy instead of one call per shingle.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]

_ROWS_UP_TO = 160
"""Sets up to this size are permuted as (shingles x permutations), larger ones as
(permutations x shingles): measured, the second layout is 2-3x faster from a few
hundred shingles on, the first a little faster on the short articles below."""
_CHUNK = 16_384
"""Shingles permuted at once in the second layout: bounds the temporary (8 MB at 128
permutations) for very long documents."""
# 0-d arrays rather than numpy scalars: cheaper ufunc calls on short arrays.
_FMIX32_C1 = np.array(0x85EBCA6B, dtype=np.uint32)
_FMIX32_C2 = np.array(0xC2B2AE35, dtype=np.uint32)
_SHIFT16 = np.array(16, dtype=np.uint32)
_SHIFT13 = np.array(13, dtype=np.uint32)


def _fmix32(h: U32) -> U32:
    """MurmurHash3's 32-bit finaliser, as datasketch applies before permuting; a new
    array (the first step copies, the others work in place)."""
    mixed = h >> _SHIFT16
    mixed ^= h
    mixed *= _FMIX32_C1
    mixed ^= mixed >> _SHIFT13
    mixed *= _FMIX32_C2
    mixed ^= mixed >> _SHIFT16
    return mixed


class MinHasher:
    """Computes signatures with datasketch's permutations for ``num_perm`` and ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError(f"num_perm must be positive, got {num_perm}")
        self.num_perm = num_perm
        self.seed = seed
        self._a, self._b = _permutations(num_perm, seed)
        self._a_col: U32 = self._a[:, np.newaxis].copy()
        self._b_col: U32 = self._b[:, np.newaxis].copy()

    def signature(self, shingles: U32) -> U32:
        """Minimum of each affine permutation ``a * h + b`` (modulo 2**32, uint32
        wrap-around) over all pre-mixed shingle hashes ``h`` (non-empty)."""
        if len(shingles) == 0:
            raise ValueError("cannot fingerprint an empty shingle set")
        mixed = _fmix32(np.asarray(shingles, dtype=np.uint32))
        if len(mixed) <= _ROWS_UP_TO:
            permuted = mixed[:, np.newaxis] * self._a
            permuted += self._b
            by_rows: U32 = permuted.min(axis=0)
            return by_rows
        result = self._min_by_columns(mixed[:_CHUNK])
        for start in range(_CHUNK, len(mixed), _CHUNK):
            np.minimum(result, self._min_by_columns(mixed[start : start + _CHUNK]), out=result)
        return result

    def _min_by_columns(self, mixed: U32) -> U32:
        """Per permutation, the minimum over ``mixed`` laid out as (permutations x
        shingles)."""
        permuted = self._a_col * mixed
        permuted += self._b_col
        by_columns: U32 = permuted.min(axis=1)
        return by_columns


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """datasketch's affine permutations, made once per process (a check makes a
    MinHasher per call; drawing them costs about a millisecond)."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    found = (np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32))
    for array in found:
        array.flags.writeable = False  # shared by every MinHasher
    return found


def to_lean_minhash(signature: U32, seed: int = 1) -> Any:
    """The signature as a ``datasketch.LeanMinHash`` (for users of datasketch)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme="affine32")


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows for a Jaccard threshold, chosen exactly as datasketch's
    ``MinHashLSH`` chooses them (equal false-positive and false-negative weights)."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"LSH threshold must be strictly between 0 and 1, got {threshold}")
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


def estimate_jaccard(a: U32, b: U32) -> float:
    """Share of equal signature slots: the MinHash estimate of Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)
