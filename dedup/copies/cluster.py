"""Grouping: turn verified pairs into stories. Union-find over the edges for now;
stories get ids from their members, so any input order gives the same ids."""

from __future__ import annotations

from collections.abc import Iterable

import xxhash


class UnionFind:
    """Disjoint sets over string keys, with path halving and union by size."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._size: dict[str, int] = {}

    def find(self, key: str) -> str:
        parent = self._parent
        if key not in parent:
            parent[key] = key
            self._size[key] = 1
            return key
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for key in self._parent:
            out.setdefault(self.find(key), []).append(key)
        return [sorted(members) for members in out.values()]


def group(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected groups (two or more members, sorted) in order of their first member."""
    uf = UnionFind()
    for a, b in edges:
        uf.union(a, b)
    return sorted((g for g in uf.groups() if len(g) > 1), key=lambda g: g[0])


def story_id(members: Iterable[str]) -> str:
    """A stable id from the sorted member ids: the same story always has the same id."""
    digest = xxhash.xxh3_64_hexdigest("\x00".join(sorted(members)).encode("utf-8"))
    return f"s-{digest[:12]}"
