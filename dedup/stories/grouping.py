"""Stories from verified pairs, without chaining: each story is a star around its
origin, and every member relates to the origin directly.

Connected pieces of the pair graph are cut into stars: pick the origin (earliest
date; else among the members relating directly to the most others, one with an
explicit wire credit if there is one, holding most of its partners' content; a tie
left goes to the lowest hash of the text, never to the name), take it with its direct
neighbours, and repeat on what is left. An article only linked to the origin through
another member is not pulled in, so two different stories bridged by one article
stay apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from dedup.copies.cluster import UnionFind, story_id
from dedup.copies.pairing import RELATION_STRENGTH, Pair
from dedup.stories import wire
from dedup.stories.results import Member, Story, StoryMember
from dedup.stories.versions import Versions
from dedup.stories.wire import WireEvidence
from dedup.text.dates import parse_date


@dataclass(frozen=True, slots=True)
class Star:
    """An origin and its members (origin included), with why the origin was chosen."""

    origin: str
    members: tuple[str, ...]
    origin_reason: str


def neighbours(pairs: Iterable[Pair]) -> dict[str, dict[str, Pair]]:
    """For each document, its verified partners and the strongest pair with each."""
    graph: dict[str, dict[str, Pair]] = {}
    for pair in pairs:
        for one, other in ((pair.a, pair.b), (pair.b, pair.a)):
            current = graph.setdefault(one, {}).get(other)
            if current is None or _stronger(pair, current):
                graph[one][other] = pair
    return graph


def _stronger(a: Pair, b: Pair) -> bool:
    return (RELATION_STRENGTH[a.relation], a.jaccard) > (RELATION_STRENGTH[b.relation], b.jaccard)


@dataclass(frozen=True)
class OriginHints:
    """What decides a story's origin: document dates, whether a document credits a
    wire agency explicitly, and how much of its partners' content it holds."""

    dates: Mapping[str, str | None]
    credited: Callable[[str], bool]
    coverage: Callable[[str, str], float]
    """Share (0-1) of the second document's salient content found in the first."""
    text_hash: Callable[[str], str]
    """A hash of the document's text: what breaks a tie left by everything else, so
    that the origin never depends on the documents' names."""


def stars(
    graph: Mapping[str, Mapping[str, Pair]], hints: OriginHints, versions: Versions | None = None
) -> list[Star]:
    """Cut every connected piece of ``graph`` into stars around chosen origins; a star
    takes whole ``versions`` (copies of one text): the origin's, and every version
    one of whose members relates directly to a member of the origin's."""
    versions = versions or Versions({}, frozenset())
    uf = UnionFind()
    for doc, partners in graph.items():
        for other in partners:
            uf.union(doc, other)
    found: list[Star] = []
    for component in uf.groups():
        remaining = set(component)
        while len(remaining) >= 2:
            star = _next_star(remaining, graph, hints, versions)
            if star is None:
                break
            found.append(star)
            remaining -= set(star.members)
    return sorted(found, key=lambda s: s.members[0])


def _next_star(
    remaining: set[str],
    graph: Mapping[str, Mapping[str, Pair]],
    hints: OriginHints,
    versions: Versions,
) -> Star | None:
    partners = {d: sorted(n for n in graph.get(d, {}) if n in remaining) for d in remaining}
    linked = sorted(d for d in remaining if partners[d])
    if not linked:
        return None
    origin, reason = _choose_origin(linked, partners, hints)
    core = {d for d in versions.version(origin) if d in remaining} | {origin}
    touching = {n for d in core for n in partners[d]}
    members = {d for n in touching for d in versions.version(n) if d in remaining} | core
    return Star(origin, tuple(sorted(members)), reason)


