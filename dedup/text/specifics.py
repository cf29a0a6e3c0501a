"""The specifics of a short text: its figures and names, in order, as runs of words.

Two short items one edit apart are the same item only if the edit leaves what they
state alone: a word of a figure ("3 ships" / "4 ships", "April one" / "April three",
"28" / "28-3/4") or of a name ("Rotterdam" / "Antwerp", "Monday" / "Tuesday", "Franklin
Insured" / "Franklin High-Yield Insured") makes another item. A specific word holds a
digit, is a number word, or is capitalised (a common word opening a sentence, such as
"The", is not: ``fact.COMMON``); consecutive specific words form one run ("Pay April
30"), and runs are compared whole. ``facts`` reads no names in Title Case or ALL CAPS
lines (every word is capitalised there); here every capitalised word counts, so any
edit of such a line changes a run.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from rapidfuzz.distance import Indel

from dedup.text.fact import COMMON
from dedup.text.fact_numbers import NUMBER_WORDS
from dedup.text.normalise import normalise, tokenise


def runs(sentences: Iterable[str]) -> tuple[str, ...]:
    """The runs of specific words of each sentence in reading order, case-folded."""
    found: list[str] = []
    for sentence in sentences:
        run: list[str] = []
        for position, word in enumerate(tokenise(unicodedata.normalize("NFKC", sentence))):
            if _specific(word, position):
                run.append(normalise(word))
            elif run:
                found.append(" ".join(run))
                run = []
        if run:
            found.append(" ".join(run))
    return tuple(found)


def _specific(word: str, position: int) -> bool:
    """A word of a figure or a name (``position``: its place in the sentence)."""
    if any(map(str.isdigit, word)) or word.casefold() in NUMBER_WORDS:
        return True
    return word[0].isupper() and (position > 0 or word.casefold() not in COMMON)


def replaced(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether one text's runs were replaced by others: neither sequence is a
    subsequence of the other. Runs only added or dropped (an attribution, a dateline, a
    further figure) make a longer or shorter version of one item, not another item."""
    common = (len(a) + len(b) - Indel.distance(a, b)) // 2  # the longest common subsequence
    return common < min(len(a), len(b))
