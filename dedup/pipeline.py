"""The scan pipeline as named stages run in one place, each timed:
ingest -> fingerprint -> copies (tier 1: word-shingle LSH + exact verification) ->
rewrites (tier 2: salient-term LSH + alignment and shared facts) -> stories."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from dedup import (
    boilerplate,
    candidates,
    ingest,
    ledger,
    rewrite,
    rewrite_candidates,
    salience,
    stories,
    wire,
    workers,
)
from dedup.article import Article
from dedup.candidates import Pair
from dedup.cluster import UnionFind
from dedup.config import ScanConfig
from dedup.corpus import Corpus, Progress, StageTimer, fingerprint_all
from dedup.document import Document, Skipped
from dedup.fingerprint import Fingerprint, Fingerprinter, TooShort
from dedup.lsh import MemoryBandIndex
from dedup.match import SentenceMatcher
from dedup.results import ScanResult, Story
from dedup.salience import SalientTerms
from dedup.shingle import U64
from dedup.term_matrix import TermMatrix

ARTICLE_CACHE = 2_000
BOUND_CHUNK = 20_000
"""LSH pairs scored in bulk at once."""
BOUND_SLACK = 1e-4
"""The bulk weighted Jaccard (float32 weights) only preselects pairs for the exact
bound, so it is allowed this much rounding."""


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
    items = ingest.iter_documents(paths, max_doc_bytes=config.max_doc_bytes)
    return scan_documents(items, config, jobs=jobs, progress=progress)


def scan_documents(
    items: Iterable[Document | Skipped],
    config: ScanConfig | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> ScanResult:
    """Run the pipeline over Documents (Skipped records are passed through)."""
    config = config or ScanConfig()
    timer = StageTimer()
    fingerprinter = Fingerprinter(config)
    corpus = Corpus()
    try:
        return _run(items, corpus, fingerprinter, timer, workers.resolve_jobs(jobs), progress)
    finally:
        corpus.documents.close()


def _run(
    items: Iterable[Document | Skipped],
    corpus: Corpus,
    fingerprinter: Fingerprinter,
    timer: StageTimer,
    jobs: int,
    progress: Progress | None,
) -> ScanResult:
    """The stages, in order, over one corpus."""
    config = fingerprinter.config
    fingerprint_all(items, corpus, config, timer, jobs, progress)
    with timer.stage("copies"):
        pairs = list(candidates.find_pairs(corpus.fingerprints, config))
    with timer.stage("boilerplate"):
        if _set_aside_repeated_lines(corpus, pairs, fingerprinter):
            pairs = list(candidates.find_pairs(corpus.fingerprints, config))
        corpus.line_keys = []  # used up: ~1 KB an article of Python ints
    if config.rewrites:
        with timer.stage("rewrites"):
            pairs += _rewrite_pairs(corpus, pairs, config, fingerprinter, jobs)
    with timer.stage("stories"):
        fps = corpus.fingerprints
        groups = [[fps[p].doc_id for p in g] for g in candidates.identical_groups(fps)]
        pairs = candidates.expand_identical(pairs, groups)
        found = _stories(corpus, pairs)
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
    )


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


def _refingerprint(
    corpus: Corpus, position: int, fingerprinter: Fingerprinter, repeated: frozenset[int]
) -> None:
    doc = corpus.documents[corpus.fingerprints[position].doc_id]
    lines = boilerplate.mark_repeated(boilerplate.split_lines(doc.text), repeated)
    tokens = fingerprinter.tokens(lines)
    result = fingerprinter.fingerprint_tokens(doc.id, tokens)
    if isinstance(result, TooShort):  # keep the article; its lines were all repeated
        return
    corpus.fingerprints[position] = result
    member = corpus.members[doc.id]
    corpus.members[doc.id] = replace(member, tokens=result.tokens, exact=f"{result.exact:016x}")
    if fingerprinter.config.rewrites:
        corpus.salient[position] = salience.salient_terms(tokens)


def _rewrite_pairs(
    corpus: Corpus,
    known: Sequence[Pair],
    config: ScanConfig,
    fingerprinter: Fingerprinter,
    jobs: int,
) -> list[Pair]:
    """Tier 2 over one representative of each identical text: LSH candidates, the
    cheap bound, then at most ``rewrite_max_candidates`` verifications per article,
    in ``jobs`` processes."""
    fps = corpus.fingerprints
    reps = sorted(
        (group[0] for group in candidates.identical_groups(fps)), key=lambda p: fps[p].doc_id
    )
    chosen = _rewrite_candidates(corpus, reps, known, config, fingerprinter, jobs)
    hashes = [corpus.fact_hashes[p] for p in reps]
    corpus.common_facts = rewrite_candidates.common_facts(hashes, config)
    # Verified article by article (in (i, j) order, so that each worker reads and parses
    # each article about once while its article cache stays small), reported in the
    # order chosen.
    order = sorted(range(len(chosen)), key=lambda k: (chosen[k].i, chosen[k].j))
    state = _Verifying(corpus, [fps[p] for p in reps], hashes, SentenceMatcher.default(), config)
    verified = workers.map_shared(_verify, [chosen[k] for k in order], state, jobs)
    found = dict(zip(order, verified, strict=True))
    return [pair for _, pair in sorted(found.items()) if pair is not None]


def _rewrite_candidates(
    corpus: Corpus,
    reps: list[int],
    known: Sequence[Pair],
    config: ScanConfig,
    fingerprinter: Fingerprinter,
    jobs: int,
) -> list[rewrite_candidates.Candidate]:
    """The representatives' rewrite candidates worth verifying: LSH pairs that pass
    the date limit and the cheap bound, at most ``rewrite_max_candidates`` best-ranked
    an article. The LSH pairs and the term matrix (the tier's largest structures) are
    freed on return, before verification forks its workers."""
    rep_terms = [corpus.salient[p] for p in reps]
    common = rewrite_candidates.house_terms(rep_terms, config)
    corpus.house = frozenset(common.tolist())
    index = rewrite_candidates.candidate_index(rep_terms, common, config, fingerprinter.minhasher)
    rep_ids = [corpus.fingerprints[p].doc_id for p in reps]
    dates = [stories.parse_date(corpus.members[d].date) for d in rep_ids]
    bounding = _Bounding(
        index,
        rep_terms,
        TermMatrix(rep_terms),
        rep_ids,
        {(p.a, p.b) for p in known},
        rewrite_candidates.days_apart(dates, config.rewrite_max_days),
        config,
    )
    parts = workers.map_shared(_bound, list(range(index.bands)), bounding, jobs, min_items=2)
    bounded = {(c.i, c.j): c for part in parts for c in part}  # a pair in several bands
    return rewrite_candidates.best_per_article(
        [bounded[ij] for ij in sorted(bounded)], config.rewrite_max_candidates
    )


@dataclass(frozen=True)
class _Bounding:
    """What the cheap bound over the rewrite tier's LSH pairs needs (inherited by the
    worker processes: the pairs are never sent)."""

    index: MemoryBandIndex
    terms: list[SalientTerms]
    matrix: TermMatrix
    ids: list[str]
    known: set[tuple[str, str]]
    apart: Callable[[int, int], bool]
    config: ScanConfig


def _bound(state: _Bounding, band: int) -> list[rewrite_candidates.Candidate]:
    """The LSH pairs of one band that are new, close enough in date, and pass the
    cheap bound, ranked; scored in bulk first, a chunk at a time."""
    found = []
    terms, pairs = state.terms, state.index.band_pairs(band)
    for start in range(0, len(pairs), BOUND_CHUNK):
        chunk = pairs[start : start + BOUND_CHUNK]
        scores = state.matrix.weighted_jaccard(chunk)
        close = chunk[scores >= state.config.rewrite_min_weighted_jaccard - BOUND_SLACK]
        for i, j in close.tolist():
            a, b = state.ids[i], state.ids[j]
            if (min(a, b), max(a, b)) in state.known or state.apart(i, j):
                continue
            bound = rewrite.cheap_bound(terms[i], terms[j], state.config)
            if bound is not None:
                rank = rewrite_candidates.rank(terms[i], terms[j])
                found.append(rewrite_candidates.Candidate(rank, bound, i, j))
    return found


@dataclass(frozen=True)
class _Verifying:
    """What verifying a rewrite candidate needs, inherited by the worker processes."""

    corpus: Corpus
    fingerprints: list[Fingerprint]
    """Of the representatives, by candidate index."""
    fact_hashes: list[U64]
    matcher: SentenceMatcher
    config: ScanConfig


def _verify(state: _Verifying, candidate: rewrite_candidates.Candidate) -> Pair | None:
    """The pair of a rewrite candidate when verification finds a rewrite, else None."""
    _, bound, i, j = candidate
    corpus, config = state.corpus, state.config
    fa, fb = sorted((state.fingerprints[i], state.fingerprints[j]), key=lambda f: f.doc_id)
    art_a, art_b = _article(corpus, fa.doc_id), _article(corpus, fb.doc_id)
    hashes = state.fact_hashes
    most = rewrite_candidates.shared_fact_bound(hashes[i], hashes[j], corpus.common_facts)
    evidence = rewrite.verify(
        art_a, art_b, bound, state.matcher, config, corpus.common_facts, fact_bound=most
    )
    if not evidence.verdict:
        return None
    scores = candidates.score(fa, fb, config)
    return Pair(fa.doc_id, fb.doc_id, scores.jaccard, scores.containment, "rewrite", evidence)


def _article(corpus: Corpus, doc_id: str) -> Article:
    """The article of ``doc_id`` (its sentences and facts cached), read from the spool;
    the ``ARTICLE_CACHE`` most recently used are kept: a parsed article holds ten times
    its text, and keeping every one verified made a 50,000-article scan take 1.7 GB."""
    cache = corpus.articles
    found = cache.get(doc_id)
    if found is None:
        found = Article(corpus.documents[doc_id], corpus.house, corpus.repeated)
        if len(cache) >= ARTICLE_CACHE:
            del cache[next(iter(cache))]
    else:
        del cache[doc_id]
    cache[doc_id] = found  # most recent last
    return found


def _ledger(state: tuple[Corpus, SentenceMatcher], story: Story) -> ledger.StoryLedger:
    """One story's sentence ledger (runs in a worker process)."""
    corpus, matcher = state
    articles = {m.document: _article(corpus, m.document) for m in story.members}
    return ledger.build(story, articles, matcher)


def _stories(corpus: Corpus, pairs: Sequence[Pair]) -> tuple[Story, ...]:
    graph = stories.neighbours(pairs)
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

    hints = stories.OriginHints(
        dates={doc: corpus.members[doc].date for doc in graph},
        credited=lambda doc: bool(evidence(doc)),
        coverage=coverage,
    )
    found = stories.stars(graph, hints)
    return tuple(stories.assemble(star, graph, corpus.members, evidence) for star in found)
