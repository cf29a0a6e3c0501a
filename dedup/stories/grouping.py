"""Stories from verified pairs, without chaining: each story is a star around its
origin, and every member relates to the origin directly.

Connected pieces of the pair graph are cut into stars: pick the origin (earliest
date; else among the members relating directly to the most others, one with an
explicit wire credit if there is one, holding most of its partners' content; a tie
left goes to the lowest hash of the text, never to the name), take it with its direct
neighbours, and repeat on what is left. Stars are never merged, so two different
stories bridged by one article stay apart. An article whose partners all went to
earlier stars (a retelling of a member, not of the origin) joins the star holding
most of them, through its pair with one (``strays``), rather than no story at all.

Identical and near-identical texts are paired with their group's leader only
(``copies.finder``): a group is one version of the story, and it is never split.
Origins are chosen among the leaders, each standing for its version (credited when
any of its texts credits the wire), then within the chosen version by the same
rules (date, wire credit, content held, text hash). A version's texts join the star
of any leader that does, each related to the origin by ``Followers.relate``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from dedup.copies.cluster import UnionFind, story_id
from dedup.copies.pairing import RELATION_STRENGTH, Pair
from dedup.stories import strays
from dedup.stories.results import Member, Story, StoryMember
from dedup.stories.versions import Versions
from dedup.text import wire
from dedup.text.dates import parse_date
from dedup.text.wire import WireEvidence


@dataclass(frozen=True, slots=True)
class Star:
    """An origin and its members (origin included), with why the origin was chosen;
    ``links`` holds each member's pair that the pair graph does not hold with the
    origin: the pair with the origin, or a stray's with the member in ``via``."""

    origin: str
    members: tuple[str, ...]
    origin_reason: str
    links: Mapping[str, Pair] = field(default_factory=dict)
    via: Mapping[str, str] = field(default_factory=dict)
    """Each stray's member it joined through (``strays``)."""


def inherit(origin: str, doc: str, via: Pair) -> Pair:
    """``doc``'s pair with ``origin``: the relation, scores and evidence of ``via``,
    the pair that joins their versions (turned as ``doc`` and ``origin`` are)."""
    a, b = sorted((origin, doc))
    return replace(via, a=a, b=b)


@dataclass(frozen=True)
class Followers:
    """Texts that follow a group leader (``leaders``: text -> its leader), and how a
    text the pair graph does not link to the origin relates to it: ``relate(origin,
    doc, via)``, where ``via`` is the pair joining their versions, gives its pair."""

    leaders: Mapping[str, str] = field(default_factory=dict)
    relate: Callable[[str, str, Pair], Pair] = inherit

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


def _strength(pair: Pair) -> tuple[int, float, str, str]:
    return RELATION_STRENGTH[pair.relation], pair.jaccard, pair.a, pair.b


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
    graph: Mapping[str, Mapping[str, Pair]],
    hints: OriginHints,
    followers: Followers | None = None,
    versions: Versions | None = None,
) -> list[Star]:
    """Cut every connected piece of ``graph`` into stars around chosen origins; a star
    takes whole ``versions`` (the copies and near-copies of its members' texts)."""
    follow = followers or Followers()
    uf = UnionFind()
    for doc, partners in graph.items():
        for other in partners:
            uf.union(doc, other)
    cut = _Cutter(graph, hints, follow, versions or Versions({}, frozenset()))
    found: list[Star] = []
    for component in uf.groups():
        remaining = set(component)
        piece: list[Star] = []
        while len(remaining) >= 2:
            star = cut.next_star(remaining)
            if star is None:
                break
            piece.append(star)
            remaining -= set(star.members)
        found += _with_strays(piece, remaining, graph, hints.text_hash)
    return sorted(found, key=lambda s: s.members[0])


def _with_strays(
    piece: list[Star],
    left: set[str],
    graph: Mapping[str, Mapping[str, Pair]],
    text_hash: Callable[[str], str],
) -> list[Star]:
    """The stars of one connected piece, each with the strays (of ``left``, the
    texts no star took) that ``strays.place`` gives it."""
    star_of = {doc: k for k, star in enumerate(piece) for doc in star.members}
    joining: dict[int, dict[str, strays.Placed]] = {}
    for doc, placed in strays.place(left, graph, star_of, text_hash).items():
        joining.setdefault(placed.star, {})[doc] = placed
    return [
        replace(
            star,
            members=tuple(sorted({*star.members, *joined})),
            links={**star.links, **{doc: p.pair for doc, p in joined.items()}},
            via={**star.via, **{doc: p.via for doc, p in joined.items()}},
        )
        if (joined := joining.get(k))
        else star
        for k, star in enumerate(piece)
    ]


