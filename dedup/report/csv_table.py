"""CSV report: one row per story member, for spreadsheets and pandas.

Columns (``COLUMNS``): the story's id and size, the member's document and relation to
the origin (``via``: the member it joined through, when it has no verified pair with
the origin), its scores (empty where they do not apply), the story's wire and how this
member shows it, and the member's metadata. Stories in the scan's order, members in
the story's. A text cell that a spreadsheet would run as a formula (one starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written after a ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from dedup.stories.results import ScanResult, Story, StoryMember

COLUMNS = (
    "story",
    "story_size",
    "document",
    "relation",
    "origin",
    "via",
    "jaccard",
    "containment",
    "edit_similarity",
    "weighted_jaccard",
    "aligned_sentences",
    "aligned_share",
    "shared_facts",
    "wire",
    "wire_basis",
    "title",
    "date",
    "source",
    "url",
    "tokens",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None


def csv_rows(result: ScanResult) -> Iterator[str]:
    """The header, then a line per story member (RFC 4180: quoted where needed, CRLF)."""
    yield _line(COLUMNS)
    for story in result.stories:
        for member in story.members:
            yield _line(row(story, member))


def row(story: Story, member: StoryMember) -> tuple[Cell, ...]:
    """One member's cells, in ``COLUMNS`` order."""
    pair, meta = member.pair, member.member
    rewrite = pair.rewrite if pair is not None else None
    return (
        story.id,
        len(story.members),
        member.document,
        member.relation,
        story.origin,
        member.via,
        pair.jaccard if pair else None,
        pair.containment if pair else None,
        pair.edit_similarity if pair else None,
        rewrite.weighted_jaccard if rewrite else None,
        rewrite.aligned if rewrite else None,
        rewrite.aligned_share if rewrite else None,
        len(rewrite.shared_facts) if rewrite else None,
        story.wire,
        _wire_basis(story, member),
        meta.title,
        meta.date,
        meta.source,
        meta.url,
        meta.tokens,
    )


def _wire_basis(story: Story, member: StoryMember) -> str | None:
    """``explicit`` when the member names the wire, ``inferred`` when it is inferred
    from the members that do, empty when the story has no wire."""
    if story.wire is None:
        return None
    return "inferred" if member.wire_inferred_from else "explicit"


def _line(cells: Sequence[Cell]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_cell(c) for c in cells])
    return buffer.getvalue()


def _cell(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value
