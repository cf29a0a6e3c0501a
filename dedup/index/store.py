"""The persistent index's storage layer: what is stored of an article, and where.

``open_store`` picks a backend from the location (``redis://host:port/N`` or a
SQLite file path). Both keep raw little-endian arrays, zlib-compressed UTF-8 text
and JSON metadata: nothing read back is ever unpickled or evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Protocol, Self

import numpy as np

SCHEMA_VERSION = 4
"""Layout version written into every index; other versions are refused, and ``dedup
index rebuild`` makes a current index from the texts an older one holds.
Version 3: Redis keeps band buckets as packed document numbers in sharded hashes.
Version 4: every document's line keys and version, the lines each version holds (the
index's learnt boilerplate); Redis keeps its data under a generation prefix."""
MAX_BUCKET = 250
"""Band keys held by more documents are left out of ``most_shared``: reading a bucket
costs its size, and on 100,000 synthetic articles a cap of 250 (rather than 1,000)
cut the lookup's median from 15 to 5 ms and kept every planted rewrite's original
among the best 50."""

Tier = Literal["copy", "rewrite"]
TIERS: dict[Tier, int] = {"copy": 0, "rewrite": 1}
"""Band tiers and their numbers in storage."""


@dataclass(frozen=True, eq=False)
class IndexedDoc:
    """One indexed article: its text, metadata, signatures and band keys of both tiers."""

    doc_id: str
    text: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    exact: int
    """Exact-text hash (uint64)."""
    tokens: int
    signature: np.ndarray
    """MinHash signature, uint32, ``num_perm`` values."""
    copy_keys: np.ndarray
    """uint64 band keys of the copy tier."""
    rewrite_keys: np.ndarray
    """uint64 band keys of the rewrite tier (may be empty)."""
    salient_hashes: np.ndarray
    """uint32, sorted unique."""
    salient_weights: np.ndarray
    """float32, aligned with ``salient_hashes``."""
    added_at: float
    """Unix seconds when the document was indexed."""
    line_keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    """uint64 keys of its article lines as the scan counts them (sorted unique; none
    for hard-wrapped text): what the index learns its boilerplate from."""
    version: int | None = None
    """The version (group of copies) it belongs to: the exact hash of the first
    indexed copy it was found to copy; None: its own exact hash."""

    @property
    def label(self) -> int:
        """Its version's label (uint64)."""
        return self.exact if self.version is None else self.version


class StoreError(Exception):
    """A storage failure, as one line naming the database (path or URL)."""


def version_refused(location: str, found: str) -> StoreError:
    """The refusal of an index of another schema version, saying what to do."""
    message = f"{location}: index schema version {found}, this dedup reads version {SCHEMA_VERSION}"
    if found.isdigit() and int(found) < SCHEMA_VERSION:
        message += (
            f": rebuild it from the texts it holds with `dedup index rebuild --db {location}`"
        )
    elif found.isdigit():
        message += " (written by a newer dedup)"
    return StoreError(message)


@dataclass(frozen=True, eq=False)
class Brief:
    """What ranking a rewrite candidate needs of a stored document."""

    doc_id: str
    date: str | None
    salient_hashes: np.ndarray
    salient_weights: np.ndarray


@dataclass(frozen=True, eq=False)
class Neighbour:
    """What finding a new document's version needs of an indexed one."""

    doc_id: str
    label: int
    tokens: int
    signature: np.ndarray
    copy_keys: np.ndarray


Threshold = Callable[[int], int]
"""The number of versions a line must be held by, given the versions indexed."""


class Store(Protocol):
    """What the index commands need from a backend."""

    def parameters(self) -> dict[str, Any] | None:
        """The ScanConfig dict the index was built with (None for a new, empty index)."""
        ...

    def set_parameters(self, params: dict[str, Any]) -> None:
        """Record the ScanConfig dict (the caller compares before adding)."""
        ...

    def add(self, docs: Sequence[IndexedDoc]) -> None:
        """Add or replace documents and their band keys, all of them or none."""
        ...

    def remove(self, ids: Sequence[str]) -> int:
        """Remove documents and their band keys; the number that were present."""
        ...

    def refresh(self, docs: Sequence[IndexedDoc]) -> int:
        """Replace documents by new records of them, all or none, skipping those no
        longer indexed or indexed again since (another ``added_at``); how many."""
        ...

    def get(self, ids: Sequence[str]) -> list[IndexedDoc]:
        """The stored documents among ``ids`` (missing ones skipped), in that order."""
        ...

    def brief(self, ids: Sequence[str]) -> list[Brief]:
        """Date and salient terms of the stored documents among ``ids``: enough to
        rank rewrite candidates before reading whole documents."""
        ...

    def candidates(self, tier: Tier, keys: np.ndarray) -> set[str]:
        """Ids of documents sharing at least one band key of ``tier`` with ``keys``."""
        ...

    def most_shared(self, tier: Tier, keys: np.ndarray, limit: int) -> list[str]:
        """Ids of the ``limit`` documents sharing the most band keys of ``tier`` with
        ``keys`` (most first; ties in a fixed order), counting only keys held by at
        most ``MAX_BUCKET`` documents: a key that many articles share (house
        vocabulary) is no evidence."""
        ...

    def exact(self, hash: int) -> set[str]:
        """Ids of documents with this exact-text hash."""
        ...

    def neighbours(self, keys: np.ndarray) -> list[Neighbour]:
        """The documents sharing at least one copy-tier band key with ``keys``."""
        ...

    def repeated_lines(self, keys: np.ndarray, threshold: Threshold) -> frozenset[int]:
        """The line keys among ``keys`` held by at least ``threshold(versions)``
        versions, ``versions`` being how many the index holds: one read."""
        ...

    def holding(self, keys: np.ndarray) -> list[str]:
        """Ids of the documents holding any of these line keys."""
        ...

    def ids(self) -> Iterator[str]:
        """Every document id."""
        ...

    def dates(self) -> Iterator[tuple[str, str | None, float]]:
        """``(doc_id, date, added_at)`` of every document, for pruning."""
        ...

    def stats(self) -> dict[str, Any]:
        """Documents, band keys per tier and bytes per component where known."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class StoreBase:
    """Context-manager support shared by the backends."""

    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def unique_docs(docs: Sequence[IndexedDoc]) -> list[IndexedDoc]:
    """One document per id, the last given winning (a batch may repeat an id)."""
    return list({doc.doc_id: doc for doc in docs}.values())
