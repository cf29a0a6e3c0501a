"""``dedup check``: incoming articles against the persistent index, for CI.

Each incoming article is fingerprinted; its candidates are the indexed documents with
its exact-text hash or sharing a band key of either tier; each candidate is verified
as the scan verifies a pair (exact shingle scores for copies, then the rewrite tier's
cheap bound, alignment and shared facts; like the scan, no rewrite between articles
dated more than ``rewrite_max_days`` apart). Incoming articles are compared with the
index only, never with one another, and nothing is ever written to the store. An
incoming article whose id is indexed is never its own match: the same text and metadata
is reported as already indexed, another as an update of the indexed version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Literal, NamedTuple, get_args

from dedup.config import ScanConfig
from dedup.copies import pairing
from dedup.copies.pairing import RELATION_STRENGTH, Relation, Scores
from dedup.fingerprint.fingerprinter import Fingerprint, Fingerprinter, TooShort
from dedup.index import learnt
from dedup.index.indexer import check_parameters, same_article
from dedup.index.records import Features, document, features, fingerprint
from dedup.index.store import IndexedDoc, Store
from dedup.ingest.document import Document, Item, Notice, Skipped, without_notices
from dedup.rewrites import candidates, verify
from dedup.rewrites.article import Article
from dedup.rewrites.match import SentenceMatcher
from dedup.rewrites.verify import RewriteEvidence
from dedup.text import dates, wire
from dedup.text.salience import SalientTerms
from dedup.text.wire import WireEvidence

FailOn = Literal["copy", "near-copy", "rewrite", "same-story"]
Outcome = Literal["pass", "fail", "too-short", "not-checked"]
IndexStatus = Literal["new", "already-indexed", "update"]
"""Whether the index holds the incoming id: no; with the same text and metadata;
with another version (which the incoming article would replace)."""
FAIL_ON: tuple[FailOn, ...] = get_args(FailOn)
DEFAULT_FAIL_ON: FailOn = "near-copy"
REWRITE_LOOKUP = 50
"""Rewrite-tier candidates read per incoming article: those sharing the most band
keys with it. The tier's one-row bands are wide buckets (a rare word is enough), so
an index of 25,000 synthetic articles returned a third of them; the best 50 by
shared bands are ranked by their salient content, and the best 5 verified."""
"""Rewrites (the same story retold by another outlet) are reported but pass by default."""


@dataclass(frozen=True, slots=True)
class CheckMatch:
    """An indexed document the incoming article relates to, and the evidence."""

    document: str
    relation: Relation
    jaccard: float
    containment: float
    reason: str
    rewrite: RewriteEvidence | None
    aligned: tuple[tuple[str, str], ...]
    """Up to 3 aligned sentence pairs, (indexed, incoming), best first."""
    wire_indexed: tuple[WireEvidence, ...]
    wire_incoming: tuple[WireEvidence, ...]
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None

    @property
    def agencies(self) -> list[str]:
        """Wire agencies either text credits, strongest first."""
        return wire.agencies((*self.wire_indexed, *self.wire_incoming))


@dataclass(frozen=True, slots=True)
class CheckedItem:
    """One incoming article (or an input that could not be read) and its verdict."""

    document: str | None
    """The incoming document's id (None for an input that yielded no article)."""
    location: str
    outcome: Outcome
    matches: tuple[CheckMatch, ...] = ()
    tokens: int | None = None
    reason: str | None = None
    """Why the item was not checked (``too-short``, ``not-checked``)."""
    index_status: IndexStatus | None = None
    """Whether its id is indexed already (None for an input that yielded no article)."""

    @property
    def strongest(self) -> Relation | None:
        """The strongest relation found (matches are sorted strongest first)."""
        return self.matches[0].relation if self.matches else None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Every incoming item in input order, and the settings it was judged by."""

    items: tuple[CheckedItem, ...]
    fail_on: FailOn
    window: timedelta | None
    config: ScanConfig
    notices: tuple[Notice, ...] = ()
    """Warnings about inputs whose articles were checked (dates that could not be read)."""

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    def count_status(self, status: IndexStatus) -> int:
        return sum(1 for item in self.items if item.index_status == status)

    @property
    def failed(self) -> bool:
        """Some item relates to the index at or above ``fail_on``."""
        return self.count("fail") > 0

    @property
    def incomplete(self) -> bool:
        """Some input could not be checked (an operational error)."""
        return self.count("not-checked") > 0


def check(
    incoming: Iterable[Item],
    store: Store,
    config: ScanConfig | None = None,
    *,
    fail_on: FailOn = DEFAULT_FAIL_ON,
    window: timedelta | None = None,
) -> CheckResult:
    """Check incoming articles against the index; an item fails when its strongest
    relation is at least ``fail_on`` (copy > near-copy > rewrite > same-story). ``window`` keeps
    only indexed documents dated within it of the incoming one (either undated: kept).
    Too-short articles are reported, never failing; Skipped inputs are not-checked;
    Notices (dates that could not be read) are kept in the result's ``notices``."""
    config = config or ScanConfig()
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    if window is not None and window < timedelta(0):
        raise ValueError(f"window must not be negative, got {window}")
    check_parameters(store, config)
    checker = _Checker(store, config, window)
    notices: list[Notice] = []
    items = tuple(checker.item(entry, fail_on) for entry in without_notices(incoming, notices))
    return CheckResult(items, fail_on, window, config, tuple(notices))


