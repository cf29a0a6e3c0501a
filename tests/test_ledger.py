"""The sentence ledger: what each member of a story shares, adds and drops, and the
facts the members state differently, on the seeds and on small made-up stories."""

from __future__ import annotations

from pathlib import Path

import pytest

import dedup
from dedup.rewrites.match import SentenceMatcher
from dedup.stories.ledger import LedgerSentence, MemberLedger, StoryLedger
from dedup.stories.sentence_groups import Placement, SentenceGroups
from dedup.stories.story_terms import StoryTerms
from dedup.text.sentences import Sentence

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seeds_ledger() -> StoryLedger:
    result = dedup.scan([str(SEEDS)])
    assert len(result.stories) == 1
    ledger = result.stories[0].ledger
    assert ledger is not None
    return ledger


def _member(ledger: StoryLedger, prefix: str) -> MemberLedger:
    return next(m for m in ledger.members if Path(m.document).name.startswith(prefix))


def _status(member: MemberLedger, words: str) -> set[str]:
    """Statuses of the member's sentences containing ``words``."""
    found = {s.status for s in member.sentences if words in s.text}
    assert found, f"no sentence with {words!r} in {member.document}"
    return found


def test_facts_only_one_copy_carries_are_divergent(seeds_ledger: StoryLedger) -> None:
    assert _status(_member(seeds_ledger, "003"), "sixty Russian soldiers") == {"divergent"}
    assert _status(_member(seeds_ledger, "001"), "Dmitry Peskov") == {"divergent"}


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("000", "separate hangar"),
        ("002", "separate hangar"),
        ("004", "separate hangar"),
        ("001", "more than 1,000"),
        ("002", "nearly 1,000"),
        ("004", "approximately 1,000"),
        ("000", "about 1,000"),
        ("003", "around a thousand soldiers"),
        ("003", "have taken up residence at a base in Niamey"),  # the lede, translated
        ("004", "are staying at an air base in Niger"),
        ("001", "Air Base 101"),
        ("002", "Airbase 101"),
    ],
)
def test_facts_the_copies_repeat_are_shared(
    seeds_ledger: StoryLedger, prefix: str, words: str
) -> None:
    assert _status(_member(seeds_ledger, prefix), words) == {"shared"}


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("000", "consent to the use of cookies"),
        ("001", "Listen to article"),
        ("003", "Exit mobile version"),
        ("004", "elementor-panel-state-loading"),
        ("004", "All rights reserved"),
    ],
)
def test_site_chrome_is_boilerplate(seeds_ledger: StoryLedger, prefix: str, words: str) -> None:
    assert _status(_member(seeds_ledger, prefix), words) == {"boilerplate"}


def test_troop_count_wordings_and_airport_spellings_are_fact_divergences(
    seeds_ledger: StoryLedger,
) -> None:
    wordings = [{v.text for v in d.values} for d in seeds_ledger.fact_divergences]
    assert any({"more than 1,000", "nearly 1,000", "around a thousand"} <= w for w in wordings)
    assert any(any("Hamani" in t for t in w) and any("Hammani" in t for t in w) for w in wordings)
    for record in seeds_ledger.fact_divergences:  # each value points at its sentence
        for value in record.values:
            sentence = seeds_ledger.member(value.document).sentences[value.index]
            assert value.text in sentence.text


def test_sentence_groups_summarise_the_counterparts(seeds_ledger: StoryLedger) -> None:
    groups = {g.id: g for g in seeds_ledger.groups}
    holders: dict[int, set[str]] = {}
    for member in seeds_ledger.members:
        for sentence in member.sentences:
            if sentence.group is None:
                assert sentence.status != "shared" and sentence.shared_with == 0
                continue
            assert sentence.status == "shared"
            assert sentence.shared_with == groups[sentence.group].members - 1 >= 1
            holders.setdefault(sentence.group, set()).add(member.document)
    assert set(holders) == set(groups)
    for group in groups.values():  # the opener belongs to its group, unmatched
        opener = seeds_ledger.member(group.document).sentences[group.index]
        assert (opener.group, opener.kind, opener.score) == (group.id, None, None)
        assert len(holders[group.id]) <= group.members <= len(seeds_ledger.members)


