"""The short route (``dedup.copies.short``): headlines, alerts and wire flashes of 5 to
30 tokens one edit apart are near-copies, unless the edit changed a figure or a name;
a line many short items share groups none of them; the route is symmetric and its
output the same whatever ``--jobs`` or the input order."""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner
from wordfreq import top_n_list

import dedup
from dedup.cli.app import EXIT_OK, app
from dedup.copies import short
from dedup.report import compare_report
from dedup.text import boilerplate

ROTTERDAM = (
    "A harbour strike in Rotterdam halted container traffic on Monday, the port authority said."
)
STOPPED = ROTTERDAM.replace("halted", "stopped")
SHIPS = "A harbour strike in Rotterdam halted 3 ships on Monday, the port authority said."
STRIKE = "In Rotterdam on Monday about 1,000 dock workers walked out, the union said."
WHEAT = "Wheat futures opened at 284-3/4 cents, up 1-1/4 cents, dealers said."
DIVIDEND = "Qtly div six cts vs six cts prior\nPay April one\nRecord March 23"
FUND = "Mthly div 7.1 cts\nFranklin Massachusetts Insured Tax-Free Income Fund"


def scan(*texts: str, **config: Any) -> dedup.ScanResult:
    docs = [dedup.Document(f"d{n}", text) for n, text in enumerate(texts)]
    return dedup.scan_documents(docs, dedup.ScanConfig(**config))


def stories(result: dedup.ScanResult) -> list[list[str]]:
    return [sorted(m.document for m in story.members) for story in result.stories]


def items(texts: list[str]) -> list[short.ShortItem]:
    """Short items as the scan makes them."""
    fingerprinter = dedup.Fingerprinter(dedup.ScanConfig())
    made = []
    for n, text in enumerate(texts):
        lines = boilerplate.split_lines(text)
        found = fingerprinter.fingerprint_tokens(f"d{n:04d}", fingerprinter.tokens(lines))
        assert isinstance(found, dedup.Fingerprint)
        made.append(short.item(found, text, lines, fingerprinter.tokens))
    return made


# --- one word apart: one story ---------------------------------------------------------


def test_one_word_apart_is_one_story_of_near_copies() -> None:
    result = scan(ROTTERDAM, STOPPED, "An unrelated line about orchards and their careful pruning.")
    assert stories(result) == [["d0", "d1"]]
    (pair,) = result.pairs
    assert (pair.a, pair.b, pair.relation) == ("d0", "d1", "near-copy")
    assert pair.edit_similarity == pytest.approx(1 - 2 / 28, abs=1e-6)  # one word of 14
    # Jaccard and containment stay the word 5-shingle scores: what the copy tier misses.
    assert (pair.jaccard, pair.containment) == pytest.approx((5 / 15, 5 / 10), abs=1e-6)
    (member,) = [m for m in result.stories[0].members if m.relation != "origin"]
    assert member.relation == "near-copy"


