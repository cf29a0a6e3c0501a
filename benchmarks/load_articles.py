"""Distinct synthetic articles for the load test, each rebuilt from its id alone.

A writer adds ``w0-000017``; a checker in another process that learns the id was
added rebuilds the same text from the id to check a copy of it, so no text crosses
between processes. Articles are 6-12 sentences drawn either from a pool of real
sentences (``benchmarks.synthetic.sentence_pool``, when the data is there) or from a
made-up vocabulary of 4,000 pronounceable words with Zipf frequencies (the
fallback, needing no data): a few words are common, like news's house vocabulary,
and two articles share no sentence unless one is a copy of the other.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from dedup import Document

VOCABULARY = 4_000
MIN_SENTENCES, MAX_SENTENCES = 6, 12
MIN_WORDS, MAX_WORDS = 8, 20
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def _vocabulary() -> list[str]:
    """``VOCABULARY`` distinct words of two to four syllables, the same every run."""
    rng = random.Random(0)
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        words["".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4)))] = None
    return list(words)


@dataclass(frozen=True)
class Articles:
    """Articles by id: from ``pool`` (real sentences) when given, else made-up words."""

    pool: Sequence[str] = ()
    _words: list[str] = field(default_factory=_vocabulary, repr=False)
    _weights: list[float] = field(
        default_factory=lambda: list(
            itertools.accumulate(1 / rank for rank in range(1, VOCABULARY + 1))
        ),
        repr=False,
    )

    def text(self, key: str) -> str:
        """The text of article ``key``: sentences in paragraphs of one to three."""
        rng = random.Random(key)
        count = rng.randint(MIN_SENTENCES, MAX_SENTENCES)
        if self.pool:
            sentences = rng.sample(self.pool, count)
        else:
            sentences = [self._sentence(rng) for _ in range(count)]
        paragraphs, start = [], 0
        while start < count:
            end = start + rng.randint(1, 3)
            paragraphs.append(" ".join(sentences[start:end]))
            start = end
        return "\n\n".join(paragraphs) + "\n"

    def _sentence(self, rng: random.Random) -> str:
        """Made-up words (Zipf-weighted) and a figure, as one sentence."""
        size = rng.randint(MIN_WORDS, MAX_WORDS)
        words = rng.choices(self._words, cum_weights=self._weights, k=size)
        words.insert(rng.randrange(size), str(rng.randint(2, 9_999)))
        return " ".join(words).capitalize() + "."

    def document(self, key: str, doc_id: str | None = None) -> Document:
        """Article ``key`` as a Document (under ``doc_id``: a copy under another id)."""
        text = self.text(key)
        title = " ".join(text.split()[:6]).rstrip(".")
        return Document(doc_id or key, text, title, "2024-05-01T12:00:00")


def article_id(writer: str, number: int) -> str:
    """The id of the ``number``-th article of ``writer`` (``seed``, ``w0``, ...)."""
    return f"{writer}-{number:06d}"
