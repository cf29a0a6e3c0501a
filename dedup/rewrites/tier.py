"""The rewrite stage of a scan (tier 2): candidates from MinHash-LSH over every
article's salient terms, cheap bounds, then verification (alignment and shared facts)
of at most ``rewrite_max_candidates`` an article, the work spread over a runner's
processes (forked ones that inherit the corpus, or a Dask cluster's workers). The result
does not depend on which."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from dedup import workers
from dedup.config import ScanConfig
from dedup.copies import pairing
from dedup.copies.cluster import UnionFind
from dedup.copies.lsh import MemoryBandIndex
from dedup.copies.pairing import Pair, Relation
from dedup.corpus import Corpus
from dedup.fingerprint.minhash import MinHasher, lsh_params
from dedup.fingerprint.ragged import Ragged
from dedup.fingerprint.shingle import U32
from dedup.rewrites import candidates, locality, shortlist, verify
from dedup.rewrites.features import Rarity
from dedup.rewrites.match import SentenceMatcher
from dedup.rewrites.rarity import Spread
from dedup.rewrites.term_matrix import TermMatrix
from dedup.text import dates
from dedup.text.salience import SalientTerms
from dedup.text.salient_table import SalientTable

BOUND_CHUNK = 20_000
"""LSH pairs scored in bulk at once."""


def rewrite_pairs(
    corpus: Corpus,
    known: Sequence[Pair],
    config: ScanConfig,
    runner: workers.Runner,
    followers: Collection[str] = frozenset(),
) -> list[Pair]:
    """Tier 2 over the texts that no other text represents (``followers``: identical
    and near-identical texts, which follow their group's leader): LSH candidates, the
    cheap bound, then at most ``rewrite_max_candidates`` verifications per article,
    on ``runner``'s processes. The representatives are ordered by their texts' hash, so
    that where candidates rank equal, content decides which are verified, not names."""
    return verified_candidates(corpus, known, config, runner, followers=followers, refused=False)


def verified_candidates(
    corpus: Corpus,
    known: Sequence[Pair],
    config: ScanConfig,
    runner: workers.Runner,
    *,
    followers: Collection[str] = frozenset(),
    full: bool = False,
    refused: bool = True,
) -> list[Pair]:
    """Every rewrite candidate with its evidence, the refused ones only if
    ``refused`` (a scan drops them where they are verified: most candidates are
    refused, and their evidence was most of what verification sent back); ``full``
    aligns and reads facts of each, whatever the bounds (to fit the verdict)."""
    fps = corpus.fingerprints
    reps = sorted(
        (p for p, fp in enumerate(fps) if fp.doc_id not in followers),
        key=lambda p: fps[p].exact,
    )
    distinct = _distinct_texts(corpus)
    chosen = _rewrite_candidates(corpus, reps, distinct, known, config, runner)
    corpus.common_facts = candidates.common_facts([corpus.fact_hashes[p] for p in distinct], config)
    rarity = corpus_rarity(corpus, reps, known)
    # Verified with each article's candidates close together (``locality``), so that
    # each worker parses and embeds an article about once while its caches stay small;
    # reported in the order chosen.
    order = locality.verification_order([(c.i, c.j) for c in chosen], len(reps))
    matcher = SentenceMatcher.default()
    state = _Verifying(corpus, reps, corpus.fact_hashes, matcher, config, rarity, full, refused)
    verified = runner.map_shared(
        _verify, [chosen[k] for k in order], state, min_items=workers.MIN_PARALLEL
    )
    found = {k: pair for k, pair in zip(order, verified, strict=True) if pair is not None}
    return [pair for _, pair in sorted(found.items())]


def corpus_rarity(corpus: Corpus, reps: Sequence[int], known: Sequence[Pair]) -> Rarity:
    """The spread of salient terms and facts over the corpus's versions: copies and
    near-copies of one text (joined by ``known`` pairs) count once."""
    versions = UnionFind()
    for pair in known:
        versions.union(pair.a, pair.b)
    ids = [corpus.fingerprints[p].doc_id for p in reps]
    roots = sorted({versions.find(d) for d in ids})
    number = {root: k for k, root in enumerate(roots)}
    groups = [number[versions.find(d)] for d in ids]
    terms = [corpus.salient[p].hashes for p in reps]
    fact_sets = [corpus.fact_hashes[p] for p in reps]
    return Rarity(Spread.of_versions(groups, terms), Spread.of_versions(groups, fact_sets))


def _rewrite_candidates(
    corpus: Corpus,
    reps: list[int],
    distinct: list[int],
    known: Sequence[Pair],
    config: ScanConfig,
    runner: workers.Runner,
) -> list[candidates.Candidate]:
    """The representatives' rewrite candidates worth verifying: LSH pairs that pass
    the date limit and the cheap bound, at most ``rewrite_max_candidates`` best-ranked
    an article. The band index and term matrix are built by the processes that bound
    the pairs (``_Bounding``)."""
    common = candidates.house_terms((corpus.salient[p] for p in distinct), config)
    corpus.house = frozenset(common.tolist())
    rep_ids = [corpus.fingerprints[p].doc_id for p in reps]
    members = [corpus.members[d] for d in rep_ids]
    when = [dates.parse_date(m.date) for m in members]
    bounding = _Bounding(
        corpus.salient,
        reps,
        common,
        rep_ids,
        _known_codes(rep_ids, known),
        candidates.days_apart(when, [m.source for m in members], config),
        any(w is not None for w in when),
        config,
    )
    bands, _ = lsh_params(config.rewrite_lsh_threshold, config.num_perm)
    parts = runner.map_shared(_bound, list(range(bands)), bounding, min_items=2)
    limit, cutoff = config.rewrite_max_candidates, config.rewrite_min_weighted_jaccard
    listed = shortlist.shortlist(shortlist.Bulk.union(parts), len(reps), limit, cutoff)
    terms = bounding.terms
    scored = []
    for i, j in listed.tolist():
        score = candidates.scored(terms[i], terms[j], score_cutoff=cutoff)
        if score is not None:
            scored.append(candidates.Candidate(*score, i, j))
    return candidates.best_per_article(scored, limit)


def _known_codes(ids: list[str], known: Sequence[Pair]) -> npt.NDArray[np.int64]:
    """The codes ``i * len(ids) + j`` (i < j, by position in ``ids``) of the pairs in
    ``known`` whose two articles are both in ``ids``, sorted."""
    position = {doc_id: k for k, doc_id in enumerate(ids)}
    ends = [(position[p.a], position[p.b]) for p in known if p.a in position and p.b in position]
    codes = [min(i, j) * len(ids) + max(i, j) for i, j in ends]
    return np.unique(np.array(codes, dtype=np.int64))


def _distinct_texts(corpus: Corpus) -> list[int]:
    """One position per distinct text: what the corpus's term and fact frequencies
    count (house terms, common facts): near-identical texts each once, as before they
    were grouped, so that grouping them changes which pairs are verified, not how;
    identical ones by their representative (``Corpus.twin_order``)."""
    groups: dict[int, list[int]] = {}
    for position, fp in enumerate(corpus.fingerprints):
        groups.setdefault(fp.exact, []).append(position)
    return sorted(min(g, key=corpus.twin_order) if len(g) > 1 else g[0] for g in groups.values())


@dataclass(frozen=True)
class _Bounding:
    """What the cheap bound over the rewrite tier's LSH pairs needs: sent to the
    workers (or inherited by forked ones), which build the band index of the terms'
    signatures and their term matrix on first use and keep them while the stage runs.
    They are the tier's largest structures (~1 KB an article, and as much again
    while pickled): a cluster scan's client never holds them."""

    salient: SalientTable
    reps: list[int]
    """The representatives' positions in ``salient``, by candidate index."""
    common: U32
    """The house vocabulary, left out of the signatures."""
    ids: list[str]
    known: npt.NDArray[np.int64]
    """Codes ``i * len(ids) + j`` (i < j) of pairs the copy tier already joined."""
    apart: Callable[[int, int], bool]
    dated: bool
    """Whether any representative has a date (else none is ``apart``)."""
    config: ScanConfig

    @cached_property
    def terms(self) -> list[SalientTerms]:
        """The representatives' salient terms, by candidate index."""
        return [self.salient[p] for p in self.reps]

    @cached_property
    def index(self) -> MemoryBandIndex:
        """The band index of the terms' signatures: its pairs are the candidates."""
        minhasher = MinHasher(self.config.num_perm, self.config.seed)
        return candidates.candidate_index(self.terms, self.common, self.config, minhasher)

    @cached_property
    def matrix(self) -> TermMatrix:
        """The terms' weights, to score a band's pairs in bulk."""
        return TermMatrix(self.terms)

    def __getstate__(self) -> dict[str, object]:
        """The fields, without what is built from them where it is used."""
        return {k: v for k, v in self.__dict__.items() if k not in ("terms", "index", "matrix")}


