"""One-byte MinHash sketches: which LSH candidates are worth verifying exactly.

A signature's values cut to their low 8 bits (b-bit minwise hashing, Li and König
2010) still estimate Jaccard: two values agree with probability J + (1 - J) / 256.
Candidates whose estimate is far below what either relation needs (the near-copy
Jaccard, or the Jaccard that the near-copy containment implies for their sizes) are
not verified: articles sharing only a footer or a wire credit collide in the LSH by
the hundred thousand before that boilerplate is set aside, and exact verification of
each cost ~30 us. ``SIGMAS`` standard errors of margin reject a pair truly at the
threshold about once in 700, less often than the LSH itself misses one there (at
0.3 / 128 permutations it misses 1 in 140 at Jaccard 0.5).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedup.config import ScanConfig
from dedup.fingerprint.shingle import U32

U8 = npt.NDArray[np.uint8]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
SIGMAS = 3.0
CHUNK = 65_536
"""Candidate pairs estimated at once (a chunk takes ``num_perm`` bytes a pair)."""


class Sketches:
    """One row of ``num_perm`` bytes per article, and its shingle count."""

    def __init__(self, count: int, num_perm: int) -> None:
        self.rows: U8 = np.zeros((count, num_perm), dtype=np.uint8)
        self.sizes: I64 = np.zeros(count, dtype=np.int64)

    def set(self, number: int, signature: U32, shingles: int) -> None:
        self.rows[number] = (signature & 0xFF).astype(np.uint8)
        self.sizes[number] = shingles

    def jaccard(self, pairs: I64) -> F64:
        """Estimated Jaccard of each candidate pair (rows ``(i, j)``)."""
        found = np.empty(len(pairs), dtype=np.float64)
        for start in range(0, len(pairs), CHUNK):
            chunk = pairs[start : start + CHUNK]
            equal = self.rows[chunk[:, 0]] == self.rows[chunk[:, 1]]
            found[start : start + CHUNK] = equal.mean(axis=1)
        return np.clip((found - 1 / 256) / (1 - 1 / 256), 0.0, 1.0)

    def plausible(self, pairs: I64, estimate: F64, config: ScanConfig) -> npt.NDArray[np.bool_]:
        """Which pairs could be copies or near-copies: an estimate within ``SIGMAS``
        standard errors of the least Jaccard that would qualify them."""
        a, b = self.sizes[pairs[:, 0]], self.sizes[pairs[:, 1]]
        held = config.near_containment * np.minimum(a, b)  # shared shingles it takes
        by_containment = held / np.maximum(a + b - held, 1)
        needed = np.minimum(config.near_jaccard, by_containment)
        return estimate >= floor(needed, config.num_perm)


def floor(needed: F64 | float, num_perm: int) -> F64:
    """``needed`` less ``SIGMAS`` standard errors of an estimate from ``num_perm`` values."""
    value = np.asarray(needed, dtype=np.float64)
    return np.asarray(value - SIGMAS * np.sqrt(value * (1 - value) / num_perm))


def near_identical(config: ScanConfig) -> float:
    """The Jaccard at which a text joins another's near-identical group: any two
    texts of one group are then copies of each other (Jaccard distance is a metric,
    so their distance is at most twice the group's)."""
    return 1 - (1 - config.copy_jaccard) / 2
