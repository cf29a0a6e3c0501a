"""Sentence alignment between two articles.

Every article sentence of one document is compared with every one of the other, but
the sentence matcher (the expensive part) only runs where a cheap upper bound passes:
the two sentences must share at least two content words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from dedup.rewrites.match import STOPWORDS, SentenceMatcher
from dedup.text.normalise import normalise, tokenise
from dedup.text.sentences import Sentence

MatchKind = Literal["verbatim", "near", "paraphrase"]
MIN_SHARED_WORDS = 2
MIN_SENTENCE_WORDS = 4
NEAR_OVERLAP = 0.8


@dataclass(frozen=True, slots=True)
class Match:
    """Sentence ``a`` of the first article matches sentence ``b`` of the second."""

    a: int
    b: int
    score: float
    kind: MatchKind

    def swapped(self) -> Match:
        """The same match seen from the other article."""
        return Match(self.b, self.a, self.score, self.kind)


@dataclass(frozen=True, slots=True)
class Alignment:
    """The matches between two articles' sentences, best first for each sentence."""

    matches: tuple[Match, ...]
    sentences_a: int
    sentences_b: int

    def matched_a(self) -> set[int]:
        return {m.a for m in self.matches}

    def matched_b(self) -> set[int]:
        return {m.b for m in self.matches}

    def share_of_shorter(self) -> float:
        """Share of the shorter article's sentences that have a counterpart."""
        return self.aligned_count() / max(1, min(self.sentences_a, self.sentences_b))

    def aligned_count(self) -> int:
        """Sentences of the shorter article that have a counterpart; of two articles
        as long, the fewer of either's, whichever article comes first."""
        if self.sentences_a != self.sentences_b:
            shorter_a = self.sentences_a < self.sentences_b
            return len(self.matched_a() if shorter_a else self.matched_b())
        return min(len(self.matched_a()), len(self.matched_b()))

    def swapped(self) -> Alignment:
        """The alignment of the two articles taken in the other order."""
        return Alignment(swapped(self.matches), self.sentences_b, self.sentences_a)


def swapped(matches: Iterable[Match]) -> tuple[Match, ...]:
    """Matches seen from the other article, in the order ``align`` gives them (by
    the first article's sentence)."""
    return tuple(sorted((m.swapped() for m in matches), key=lambda m: (m.a, m.b)))


def _words(sentence: Sentence) -> tuple[str, ...]:
    return tuple(tokenise(normalise(sentence.text)))


def _content(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for w in words if w not in STOPWORDS and len(w) > 2)


def content_words(text: str) -> frozenset[str]:
    """The text's normalised words that are not stopwords or very short."""
    return _content(tuple(tokenise(normalise(text))))


def matchable(sentences: Sequence[Sentence]) -> list[Sentence]:
    """Article sentences long enough to align (boilerplate and fragments left out)."""
    return [
        s for s in sentences if s.boilerplate is None and len(s.text.split()) >= MIN_SENTENCE_WORDS
    ]


def align(
    a: Sequence[Sentence],
    b: Sequence[Sentence],
    matcher: SentenceMatcher,
    *,
    score_cutoff: float | None = None,
) -> Alignment:
    """Pairs of matchable sentences scoring at least ``score_cutoff`` (the matcher's
    alignment threshold by default); each ``Match`` uses the sentences' own indexes.
    Symmetric: ``align(b, a)`` is ``align(a, b).swapped()`` (the matcher is)."""
    cutoff = matcher.align_threshold if score_cutoff is None else score_cutoff
    left, right = matchable(a), matchable(b)
    words_b = [_words(s) for s in right]
    content_b = [_content(w) for w in words_b]
    found: list[Match] = []
    for sa in left:
        wa = _words(sa)
        ca = _content(wa)
        for sb, wb, cb in zip(right, words_b, content_b, strict=True):
            if len(ca & cb) < MIN_SHARED_WORDS:
                continue
            match = _match(sa, sb, wa, wb, matcher, cutoff)
            if match is not None:
                found.append(match)
    return Alignment(tuple(found), len(left), len(right))


def _match(
    sa: Sentence,
    sb: Sentence,
    wa: tuple[str, ...],
    wb: tuple[str, ...],
    matcher: SentenceMatcher,
    cutoff: float,
) -> Match | None:
    if wa == wb:
        return Match(sa.index, sb.index, 1.0, "verbatim")
    score = matcher.probability(sa.text, sb.text, score_cutoff=cutoff)
    if score < cutoff:
        return None
    overlap = len(set(wa) & set(wb)) / max(len(set(wa)), len(set(wb)))
    kind: MatchKind = "near" if overlap >= NEAR_OVERLAP else "paraphrase"
    return Match(sa.index, sb.index, round(score, 4), kind)
