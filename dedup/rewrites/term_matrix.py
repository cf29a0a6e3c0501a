"""Many articles' salient terms as one sparse matrix, to score LSH pairs in bulk.

The rewrite tier's LSH is tuned low and makes tens of candidate pairs per article;
scoring each pair with two numpy calls costs ~25 µs of overhead, which made the cheap
bound the largest cost of a large scan. Here a chunk of pairs is scored with a few
sparse-matrix operations instead (scipy: the one module that touches it, imported on first use).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dedup.fingerprint.shingle import U32
from dedup.text.salience import SalientTerms

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]


class TermMatrix:
    """Row ``i`` holds the weights of article ``i``'s salient terms."""

    def __init__(self, terms: Sequence[SalientTerms]) -> None:
        from scipy import sparse  # here: importing it costs every CLI start ~0.2 s

        sizes = np.fromiter((len(t.hashes) for t in terms), dtype=np.int64, count=len(terms))
        hashes = np.concatenate([t.hashes for t in terms]) if terms else np.empty(0, np.uint32)
        weights = np.concatenate([t.weights for t in terms]) if terms else np.empty(0)
        columns = _columns(hashes)
        del hashes
        pointers = np.concatenate([[0], np.cumsum(sizes)])
        shape = (len(terms), int(columns.max()) + 1 if len(columns) else 0)
        self._weights = sparse.csr_matrix(
            (weights.astype(np.float32, copy=False), columns, pointers), shape=shape
        )
        self._totals = np.asarray(self._weights.sum(axis=1, dtype=np.float64)).ravel()

    def weighted_jaccard(self, pairs: I64) -> F64:
        """The weighted Jaccard of each row ``(i, j)`` of ``pairs``: the weight of the
        shared terms over the weight of either's terms. ``salience.weighted_jaccard``
        up to float rounding (and which weight a 32-bit hash collision keeps)."""
        return self.overlaps(pairs)[0]

    def overlaps(self, pairs: I64) -> tuple[F64, F64]:
        """Each pair's weighted Jaccard and rank (the larger of the shares of either
        article's weight that the shared terms hold: ``candidates.rank``), up to float
        rounding, in bulk."""
        if len(pairs) == 0:
            return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.float64)
        left, right = pairs[:, 0], pairs[:, 1]
        both = self._weights[left].minimum(self._weights[right])
        shared = np.asarray(both.sum(axis=1, dtype=np.float64)).ravel()
        totals_left, totals_right = self._totals[left], self._totals[right]
        union = totals_left + totals_right - shared
        jaccard: F64 = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        smaller = np.minimum(totals_left, totals_right)
        rank: F64 = np.divide(shared, smaller, out=np.zeros_like(shared), where=smaller > 0)
        return jaccard, rank


COLUMN_CHUNK = 1 << 20
"""Hashes given their column at once."""


def _columns(hashes: U32) -> I32:
    """Each hash's rank among the distinct hashes, as int32: ``np.unique``'s inverse
    without its int64 temporaries (at 100,000 articles, 7 million terms: ~250 MB)."""
    distinct = np.unique(hashes)  # without return_inverse: no int64 arrays
    columns = np.empty(len(hashes), dtype=np.int32)
    for start in range(0, len(hashes), COLUMN_CHUNK):
        chunk = hashes[start : start + COLUMN_CHUNK]
        columns[start : start + COLUMN_CHUNK] = np.searchsorted(distinct, chunk)
    return columns