def _choose_origin(
    linked: list[str], partners: Mapping[str, list[str]], hints: OriginHints
) -> tuple[str, str]:
    parsed = {d: parse_date(hints.dates.get(d)) for d in linked}
    dated = sorted((when, d) for d, when in parsed.items() if when is not None)
    if dated and (len(dated) == 1 or dated[0][0] < dated[1][0]):
        when, doc = dated[0]
        return doc, f"earliest date ({when.isoformat(sep=' ')})"
    most = max(len(partners[d]) for d in linked)
    central = [d for d in linked if len(partners[d]) == most]
    credited = [d for d in central if hints.credited(d)]
    held = {d: round(math.fsum(hints.coverage(d, p) for p in partners[d]), 6) for d in central}
    best = max(held[d] for d in credited or central)
    doc, tie = _break_tie([d for d in credited or central if held[d] == best], hints)
    covers = (
        f"relates directly to the most members ({len(partners[doc])}) and holds "
        f"{held[doc] / len(partners[doc]):.0%} of what they report{tie}"
    )
    if credited:
        return doc, f"credits the wire explicitly, {covers}; no dates tell which came first"
    return doc, f"{covers}; no dates or wire credits tell which came first"


def _break_tie(tied: list[str], hints: OriginHints) -> tuple[str, str]:
    """The one of ``tied`` whose text hashes lowest (of identical texts, which only
    their names tell apart, the first id), and how the tie was broken, or ''."""
    hashes = {d: hints.text_hash(d) for d in tied}
    doc = min(tied, key=lambda d: (hashes[d], d))
    rivals = len(tied) - 1
    if not rivals:
        return doc, ""
    same = sum(1 for d in tied if hashes[d] == hashes[doc]) - 1
    others = f"{rivals} other member" + ("s" if rivals > 1 else "")
    if same == rivals:
        return doc, f" (tied with {others}, all of identical text: the first id breaks the tie)"
    rule = "the lowest SHA-256 of the text" + (", then the first id," if same else "")
    return doc, f" (tied with {others}: {rule} breaks the tie)"


def story_wire(evidence: Mapping[str, tuple[WireEvidence, ...]]) -> str | None:
    """The agency most members credit explicitly (ties: the stronger evidence, then
    the agency's name; never the members' names)."""
    counts: dict[str, int] = {}
    for found in evidence.values():
        for agency in {e.agency for e in found}:
            counts[agency] = counts.get(agency, 0) + 1
    if not counts:
        return None
    everything = sorted((e for found in evidence.values() for e in found), key=lambda e: e.agency)
    ranked = wire.agencies(everything)
    return max(counts, key=lambda a: (counts[a], -ranked.index(a)))


def link(doc: str, star: Star, graph: Mapping[str, Mapping[str, Pair]]) -> Pair:
    """The pair that places a member in its story: with the origin when there is one;
    else (a copy of a member that relates to the origin's version) its strongest pair
    with another member."""
    direct = graph[star.origin].get(doc)
    if direct is not None:
        return direct
    inside = [graph[doc][o] for o in star.members if o != doc and o in graph[doc]]
    return max(inside, key=lambda p: (RELATION_STRENGTH[p.relation], p.jaccard, p.a, p.b))


def assemble(
    star: Star,
    graph: Mapping[str, Mapping[str, Pair]],
    members: Mapping[str, Member],
    evidence: Callable[[str], tuple[WireEvidence, ...]],
) -> Story:
    """The Story of one star: relations to the origin, wire and its evidence."""
    found = {doc: evidence(doc) for doc in star.members}
    agency = story_wire(found)
    crediting = tuple(d for d in star.members if any(e.agency == agency for e in found[d]))
    story_members = []
    for doc in star.members:
        pair = None if doc == star.origin else link(doc, star, graph)
        credits = any(e.agency == agency for e in found[doc])
        story_members.append(
            StoryMember(
                member=members[doc],
                relation="origin" if pair is None else pair.relation,
                pair=pair,
                wire_evidence=found[doc],
                wire_inferred_from=() if agency is None or credits else crediting,
            )
        )
    inside = set(star.members)
    pairs = {
        (p.a, p.b): p
        for doc in star.members
        for p in graph[doc].values()
        if p.a in inside and p.b in inside
    }
    return Story(
        id=story_id(star.members),
        origin=star.origin,
        origin_reason=star.origin_reason,
        wire=agency,
        members=tuple(story_members),
        pairs=tuple(pairs[k] for k in sorted(pairs)),
    )
