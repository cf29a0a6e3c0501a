"""HTML report: one self-contained page (inline CSS, no scripts, no external assets)
that shows each story's members side by side, sentence by sentence.

Every piece of article text goes through ``html.escape`` before any markup is put
around it, so no document can inject tags or scripts into the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from dedup.report import story_index
from dedup.report.markdown import origin_first
from dedup.report.terminal import score_text, summary_line
from dedup.stories.ledger import LedgerSentence, MemberLedger, StoryLedger
from dedup.stories.results import ScanResult, Story, StoryMember

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1d1d1f;background:#f6f6f8}
h1{font-size:1.5rem;margin:0}h2{font-size:1.2rem;margin:0 0 .5rem}h3{font-size:1rem;margin:.2rem 0}
.legend span{margin-right:1rem}.boilerplate{color:#a0a0a0;font-size:.85em}
.story{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1rem 1.25rem;margin:1.5rem 0}
.provenance p{margin:.2rem 0}.wire{font-weight:700}
.evidence{margin:.3rem 0 .8rem;padding-left:1.2rem}.evidence q{font-style:italic}
.doc{font-family:monospace;font-size:.85em;background:#eceef6;padding:0 .25em;border-radius:3px}
.facts{background:#fff4e5;border:1px solid #f0b060;border-left:5px solid #e67e22;
border-radius:6px;padding:.5rem 1rem;margin:.8rem 0}.facts ul{margin:.2rem 0;padding-left:1.2rem}
mark.fact{background:#ffb38a;border-radius:2px;padding:0 .1em}
.scroll{overflow-x:auto;border:1px solid #e3e3e3}
table.side-by-side{border-collapse:collapse;table-layout:fixed}
.side-by-side th,.side-by-side td{width:15rem;min-width:15rem;max-width:15rem;
vertical-align:top;text-align:left;border:1px solid #e6e6e6;padding:.25rem .4rem}
.side-by-side th{background:#f1f2f6;font-weight:400}
.meta{color:#555;font-size:.85em}.sentence{margin:.1rem 0;padding:.1rem .3rem;border-radius:3px}
.sentence .n{color:#999;font-size:.75em;margin-right:.35em}
.divergent{background:#fff59d;border-left:3px solid #f9a825}
.dropped{color:#b03a2e;font-style:italic;font-size:.85em;border:1px dashed #e6a19a;
padding:.1rem .3rem;border-radius:3px}
.badge{display:inline-block;padding:0 .5em;border-radius:9px;font-size:.75em;font-weight:700;
color:#fff;background:#666}
.origin{background:#2e7d32}.copy{background:#1565c0}.near-copy{background:#6a1b9a}.same-story{background:#8d6e63}
.rewrite{background:#ef6c00}
table.stories{border-collapse:collapse;background:#fff;margin:.5rem 0 1rem}
.stories th,.stories td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;
vertical-align:top}
.stories th{background:#f1f2f6}.stories td.n{text-align:right}
a.up{font-size:.75rem;font-weight:400;margin-left:.5rem}
"""


@dataclass(slots=True)
class Row:
    """One row of the side-by-side grid: each member's sentences that say the same,
    built around an origin sentence (``origin_index``) or around an addition."""

    key: tuple[int, int, int]
    cells: dict[str, list[LedgerSentence]] = field(default_factory=dict)
    origin_index: int | None = None


def to_html(result: ScanResult) -> str:
    """The whole scan as one self-contained HTML5 page."""
    stories = len(result.stories)
    title = f"dedup report: {stories} {'story' if stories == 1 else 'stories'}"
    summary = f'<p class="summary">{escape(summary_line(result))}</p>'
    return "\n".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>",
            f"<header><h1>{escape(title)}</h1>{summary}{_legend()}</header>",
            _index(result.stories),
            *(_story(story) for story in result.stories),
            _unstoried(result),
            f"<footer>{summary}</footer>\n</body>\n</html>\n",
        ]
    )


def _legend() -> str:
    """What the colours mean, shown once above the stories."""
    return (
        '<p class="legend"><span class="swatch divergent">only in this member</span>'
        '<span class="swatch">shared with another member</span>'
        '<span class="swatch boilerplate">page chrome</span>'
        '<span class="swatch dropped">origin sentence this member lacks</span>'
        '<span><mark class="fact">fact stated differently</mark></span></p>'
    )


def _index(stories: Sequence[Story]) -> str:
    """A table of the stories, largest first, each linking to its section."""
    if not stories:
        return ""
    head = "".join(
        f"<th>{name}</th>"
        for name in ("story", "members", "wire", "origin", "origin title", "relations")
    )
    rows = []
    for entry in story_index.entries(stories):
        link = f'<a href="#{entry.anchor}">{escape(entry.story.id)}</a>'
        cells = (entry.wire, entry.origin, entry.origin_title, entry.relations)
        rest = "".join(f"<td>{escape(c)}</td>" for c in cells)
        rows.append(
            f'<tr data-story="{escape(entry.story.id)}"><td>{link}</td>'
            f'<td class="n">{entry.size}</td>{rest}</tr>'
        )
    return (
        f'<nav class="index" id="index"><h2>Index of stories ({len(stories)}, largest '
        f'first)</h2><table class="stories"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></nav>"
    )


