"""Many articles' salient terms, by position, in flat arrays: what a scan keeps of
every article's terms for the rewrite tier. An article's ``SalientTerms`` of its own
held two numpy arrays, each with its ~110-byte header, and its object: ~1 KB an
article for 70 terms' 560 bytes. Here the hashes and weights lie in ``Ragged``
arrays, and an article is read back as a ``SalientTerms`` over views of them (the
same values, so the same sums)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator

import numpy as np

from dedup.fingerprint.ragged import Ragged
from dedup.text.salience import SalientTerms


class SalientTable:
    """Articles' salient terms by position: appended in order, read back one at a
    time; one replaced (an article fingerprinted again) is kept apart."""

    def __init__(self) -> None:
        self._hashes = Ragged(np.uint32)
        self._weights = Ragged(np.float32)
        self._shares = array("d")
        self._replaced: dict[int, SalientTerms] = {}

    def append(self, terms: SalientTerms) -> None:
        self._hashes.append(terms.hashes)
        self._weights.append(terms.weights)
        self._shares.append(terms.numeric_share)

    def __len__(self) -> int:
        return len(self._shares)

    def __getitem__(self, position: int) -> SalientTerms:
        found = self._replaced.get(position)
        if found is not None:
            return found
        hashes, weights = self._hashes[position], self._weights[position]
        return SalientTerms(hashes, weights, self._shares[position])

    def __setitem__(self, position: int, terms: SalientTerms) -> None:
        if not 0 <= position < len(self):
            raise IndexError(f"no salient terms at {position}")
        self._replaced[position] = terms

    def __iter__(self) -> Iterator[SalientTerms]:
        return (self[position] for position in range(len(self)))
