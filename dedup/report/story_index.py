"""The stories of a scan as an index, for reports of thousands of them: largest first,
each with its size, wire, origin and mix of relations. The terminal, Markdown and HTML
reports read it; it uses story- and member-level fields only."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from dedup.stories.results import Story

RELATIONS = ("copy", "near-copy", "rewrite", "same-story")
_NOT_ANCHOR = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One line of the index: a story, its anchor in the report and its make-up."""

    story: Story
    anchor: str
    size: int
    wire: str
    origin: str
    origin_title: str
    relations: str


def largest_first(stories: Sequence[Story]) -> list[Story]:
    """The stories by member count, largest first; ties keep the scan's order."""
    return sorted(stories, key=lambda story: -len(story.members))


def anchor(story: Story) -> str:
    """The fragment that links to a story's section of a report: ``story-`` and the id
    (``s-`` and hex digits), any other character as ``_`` so that it needs no escaping
    in a link or an attribute."""
    return "story-" + _NOT_ANCHOR.sub("_", story.id)


def relation_mix(story: Story) -> str:
    """How the members relate to the origin, e.g. ``2 copy, 1 rewrite``."""
    counts = Counter[str](m.relation for m in story.members)
    return ", ".join(f"{counts[r]} {r}" for r in RELATIONS if counts[r])


def entries(stories: Sequence[Story]) -> list[IndexEntry]:
    """The index of a scan's stories, largest first."""
    found = []
    for story in largest_first(stories):
        origin = next((m for m in story.members if m.document == story.origin), None)
        found.append(
            IndexEntry(
                story=story,
                anchor=anchor(story),
                size=len(story.members),
                wire=story.wire or "none named",
                origin=story.origin,
                origin_title=(origin.member.title if origin else None) or "",
                relations=relation_mix(story),
            )
        )
    return found
