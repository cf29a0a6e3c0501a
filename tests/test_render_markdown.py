"""The Markdown report: story provenance, each member's ledger under its own heading,
article text that cannot inject markup, deterministic output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ARTICLE, NEAR_COPY

import dedup
from dedup.report.markdown import escape, to_markdown
from dedup.report.terminal import summary_line
from dedup.stories.ledger import StoryLedger

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
INJECTED = (
    "<script>document.title='pwned'</script> The mayor | said <img src=x onerror=alert(1)> "
    "that *all* [costs](http://evil.example) are `covered` by _the_ levy on port operators."
)
INJECTED_ID = "b|<i>.txt"


@pytest.fixture(scope="module")
def seeds() -> dedup.ScanResult:
    return dedup.scan([str(SEEDS)])


@pytest.fixture(scope="module")
def injected() -> dedup.ScanResult:
    """Two near copies; the second ends with a line of markup and has a hostile id."""
    docs = [
        dedup.Document("a.txt", ARTICLE),
        dedup.Document(INJECTED_ID, NEAR_COPY + "\n" + INJECTED),
    ]
    return dedup.scan_documents(docs)


def ledger_of(result: dedup.ScanResult) -> StoryLedger:
    (story,) = result.stories
    assert story.ledger is not None
    return story.ledger


def section(markdown: str, heading: str) -> str:
    """The text under the first ``### `` heading that starts with ``heading``, up to
    the next heading of level 2 or 3."""
    start = markdown.index(f"\n### {heading}")
    end = re.compile(r"\n##+ ").search(markdown, start + 1)
    return markdown[start : end.start() if end else len(markdown)]


def block(text: str, title: str) -> str:
    """The list after the bold ``title`` line, up to the next bold line or details."""
    if f"**{title}" not in text:
        return ""
    rest = text.split(f"**{title}", 1)[1]
    return re.split(r"\n\*\*|\n<details>", rest, maxsplit=1)[0]


def test_story_heading_names_the_id_wire_and_origin(seeds: dedup.ScanResult) -> None:
    markdown = to_markdown(seeds)
    (story,) = seeds.stories
    headings = [line for line in markdown.splitlines() if line.startswith("## Story ")]
    assert len(headings) == 1
    assert story.id in headings[0]
    assert "wire: Reuters" in headings[0]
    assert escape(story.origin) in headings[0]
    assert escape(story.origin_reason) in markdown
    assert markdown.rstrip("\n").splitlines()[-1] == summary_line(seeds)


def test_wire_evidence_is_quoted_under_its_member(seeds: dedup.ScanResult) -> None:
    evidence = section(to_markdown(seeds), "Wire evidence")
    (story,) = seeds.stories
    items = re.split(r"\n- ", evidence)
    for member in story.members:
        item = next(i for i in items if i.startswith(f"**{escape(member.document)}**"))
        for found in member.wire_evidence:
            assert f"“{escape(found.text)}”" in item
        if member.wire_inferred_from:
            assert "inferred from " + ", ".join(map(escape, member.wire_inferred_from)) in item


def test_members_table_has_a_row_per_member_with_its_relation(seeds: dedup.ScanResult) -> None:
    (story,) = seeds.stories
    table = [r for r in section(to_markdown(seeds), "Members").splitlines() if r.startswith("|")]
    rows = {r.split(" | ")[0].removeprefix("| "): r.split(" | ")[1] for r in table[2:]}
    assert rows == {escape(m.document): m.relation for m in story.members}
    assert rows[escape(story.origin)] == "origin"


def test_each_member_section_lists_its_own_divergent_sentences(seeds: dedup.ScanResult) -> None:
    markdown = to_markdown(seeds)
    ledger = ledger_of(seeds)
    for member in ledger.members:
        listed = block(section(markdown, escape(member.document)), "Only in this member")
        lines = [line for line in listed.splitlines() if line.startswith("- s")]
        expected = [f"- s{s.index}: {escape(s.text)}" for s in member.divergent()]
        assert lines == expected
        assert expected, f"{member.document} adds nothing: the seeds should each add something"


def test_boilerplate_is_listed_apart_from_the_divergent_sentences(
    seeds: dedup.ScanResult,
) -> None:
    markdown = to_markdown(seeds)
    ledger = ledger_of(seeds)
    css = ".elementor-panel-state-loading"
    assert any(
        css in s.text and s.status == "boilerplate" for m in ledger.members for s in m.sentences
    )
    for member in ledger.members:
        text = section(markdown, escape(member.document))
        chrome = [s for s in member.sentences if s.status == "boilerplate"]
        details = text.split("<details>", 1)[1] if chrome else ""
        divergent = block(text, "Only in this member")
        for s in chrome:
            line = f"- s{s.index}: {escape(s.text)}"
            assert line in details
            assert line not in divergent
    (chromed,) = {
        m.document for m in ledger.members for s in m.sentences if css in s.text
    }  # the member padded with site chrome
    padded = section(markdown, escape(chromed))
    assert css in padded.split("<details>", 1)[1]
    assert css not in block(padded, "Only in this member")


def test_dropped_sentences_are_the_origins_text(seeds: dedup.ScanResult) -> None:
    markdown = to_markdown(seeds)
    (story,) = seeds.stories
    ledger = ledger_of(seeds)
    origin = {s.index: s.text for s in ledger.member(story.origin).sentences}
    for member in ledger.members:
        listed = block(section(markdown, escape(member.document)), "Origin sentences it drops")
        lines = [line for line in listed.splitlines() if line.startswith("- s")]
        assert lines == [f"- s{i}: {escape(origin[i])}" for i in member.dropped]


def test_every_fact_wording_is_listed_with_document_and_sentence(
    seeds: dedup.ScanResult,
) -> None:
    facts = section(to_markdown(seeds), "Facts stated differently")
    divergences = ledger_of(seeds).fact_divergences
    assert divergences, "the seeds state the number of US troops differently"
    for record in divergences:
        assert f"- **{record.kind}**" in facts
        for v in record.values:
            assert f"{escape(v.document)}, sentence {v.index}: “{escape(v.text)}”" in facts


def test_article_text_and_ids_cannot_inject_markup(injected: dedup.ScanResult) -> None:
    markdown = to_markdown(injected)
    ledger = ledger_of(injected)
    assert any("<script>" in s.text for m in ledger.members for s in m.divergent())
    assert "<script" not in markdown
    assert "<img" not in markdown
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in markdown
    assert "[costs](" not in markdown
    assert r"\[costs\](http://evil.example)" in markdown
    assert r"\*all\*" in markdown
    assert r"\`covered\`" in markdown
    table = [r for r in section(markdown, "Members").splitlines() if r.startswith("|")]
    unescaped_pipes = [len(re.findall(r"(?<!\\)\|", row)) for row in table]
    assert unescaped_pipes == [6] * len(table)
    assert "### b\\|&lt;i&gt;.txt" in markdown


def test_escape_neutralises_markdown_and_html() -> None:
    assert escape("a|b") == r"a\|b"
    assert escape("<b>&") == "&lt;b&gt;&amp;"
    assert escape("*x* _y_ `z` [l] ~s~ #h \\") == r"\*x\* \_y\_ \`z\` \[l\] \~s\~ \#h \\"
    assert escape("1. first") == r"1\. first"
    assert escape("- item") == r"\- item"
    assert escape("two\nlines") == "two lines"


def test_output_is_deterministic(seeds: dedup.ScanResult) -> None:
    first = to_markdown(seeds)
    assert first == to_markdown(seeds)
    assert first == to_markdown(dedup.scan([str(SEEDS)]))
