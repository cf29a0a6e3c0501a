"""Versions: the groups of copies by which the index counts repeated lines, as the
scan counts them once per story, so that one story indexed from many outlets does not
turn its own lines into boilerplate.

A new article joins the version of the indexed article (or earlier article of its
batch) it is most like among those sharing a copy-tier band key with it, when their
MinHash signatures make it a copy or near-copy by the scan's thresholds (Jaccard
estimated from the signatures, containment from that and the shingle counts); else it
starts a version of its own, labelled by its exact-text hash. Versions are never
merged afterwards: an article that bridges two of them joins one. Signatures are those
stored, fingerprinted with the learnt boilerplate set aside: articles that share only
a footer are not one version (the scan, which learns in one pass, pairs them before it
knows the footer, and counts them as one story).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import numpy as np

from dedup.config import ScanConfig
from dedup.index.store import IndexedDoc, Neighbour, Store


def assign(store: Store, records: Sequence[IndexedDoc], config: ScanConfig) -> list[IndexedDoc]:
    """The records with their versions: one store read for the whole batch."""
    if not records:
        return []
    keys = np.unique(np.concatenate([record.copy_keys for record in records]))
    by_key: dict[int, list[Neighbour]] = {}
    for known in store.neighbours(keys) if len(keys) else ():
        _file(by_key, known)
    assigned = []
    for record in records:
        near = {n.doc_id: n for key in record.copy_keys.tolist() for n in by_key.get(key, ())}
        label = _version(record, near.values(), config)
        assigned.append(dataclasses.replace(record, version=label))
        _file(by_key, _neighbour(assigned[-1]))
    return assigned


def _neighbour(record: IndexedDoc) -> Neighbour:
    """What finding a version needs of a record."""
    return Neighbour(record.doc_id, record.label, record.tokens, record.signature, record.copy_keys)


def _file(by_key: dict[int, list[Neighbour]], known: Neighbour) -> None:
    for key in known.copy_keys.tolist():
        by_key.setdefault(key, []).append(known)


def _version(record: IndexedDoc, near: Iterable[Neighbour], config: ScanConfig) -> int:
    """The label of the most similar related neighbour (the first by id among equals),
    or the record's own exact hash."""
    ranked = sorted(near, key=lambda n: n.doc_id)
    if not ranked:
        return record.exact
    signatures = np.stack([n.signature for n in ranked])
    jaccard = np.count_nonzero(signatures == record.signature, axis=1) / signatures.shape[1]
    mine = _shingles(record.tokens, config)
    theirs = np.array([_shingles(n.tokens, config) for n in ranked], dtype=np.float64)
    shared = jaccard * (mine + theirs) / (1.0 + jaccard)
    containment = shared / np.minimum(mine, theirs)
    related = (jaccard >= config.near_jaccard) | (containment >= config.near_containment)
    if not related.any():
        return record.exact
    return ranked[int(np.argmax(np.where(related, jaccard, -1.0)))].label


def _shingles(tokens: int, config: ScanConfig) -> int:
    """About how many shingles an article of ``tokens`` tokens has."""
    return max(1, tokens - config.shingle_size + 1) if config.shingle == "word" else tokens
