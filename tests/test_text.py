"""Normalisation, tokenising, shingling and boilerplate rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xxhash
from hypothesis import given
from hypothesis import strategies as st

from dedup import boilerplate, shingle
from dedup.normalise import normalise, tokenise

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


def test_normalise_folds_compatibility_forms_and_case() -> None:
    assert normalise("Niger\u00a0CAPITAL \ufb01le") == "niger capital file"
    assert tokenise(normalise("U.S. troops—1,000 of them")) == [
        "u",
        "s",
        "troops",
        "1",
        "000",
        "of",
        "them",
    ]


def test_scripts_without_spaces_become_character_tokens() -> None:
    assert tokenise(normalise("俄罗斯军队 entered")) == ["俄", "罗", "斯", "军", "队", "entered"]


def test_token_hashes_are_xxh3_of_the_utf8_token() -> None:
    hashes = shingle.hash_tokens(["niger", "base", "niger"])
    expected = [xxhash.xxh3_64_intdigest(t.encode()) for t in ("niger", "base", "niger")]
    assert hashes.tolist() == expected


def test_shingle_set_depends_on_order_and_deduplicates() -> None:
    hasher = shingle.hash_tokens
    forward = shingle.shingle_set(hasher("a b c d e f".split()), 3)
    backward = shingle.shingle_set(hasher("f e d c b a".split()), 3)
    repeated = shingle.shingle_set(hasher("a b c a b c a b c".split()), 3)
    assert len(forward) == 4
    assert set(forward.tolist()).isdisjoint(backward.tolist())
    assert len(repeated) == 3
    assert np.all(np.diff(forward.astype(np.int64)) > 0)


def test_combine_counts_windows() -> None:
    values = np.arange(1, 8, dtype=np.uint64)
    assert len(shingle.combine(values, 5)) == 3
    assert len(shingle.combine(values, 8)) == 0


def test_seed_chrome_lines_are_boilerplate_and_article_lines_are_not() -> None:
    lines = {
        line.text: line.boilerplate
        for path in sorted(SEEDS.glob("*.txt"))
        for line in boilerplate.split_lines(path.read_text("utf-8"))
    }
    chrome = {
        "Listen to article": "audio",
        "This audio version was artificially generated. More info | Send feedback": "audio",
        "Exit mobile version": "mobile-chrome",
        ".elementor-panel-state-loading{ display: none; }": "css-js",
        "source site-34": "source-tag",
        "Source:\u00a0 Reuters": "source-tag",
        "Category": "label",
    }
    for text, rule in chrome.items():
        assert lines[text] == rule, text
    cookie = next(t for t in lines if t.startswith("By staying online"))
    assert lines[cookie] == "cookie-banner"
    assert (
        next(v for t, v in lines.items() if t.startswith("Copyright 2024 Nexstar")) == "copyright"
    )
    article = [
        t for t in lines if t.startswith(("According to Reuters", "Russian military personnel"))
    ]
    assert article and all(lines[t] is None for t in article)


def test_line_offsets_point_into_the_raw_text() -> None:
    text = "  Headline here now\n\nBody sentence one.\r\n  Listen to article  \n"
    for line in boilerplate.split_lines(text):
        assert text[line.start : line.end] == line.text
    assert "Listen" not in boilerplate.article_text(boilerplate.split_lines(text))


def test_classify_matches_the_scanning_path() -> None:
    text = "Copyright 2024 Example Inc. All rights reserved.\nThe minister said on Tuesday."
    assert [line.boilerplate for line in boilerplate.split_lines(text)] == [
        boilerplate.classify(t) for t in text.split("\n")
    ]


def test_short_lines_with_figures_are_content_not_labels() -> None:
    assert boilerplate.classify("World") == "label"
    assert boilerplate.classify("N.Z. Dlr....0.5698/05") is None
    assert boilerplate.classify("Shr 12 cts") is None


def test_repeated_lines_count_separate_groups_only() -> None:
    footer = boilerplate.line_key("Follow Example News for the latest updates")
    story = boilerplate.line_key("The minister resigned on Tuesday.")
    groups = [frozenset({footer, story}), frozenset({footer}), frozenset({footer, story})]
    assert boilerplate.repeated_lines(groups, 3) == frozenset({footer})
    assert boilerplate.line_key("  follow EXAMPLE news   for the latest updates ") == footer


def test_a_footer_repeated_across_unrelated_articles_is_set_aside() -> None:
    import random

    import dedup

    footer = "Follow Example News on every platform for the latest updates from our newsroom"
    words = "harbour grain minister strike ballot orchard cyclone tariff museum rally".split()
    docs = []
    for i in range(8):
        rng = random.Random(i)
        body = " ".join(f"{rng.choice(words)}{rng.randint(0, 99)}" for _ in range(60))
        docs.append(dedup.Document(f"d{i}", f"{body}.\n\n{footer}\n"))
    result = dedup.scan_documents(docs)
    assert {m.tokens for m in result.members} == {60}  # the 13 footer tokens are gone
    few = dedup.scan_documents(docs[:3])  # three articles: too few to call it boilerplate
    assert {m.tokens for m in few.members} == {60 + 13}