def _story(story: Story) -> str:
    members = origin_first(story)
    parts = [
        f'<section class="story" id="{story_index.anchor(story)}" data-story="{escape(story.id)}">',
        f"<h2>Story {escape(story.id)} · {len(members)} members "
        '<a class="up" href="#index">index</a></h2>',
        _provenance(story, members),
    ]
    if story.ledger is None:
        parts.append(_grid(members, None, []))
        parts.append('<p class="meta">No sentence ledger: the scan ran without it.</p>')
    else:
        parts.append(_facts(story.ledger))
        parts.append(_grid(members, story.ledger, rows(story.origin, story.ledger, members)))
    return "\n".join([*parts, "</section>"])


def _provenance(story: Story, members: Sequence[StoryMember]) -> str:
    """The wire with each member's evidence for it, then the origin and why."""
    wire = escape(story.wire) if story.wire else "none named"
    items = []
    for m in members:
        doc = f'<span class="doc">{escape(m.document)}</span>'
        for text, kind in dict.fromkeys((e.text, e.kind) for e in m.wire_evidence):
            agencies = ", ".join(e.agency for e in m.wire_evidence if e.text == text)
            quote = f"<q>{escape(text)}</q>"
            items.append(f"{doc} names {escape(agencies)} ({escape(kind)}): {quote}")
        if m.wire_inferred_from:
            sources = ", ".join(escape(d) for d in m.wire_inferred_from)
            items.append(f"{doc} inferred from {sources}")
    evidence = "".join(f"<li>{item}</li>" for item in items)
    return (
        f'<div class="provenance"><p>Wire: <span class="wire">{wire}</span></p>'
        f'<ul class="evidence">{evidence}</ul>'
        f'<p>Origin: <span class="doc">{escape(story.origin)}</span>: '
        f"{escape(story.origin_reason)}</p></div>"
    )


def _facts(ledger: StoryLedger) -> str:
    """The facts the members state differently, each member's wording highlighted."""
    if not ledger.fact_divergences:
        return '<div class="facts"><h3>Facts</h3>The members agree on every aligned fact.</div>'
    items = []
    for record in ledger.fact_divergences:
        values = "".join(
            f'<li><span class="doc">{escape(v.document)}</span> s{v.index}: '
            f'<mark class="fact">{escape(v.text)}</mark></li>'
            for v in record.values
        )
        items.append(f"<li>{escape(record.kind)}<ul>{values}</ul></li>")
    heading = f"<h3>Facts stated differently ({len(items)})</h3>"
    return f'<div class="facts">{heading}<ul>{"".join(items)}</ul></div>'


def rows(origin: str, ledger: StoryLedger, members: Sequence[StoryMember]) -> list[Row]:
    """The side-by-side rows: one per origin sentence with each member's sentences of
    its sentence group, then each remaining sentence (with the later columns' sentences
    of its group) after the row holding its member's previous sentence."""
    columns = [ledger.member(m.document) for m in members]
    found = [Row((i, 0, 0), {origin: [s]}, s.index) for i, s in enumerate(columns[0].sentences)]
    position = {s.index: i for i, s in enumerate(columns[0].sentences)}
    homes = {g.id: g.index for g in ledger.groups if g.document == origin}
    for column in columns[1:]:
        for s in column.sentences:
            home = homes.get(s.group) if s.group is not None else None
            if home is not None:
                found[position[home]].cells.setdefault(column.document, []).append(s)
    return sorted([*found, *_additions(columns[1:], found)], key=lambda r: r.key)


def _additions(columns: Sequence[MemberLedger], placed: Sequence[Row]) -> list[Row]:
    """Rows for sentences whose group the origin does not open, in each member's
    order: a sentence joins the row of its group when one is placed, else the row
    after its member's previous sentence (one row per run of ungrouped sentences)."""
    where = {(d, s.index): r for r in placed for d, ss in r.cells.items() for s in ss}
    groups: dict[int, Row] = {}
    for row in placed:
        for cell in row.cells.values():
            for s in cell:
                if s.group is not None:
                    groups.setdefault(s.group, row)
    extra: list[Row] = []
    for column in columns:
        anchor = -1  # the furthest row holding one of this member's earlier sentences
        for s in column.sentences:
            found = where.get((column.document, s.index))
            if found is None:
                joined = groups.get(s.group) if s.group is not None else None
                found = joined if joined is not None else _after(column.document, s, anchor, extra)
                found.cells.setdefault(column.document, []).append(s)
                where[(column.document, s.index)] = found
                if s.group is not None:
                    groups.setdefault(s.group, found)
            anchor = max(anchor, found.key[0])
    return extra


