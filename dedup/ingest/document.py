"""The records that flow out of ingest: an article, or the reason an input was skipped."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Document:
    """One article as read, raw text with its lines intact.

    ``id`` is opaque: it is compared and printed, never parsed.
    ``location`` names where it came from (file, and line for JSONL) for messages.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that produced no article, and why (one line, names the input)."""

    location: str
    reason: str

    def message(self) -> str:
        return f"{self.location}: skipped: {self.reason}"
