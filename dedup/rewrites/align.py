"""Sentence alignment between two articles.

Every article sentence of one document is compared with every one of the other, but
the sentence matcher (the expensive part) only runs where a cheap upper bound passes:
the two sentences must share at least two content words.
"""

from __future__ import annotations

from collections.abc import Sequence
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
        if self.sentences_a <= self.sentences_b:
            return len(self.matched_a()) / max(1, self.sentences_a)
        return len(self.matched_b()) / max(1, self.sentences_b)

    def aligned_count(self) -> int:
        """Sentences of the shorter article that have a counterpart."""
        if self.sentences_a <= self.sentences_b:
            return len(self.matched_a())
        return len(self.matched_b())


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
    alignment threshold by default); each ``Match`` uses the sentences' own indexes."""
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


def alignment_bound(a: Sequence[Sentence], b: Sequence[Sentence]) -> tuple[int, float]:
    """Upper bounds on ``align(a, b, …)``'s ``aligned_count()`` and
    ``share_of_shorter()`` whatever the matcher: ``align`` only compares sentences
    sharing ``MIN_SHARED_WORDS`` content words, so a sentence without such a partner
    never aligns. Cheap: no matcher runs."""
    left, right = matchable(a), matchable(b)
    if len(left) > len(right):
        left, right = right, left
    mine = [_content(_words(s)) for s in left]
    theirs = [_content(_words(s)) for s in right]
    count = sum(1 for x in mine if any(len(x & y) >= MIN_SHARED_WORDS for y in theirs))
    return count, count / max(1, len(left))


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
