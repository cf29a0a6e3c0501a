"""Sentence splitting keeps offsets into the raw text and handles news text."""

from __future__ import annotations

from pathlib import Path

from dedup.text import sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _texts(raw: str) -> list[str]:
    return [s.text for s in sentences.split(raw)]


def test_abbreviations_and_quotes_do_not_end_sentences() -> None:
    raw = (
        "A delegation included U.S. Ambassador Kathleen Fitzgibbon and Maj. Gen. Kenneth "
        'Ekman. Nexstar Media Inc. said "no comment." Trading ended at 3 p.m. on Friday.'
    )
    assert _texts(raw) == [
        "A delegation included U.S. Ambassador Kathleen Fitzgibbon and Maj. Gen. Kenneth Ekman.",
        'Nexstar Media Inc. said "no comment."',
        "Trading ended at 3 p.m. on Friday.",
    ]


def test_headlines_without_full_stops_are_sentences_of_their_own() -> None:
    raw = "Russian troops enter Niger base\n\nRussian troops moved in. They use a hangar.\n"
    assert _texts(raw) == [
        "Russian troops enter Niger base",
        "Russian troops moved in.",
        "They use a hangar.",
    ]


def test_hard_wrapped_wire_copy_is_rejoined_and_indent_starts_a_paragraph() -> None:
    raw = (
        "The Federal Reserve entered the U.S.\n"
        "Government securities market to arrange 1.5 billion dlrs of\n"
        "customer repurchase agreements, a Fed spokesman said.\n"
        "    Dealers said Federal funds were trading at 6-1/4 pct.\n"
        " Reuter\n"
    )
    texts = _texts(raw)
    assert texts[0] == (
        "The Federal Reserve entered the U.S. Government securities market to arrange "
        "1.5 billion dlrs of customer repurchase agreements, a Fed spokesman said."
    )
    assert texts[1] == "Dealers said Federal funds were trading at 6-1/4 pct."


def test_offsets_point_into_the_raw_text_and_boilerplate_is_marked() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        raw = path.read_text("utf-8")
        found = sentences.split(raw)
        assert [s.index for s in found] == list(range(len(found)))
        for sentence in found:
            assert " ".join(raw[sentence.start : sentence.end].split()) == sentence.text
        starts = [s.start for s in found]
        assert starts == sorted(starts)
    seed = (SEEDS / "001_44a68aee44af42e0.txt").read_text("utf-8")
    marked = {s.text: s.boilerplate for s in sentences.split(seed)}
    assert marked["Listen to article"] == "audio"
    assert marked["Moscow supports military junta"] is None
