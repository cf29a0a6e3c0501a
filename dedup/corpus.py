"""The fingerprint stage and what the scan keeps of every article: articles stream in
(ingest), are fingerprinted in worker processes in input order, and leave behind only
their fingerprints, salient terms, fact hashes, line keys and member records; their
texts, shingle sets and signatures wait in spools on disk for the later stages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np

from dedup import workers
from dedup.config import ScanConfig
from dedup.fingerprint.fingerprinter import Fingerprint, TooShort
from dedup.fingerprint.ragged import Ragged
from dedup.fingerprint.shingle import U32, U64
from dedup.fingerprint.spool import ArraySpool, Spool
from dedup.ingest.document import Document, Item, Notice, Skipped, text_hash, without_notices
from dedup.rewrites import candidates
from dedup.rewrites.article import Article
from dedup.stories.results import Member
from dedup.text import boilerplate, dates, salience, sentences
from dedup.text.normalise import utf8_tokens
from dedup.text.salience import SalientTerms
from dedup.text.salient_table import SalientTable

Progress = Callable[[int], None]
ARTICLE_CACHE = 2_000
_ON_DISK: U32 = np.empty(0, dtype=np.uint32)
"""What the corpus's fingerprints hold in place of their shingle sets and signatures."""
_NO_KEYS: U64 = np.empty(0, dtype=np.uint64)


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


@dataclass
class Corpus:
    """What the fingerprint stage keeps of each article for the later stages."""

    fingerprints: list[Fingerprint] = field(default_factory=list)
    """In input order, without their shingle sets and signatures (see ``fingerprint``)."""
    salient: SalientTable = field(default_factory=SalientTable)
    line_keys: Ragged = field(default_factory=lambda: Ragged(np.uint64))
    """Each article's line keys, sorted (a frozenset of Python ints was ~550 B an article)."""
    fact_hashes: Ragged = field(default_factory=lambda: Ragged(np.uint64))
    repeated: frozenset[int] = frozenset()
    house: frozenset[int] = frozenset()
    common_facts: frozenset[int] = frozenset()
    articles: dict[str, Article] = field(default_factory=dict)
    documents: Spool = field(default_factory=Spool)
    arrays: ArraySpool = field(default_factory=lambda: ArraySpool(parts=2))
    """Each fingerprint's shingle set and signature, by position."""
    members: dict[str, Member] = field(default_factory=dict)
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each fingerprinted article's ``content_order``, made in the fingerprint stage: the
    copy tier, verification and the ledger ask for it often, and reading it back from
    the spool cost a read, a JSON decode and a SHA-256 each time."""
    too_short: list[TooShort] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    seen: int = 0

    @classmethod
    def in_directory(cls, directory: str | None) -> Corpus:
        """An empty corpus whose spools are files in ``directory`` (None: anonymous
        files), so that a pickled corpus reads them in another process."""
        return cls(documents=Spool(directory), arrays=ArraySpool(parts=2, directory=directory))

    def __getstate__(self) -> dict[str, object]:
        """What a cluster's workers receive: the corpus without its article cache and
        the per-article features only the scan's own stages read (a stage hands its
        tasks the ones they need)."""
        return {
            **self.__dict__,
            "articles": {},
            "salient": SalientTable(),
            "fact_hashes": Ragged(np.uint64),
        }

    def add_fingerprint(self, found: Fingerprint) -> None:
        """Keep a fingerprint, its shingle set and signature on disk (see ``fingerprint``)."""
        self.arrays.append(found.shingles, found.signature)
        self.fingerprints.append(_without_arrays(found))

    def set_fingerprint(self, position: int, found: Fingerprint) -> None:
        """Replace the fingerprint at ``position`` (the article fingerprinted again)."""
        self.arrays[position] = (found.shingles, found.signature)
        self.fingerprints[position] = _without_arrays(found)

    def fingerprint(self, position: int) -> Fingerprint:
        """The fingerprint at ``position`` with its shingle set and signature, read back
        from disk: the copy tier reads each a few times, rewrite pairs' scores a few, and
        in memory they were ~1.6 KB an article (~160 MB at 100,000 articles)."""
        shingles, signature = self.arrays[position]
        return replace(self.fingerprints[position], shingles=shingles, signature=signature)

    def twin_order(self, position: int) -> tuple[str, ...]:
        """What chooses the representative of identical texts (the least), by content
        alone: the earliest date (undated last), the SHA-256 of the raw text, the
        source. The representative is what the tiers compare, so its name must not
        choose it: identical Reuters-21578 stories carry different dates."""
        return self.content_order(self.fingerprints[position].doc_id)

    def content_order(self, doc_id: str) -> tuple[str, ...]:
        """``twin_order`` by document id."""
        found = self.orders.get(doc_id)
        return found if found is not None else content_key(self.documents[doc_id])

    def close(self) -> None:
        """Remove the spools' files."""
        self.documents.close()
        self.arrays.close()

    def article(self, doc_id: str) -> Article:
        """The article of ``doc_id`` (its sentences and facts cached), read from the spool;
        the ``ARTICLE_CACHE`` most recently used are kept: a parsed article holds ten times
        its text, and keeping every one verified made a 50,000-article scan take 1.7 GB."""
        cache = self.articles
        found = cache.get(doc_id)
        if found is None:
            found = Article(self.documents[doc_id], self.house, self.repeated)
            if len(cache) >= ARTICLE_CACHE:
                del cache[next(iter(cache))]
        else:
            del cache[doc_id]
        cache[doc_id] = found  # most recent last
        return found


