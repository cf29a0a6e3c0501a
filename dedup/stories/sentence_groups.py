"""Sentence groups: the sentences of a story's members that say the same thing.

Members are placed one at a time, the origin first, against the groups built so far,
never against one another. A sentence whose exact text the story has already placed
goes where that text went, with no comparison (copies repeat most of their
sentences). Every other sentence is compared with a few recorded wordings of each
group, found through an index of their content words and terms: the sentence matcher
(at its alignment threshold, as the rewrite tier aligns) and then the in-story cosine
(``story_terms``), a match refused when the sentences' embeddings say they mean
different things (``MEANING_FLOOR``); then, among the wordings still unmatched, a
clause of each (``clause_match``: a long sentence may retell one clause of another).
A sentence retells one sentence of another member (one-to-one, as sentence alignment
assumes), its best match there, unless a further match accounts for other words of it
(a sentence fusing two of the member's): so a sentence near two of a member's sentences
does not make the second one shared. It joins the groups it matches, belonging to the
best, or opens a group of its own. So the work grows with members x sentences, and a
story of 1,000 copies costs about ten times one of 100.

What bounds it on pathological articles: each group keeps ``MAX_WORDINGS`` wordings,
a sentence is compared with at most ``MAX_CANDIDATES`` of them, terms found in more
than ``MAX_POSTINGS`` wordings propose none, and a member gets ``MAX_COMPARISONS``
matcher comparisons (the clause matcher's count too), after which its remaining new
sentences are left unaligned (and the ledger says so).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from dedup.rewrites import embed
from dedup.rewrites.align import MIN_SHARED_WORDS, MatchKind, align
from dedup.rewrites.match import SentenceMatcher
from dedup.stories.clause_match import ClauseMatcher
from dedup.stories.story_terms import STORY_COSINE, StoryTerms
from dedup.text.sentences import Sentence

MAX_WORDINGS = 4
"""Wordings of a group a new sentence is compared with: its first ones (in small
stories every member's; in large ones the group's first few variants)."""
MAX_CANDIDATES = 10
"""Wordings a new sentence is given to the matcher with, those sharing most words first."""
MAX_COSINE_CANDIDATES = 48
"""Wordings a new sentence is compared with by the in-story cosine (which is cheap),
those sharing most terms first."""
MAX_POSTINGS = 5_000
"""A word or term in more wordings than this is too common in the story to propose
candidates (it still counts in the comparison itself)."""
MAX_COMPARISONS = 20_000
"""Matcher comparisons a member may take (a few seconds); an ordinary article takes a
few hundred. Its sentences still new after that are left unaligned."""


MEANING_FLOOR = 0.35
"""Cosine of sentence embeddings (``rewrites.embed``) below which a match by words or
story terms is refused: the two sentences share words ("101") but say different
things ("how many of the 101 U.S. troops remained" / "Russian forces at Airbase 101":
0.17). About 1 in 250 MSRP-train paraphrases score below it; two wordings of one
troop count ("around a thousand soldiers in Niger" / "withdraw its nearly 1,000
military personnel": 0.38) still meet."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a sentence went: the group it belongs to, how it matched that group's
    wording (``kind`` None: it opened the group), and every group it matched."""

    group: int
    score: float | None
    kind: MatchKind | None
    touched: tuple[int, ...]


@dataclass(slots=True)
class Group:
    """A group: the sentence that opened it, its recorded wordings (by number) and
    how many members have a sentence matching it."""

    document: str
    index: int
    wordings: list[int] = field(default_factory=list)
    members: int = 0
    last: str | None = None
    """The last member counted, so that a member counts once."""


@dataclass(frozen=True, slots=True)
class _Match:
    """A wording the sentence matched: its group, the member it came from, the score
    and kind of the match, and the content words the two have in common (``said``);
    ``whole`` when the whole sentences matched (not one clause of each)."""

    group: int
    member: str
    score: float
    kind: MatchKind
    wording: str
    said: frozenset[str]
    whole: bool = True


def _means_alike(text: str, wording: str) -> bool:
    """Whether a whole-sentence match is not refused by meaning."""
    pair = embed.vectors([text, wording])
    return float(embed.similarity_matrix(pair[:1], pair[1:])[0, 0]) >= MEANING_FLOOR


def _one_per_member(matches: Iterable[_Match]) -> list[_Match]:
    """The matches that retell different parts of the sentence: taken best first (ties:
    the earliest group), a further match with a member already matched is kept only
    when it accounts for ``MIN_SHARED_WORDS`` content words of the sentence that the
    member's kept matches do not (a sentence fusing two of the member's sentences);
    otherwise the sentence retells one sentence of that member, its best."""
    kept: list[_Match] = []
    covered: dict[str, frozenset[str]] = {}
    for match in sorted(matches, key=lambda m: (-m.score, m.group)):
        seen = covered.get(match.member)
        if seen is None or len(match.said - seen) >= MIN_SHARED_WORDS:
            kept.append(match)
            covered[match.member] = match.said | (seen or frozenset())
    return kept


class SentenceGroups:
    """The story's groups, built member by member with ``place``."""

    def __init__(self, matcher: SentenceMatcher, terms: StoryTerms) -> None:
        self.matcher = matcher
        self.terms = terms
        self.groups: list[Group] = []
        self.matched: list[tuple[str, str]] = []
        """(sentence text, wording text) of every match made by comparison: where
        facts may diverge (identical texts never do)."""
        self.clauses = ClauseMatcher(terms, MEANING_FLOOR)
        self._wordings: list[tuple[int, Sentence, str]] = []  # (group, sentence, member)
        self._words: dict[str, array[int]] = {}  # content word -> wordings
        self._term_index: dict[str, array[int]] = {}  # story term -> wordings
        self._placed: dict[str, Placement] = {}  # by exact text

    def place(self, doc: str, sentences: Sequence[Sentence]) -> dict[int, Placement | None]:
        """Place one member's matchable sentences: index -> placement, or None when
        the member ran out of comparisons before reaching it."""
        found: dict[int, Placement | None] = {}
        new: dict[str, list[Sentence]] = {}
        for sentence in sentences:
            known = self._placed.get(sentence.text)
            if known is not None:
                found[sentence.index] = known
            else:
                new.setdefault(sentence.text, []).append(sentence)
        budget = MAX_COMPARISONS
        joined: list[tuple[Sentence, Placement]] = []
        opened: list[Sentence] = []
        for same in new.values():
            if budget <= 0:
                found.update(dict.fromkeys((s.index for s in same), None))
                continue
            if not self._wordings:  # the first member: nothing to compare with
                opened.append(same[0])
                continue
            matches, used = self._compare(same[0])
            matches = _one_per_member(matches)
            budget -= used
            if not matches:
                opened.append(same[0])
                continue
            placement = self._join(same[0], matches)
            joined.append((same[0], placement))
            found.update(dict.fromkeys((s.index for s in same), placement))
        # recorded only now, so that a member never matches its own sentences
        for sentence, placement in joined:
            self._placed[sentence.text] = placement
            if len(self.groups[placement.group].wordings) < MAX_WORDINGS:
                self._record(placement.group, sentence, doc)
        for sentence in opened:
            placement = self._open(doc, sentence)
            found.update(dict.fromkeys((s.index for s in new[sentence.text]), placement))
        self._count(doc, (p for p in found.values() if p is not None))
        return found

    def _compare(self, sentence: Sentence) -> tuple[list[_Match], int]:
        """The wordings the sentence matches (the matcher's, then the cosine's among
        the rest, then a clause of each among the rest), and the matcher comparisons
        it took."""
        matches: dict[int, _Match] = {}  # by wording
        used = 0
        text = sentence.text
        by_words = self._candidates(
            self._words, self.terms.words(text), MIN_SHARED_WORDS, MAX_CANDIDATES
        )
        for number in by_words:
            group, wording, member = self._wordings[number]
            used += 1
            alignment = align([sentence], [wording], self.matcher)
            if alignment.matches:
                m = alignment.matches[0]
                said = self._said(text, wording.text)
                matches[number] = _Match(group, member, m.score, m.kind, wording.text, said)
        by_terms = self._candidates(
            self._term_index, self.terms.terms(text), 1, MAX_COSINE_CANDIDATES
        )
        for number in by_terms:
            group, wording, member = self._wordings[number]
            if number in matches:
                continue
            score = self.terms.cosine(text, wording.text)
            if score >= STORY_COSINE:
                said = self._said(text, wording.text)
                matches[number] = _Match(
                    group, member, round(score, 4), "paraphrase", wording.text, said
                )
        embed.vectors([text, *(m.wording for m in matches.values())])  # one batch
        kept = {
            number: m
            for number, m in matches.items()
            if m.kind == "verbatim" or _means_alike(text, m.wording)
        }
        calls = self.clauses.calls
        rest = [n for n in dict.fromkeys([*by_words, *by_terms]) if n not in kept]
        found = self.clauses.matches(text, [self._wordings[n][1].text for n in rest])
        for number, clause in zip(rest, found, strict=True):
            if clause is not None:
                group, wording, member = self._wordings[number]
                said = self._said(clause.own, clause.other)
                score = round(clause.score, 4)
                kept[number] = _Match(
                    group, member, score, "paraphrase", wording.text, said, whole=False
                )
        return list(kept.values()), used + self.clauses.calls - calls

    def _said(self, text: str, wording: str) -> frozenset[str]:
        """The content words two sentences (or clauses) have in common."""
        return self.terms.words(text) & self.terms.words(wording)

    def _candidates(
        self, index: dict[str, array[int]], keys: Iterable[str], least: int, most: int
    ) -> list[int]:
        """Wordings sharing at least ``least`` of ``keys``, most first (then the
        earliest), at most ``most`` of them."""
        postings = [p for p in map(index.get, keys) if p and len(p) <= MAX_POSTINGS]
        if not postings:
            return []
        hits = np.concatenate([np.frombuffer(p, dtype=np.int64) for p in postings])
        numbers, counts = np.unique(hits, return_counts=True)
        kept = counts >= least
        numbers, counts = numbers[kept], counts[kept]
        order = np.lexsort((numbers, -counts))[:most]
        found: list[int] = numbers[order].tolist()
        return found

    def _join(self, sentence: Sentence, matches: Sequence[_Match]) -> Placement:
        """The placement of a sentence that matched: the group of its best-scoring
        match (ties: the earliest group)."""
        best = min(matches, key=lambda m: (-m.score, m.group))
        self.matched += [(sentence.text, m.wording) for m in matches if m.whole]
        others = sorted({m.group for m in matches} - {best.group})
        return Placement(best.group, best.score, best.kind, (best.group, *others))

    def _open(self, doc: str, sentence: Sentence) -> Placement:
        """A new group opened by ``sentence``; later copies of its text match it verbatim."""
        number = len(self.groups)
        self.groups.append(Group(doc, sentence.index))
        self._record(number, sentence, doc)
        self._placed[sentence.text] = Placement(number, 1.0, "verbatim", (number,))
        return Placement(number, None, None, (number,))

    def _record(self, group: int, sentence: Sentence, doc: str) -> None:
        """Keep ``doc``'s ``sentence`` as a wording of ``group``, indexed by its words
        and terms."""
        number = len(self._wordings)
        self._wordings.append((group, sentence, doc))
        self.groups[group].wordings.append(number)
        for word in self.terms.words(sentence.text):
            self._words.setdefault(word, array("q")).append(number)
        for term in self.terms.terms(sentence.text):
            self._term_index.setdefault(term, array("q")).append(number)

    def _count(self, doc: str, placements: Iterable[Placement]) -> None:
        """Count ``doc`` once in every group its sentences matched."""
        for placement in placements:
            for number in placement.touched:
                group = self.groups[number]
                if group.last != doc:
                    group.members += 1
                    group.last = doc
