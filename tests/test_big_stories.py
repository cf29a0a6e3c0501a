"""Big stories stay linear: near-identical copies are paired with one representative,
the sentence ledger summarises counterparts by sentence group, a pathological member
is capped (and says so), and a footer shared by hundreds of articles does not make
the copy tier verify every pair of them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dedup
from benchmarks import corpora
from dedup.config import ScanConfig
from dedup.copies import finder, pairing
from dedup.copies.lsh import MemoryBandIndex
from dedup.copies.pairing import Pair
from dedup.copies.sketch import Sketches
from dedup.report import serialise
from dedup.rewrites.verify import RewriteEvidence
from dedup.stories import sentence_groups
from dedup.stories.grouping import Followers, OriginHints, neighbours, stars

VOCABULARY = (
    "harbour council budget bridge mayor district school vote debate minister report company "
    "shares market profit growth analysts investors bank rates inflation workers union strike "
    "talks government election campaign police officers court judge hospital patients doctors "
    "weather storm flooding river residents village transport railway airport flights energy "
    "prices households winter supply contract ferry terminal cargo ships grain exports tariff"
).split()


def article(seed: int, sentences: int = 30) -> str:
    """A made-up article: ``sentences`` sentences of 8-12 words with a figure each."""
    rng = random.Random(seed)
    lines = []
    for _ in range(sentences):
        words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(7, 11)))
        lines.append(f"The {words} {rng.randint(10, 9999)}.")
    return "\n".join(lines)


def near_copies(count: int, seed: int = 1) -> list[dedup.Document]:
    """``count`` copies of one article, each after the first with one word changed."""
    rng = random.Random(seed)
    base = article(seed)
    docs = [dedup.Document("copy-0000", base, date="2024-05-01T08:00:00")]
    for i in range(1, count):
        words = base.split(" ")
        at = rng.randrange(1, len(words) - 1)
        words[at] = rng.choice(VOCABULARY)
        date = f"2024-05-01T{8 + i // 60:02d}:{i % 60:02d}:00"
        docs.append(dedup.Document(f"copy-{i:04d}", " ".join(words), date=date))
    return docs


def _json_bytes_per_member(result: dedup.ScanResult) -> float:
    [story] = result.stories
    return len(serialise.to_json(result).encode()) / len(story.members)


def test_json_bytes_per_member_do_not_grow_with_the_story() -> None:
    small = dedup.scan_documents(near_copies(10))
    large = dedup.scan_documents(near_copies(40))
    assert [len(s.members) for s in large.stories] == [40]
    assert _json_bytes_per_member(large) <= 1.5 * _json_bytes_per_member(small)


def test_near_identical_copies_pair_with_one_representative() -> None:
    docs = near_copies(30)
    result = dedup.scan_documents(docs, ScanConfig(ledger=False))
    [story] = result.stories
    assert story.origin == "copy-0000" and len(story.members) == 30
    assert len(result.pairs) == len(story.pairs) == 29  # not 30 * 29 / 2
    fingerprinter = dedup.Fingerprinter(ScanConfig())
    prints = {d.id: fingerprinter(d) for d in docs}
    for member in story.members:  # each relation is measured against the origin
        if member.pair is None:
            continue
        assert story.origin in (member.pair.a, member.pair.b)
        origin, other = prints[story.origin], prints[member.document]
        assert isinstance(origin, dedup.Fingerprint) and isinstance(other, dedup.Fingerprint)
        scores = pairing.score(origin, other, ScanConfig())
        assert (member.pair.jaccard, member.pair.relation) == (scores.jaccard, "copy")


def test_every_copy_shares_every_sentence_through_its_group() -> None:
    result = dedup.scan_documents(near_copies(12))
    [story] = result.stories
    assert story.ledger is not None
    for member in story.ledger.members:
        assert {s.status for s in member.sentences} == {"shared"}
        assert member.dropped == ()
        assert max(s.shared_with for s in member.sentences) == 11
    assert {g.members for g in story.ledger.groups} == {12}


def test_a_member_that_runs_out_of_comparisons_is_left_unaligned(
    monkeypatch: pytest.MonkeyPatch, validate: Any
) -> None:
    monkeypatch.setattr(sentence_groups, "MAX_COMPARISONS", 3)
    base = article(7)
    rewritten = "\n".join(
        " ".join(reversed(line.rstrip(".").split())) + "." for line in base.splitlines()
    )
    docs = [
        dedup.Document("a.txt", base + "\n" + base.upper(), date="2024-05-01"),
        dedup.Document("b.txt", base + "\n" + rewritten, date="2024-05-02"),
    ]
    result = dedup.scan_documents(docs)
    [story] = result.stories
    assert story.ledger is not None
    unaligned = [s for s in story.ledger.member("b.txt").sentences if s.status == "unaligned"]
    assert unaligned and story.ledger.unaligned == len(unaligned)
    report = validate(serialise.to_json(result))
    assert report["stories"][0]["unaligned_sentences"] == len(unaligned)


FOOTER = " ".join(
    ["About this newsletter: you receive it because you subscribed to our daily briefing."]
    + [
        f"Copyright notice clause {n} of the publisher's terms applies to this material."
        for n in range(9)
    ]
)


def footer_articles(count: int) -> Iterator[dedup.Document]:
    """Short different articles, each ending with the same long footer."""
    for i in range(count):
        yield dedup.Document(f"a{i:04d}.txt", article(1000 + i, sentences=8) + "\n" + FOOTER)


def test_a_shared_footer_does_not_make_every_pair_a_candidate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    verified = 0
    real = pairing.verify

    def counting(*args: Any) -> Pair | None:
        nonlocal verified
        verified += 1
        return real(*args)

    monkeypatch.setattr(finder, "verify", counting)
    monkeypatch.setattr(finder, "DENSE_BUCKET", 8)  # 300 articles stand for thousands
    docs = list(footer_articles(300))
    result = dedup.scan_documents(docs, ScanConfig(rewrites=False, ledger=False))
    assert result.stories == ()  # the footer was set aside: no story
    assert verified < 2 * len(docs)  # not every pair sharing a footer-filled LSH bucket


def test_dense_buckets_pair_their_first_document_only() -> None:
    index = MemoryBandIndex(1, 1, dense=3)
    for doc in range(5):
        index.add(doc, np.array([42], dtype=np.uint64))
    index.add(5, np.array([7], dtype=np.uint64))
    index.add(6, np.array([7], dtype=np.uint64))
    assert sorted(index.pairs()) == [(0, 1), (0, 2), (0, 3), (0, 4), (5, 6)]


def test_sketches_keep_what_could_qualify_and_drop_shared_footers() -> None:
    rng = np.random.default_rng(3)
    universe = rng.choice(2**31, size=4000, replace=False).astype(np.uint32)
    shared, a_own, b_own = universe[:100], universe[100:400], universe[400:700]
    excerpt = universe[1000:1100]
    sets = {
        "footer-a": np.sort(np.concatenate([shared, a_own])),  # Jaccard 100 / 700
        "footer-b": np.sort(np.concatenate([shared, b_own])),
        "long": np.sort(universe[1000:3000]),
        "excerpt": np.sort(excerpt),  # wholly inside "long": a near-copy by containment
    }
    minhasher = dedup.Fingerprinter(ScanConfig()).minhasher
    sketches = Sketches(len(sets), 128)
    for number, values in enumerate(sets.values()):
        sketches.set(number, minhasher.signature(values), len(values))
    pairs = np.array([[0, 1], [2, 3]], dtype=np.int64)
    estimate = sketches.jaccard(pairs)
    assert abs(estimate[0] - 100 / 700) < 0.1 and abs(estimate[1] - 100 / 2000) < 0.1
    assert sketches.plausible(pairs, estimate, ScanConfig()).tolist() == [False, True]


def _pair(a: str, b: str, relation: pairing.Relation = "copy") -> Pair:
    first, second = sorted((a, b))
    return Pair(first, second, 0.97, 0.98, relation)


def _hints(dates: dict[str, str | None], credited: frozenset[str] = frozenset()) -> OriginHints:
    return OriginHints(dates, credited.__contains__, lambda a, b: 1.0, lambda doc: "same")


VERSIONS = [_pair("A", "a1"), _pair("A", "a2"), _pair("A", "B", "near-copy"), _pair("B", "b1")]
LEADERS = {"a1": "A", "a2": "A", "b1": "B"}


def test_followers_join_their_leaders_story_with_their_own_relation() -> None:
    asked: list[tuple[str, str, str]] = []

    def relate(origin: str, doc: str, via: Pair) -> Pair:
        asked.append((origin, doc, via.relation))
        return _pair(origin, doc, "rewrite")

    hints = _hints({"A": "2024-05-01", "B": "2024-05-02"})
    [star] = stars(neighbours(VERSIONS), hints, Followers(LEADERS, relate))
    assert (star.origin, star.members) == ("A", ("A", "B", "a1", "a2", "b1"))
    assert asked == [("A", "b1", "near-copy")]  # its own followers pair with it already
    assert star.links["b1"].relation == "rewrite"


def test_a_follower_without_a_relation_of_its_own_is_never_left_out() -> None:
    # b1 is near-identical to B, which the origin A relates to: b1 is one version
    # with B, so it joins A's story with B's relation (it was dropped, a lone text)
    [star] = stars(neighbours(VERSIONS), _hints({"A": "2024-05-01"}), Followers(LEADERS))
    assert star.members == ("A", "B", "a1", "a2", "b1")
    assert (star.links["b1"].a, star.links["b1"].b, star.links["b1"].relation) == (
        "A",
        "b1",
        "near-copy",
    )


def test_the_origin_within_a_version_is_chosen_by_content_not_by_its_leader() -> None:
    # A leads its version (a1 and a2 are near-identical to it), all dated alike;
    # a1 credits the wire, so a1 is the origin, as it would be were all paired
    hints = _hints({"A": "2024-05-01", "a1": "2024-05-01", "a2": "2024-05-01"}, frozenset({"a1"}))
    [star] = stars(neighbours(VERSIONS), hints, Followers(LEADERS))
    assert star.origin == "a1" and star.members == ("A", "B", "a1", "a2", "b1")
    assert "credits the wire explicitly" in star.origin_reason
    assert set(star.links) == {"B", "a2", "b1"}  # A pairs with a1 in the graph
    assert all("a1" in (p.a, p.b) for p in star.links.values())


def test_within_a_version_the_text_holding_most_of_the_others_is_the_origin() -> None:
    # as when every text was paired with every other: A leads (its text hashes
    # lowest) but a1 holds more of A than A of a1
    hints = OriginHints(
        {}, lambda doc: False, lambda a, b: 0.99 if a == "a1" else 0.9, {"A": "0", "a1": "1"}.get
    )
    [star] = stars(neighbours([_pair("A", "a1")]), hints, Followers({"a1": "A"}))
    assert star.origin == "a1"
    assert "it holds 99% of what the story's other texts report" in star.origin_reason


def test_a_follower_inherits_its_leaders_evidence_turned_to_its_side() -> None:
    # Z leads B's version and is the rewrite of origin M; B sorts before M, Z after:
    # B's pair (B, M) carries Z's evidence with its sides swapped
    evidence = RewriteEvidence(0.3, 2, 0.5, ("name:x",), 0, (), (("of M", "of Z"),), True, "r")
    pairs = [replace(_pair("M", "Z", "rewrite"), rewrite=evidence), _pair("B", "Z")]
    hints = _hints({"M": "2024-05-01", "Z": "2024-05-02", "B": "2024-05-03"})
    [star] = stars(neighbours(pairs), hints, Followers({"B": "Z"}))
    link = star.links["B"]
    assert (star.origin, link.a, link.b, link.relation) == ("M", "B", "M", "rewrite")
    assert link.rewrite is not None and link.rewrite.examples == (("of Z", "of M"),)


def test_which_near_identical_copy_is_the_origin_does_not_depend_on_ids() -> None:
    # undated near-identical copies; one credits Reuters. Its id sorts last or first:
    # it is the origin either way (the group leader was the first id)
    docs = near_copies(6)
    credited = "LONDON (Reuters) - " + docs[3].text
    origins = []
    for name in ("zzz-credited", "aaa-credited"):
        undated = [dedup.Document(d.id, d.text) for d in docs if d.id != docs[3].id]
        undated.append(dedup.Document(name, credited))
        [story] = dedup.scan_documents(undated, ScanConfig(ledger=False)).stories
        assert len(story.members) == 6
        origins.append(story.origin)
    assert origins == ["zzz-credited", "aaa-credited"]


def test_the_ledger_bench_inputs_are_what_it_says(tmp_path: Path) -> None:
    from benchmarks import ledger_bench

    copies = ledger_bench.copies(5, tmp_path)
    long = ledger_bench.long_article(500, tmp_path)
    footer = ledger_bench.footer_articles(7, tmp_path)
    assert (copies.members, long.members, footer.members) == (5, 2, 7)
    rows = [line for line in footer.path.read_text().splitlines() if line]
    assert len(rows) == 7 and all(ledger_bench.FOOTER.split("\n")[0] in r for r in rows)


@pytest.mark.skipif(not corpora.available("reuters"), reason="Reuters-21578 not present")
def test_identical_texts_relate_to_the_origin_alike() -> None:
    # 3103 and 3122 are identical; the copy tier's LSH misses their pair with 3092
    # (Jaccard 0.29, containment 1.0) and the rewrite tier relates 3103 to it: 3122
    # takes 3103's relation, not a near-copy of its own
    docs = [d for d in corpora.reuters() if d.id in ("3092", "3103", "3122")]
    [story] = dedup.scan_documents(docs, ScanConfig(ledger=False)).stories
    relations = {m.document: m.relation for m in story.members}
    assert relations == {"3092": "origin", "3103": "rewrite", "3122": "rewrite"}