BASE = [
    "The city council approved a budget of 45 million dollars for the new harbour bridge.",
    "Mayor Ellen Okafor said construction would begin in the spring of next year.",
    "Opponents argued that the Fenwick district needed a new school more urgently.",
    "The vote passed by seven votes to four after a debate lasting six hours.",
]


def test_a_copy_that_adds_and_drops_a_sentence() -> None:
    extra = "A spokesman for the harbour authority welcomed the decision on Tuesday evening."
    origin = dedup.Document("a-origin.txt", "\n".join(BASE), date="2024-05-01")
    copy = dedup.Document("b-copy.txt", "\n".join([*BASE[:3], extra]), date="2024-05-02")
    [story] = dedup.scan_documents([origin, copy]).stories
    assert story.origin == "a-origin.txt" and story.ledger is not None
    ledger_copy = story.ledger.member("b-copy.txt")
    assert [s.status for s in ledger_copy.sentences] == ["shared"] * 3 + ["divergent"]
    assert ledger_copy.dropped == (3,)  # the vote sentence of the origin
    assert story.ledger.member("a-origin.txt").dropped == ()
    first = ledger_copy.sentences[0]
    assert (first.kind, first.score, first.shared_with) == ("verbatim", 1.0, 1)
    [group] = [g for g in story.ledger.groups if g.id == first.group]
    assert (group.document, group.index, group.members) == ("a-origin.txt", 0, 2)


def test_a_changed_figure_is_a_fact_divergence() -> None:
    changed = [BASE[0].replace("45 million", "more than 45 million"), *BASE[1:]]
    docs = [dedup.Document("a.txt", "\n".join(BASE)), dedup.Document("b.txt", "\n".join(changed))]
    [story] = dedup.scan_documents(docs).stories
    assert story.ledger is not None
    [record] = story.ledger.fact_divergences
    assert record.kind == "number"
    assert {(v.document, v.index) for v in record.values} == {("a.txt", 0), ("b.txt", 0)}
    assert {v.text for v in record.values} == {"45 million dollars", "more than 45 million dollars"}


def test_the_ledger_can_be_switched_off() -> None:
    docs = [dedup.Document("a.txt", "\n".join(BASE)), dedup.Document("b.txt", "\n".join(BASE))]
    [story] = dedup.scan_documents(docs, dedup.ScanConfig(ledger=False)).stories
    assert story.ledger is None


def test_a_sentence_sharing_a_number_but_not_its_meaning_is_divergent(
    seeds_ledger: StoryLedger,
) -> None:
    """004's "how many of the 101 U.S. troops remained" shares "101" and "troops" with
    the Airbase 101 sentences, but their embeddings say it means something else."""
    (member,) = [m for m in seeds_ledger.members if m.document.startswith("004_")]
    (sentence,) = [s for s in member.sentences if "how many of the 101 U.S. troops" in s.text]
    assert sentence.status == "divergent" and sentence.group is None


def _sentence(member: MemberLedger, words: str) -> LedgerSentence:
    (sentence,) = [s for s in member.sentences if words in s.text]
    return sentence


def test_a_sentence_matching_two_sentences_of_one_member_shares_only_the_best(
    seeds_ledger: StoryLedger,
) -> None:
    """000's "The fate of US facilities in Niger ... was even more in question" retells
    002's "raises uncertainties about the future of US installations"; it also scores
    above the alignment threshold against 002's "no definitive decisions have been
    made" (0.338), which no other member says, but shares no more of its words with it
    than one ("troops"): that one stays divergent."""
    fate = _sentence(_member(seeds_ledger, "000"), "The fate of US facilities")
    installations = _sentence(_member(seeds_ledger, "002"), "future of US installations")
    assert fate.status == installations.status == "shared"
    assert fate.group == installations.group is not None
    undecided = _sentence(_member(seeds_ledger, "002"), "no definitive decisions")
    assert undecided.status == "divergent" and undecided.group is None


