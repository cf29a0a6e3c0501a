"""The copy tier over a corpus: LSH candidates, verified, with near-identical texts
handled as one.

Identical texts share one representative. Representatives are then taken in order
(``first``: a key made of content, ``Corpus.twin_order``: the earliest date, then the
SHA-256 of the text; the id only between texts nothing else tells apart) and each
joins the earlier group leader it is most alike to, if near-identical (exact Jaccard at least
``sketch.near_identical``: 0.95, so any two of a group are copies of each other); the
others lead groups of their own. Only leaders are paired with one another; a group's
other texts are paired with their leader alone. A syndicated story in 1,000 outlets
is then 1,000 pairs to verify, not 500,000, and its members follow their leader into
its story (``stories.grouping``). Candidates a one-byte sketch says cannot qualify
are not verified (``sketch``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from dedup.config import ScanConfig
from dedup.copies.lsh import MemoryBandIndex, band_keys
from dedup.copies.pairing import Pair, verify
from dedup.copies.sketch import Sketches, floor, near_identical
from dedup.fingerprint.fingerprinter import Fingerprint
from dedup.fingerprint.minhash import lsh_params
from dedup.fingerprint.shingle import U64

CHUNK = 4_096
"""Representatives read and keyed at once."""
MAX_TRIES = 3
"""Earlier leaders a text is verified against, most alike first, before it leads."""
DENSE_BUCKET = 64
"""Leaders sharing one LSH bucket beyond this many are paired with the bucket's first
(earliest) leader only. Distinct texts rarely crowd a bucket so (Reuters-21578's
largest holds 21); a footer that 3,000 short articles share, before it is set aside,
filled 14 buckets of 65 to 1,211 with 1.4 million pairs."""
TwinOrder = Callable[[int], tuple[str, ...]]
"""A key of the article at a position, made of its content: the least leads."""
NEAR_INDEX_MARGIN = 0.15
"""The near-identical index is an LSH tuned this far below ``near_identical`` (0.8:
9 bands of 13 rows at 128 permutations, which find 99.8 % of texts at 0.95 and 0.1 %
at 0.5); a near-identical text it misses leads a group of its own, paired as usual."""


@dataclass(frozen=True)
class Copies:
    """The copy tier's verified pairs, and each near-identical or identical text's
    group leader (texts that lead, or are alone, are not in ``leaders``)."""

    pairs: list[Pair]
    leaders: dict[str, str] = field(default_factory=dict)


def find_copies(
    fingerprints: Sequence[Fingerprint],
    config: ScanConfig,
    *,
    full: Callable[[int], Fingerprint] | None = None,
    first: TwinOrder | None = None,
) -> Copies:
    """Every verified pair between group leaders, and every other text paired with its
    leader. ``full(position)`` gives a fingerprint with its shingle set and signature
    when ``fingerprints`` keep them elsewhere (a scan keeps them on disk); ``first``
    orders texts for leading, then the id (default: by id alone)."""
    get = full if full is not None else fingerprints.__getitem__
    groups = _identical_groups(fingerprints, first)
    heads = [g[0] for g in groups]
    finder = _Finder(heads, get, config)
    pairs = finder.run()
    leaders = {finder.doc(n): finder.doc(lead) for n, lead in enumerate(finder.lead) if n != lead}
    for group in groups:
        head = fingerprints[group[0]].doc_id
        leader = leaders.get(head, head)
        via = finder.joined.get(head)
        for twin in (fingerprints[p].doc_id for p in group[1:]):
            a, b = sorted((leader, twin))
            pairs.append(
                Pair(a, b, via.jaccard, via.containment, via.relation)
                if via is not None
                else Pair(a, b, 1.0, 1.0, "copy")
            )
            leaders[twin] = leader
    return Copies(sorted(pairs, key=lambda p: (p.a, p.b)), leaders)


def _identical_groups(
    fingerprints: Sequence[Fingerprint], first: TwinOrder | None
) -> list[list[int]]:
    """Positions of the fingerprints sharing each exact-text hash, each group and the
    groups in ``first`` order, then by id (the first of each represents it), so that
    neither input order nor, where content differs, names choose a representative."""
    groups: dict[int, list[int]] = {}
    for position, fp in enumerate(fingerprints):
        groups.setdefault(fp.exact, []).append(position)

    def key(position: int) -> tuple[tuple[str, ...], str]:
        return (first(position) if first else ()), fingerprints[position].doc_id

    ordered = [sorted(g, key=key) if len(g) > 1 else g for g in groups.values()]
    keys = list(map(key, (g[0] for g in ordered)))  # once each: ``first`` reads a document
    return [ordered[k] for k in sorted(range(len(ordered)), key=keys.__getitem__)]


class _Finder:
    """The representatives (numbered in leading order) as they join groups or lead,
    the leaders' LSH index and sketches."""

    def __init__(
        self, heads: list[int], get: Callable[[int], Fingerprint], config: ScanConfig
    ) -> None:
        self.heads, self.get, self.config = heads, get, config
        self.bands, self.rows = lsh_params(config.lsh_threshold, config.num_perm)
        self.index = MemoryBandIndex(
            self.bands,
            self.rows,
            max_bucket=len(heads) + 1,
            dense=DENSE_BUCKET,
            capacity=len(heads),
        )
        self.near = near_identical(config)
        self.near_bands = lsh_params(self.near - NEAR_INDEX_MARGIN, config.num_perm)
        self.near_index: dict[int, list[int]] = {}
        self.sketches = Sketches(len(heads), config.num_perm)
        self.ids: list[str] = []
        self.lead = list(range(len(heads)))
        self.leading: list[int] = []
        """The leaders, by their number in ``index``."""
        self.joined: dict[str, Pair] = {}
        """A near-identical text's pair with its leader, by the text's id."""

    def doc(self, number: int) -> str:
        return self.ids[number]

    def run(self) -> list[Pair]:
        """Form the groups text by text, then verify the pairs between leaders."""
        near_keys = self._sketch_all()
        shared = _shared_keys(near_keys)
        for start, prints in self._chunks():
            main_keys = band_keys(np.stack([fp.signature for fp in prints]), self.bands, self.rows)
            for offset, fp in enumerate(prints):
                number = start + offset
                keys = near_keys[number].tolist() if shared[number] else []
                if not keys or not self._join(number, fp, keys):
                    self._add_leader(number, main_keys[offset], keys)
        found = list(self.joined.values())
        candidates = self.index.pair_array()
        leaders = np.asarray(self.leading, dtype=np.int64)
        candidates = leaders[candidates] if len(candidates) else candidates
        keep = self.sketches.plausible(candidates, self.sketches.jaccard(candidates), self.config)
        for i, j in candidates[keep].tolist():
            pair = verify(self.get(self.heads[i]), self.get(self.heads[j]), self.config)
            if pair is not None:
                found.append(pair)
        return found

    def _chunks(self) -> Iterator[tuple[int, list[Fingerprint]]]:
        """The representatives' fingerprints, ``CHUNK`` at a time, with the first's number."""
        for start in range(0, len(self.heads), CHUNK):
            yield start, [self.get(p) for p in self.heads[start : start + CHUNK]]

    def _sketch_all(self) -> U64:
        """Every representative's id, sketch and near-identical band keys."""
        found = np.empty((len(self.heads), self.near_bands[0]), dtype=np.uint64)
        for start, prints in self._chunks():
            for offset, fp in enumerate(prints):
                self.ids.append(fp.doc_id)
                self.sketches.set(start + offset, fp.signature, len(fp.shingles))
            signatures = np.stack([fp.signature for fp in prints])
            found[start : start + len(prints)] = band_keys(signatures, *self.near_bands)
        return found

    def _join(self, number: int, fp: Fingerprint, keys: list[int]) -> bool:
        """Join the group of the earlier leader this text is near-identical to (the
        most alike by sketch first, at most ``MAX_TRIES`` verified); False if none."""
        found: set[int] = set()
        for key in keys:
            bucket = self.near_index.get(key)
            if bucket:
                found.update(bucket[:DENSE_BUCKET])
        if not found:
            return False
        rows = np.array([[i, number] for i in sorted(found)], dtype=np.int64)
        estimate = self.sketches.jaccard(rows)
        close = estimate >= float(floor(self.near, self.config.num_perm))
        ranked = sorted(zip((-estimate[close]).tolist(), rows[close, 0].tolist(), strict=True))
        for _, leader in ranked[:MAX_TRIES]:
            pair = verify(self.get(self.heads[leader]), fp, self.config)
            if pair is not None and pair.jaccard >= self.near:
                self.lead[number] = leader
                self.joined[self.ids[number]] = pair
                return True
        return False

    def _add_leader(self, number: int, keys: U64, near_keys: list[int]) -> None:
        """A new leader: found by later texts through ``near_keys`` (those another
        representative shares), paired with other leaders through ``keys``."""
        for key in near_keys:
            self.near_index.setdefault(key, []).append(number)
        self.index.add(len(self.leading), keys)
        self.leading.append(number)


def _shared_keys(keys: U64) -> npt.NDArray[np.bool_]:
    """Which rows share at least one column's key with another row: the others can
    neither join a group nor be joined."""
    shared = np.zeros(len(keys), dtype=bool)
    for column in keys.T:
        order = np.argsort(column, kind="stable")
        ranked = column[order]
        same = ranked[1:] == ranked[:-1]
        shared[order[1:][same]] = True
        shared[order[:-1][same]] = True
    return shared
