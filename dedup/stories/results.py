"""The records a scan returns: documents, story members, stories and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dedup.config import ScanConfig
from dedup.copies.pairing import Pair
from dedup.fingerprint.fingerprinter import TooShort
from dedup.ingest.document import Notice, Skipped
from dedup.stories.ledger import StoryLedger
from dedup.text.wire import WireEvidence

MemberRelation = Literal["origin", "copy", "near-copy", "rewrite", "same-story"]


@dataclass(frozen=True, slots=True)
class Member:
    """A fingerprinted document: its id, metadata and size."""

    document: str
    tokens: int
    exact: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class StoryMember:
    """A document in a story: how it relates to the story's origin (the pair that
    joins them, None for the origin itself; for a member joined through another,
    ``via``, their pair) and its wire evidence."""

    member: Member
    relation: MemberRelation
    pair: Pair | None
    wire_evidence: tuple[WireEvidence, ...]
    wire_inferred_from: tuple[str, ...]
    via: str | None = None
    """The member it joined through, when no verified pair ties it to the origin
    (``stories.strays``); None when it relates to the origin directly."""

    @property
    def document(self) -> str:
        return self.member.document


@dataclass(frozen=True, slots=True)
class Story:
    """One news story: its origin (and why), its wire agency, its members and the
    verified pairs between them."""

    id: str
    origin: str
    origin_reason: str
    wire: str | None
    members: tuple[StoryMember, ...]
    pairs: tuple[Pair, ...]
    ledger: StoryLedger | None = None
    """Each member's sentences (shared, divergent, boilerplate) and the facts the
    members state differently; None when the scan ran without it."""


@dataclass(frozen=True)
class ScanResult:
    """Everything a scan found; rendering it is the report module's job."""

    config: ScanConfig
    stories: tuple[Story, ...]
    pairs: tuple[Pair, ...]
    singletons: tuple[str, ...]
    too_short: tuple[TooShort, ...]
    skipped: tuple[Skipped, ...]
    documents: int
    members: tuple[Member, ...] = ()
    """Every fingerprinted document, grouped or not, in id order."""
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    notices: tuple[Notice, ...] = ()
    """Warnings about inputs whose articles were read (dates that could not be read)."""