def _after(doc: str, sentence: LedgerSentence, anchor: int, extra: list[Row]) -> Row:
    """The row after row ``anchor`` for this sentence: the last added row when it and
    this sentence are a run of ``doc``'s in no group, else a new row."""
    last = extra[-1] if extra else None
    if (
        last is not None
        and list(last.cells) == [doc]
        and last.key[0] == anchor
        and last.cells[doc][-1].index == sentence.index - 1
        and sentence.group is None
        and last.cells[doc][-1].group is None
    ):
        return last
    extra.append(Row((anchor, 1, len(extra))))
    return extra[-1]


def _grid(members: Sequence[StoryMember], ledger: StoryLedger | None, found: list[Row]) -> str:
    """The members as columns, the rows of aligned sentences beneath them."""
    head = "".join(_header(m, ledger) for m in members)
    marks = _fact_marks(ledger)
    body = "".join(_row(row, members, ledger, marks) for row in found) if ledger else ""
    return (
        '<div class="scroll"><table class="side-by-side">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _header(member: StoryMember, ledger: StoryLedger | None) -> str:
    """A member's column head: relation badge, id, title, scores and counts."""
    relation = escape(member.relation)
    meta = [member.member.title or "", score_text(member)]
    if member.pair is not None and member.pair.rewrite is not None:
        meta.append(member.pair.rewrite.reason)
    if ledger is not None:
        own = ledger.member(member.document)
        shared = sum(s.status == "shared" for s in own.sentences)
        dropped = f"{len(own.dropped)} origin sentences dropped"
        meta.append(f"{shared} shared, {len(own.divergent())} divergent, {dropped}")
    lines = "".join(f'<div class="meta">{escape(x)}</div>' for x in meta if x)
    return (
        f'<th class="member" data-document="{escape(member.document)}" scope="col">'
        f'<span class="badge {relation}">{relation}</span> '
        f'<span class="doc">{escape(member.document)}</span>{lines}</th>'
    )


_Marks = Mapping[tuple[str, int], list[str]]  # the diverging fact wordings per sentence


def _fact_marks(ledger: StoryLedger | None) -> _Marks:
    """The diverging fact wordings in each (document, sentence index)."""
    marks: dict[tuple[str, int], list[str]] = {}
    for record in ledger.fact_divergences if ledger else ():
        for v in record.values:
            marks.setdefault((v.document, v.index), []).append(v.text)
    return marks


def _row(row: Row, members: Sequence[StoryMember], ledger: StoryLedger, marks: _Marks) -> str:
    """One table row, a cell per member in column order."""
    kind = "aligned" if row.origin_index is not None else "added"
    cells = "".join(_cell(row, ledger.member(m.document), marks) for m in members)
    return f'<tr class="{kind}">{cells}</tr>'


def _cell(row: Row, member: MemberLedger, marks: _Marks) -> str:
    """One member's sentences in a row, after a marker when it lacks the origin's."""
    doc = member.document
    inner = "".join(
        _sentence(doc, s, marks.get((doc, s.index), [])) for s in row.cells.get(doc, [])
    )
    if row.origin_index in member.dropped:  # also when it only matches another member's
        inner = f'<p class="dropped">lacks origin sentence {row.origin_index}</p>{inner}'
    return f'<td data-document="{escape(doc)}">{inner}</td>'


def _sentence(doc: str, sentence: LedgerSentence, facts: Sequence[str]) -> str:
    """A sentence with its status class, and its sentence group in the tooltip."""
    tip: str = sentence.status
    if sentence.group is not None:
        others = "member" if sentence.shared_with == 1 else "members"
        tip = f"group {sentence.group}, shared with {sentence.shared_with} other {others}"
        if sentence.kind is not None and sentence.score is not None:
            tip += f" ({sentence.kind} {sentence.score:.2f})"
    group = "" if sentence.group is None else f' data-group="{sentence.group}"'
    return (
        f'<p class="sentence {sentence.status}" data-document="{escape(doc)}" '
        f'data-index="{sentence.index}"{group} title="{escape(tip)}">'
        f'<span class="n">{sentence.index}</span>{highlight(sentence.text, facts)}</p>'
    )


def highlight(text: str, phrases: Iterable[str]) -> str:
    """``text`` escaped, with the first occurrence of each phrase wrapped in ``<mark>``
    (overlaps resolved left to right); markup is only ever put around escaped text."""
    spans = sorted({(i, i + len(p)) for p in phrases if p and (i := text.find(p)) >= 0})
    out, at = [], 0
    for start, end in spans:
        if start >= at:
            out += [escape(text[at:start]), f'<mark class="fact">{escape(text[start:end])}</mark>']
            at = end
    return "".join([*out, escape(text[at:])])


def _unstoried(result: ScanResult) -> str:
    """Documents outside any story: singletons, too short, skipped."""
    groups = {
        "Singletons": list(result.singletons),
        "Too short to fingerprint": [f"{t.doc_id} ({t.tokens} tokens)" for t in result.too_short],
        "Skipped": [s.message() for s in result.skipped],
    }
    parts = [
        f"<h3>{name}</h3><ul>{''.join(f'<li>{escape(x)}</li>' for x in items)}</ul>"
        for name, items in groups.items()
        if items
    ]
    return f'<section class="others">{"".join(parts)}</section>' if parts else ""
