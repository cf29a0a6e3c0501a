"""The shortcuts of ``dedup.text.facts`` against the plain forms they replace, on random text
built from tricky fragments: each must give exactly what the plain form gives."""

from __future__ import annotations

import pickle
import re
from dataclasses import fields

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup.text import fact, fact_dates, fact_numbers, facts
from dedup.text.fact import Fact

FRAGMENTS = ["May", "March", "Mar.", "Sept.", "Sept", "Dec", "Decision", "Monday", "Friday",
             "in ", "IN ", "\u0130n ", "\u0131n ", "mid-", "early ", "since ", "during ",
             "Before ", "by", "of ", "5", "5th", "31st", "101st", "1987", "2023", "19876", "1,000",
             "1 000", "1.5", " billion", " mln", "m", "$", "US$", "\u20ac", "\u00a3", "%",
             " percent", "a", "A", "an", "An", " hundred", " HUNDRED", "one", "sixty",
             "twenty-five", "-", "'", "\u2019s", "U.S.", "al-Assad", "Gen.", "about ", "more than ",
             "up to ", "AS MANY AS ", "nearly", " ", "  ", "\u00a0", "\t", "\x1c", ".", ",", "(",
             "The", "Air", "Base", "\u00e9", "\u00df", "\u0663", "\u00b2", "_", "x"]  # fmt: skip
# Scale words through Unicode case folding (long s, dotless i): ``extract`` raises KeyError on
# them (not in _SCALES), as the first version did, so only the shortcuts get them.
FOLDED = [" thou\u017fand", " m\u0131llion"]
PLAIN_TEXT = st.lists(st.sampled_from(FRAGMENTS), max_size=24).map("".join)
TEXT = st.lists(st.sampled_from(FRAGMENTS + FOLDED), max_size=24).map("".join)
FAST = settings(max_examples=100, deadline=None)
FIRST_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\d[^\W_]*|[^\W_]+(?:['\u2019-][^\W_]+)*")


def _spans(matches: object) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m[0]) for m in matches]  # type: ignore[attr-defined]


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return None if match is None else match.span()


def _first_number_at(text: str, s: int) -> re.Match[str] | None:
    """The number at a token, as the first version found it (currency sign first)."""
    cur = next((c for c in ("US$", "$", "\u20ac", "\u00a3", "\u00a5")
                if text.startswith(c, s - len(c))), "")  # fmt: skip
    return fact_numbers._NUMBER.match(text, s - len(cur)) if s >= len(cur) else None


@FAST
@given(TEXT)
def test_tokenizers_find_what_the_first_one_found(text: str) -> None:
    expected = _spans(FIRST_TOKEN.finditer(text))
    assert _spans(facts._TOKEN.finditer(text)) == expected
    if text.isascii():
        assert _spans(facts._ASCII_TOKEN.finditer(text)) == expected


@FAST
@given(TEXT)
@example("during May, Before 1987 and mid- 2023, then in  -March and \u0130n June")
@example("the 5th of March 1987, Dec. 5th, 1987, 31st  of May; MarMay 2023 on Monday")
@example("before - - - 1987, until -\t- March")
def test_anchored_date_patterns_find_what_a_full_scan_finds(text: str) -> None:
    first = fact_dates.DATE_HINT.search(text)
    anchors = fact_dates._find_anchors(text, first.start() if first else len(text))
    for name, hint in fact_dates._HINTS.items():
        assert anchors[name] == [m.start() for m in hint.finditer(text)]
    for pattern, need, anchor, reach in fact_dates._DATES:
        full = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        if not anchors[need]:
            assert full == []  # the hint a pattern needs is in each of its matches
            continue
        fast = fact_dates._anchored(pattern, text, anchors[anchor], reach)
        assert [(m.span(), m.groupdict()) for m in fast] == full


@FAST
@given(TEXT)
def test_qualifier_shortcut_finds_what_the_search_finds(text: str) -> None:
    for at in range(len(text) + 1):
        full = fact_numbers._QUALIFIER.search(text, max(0, at - 25), at)
        assert _span(fact_numbers._qualifier_before(text, at)) == _span(full)


@FAST
@given(TEXT)
def test_number_start_is_the_first_versions(text: str) -> None:
    for s in range(len(text)):
        assert _span(fact_numbers._number_at(text, s)) == _span(_first_number_at(text, s))


@FAST
@given(TEXT)
def test_articles_are_skipped_only_where_no_number_starts(text: str) -> None:
    for m in facts._TOKEN.finditer(text):
        if m[0] in fact_numbers._ARTICLES and not fact_numbers._SCALE_NEXT.match(text, m.end()):
            assert fact_numbers._number_at(text, m.start()) is None


@FAST
@given(PLAIN_TEXT)
def test_facts_come_in_order(text: str) -> None:
    found = facts.extract(text)
    assert found == sorted(found, key=lambda f: (f.start, f.end))


@settings(max_examples=50)
@given(
    st.sampled_from(["number", "name", "date"]),
    st.text(max_size=4),
    st.text(max_size=4),
    st.none() | st.text(max_size=3),
    st.none() | st.text(max_size=3),
    st.integers(0, 99),
    st.integers(0, 99),
)
def test_fact_shortcut_builds_the_same_fact(
    kind: str, text: str, key: str, qualifier: str | None, unit: str | None, start: int, end: int
) -> None:
    values = (kind, text, key, qualifier, unit, start, end)
    fast, plain = fact.make_fact(*values), Fact(*values)  # type: ignore[arg-type]
    assert type(fast) is Fact and fast == plain and hash(fast) == hash(plain)
    assert repr(fast) == repr(plain) and pickle.loads(pickle.dumps(fast)) == plain


def test_fact_shortcut_sets_every_field() -> None:
    assert Fact.__slots__ == tuple(f.name for f in fields(Fact))
    assert not hasattr(Fact, "__post_init__")
