"""Sentence alignment by meaning: the cosines of two articles' sentence embeddings
(``rewrites.embed``), one matrix product per pair, each sentence paired at most once,
best first; and whether the aligned sentences agree on their facts.

A translated or rewritten wire story keeps its sentences' meaning and facts, not their
words; two stories from one template keep the words and change the facts (another
issuer, another price), so the facts of aligned sentences tell the two apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from dedup.rewrites import embed
from dedup.rewrites.align import MIN_SENTENCE_WORDS, NEAR_OVERLAP, Alignment, Match, MatchKind
from dedup.rewrites.article import Article, specific
from dedup.text.normalise import normalise, tokenise

LEDE = 2
"""Content sentences at the top of an article compared for ``lede_similarity``: the
headline (when the text has one) and the opening sentence."""
DECIMALS = 4
"""Cosines are rounded before any decision, so that the last bits of a BLAS product
never change a verdict across machines."""


@dataclass(frozen=True, slots=True)
class Agreement:
    """How the aligned sentence pairs stand on their facts (names, figures, dates)."""

    agreeing: int
    """Pairs that share at least half of the facts either states."""
    conflicting: int
    """Pairs that state facts and share fewer than half of them: the same words
    around different facts."""


def align_by_meaning(a: Article, b: Article, *, score_cutoff: float) -> Alignment:
    """Content sentences of ``a`` and ``b`` (of ``MIN_SENTENCE_WORDS`` or more) paired
    one to one where their cosine reaches ``score_cutoff``, highest cosine first (ties
    by position); each ``Match`` uses the sentences' own indexes."""
    rows, cols = _alignable(a), _alignable(b)
    if not rows or not cols:
        return Alignment((), len(rows), len(cols))
    sim = np.round(_similarities(a, b)[np.ix_(rows, cols)], DECIMALS)
    found = np.argwhere(sim >= score_cutoff)
    order = sorted(found.tolist(), key=lambda ij: (-sim[ij[0], ij[1]], ij[0], ij[1]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches = []
    for i, j in order:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matches.append(_match(a, b, _index(a, rows[i]), _index(b, cols[j]), float(sim[i, j])))
    matches.sort(key=lambda m: (m.a, m.b))
    return Alignment(tuple(matches), len(rows), len(cols))


def lede_similarity(a: Article, b: Article) -> float:
    """The highest cosine between a sentence of one article's lede (its first ``LEDE``
    content sentences) and one of the other's: whether they open on the same news."""
    if not len(a.content) or not len(b.content):
        return 0.0
    sim = _similarities(a, b)[:LEDE, :LEDE]
    return round(float(sim.max()), DECIMALS)


def lede_cosine(a: Article, b: Article) -> float:
    """The cosine of the two ledes, each embedded as one text (``Article.lede_vector``):
    whether two outlets open on the same development, however they word it sentence
    by sentence."""
    return round(embed.vector_cosine(a.lede_vector, b.lede_vector), DECIMALS)


def agreement(alignment: Alignment, a: Article, b: Article) -> Agreement:
    """Count the aligned pairs that agree and those that conflict on their facts."""
    agreeing = conflicting = 0
    for match in alignment.matches:
        keys_a, keys_b = _fact_keys(a, match.a), _fact_keys(b, match.b)
        union = keys_a | keys_b
        if not union:
            continue
        if 2 * len(keys_a & keys_b) >= len(union):
            agreeing += 1
        else:
            conflicting += 1
    return Agreement(agreeing, conflicting)


def _fact_keys(article: Article, index: int) -> set[str]:
    """The specific facts of one sentence (``article.specific``: not a capitalised
    common word at its start), as kind-prefixed keys."""
    return {
        f"{f.kind}:{f.key}"
        for f in article.sentence_facts(index)
        if specific(f, article.house_terms)
    }


def _similarities(a: Article, b: Article) -> np.ndarray:
    return embed.similarity_matrix(a.vectors, b.vectors)


def _alignable(article: Article) -> list[int]:
    """Positions among the article's content sentences of those long enough to align
    and printed once: a sentence a page prints twice is its furniture (a gallery's
    captions, in full and cut short; a pull quote), no evidence of what it retells.
    The page's title repeated as its heading is the exception: its first print counts."""
    content = article.content
    seen = Counter(content)
    return [
        k
        for k, text in enumerate(content)
        if len(text.split()) >= MIN_SENTENCE_WORDS
        and (seen[text] == 1 or (text == content[0] and k == 0))
    ]


def _index(article: Article, position: int) -> int:
    """The sentence index of the article's ``position``-th content sentence."""
    return article.content_indexes[position]


def _match(a: Article, b: Article, i: int, j: int, score: float) -> Match:
    """A match with its kind: verbatim, near (most words shared) or paraphrase."""
    words_a = tuple(tokenise(normalise(a.sentences[i].text)))
    words_b = tuple(tokenise(normalise(b.sentences[j].text)))
    kind: MatchKind = "verbatim"
    if words_a != words_b:
        overlap = len(set(words_a) & set(words_b)) / max(1, len(set(words_a)), len(set(words_b)))
        kind = "near" if overlap >= NEAR_OVERLAP else "paraphrase"
    return Match(i, j, score, kind)
