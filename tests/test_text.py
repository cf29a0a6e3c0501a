"""Normalisation, tokenising, shingling and boilerplate rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.fingerprint import shingle
from dedup.rewrites.article import line_fact_keys, text_fact_keys
from dedup.text import boilerplate, salience, sentences
from dedup.text.normalise import normalise, tokenise

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


# The hot loop's fast paths (bytes tokenising, lines without records, combined shingle
# hashes, sorted-unique) must give what the plain definitions give.

_MIXED = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from([*"aZ9_ -.,'\n\t£é\u2019—ℌⅫ俄ไ\u00a0\u0130\u03a3", "\ud800"]),
    ),
    max_size=80,
)


@given(_MIXED)
def test_tokenise_equals_the_token_regex(text: str) -> None:
    from dedup.ingest.invisible import strip_invisible
    from dedup.text.normalise import TOKEN_RE

    def regex_tokens(text: str) -> list[str]:  # invisible characters neither in nor between
        return TOKEN_RE.findall(strip_invisible(text, joiners=False))

    assert tokenise(text) == regex_tokens(text)
    normalised = normalise(text)
    assert tokenise(normalised) == regex_tokens(normalised)


@given(_MIXED)
def test_utf8_tokens_are_the_encoded_tokens_of_the_normalised_text(text: str) -> None:
    from dedup.text.normalise import utf8_tokens

    tokens = tokenise(normalise(text))
    assert utf8_tokens(text) == [token.encode("utf-8") for token in tokens]


def test_tokenise_cuts_at_ascii_punctuation_and_keeps_other_scripts() -> None:
    from dedup.text.normalise import utf8_tokens

    text = "Prices rose £5m—or 3.5%—in Zürich\u2019s 俄罗斯 market_share (Q1)"
    expected = ["prices", "rose", "5m", "or", "3", "5", "in", "zürich", "s"]
    expected += ["俄", "罗", "斯", "market", "share", "q1"]
    assert tokenise(normalise(text)) == expected
    assert utf8_tokens(text) == [token.encode() for token in expected]
    assert tokenise("Upper ASCII Kept") == ["Upper", "ASCII", "Kept"]  # as the regex


_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Listen to article",
                "Source: Reuters",
                "SHARE this story",
                "Copyright 2024 Example Inc. All rights reserved.",
                "var x = 1;",
                ".a{color:red}",
                "World",
                "Shr 12 cts",
                "The minister said on Tuesday that shares rose.",
                "  Follow the money, he said  ",
                "Related",
                "",
                "   ",
                "\u0130stanbul \u00a9 Published",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=12,
)


@given(_LINES)
def test_kept_text_equals_the_article_text_of_the_lines(lines: list[str]) -> None:
    text = "\n".join(lines)
    records = boilerplate.split_lines(text)
    assert boilerplate.kept_text(text) == boilerplate.article_text(records)
    kept = [line.text for line in records if line.boilerplate is None]
    assert boilerplate.kept_lines(text) == kept
    assert boilerplate.text_line_keys(kept) == boilerplate.article_line_keys(records)
    assert sentences.wrapped_texts(kept) == sentences.hard_wrapped(records)
    assert text_fact_keys(kept) == line_fact_keys(records)
    assert [line.boilerplate for line in records] == [
        boilerplate.classify(line) for line in text.split("\n") if line.strip()
    ]


def test_seed_kept_text_equals_the_article_text() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text("utf-8")
        assert boilerplate.kept_text(text) == boilerplate.article_text(
            boilerplate.split_lines(text)
        )


def test_hash_utf8_equals_hash_tokens() -> None:
    tokens = ["niger", "zürich", "俄", "a"]
    assert shingle.hash_utf8([t.encode() for t in tokens]).tolist() == [
        xxhash.xxh3_64_intdigest(t.encode()) for t in tokens
    ]
    assert shingle.hash_utf8([]).dtype == np.uint64


@given(st.lists(st.integers(0, 2**64 - 1), max_size=40), st.integers(1, 9))
def test_combine_equals_the_running_product(values: list[int], n: int) -> None:
    expected = []
    for start in range(len(values) - n + 1):
        acc = 0
        for value in values[start : start + n]:
            acc = (acc * int(shingle.MULTIPLIER) + value) % 2**64
        expected.append(acc)
    combined = shingle.combine(np.array(values, dtype=np.uint64), n)
    assert combined.dtype == np.uint64
    assert combined.tolist() == expected


@given(
    st.lists(st.integers(0, 2**64 - 1), max_size=60) | st.lists(st.integers(0, 3), max_size=60),
    st.integers(1, 9),
)
def test_shingle_set_equals_the_numpy_statement(values: list[int], n: int) -> None:
    """The compiled shingle set is ``np.unique`` of the low 32 bits of ``fmix64`` of
    ``combine``: the arithmetic numpy states, repeats (few distinct values) included."""
    hashes = np.array(values, dtype=np.uint64)
    expected = np.unique(shingle.fmix64(shingle.combine(hashes, n)).astype(np.uint32))
    for compiled in (True, False):  # the kernel, and numpy's (a cluster scan's client)
        result = shingle.shingle_set(hashes, n, compiled=compiled)
        assert result.dtype == np.uint32
        np.testing.assert_array_equal(result, expected)


def test_fmix64_leaves_its_input_unchanged() -> None:
    values = np.arange(5, dtype=np.uint64)
    mixed = shingle.fmix64(values)
    assert values.tolist() == [0, 1, 2, 3, 4]
    assert len(set(mixed.tolist())) == 5


def _intersect_reference(holder: np.ndarray, other: np.ndarray) -> np.ndarray:
    _, _, found = np.intersect1d(holder, other, assume_unique=True, return_indices=True)
    return found


@settings(deadline=None)
@given(st.sets(st.integers(0, 60)), st.sets(st.integers(0, 60)))
def test_held_finds_what_intersect1d_finds(holder: set[int], other: set[int]) -> None:
    a = np.array(sorted(holder), dtype=np.uint32)
    b = np.array(sorted(other), dtype=np.uint32)
    assert np.flatnonzero(salience.held(a, b)).tolist() == _intersect_reference(a, b).tolist()


def _salient_reference(tokens: list[str]) -> salience.SalientTerms:
    """What salient_terms computed before its lookups were cached."""
    pairs = {salience.term_hash(t): w for t in set(tokens) if (w := salience.weight(t)) > 0.0}
    numeric = sum(map(str.isdigit, tokens)) / len(tokens) if tokens else 0.0
    hashes = np.fromiter(pairs.keys(), dtype=np.uint32, count=len(pairs))
    order = np.argsort(hashes)
    values = np.fromiter(pairs.values(), dtype=np.float32, count=len(pairs))
    return salience.SalientTerms(hashes[order], values[order], numeric)


@settings(deadline=None)
@given(st.lists(st.sampled_from(["niger", "the", "1987", "42", "zürich", "diori", "said", "x"])))
def test_salient_terms_and_overlaps_as_before(tokens: list[str]) -> None:
    found, expected = salience.salient_terms(tokens), _salient_reference(tokens)
    assert found.hashes.tolist() == expected.hashes.tolist()
    assert found.weights.tolist() == expected.weights.tolist()
    assert found.numeric_share == expected.numeric_share
    other = salience.salient_terms(["niger", "42", "hamani"])
    _, ia, _ = np.intersect1d(found.hashes, other.hashes, assume_unique=True, return_indices=True)
    shared = float(found.weights[ia].sum())
    union = float(found.weights.sum()) + float(other.weights.sum()) - shared
    assert salience.weighted_jaccard(found, other) == (shared / union if union > 0 else 0.0)


WEIGHTS = st.dictionaries(st.integers(0, 40), st.floats(0.0, 5.0, width=32))


def _terms(weights: dict[int, float]) -> salience.SalientTerms:
    keys = sorted(weights)
    return salience.SalientTerms(
        np.array(keys, dtype=np.uint32), np.array([weights[k] for k in keys], np.float32)
    )


@settings(deadline=None)
@given(WEIGHTS, WEIGHTS)
def test_mutual_containment_is_both_containments(a: dict[int, float], b: dict[int, float]) -> None:
    x, y = _terms(a), _terms(b)
    found = salience.mutual_containment(x, y)
    assert found == (salience.weighted_containment(y, x), salience.weighted_containment(x, y))
    _, _, io = np.intersect1d(x.hashes, y.hashes, assume_unique=True, return_indices=True)
    total = float(y.weights.sum())
    assert found[1] == (float(y.weights[io].sum()) / total if total > 0 else 0.0)


@settings(deadline=None)
@given(WEIGHTS, WEIGHTS)
def test_overlap_is_the_jaccard_and_both_containments_to_the_bit(
    a: dict[int, float], b: dict[int, float]
) -> None:
    """The rewrite tier's bound and rank come from one ``overlap``: the same floats as
    the three measures taken one by one, so candidates and their order do not move."""

    x, y = _terms(a), _terms(b)
    found = salience.overlap(x, y)
    assert found.jaccard == salience.weighted_jaccard(x, y)
    assert found.of_a == salience.weighted_containment(y, x)
    assert found.of_b == salience.weighted_containment(x, y)


def test_english_zipf_is_wordfreqs() -> None:
    import random
    import string

    import wordfreq

    words = [w for w in wordfreq.get_frequency_dict("en", "best") if w.isascii() and w.isalpha()]
    rng = random.Random(1)
    made_up = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(3000)
    ]
    others = ["Niger", "zürich", "1987", "a1b", "don't", "naïve", "", "US"]
    for word in words[::10] + made_up + others:
        assert salience.english_zipf(word) == wordfreq.zipf_frequency(word, "en", wordlist="best")
