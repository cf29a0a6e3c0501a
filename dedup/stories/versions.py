"""Versions: the copies and near-copies of one text, which no story may split.

A story is cut from the graph of verified pairs; were copies of one wire report free
to join different origins, one outlet's copy could land in one story and its twin in
another. So copies are joined first (union-find over copy and near-copy pairs) and
stories are built from whole versions.

Containment runs one way: a live blog, digest or roundup holds several stories whole.
An article that holds two or more texts which are not themselves related is a
*roundup*; its containment pairs are kept as pairs but never join versions or
stories, so a roundup cannot bridge two stories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from dedup.copies.cluster import UnionFind
from dedup.copies.pairing import Pair

COPY_RELATIONS = frozenset({"copy", "near-copy"})


class Limits(Protocol):
    """The copy tier's thresholds (a ``ScanConfig``)."""

    @property
    def near_jaccard(self) -> float: ...
    @property
    def near_containment(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Versions:
    """Each document's version (a sorted tuple of documents), and the roundups found."""

    of: Mapping[str, tuple[str, ...]]
    roundups: frozenset[str]

    def version(self, doc: str) -> tuple[str, ...]:
        """The document's version (itself alone when it has no copies)."""
        return self.of.get(doc, (doc,))


def roundups(
    pairs: Sequence[Pair],
    limits: Limits,
    tokens: Mapping[str, int],
    alike: Callable[[str, str], bool] = lambda a, b: False,
) -> frozenset[str]:
    """Documents that contain two or more texts which are not related to each other
    (no pair, and not ``alike``: on one subject, as the trims of one long article
    are): the pairs are by containment (at least ``near_containment``, Jaccard under
    ``near_jaccard``); the holder is the longer article (``tokens``)."""
    related = {(p.a, p.b) for p in pairs} | {(p.b, p.a) for p in pairs}
    contained: dict[str, list[str]] = {}
    for pair in pairs:
        if pair.containment >= limits.near_containment and pair.jaccard < limits.near_jaccard:
            holder, held = _holder(pair, tokens)
            contained.setdefault(holder, []).append(held)
    found = set()
    for holder, inside in contained.items():
        ordered = sorted(set(inside))
        if any(
            (x, y) not in related and not alike(x, y)
            for k, x in enumerate(ordered)
            for y in ordered[k + 1 :]
        ):
            found.add(holder)
    return frozenset(found)


def _holder(pair: Pair, tokens: Mapping[str, int]) -> tuple[str, str]:
    """(the longer article, the shorter) of a containment pair."""
    a_longer = (tokens.get(pair.a, 0), pair.b) >= (tokens.get(pair.b, 0), pair.a)
    return (pair.a, pair.b) if a_longer else (pair.b, pair.a)


def versions(
    pairs: Iterable[Pair],
    limits: Limits,
    tokens: Mapping[str, int],
    alike: Callable[[str, str], bool] = lambda a, b: False,
) -> Versions:
    """The versions of a corpus from its verified pairs, roundups kept apart."""
    listed = list(pairs)
    aside = roundups(listed, limits, tokens, alike)
    union = UnionFind()
    for pair in listed:
        if pair.relation in COPY_RELATIONS and not bridges(pair, aside, limits):
            union.union(pair.a, pair.b)
    of = {}
    for group in union.groups():
        version = tuple(sorted(group))
        for doc in version:
            of[doc] = version
    return Versions(of, aside)


def bridges(pair: Pair, aside: frozenset[str], limits: Limits) -> bool:
    """Whether a pair ties a roundup to a text it is not a copy of: such pairs are
    listed, never used to build a story."""
    return pair.jaccard < limits.near_jaccard and (pair.a in aside or pair.b in aside)
