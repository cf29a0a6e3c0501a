"""Clauses of a sentence: cut at clause punctuation and before coordinating
conjunctions, short pieces joined back to their neighbour."""

from __future__ import annotations

from dedup.text.clauses import MIN_CLAUSE_WORDS, clauses


def test_a_sentence_of_one_clause_is_itself() -> None:
    text = "Russian troops have entered an air base in Niger where US forces are stationed."
    assert clauses(text) == (text,)


def test_coordinated_clauses_are_cut_before_the_conjunction() -> None:
    text = (
        "Washington agreed in mid-April to withdraw its soldiers from the country and "
        "announced that it was sending a delegation to Niamey."
    )
    assert clauses(text) == (
        "Washington agreed in mid-April to withdraw its soldiers from the country",
        "and announced that it was sending a delegation to Niamey.",
    )


def test_punctuation_and_spaced_dashes_cut() -> None:
    text = (
        "A delegation was sent to Niger last week to coordinate an orderly withdrawal, "
        "including the US ambassador to Niger — officials said on Friday; the talks "
        "lasted two days: both sides called them useful"
    )
    assert clauses(text) == (
        "A delegation was sent to Niger last week to coordinate an orderly withdrawal,",
        "including the US ambassador to Niger",
        "— officials said on Friday;",
        "the talks lasted two days:",
        "both sides called them useful",
    )


def test_short_pieces_join_their_neighbour() -> None:
    """An opening adverb, a short list of names: no clause of their own."""
    assert clauses("However, no definitive decisions have been made on the base.") == (
        "However, no definitive decisions have been made on the base.",
    )
    text = "Niger follows neighbouring Mali and Burkina Faso and is seeking closer ties."
    found = clauses(text)
    assert found == (
        "Niger follows neighbouring Mali and Burkina Faso",
        "and is seeking closer ties.",
    )
    assert all(len(c.split()) >= MIN_CLAUSE_WORDS for c in found)


def test_the_clauses_give_the_sentence_back() -> None:
    text = "The base,  according to a senior official, is Air Base 101 \u2013 near the airport."
    assert " ".join(clauses(text)) == " ".join(text.split())