def test_sentences_retelling_one_clause_of_each_other_are_shared(
    seeds_ledger: StoryLedger,
) -> None:
    """003: "Washington agreed ... and announced that it was sending a delegation to
    Niamey ..."; 004: "A delegation was sent to Niger last week ..., including ...":
    one clause each says the same."""
    sending = _sentence(_member(seeds_ledger, "003"), "sending a delegation to Niamey")
    sent = _sentence(_member(seeds_ledger, "004"), "A delegation was sent to Niger")
    assert sending.status == sent.status == "shared"
    assert sending.group == sent.group is not None
    assert sent.kind == "paraphrase" and sent.score is not None


FATE = (
    "The fate of US facilities in Niger after the withdrawal of troops was even more in question."
)
INSTALLATIONS = (
    "It also raises uncertainties about the future of US installations in Niger post-withdrawal."
)
UNDECIDED = (
    "However, no definitive decisions have been made regarding the future presence of US "
    "troops in Niger."
)
SENDING = (
    "Washington agreed in mid-April to withdraw its soldiers from the country and announced "
    "that it was sending a delegation to Niamey to agree on the details of this withdrawal."
)
SENT = (
    "A delegation was sent to Niger last week to coordinate an orderly withdrawal, including "
    "U.S. Ambassador to Niger Kathleen Fitzgibbon and Maj. Gen. Kenneth Ekman."
)


def _groups(
    members: dict[str, list[str]],
) -> tuple[SentenceGroups, dict[str, dict[int, Placement | None]]]:
    """Members' sentences placed in order, as the ledger places them."""
    terms = StoryTerms()
    for texts in members.values():
        for text in texts:
            terms.count(text)
    grouping = SentenceGroups(SentenceMatcher.default(), terms)
    placed = {}
    for doc, texts in members.items():
        sentences = [Sentence(i, 0, len(t), t, None) for i, t in enumerate(texts)]
        placed[doc] = grouping.place(doc, sentences)
    return grouping, placed


def test_a_sentence_retells_one_sentence_of_another_member() -> None:
    """Both of a's sentences score above the alignment threshold against b's one
    sentence, the second adding one word of it ("troops") to what the first shares:
    b counts in the best one's group only."""
    matcher = SentenceMatcher.default()
    assert matcher.aligns(FATE, INSTALLATIONS) and matcher.aligns(FATE, UNDECIDED)
    grouping, placed = _groups({"a": [INSTALLATIONS, UNDECIDED], "b": [FATE]})
    fate = placed["b"][0]
    assert fate is not None and fate.group == 0 and fate.touched == (0,)
    assert [g.members for g in grouping.groups] == [2, 1]


def test_a_clause_match_joins_the_group_but_its_facts_are_not_compared() -> None:
    """The sentences share one clause each; the rest of them is no counterpart, so the
    pair is not one that fact divergences are read from."""
    grouping, placed = _groups({"a": [SENDING], "b": [SENT]})
    sent = placed["b"][0]
    assert sent is not None and sent.group == 0 and sent.kind == "paraphrase"
    assert grouping.groups[0].members == 2
    assert grouping.matched == []


def test_a_sentence_fusing_two_of_a_members_sentences_shares_both() -> None:
    """The second match accounts for words of the sentence the first does not (the
    mayor, construction, spring): both groups count it."""
    fused = (
        "The city council approved a budget of 45 million dollars for the new harbour bridge "
        "after Mayor Ellen Okafor said construction would begin in the spring of next year."
    )
    grouping, placed = _groups({"a": BASE[:2], "b": [fused]})
    placement = placed["b"][0]
    assert placement is not None and placement.touched == (0, 1)
    assert [g.members for g in grouping.groups] == [2, 2]