def test_the_cli_reports_the_near_copy_with_its_edit_similarity(
    tmp_path: Path, validate: Any
) -> None:
    (tmp_path / "a.txt").write_text(ROTTERDAM, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STOPPED, encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", str(tmp_path), "--format", "json"])
    assert result.exit_code == EXIT_OK, result.stderr
    report = validate(result.stdout)
    (story,) = report["stories"]
    assert sorted(m["relation"] for m in story["members"]) == ["near-copy", "origin"]
    (pair,) = report["pairs"]
    assert pair["relation"] == "near-copy" and pair["edit_similarity"] == 0.928571
    near = next(m for m in story["members"] if m["relation"] == "near-copy")
    assert near["scores"]["edit_similarity"] == 0.928571
    text = CliRunner().invoke(app, ["scan", str(tmp_path)])
    assert text.exit_code == EXIT_OK and "edit similarity 0.93" in text.stdout
    table = CliRunner().invoke(app, ["scan", str(tmp_path), "--format", "csv"]).stdout
    rows = {row["relation"]: row for row in csv.DictReader(io.StringIO(table))}
    assert rows["near-copy"]["edit_similarity"] == "0.928571"


def test_five_tokens_are_enough_and_four_too_short() -> None:
    result = scan(
        "Harbour strike halts Rotterdam port",
        "Harbour strike stops Rotterdam port",
        "Harbour strike halts port",
        "Harbour strike stops port",
    )
    assert stories(result) == [["d0", "d1"]]
    assert {(t.doc_id, t.tokens) for t in result.too_short} == {("d2", 4), ("d3", 4)}


def test_compare_sees_the_near_copy() -> None:
    found = dedup.compare(dedup.Document("a", ROTTERDAM), dedup.Document("b", STOPPED))
    assert found is not None and found.relation == "near-copy"
    assert found.edit_similarity == pytest.approx(0.928571)
    other = dedup.Document("c", ROTTERDAM.replace("Monday", "Tuesday"))
    apart = dedup.compare(dedup.Document("a", ROTTERDAM), other)
    assert apart is not None and apart.relation is None and apart.edit_similarity is None


def test_dedup_compare_shows_the_short_route_rule(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ROTTERDAM, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STOPPED, encoding="utf-8")
    args = ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == EXIT_OK, result.output
    found = json.loads(result.stdout)
    jsonschema.validate(found, compare_report.schema())
    assert found["relation"] == "near-copy" and found["copy_tier"]["edit_similarity"] == 0.928571
    assert "short items 0.93 alike" in found["copy_tier"]["rule"]
    assert "short items 0.93 alike" in CliRunner().invoke(app, args).stdout


def test_the_route_can_be_turned_off() -> None:
    assert scan(ROTTERDAM, STOPPED, short_max_tokens=0).stories == ()


# --- a figure or a name changed: kept apart -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "edited"),
    [
        (ROTTERDAM, ROTTERDAM.replace("Monday", "Tuesday")),
        (ROTTERDAM, ROTTERDAM.replace("Rotterdam", "Antwerp")),
        (SHIPS, SHIPS.replace("3 ships", "4 ships")),
        (SHIPS, SHIPS.replace("3 ships", "three ships")),
        (STRIKE, STRIKE.replace("about", "nearly")),  # the same figure, another qualifier
        (DIVIDEND, DIVIDEND.replace("April one", "April three")),
        (WHEAT, WHEAT.replace("284-3/4", "284-1/2")),
        (FUND, FUND.replace("Massachusetts", "California")),  # Title Case: no name facts
        (FUND, FUND.replace("Massachusetts", "High-Yield")),
    ],
)
def test_a_changed_figure_or_name_keeps_them_apart(text: str, edited: str) -> None:
    """Close enough but for that one word, which the copy tier's shingles miss; the
    copy tier and the short route keep them apart (the rewrite tier has rules of its
    own, and aligns the two Title Case fund notices)."""
    a, b = items([text, edited])
    assert short.edit_similarity(a.tokens, b.tokens) >= 0.8
    assert scan(text, edited, short_max_tokens=0, rewrites=False).pairs == ()
    assert scan(text, edited, rewrites=False).pairs == ()


@pytest.mark.parametrize(
    ("text", "edited"),
    [
        # Reuters-21578 #1820 and #2340: one dividend told twice.
        (
            "Qtly dividend 22 cts vs 22 cts\nPay April 30\nRecord April 10",
            "Qtly div 22 cts vs 22 cts prior\nPay April 30\nRecord April 10",
        ),
        # A name only added (a dateline): a longer version of one item.
        (ROTTERDAM, "ROTTERDAM (Reuters) - " + ROTTERDAM),
        (SHIPS, SHIPS.replace("halted", "stopped")),
    ],
)
def test_the_same_figures_and_names_in_other_words_are_one_item(text: str, edited: str) -> None:
    a, b = items([text, edited])
    pair = short.verify(a, b, dedup.ScanConfig())
    assert pair is not None and pair.relation == "near-copy"
    assert pair.edit_similarity is not None and pair.edit_similarity >= 0.8


def test_a_few_tokens_inside_a_long_article_are_not_its_copy() -> None:
    """Below ``copy_min_tokens`` a handful of 5-shingles, all found in a long article,
    would make a containment of 1.0: only identical texts and the short route pair."""
    words = top_n_list("en", 2000)[500:700]
    long_text = " ".join(words[:60]) + " the port authority said on monday " + " ".join(words[60:])
    result = scan(
        "The port authority said on Monday.", long_text, "the port authority said on monday"
    )
    assert stories(result) == [["d0", "d2"]]  # identical normalised texts: copies
    assert {p.relation for p in result.pairs} == {"copy"}


