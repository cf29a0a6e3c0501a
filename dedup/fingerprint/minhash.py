"""MinHash signatures, compatible with ``datasketch.MinHash(scheme='affine32')``.

The one module that touches datasketch. For the same 32-bit shingle hashes the
signature equals datasketch's value for value, so it loads as a ``LeanMinHash``; but
it is computed in one compiled pass (``kernels``) instead of one call per shingle.
A scan never imports datasketch: importing it imports scipy.integrate (for its LSH
parameters), about a second of every run's start-up; the permutations are drawn as
datasketch draws them and the LSH parameters of the default thresholds are known
(tests check both against datasketch).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]


class MinHasher:
    """Computes signatures with datasketch's permutations for ``num_perm`` and ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1, *, compiled: bool = True) -> None:
        if num_perm < 1:
            raise ValueError(f"num_perm must be positive, got {num_perm}")
        self.num_perm = num_perm
        self.seed = seed
        self.compiled = compiled
        """By the compiled kernel (numba), else by numpy: the same values."""
        self._a, self._b = _permutations(num_perm, seed)

    def signature(self, shingles: U32) -> U32:
        """Minimum of each affine permutation ``a * h + b`` (modulo 2**32, uint32
        wrap-around) over ``h = fmix32(shingle)`` for every shingle hash (non-empty)."""
        if len(shingles) == 0:
            raise ValueError("cannot fingerprint an empty shingle set")
        if not self.compiled:
            return _signature(np.asarray(shingles, dtype=np.uint32), self._a, self._b)
        from dedup.fingerprint import kernels  # numba loads on first use, not with the CLI

        return kernels.signature(shingles, self._a, self._b)


_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))
SIGNATURE_CHUNK = 2_048
"""Values permuted at once by ``_signature`` (a permutations-by-values uint32 grid)."""


def _signature(values: U32, a: U32, b: U32) -> U32:
    """``kernels.signature`` by numpy, a chunk of values at a time."""
    sixteen, first, thirteen, second = _FMIX32
    found = np.full(len(a), 0xFFFFFFFF, dtype=np.uint32)
    for start in range(0, len(values), SIGNATURE_CHUNK):
        chunk = values[start : start + SIGNATURE_CHUNK]
        mixed = chunk >> sixteen
        mixed ^= chunk  # MurmurHash3 fmix32
        mixed *= first
        mixed ^= mixed >> thirteen
        mixed *= second
        mixed ^= mixed >> sixteen
        permuted = np.multiply.outer(a, mixed)
        permuted += b[:, np.newaxis]
        np.minimum(found, permuted.min(axis=1), out=found)
    return found


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """datasketch's affine permutations (``MinHash._init_permutations`` of the
    ``affine32`` scheme: an odd ``a`` and any ``b`` below 2**32, drawn from
    ``RandomState(seed)``), made once per process (a check makes a MinHasher per call)."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    found = (np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32))
    for array in found:
        array.flags.writeable = False  # shared by every MinHasher
    return found


def to_lean_minhash(signature: U32, seed: int = 1) -> Any:
    """The signature as a ``datasketch.LeanMinHash`` (for users of datasketch)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme="affine32")


KNOWN_LSH_PARAMS = {
    (0.3, 128): (37, 3),  # ScanConfig.lsh_threshold
    (0.06, 128): (26, 1),  # ScanConfig.rewrite_lsh_threshold
    (0.4, 128): (32, 4),  # copies.short_candidates.LSH_THRESHOLD
    (0.95 - 0.15, 128): (9, 13),  # copies.finder's near-identical index
}
"""datasketch's ``_optimal_param`` (bands, rows) of the default thresholds, by
(threshold, num_perm): a scan with the defaults needs no integration."""


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows for a Jaccard threshold, chosen exactly as datasketch's
    ``MinHashLSH`` chooses them (equal false-positive and false-negative weights)."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"LSH threshold must be strictly between 0 and 1, got {threshold}")
    known = KNOWN_LSH_PARAMS.get((threshold, num_perm))
    if known is not None:
        return known
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


def estimate_jaccard(a: U32, b: U32) -> float:
    """Share of equal signature slots: the MinHash estimate of Jaccard similarity."""
    return float(np.count_nonzero(a == b)) / len(a)
