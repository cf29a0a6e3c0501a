"""Markdown report: each story's provenance, members and sentence ledger as text.

Article text and document ids go through ``escape`` so that no document can add
headings, links, emphasis, table cells or raw HTML to the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from dedup.report import story_index
from dedup.report.terminal import score_text, summary_line
from dedup.stories.ledger import FactDivergence, LedgerSentence, MemberLedger
from dedup.stories.results import ScanResult, Story, StoryMember

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PUNCTUATION = re.compile(r"([\\`*_\[\]|~#])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def escape(text: str) -> str:
    """One line of literal Markdown text: whitespace collapsed, HTML characters as
    entities, markup characters backslash-escaped (also a list marker at the start)."""
    text = " ".join(text.split())
    text = "".join(_ENTITIES.get(c, c) for c in text)
    text = _PUNCTUATION.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def origin_first(story: Story) -> tuple[StoryMember, ...]:
    """The story's members with the origin first, the rest in story order."""
    return tuple(sorted(story.members, key=lambda m: m.document != story.origin))


def to_markdown(result: ScanResult) -> str:
    """The whole scan as one Markdown document: the counts, an index of the stories
    (largest first) linking to each, the stories, and the summary line again."""
    lines = ["# dedup report", "", summary_line(result), "", *_index(result.stories)]
    for story in result.stories:
        lines += _story(story)
    lines += _unstoried(result)
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def _index(stories: Sequence[Story]) -> list[str]:
    """A table of the stories, largest first, each linking to its section."""
    if not stories:
        return []
    lines = [
        "## Index of stories",
        "",
        "| story | members | wire | origin | origin title | relations |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for entry in story_index.entries(stories):
        link = f"[{escape(entry.story.id)}](#{entry.anchor})"
        cells = (entry.wire, entry.origin, entry.origin_title, entry.relations)
        lines.append(f"| {link} | {entry.size} | " + " | ".join(map(escape, cells)) + " |")
    return [*lines, ""]


def _story(story: Story) -> list[str]:
    """Anchor, heading, provenance, members table, fact divergences, then each member."""
    wire = escape(story.wire) if story.wire else "none named"
    lines = [
        f'<a id="{story_index.anchor(story)}"></a>',
        "",
        f"## Story {escape(story.id)} · wire: {wire} · origin: {escape(story.origin)}",
        "",
        f"- **Wire:** {wire}",
        f"- **Origin:** {escape(story.origin)}: {escape(story.origin_reason)}",
        f"- **Members:** {len(story.members)}",
        "",
        *_wire_evidence(story),
        *_members_table(story),
    ]
    if story.ledger is None:
        return [*lines, "_No sentence ledger: the scan ran without it._", ""]
    lines += _facts(story.ledger.fact_divergences)
    origin = story.ledger.member(story.origin)
    for member in origin_first(story):
        lines += _member(member, story.ledger.member(member.document), origin)
    return lines


def _wire_evidence(story: Story) -> list[str]:
    """Each member's own wire sentences quoted, or the members its wire is inferred from."""
    lines = ["### Wire evidence", ""]
    for member in origin_first(story):
        doc = escape(member.document)
        if member.wire_evidence:
            lines.append(f"- **{doc}**")
            lines += [
                f"  - {escape(e.agency)} ({e.kind}): “{escape(e.text)}”"
                for e in member.wire_evidence
            ]
        elif member.wire_inferred_from:
            sources = ", ".join(escape(d) for d in member.wire_inferred_from)
            lines.append(f"- **{doc}**: inferred from {sources}")
        else:
            lines.append(f"- **{doc}**: no wire named")
    return [*lines, ""]


def _members_table(story: Story) -> list[str]:
    """One row per member, origin first: relation, the scores behind it, why."""
    lines = [
        "### Members",
        "",
        "| document | relation | scores | why | title |",
        "| --- | --- | --- | --- | --- |",
    ]
    for m in origin_first(story):
        why = m.pair.rewrite.reason if m.pair is not None and m.pair.rewrite is not None else ""
        cells = (m.document, m.relation, score_text(m), why, m.member.title or "")
        lines.append("| " + " | ".join(escape(c) for c in cells) + " |")
    return [*lines, ""]


def _facts(divergences: Iterable[FactDivergence]) -> list[str]:
    """Each fact the members state differently, with every member's wording."""
    lines = ["### Facts stated differently", ""]
    for record in divergences:
        lines.append(f"- **{escape(record.kind)}**")
        lines += [
            f"  - {escape(v.document)}, sentence {v.index}: “{escape(v.text)}”"
            for v in record.values
        ]
    if len(lines) == 2:
        lines.append("None: the members agree on every aligned fact.")
    return [*lines, ""]


def _member(member: StoryMember, ledger: MemberLedger, origin: MemberLedger) -> list[str]:
    """What one member alone adds, how much it shares, what it drops, its chrome."""
    shared = [s for s in ledger.sentences if s.status == "shared"]
    boilerplate = [s for s in ledger.sentences if s.status == "boilerplate"]
    divergent = ledger.divergent()
    dropped = [s for s in origin.sentences if s.index in set(ledger.dropped)]
    lines = [
        f"### {escape(member.document)} ({member.relation})",
        "",
        f"Shares {len(shared)} sentences with other members; {len(divergent)} divergent; "
        f"drops {len(dropped)} of the origin's sentences; {len(boilerplate)} boilerplate lines.",
        "",
    ]
    unaligned = sum(1 for s in ledger.sentences if s.status == "unaligned")
    if unaligned:
        lines += [f"{unaligned} sentences left unaligned: the member used up its comparisons.", ""]
    lines += _sentence_list("Only in this member (divergent)", divergent)
    lines += _sentence_list("Origin sentences it drops", dropped)
    if boilerplate:
        lines += [f"<details><summary>Boilerplate: {len(boilerplate)} lines</summary>", ""]
        lines += [_sentence_line(s) for s in boilerplate]
        lines += ["", "</details>", ""]
    return lines


def _sentence_list(title: str, sentences: Sequence[LedgerSentence]) -> list[str]:
    if not sentences:
        return []
    return [f"**{title}:**", "", *(_sentence_line(s) for s in sentences), ""]


def _sentence_line(sentence: LedgerSentence) -> str:
    return f"- s{sentence.index}: {escape(sentence.text)}"


def _unstoried(result: ScanResult) -> list[str]:
    """Documents outside any story: singletons, too short, skipped."""
    lines: list[str] = []
    if result.singletons:
        lines += ["## Singletons", "", *(f"- {escape(d)}" for d in result.singletons), ""]
    if result.too_short:
        lines += ["## Too short to fingerprint", ""]
        lines += [f"- {escape(t.doc_id)} ({t.tokens} tokens)" for t in result.too_short]
        lines.append("")
    if result.skipped:
        lines += ["## Skipped", "", *(f"- {escape(s.message())}" for s in result.skipped), ""]
    return lines
