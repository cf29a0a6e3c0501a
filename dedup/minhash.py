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
_CHUNK = 4096


def _fmix32(h: U32) -> U32:
    """MurmurHash3's 32-bit finaliser, as datasketch applies before permuting."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


class MinHasher:
    """Computes signatures with datasketch's permutations for ``num_perm`` and ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError(f"num_perm must be positive, got {num_perm}")
        from datasketch import MinHash

        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        self.num_perm = num_perm
        self.seed = seed
        self._a: U32 = np.asarray(a, dtype=np.uint32)[np.newaxis, :]
        self._b: U32 = np.asarray(b, dtype=np.uint32)[np.newaxis, :]

    def signature(self, shingles: U32) -> U32:
        """Minimum of each affine permutation over all shingle hashes (non-empty)."""
        if len(shingles) == 0:
            raise ValueError("cannot fingerprint an empty shingle set")
        mixed = _fmix32(np.asarray(shingles, dtype=np.uint32))[:, np.newaxis]
        if len(mixed) <= _CHUNK:
            result: U32 = (mixed * self._a + self._b).min(axis=0)
            return result
        parts = [
            (mixed[i : i + _CHUNK] * self._a + self._b).min(axis=0)
            for i in range(0, len(mixed), _CHUNK)
        ]
        reduced: U32 = np.minimum.reduce(parts)
        return reduced


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