# --- shared boilerplate lines group nothing ---------------------------------------------

HEADER = "the desk notes this item was filed late by staff"
FOOTER = "and readers may send any corrections to the editors today"


def unrelated(count: int) -> list[str]:
    """``count`` short items of five distinct lower-case words each, between a shared
    header and footer of ten tokens each, a site label and a copyright line."""
    words = [w for w in top_n_list("en", 5000)[800:] if w.isalpha() and w.isascii()]
    return [
        f"Reuters\n{HEADER}\n{' '.join(words[5 * n : 5 * n + 5])}\n{FOOTER}\nAll rights reserved."
        for n in range(count)
    ]


def test_fifty_unrelated_items_sharing_lines_group_nothing() -> None:
    texts = unrelated(50)
    result = scan(*texts)
    assert result.stories == () and result.pairs == ()
    assert len(result.singletons) == 50 and result.too_short == ()
    # What setting the shared lines aside prevents: with them, every two items are 0.8
    # alike, with no figure or name to tell them apart. (The corpus's repeated-line
    # stage takes such short multi-line texts for hard-wrapped wire copy: it never
    # counts their lines.)
    kept = dedup.ScanConfig(repeated_line_groups=1000)
    assert len(list(short.find_pairs(items(texts), kept))) >= 0.95 * 50 * 49 / 2


def test_a_figure_in_a_shared_line_still_counts() -> None:
    """Two dividends of other amounts, each amount's line shared by five notices: set
    aside from the comparison, the rest is identical, but the figures still differ."""
    forms = ["Qtly div 25 cts vs 25 cts prior", "Qtly div ten cts vs ten cts prior"]
    texts = [f"{form}\nPay May {day}\nRecord April 2" for form in forms for day in range(1, 6)]
    texts += [f"{form}\nPay April 30\nRecord April 16" for form in forms]
    first, second = items(texts)[-2:]
    aside = frozenset(map(boilerplate.line_key, forms))
    first, second = replace(first, shared=aside), replace(second, shared=aside)
    assert first.tokens == second.tokens
    assert short.verify(first, second, dedup.ScanConfig()) is None
    assert scan(*texts, rewrites=False).pairs == ()


def test_a_bucket_larger_than_the_bound_gives_no_candidates() -> None:
    """Shared lines not set aside, the bound on bucket size still keeps a form that
    many items share from pairing them."""
    made, kept = items(unrelated(1000)), dedup.ScanConfig(repeated_line_groups=10_000)
    assert list(short.find_pairs(made, kept)) == []
    assert len(list(short.find_pairs(made[:10], kept))) == 10 * 9 // 2


# --- symmetric, deterministic ------------------------------------------------------------

CORPUS = [
    ROTTERDAM,
    STOPPED,
    ROTTERDAM.replace("halted", "disrupted"),
    ROTTERDAM.replace("Monday", "Tuesday"),
    SHIPS,
    SHIPS.replace("3 ships", "4 ships"),
    SHIPS.replace("halted", "stopped"),
    "Harbour strike halts Rotterdam port",
    "Harbour strike stops Rotterdam port",
    DIVIDEND,
    DIVIDEND.replace("Qtly div", "Quarterly div"),
    DIVIDEND.replace("April one", "April three"),
    *unrelated(8),
]


def test_verification_is_symmetric() -> None:
    made = items(CORPUS)
    config = dedup.ScanConfig()
    found = 0
    for a, b in itertools.combinations(made, 2):
        assert short.verify(a, b, config) == short.verify(b, a, config)
        found += short.verify(a, b, config) is not None
    assert found >= 5


def test_output_is_the_same_whatever_jobs_and_order() -> None:
    docs = [dedup.Document(f"d{n:02d}", text) for n, text in enumerate(CORPUS)]
    one = dedup.to_json(dedup.scan_documents(docs, jobs=1))
    assert dedup.to_json(dedup.scan_documents(docs, jobs=2)) == one
    assert dedup.to_json(dedup.scan_documents(docs[::-1], jobs=2)) == one
    assert '"edit_similarity"' in one
