"""MinHash signatures, compatible with ``datasketch.MinHash(scheme='affine32')``.

The one module that touches datasketch. For the same 32-bit shingle hashes the
signature equals datasketch's value for value, so it loads as a ``LeanMinHash``; but
it is computed in one compiled pass (``kernels``) instead of one call per shingle.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]


class MinHasher:
    """Computes signatures with datasketch's permutations for ``num_perm`` and ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError(f"num_perm must be positive, got {num_perm}")
        self.num_perm = num_perm
        self.seed = seed
        self._a, self._b = _permutations(num_perm, seed)

    def signature(self, shingles: U32) -> U32:
        """Minimum of each affine permutation ``a * h + b`` (modulo 2**32, uint32
        wrap-around) over ``h = fmix32(shingle)`` for every shingle hash (non-empty)."""
        if len(shingles) == 0:
            raise ValueError("cannot fingerprint an empty shingle set")
        from dedup.fingerprint import kernels  # numba loads on first use, not with the CLI

        return kernels.signature(shingles, self._a, self._b)


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
