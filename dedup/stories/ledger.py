"""The sentence ledger of a story: what each member shares, adds and drops.

Every member's sentences are aligned with the other members' (the same matcher the
rewrite tier uses, at its alignment threshold, so paraphrases and translations pair
up); a sentence with a counterpart is ``shared``, one without is ``divergent`` (what
this copy alone carries), page chrome is ``boilerplate``. Within aligned sentences,
facts that differ (numbers and their qualifiers, name spellings, dates) are grouped
into fact divergences, each naming the documents and sentences involved.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from dedup.copies.cluster import UnionFind
from dedup.copies.pairing import Pair
from dedup.rewrites.align import Alignment, Match, MatchKind, align, content_words, matchable
from dedup.rewrites.article import Article
from dedup.rewrites.match import SentenceMatcher
from dedup.text import facts
from dedup.text.fact import Fact
from dedup.text.salience import zipf

SentenceStatus = Literal["shared", "divergent", "boilerplate"]
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
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty "
    "fifty sixty seventy eighty ninety hundred thousand million billion dozen".split()
)
"""Figures written as words count by value (from the facts), not as words."""
FULL_ALIGNMENT_MEMBERS = 12
"""Stories with more distinct texts align each with the origin and its verified
partners only, so the ledger's cost grows with the story, not its square."""


@dataclass(frozen=True, slots=True)
class Counterpart:
    """Sentence ``index`` of ``document`` says the same, with the matcher's score."""

    document: str
    index: int
    score: float
    kind: MatchKind


@dataclass(frozen=True, slots=True)
class LedgerSentence:
    """One sentence of a member, its status and its counterparts in other members."""

    index: int
    text: str
    status: SentenceStatus
    counterparts: tuple[Counterpart, ...]


@dataclass(frozen=True, slots=True)
class MemberLedger:
    """A member's sentences, and the origin's sentences it lacks (``dropped``)."""

    document: str
    sentences: tuple[LedgerSentence, ...]
    dropped: tuple[int, ...]

    def divergent(self) -> tuple[LedgerSentence, ...]:
        return tuple(s for s in self.sentences if s.status == "divergent")


@dataclass(frozen=True, slots=True)
class FactValue:
    """How one member states a diverging fact: its wording in sentence ``index``."""

    document: str
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class FactDivergence:
    """A fact the members state differently ("more than 1,000" / "about 1,000")."""

    kind: str
    values: tuple[FactValue, ...]


@dataclass(frozen=True, slots=True)
class StoryLedger:
    """The ledger of every member of one story, and its fact divergences."""

    members: tuple[MemberLedger, ...]
    fact_divergences: tuple[FactDivergence, ...]

    def member(self, document: str) -> MemberLedger:
        return next(m for m in self.members if m.document == document)


def build(
    origin: str,
    docs: Sequence[str],
    pairs: Sequence[Pair],
    articles: Mapping[str, Article],
    matcher: SentenceMatcher,
) -> StoryLedger:
    """Align a story's members (``docs``, with its ``origin`` and verified ``pairs``)
    sentence by sentence and read off the ledger."""
    terms = _StoryTerms(articles[d] for d in docs)
    done: dict[tuple[str, str], Alignment] = {}  # by the two texts: copies align once
    alignments = {}
    for a, b in _pairs_to_align(origin, docs, pairs, articles):
        texts = (articles[a].document.text, articles[b].document.text)
        if texts not in done:
            done[texts] = _align_pair(articles[a], articles[b], terms, matcher)
        alignments[(a, b)] = done[texts]
    counterparts = _counterparts(alignments)
    members = tuple(
        MemberLedger(
            doc,
            _sentences(articles[doc], counterparts.get(doc, {})),
            _dropped(doc, articles[origin], alignments),
        )
        for doc in docs
    )
    return StoryLedger(members, _fact_divergences(alignments, articles))