class _Queued(NamedTuple):
    """A rewrite candidate waiting for verification, ranked as the scan ranks them."""

    rank: float
    bound: float
    stored: IndexedDoc
    scores: Scores
    aside: frozenset[int]


@dataclass
class _Incoming:
    """An incoming article and what is computed of it once for all its candidates:
    ``found`` with the lines the index learnt as boilerplate set aside, ``whole``
    without (the same when it holds none)."""

    doc: Document
    found: Features
    whole: Features
    aside: frozenset[int] = frozenset()

    @cached_property
    def article(self) -> Article:
        """Sentences and facts, made once for all the candidates."""
        return Article(self.doc, repeated_lines=self.aside)

    @cached_property
    def wire(self) -> tuple[WireEvidence, ...]:
        """Wire-agency evidence in the incoming text."""
        return wire.detect(self.doc.text)


class _Checker:
    """Candidate lookup and verification against one store with one config."""

    def __init__(self, store: Store, config: ScanConfig, window: timedelta | None) -> None:
        self.store = store
        self.config = config
        self.window = window
        self.fingerprinter = Fingerprinter(config)

    @cached_property
    def matcher(self) -> SentenceMatcher:
        return SentenceMatcher.default()

    def item(self, entry: Document | Skipped, fail_on: FailOn) -> CheckedItem:
        """The verdict on one incoming entry."""
        if isinstance(entry, Skipped):
            return CheckedItem(None, entry.location, "not-checked", reason=entry.reason)
        status = self.index_status(entry)
        found = features(entry, self.fingerprinter)
        if isinstance(found, TooShort):
            reason = f"too short to fingerprint: {found.tokens} tokens, not checked"
            return CheckedItem(
                entry.id, entry.location, "too-short", (), found.tokens, reason, status
            )
        incoming = self._set_aside(entry, found)
        found = incoming.found
        matches = self.matches(incoming)
        strongest = RELATION_STRENGTH[matches[0].relation] if matches else 0
        outcome: Outcome = "fail" if strongest >= RELATION_STRENGTH[fail_on] else "pass"
        tokens = found.fingerprint.tokens
        return CheckedItem(entry.id, entry.location, outcome, matches, tokens, None, status)

    def index_status(self, doc: Document) -> IndexStatus:
        """Whether the index holds ``doc``'s id, and with the same article or another."""
        indexed = self.store.get([doc.id])
        if not indexed:
            return "new"
        return "already-indexed" if same_article(indexed[0], doc) else "update"

    def _set_aside(self, doc: Document, whole: Features) -> _Incoming:
        """The incoming article with the index's boilerplate lines set aside (one read
        of its line keys' counts), as the scan would fingerprint it."""
        aside = learnt.repeated(self.store, whole.line_keys, self.config)
        found = features(doc, self.fingerprinter, aside) if aside else whole
        if isinstance(found, TooShort):  # all but boilerplate: kept whole, as the scan does
            return _Incoming(doc, whole, whole)
        return _Incoming(doc, found, whole, aside)

    def matches(self, incoming: _Incoming) -> tuple[CheckMatch, ...]:
        """Every verified relation to an indexed document, strongest first, then by id."""
        copy_ids, rewrite_ids = self._candidate_ids(incoming)
        found: list[CheckMatch] = []
        queue: list[_Queued] = []
        wanted = copy_ids | self._best_rewrite_ids(rewrite_ids, incoming)
        within = self._in_window(wanted, incoming.doc)
        boilerplate = learnt.repeated(self.store, learnt.keys_of(within), self.config)
        for stored in within:
            bound = self._bound(stored, incoming)
            if bound is None and stored.doc_id not in copy_ids:
                continue  # found by the rewrite tier only, and it cannot be a rewrite
            aside = learnt.aside(stored, boilerplate)
            scores = self._scores(stored, aside, incoming.found.fingerprint)
            if scores is not None and scores.relation is not None:
                reason = _copy_reason(scores, self.config)
                found.append(self._match(stored, incoming, scores.relation, scores, reason))
            elif scores is not None and bound is not None:
                rank = candidates.rank(_salient(stored), incoming.found.salient)
                queue.append(_Queued(rank, bound, stored, scores, aside))
        found += self._rewrites(queue, incoming)
        found.sort(key=lambda m: (-RELATION_STRENGTH[m.relation], m.document))
        return tuple(found)

    def _rewrites(self, queue: list[_Queued], incoming: _Incoming) -> list[CheckMatch]:
        """The verified rewrites among the ``rewrite_max_candidates`` best-ranked."""
        queue.sort(key=lambda q: (-q.rank, q.stored.doc_id))
        verified = (
            self._rewrite_match(q, incoming) for q in queue[: self.config.rewrite_max_candidates]
        )
        return [match for match in verified if match is not None]

    def _best_rewrite_ids(self, ids: set[str], incoming: _Incoming) -> set[str]:
        """The ``rewrite_max_candidates`` rewrite-tier candidates that pass the cheap
        bound and the date limits and hold most of each other's salient content, read
        from the store's brief records: whole documents are read for these only."""
        ranked = []
        for brief in self.store.brief(sorted(ids)):
            if self.window is not None and _apart(brief.date, incoming.doc.date, self.window):
                continue
            days = self.config.rewrite_max_days
            if days is not None and _apart(brief.date, incoming.doc.date, timedelta(days=days)):
                continue
            terms = SalientTerms(brief.salient_hashes, brief.salient_weights)
            cutoff = self.config.rewrite_min_weighted_jaccard
            score = candidates.scored(terms, incoming.found.salient, score_cutoff=cutoff)
            if score is not None:
                ranked.append((-score[0], brief.doc_id))
        return {doc_id for _, doc_id in sorted(ranked)[: self.config.rewrite_max_candidates]}

    def _candidate_ids(self, incoming: _Incoming) -> tuple[set[str], set[str]]:
        """Ids sharing the exact hash or a copy band key, and those sharing a rewrite
        band key only; the incoming document's own id is never its own match. Copy
        candidates are looked up with and without the learnt lines: an article indexed
        before it held them was stored with them (see ``learnt``)."""
        found = incoming.found
        copy_ids: set[str] = set()
        for looked_up in {id(f): f for f in (found, incoming.whole)}.values():
            copy_ids |= self.store.exact(looked_up.fingerprint.exact)
            copy_ids |= self.store.candidates("copy", looked_up.copy_keys)
        rewrite_ids: set[str] = set()
        if self.config.rewrites and len(found.rewrite_keys):
            ranked = self.store.most_shared("rewrite", found.rewrite_keys, REWRITE_LOOKUP)
            rewrite_ids = set(ranked) - copy_ids
        copy_ids.discard(incoming.doc.id)
        rewrite_ids.discard(incoming.doc.id)
        return copy_ids, rewrite_ids

    def _in_window(self, ids: set[str], doc: Document) -> list[IndexedDoc]:
        """The indexed documents among ``ids`` (by id) dated within the window of
        ``doc``; when either date is missing or unreadable the document is kept."""
        stored = self.store.get(sorted(ids))
        if self.window is None:
            return stored
        return [s for s in stored if not _apart(s.date, doc.date, self.window)]

    def _scores(
        self, stored: IndexedDoc, aside: frozenset[int], found: Fingerprint
    ) -> Scores | None:
        """Exact word-shingle scores against the indexed text, fingerprinted again with
        its learnt lines ``aside`` set aside (None when it is too short under this
        run's settings)."""
        again = fingerprint(Document(stored.doc_id, stored.text), self.fingerprinter, aside)
        if isinstance(again, TooShort):
            return None
        return pairing.score(again, found, self.config)

    def _bound(self, stored: IndexedDoc, incoming: _Incoming) -> float | None:
        """The rewrite tier's cheap bound, None when the pair cannot be a rewrite (too
        little shared vocabulary, or dated further apart than ``rewrite_max_days``)."""
        if not self.config.rewrites:
            return None
        days = self.config.rewrite_max_days
        if days is not None and _apart(stored.date, incoming.doc.date, timedelta(days=days)):
            return None
        return verify.cheap_bound(_salient(stored), incoming.found.salient, self.config)

    def _rewrite_match(self, queued: _Queued, incoming: _Incoming) -> CheckMatch | None:
        """Align and compare facts as the scan does (the pair in id order)."""
        stored, bound, scores = queued.stored, queued.bound, queued.scores
        indexed = Article(document(stored), repeated_lines=queued.aside)
        first_is_indexed = stored.doc_id < incoming.doc.id
        a, b = (indexed, incoming.article) if first_is_indexed else (incoming.article, indexed)
        evidence = verify.verify(a, b, bound, self.matcher, self.config)
        if not evidence.verdict:
            return None
        pairs = evidence.examples if first_is_indexed else [(y, x) for x, y in evidence.examples]
        aligned = tuple(dict.fromkeys(pairs))  # a headline repeated in the text aligns twice
        relation: Relation = "same-story" if evidence.relation == "same-story" else "rewrite"
        return self._match(stored, incoming, relation, scores, evidence.reason, evidence, aligned)

    def _match(
        self,
        stored: IndexedDoc,
        incoming: _Incoming,
        relation: Relation,
        scores: Scores,
        reason: str,
        evidence: RewriteEvidence | None = None,
        aligned: tuple[tuple[str, str], ...] = (),
    ) -> CheckMatch:
        """A match with its scores, evidence, both texts' wire credits and metadata."""
        scored = (stored.doc_id, relation, scores.jaccard, scores.containment, reason)
        credits = (wire.detect(stored.text), incoming.wire)
        metadata = (stored.title, stored.date, stored.source, stored.url)
        return CheckMatch(*scored, evidence, aligned, *credits, *metadata)


def _copy_reason(scores: Scores, config: ScanConfig) -> str:
    """Why the word shingles make a copy or near-copy, in one line."""
    shingles = f"word {config.shingle_size}-shingle" if config.shingle == "word" else "shingle"
    if scores.relation == "copy":
        if scores.jaccard == 1.0 and scores.containment == 1.0:
            return "copy: the same text once normalised"
        return f"copy: {shingles} Jaccard {scores.jaccard:.2f} (at least {config.copy_jaccard})"
    if scores.jaccard >= config.near_jaccard:
        return (
            f"near-copy: {shingles} Jaccard {scores.jaccard:.2f} (at least {config.near_jaccard})"
        )
    return (
        f"near-copy: {scores.containment:.0%} of the shorter article's {shingles}s are in the "
        f"other (at least {config.near_containment:.0%})"
    )


def _salient(stored: IndexedDoc) -> SalientTerms:
    return SalientTerms(stored.salient_hashes, stored.salient_weights)


def _apart(a: str | None, b: str | None, limit: timedelta) -> bool:
    """Both dates readable and more than ``limit`` apart."""
    first, second = dates.parse_date(a), dates.parse_date(b)
    if first is None or second is None:
        return False
    return abs(first - second) > limit
