"""Many articles' arrays of one type, by position, kept as a few large arrays: what a
scan keeps of every article (fact hashes, line keys, salient terms) until its report
is made. A numpy array of its own costs a ~110-byte header beside its data, which is
often smaller (an article's 15 fact hashes: 120 bytes); here ``CHUNK`` consecutive
articles' values share one array, and an article's is read back as a view of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

CHUNK = 4_096
"""Articles whose values are joined into one array."""
I64 = npt.NDArray[np.int64]


class Ragged:
    """Arrays of ``dtype`` by position: appended in order, read back as read-only views
    (the same values); the latest ``CHUNK`` wait in a list until they fill a chunk."""

    def __init__(self, dtype: npt.DTypeLike) -> None:
        self.dtype = np.dtype(dtype)
        self._chunks: list[tuple[npt.NDArray[Any], I64]] = []
        """Each chunk's values and where each of its arrays ends in them."""
        self._pending: list[npt.NDArray[Any]] = []

    def append(self, values: npt.NDArray[Any]) -> None:
        if values.dtype != self.dtype:
            raise TypeError(f"expected {self.dtype} values, got {values.dtype}")
        self._pending.append(values)
        if len(self._pending) == CHUNK:
            ends = np.cumsum([len(v) for v in self._pending], dtype=np.int64)
            joined = np.concatenate(self._pending)
            joined.flags.writeable = False
            self._chunks.append((joined, ends))
            self._pending = []

    def __len__(self) -> int:
        return CHUNK * len(self._chunks) + len(self._pending)

    def __getitem__(self, position: int) -> npt.NDArray[Any]:
        if not 0 <= position < len(self):
            raise IndexError(f"no values at {position}")
        number, at = divmod(position, CHUNK)
        if number == len(self._chunks):
            return self._pending[at]
        joined, ends = self._chunks[number]
        return joined[(int(ends[at - 1]) if at else 0) : int(ends[at])]

    def __iter__(self) -> Iterator[npt.NDArray[Any]]:
        return (self[position] for position in range(len(self)))
