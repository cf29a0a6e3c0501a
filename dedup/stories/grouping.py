"""Stories from verified pairs, without chaining: each story is a star around its
origin, and every member relates to the origin directly.

Connected pieces of the pair graph are cut into stars: pick the origin (earliest
date; else among the members relating directly to the most others, one with an
explicit wire credit if there is one, holding most of its partners' content), take
it with its direct neighbours, and repeat on what is left. An article only linked to
the origin through another member is not pulled in, so two different stories bridged
by one article stay apart.

Identical and near-identical texts are paired with their group's leader only
(``copies.finder``): they follow it. A leader's partners are its followers, the
texts it pairs with and their followers; a follower of another leader joins the
origin's star when ``Followers.relate`` finds its own relation to the origin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from dedup.copies.cluster import UnionFind, story_id
from dedup.copies.pairing import RELATION_STRENGTH, Pair
from dedup.stories import wire
from dedup.stories.results import Member, Story, StoryMember
from dedup.stories.wire import WireEvidence
from dedup.text.dates import parse_date


@dataclass(frozen=True, slots=True)
class Star:
    """An origin and its members (origin included), with why the origin was chosen;
    ``links`` holds the pairs with the origin that the pair graph does not."""

    origin: str
    members: tuple[str, ...]
    origin_reason: str
    links: Mapping[str, Pair] = field(default_factory=dict)


def _unrelated(origin: str, follower: str, via: Pair) -> Pair | None:
    return None


@dataclass(frozen=True)
class Followers:
    """Texts that follow a group leader (``leaders``: text -> its leader), and how a
    follower of another leader relates to an origin: ``relate(origin, follower,
    origin's pair with that leader)`` gives its pair, or None to leave it out."""

    leaders: Mapping[str, str] = field(default_factory=dict)
    relate: Callable[[str, str, Pair], Pair | None] = _unrelated

    def of(self) -> dict[str, list[str]]:
        """Each leader's followers, sorted."""
        found: dict[str, list[str]] = {}
        for doc, leader in sorted(self.leaders.items()):
            found.setdefault(leader, []).append(doc)
        return found


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


def stars(
    graph: Mapping[str, Mapping[str, Pair]],
    hints: OriginHints,
    followers: Followers | None = None,
) -> list[Star]:
    """Cut every connected piece of ``graph`` into stars around chosen origins."""
    follow = followers or Followers()
    uf = UnionFind()
    for doc, partners in graph.items():
        for other in partners:
            uf.union(doc, other)
    cut = _Cutter(graph, hints, follow)
    found: list[Star] = []
    for component in uf.groups():
        remaining = set(component)
        while len(remaining) >= 2:
            star = cut.next_star(remaining)
            if star is None:
                break
            found.append(star)
            remaining -= set(star.members)
    return sorted(found, key=lambda s: s.members[0])


class _Cutter:
    """Stars one at a time out of what is left of a connected piece."""

    def __init__(
        self, graph: Mapping[str, Mapping[str, Pair]], hints: OriginHints, follow: Followers
    ) -> None:
        self.graph, self.hints, self.follow = graph, hints, follow
        self.followers = follow.of()

    def next_star(self, remaining: set[str]) -> Star | None:
        """The star of the origin chosen among the texts that lead (or whose leader
        is gone), with its partners and the followers of the leaders among them."""
        leaders = self.follow.leaders
        heads = [d for d in remaining if leaders.get(d) not in remaining]
        partners = {d: self._partners(d, remaining) for d in heads}
        linked = sorted(d for d in heads if partners[d])
        if not linked:
            return None
        origin, reason = _choose_origin(linked, partners, self.hints)
        links: dict[str, Pair] = {}
        direct = self.graph[origin]
        for doc in partners[origin]:
            if doc not in direct:  # a follower of a leader the origin pairs with
                pair = self.follow.relate(origin, doc, direct[leaders[doc]])
                if pair is not None:
                    links[doc] = pair
        members = [origin, *(d for d in partners[origin] if d in direct or d in links)]
        return Star(origin, tuple(sorted(members)), reason, links)

    def _partners(self, doc: str, remaining: set[str]) -> list[str]:
        """The texts ``doc`` pairs with, and the followers of those that lead."""
        direct = [n for n in self.graph.get(doc, {}) if n in remaining]
        seen = set(direct)
        behind = [
            f
            for n in direct
            for f in self.followers.get(n, ())
            if f in remaining and f != doc and f not in seen
        ]
        return sorted([*direct, *behind])


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
    held = {d: sum(hints.coverage(d, p) for p in partners[d]) for d in central}
    doc = max(credited or central, key=lambda d: (round(held[d], 6), [-ord(c) for c in d]))
    covers = (
        f"relates directly to the most members ({len(partners[doc])}) and holds "
        f"{held[doc] / len(partners[doc]):.0%} of what they report"
    )
    if credited:
        return doc, f"credits the wire explicitly, {covers}; no dates tell which came first"
    return doc, f"{covers}; no dates or wire credits tell which came first"


def story_wire(evidence: Mapping[str, tuple[WireEvidence, ...]]) -> str | None:
    """The agency most members credit explicitly (ties: the stronger evidence)."""
    counts: dict[str, int] = {}
    for found in evidence.values():
        for agency in {e.agency for e in found}:
            counts[agency] = counts.get(agency, 0) + 1
    if not counts:
        return None
    ranked = wire.agencies(e for found in evidence.values() for e in found)
    return max(counts, key=lambda a: (counts[a], -ranked.index(a)))


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
        pair = None if doc == star.origin else star.links.get(doc) or graph[star.origin][doc]
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
    pairs.update(((p.a, p.b), p) for p in star.links.values())
    return Story(
        id=story_id(star.members),
        origin=star.origin,
        origin_reason=star.origin_reason,
        wire=agency,
        members=tuple(story_members),
        pairs=tuple(pairs[k] for k in sorted(pairs)),
    )
