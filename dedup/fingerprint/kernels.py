"""The hot loop's compiled inner loops: shingle hashes and MinHash, one pass each.

The one module that touches numba. Each kernel computes exactly what the numpy
reference beside it computes (``shingle.combine`` + ``shingle.fmix64`` + ``np.unique``;
datasketch's ``affine32`` permutations) but in one compiled loop instead of a few
dozen numpy calls, whose fixed cost (~1 µs each) dominated an article's few hundred
values. numba types every integer operation on 32-bit values as 64-bit, so each
32-bit step is wrapped back to ``uint32`` explicitly.

Kernels are compiled on first use and cached on disk (``cache=True``); ``load()``
compiles them up front so that forked workers inherit them instead of compiling.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_MAX32 = np.uint32(0xFFFFFFFF)


@numba.njit(cache=True, nogil=True)
def _shingle_set(hashes: Any, powers: Any) -> Any:
    n = len(powers)
    count = max(len(hashes) - n + 1, 0)
    low = np.empty(count, np.uint32)
    for i in range(count):
        h = np.uint64(0)
        for j in range(n):
            h += hashes[i + j] * powers[j]
        h ^= h >> np.uint64(33)  # MurmurHash3 fmix64
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB9FE1A85EC53)
        h ^= h >> np.uint64(33)
        low[i] = np.uint32(h & np.uint64(0xFFFFFFFF))
    low.sort()
    kept = 0
    for i in range(count):
        if kept == 0 or low[i] != low[kept - 1]:
            low[kept] = low[i]
            kept += 1
    return low[:kept].copy()


@numba.njit(cache=True, nogil=True)
def _signature(values: Any, a: Any, b: Any) -> Any:
    signature = np.full(len(a), _MAX32, np.uint32)
    for value in values:
        mixed = np.uint32((value >> np.uint32(16)) ^ value)  # MurmurHash3 fmix32
        mixed = np.uint32(mixed * np.uint32(0x85EBCA6B))
        mixed = np.uint32(mixed ^ (mixed >> np.uint32(13)))
        mixed = np.uint32(mixed * np.uint32(0xC2B2AE35))
        mixed = np.uint32(mixed ^ (mixed >> np.uint32(16)))
        for q in range(len(a)):
            permuted = np.uint32(a[q] * mixed + b[q])
            signature[q] = min(signature[q], permuted)
    return signature


def shingle_set(hashes: U64, powers: U64) -> U32:
    """Sorted unique low 32 bits of ``fmix64`` of every window of ``len(powers)``
    consecutive ``hashes`` weighted by ``powers`` (modulo 2**64)."""
    found: U32 = _shingle_set(np.ascontiguousarray(hashes, dtype=np.uint64), powers)
    return found


def signature(values: U32, a: U32, b: U32) -> U32:
    """Per permutation ``(a, b)``, the minimum of ``a * fmix32(v) + b`` modulo 2**32
    over ``values``: datasketch's ``affine32`` MinHash of those hashes."""
    found: U32 = _signature(np.ascontiguousarray(values, dtype=np.uint32), a, b)
    return found


def load() -> None:
    """Compile (or load from the disk cache) every kernel now, in this process."""
    powers = np.ones(2, dtype=np.uint64)
    values = shingle_set(np.arange(3, dtype=np.uint64), powers)
    ones = np.ones(1, dtype=np.uint32)
    signature(values, ones, ones)