def _bound(state: _Bounding, band: int) -> shortlist.Bulk:
    """The LSH pairs of one band that are new, close enough in date, and pass the
    cheap bound in bulk (up to its rounding), with their bulk rank; scored a chunk at a
    time."""
    found = []
    pairs = state.index.band_pairs(band)
    floor = state.config.rewrite_min_weighted_jaccard - shortlist.SLACK
    for start in range(0, len(pairs), BOUND_CHUNK):
        chunk = pairs[start : start + BOUND_CHUNK]
        jaccard, rank = state.matrix.overlaps(chunk)
        close = (jaccard >= floor) & ~np.isin(
            chunk[:, 0] * len(state.ids) + chunk[:, 1], state.known
        )
        if state.dated:
            close[close] = [not state.apart(i, j) for i, j in chunk[close].tolist()]
        found.append(shortlist.Bulk(chunk[close], jaccard[close], rank[close]))
    return shortlist.Bulk.union(found)


@dataclass(frozen=True)
class _Verifying:
    """What verifying a rewrite candidate needs, inherited by the worker processes."""

    corpus: Corpus
    reps: list[int]
    """The representatives' positions in the corpus, by candidate index."""
    fact_hashes: Ragged
    """Each article's fact hashes, by position in the corpus (not sent with it)."""
    matcher: SentenceMatcher
    config: ScanConfig
    rarity: Rarity
    full: bool
    refused: bool
    """Whether refused candidates are kept (with their evidence)."""


def _verify(state: _Verifying, candidate: candidates.Candidate) -> Pair | None:
    """A rewrite candidate as a pair with its evidence; None when it is refused and
    ``state.refused`` is not set."""
    _, bound, i, j = candidate
    corpus, config = state.corpus, state.config
    pair = (corpus.fingerprint(state.reps[i]), corpus.fingerprint(state.reps[j]))
    fa, fb = sorted(pair, key=lambda f: f.doc_id)
    art_a, art_b = corpus.article(fa.doc_id), corpus.article(fb.doc_id)
    hashes, reps = state.fact_hashes, state.reps
    most = candidates.shared_fact_bound(hashes[reps[i]], hashes[reps[j]], corpus.common_facts)
    evidence = verify.verify(
        art_a,
        art_b,
        bound,
        state.matcher,
        config,
        corpus.common_facts,
        fact_bound=most,
        rarity=state.rarity,
        full=state.full,
    )
    if not (evidence.verdict or state.refused):
        return None
    scores = pairing.score(fa, fb, config)
    relation: Relation = "same-story" if evidence.relation == "same-story" else "rewrite"
    return Pair(fa.doc_id, fb.doc_id, scores.jaccard, scores.containment, relation, evidence)
