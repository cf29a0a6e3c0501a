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

from collections.abc import Iterable, Sequence
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

    own: int
    other: int
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

    def prepare(self, texts: Iterable[str]) -> None:
        """Embed sentences about to be compared, and their clauses, in one batch
        (faster than one by one; the vectors are the same)."""
        embed.vectors([c for text in texts for c in {text, *self.clauses(text)}])

    def match(self, text: str, wording: str) -> ClauseMatch | None:
        """The best clause pair of two sentences, when either has several clauses and
        the matcher aligns that pair (one matcher call, on the eligible pair of highest
        cosine)."""
        own, other = self.clauses(text), self.clauses(wording)
        if len(own) == 1 and len(other) == 1:  # the sentences were compared whole
            return None
        eligible = self._eligible(own, other)
        if not eligible.any():
            return None
        similarity = embed.similarity_matrix(embed.vectors(own), embed.vectors(other))
        eligible &= similarity >= self.floor
        if not eligible.any():
            return None
        masked = np.where(eligible, similarity, -np.inf)
        i, j = (int(k) for k in np.unravel_index(int(np.argmax(masked)), masked.shape))
        self.calls += 1
        score = self.matcher.probability(own[i], other[j])
        return ClauseMatch(i, j, score) if score >= self.matcher.align_threshold else None

    def _eligible(self, own: Sequence[str], other: Sequence[str]) -> npt.NDArray[np.bool_]:
        """Clause pairs that may be compared: each a statement (enough terms), the two
        sharing enough terms."""
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

    def slot(self, text: str, wording: str) -> int:
        """The clause of ``text`` closest in meaning to the whole ``wording`` (0 for a
        sentence of one clause): which part of ``text`` a whole-sentence match retells."""
        own = self.clauses(text)
        if len(own) == 1:
            return 0
        similarity = embed.similarity_matrix(embed.vectors(own), embed.vectors([wording]))
        return int(np.argmax(similarity[:, 0]))
