"""Shingles: hash tokens with xxhash once, then combine n consecutive token hashes
into one 32-bit shingle hash, never building n-gram strings (numpy here states the
arithmetic; ``kernels`` runs it compiled in the hot loop).

Shingle hash of tokens t1..tn: ``fmix64(((h(t1) * P + h(t2)) * P + ...) + h(tn)) & 0xFFFFFFFF``
in uint64 arithmetic, with ``h = xxh3_64``. Word shingles use word tokens, character
shingles use the characters of the space-joined tokens.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
import xxhash

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_BIG_ENDIAN_U64 = np.dtype(">u8")
# Constants as 0-d arrays, not numpy scalars: a ufunc call takes them ~25 % faster,
# which counts on an article's few hundred values.
_SHIFT33 = np.array(33, dtype=np.uint64)
_FMIX64_C1 = np.array(0xFF51AFD7ED558CCD, dtype=np.uint64)
_FMIX64_C2 = np.array(0xC4CEB9FE1A85EC53, dtype=np.uint64)


def hash_tokens(tokens: list[str]) -> U64:
    """xxh3_64 of each token's UTF-8."""
    return hash_utf8(list(map(str.encode, tokens)))


def hash_utf8(tokens: list[bytes]) -> U64:
    """xxh3_64 of each token (UTF-8 bytes), one C call per token and no Python-level
    work besides. The 8-byte digests are joined and read as big-endian (their
    canonical form): cheaper than turning every hash into a Python int."""
    digests = b"".join(map(xxhash.xxh3_64_digest, tokens))
    return np.frombuffer(digests, dtype=_BIG_ENDIAN_U64).astype(np.uint64)


def fmix64(h: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: spreads the combined value over all bits."""
    return _fmix64_inplace(h.copy())


def _fmix64_inplace(h: U64) -> U64:
    """``fmix64`` overwriting ``h`` (no temporary arrays besides the shifts)."""
    h ^= h >> _SHIFT33
    h *= _FMIX64_C1
    h ^= h >> _SHIFT33
    h *= _FMIX64_C2
    h ^= h >> _SHIFT33
    return h


@lru_cache(maxsize=8)
def _powers(n: int) -> U64:
    """``P**(n-1), ..., P, 1`` modulo 2**64: the weights of a window's token hashes."""
    powers = np.array([pow(int(MULTIPLIER), n - 1 - j, 1 << 64) for j in range(n)], dtype=np.uint64)
    powers.flags.writeable = False  # shared by every call
    return powers


def combine(hashes: U64, n: int) -> U64:
    """64-bit hash of every run of ``n`` consecutive values (length ``len - n + 1``):
    ``((v1 * P + v2) * P + ...) + vn`` expanded to ``v1 * P**(n-1) + ... + vn``, the
    same value modulo 2**64, computed as one matrix-vector product over a strided view
    (window ``i`` is ``hashes[i : i + n]``, no copy) instead of ``2n`` array passes."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    # np.ndarray over the same buffer: sliding_window_view builds this view too, at
    # ~20x the cost of the product itself on an article's few hundred values.
    step = hashes.itemsize
    windows: U64 = np.ndarray((count, n), dtype=np.uint64, buffer=hashes, strides=(step, step))
    combined: U64 = windows @ _powers(n)
    return combined


def shingle_set(hashes: U64, n: int, *, compiled: bool = True) -> U32:
    """Sorted, unique 32-bit shingle hashes of the token hashes ``hashes``: the low 32
    bits of ``fmix64(combine(hashes, n))``, deduplicated, in one compiled pass; not
    ``compiled``, the same values by numpy (a process that fingerprints a few
    articles, a cluster scan's client, need not load numba: ~120 MB)."""
    if not compiled:
        found: U32 = np.unique(_fmix64_inplace(combine(hashes, n)).astype(np.uint32))
        return found
    from dedup.fingerprint import kernels  # numba loads on first use, not with the CLI

    return kernels.shingle_set(hashes, _powers(n))


def char_tokens(tokens: list[str]) -> list[str]:
    """Characters of the space-joined tokens, for character n-gram shingles."""
    return list(" ".join(tokens))