def _align_pair(a: Article, b: Article, terms: _StoryTerms, matcher: SentenceMatcher) -> Alignment:
    """Matcher alignment plus in-story cosine matches; identical texts align one to one."""
    if a.document.text == b.document.text:
        same = tuple(Match(s.index, s.index, 1.0, "verbatim") for s in matchable(a.sentences))
        return Alignment(same, len(same), len(same))
    found = align(a.sentences, b.sentences, matcher)
    return terms.extend(found, a.document.id, b.document.id)


def _pairs_to_align(
    origin: str, members: Sequence[str], pairs: Sequence[Pair], articles: Mapping[str, Article]
) -> list[tuple[str, str]]:
    """Member pairs to align (sorted ids): all of them in small stories; the origin
    with everyone plus the verified pairs in large ones."""
    docs = sorted(members)
    if len(docs) <= FULL_ALIGNMENT_MEMBERS:
        return list(itertools.combinations(docs, 2))
    wanted = {tuple(sorted((origin, d))) for d in docs if d != origin}
    wanted |= {(p.a, p.b) for p in pairs}
    return sorted((a, b) for a, b in wanted if a in articles and b in articles)


class _StoryTerms:
    """Each story sentence's terms (content words folded by ``CANONICAL``, numbers
    by value) and their rarity among the story's sentences: words every member
    repeats (Niger, troops) say little about which sentences correspond."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.terms: dict[tuple[str, int], frozenset[str]] = {}
        self.clauses: dict[tuple[str, int], list[frozenset[str]]] = {}
        for article in articles:
            for sentence in matchable(article.sentences):
                key = (article.document.id, sentence.index)
                found = article.facts[sentence.index]
                parts = [_terms(text, start, found) for start, text in _clauses(sentence.text)]
                self.terms[key] = frozenset().union(*parts)
                self.clauses[key] = [p for p in parts if len(p) >= MIN_CLAUSE_TERMS]
        counts = Counter(t for found in self.terms.values() for t in found)
        total = max(1, len(self.terms))
        self.idf = {t: math.log(total / n) ** 2 for t, n in counts.items()}
        self.by_doc: dict[str, list[tuple[str, int]]] = {}
        for key in self.terms:
            self.by_doc.setdefault(key[0], []).append(key)

    def cosine(self, a: tuple[str, int], b: tuple[str, int]) -> float:
        """Best cosine of the two sentences, or of a clause of either against the
        other whole: a long sentence may retell only one of its clauses elsewhere."""
        x, y = self.terms[a], self.terms[b]
        if not x & y:
            return 0.0
        best = self._cosine(x, y)
        for clause in self.clauses[a]:
            best = max(best, self._cosine(clause, y))
        for clause in self.clauses[b]:
            best = max(best, self._cosine(x, clause))
        return best

    def _cosine(self, x: frozenset[str], y: frozenset[str]) -> float:
        shared = x & y
        if not shared:
            return 0.0
        norm = math.sqrt(sum(self.idf[t] for t in x) * sum(self.idf[t] for t in y))
        return sum(self.idf[t] for t in shared) / norm if norm else 0.0

    def extend(self, alignment: Alignment, a: str, b: str) -> Alignment:
        """The alignment plus sentence pairs the matcher missed that reach
        ``STORY_COSINE`` (kind ``paraphrase``, the cosine as score)."""
        known = {(m.a, m.b) for m in alignment.matches}
        left, right = self.by_doc.get(a, []), self.by_doc.get(b, [])
        extra = []
        for x in left:
            for y in right:
                if (x[1], y[1]) in known:
                    continue
                score = self.cosine(x, y)
                if score >= STORY_COSINE:
                    extra.append(Match(x[1], y[1], round(score, 4), "paraphrase"))
        matches = tuple(sorted((*alignment.matches, *extra), key=lambda m: (m.a, m.b)))
        return Alignment(matches, alignment.sentences_a, alignment.sentences_b)


def _clauses(text: str) -> list[tuple[int, str]]:
    """The sentence cut at commas, semicolons, colons and dashes, with offsets."""
    cuts = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text)]
    return [(i, text[i:j]) for i, j in itertools.pairwise(cuts) if text[i:j].strip()]


def _terms(text: str, start: int, found: Sequence[Fact]) -> frozenset[str]:
    """A clause's terms: uncommon content words folded by ``CANONICAL``, and the
    values of the figures that start inside it."""
    words = {
        CANONICAL.get(w, w)
        for w in content_words(text)
        if w in CANONICAL or (zipf(w) < GENERIC_ZIPF and not w.isdigit() and w not in _NUMBER_WORDS)
    }
    end = start + len(text)
    numbers = {f"#{f.key}" for f in found if f.kind == "number" and start <= f.start < end}
    return frozenset(words | numbers)


_Counterparts = dict[str, dict[int, list[Counterpart]]]


def _counterparts(alignments: Mapping[tuple[str, str], Alignment]) -> _Counterparts:
    found: _Counterparts = {}
    for (a, b), alignment in alignments.items():
        for m in alignment.matches:
            found.setdefault(a, {}).setdefault(m.a, []).append(Counterpart(b, m.b, m.score, m.kind))
            found.setdefault(b, {}).setdefault(m.b, []).append(Counterpart(a, m.a, m.score, m.kind))
    return found


def _sentences(
    article: Article, counterparts: Mapping[int, Sequence[Counterpart]]
) -> tuple[LedgerSentence, ...]:
    rows = []
    for sentence in article.sentences:
        found = counterparts.get(sentence.index, ())
        status: SentenceStatus = "shared" if found else "divergent"
        if sentence.boilerplate is not None:
            status = "boilerplate"
        ordered = tuple(sorted(found, key=lambda c: (c.document, c.index)))
        rows.append(LedgerSentence(sentence.index, sentence.text, status, ordered))
    return tuple(rows)


def _dropped(
    doc: str, origin: Article, alignments: Mapping[tuple[str, str], Alignment]
) -> tuple[int, ...]:
    """The origin's alignable sentences with no counterpart in ``doc``."""
    origin_id = origin.document.id
    if doc == origin_id:
        return ()
    first, second = sorted((doc, origin_id))
    alignment = alignments.get((first, second))
    if alignment is None:
        return ()
    kept = alignment.matched_a() if first == origin_id else alignment.matched_b()
    return tuple(s.index for s in matchable(origin.sentences) if s.index not in kept)


