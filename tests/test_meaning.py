"""The rewrite verdict by meaning (``rewrites.meaning``, ``--verdict meaning``):
sentences aligned by their embeddings, one to one; facts of aligned sentences agreeing
or conflicting; shared facts alone no longer make a story."""

from __future__ import annotations

from pathlib import Path

import dedup
from dedup.config import ScanConfig
from dedup.rewrites.article import Article
from dedup.rewrites.meaning import agreement, align_by_meaning, lede_cosine, lede_similarity

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BOND = (
    "{issuer} is issuing a {amount} mln Australian dlr eurobond due May {day}, 1991 "
    "paying {coupon} pct and priced at 101 pct, lead manager {manager} said.\n\n"
    "The non-callable bond is guaranteed by {guarantor} and available in denominations "
    "of 1,000 Australian dlrs.\n\n"
    "The bond will be listed in London and the payment date is May {day}.\n"
)
EVENT_A = (
    "Court clears Tarvik dam expansion\n\n"
    "A regional court on Monday cleared the Tarvik dam expansion that Oskar Lindqvist "
    "had fought for a decade, ruling that the 4,500-hectare reservoir may go ahead.\n\n"
    "Judges said the Norrvatten utility had met every environmental condition.\n"
)
EVENT_B = (
    "Farmers march on Norrvatten offices\n\n"
    "Hundreds of farmers marched through the town centre on Saturday to demand "
    "compensation for land that the Tarvik dam will flood.\n\n"
    "Oskar Lindqvist told the crowd that 4,500 hectares of pasture would be lost to "
    "Norrvatten's reservoir.\n"
)


def seed(index: int) -> Article:
    path = sorted(SEEDS.glob("*.txt"))[index]
    return Article(dedup.Document(path.name, path.read_text("utf-8")))


def test_sentences_align_one_to_one_by_meaning_and_symmetrically() -> None:
    a, b = seed(0), seed(3)  # the same Reuters scoop, written independently
    forward = align_by_meaning(a, b, score_cutoff=0.7)
    backward = align_by_meaning(b, a, score_cutoff=0.7)
    assert forward.matches, "translated headlines align by meaning"
    assert len({m.a for m in forward.matches}) == len(forward.matches)
    assert len({m.b for m in forward.matches}) == len(forward.matches)
    assert sorted(forward.swapped().matches, key=lambda m: (m.a, m.b)) == list(backward.matches)
    assert all(m.score >= 0.7 for m in forward.matches)
    strict = align_by_meaning(a, b, score_cutoff=0.8)
    assert {(m.a, m.b) for m in strict.matches} <= {(m.a, m.b) for m in forward.matches}


def test_retold_ledes_are_closer_than_another_storys() -> None:
    other = Article(dedup.Document("x", EVENT_A))
    assert lede_similarity(seed(0), seed(3)) > 0.8
    assert lede_similarity(seed(0), other) < 0.5


def test_a_template_states_other_facts_in_the_same_words() -> None:
    def bond(issuer: str, amount: int, day: int, manager: str, guarantor: str) -> Article:
        text = BOND.format(
            issuer=issuer,
            amount=amount,
            day=day,
            coupon="14-1/4",
            manager=manager,
            guarantor=guarantor,
        )
        return Article(dedup.Document(issuer, text))

    first = bond("Austria Kontrollbank", 50, 22, "Credit Suisse First Boston", "Austria")
    other = bond("Walt Disney Finance", 60, 7, "Warburg Securities", "Walt Disney Company")
    same = bond("Austria Kontrollbank", 50, 22, "Credit Suisse First Boston", "Austria")
    aligned = align_by_meaning(first, other, score_cutoff=0.7)
    told = agreement(aligned, first, other)
    assert told.conflicting >= 2 and told.conflicting > told.agreeing
    again = agreement(align_by_meaning(first, same, score_cutoff=0.7), first, same)
    assert again.conflicting == 0 and again.agreeing >= 2
    verdict = dedup.compare(dedup.Document("a", first.document.text), other.document)
    assert verdict is not None and verdict.relation is None


