"""Versions before stories: copies of one text never land in different stories, and a
roundup that holds several unrelated stories bridges none of them."""

from __future__ import annotations

import dedup
from dedup.config import ScanConfig
from dedup.copies.pairing import Pair
from dedup.stories import versions

LIMITS = ScanConfig()


def _pair(a: str, b: str, jaccard: float, containment: float, relation: str) -> Pair:
    return Pair(a, b, jaccard, containment, relation)  # type: ignore[arg-type]


def test_copies_form_one_version() -> None:
    pairs = [_pair("a", "b", 0.95, 0.97, "copy"), _pair("b", "c", 0.6, 0.7, "near-copy")]
    found = versions.versions(pairs, LIMITS, {"a": 100, "b": 100, "c": 90})
    assert found.version("a") == found.version("c") == ("a", "b", "c")
    assert found.version("z") == ("z",)
    assert not found.roundups


def test_a_roundup_of_unrelated_texts_is_set_aside() -> None:
    pairs = [
        _pair("digest", "x", 0.2, 0.95, "near-copy"),
        _pair("digest", "y", 0.2, 0.9, "near-copy"),
    ]
    tokens = {"digest": 600, "x": 150, "y": 150}
    found = versions.versions(pairs, LIMITS, tokens)
    assert found.roundups == {"digest"}
    assert found.version("x") == ("x",) and found.version("y") == ("y",)
    assert all(versions.bridges(p, found.roundups, LIMITS) for p in pairs)


def test_a_longer_version_holding_two_related_trims_is_no_roundup() -> None:
    pairs = [
        _pair("long", "trim1", 0.45, 0.95, "near-copy"),
        _pair("long", "trim2", 0.4, 0.9, "near-copy"),
        _pair("trim1", "trim2", 0.8, 0.9, "near-copy"),
    ]
    found = versions.versions(pairs, LIMITS, {"long": 600, "trim1": 300, "trim2": 250})
    assert not found.roundups
    assert found.version("long") == ("long", "trim1", "trim2")


def _paragraph(seed: int) -> str:
    words = [f"w{seed}x{k}" for k in range(80)]
    return " ".join(words) + "."


def test_scan_keeps_a_roundups_stories_apart() -> None:
    one, two = _paragraph(1), _paragraph(2)
    docs = [
        dedup.Document("story-one", one),
        dedup.Document("story-two", two),
        dedup.Document("digest", f"{one}\n\n{two}\n\n{_paragraph(3)}"),
    ]
    result = dedup.scan_documents(docs)
    grouped = [{m.document for m in s.members} for s in result.stories]
    assert not any({"story-one", "story-two"} <= g for g in grouped)
    assert any("digest" in (p.a, p.b) for p in result.pairs)  # listed, bridging nothing


def test_stars_take_whole_versions() -> None:
    from dedup.stories import grouping

    pairs = [
        _pair("b1", "origin", 0.1, 0.2, "rewrite"),
        _pair("b1", "b2", 0.95, 0.97, "copy"),
        _pair("b2", "x", 0.1, 0.2, "rewrite"),
    ]
    dates = {"origin": "2024-01-01", "b1": "2024-01-02", "b2": "2024-01-03", "x": "2024-01-04"}
    hints = grouping.OriginHints(
        dates=dates, credited=lambda d: False, coverage=lambda a, b: 0.0, text_hash=lambda d: d
    )
    graph = grouping.neighbours(pairs)
    tokens = dict.fromkeys(dates, 100)
    found = grouping.stars(graph, hints, versions=versions.versions(pairs, LIMITS, tokens))
    # x, left with no partner once the origin's star took b2, joins it through b2
    assert [s.members for s in found] == [("b1", "b2", "origin", "x")]
    assert found[0].via == {"x": "b2"}
    without = grouping.stars(graph, hints)  # stars of documents split the two copies
    assert [s.members for s in without] == [("b1", "origin"), ("b2", "x")]
    assert found[0].links["b2"].relation == "copy"  # joined by its copy of b1


def test_trims_of_one_long_article_on_one_subject_are_no_roundup() -> None:
    pairs = [
        _pair("source", "part1", 0.2, 0.95, "near-copy"),
        _pair("source", "part2", 0.2, 0.9, "near-copy"),
    ]
    tokens = {"source": 600, "part1": 150, "part2": 150}
    unrelated = versions.versions(pairs, LIMITS, tokens)
    assert unrelated.roundups == {"source"}
    same_subject = versions.versions(pairs, LIMITS, tokens, alike=lambda a, b: True)
    assert not same_subject.roundups
    assert same_subject.version("part1") == ("part1", "part2", "source")
