"""Band index, verification, grouping and the scan pipeline's invariants."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
from dedup.config import ScanConfig
from dedup.copies import cluster, pairing
from dedup.copies.lsh import MemoryBandIndex, band_keys

WORDS = (
    "minister port strike union wages talks harbour cargo ships delayed company offer rejected "
    "government mediator week weekend vote members container terminal exports grain coal losses "
    "shipping line said would statement spokesman added million dollars percent rise fall"
).split()


def article(seed: int, length: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(length)) + "."


def test_band_keys_are_equal_exactly_where_bands_are() -> None:
    sig = np.arange(128, dtype=np.uint32)
    other = sig.copy()
    other[6] += 1  # value 6 lies in band 1 of 32 bands x 4 rows
    keys, other_keys = band_keys(sig, 32, 4), band_keys(other, 32, 4)
    assert (keys != other_keys).tolist() == [False, True] + [False] * 30
    assert len(set(keys.tolist())) == 32  # the band number is mixed in


def test_memory_band_index_pairs_and_query() -> None:
    index = MemoryBandIndex(4, 2)
    base = np.array([1, 2, 3, 4], dtype=np.uint64)
    index.add(0, base)
    index.add(1, np.array([9, 9, 3, 9], dtype=np.uint64))
    index.add(2, np.array([5, 6, 7, 8], dtype=np.uint64))
    index.add(3, base)
    assert sorted(index.pairs()) == [(0, 1), (0, 3), (1, 3)]
    assert index.query(np.array([0, 0, 7, 0], dtype=np.uint64)) == {2}
    with pytest.raises(ValueError, match="expected 4 band keys"):
        index.add(4, base[:2])


def test_oversized_buckets_are_counted_not_paired() -> None:
    index = MemoryBandIndex(1, 1, max_bucket=3)
    for doc in range(5):
        index.add(doc, np.array([42], dtype=np.uint64))
    assert list(index.pairs()) == []
    assert index.oversized_buckets == 1


def test_classify_relations_by_thresholds() -> None:
    config = ScanConfig()
    assert pairing.classify(0.95, 0.97, config) == "copy"
    assert pairing.classify(0.6, 0.7, config) == "near-copy"
    assert pairing.classify(0.3, 0.85, config) == "near-copy"
    assert pairing.classify(0.3, 0.5, config) is None


def test_jaccard_and_containment_are_exact() -> None:
    a = np.array([1, 2, 3, 4], dtype=np.uint32)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint32)
    assert pairing.jaccard_and_containment(a, b) == (2 / 8, 2 / 4)


def test_union_find_groups_and_stable_ids() -> None:
    groups = cluster.group([("b", "c"), ("x", "y"), ("a", "b")])
    assert groups == [["a", "b", "c"], ["x", "y"]]
    assert cluster.story_id(["c", "a", "b"]) == cluster.story_id(["a", "b", "c"])
    assert cluster.story_id(["a", "b"]) != cluster.story_id(["a", "c"])


def _docs() -> list[dedup.Document]:
    base = article(1, 200)
    words = base.split()
    edited = " ".join([*words[:150], "extra", "sentence", "added", "here", *words[150:]])
    return [
        dedup.Document("orig", base),
        dedup.Document("copy", base),
        dedup.Document("edit", edited),
        dedup.Document("other", article(2, 200)),
        dedup.Document("third", article(3, 200)),
    ]


def test_scan_groups_copies_and_edits_only() -> None:
    result = dedup.scan_documents(_docs())
    assert [[m.document for m in s.members] for s in result.stories] == [["copy", "edit", "orig"]]
    relations = {(p.a, p.b): p.relation for p in result.pairs}
    assert relations[("copy", "orig")] == "copy"
    # identical texts share one representative (the first id), which the edit pairs with
    assert relations[("copy", "edit")] in {"copy", "near-copy"}
    assert result.singletons == ("other", "third")


@settings(max_examples=15, deadline=None)
@given(order=st.permutations(range(5)))
def test_results_do_not_depend_on_input_order(order: list[int]) -> None:
    docs = _docs()
    expected = dedup.to_json(dedup.scan_documents(docs))
    assert dedup.to_json(dedup.scan_documents([docs[i] for i in order])) == expected


@settings(max_examples=25, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=0, max_size=4))
def test_empty_and_tiny_articles_are_never_grouped(words: list[str]) -> None:
    text = " ".join(words)
    docs = [dedup.Document(f"d{i}", text) for i in range(3)] + [dedup.Document("x", "   ")]
    result = dedup.scan_documents(docs)
    assert result.stories == ()
    assert result.pairs == ()
    assert {t.doc_id for t in result.too_short} == {"d0", "d1", "d2", "x"}


def test_character_shingles_group_near_copies_in_scripts_without_spaces() -> None:
    base = "俄罗斯军人进驻尼日尔一处美军驻扎的空军基地路透社援引美国官员的话报道说双方没有接触" * 2
    edited = base.replace("报道说", "报道称")
    docs = [dedup.Document("zh-1", base), dedup.Document("zh-2", edited)]
    char = dedup.scan_documents(docs, ScanConfig(shingle="char", shingle_size=4))
    assert [[m.document for m in s.members] for s in char.stories] == [["zh-1", "zh-2"]]
    assert char.pairs[0].relation in {"copy", "near-copy"}
