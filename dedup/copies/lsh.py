"""Band index: MinHash-LSH buckets behind a small interface of our own.

A signature is cut into ``bands`` bands of ``rows`` values; each band is reduced to a
64-bit key. Two articles are candidates when any band key is equal. The in-memory
index keeps keys in numpy arrays (8 bytes per band per article) and finds equal keys
by sorting; persistent backends implement the same interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np
import numpy.typing as npt

from dedup.fingerprint.shingle import MULTIPLIER, U32, U64, fmix64

I64 = npt.NDArray[np.int64]


def band_keys(signature: U32, bands: int, rows: int) -> U64:
    """One 64-bit key per band: the band's values combined and mixed with its number
    (a signature gives ``bands`` keys; a stack of them, one row of keys each)."""
    shape = signature.shape[:-1]
    grid = signature[..., : bands * rows].astype(np.uint64).reshape(*shape, bands, rows)
    keys = grid[..., 0].copy()
    for j in range(1, rows):
        keys *= MULTIPLIER
        keys += grid[..., j]
    keys += np.arange(bands, dtype=np.uint64)
    return fmix64(keys)


class BandIndex(Protocol):
    """What the candidate stage needs from an LSH index."""

    bands: int
    rows: int

    def add(self, doc: int, keys: U64) -> None:
        """Record the band keys of document number ``doc``."""
        ...

    def query(self, keys: U64) -> set[int]:
        """Documents sharing at least one band key with ``keys``."""
        ...

    def pairs(self) -> Iterator[tuple[int, int]]:
        """Every candidate pair ``(i, j)``, ``i < j``, once."""
        ...


class MemoryBandIndex:
    """Band keys in growing numpy tables; pairs found by sorting each band's column.

    Buckets larger than ``max_bucket`` give no pairs; buckets larger than ``dense``
    (when set) give a star, their first document paired with each other one, instead
    of every pair: a bucket that size is shared content (a footer before it is set
    aside), and its pairs would grow with the square of the corpus."""

    def __init__(
        self,
        bands: int,
        rows: int,
        *,
        max_bucket: int = 1000,
        dense: int | None = None,
        capacity: int = 1024,
    ) -> None:
        """``capacity``: the documents expected; the tables double when it is passed
        (a copy of the keys, 8 bytes a band an article, while they grow)."""
        if bands < 1 or rows < 1:
            raise ValueError(f"bands and rows must be positive, got {bands}x{rows}")
        self.bands = bands
        self.rows = rows
        self.max_bucket = max_bucket
        self.dense = dense
        self.oversized_buckets = 0
        self._keys = np.empty((max(1, capacity), bands), dtype=np.uint64)
        self._docs = np.empty(max(1, capacity), dtype=np.int64)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, doc: int, keys: U64) -> None:
        if len(keys) != self.bands:
            raise ValueError(f"expected {self.bands} band keys, got {len(keys)}")
        if self._size == len(self._docs):
            self._keys = np.concatenate([self._keys, np.empty_like(self._keys)])
            self._docs = np.concatenate([self._docs, np.empty_like(self._docs)])
        self._keys[self._size] = keys
        self._docs[self._size] = doc
        self._size += 1

    def query(self, keys: U64) -> set[int]:
        hits = (self._keys[: self._size] == keys[np.newaxis, :]).any(axis=1)
        return {int(d) for d in self._docs[: self._size][hits]}

    def pairs(self) -> Iterator[tuple[int, int]]:
        found, step = self.pair_array(), 65_536  # a few Python ints at a time
        for start in range(0, len(found), step):
            chunk = found[start : start + step]
            yield from zip(chunk[:, 0].tolist(), chunk[:, 1].tolist(), strict=True)

    def pair_array(self) -> I64:
        """Every candidate pair as a row ``(i, j)``, ``i < j``, sorted: 16 bytes a pair,
        where a list of tuples costs about 100 (a large corpus has millions)."""
        width = self._width()
        codes = [self._band_codes(band, width) for band in range(self.bands)]
        return _decode(np.unique(np.concatenate(codes)), width)

    def band_pairs(self, band: int) -> I64:
        """The pairs sharing band ``band``'s key, as ``pair_array`` rows: one band at a
        time, a large corpus's pairs need never be held all at once (a pair sharing
        several bands is in several bands' pairs)."""
        width = self._width()
        return _decode(np.sort(self._band_codes(band, width)), width)

    def _band_codes(self, band: int, width: int) -> I64:
        """Pair codes ``i * width + j`` of one band (unsorted, each pair once)."""
        if self._size < 2:
            return np.empty(0, dtype=np.int64)
        column = self._keys[: self._size, band]
        order = np.argsort(column, kind="stable")
        codes = list(self._bucket_pairs(column[order], self._docs[order], width))
        return np.concatenate(codes) if codes else np.empty(0, dtype=np.int64)

    def _width(self) -> int:
        """One more than the largest document number: pair codes are ``i * width + j``."""
        return int(self._docs[: self._size].max()) + 1 if self._size else 1

    def _bucket_pairs(self, keys: U64, docs: I64, width: int) -> Iterator[I64]:
        """Pair codes ``i * width + j`` (i < j) for every run of equal sorted keys."""
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        sizes = np.diff(np.append(starts, len(keys)))
        shared = sizes >= 2
        self.oversized_buckets += int(np.count_nonzero(sizes > self.max_bucket))
        shared &= sizes <= self.max_bucket
        twos = starts[shared & (sizes == 2)]  # most buckets: paired without a loop
        if len(twos):
            first, second = docs[twos], docs[twos + 1]
            yield np.minimum(first, second) * width + np.maximum(first, second)
        larger = shared & (sizes > 2)
        for start, size in zip(starts[larger].tolist(), sizes[larger].tolist(), strict=True):
            members = np.sort(docs[start : start + size])
            if self.dense is not None and size > self.dense:
                yield members[0] * width + members[1:]
                continue
            i, j = np.triu_indices(size, k=1)
            yield members[i] * width + members[j]


def _decode(codes: I64, width: int) -> I64:
    """Pair codes ``i * width + j`` as rows ``(i, j)``."""
    return np.stack(np.divmod(codes, width), axis=1)
