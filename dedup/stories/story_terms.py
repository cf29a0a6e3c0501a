"""Each story sentence's terms and their rarity within the story, for the ledger's
in-story cosine: words every member repeats (Niger, troops) say little about which
sentences correspond, rare ones a lot.

Terms are content words folded by ``CANONICAL`` and figures by their value; they are
read once per distinct sentence text (copies repeat most of their sentences) and
counted once per occurrence, so a story's cost grows with its sentences, not with
their pairs.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from dedup.rewrites.align import content_words
from dedup.text import facts
from dedup.text.fact import Fact
from dedup.text.salience import zipf

STORY_COSINE = 0.22
"""Sentences whose terms, weighted by rarity within the story, reach this cosine are
counterparts even when the paraphrase matcher misses them (a long translated
sentence against a short rewrite of half of it). On the seeds, 0.22 pairs the
translated ledes and 9 of the 10 sentence pairs it adds over 0.28 by hand are the
same statement (the tenth pairs "101 U.S. troops" with "Airbase 101")."""
CANONICAL = {
    **dict.fromkeys(("u.s", "usa", "american", "americans", "america", "united", "states"), "us"),
    **dict.fromkeys(("soldiers", "personnel", "forces", "troop", "servicemen"), "troops"),
    **dict.fromkeys(("russians", "russia"), "russian"),
    "airbase": "base",
}
"""News wordings of one referent, folded before the in-story comparison."""
GENERIC_ZIPF = 5.25
"""Words at least this common in English ("according", "between") are left out
of the in-story comparison; figures count by their value instead of their digits."""
MIN_CLAUSE_TERMS = 3
"""Clauses with fewer terms are too short to stand for a sentence on their own."""
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[\u2014\u2013-]\s+")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twenty thirty forty "
    "fifty sixty seventy eighty ninety hundred thousand million billion dozen".split()
)
"""Figures written as words count by value (from the facts), not as words."""


class StoryTerms:
    """The terms of the story's sentence texts and their in-story rarity (``idf``):
    ``count`` every sentence of every member, then ``cosine`` compares two texts."""

    def __init__(self) -> None:
        self._facts: dict[str, tuple[Fact, ...]] = {}
        self._words: dict[str, frozenset[str]] = {}
        self._terms: dict[str, frozenset[str]] = {}
        self._clauses: dict[str, list[frozenset[str]]] = {}
        self._counts: Counter[str] = Counter()
        self._total = 0
        self._idf: dict[str, float] | None = None
        self._mass: dict[frozenset[str], float] = {}

    def facts(self, text: str) -> tuple[Fact, ...]:
        """The facts a (non-boilerplate) sentence states, read once per text."""
        found = self._facts.get(text)
        if found is None:
            found = self._facts[text] = tuple(facts.extract(text))
        return found

    def words(self, text: str) -> frozenset[str]:
        """The sentence's content words (``align.content_words``), read once per text."""
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = content_words(text)
        return found

    def terms(self, text: str) -> frozenset[str]:
        """The sentence's terms, the union of its clauses' terms."""
        found = self._terms.get(text)
        if found is None:
            figures = facts.numbers(text)
            clauses = _clauses(text)
            if len(clauses) == 1:  # the whole sentence: its words are read already
                parts = [_terms(self.words(text), 0, len(text), figures)]
            else:
                parts = [
                    _terms(content_words(part), start, start + len(part), figures)
                    for start, part in clauses
                ]
            found = self._terms[text] = frozenset().union(*parts)
            self._clauses[text] = [p for p in parts if len(p) >= MIN_CLAUSE_TERMS]
        return found

    def count(self, text: str) -> None:
        """Count one occurrence of a story sentence (before any ``cosine``)."""
        self._counts.update(self.terms(text))
        self._total += 1
        self._idf = None

    def idf(self, term: str) -> float:
        """The term's weight: the squared log of its rarity among the story's sentences."""
        return self._weights().get(term, 0.0)

    def _weights(self) -> dict[str, float]:
        if self._idf is None:
            total = max(1, self._total)
            self._idf = {t: math.log(total / n) ** 2 for t, n in self._counts.items()}
            self._mass.clear()
        return self._idf

    def cosine(self, a: str, b: str) -> float:
        """Best cosine of the two sentences, or of a clause of either against the
        other whole: a long sentence may retell only one of its clauses elsewhere."""
        x, y = self.terms(a), self.terms(b)
        if not x & y:
            return 0.0
        best = self._cosine(x, y)
        for clause in self._clauses[a]:
            best = max(best, self._cosine(clause, y))
        for clause in self._clauses[b]:
            best = max(best, self._cosine(x, clause))
        return best

    def _cosine(self, x: frozenset[str], y: frozenset[str]) -> float:
        shared = x & y
        if not shared:
            return 0.0
        norm = math.sqrt(self._weight(x) * self._weight(y))
        weights = self._weights()
        return sum(weights.get(t, 0.0) for t in shared) / norm if norm else 0.0

    def _weight(self, terms: frozenset[str]) -> float:
        """The summed weights of a sentence's or clause's terms, kept per set."""
        found = self._mass.get(terms)
        if found is None:
            weights = self._weights()
            found = self._mass[terms] = sum(weights.get(t, 0.0) for t in terms)
        return found


def _clauses(text: str) -> list[tuple[int, str]]:
    """The sentence cut at commas, semicolons, colons and dashes, with offsets."""
    cuts = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text)]
    return [(i, text[i:j]) for i, j in itertools.pairwise(cuts) if text[i:j].strip()]


def _terms(words: Iterable[str], start: int, end: int, figures: Sequence[Fact]) -> frozenset[str]:
    """A clause's terms (``start``-``end`` of its sentence): its uncommon content
    ``words`` folded by ``CANONICAL``, and the values of the figures starting in it."""
    kept = {
        CANONICAL.get(w, w)
        for w in words
        if w in CANONICAL or (not w.isdigit() and w not in _NUMBER_WORDS and zipf(w) < GENERIC_ZIPF)
    }
    numbers = {f"#{f.key}" for f in figures if start <= f.start < end}
    return frozenset(kept | numbers)