def content_key(doc: Document) -> tuple[str, ...]:
    """``Corpus.content_order`` of a document: its date, its text's hash, its source."""
    when = dates.parse_date(doc.date)
    return ("0" + when.isoformat() if when else "1"), text_hash(doc.text), doc.source or ""


def _without_arrays(found: Fingerprint) -> Fingerprint:
    """The fingerprint as the corpus holds it: its arrays are in ``Corpus.arrays``."""
    return replace(found, shingles=_ON_DISK, signature=_ON_DISK)


@dataclass(frozen=True, slots=True)
class _Analysed:
    """What a worker makes of one article: its fingerprint (or why it is too short),
    salient terms, the keys of its lines and its member record."""

    result: Fingerprint | TooShort
    salient: SalientTerms | None
    fact_hashes: U64 | None
    line_keys: U64
    member: Member
    order: tuple[str, ...]


def _analyse(doc: Document) -> _Analysed:
    """The per-article work of the fingerprint stage (runs in a worker process)."""
    fingerprinter = workers.fingerprinter()
    lines = boilerplate.kept_lines(doc.text)  # the texts of the lines no rule sets aside
    tokens = utf8_tokens("\n".join(lines))
    result = fingerprinter.fingerprint_utf8(doc.id, tokens)
    fingerprinted = not isinstance(result, TooShort)
    rewrites = fingerprinted and _rewrites()
    salient = salience.salient_terms(list(map(bytes.decode, tokens))) if rewrites else None
    fact_hashes = candidates.fact_hashes(lines) if rewrites else None
    # Hard-wrapped wire copy breaks sentences across lines: its lines are fragments,
    # not page furniture, and never count as repeated boilerplate.
    wrapped = not fingerprinted or sentences.wrapped_texts(lines)
    keys = _NO_KEYS if wrapped else np.array(sorted(boilerplate.text_line_keys(lines)), np.uint64)
    member = Member(
        document=doc.id,
        tokens=result.tokens,
        exact=f"{result.exact:016x}" if isinstance(result, Fingerprint) else "",
        title=doc.title,
        date=doc.date,
        source=doc.source,
        url=doc.url,
    )
    order = content_key(doc) if fingerprinted else ()
    return _Analysed(result, salient, fact_hashes, keys, member, order)


def _text_size(doc: Document) -> int:
    return len(doc.text)


def _rewrites() -> bool:
    return workers.fingerprinter().config.rewrites


def fingerprint_all(
    items: Iterable[Item],
    corpus: Corpus,
    config: ScanConfig,
    timer: StageTimer,
    runner: workers.Runner,
    progress: Progress | None,
) -> None:
    """Fingerprint every article into ``corpus``, in input order, on ``runner``."""
    accepted = _accepted(items, corpus, timer)
    started, ingest = time.perf_counter(), timer.seconds.get("ingest", 0.0)
    for found in runner.map_ordered(_analyse, accepted, config, _text_size):
        corpus.seen += 1
        if isinstance(found.result, TooShort):
            corpus.too_short.append(found.result)
        else:
            if found.salient is not None and found.fact_hashes is not None:
                corpus.salient.append(found.salient)
                corpus.fact_hashes.append(found.fact_hashes)
            corpus.line_keys.append(found.line_keys)
            corpus.add_fingerprint(found.result)
            corpus.members[found.member.document] = found.member
            corpus.orders[found.member.document] = found.order
        if progress is not None:
            progress(corpus.seen)
    # Input is read as the workers ask for it: its time is the ingest stage's.
    reading = timer.seconds.get("ingest", 0.0) - ingest
    timer.seconds["fingerprint"] = time.perf_counter() - started - reading


def _accepted(items: Iterable[Item], corpus: Corpus, timer: StageTimer) -> Iterator[Document]:
    """The documents to fingerprint, kept in the spool as they pass; Skipped inputs,
    repeated ids and Notices are set aside in ``corpus``."""
    stream = without_notices(items, corpus.notices)
    while True:
        with timer.stage("ingest"):
            item = next(stream, None)
            if item is None:
                return
            if isinstance(item, Skipped):
                corpus.skipped.append(item)
                continue
            if item.id in corpus.documents:  # the spool's index: no set of ids beside it
                corpus.skipped.append(Skipped(item.location, f"duplicate document id {item.id!r}"))
                continue
            corpus.documents.add(item)
        yield item
