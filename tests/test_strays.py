"""Strays: a verified article whose partners all went to earlier stars joins the story
holding most of them, through its pair with one (``dedup.stories.strays``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

import dedup
from benchmarks import corpora
from dedup.copies.pairing import Pair, Relation
from dedup.report.csv_table import csv_rows
from dedup.stories.grouping import OriginHints, neighbours, stars
from dedup.stories.strays import place

# A port strike told by a hub article; "member" retells its first five sentences and
# adds five of its own, which "stray" retells (and none of the hub's); two side
# articles each retell four other sentences of the hub. The hub relates to three
# articles, "member" to two: the hub is the origin, and "stray" relates to "member" only.
HUB = [
    "Dock workers at the port of Westport walked out on Monday after talks with the "
    "Harbour Board over pay collapsed late on Sunday night.",
    "The union said about 2,400 members had joined the strike, which halted loading at "
    "all nine container berths.",
    "Shipping lines began diverting vessels to Eastbay, where port officials said they "
    "could take only a handful of extra ships each day.",
    "The Harbour Board said it had offered a rise of 4.5 percent over two years, which "
    "the union called an insult given the cost of living.",
    "Exporters of grain and timber warned that a long stoppage would leave cargo rotting "
    "on the quays.",
    "Police said the picket lines outside the main gates of the Westport docks had "
    "remained peaceful throughout the first day.",
    "The regional government urged both sides to accept mediation and offered the "
    "services of a retired judge.",
    "Talks are not expected to resume before Thursday, a spokeswoman for the Harbour Board said.",
]
MEMBER_OWN = [
    "Westport's council leader said the stoppage at the docks was costing local "
    "businesses close to a million pounds a day.",
    "Hauliers parked hundreds of lorries along the ring road, and some drivers said they "
    "had been waiting since dawn.",
    "A ferry operator cancelled its evening sailings from Westport and offered passengers "
    "full refunds.",
    "The chamber of commerce called on ministers to intervene before the dispute spread "
    "to other ports.",
    "Union leaders said they would ballot members at two other harbours next week.",
]
STRAY_OWN = [
    "Shop owners near the Westport quays said trade had dropped sharply since the "
    "Harbour Board talks broke down.",
    "A local bakery that supplies the ferries said it had thrown away two days of bread.",
    "Residents complained that the queues of lorries had blocked school buses on the coast road.",
]
SIDE_A_OWN = [
    "Several hundred strikers gathered for a rally in the square outside the town hall at noon.",
    "Organisers said collections for a hardship fund had raised several thousand pounds "
    "by the afternoon.",
    "A retired docker addressed the crowd and recalled the long dispute of the nineteen eighties.",
]
SIDE_B_OWN = [
    "The dispute is the first full strike at the port in more than thirty years.",
    "Analysts said the Harbour Board's finances had been squeezed by falling coal shipments.",
    "The union's general secretary is due to travel to Westport on Wednesday to meet the "
    "negotiators.",
]
ARTICLES = {
    "hub": HUB,
    "member": HUB[:5] + MEMBER_OWN,
    "stray": MEMBER_OWN + STRAY_OWN,
    "side-a": [HUB[5], HUB[6], HUB[4], HUB[7], *SIDE_A_OWN],
    "side-b": [HUB[7], HUB[5], HUB[2], HUB[3], *SIDE_B_OWN],
}


@pytest.fixture(scope="module")
def result() -> dedup.ScanResult:
    docs = [dedup.Document(id=doc, text=" ".join(text)) for doc, text in ARTICLES.items()]
    return dedup.scan_documents(docs)


def test_a_retelling_of_a_member_joins_the_story_through_it(result: dedup.ScanResult) -> None:
    related = {(p.a, p.b) for p in result.pairs}
    assert ("hub", "stray") not in related and ("member", "stray") in related
    (story,) = result.stories
    assert story.origin == "hub"
    assert [m.document for m in story.members] == ["hub", "member", "side-a", "side-b", "stray"]
    stray = next(m for m in story.members if m.document == "stray")
    assert stray.via == "member" and stray.relation == "rewrite"
    assert stray.pair is not None and (stray.pair.a, stray.pair.b) == ("member", "stray")
    assert all(m.via is None for m in story.members if m.document != "stray")
    assert result.singletons == ()


def test_the_reports_name_the_member_a_stray_joined_through(
    result: dedup.ScanResult, validate: Callable[[str], dict[str, Any]]
) -> None:
    members = validate(dedup.to_json(result))["stories"][0]["members"]
    assert {m["document"]: m.get("via") for m in members} == {
        "hub": None,
        "member": None,
        "side-a": None,
        "side-b": None,
        "stray": "member",
    }
    rows = list(csv.DictReader(io.StringIO("".join(csv_rows(result)))))
    assert {r["document"]: r["via"] for r in rows}["stray"] == "member"
    assert {r["via"] for r in rows if r["document"] != "stray"} == {""}


def _pair(a: str, b: str, relation: Relation = "rewrite", jaccard: float = 0.0) -> Pair:
    first, second = sorted((a, b))
    return Pair(first, second, jaccard, 0.0, relation)


NO_HINTS = OriginHints({}, lambda doc: False, lambda a, b: 1.0, str)


def test_a_stray_joins_the_star_holding_most_of_its_partners() -> None:
    # h1's star takes a (the stray's strongest partner), h2's takes d and e: the stray
    # joins h2's story, through d (of d and e, alike, the lower text hash), and the two
    # stories stay apart
    pairs = [_pair("h1", x) for x in ("a", "b", "c", "x")] + [_pair("h2", x) for x in "def"]
    pairs += [_pair("s", "a", "near-copy", 0.9), _pair("s", "d"), _pair("s", "e")]
    found = stars(neighbours(pairs), NO_HINTS)
    assert [(s.origin, s.members) for s in found] == [
        ("h1", ("a", "b", "c", "h1", "x")),
        ("h2", ("d", "e", "f", "h2", "s")),
    ]
    assert found[1].via == {"s": "d"} and found[1].links["s"] == _pair("d", "s")
    assert found[0].via == {}


def test_a_chain_of_three_is_one_story_led_by_the_earliest() -> None:
    graph = neighbours([_pair("a", "b"), _pair("b", "c")])
    dates = {"a": "2024-05-01", "b": "2024-05-02", "c": "2024-05-03"}
    (star,) = stars(graph, OriginHints(dates, lambda doc: False, lambda a, b: 1.0, str))
    assert star.origin == "a" and star.members == ("a", "b", "c") and star.via == {"c": "b"}


def test_place_leaves_out_what_no_star_holds() -> None:
    graph = neighbours([_pair("s", "t"), _pair("s", "m")])
    placed = place({"s", "t"}, graph, {"m": 0}, str)
    assert set(placed) == {"s"} and placed["s"].via == "m" and placed["s"].star == 0


@pytest.mark.skipif(
    not corpora.available("clough_stevenson"), reason="Clough & Stevenson corpus not present"
)
def test_clough_answers_that_retell_a_member_join_their_originals_story() -> None:
    # four verified answers relate to members of their original's story, not to its
    # origin; none of the 38 non-derived answers is in any story
    files = corpora.clough_stevenson()
    result = dedup.scan_documents([dedup.Document(id=f.doc_id, text=f.text) for f in files])
    story = {m.document: s for s in result.stories for m in s.members}
    via = {m.document: m.via for s in result.stories for m in s.members if m.via}
    for answer in ("g0pD_taskc.txt", "g1pD_taska.txt", "g2pA_taskd.txt", "g4pD_taskb.txt"):
        original = f"orig_{answer.split('_')[1]}"
        assert story[answer] is story[original] and answer in via
    assert not any(f.doc_id in story for f in files if f.category == "non")
