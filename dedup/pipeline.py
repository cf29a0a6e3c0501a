"""The scan pipeline as named stages run in one place, each timed:
ingest -> fingerprint -> copies (tier 1: word-shingle LSH + exact verification) ->
rewrites (tier 2: salient-term LSH + alignment and shared facts) -> stories."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from dedup import (
    boilerplate,
    candidates,
    ingest,
    ledger,
    rewrite,
    rewrite_candidates,
    salience,
    sentences,
    stories,
    wire,
)
from dedup.article import Article
from dedup.candidates import Pair
from dedup.cluster import UnionFind
from dedup.config import ScanConfig
from dedup.document import Document, Skipped
from dedup.fingerprint import Fingerprint, Fingerprinter, TooShort
from dedup.match import SentenceMatcher
from dedup.results import Member, ScanResult, Story
from dedup.salience import SalientTerms

Progress = Callable[[int], None]


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
class _Corpus:
    """What the fingerprint stage keeps of each article for the later stages."""

    fingerprints: list[Fingerprint] = field(default_factory=list)
    salient: list[SalientTerms] = field(default_factory=list)
    line_keys: list[frozenset[int]] = field(default_factory=list)
    repeated: frozenset[int] = frozenset()
    house: frozenset[int] = frozenset()
    common_facts: frozenset[str] = frozenset()
    articles: dict[str, Article] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    too_short: list[TooShort] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    seen: int = 0


def scan(
    paths: Sequence[str], config: ScanConfig | None = None, *, progress: Progress | None = None
) -> ScanResult:
    """Scan files and folders (``-`` is standard input) and group copies and rewrites."""
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
    corpus = _fingerprint_all(items, fingerprinter, timer, progress)
    with timer.stage("copies"):
        pairs = list(candidates.find_pairs(corpus.fingerprints, config))
    with timer.stage("boilerplate"):
        if _set_aside_repeated_lines(corpus, pairs, fingerprinter):
            pairs = list(candidates.find_pairs(corpus.fingerprints, config))
    if config.rewrites:
        with timer.stage("rewrites"):
            pairs += _rewrite_pairs(corpus, pairs, config, fingerprinter)
    with timer.stage("stories"):
        fps = corpus.fingerprints
        groups = [[fps[p].doc_id for p in g] for g in candidates.identical_groups(fps)]
        pairs = candidates.expand_identical(pairs, groups)
        found = _stories(corpus, pairs)
    if config.ledger:
        with timer.stage("ledger"):
            matcher = SentenceMatcher.default()
            found = tuple(
                replace(story, ledger=ledger.build(story, _articles(corpus, story), matcher))
                for story in found
            )
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


def _fingerprint_all(
    items: Iterable[Document | Skipped],
    fingerprinter: Fingerprinter,
    timer: StageTimer,
    progress: Progress | None,
) -> _Corpus:
    corpus = _Corpus()
    stream = iter(items)
    while True:
        with timer.stage("ingest"):
            item = next(stream, None)
        if item is None:
            return corpus
        if isinstance(item, Skipped):
            corpus.skipped.append(item)
        elif item.id in corpus.ids:
            corpus.skipped.append(Skipped(item.location, f"duplicate document id {item.id!r}"))
        else:
            corpus.ids.add(item.id)
            _fingerprint_one(item, fingerprinter, timer, corpus)
            corpus.seen += 1
            if progress is not None:
                progress(corpus.seen)


def _fingerprint_one(
    doc: Document, fingerprinter: Fingerprinter, timer: StageTimer, corpus: _Corpus
) -> None:
    with timer.stage("fingerprint"):
        lines = boilerplate.split_lines(doc.text)
        tokens = fingerprinter.tokens(lines)
        result = fingerprinter.fingerprint_tokens(doc.id, tokens)
    if isinstance(result, TooShort):
        corpus.too_short.append(result)
        return
    if fingerprinter.config.rewrites:
        with timer.stage("salience"):
            corpus.salient.append(salience.salient_terms(tokens))
    # Hard-wrapped wire copy breaks sentences across lines: its lines are fragments,
    # not page furniture, and never count as repeated boilerplate.
    wrapped = sentences.hard_wrapped(lines)
    corpus.line_keys.append(frozenset() if wrapped else boilerplate.article_line_keys(lines))
    corpus.fingerprints.append(result)
    corpus.documents[doc.id] = doc
    corpus.members[doc.id] = Member(
        document=doc.id,
        tokens=result.tokens,
        exact=f"{result.exact:016x}",
        title=doc.title,
        date=doc.date,
        source=doc.source,
        url=doc.url,
    )


def _set_aside_repeated_lines(
    corpus: _Corpus, pairs: Sequence[Pair], fingerprinter: Fingerprinter
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
    corpus: _Corpus, position: int, fingerprinter: Fingerprinter, repeated: frozenset[int]
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
    corpus: _Corpus, known: Sequence[Pair], config: ScanConfig, fingerprinter: Fingerprinter
) -> list[Pair]:
    """Tier 2 over one representative of each identical text: LSH candidates, the
    cheap bound, then at most ``rewrite_max_candidates`` verifications per article."""
    fps, sal = corpus.fingerprints, corpus.salient
    reps = sorted(
        (group[0] for group in candidates.identical_groups(fps)), key=lambda p: fps[p].doc_id
    )
    rep_terms = [sal[p] for p in reps]
    common = rewrite_candidates.house_terms(rep_terms, config)
    lsh_pairs = rewrite_candidates.candidate_pairs(
        rep_terms, common, config, fingerprinter.minhasher
    )
    done = {(p.a, p.b) for p in known}
    rep_ids = [fps[p].doc_id for p in reps]
    dates = [stories.parse_date(corpus.members[d].date) for d in rep_ids]
    apart = rewrite_candidates.days_apart(dates, config.rewrite_max_days)
    bounded = []
    for i, j in lsh_pairs:
        ids = tuple(sorted((fps[reps[i]].doc_id, fps[reps[j]].doc_id)))
        if ids in done or apart(i, j):
            continue
        bound = rewrite.cheap_bound(rep_terms[i], rep_terms[j], config)
        if bound is not None:
            rank = rewrite_candidates.rank(rep_terms[i], rep_terms[j])
            bounded.append(rewrite_candidates.Candidate(rank, bound, i, j))
    corpus.house = frozenset(common.tolist())
    chosen = rewrite_candidates.best_per_article(bounded, config.rewrite_max_candidates)
    verified = {rep_ids[k] for c in chosen for k in (c.i, c.j)}
    # Articles to be verified are made (and their facts read) once, here.
    corpus.common_facts = rewrite_candidates.common_facts(
        (
            _article(corpus, d)
            if d in verified
            else Article(corpus.documents[d], corpus.house, corpus.repeated)
            for d in rep_ids
        ),
        len(rep_ids),
        config,
    )
    matcher = SentenceMatcher.default()
    found: list[Pair] = []
    for _, bound, i, j in chosen:
        fa, fb = sorted((fps[reps[i]], fps[reps[j]]), key=lambda f: f.doc_id)
        art_a, art_b = _article(corpus, fa.doc_id), _article(corpus, fb.doc_id)
        evidence = rewrite.verify(art_a, art_b, bound, matcher, config, corpus.common_facts)
        if evidence.verdict:
            scores = candidates.score(fa, fb, config)
            pair = Pair(
                fa.doc_id, fb.doc_id, scores.jaccard, scores.containment, "rewrite", evidence
            )
            found.append(pair)
    return found


def _article(corpus: _Corpus, doc_id: str) -> Article:
    """The article of ``doc_id``, made once (its sentences and facts are cached)."""
    if doc_id not in corpus.articles:
        doc = corpus.documents[doc_id]
        corpus.articles[doc_id] = Article(doc, corpus.house, corpus.repeated)
    return corpus.articles[doc_id]


def _articles(corpus: _Corpus, story: Story) -> dict[str, Article]:
    return {m.document: _article(corpus, m.document) for m in story.members}


def _stories(corpus: _Corpus, pairs: Sequence[Pair]) -> tuple[Story, ...]:
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