def test_shared_facts_of_one_event_no_longer_make_a_story() -> None:
    """Two developments of one event share its rare names and figure; the earlier
    lexical routes joined them on those facts, the verdict by meaning does not."""
    a, b = dedup.Document("a", EVENT_A), dedup.Document("b", EVENT_B)
    lexical = dedup.compare(a, b, ScanConfig(rewrite_verdict="rules"))
    assert lexical is not None and lexical.rewrite is not None
    assert len(lexical.rewrite.shared_facts) >= 3
    assert lexical.relation == "rewrite"
    by_meaning = dedup.compare(a, b)
    assert by_meaning is not None and by_meaning.rewrite is not None
    assert by_meaning.relation is None
    assert by_meaning.rewrite.reason.startswith("too little shared")


def test_the_seeds_stay_one_story_by_meaning() -> None:
    docs = [dedup.Document(p.name, p.read_text("utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    (story,) = dedup.scan_documents(docs).stories
    assert len(story.members) == 5


CAPTION = (
    "The mayor of Holmsund resigned on Tuesday after an audit of the harbour fund. "
    "Auditors found that 2.4 million crowns had been moved without the council's "
    "approval. The deputy mayor, Karin Ek, will lead the council until the election."
)
GALLERY = (
    "Ferry strike halts island traffic\n\n"
    "Ferry crews on the Kvarken route walked out on Wednesday over the new rota.\n\n"
    "Photo gallery\n\n" + CAPTION + " less\n\n" + CAPTION + " more\n\n"
    "The union said the strike would last until Friday.\n\n"
    "About 3,000 passengers a day use the route in summer.\n"
)
CAPTIONED_STORY = (
    "Holmsund mayor quits over harbour fund\n\n" + CAPTION.replace(". ", ".\n\n") + "\n\n"
    "Opposition councillors had called for a police inquiry.\n\n"
    "The harbour fund was set up in 2009 to dredge the inner port.\n"
)


def test_a_gallery_printing_another_storys_captions_twice_does_not_retell_it() -> None:
    """A page's gallery prints its captions twice (in full, then cut short); what the
    captions tell is page furniture, not the page's story."""
    found = dedup.compare(dedup.Document("a", GALLERY), dedup.Document("b", CAPTIONED_STORY))
    assert found is not None and found.rewrite is not None
    assert found.scores.relation is None  # not a copy: the gallery holds little of it
    assert found.relation is None
    once = GALLERY.replace(CAPTION + " more\n\n", "")
    printed_once = dedup.compare(dedup.Document("a", once), dedup.Document("b", CAPTIONED_STORY))
    assert printed_once is not None and printed_once.rewrite is not None
    assert printed_once.rewrite.aligned >= 3  # the same sentences printed once do align


FERRY_A = (
    "Holmsund council votes to close Kvarken ferry route\n\n"
    "Holmsund's council voted on Tuesday to shut the Kvarken ferry route next March, "
    "blaming a deficit of 14.2 million crowns.\n\n"
    "Mayor Karin Ek said the vote was painful but that the Vaasa link had lost money for "
    "six years.\n\n"
    "Islanders on Replot say the closure will cut them off in winter, and a petition "
    "signed by 2,300 people was handed in before the meeting.\n\n"
    "The operator, Wasaline, employs 120 crew on the route.\n"
)
FERRY_B = (
    "Islanders fear winter isolation as ferry link ends\n\n"
    "People on Replot say they will be stranded when the ice comes, after councillors in "
    "Holmsund decided to end ferry services across the Kvarken, whose losses reached "
    "14.2 million crowns.\n\n"
    "Residents of Replot reacted angrily; their petition had gathered 2,300 signatures.\n\n"
    "Karin Ek, the mayor, told reporters the decision had not been taken lightly.\n\n"
    "Wasaline, which runs the ships, did not say what would happen to its 120 staff.\n"
)

FERRY_RETOLD = (
    "Kvarken ferry route to close, Holmsund council decides\n\n"
    "On Tuesday the council of Holmsund voted to shut down the Kvarken ferry route from next "
    "March, blaming a 14.2 million crown deficit.\n\n"
    "The vote was painful, Mayor Karin Ek said, but the link to Vaasa had been losing money "
    "for six years.\n\n"
    "Islanders on Replot say the closure will cut them off during the winter; before the "
    "meeting a petition signed by 2,300 people was handed in.\n\n"
    "Wasaline, the operator, has 120 crew working on the route.\n"
)


def _ferry(source_a: str | None, source_b: str | None) -> dedup.Comparison | None:
    return dedup.compare(
        dedup.Document("a", FERRY_A, source=source_a), dedup.Document("b", FERRY_B, source=source_b)
    )


def test_two_outlets_telling_one_development_in_their_own_words_are_one_story() -> None:
    """No sentence is retold and the ledes open differently (derived routes refuse),
    but two outlets open on one development and state its rare facts: ``same-story``."""
    a, b = Article(dedup.Document("a", FERRY_A)), Article(dedup.Document("b", FERRY_B))
    assert lede_similarity(a, b) < ScanConfig().rewrite_lede_cosine
    assert lede_cosine(a, b) >= ScanConfig().rewrite_outlets_lede_cosine
    found = _ferry("vasabladet.fi", "svt.se")
    assert found is not None and found.rewrite is not None
    assert found.relation == "same-story" and found.rewrite.relation == "same-story"
    assert found.rewrite.reason.startswith("same story from two outlets: svt.se and vasabladet.fi")
    assert "name:kvarken" in found.rewrite.shared_facts
    (story,) = dedup.scan_documents(
        [
            dedup.Document("a", FERRY_A, source="vasabladet.fi"),
            dedup.Document("b", FERRY_B, source="svt.se"),
        ]
    ).stories
    assert {m.document for m in story.members} == {"a", "b"}
    assert [m.relation for m in story.members if m.pair is not None] == ["same-story"]


def test_one_outlet_or_unknown_outlets_never_take_the_two_outlet_route() -> None:
    """One outlet's two articles on a development are its follow-up; without sources
    (a folder of files, a single-outlet archive) the route cannot know two outlets."""
    for sources in (("svt.se", "SVT.se "), (None, None), ("svt.se", None)):
        found = _ferry(*sources)
        assert found is not None and found.relation is None, sources


def test_two_outlets_on_two_developments_stay_apart() -> None:
    found = dedup.compare(
        dedup.Document("a", EVENT_A, source="vasabladet.fi"),
        dedup.Document("b", EVENT_B, source="svt.se"),
    )
    assert found is not None and found.relation is None


def test_one_outlets_two_articles_that_only_open_alike_are_no_rewrite() -> None:
    """The seeds 000 and 004 are joined by the same lede and rare facts; from one outlet
    that is its follow-up (only retelling sentence by sentence counts), from two
    outlets or from unknown ones the same evidence still makes a rewrite."""
    paths = sorted(SEEDS.glob("*.txt"))
    first, fourth = paths[0].read_text("utf-8"), paths[4].read_text("utf-8")
    for sources, relation in (
        (("Reuters", "Reuters"), None),
        ((None, None), "rewrite"),
        (("Reuters", "Le Monde"), "rewrite"),
    ):
        a = dedup.Document("a", first, source=sources[0])
        b = dedup.Document("b", fourth, source=sources[1])
        found = dedup.compare(a, b)
        assert found is not None and found.relation == relation, sources
        if relation is None:
            assert found.rewrite is not None and found.rewrite.reason.startswith("too little")
