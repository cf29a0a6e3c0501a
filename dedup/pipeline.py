"""The scan pipeline as named stages run in one place, each timed:
ingest -> fingerprint (``corpus``) -> copies (tier 1: word-shingle LSH + exact
verification) -> boilerplate (lines repeated across the corpus) -> short (near-copies
among headlines and alerts, ``copies.short``) -> rewrites (tier 2, ``rewrites.tier``:
salient-term LSH + alignment and shared facts) -> stories -> ledger."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from dedup import workers
from dedup.config import ScanConfig
from dedup.copies import pairing, short
from dedup.copies.cluster import UnionFind
from dedup.copies.pairing import Pair
from dedup.corpus import Corpus, Progress, StageTimer, fingerprint_all
from dedup.fingerprint.fingerprinter import Fingerprinter, TooShort
from dedup.ingest import reader
from dedup.ingest.document import Item, text_hash
from dedup.rewrites import tier
from dedup.rewrites.match import SentenceMatcher
from dedup.stories import grouping, ledger, versions, wire
from dedup.stories.results import ScanResult, Story
from dedup.text import boilerplate, salience


def scan(
    paths: Sequence[str],
    config: ScanConfig | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan files and folders (``-`` is standard input) and group copies and rewrites;
    ``jobs`` worker processes fingerprint (0: all cores). The result does not depend
    on ``jobs``."""
    config = config or ScanConfig()
    items = reader.iter_documents(paths, max_doc_bytes=config.max_doc_bytes)
    return scan_documents(items, config, jobs=jobs, progress=progress)


