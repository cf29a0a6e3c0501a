"""The sentence ledger of a story: what each member shares, adds and drops.

The members' sentences are gathered into sentence groups (``sentence_groups``: each
member placed once against the groups built so far, with the matcher the rewrite tier
aligns with, an in-story cosine and a clause of each sentence, so paraphrases,
translations and sentences retelling one clause join); a sentence
in a group that another member also has is ``shared``, one alone is ``divergent``
(what this copy alone carries), page chrome is ``boilerplate``, and a sentence left
out when a pathological member ran out of comparisons is ``unaligned``. Counterparts
are summarised: a sentence names its group and how many other members share it, and
the story lists each group's first sentence. Within matched sentences, facts that
differ are grouped into fact divergences (``fact_divergence``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from dedup.rewrites.align import MatchKind, matchable
from dedup.rewrites.article import Article
from dedup.rewrites.match import SentenceMatcher
from dedup.stories.fact_divergence import FactDivergence, FactValue, divergences
from dedup.stories.sentence_groups import Group, Placement, SentenceGroups
from dedup.stories.story_terms import StoryTerms

__all__ = [
    "FactDivergence",
    "FactValue",
    "LedgerSentence",
    "MemberLedger",
    "SentenceGroup",
    "SentenceStatus",
    "StoryLedger",
    "build",
]

SentenceStatus = Literal["shared", "divergent", "boilerplate", "unaligned"]


@dataclass(frozen=True, slots=True)
class LedgerSentence:
    """One sentence of a member: its status, its sentence group (None: in none that
    another member shares), how many other members share that group, and how it
    matched the group (score and kind; None for the sentence that opened it)."""

    index: int
    text: str
    status: SentenceStatus
    group: int | None = None
    shared_with: int = 0
    score: float | None = None
    kind: MatchKind | None = None


@dataclass(frozen=True, slots=True)
class MemberLedger:
    """A member's sentences, and the origin's sentences it lacks (``dropped``)."""

    document: str
    sentences: tuple[LedgerSentence, ...]
    dropped: tuple[int, ...]

    def divergent(self) -> tuple[LedgerSentence, ...]:
        return tuple(s for s in self.sentences if s.status == "divergent")


@dataclass(frozen=True, slots=True)
class SentenceGroup:
    """Sentences of two or more members that say the same: the group's number, the
    sentence that opened it (the origin's when the origin has one) and how many
    members have a sentence in it."""

    id: int
    document: str
    index: int
    members: int


@dataclass(frozen=True, slots=True)
class StoryLedger:
    """The ledger of every member of one story, its shared sentence groups and its
    fact divergences; ``unaligned`` counts sentences left out by the comparison cap."""

    members: tuple[MemberLedger, ...]
    groups: tuple[SentenceGroup, ...]
    fact_divergences: tuple[FactDivergence, ...]
    unaligned: int = 0

    def member(self, document: str) -> MemberLedger:
        return next(m for m in self.members if m.document == document)


def build(
    origin: str,
    docs: Sequence[str],
    article: Callable[[str], Article],
    matcher: SentenceMatcher,
    placing: Callable[[str], tuple[str, ...]] | None = None,
) -> StoryLedger:
    """Place a story's members (``docs``, with its ``origin``) in sentence groups,
    the origin first, then in ``placing`` order (a key of content, so that which
    sentence opens a group never depends on names), and read off the ledger.
    ``article(doc)`` gives a member's parsed article (read twice: once to weigh
    terms, once to place sentences)."""
    rest = sorted(
        (d for d in docs if d != origin), key=lambda d: (placing(d) if placing else (), d)
    )
    order = [origin, *rest]
    terms = StoryTerms()
    for doc in order:
        for sentence in matchable(article(doc).sentences):
            terms.count(sentence.text)
    grouping = SentenceGroups(matcher, terms)
    placed: dict[str, dict[int, Placement | None]] = {}
    places: dict[str, list[tuple[str, int]]] = {}
    for doc in order:
        sentences = matchable(article(doc).sentences)
        placed[doc] = grouping.place(doc, sentences)
        for sentence in sentences:
            places.setdefault(sentence.text, []).append((doc, sentence.index))
    numbers = _shared_numbers(grouping.groups)
    members = tuple(
        MemberLedger(
            doc,
            _sentences(article(doc), placed[doc], grouping.groups, numbers),
            _dropped(doc, origin, placed),
        )
        for doc in docs
    )
    return StoryLedger(
        members,
        _groups(grouping.groups, numbers),
        divergences(grouping.matched, places, terms.facts),
        sum(p is None for found in placed.values() for p in found.values()),
    )


def _shared_numbers(groups: Sequence[Group]) -> dict[int, int]:
    """Numbers of the groups two or more members share, in the order they opened."""
    shared = [number for number, group in enumerate(groups) if group.members >= 2]
    return {number: i for i, number in enumerate(shared)}


def _groups(groups: Sequence[Group], numbers: Mapping[int, int]) -> tuple[SentenceGroup, ...]:
    return tuple(
        SentenceGroup(i, groups[n].document, groups[n].index, groups[n].members)
        for n, i in numbers.items()
    )


def _sentences(
    article: Article,
    placed: Mapping[int, Placement | None],
    groups: Sequence[Group],
    numbers: Mapping[int, int],
) -> tuple[LedgerSentence, ...]:
    rows = []
    for sentence in article.sentences:
        index, text = sentence.index, sentence.text
        if sentence.boilerplate is not None:
            rows.append(LedgerSentence(index, text, "boilerplate"))
        elif index in placed and placed[index] is None:
            rows.append(LedgerSentence(index, text, "unaligned"))
        elif (placement := placed.get(index)) is None or placement.group not in numbers:
            rows.append(LedgerSentence(index, text, "divergent"))
        else:
            others = groups[placement.group].members - 1
            number = numbers[placement.group]
            rows.append(
                LedgerSentence(
                    index, text, "shared", number, others, placement.score, placement.kind
                )
            )
    return tuple(rows)


def _dropped(
    doc: str, origin: str, placed: Mapping[str, Mapping[int, Placement | None]]
) -> tuple[int, ...]:
    """The origin's alignable sentences whose group none of ``doc``'s sentences
    matched (directly, or through another member's wording in that group)."""
    if doc == origin:
        return ()
    touched = _touched(placed[doc].values())
    return tuple(
        sorted(
            index
            for index, placement in placed[origin].items()
            if placement is not None and placement.group not in touched
        )
    )


def _touched(placements: Iterable[Placement | None]) -> set[int]:
    return {group for p in placements if p is not None for group in p.touched}