def _fact_divergences(
    alignments: Mapping[tuple[str, str], Alignment], articles: Mapping[str, Article]
) -> tuple[FactDivergence, ...]:
    """Group every pair of diverging facts in aligned sentences into one record per
    fact: members joined when any of their aligned sentences disagree on it."""
    groups = UnionFind()
    kinds: dict[tuple[str, int, int], str] = {}
    texts: dict[tuple[str, int, int], str] = {}
    for (a, b), alignment in alignments.items():
        for m in alignment.matches:
            pairs = facts.divergences(articles[a].facts[m.a], articles[b].facts[m.b])
            for fa, fb in pairs:
                left, right = (a, m.a, fa.start), (b, m.b, fb.start)
                kinds[left] = kinds[right] = fa.kind
                texts[left], texts[right] = fa.text, fb.text
                groups.union(_node(left), _node(right))
    return tuple(sorted(_records(groups, kinds, texts), key=_record_order))


def _node(key: tuple[str, int, int]) -> str:
    return "\x00".join(map(str, key))


def _records(
    groups: UnionFind,
    kinds: Mapping[tuple[str, int, int], str],
    texts: Mapping[tuple[str, int, int], str],
) -> Iterable[FactDivergence]:
    members: dict[str, list[tuple[str, int, int]]] = {}
    for key in kinds:
        members.setdefault(groups.find(_node(key)), []).append(key)
    for keys in members.values():
        values = tuple(
            FactValue(doc, index, texts[(doc, index, start)]) for doc, index, start in sorted(keys)
        )
        if len({_fold(v.text) for v in values}) > 1:
            yield FactDivergence(kinds[keys[0]], values)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _record_order(record: FactDivergence) -> tuple[str, int, str]:
    first = record.values[0]
    return (first.document, first.index, record.kind)
