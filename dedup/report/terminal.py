"""Terminal rendering of a scan result: a readable summary, coloured on a terminal."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich import markup
from rich.console import Console
from rich.table import Table

from dedup.copies.pairing import Pair
from dedup.report.story_index import largest_first
from dedup.stories.ledger import StoryLedger
from dedup.stories.results import ScanResult, Story, StoryMember

SHOWN_CHARS = 160
"""Sentences longer than this are cut in the terminal view (JSON and HTML keep them)."""
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """Control characters (a newline in a file name, an escape sequence in an article)
    shown escaped, so that text from input stays on one line and cannot drive the
    terminal; so are bidirectional overrides, which could make a name display as another."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def escape(text: str) -> str:
    """Text from input, safe to print on a terminal through rich: ``one_line``, then
    rich markup escaped."""
    return markup.escape(one_line(text))


def render_text(result: ScanResult, console: Console, *, limit: int = 0) -> None:
    """The largest ``limit`` stories (0: all), largest first, with their origin, wire,
    members and evidence; the too-short articles (as many); a line counting what was
    left out; then the counts."""
    stories = largest_first(result.stories)
    shown = stories[:limit] if limit else stories
    for story in shown:
        _story(story, console)
    too_short = result.too_short[:limit] if limit else result.too_short
    for short in too_short:
        name = escape(short.doc_id)
        console.print(
            f"[yellow]too short to fingerprint[/yellow]: {name} ({short.tokens} tokens)",
            highlight=False,
        )
    left_out = _left_out(stories[len(shown) :], len(result.too_short) - len(too_short))
    if left_out:
        console.print(left_out, highlight=False)
    console.print(summary_line(result), highlight=False)


def _left_out(stories: Sequence[Story], too_short: int) -> str:
    """What ``--limit`` left out, counted, and how to see it."""
    parts = []
    if stories:
        documents = sum(len(s.members) for s in stories)
        parts.append(f"{len(stories)} smaller stories ({documents} documents)")
    if too_short:
        parts.append(f"{too_short} more too-short articles")
    if not parts:
        return ""
    return (
        f"not shown: {' and '.join(parts)}; --limit 0 shows all, and the json, "
        "markdown, html and csv formats list every one"
    )


def _story(story: Story, console: Console) -> None:
    wire = story.wire or "no wire named"
    table = Table(
        title=f"story {story.id} · {len(story.members)} members · wire: {escape(wire)}",
        title_justify="left",
        caption=f"origin {escape(story.origin)}: {escape(story.origin_reason)}",
        caption_justify="left",
    )
    for column in ("document", "relation", "scores", "wire", "title"):
        table.add_column(column)
    for member in story.members:
        table.add_row(
            escape(member.document),
            member.relation,
            escape(score_text(member)),
            escape(_wire(member, story.wire)),
            escape(member.member.title or ""),
        )
    console.print(table)
    for member in story.members:
        for evidence in member.wire_evidence:
            console.print(
                f"  {escape(member.document)} names {escape(evidence.agency)}: "
                f"[italic]{escape(evidence.text)}[/italic]",
                highlight=False,
            )
        if member.pair is not None and member.pair.rewrite is not None:
            console.print(
                f"  {escape(member.document)} is a {member.relation}"
                f"{_of(member)}: {escape(member.pair.rewrite.reason)}",
                highlight=False,
            )
    if story.ledger is not None:
        _ledger(story.ledger, console)
    console.print()


def _of(member: StoryMember) -> str:
    """' of VIA' for a member joined through another, else ''."""
    return "" if member.via is None else f" of {escape(member.via)}"


def _ledger(ledger: StoryLedger, console: Console) -> None:
    """Fact divergences, then what each member alone says and how much it drops."""
    for record in ledger.fact_divergences:
        wordings = "; ".join(f"{escape(v.text)} ({escape(v.document)})" for v in record.values)
        console.print(f"  [magenta]{record.kind} differs[/magenta]: {wordings}", highlight=False)
    for member in ledger.members:
        counts = {
            status: sum(1 for s in member.sentences if s.status == status)
            for status in ("shared", "divergent", "boilerplate")
        }
        console.print(
            f"  [bold]{escape(member.document)}[/bold]: {counts['shared']} shared, "
            f"{counts['divergent']} only here, {counts['boilerplate']} boilerplate, "
            f"{len(member.dropped)} of the origin's sentences dropped",
            highlight=False,
        )
        if unaligned := sum(1 for s in member.sentences if s.status == "unaligned"):
            console.print(
                f"    [yellow]{unaligned} sentences left unaligned[/yellow] (comparison cap)",
                highlight=False,
            )
        for sentence in member.divergent():
            console.print(f"    [yellow]+[/yellow] {escape(_cut(sentence.text))}", highlight=False)


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN_CHARS else flat[: SHOWN_CHARS - 1] + "…"


def score_text(member: StoryMember) -> str:
    """The numbers behind a member's relation, short enough for a table cell (led by
    the member it joined through, when it has no verified pair with the origin)."""
    pair = member.pair
    if pair is None:
        return ""
    if member.via is not None:
        return f"via {member.via}: {_pair_scores(pair)}"
    return _pair_scores(pair)


def _pair_scores(pair: Pair) -> str:
    """A pair's scores: the rewrite tier's evidence, else the copy tier's."""
    if pair.rewrite is not None:
        ev = pair.rewrite
        return (
            f"salient {ev.weighted_jaccard:.2f}, {ev.aligned} aligned, {len(ev.shared_facts)} facts"
        )
    scores = f"jaccard {pair.jaccard:.2f}, containment {pair.containment:.2f}"
    if pair.edit_similarity is not None:
        return f"edit similarity {pair.edit_similarity:.2f}, {scores}"
    return scores


def _wire(member: StoryMember, agency: str | None) -> str:
    if agency is None:
        return ""
    if member.wire_inferred_from:
        return f"{agency}, inferred from " + ", ".join(member.wire_inferred_from)
    return f"{agency}, explicit"


def summary_line(result: ScanResult) -> str:
    return (
        f"{result.documents} documents: {len(result.stories)} stories, "
        f"{len(result.pairs)} verified pairs, {len(result.singletons)} singletons, "
        f"{len(result.too_short)} too short, {len(result.skipped)} skipped"
    )


def timings_line(timings: dict[str, float]) -> str:
    parts = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in timings.items())
    return f"time per stage: {parts}"
