"""Clause-level matching for the ledger: two sentences say the same when a clause of
one retells a clause of the other, though the whole sentences differ (each carries
clauses the other lacks: cosine 0.31 for 003's "... and announced that it was sending
a delegation to Niamey ..." and 004's "A delegation was sent to Niger last week ...,
including ...").

Clauses (``text.clauses``) are compared as ``rewrites.align`` compares sentences, with
the thresholds already set elsewhere and none of its own: a clause stands for a
statement only with ``story_terms.MIN_CLAUSE_TERMS`` story terms ("According to the
Pentagon official" has two), a pair is considered only when the two clauses share
``align.MIN_SHARED_WORDS`` story terms and their embeddings (``rewrites.embed``) reach
the ledger's meaning floor, and the pair of highest cosine is given to the embedding
matcher (``rewrites.embed_match``: lexical features and the cosine in one logistic
model, fitted on MSRP train), which matches at its alignment threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from dedup.rewrites import embed
from dedup.rewrites.align import MIN_SHARED_WORDS
from dedup.rewrites.embed_match import EmbeddingMatcher
from dedup.stories.story_terms import MIN_CLAUSE_TERMS, StoryTerms
from dedup.text.clauses import clauses


@dataclass(frozen=True, slots=True)
class ClauseMatch:
    """Clause ``own`` of a sentence retells clause ``other`` of a wording, with the
    embedding matcher's ``score``."""

    own: str
    other: str
    score: float


@cache
def _shipped() -> EmbeddingMatcher:
    """The shipped embedding matcher, read once per process (every story's ledger
    uses it)."""
    return EmbeddingMatcher.default()


class ClauseMatcher:
    """Clauses of a story's sentences (read once per text) and their matches."""

    def __init__(
        self, terms: StoryTerms, floor: float, matcher: EmbeddingMatcher | None = None
    ) -> None:
        self.terms = terms
        self.floor = floor
        """Clause pairs below this cosine are not given to the matcher."""
        self.matcher = _shipped() if matcher is None else matcher
        self._clauses: dict[str, tuple[str, ...]] = {}
        self.calls = 0
        """Matcher comparisons made so far (the ledger's budget counts them)."""

    def clauses(self, text: str) -> tuple[str, ...]:
        found = self._clauses.get(text)
        if found is None:
            found = self._clauses[text] = clauses(text)
        return found

    def matches(self, text: str, wordings: Sequence[str]) -> list[ClauseMatch | None]:
        """For each wording, the best clause pair it and ``text`` have, when the matcher
        aligns it: one matcher call a wording, on the eligible pair of highest cosine
        (the clauses embedded in one batch)."""
        own = self.clauses(text)
        eligible = {w: self._eligible(own, self.clauses(w)) for w in set(wordings)}
        eligible = {w: e for w, e in eligible.items() if e.any()}
        if not eligible:
            return [None] * len(wordings)
        embed.vectors([*own, *(c for w in eligible for c in self.clauses(w))])
        return [self._match(own, w, eligible[w]) if w in eligible else None for w in wordings]

    def _match(
        self, own: tuple[str, ...], wording: str, eligible: npt.NDArray[np.bool_]
    ) -> ClauseMatch | None:
        other = self.clauses(wording)
        similarity = embed.similarity_matrix(embed.vectors(own), embed.vectors(other))
        eligible = eligible & (similarity >= self.floor)
        if not eligible.any():
            return None
        masked = np.where(eligible, similarity, -np.inf)
        i, j = (int(k) for k in np.unravel_index(int(np.argmax(masked)), masked.shape))
        self.calls += 1
        score = self.matcher.probability(own[i], other[j])
        return (
            ClauseMatch(own[i], other[j], score) if score >= self.matcher.align_threshold else None
        )

    def _eligible(self, own: Sequence[str], other: Sequence[str]) -> npt.NDArray[np.bool_]:
        """Clause pairs that may be compared (none when both sentences are one clause:
        they were compared whole): each clause a statement (enough terms), the two
        sharing enough terms."""
        if len(own) == 1 and len(other) == 1:
            return np.zeros((1, 1), dtype=bool)
        left = [self.terms.terms(c) for c in own]
        right = [self.terms.terms(c) for c in other]
        return np.array(
            [
                [
                    min(len(x), len(y)) >= MIN_CLAUSE_TERMS and len(x & y) >= MIN_SHARED_WORDS
                    for y in right
                ]
                for x in left
            ],
            dtype=bool,
        ).reshape(len(own), len(other))
