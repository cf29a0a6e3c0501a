"""The index's learnt boilerplate: lines repeated across otherwise unrelated indexed
articles are set aside as the scan sets them aside, counted once per version (a group
of copies: see ``versions``), the scan's thresholds applied to the number of versions
the index holds.

Every stored record is fingerprinted with the lines learnt when it was stored set
aside. A line the index learns (or forgets) after some records holding it were stored
makes those records stale: after each add or removal, the records holding a line
whose verdict it changed are fingerprinted again (``refresh``). At a line's crossing
few versions hold it (the threshold's number), so this stays cheap. A threshold that
rises with the index's size (``repeated_line_share``) can make a line no longer
boilerplate without any write touching it; such records keep it set aside until
``dedup index rebuild``, and a check still verifies every match as the scan would.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dedup.config import ScanConfig
from dedup.fingerprint.fingerprinter import Fingerprinter
from dedup.index import versions
from dedup.index.records import NO_KEYS, refeatured
from dedup.index.store import IndexedDoc, Store, Threshold

REFRESH_CHUNK = 200
"""Records read and written again per transaction by ``refresh``."""


def threshold(config: ScanConfig) -> Threshold:
    """How many versions make a line boilerplate in an index holding ``n`` versions:
    the scan's rule, with each version counting as one of its stories or lone
    articles (``repeated_line_groups``, and ``repeated_line_share`` of ``n``)."""

    def needed(n: int) -> int:
        return max(config.repeated_line_groups, int(config.repeated_line_share * n))

    return needed


def repeated(
    store: Store, keys: np.ndarray, config: ScanConfig, seen: list[int] | None = None
) -> frozenset[int]:
    """The line keys among ``keys`` the index holds as boilerplate (one read); the
    number of versions it holds is appended to ``seen``."""
    if not len(keys):
        return frozenset()
    needed = threshold(config)

    def noted(versions: int) -> int:
        if seen is not None:
            seen.append(versions)
        return needed(versions)

    return store.repeated_lines(keys, noted)


def keys_of(records: Sequence[IndexedDoc]) -> np.ndarray:
    """Every line key the records hold."""
    return np.unique(np.concatenate([NO_KEYS, *(r.line_keys for r in records)]))


def aside(record: IndexedDoc, learnt: frozenset[int]) -> frozenset[int]:
    """The learnt lines among the record's own."""
    return frozenset(record.line_keys.tolist()) & learnt if learnt else frozenset()


class Learner:
    """Adds and removes records so that their fingerprints follow the learnt lines;
    fingerprints again in this process (one Fingerprinter, made when first needed)."""

    def __init__(self, store: Store, config: ScanConfig) -> None:
        self.store = store
        self.config = config
        self._fingerprinter: Fingerprinter | None = None

    @property
    def fingerprinter(self) -> Fingerprinter:
        if self._fingerprinter is None:
            self._fingerprinter = Fingerprinter(self.config)
        return self._fingerprinter

    def add(self, records: Sequence[IndexedDoc]) -> None:
        """Store a batch in one transaction, its records given their versions and
        fingerprinted with the learnt lines set aside: those learnt so far, and those
        the batch alone holds in enough versions to be learnt whatever the index
        holds; then refresh the records holding lines whose verdict the batch changed."""
        keys = keys_of(records)
        seen: list[int] = []
        before = repeated(self.store, keys, self.config, seen)
        ready = [self._aside(record, before) for record in records]
        assigned = versions.assign(self.store, ready, self.config)
        within = self._learnt_within(assigned, seen[0] if seen else 0) - before
        if within:  # versions found again without those lines: sharing them is no copy
            ready = [self._aside(r, before | within) if aside(r, within) else r for r in ready]
            assigned = versions.assign(self.store, ready, self.config)
        self.store.add(assigned)
        self.refresh(keys, before, assigned, before | within)

    def _learnt_within(self, records: Sequence[IndexedDoc], versions_before: int) -> frozenset[int]:
        """Lines the batch holds in at least as many versions as the index would need
        however many of the batch's versions are new to it."""
        holders: dict[int, set[int]] = {}
        for record in records:
            for key in record.line_keys.tolist():
                holders.setdefault(key, set()).add(record.label)
        labels = {record.label for record in records}
        need = threshold(self.config)(versions_before + len(labels))
        return frozenset(key for key, held in holders.items() if len(held) >= need)

    def remove(self, ids: Sequence[str]) -> int:
        """Remove documents by id (one transaction), then refresh the records holding
        lines the removal made no longer boilerplate; how many were indexed."""
        keys = keys_of(self.store.get(ids))
        before = repeated(self.store, keys, self.config)
        removed = self.store.remove(ids)
        self.refresh(keys, before)
        return removed

    def refresh(
        self,
        keys: np.ndarray,
        before: frozenset[int],
        batch: Sequence[IndexedDoc] = (),
        used: frozenset[int] = frozenset(),
    ) -> int:
        """Fingerprint again, and write again, the stored records holding any of
        ``keys`` whose verdict is no longer ``before``'s, and the records of ``batch``
        (just stored, fingerprinted with ``used`` set aside) that the verdicts now
        differ for; how many were rewritten."""
        after = repeated(self.store, keys, self.config)
        mine = {record.doc_id: record for record in batch}
        stale = [r for r in mine.values() if aside(r, used) != aside(r, after)]
        rewritten = self.store.refresh([self._aside(r, after) for r in stale]) if stale else 0
        changed = before ^ after
        held = self.store.holding(np.array(sorted(changed), dtype=np.uint64)) if changed else []
        ids = [doc_id for doc_id in held if doc_id not in mine]
        for start in range(0, len(ids), REFRESH_CHUNK):
            records = self.store.get(ids[start : start + REFRESH_CHUNK])
            learnt = repeated(self.store, keys_of(records), self.config)
            rewritten += self.store.refresh([self._aside(r, learnt) for r in records])
        return rewritten

    def _aside(self, record: IndexedDoc, learnt: frozenset[int]) -> IndexedDoc:
        """The record fingerprinted with its learnt lines set aside (as it is when it
        holds none and was fingerprinted whole)."""
        lines = aside(record, learnt)
        if not lines and record.version is None:
            return record  # fresh from ``to_indexed``: nothing was set aside
        return refeatured(record, lines, self.fingerprinter)