def scan_documents(
    items: Iterable[Item],
    config: ScanConfig | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> ScanResult:
    """Run the pipeline over Documents (Skipped records and Notices are passed through)."""
    config = config or ScanConfig()
    timer = StageTimer()
    fingerprinter = Fingerprinter(config)
    corpus = Corpus()
    try:
        return _run(items, corpus, fingerprinter, timer, workers.resolve_jobs(jobs), progress)
    finally:
        corpus.close()


def _run(
    items: Iterable[Item],
    corpus: Corpus,
    fingerprinter: Fingerprinter,
    timer: StageTimer,
    jobs: int,
    progress: Progress | None,
) -> ScanResult:
    """The stages, in order, over one corpus."""
    config = fingerprinter.config
    pairs = _copy_stages(items, corpus, fingerprinter, timer, jobs, progress)
    if config.rewrites:
        with timer.stage("rewrites"):
            pairs += tier.rewrite_pairs(corpus, pairs, config, fingerprinter, jobs)
    with timer.stage("stories"):
        fps = corpus.fingerprints
        identical = pairing.identical_groups(fps, corpus.twin_order)
        groups = [[fps[p].doc_id for p in g] for g in identical]
        pairs = pairing.expand_identical(pairs, groups)
        found = _stories(corpus, pairs, config)
    if config.ledger:
        with timer.stage("ledger"):
            matcher = SentenceMatcher.default()
            ledgers = workers.map_shared(_ledger, found, (corpus, matcher), jobs)
            found = tuple(replace(s, ledger=led) for s, led in zip(found, ledgers, strict=True))
    grouped = {m.document for story in found for m in story.members}
    return ScanResult(
        config=config,
        stories=found,
        pairs=tuple(pairs),
        singletons=tuple(sorted(set(corpus.members) - grouped)),
        too_short=tuple(sorted(corpus.too_short, key=lambda t: t.doc_id)),
        skipped=tuple(sorted(corpus.skipped, key=lambda s: (s.location, s.reason))),
        documents=corpus.seen,
        members=tuple(corpus.members[doc] for doc in sorted(corpus.members)),
        timings=timer.seconds,
        notices=tuple(corpus.notices),
    )


def rewrite_candidates(items: Iterable[Item], config: ScanConfig, *, jobs: int = 1) -> list[Pair]:
    """The stages up to the rewrite tier, then every rewrite candidate with its full
    evidence and features, refused ones included (to fit and study the verdict)."""
    fingerprinter = Fingerprinter(config)
    corpus = Corpus()
    try:
        pairs = _copy_stages(items, corpus, fingerprinter, StageTimer(), jobs, None)
        return tier.verified_candidates(corpus, pairs, config, fingerprinter, jobs, full=True)
    finally:
        corpus.close()


def _copy_stages(
    items: Iterable[Item],
    corpus: Corpus,
    fingerprinter: Fingerprinter,
    timer: StageTimer,
    jobs: int,
    progress: Progress | None,
) -> list[Pair]:
    """Fingerprint, copies, boilerplate and short items: the pairs of the copy tiers."""
    config = fingerprinter.config
    fingerprint_all(items, corpus, config, timer, jobs, progress)
    with timer.stage("copies"):
        pairs = _copy_pairs(corpus, config)
    with timer.stage("boilerplate"):
        if _set_aside_repeated_lines(corpus, pairs, fingerprinter):
            pairs = _copy_pairs(corpus, config)
        corpus.line_keys = []  # used up: ~1 KB an article of Python ints
        fingerprinter.clear_caches()  # its cached shingle sets and signatures
    if config.short_max_tokens:
        with timer.stage("short"):
            pairs += _short_pairs(corpus, pairs, fingerprinter)
    return pairs


def _copy_pairs(corpus: Corpus, config: ScanConfig) -> list[Pair]:
    """Tier 1's verified pairs, identical texts represented as the rewrite tier and the
    stories will represent them (``Corpus.twin_order``)."""
    found = pairing.find_pairs(
        corpus.fingerprints, config, full=corpus.fingerprint, first=corpus.twin_order
    )
    return list(found)


def _set_aside_repeated_lines(
    corpus: Corpus, pairs: Sequence[Pair], fingerprinter: Fingerprinter
) -> bool:
    """Find the lines the corpus repeats across unrelated articles (in at least
    ``repeated_line_groups`` separate stories or lone articles) and fingerprint the
    articles holding them again without them. True when anything changed."""
    config = fingerprinter.config
    groups = UnionFind()
    for pair in pairs:
        groups.union(pair.a, pair.b)
    keys_by_group: dict[str, set[int]] = {}
    for fp, keys in zip(corpus.fingerprints, corpus.line_keys, strict=True):
        keys_by_group.setdefault(groups.find(fp.doc_id), set()).update(keys)
    threshold = max(
        config.repeated_line_groups, int(config.repeated_line_share * len(keys_by_group))
    )
    repeated = boilerplate.repeated_lines((frozenset(k) for k in keys_by_group.values()), threshold)
    corpus.repeated = repeated
    changed = False
    for position, keys in enumerate(corpus.line_keys):
        if keys & repeated:
            _refingerprint(corpus, position, fingerprinter, repeated)
            changed = True
    return changed


def _short_pairs(corpus: Corpus, known: Sequence[Pair], fingerprinter: Fingerprinter) -> list[Pair]:
    """The short route over one representative of each identical text of at most
    ``short_max_tokens`` tokens, the corpus's repeated lines set aside; pairs the copy
    tier found keep that tier's verdict."""
    config = fingerprinter.config
    items = []
    for group in pairing.identical_groups(corpus.fingerprints):
        if corpus.fingerprints[group[0]].tokens <= config.short_max_tokens:
            fp = corpus.fingerprint(group[0])
            text = corpus.documents[fp.doc_id].text
            lines = boilerplate.split_lines(text)
            items.append(short.item(fp, text, lines, fingerprinter.tokens))
    found = {(pair.a, pair.b) for pair in known}
    pairs = short.find_pairs(items, config, corpus.repeated)
    return [pair for pair in pairs if (pair.a, pair.b) not in found]


def _refingerprint(
    corpus: Corpus, position: int, fingerprinter: Fingerprinter, repeated: frozenset[int]
) -> None:
    doc = corpus.documents[corpus.fingerprints[position].doc_id]
    lines = boilerplate.mark_repeated(boilerplate.split_lines(doc.text), repeated)
    tokens = fingerprinter.tokens(lines)
    result = fingerprinter.fingerprint_tokens(doc.id, tokens)
    if isinstance(result, TooShort):  # keep the article; its lines were all repeated
        return
    corpus.set_fingerprint(position, result)
    member = corpus.members[doc.id]
    corpus.members[doc.id] = replace(member, tokens=result.tokens, exact=f"{result.exact:016x}")
    if fingerprinter.config.rewrites:
        corpus.salient[position] = salience.salient_terms(tokens)


def _ledger(state: tuple[Corpus, SentenceMatcher], story: Story) -> ledger.StoryLedger:
    """One story's sentence ledger (runs in a worker process)."""
    corpus, matcher = state
    articles = {m.document: corpus.article(m.document) for m in story.members}
    docs = [m.document for m in story.members]
    return ledger.build(story.origin, docs, story.pairs, articles, matcher)


def _stories(corpus: Corpus, pairs: Sequence[Pair], config: ScanConfig) -> tuple[Story, ...]:
    """Versions, then stars of whole versions, assembled with their wire evidence."""
    tokens = {doc: member.tokens for doc, member in corpus.members.items()}
    found_versions = versions.versions(pairs, config, tokens)
    graph = grouping.neighbours(
        p for p in pairs if not versions.bridges(p, found_versions.roundups, config)
    )
    cache: dict[str, tuple[wire.WireEvidence, ...]] = {}

    def evidence(doc_id: str) -> tuple[wire.WireEvidence, ...]:
        if doc_id not in cache:
            cache[doc_id] = wire.detect(corpus.documents[doc_id].text)
        return cache[doc_id]

    position = {fp.doc_id: i for i, fp in enumerate(corpus.fingerprints)}

    def coverage(holder: str, other: str) -> float:
        if not corpus.salient:
            return 0.0
        return salience.weighted_containment(
            corpus.salient[position[holder]], corpus.salient[position[other]]
        )

    hints = grouping.OriginHints(
        dates={doc: corpus.members[doc].date for doc in graph},
        credited=lambda doc: bool(evidence(doc)),
        coverage=coverage,
        text_hash=lambda doc: text_hash(corpus.documents[doc].text),
    )
    found = grouping.stars(graph, hints, found_versions)
    return tuple(grouping.assemble(star, graph, corpus.members, evidence) for star in found)
