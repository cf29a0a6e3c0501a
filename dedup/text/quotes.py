"""Quotations: the words an article puts in someone's mouth. Two outlets that print the
same quotations in their own words around them often retell one report."""

from __future__ import annotations

import re

from dedup.text.normalise import normalise, tokenise

QUOTE_MIN_WORDS = 6
QUOTE_OVERLAP = 0.8
"""Share of the shorter quotation's words the other must hold to be the same quote."""
_QUOTE = re.compile(r"[\"“”„«»]([^\"“”„«»]{20,600})[\"“”„«»]")


def quotations(text: str) -> tuple[frozenset[str], ...]:
    """The words of each quotation of at least ``QUOTE_MIN_WORDS`` words in a text."""
    found = []
    for match in _QUOTE.finditer(text):
        words = frozenset(tokenise(normalise(match.group(1))))
        if len(words) >= QUOTE_MIN_WORDS:
            found.append(words)
    return tuple(found)


def shared(mine: tuple[frozenset[str], ...], theirs: tuple[frozenset[str], ...]) -> int:
    """How many of ``mine`` the other article prints too (the same words, mostly)."""
    return sum(
        1
        for quote in mine
        if any(
            len(quote & other) >= QUOTE_OVERLAP * min(len(quote), len(other)) for other in theirs
        )
    )
