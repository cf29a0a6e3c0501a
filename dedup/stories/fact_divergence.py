"""Facts the members of a story state differently ("more than 1,000" / "about 1,000").

Diverging facts are read from the sentence pairs the ledger matched by comparison
(identical texts never diverge), one record per fact: wordings are joined when any
two matched sentences disagree on it, and every member sentence holding one of those
wordings (the same text) is listed with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from dedup.copies.cluster import UnionFind
from dedup.text import facts
from dedup.text.fact import Fact


@dataclass(frozen=True, slots=True)
class FactValue:
    """How one member states a diverging fact: its wording in sentence ``index``."""

    document: str
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class FactDivergence:
    """A fact the members state differently, with each member's wording of it."""

    kind: str
    values: tuple[FactValue, ...]


_Key = tuple[str, int]  # (sentence text, the fact's offset in it)


def divergences(
    matched: Iterable[tuple[str, str]],
    places: Mapping[str, Sequence[tuple[str, int]]],
    facts_of: Callable[[str], Sequence[Fact]],
) -> tuple[FactDivergence, ...]:
    """The fact divergences of matched sentence texts; ``places`` gives each text's
    (document, sentence index) occurrences in the story."""
    numbers: dict[_Key, str] = {}  # union-find keys
    kinds: dict[_Key, str] = {}
    wordings: dict[_Key, str] = {}
    groups = UnionFind()
    for a, b in dict.fromkeys(matched):
        for fa, fb in facts.divergences(facts_of(a), facts_of(b)):
            left, right = (a, fa.start), (b, fb.start)
            kinds[left] = kinds[right] = fa.kind
            wordings[left], wordings[right] = fa.text, fb.text
            for key in (left, right):
                numbers.setdefault(key, str(len(numbers)))
            groups.union(numbers[left], numbers[right])
    members: dict[str, list[_Key]] = {}
    for key, number in numbers.items():
        members.setdefault(groups.find(number), []).append(key)
    found = []
    for keys in members.values():
        values = sorted(
            (doc, index, start, wordings[(text, start)])
            for text, start in keys
            for doc, index in places[text]
        )
        if len({_fold(v[3]) for v in values}) > 1:
            record = tuple(FactValue(doc, index, wording) for doc, index, _, wording in values)
            found.append(FactDivergence(kinds[keys[0]], record))
    return tuple(sorted(found, key=_order))


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _order(record: FactDivergence) -> tuple[str, int, str, list[tuple[str, int, str]]]:
    first = record.values[0]
    return (
        first.document,
        first.index,
        record.kind,
        [(v.document, v.index, v.text) for v in record.values],
    )
