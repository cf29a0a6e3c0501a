"""The records that flow out of ingest: an article, or the reason an input was skipped."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace


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


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning about an input whose articles were still read (dates that could not
    be read): one line naming the input. It follows that input's articles."""

    location: str
    reason: str

    def message(self) -> str:
        return f"{self.location}: {self.reason}"


Item = Document | Skipped | Notice
"""What ingest yields."""


def without_notices(items: Iterable[Item], notices: list[Notice]) -> Iterator[Document | Skipped]:
    """The articles and skipped inputs among ``items``; the Notices go to ``notices``."""
    for item in items:
        if isinstance(item, Notice):
            notices.append(item)
        else:
            yield item


def with_source(items: Iterable[Item], source: str) -> Iterator[Item]:
    """``items`` with ``source`` given to every article that names none: a folder of
    one outlet's files says so once (its two articles are then one story only when
    retold sentence by sentence, ``rewrites.verify``)."""
    for item in items:
        if isinstance(item, Document) and not item.source:
            yield replace(item, source=source)
        else:
            yield item


def text_hash(text: str) -> str:
    """The SHA-256 of an article's text (UTF-8, lone surrogates kept), in hex: what
    breaks ties between articles by their content rather than their ids."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