class _Cutter:
    """Stars one at a time out of what is left of a connected piece."""

    def __init__(
        self,
        graph: Mapping[str, Mapping[str, Pair]],
        hints: OriginHints,
        follow: Followers,
        whole: Versions,
    ) -> None:
        self.graph, self.hints, self.follow, self.whole = graph, hints, follow, whole
        self.followers = follow.of()

    def next_star(self, remaining: set[str]) -> Star | None:
        """The star of the origin chosen among the texts that lead (or whose leader
        is gone), with its partners, the leaders' followers among them and its own."""
        leaders = self.follow.leaders
        heads = [d for d in remaining if leaders.get(d) not in remaining]
        partners = {d: self._partners(d, remaining) for d in heads}
        linked = sorted(d for d in heads if partners[d])
        if not linked:
            return None
        versions = {d: self._version(d, remaining) for d in linked}
        credited = replace(
            self.hints, credited=lambda d: any(map(self.hints.credited, versions[d]))
        )
        head, reason = _choose_origin(linked, partners, credited)
        others = [p for p in partners[head] if p not in versions[head] and p not in leaders]
        origin, why = _within_version(head, versions[head], others, self.hints)
        links: dict[str, Pair] = {}
        for doc in [head, *partners[head]]:
            if doc != origin and doc not in self.graph[origin]:
                links[doc] = self.follow.relate(origin, doc, self._via(head, origin, doc))
        members = self._whole_versions({head, *partners[head]}, remaining, links)
        return Star(origin, tuple(sorted(members)), reason + why, links)

    def _whole_versions(
        self, members: set[str], remaining: set[str], links: dict[str, Pair]
    ) -> set[str]:
        """``members`` with the rest of their versions: each text joins by its strongest
        pair with a text already in, so that no story splits the copies of one text."""
        wanted = {d for m in members for d in self.whole.version(m) if d in remaining}
        grown = set(members)
        while True:
            joining = {
                doc: max(pairs, key=_strength)
                for doc in sorted(wanted - grown)
                if (pairs := [p for o, p in self.graph.get(doc, {}).items() if o in grown])
            }
            if not joining:
                return grown
            links.update(joining)
            grown |= set(joining)

    def _version(self, head: str, remaining: set[str]) -> list[str]:
        """``head`` and the texts in ``remaining`` that follow it."""
        return [head, *(f for f in self.followers.get(head, ()) if f in remaining)]

    def _via(self, head: str, origin: str, doc: str) -> Pair:
        """The pair that joins ``doc``'s version to ``origin``'s (both in ``head``'s
        star): ``head``'s pair with the origin when ``doc`` is ``head``, else with
        ``doc`` or, when ``doc`` follows another leader, with that leader; turned so
        that its side standing for ``doc`` is the one ``doc`` takes beside ``origin``."""
        direct = self.graph[head]
        if doc == head:
            via, stand_in = direct[origin], head
        else:
            stand_in = doc if doc in direct else self.follow.leaders[doc]
            via = direct[stand_in]
        if (via.a == stand_in) == (doc < origin):
            return via
        rewrite = via.rewrite.swapped() if via.rewrite is not None else None
        return replace(via, a=via.b, b=via.a, rewrite=rewrite)

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


VERSION_SAMPLE = 16
"""Texts of a version that its texts' content is weighed against (all, in versions
this small or smaller; in larger ones, those whose texts hash lowest)."""


def _within_version(
    head: str, version: list[str], others: list[str], hints: OriginHints
) -> tuple[str, str]:
    """The origin among the texts of ``head``'s version (``head``, its leader, is the
    earliest): of those dated alike, one crediting the wire, holding most of what the
    story's other texts report on average (the other versions' leaders, ``others``,
    and up to ``VERSION_SAMPLE`` of its own version), then the lowest hash of the
    text; and why, to add to the version's reason ('' when it stands alone)."""
    when = parse_date(hints.dates.get(head))
    alike = [d for d in version if parse_date(hints.dates.get(d)) == when]
    if len(alike) < 2:
        return head, ""
    credited = [d for d in alike if hints.credited(d)]
    pool = credited or alike
    sample = version
    if len(version) > VERSION_SAMPLE + 1:  # the first by content, never by name
        sample = sorted(version, key=lambda d: (hints.text_hash(d), d))[: VERSION_SAMPLE + 1]
    held = {d: _mean_coverage(d, [*others, *sample], hints) for d in pool}
    best = max(held.values())
    doc, tie = _break_tie([d for d in pool if held[d] == best], hints)
    rules = ["credits the wire explicitly"] if credited else []
    rules.append(f"holds {best:.0%} of what the story's other texts report")
    said = " and ".join(rules)
    return (
        doc,
        f"; of the {len(alike)} near-identical texts of its version dated alike, it {said}{tie}",
    )


def _mean_coverage(doc: str, texts: list[str], hints: OriginHints) -> float:
    """How much of ``texts`` (``doc`` left out) ``doc`` holds on average, rounded."""
    found = [hints.coverage(doc, other) for other in texts if other != doc]
    return round(math.fsum(found) / len(found), 6) if found else 0.0


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
                via=star.via.get(doc),
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
