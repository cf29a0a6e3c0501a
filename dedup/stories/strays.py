"""Strays: articles the stars of a connected piece leave out, though verified.

Stars are cut greedily (``grouping``): the best origin takes its direct partners, and
the cut repeats on what is left. An article whose every partner went to earlier stars
is left with no one to form a star with: a retelling of a member that is not the
origin (a rewrite of a rewrite, or of the part of the source the origin's cut
dropped) would end in no story at all, though its pair with that member is verified.

Such a stray takes one step of label propagation (Raghavan, Albert and Kumara 2007):
it joins the star that holds the most of its verified partners (then the one it
relates to most strongly: relation, then Jaccard; a tie left goes to the partner
whose text hashes lowest, never to a name), through its pair with that partner. It
joins one story only and never merges two, so two stories bridged by one article
stay apart; strays never join through one another (every partner of a stray is in
a star, or the two would have formed one), so the result does not depend on their
order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from dedup.copies.pairing import RELATION_STRENGTH, Pair


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a stray goes: the star (by index), the member it joins through, and
    their verified pair."""

    star: int
    via: str
    pair: Pair


def place(
    strays: Collection[str],
    graph: Mapping[str, Mapping[str, Pair]],
    star_of: Mapping[str, int],
    text_hash: Callable[[str], str],
) -> dict[str, Placed]:
    """Each stray with a verified partner in a star (``star_of``: member -> star), and
    where it goes; strays with none stay out."""
    found = {}
    for doc in sorted(strays):
        partners = [(other, pair) for other, pair in graph.get(doc, {}).items() if other in star_of]
        if not partners:
            continue
        held: dict[int, int] = {}
        for other, _ in partners:
            held[star_of[other]] = held.get(star_of[other], 0) + 1
        via, pair = min(partners, key=lambda p: _rank(p, held[star_of[p[0]]], text_hash))
        found[doc] = Placed(star_of[via], via, pair)
    return found


def _rank(
    partner: tuple[str, Pair], held: int, text_hash: Callable[[str], str]
) -> tuple[int, int, float, str, str]:
    """Best first: the partner's star holding most of the stray's partners, the
    stronger pair, the lower hash of the partner's text (then its id, for identical
    texts)."""
    other, pair = partner
    return -held, -RELATION_STRENGTH[pair.relation], -pair.jaccard, text_hash(other), other
