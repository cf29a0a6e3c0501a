"""The scan pipeline as named stages run in one place, each timed:
ingest -> fingerprint -> candidates (LSH + verify) -> cluster."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from dedup import candidates, cluster, ingest
from dedup.candidates import Pair, Scores
from dedup.config import ScanConfig
from dedup.document import Document, Skipped
from dedup.fingerprint import Fingerprint, Fingerprinter, TooShort

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Member:
    """A document as listed in the results: its id, metadata and size."""

    document: str
    tokens: int
    exact: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """A group of copies of one text, with the verified pairs that join them."""

    id: str
    members: tuple[Member, ...]
    pairs: tuple[Pair, ...]


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
    timings: dict[str, float] = field(default_factory=dict, compare=False)


class StageTimer:
    """Accumulates wall-clock seconds per named stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def scan(
    paths: Sequence[str], config: ScanConfig | None = None, *, progress: Progress | None = None
) -> ScanResult:
    """Scan files and folders (``-`` is standard input) and group the copies found."""
    config = config or ScanConfig()
    items = ingest.iter_documents(paths, max_doc_bytes=config.max_doc_bytes)
    return scan_documents(items, config, progress=progress)


def scan_documents(
    items: Iterable[Document | Skipped],
    config: ScanConfig | None = None,
    *,
    progress: Progress | None = None,
) -> ScanResult:
    """Run the pipeline over Documents (Skipped records are passed through)."""
    config = config or ScanConfig()
    timer = StageTimer()
    fingerprinter = Fingerprinter(config)
    fingerprints: list[Fingerprint] = []
    members: dict[str, Member] = {}
    seen: dict[str, str] = {}
    too_short: list[TooShort] = []
    skipped: list[Skipped] = []
    stream = iter(items)
    while True:
        with timer.stage("ingest"):
            item = next(stream, None)
        if item is None:
            break
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        if item.id in seen:
            skipped.append(Skipped(item.location, f"duplicate document id {item.id!r}"))
            continue
        seen[item.id] = item.location
        with timer.stage("fingerprint"):
            result = fingerprinter(item)
        if isinstance(result, TooShort):
            too_short.append(result)
        else:
            fingerprints.append(result)
            members[item.id] = _member(item, result)
        if progress is not None:
            progress(len(seen))
    with timer.stage("candidates"):
        pairs = sorted(candidates.find_pairs(fingerprints, config), key=lambda p: (p.a, p.b))
    with timer.stage("cluster"):
        stories = _stories(pairs, members)
    grouped = {m.document for story in stories for m in story.members}
    return ScanResult(
        config=config,
        stories=stories,
        pairs=tuple(pairs),
        singletons=tuple(sorted(set(members) - grouped)),
        too_short=tuple(sorted(too_short, key=lambda t: t.doc_id)),
        skipped=tuple(sorted(skipped, key=lambda s: (s.location, s.reason))),
        documents=len(seen),
        timings=timer.seconds,
    )


def compare(a: Document, b: Document, config: ScanConfig | None = None) -> Scores | None:
    """Exact scores of two articles, whatever they are (None if either is too short)."""
    fingerprinter = Fingerprinter(config or ScanConfig())
    fa, fb = fingerprinter(a), fingerprinter(b)
    if isinstance(fa, TooShort) or isinstance(fb, TooShort):
        return None
    return candidates.score(fa, fb, fingerprinter.config)


def _member(doc: Document, fp: Fingerprint) -> Member:
    return Member(
        document=doc.id,
        tokens=fp.tokens,
        exact=f"{fp.exact:016x}",
        title=doc.title,
        date=doc.date,
        source=doc.source,
        url=doc.url,
    )


def _stories(pairs: Sequence[Pair], members: dict[str, Member]) -> tuple[Story, ...]:
    groups = cluster.group((p.a, p.b) for p in pairs)
    by_member: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_member.setdefault(pair.a, []).append(pair)
    stories = []
    for ids in groups:
        story_pairs = tuple(p for doc in ids for p in by_member.get(doc, ()))
        stories.append(Story(cluster.story_id(ids), tuple(members[d] for d in ids), story_pairs))
    return tuple(stories)
