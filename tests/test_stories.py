"""Stories: the seeds as one Reuters story, stars without chaining, origins, wire."""

from __future__ import annotations

from pathlib import Path

import pytest

import dedup
from dedup.copies.pairing import Pair
from dedup.stories.grouping import OriginHints, neighbours, stars, story_wire
from dedup.text.dates import parse_date
from dedup.text.wire import WireEvidence

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seeds_result() -> dedup.ScanResult:
    return dedup.scan([str(SEEDS)])


def test_seeds_are_one_reuters_story(seeds_result: dedup.ScanResult) -> None:
    (story,) = seeds_result.stories
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert [m.document for m in story.members] == names
    assert story.wire == "Reuters"
    relations = {m.document: m.relation for m in story.members}
    assert relations[story.origin] == "origin"
    assert set(relations.values()) == {"origin", "rewrite"}


def test_seed_wire_is_explicit_for_three_and_inferred_for_two(
    seeds_result: dedup.ScanResult,
) -> None:
    (story,) = seeds_result.stories
    explicit = {m.document[:3] for m in story.members if not m.wire_inferred_from}
    assert explicit == {"000", "003", "004"}
    crediting = tuple(sorted(m.document for m in story.members if m.document[:3] in explicit))
    for member in story.members:
        if member.document[:3] in {"001", "002"}:
            assert member.wire_inferred_from == crediting
            assert member.wire_evidence == ()
    agencies_003 = {
        e.agency for m in story.members if m.document[:3] == "003" for e in m.wire_evidence
    }
    assert agencies_003 == {"Reuters", "AP"}


def test_every_rewrite_carries_its_evidence(seeds_result: dedup.ScanResult) -> None:
    (story,) = seeds_result.stories
    for member in story.members:
        if member.relation == "origin":
            continue
        assert member.pair is not None and member.pair.rewrite is not None
        evidence = member.pair.rewrite
        assert evidence.verdict and evidence.reason
        assert evidence.shared_facts or evidence.aligned >= 2
        assert story.origin in (member.pair.a, member.pair.b)


def test_seed_chrome_never_counts_as_evidence(seeds_result: dedup.ScanResult) -> None:
    (story,) = seeds_result.stories
    texts = [
        text
        for pair in story.pairs
        if pair.rewrite is not None
        for example in pair.rewrite.examples
        for text in example
    ]
    assert texts
    for chrome in ("Listen to article", "cookies", "Exit mobile version", "elementor", "Copyright"):
        assert not any(chrome in text for text in texts)


def _pair(a: str, b: str) -> Pair:
    first, second = sorted((a, b))
    return Pair(first, second, 0.0, 0.0, "rewrite")


def test_stars_do_not_chain_through_a_bridge() -> None:
    graph = neighbours([_pair("a", "b"), _pair("b", "c"), _pair("c", "d")])
    dates = {"a": "2024-05-01", "b": "2024-05-02", "c": "2024-05-03", "d": "2024-05-04"}
    found = stars(graph, OriginHints(dates, lambda doc: False, lambda a, b: 1.0, str))
    assert [(s.origin, s.members) for s in found] == [("a", ("a", "b")), ("c", ("c", "d"))]
    assert found[0].origin_reason.startswith("earliest date")


def test_origin_without_dates_prefers_an_explicit_wire_credit() -> None:
    # everyone relates to everyone: the member crediting the wire is the origin
    names = ("a", "credit", "z")
    graph = neighbours([_pair(x, y) for x in names for y in names if x < y])
    found = stars(graph, OriginHints({}, lambda doc: doc == "credit", lambda a, b: 1.0, str))
    assert found[0].origin == "credit" and found[0].members == names
    assert "credits the wire" in found[0].origin_reason


def test_a_credit_does_not_cost_the_story_a_member() -> None:
    # the credited member relates to fewer members than the hub: taking it as the
    # origin would leave x and y out, so the hub is the origin
    graph = neighbours([_pair("hub", "x"), _pair("hub", "y"), _pair("credit", "hub")])
    found = stars(graph, OriginHints({}, lambda doc: doc == "credit", lambda a, b: 1.0, str))
    assert [(s.origin, s.members) for s in found] == [("hub", ("credit", "hub", "x", "y"))]


def test_origin_without_dates_or_credits_holds_most_of_the_others() -> None:
    graph = neighbours([_pair("hub", "x"), _pair("hub", "y"), _pair("hub", "z")])
    (star,) = stars(graph, OriginHints({}, lambda doc: False, lambda a, b: 1.0, str))
    assert star.origin == "hub" and star.members == ("hub", "x", "y", "z")


def test_between_equally_connected_members_the_one_holding_most_is_origin() -> None:
    # src and a both relate to three others; src holds all of what they report
    pairs = [_pair("src", x) for x in "abc"] + [_pair("a", x) for x in "bc"]
    holds = {("src", x): 1.0 for x in "abc"}
    hints = OriginHints({}, lambda doc: False, lambda h, o: holds.get((h, o), 0.3), str)
    found = stars(neighbours(pairs), hints)
    assert found[0].origin == "src"
    assert found[0].members == ("a", "b", "c", "src")


def test_story_wire_is_the_agency_most_members_credit() -> None:
    evidence = {
        "a": (WireEvidence("AP", "x (AP) -", "byline"),),
        "b": (WireEvidence("Reuters", "told Reuters", "attribution"),),
        "c": (WireEvidence("Reuters", "(Reuters) -", "byline"),),
        "d": (),
    }
    assert story_wire(evidence) == "Reuters"
    assert story_wire({"d": ()}) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-03", "2024-05-03T00:00:00"),
        ("2024-05-03T10:15:00Z", "2024-05-03T10:15:00"),
        ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01.790000"),
        ("3 May 2024", "2024-05-03T00:00:00"),
        ("31-MAR-1987 605:12:19.12", "1987-03-31T00:00:00"),  # a garbled time: the day
        ("9-APR-1987 00:00:00.00    # date added as guesswork", "1987-04-09T00:00:00"),
        ("sometime", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, expected: str | None) -> None:
    parsed = parse_date(text)
    assert (parsed.isoformat() if parsed else None) == expected
