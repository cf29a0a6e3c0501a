"""Many articles' salient terms, by position, in flat arrays: what a scan keeps of
every article's terms for the rewrite tier. An article's ``SalientTerms`` of its own
held two numpy arrays, each with its ~110-byte header, and its object: ~870 bytes an
article at 100,000 synthetic articles, of which ~560 were terms. Here the terms of
``CHUNK`` consecutive articles share two arrays, and an article is read back as a
``SalientTerms`` over views of them (the same values, so the same sums)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.fingerprint.shingle import U32
from dedup.text.salience import SalientTerms

CHUNK = 4_096
"""Articles whose terms are joined into one pair of arrays."""
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Chunk:
    """Consecutive articles' terms: article ``k``'s lie at ``ends[k-1]:ends[k]``."""

    hashes: U32
    weights: F32
    ends: I64
    shares: F64

    @classmethod
    def of(cls, terms: Sequence[SalientTerms]) -> _Chunk:
        sizes = np.fromiter((len(t.hashes) for t in terms), dtype=np.int64, count=len(terms))
        return cls(
            np.concatenate([t.hashes for t in terms]).astype(np.uint32, copy=False),
            np.concatenate([t.weights for t in terms]).astype(np.float32, copy=False),
            np.cumsum(sizes),
            np.fromiter((t.numeric_share for t in terms), dtype=np.float64, count=len(terms)),
        )

    def __getitem__(self, at: int) -> SalientTerms:
        start = int(self.ends[at - 1]) if at else 0
        end = int(self.ends[at])
        share = float(self.shares[at])
        return SalientTerms(self.hashes[start:end], self.weights[start:end], share)


class SalientTable:
    """Articles' salient terms by position: appended in order, read back one at a
    time; one replaced (an article fingerprinted again) is kept apart."""

    def __init__(self) -> None:
        self._chunks: list[_Chunk] = []
        self._pending: list[SalientTerms] = []
        self._replaced: dict[int, SalientTerms] = {}

    def append(self, terms: SalientTerms) -> None:
        self._pending.append(terms)
        if len(self._pending) == CHUNK:
            self._chunks.append(_Chunk.of(self._pending))
            self._pending = []

    def __len__(self) -> int:
        return CHUNK * len(self._chunks) + len(self._pending)

    def __getitem__(self, position: int) -> SalientTerms:
        if not 0 <= position < len(self):
            raise IndexError(f"no salient terms at {position}")
        found = self._replaced.get(position)
        if found is not None:
            return found
        number, at = divmod(position, CHUNK)
        return self._chunks[number][at] if number < len(self._chunks) else self._pending[at]

    def __setitem__(self, position: int, terms: SalientTerms) -> None:
        if not 0 <= position < len(self):
            raise IndexError(f"no salient terms at {position}")
        self._replaced[position] = terms

    def __iter__(self) -> Iterator[SalientTerms]:
        return (self[position] for position in range(len(self)))
