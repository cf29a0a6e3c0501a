"""The scan pipeline as named stages run in one place, each timed:
ingest -> fingerprint (``corpus``) -> copies (tier 1: word-shingle LSH + exact
verification) -> boilerplate (lines repeated across the corpus) -> short (near-copies
among headlines and alerts, ``copies.short``) -> rewrites (tier 2, ``rewrites.tier``:
salient-term LSH + alignment and shared facts) -> stories -> ledger."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from dedup import workers
from dedup.config import ScanConfig
from dedup.copies import finder, pairing, short
from dedup.copies.cluster import UnionFind
from dedup.copies.pairing import Pair
from dedup.corpus import Corpus, Progress, StageTimer, fingerprint_all
from dedup.fingerprint.fingerprinter import Fingerprinter, TooShort
from dedup.fingerprint.ragged import Ragged
from dedup.ingest import reader
from dedup.ingest.document import Item, text_hash, with_source
from dedup.rewrites import tier
from dedup.rewrites.match import SentenceMatcher
from dedup.stories import grouping, ledger, versions
from dedup.stories.results import ScanResult, Story
from dedup.text import boilerplate, salience, wire

if TYPE_CHECKING:
    from distributed import Client


def scan(
    paths: Sequence[str],
    config: ScanConfig | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    scheduler: str | Client | None = None,
    source: str | None = None,
) -> ScanResult:
    """Scan files and folders (``-`` is standard input) and group copies and rewrites;
    ``jobs`` worker processes fingerprint (0: all cores), or the Dask cluster of
    ``scheduler`` does the parallel work (``dedup.engine``: an address, ``local:N``
    or a ``distributed.Client``). The result depends on neither. ``source`` is the
    outlet of the articles that name none (a folder of one outlet's files)."""
    config = config or ScanConfig()
    items: Iterable[Item] = reader.iter_documents(paths, max_doc_bytes=config.max_doc_bytes)
    if source is not None:
        if not source.strip():
            raise ValueError("source must not be empty")
        items = with_source(items, source)
    return scan_documents(items, config, jobs=jobs, progress=progress, scheduler=scheduler)


def scan_documents(
    items: Iterable[Item],
    config: ScanConfig | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    scheduler: str | Client | None = None,
) -> ScanResult:
    """Run the pipeline over Documents (Skipped records and Notices are passed through),
    on ``jobs`` local processes or on the Dask cluster of ``scheduler`` (``scan``)."""
    config = config or ScanConfig()
    if scheduler is None:
        local = workers.Local(workers.resolve_jobs(jobs))
        return _scan(items, Fingerprinter(config), local, None, progress)
    from dedup.engine.driver import on_cluster  # dask is imported by cluster scans only

    # The workers run the hot loop: the client signs only what it must (the articles
    # whose lines the corpus repeats, the short route's items) by numpy, the same
    # values, and never loads numba (~120 MB).
    fingerprinter = Fingerprinter(config, compiled=False)
    with on_cluster(scheduler) as (runner, scratch):
        return _scan(items, fingerprinter, runner, scratch, progress)


def _scan(
    items: Iterable[Item],
    fingerprinter: Fingerprinter,
    runner: workers.Runner,
    scratch: str | None,
    progress: Progress | None,
) -> ScanResult:
    """The pipeline on ``runner``, its spools in ``scratch`` (None: anonymous files)."""
    timer = StageTimer()
    corpus = Corpus.in_directory(scratch)
    try:
        return _run(items, corpus, fingerprinter, timer, runner, progress)
    finally:
        corpus.close()


def _run(
    items: Iterable[Item],
    corpus: Corpus,
    fingerprinter: Fingerprinter,
    timer: StageTimer,
    runner: workers.Runner,
    progress: Progress | None,
) -> ScanResult:
    """The stages, in order, over one corpus."""
    config = fingerprinter.config
    pairs, leaders = _copy_stages(items, corpus, fingerprinter, timer, runner, progress)
    if config.rewrites:
        with timer.stage("rewrites"):
            found_rewrites = tier.rewrite_pairs(corpus, pairs, config, runner, followers=leaders)
            pairs = sorted([*pairs, *found_rewrites], key=lambda p: (p.a, p.b))
    with timer.stage("stories"):
        found = _stories(corpus, pairs, leaders, config)
        pairs = _with_story_pairs(pairs, found)
    if config.ledger:
        with timer.stage("ledger"):
            matcher = SentenceMatcher.default()
            shared = (corpus, matcher)
            ledgers = runner.map_shared(_ledger, found, shared, min_items=workers.MIN_PARALLEL)
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
        runner = workers.Local(workers.resolve_jobs(jobs))
        pairs, leaders = _copy_stages(items, corpus, fingerprinter, StageTimer(), runner, None)
        return tier.verified_candidates(corpus, pairs, config, runner, followers=leaders, full=True)
    finally:
        corpus.close()


def _copy_stages(
    items: Iterable[Item],
    corpus: Corpus,
    fingerprinter: Fingerprinter,
    timer: StageTimer,
    runner: workers.Runner,
    progress: Progress | None,
) -> tuple[list[Pair], Mapping[str, str]]:
    """Fingerprint, copies, boilerplate and short items: the pairs of the copy tiers,
    and each near-identical text's leader."""
    config = fingerprinter.config
    fingerprint_all(items, corpus, config, timer, runner, progress)
    with timer.stage("copies"):
        copies = _copies(corpus, config)
    with timer.stage("boilerplate"):
        if _set_aside_repeated_lines(corpus, copies.pairs, fingerprinter):
            copies = _copies(corpus, config)
        corpus.line_keys = Ragged(np.uint64)  # used up
        fingerprinter.clear_caches()  # its cached shingle sets and signatures
    pairs = list(copies.pairs)
    if config.short_max_tokens:
        with timer.stage("short"):
            pairs += _short_pairs(corpus, pairs, copies.leaders, fingerprinter)
    return pairs, copies.leaders


def _copies(corpus: Corpus, config: ScanConfig) -> finder.Copies:
    """The copy tier, each group of identical or near-identical texts led by the least
    in ``Corpus.twin_order`` (the earliest date, then content: never a name)."""
    return finder.find_copies(
        corpus.fingerprints, config, full=corpus.fingerprint, first=corpus.twin_order
    )


def _with_story_pairs(pairs: Sequence[Pair], stories: Iterable[Story]) -> list[Pair]:
    """The verified pairs and the stories' own (followers' pairs with their origin)."""
    found = {(p.a, p.b): p for p in pairs}
    for story in stories:
        for pair in story.pairs:
            found.setdefault((pair.a, pair.b), pair)
    return [found[key] for key in sorted(found)]


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
        keys_by_group.setdefault(groups.find(fp.doc_id), set()).update(keys.tolist())
    threshold = max(
        config.repeated_line_groups, int(config.repeated_line_share * len(keys_by_group))
    )
    repeated = boilerplate.repeated_lines((frozenset(k) for k in keys_by_group.values()), threshold)
    corpus.repeated = repeated
    changed = False
    for position, keys in enumerate(corpus.line_keys):
        if not repeated.isdisjoint(keys.tolist()):
            _refingerprint(corpus, position, fingerprinter, repeated)
            changed = True
    return changed


def _short_pairs(
    corpus: Corpus,
    known: Sequence[Pair],
    followers: Mapping[str, str],
    fingerprinter: Fingerprinter,
) -> list[Pair]:
    """The short route over the texts of at most ``short_max_tokens`` tokens that lead
    their group of identical or near-identical texts (``followers`` follow their leader),
    the corpus's repeated lines set aside; pairs the copy tier found keep its verdict."""
    config = fingerprinter.config
    items = []
    for position, listed in enumerate(corpus.fingerprints):
        if listed.tokens <= config.short_max_tokens and listed.doc_id not in followers:
            fp = corpus.fingerprint(position)
            text = corpus.documents[fp.doc_id].text
            lines = boilerplate.split_lines(text)
            items.append(short.item(fp, text, lines, fingerprinter.tokens))
    found = {(pair.a, pair.b) for pair in known}
    pairs = short.find_pairs(items, config, corpus.repeated, compiled=fingerprinter.compiled)
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
    docs = [m.document for m in story.members]
    return ledger.build(story.origin, docs, corpus.article, matcher, corpus.content_order)


def _stories(
    corpus: Corpus, pairs: Sequence[Pair], leaders: Mapping[str, str], config: ScanConfig
) -> tuple[Story, ...]:
    """Versions, then stars of whole versions, assembled with their wire evidence."""
    tokens = {doc: member.tokens for doc, member in corpus.members.items()}
    position = {fp.doc_id: i for i, fp in enumerate(corpus.fingerprints)}

    def alike(a: str, b: str) -> bool:
        """On one subject: as much salient vocabulary shared as a rewrite candidate."""
        if not corpus.salient:
            return False
        one, other = corpus.salient[position[a]], corpus.salient[position[b]]
        return salience.weighted_jaccard(one, other) >= config.rewrite_min_weighted_jaccard

    found_versions = versions.versions(pairs, config, tokens, alike)
    graph = grouping.neighbours(
        p for p in pairs if not versions.bridges(p, found_versions.roundups, config)
    )
    cache: dict[str, tuple[wire.WireEvidence, ...]] = {}

    def evidence(doc_id: str) -> tuple[wire.WireEvidence, ...]:
        if doc_id not in cache:
            cache[doc_id] = wire.detect(corpus.documents[doc_id].text)
        return cache[doc_id]

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

    def relate(origin: str, doc: str, via: Pair) -> Pair:
        """``doc``'s own pair with the origin: its copy-tier scores and the relation
        they support, else (or when they are ``via``'s: an identical text) the relation
        and evidence of ``via``, the pair joining their versions."""
        fa, fb = (corpus.fingerprint(position[d]) for d in sorted((origin, doc)))
        scores = pairing.score(fa, fb, config)
        if scores.relation is None or (scores.jaccard, scores.containment) == (
            via.jaccard,
            via.containment,
        ):
            return replace(
                via,
                a=fa.doc_id,
                b=fb.doc_id,
                jaccard=scores.jaccard,
                containment=scores.containment,
            )
        return Pair(fa.doc_id, fb.doc_id, scores.jaccard, scores.containment, scores.relation)

    followers = grouping.Followers(leaders, relate)
    found = grouping.stars(graph, hints, followers, found_versions)
    return tuple(grouping.assemble(star, graph, corpus.members, evidence) for star in found)
