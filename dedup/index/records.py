"""Articles turned into the index's stored records (``IndexedDoc``): fingerprint,
salient terms and band keys of both tiers computed exactly as the scan computes them,
with the lines the index has learnt as boilerplate set aside, and the keys of the
article's lines the index learns that boilerplate from."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from dedup.config import ScanConfig
from dedup.copies.lsh import band_keys
from dedup.fingerprint.fingerprinter import Fingerprint, Fingerprinter, TooShort
from dedup.fingerprint.minhash import MinHasher, lsh_params
from dedup.fingerprint.shingle import U64
from dedup.index.store import IndexedDoc
from dedup.ingest.document import Document
from dedup.rewrites.candidates import signature_terms
from dedup.text import boilerplate, salience, sentences
from dedup.text.salience import SalientTerms

NO_KEYS: U64 = np.empty(0, dtype=np.uint64)


@dataclass(frozen=True, slots=True, eq=False)
class Features:
    """What both the index and a check compute of an article: its fingerprint,
    salient terms, band keys of both tiers and the keys of its lines."""

    fingerprint: Fingerprint
    salient: SalientTerms
    copy_keys: U64
    rewrite_keys: U64
    line_keys: U64
    """Keys of its article lines as the scan counts them (sorted; none when the text
    is hard-wrapped: its lines are fragments of sentences, not page furniture)."""


def copy_keys(signature: np.ndarray, config: ScanConfig) -> U64:
    """Band keys of the copy tier, with the scan's bands and rows."""
    return band_keys(signature, *lsh_params(config.lsh_threshold, config.num_perm))


def rewrite_keys(salient: SalientTerms, config: ScanConfig, minhasher: MinHasher) -> U64:
    """Band keys of the rewrite tier, from the salient-term MinHash as the scan builds
    it (empty when the article takes no part in that tier: too few terms, a table)."""
    terms = signature_terms(salient, np.empty(0, dtype=np.uint32))
    if terms is None:
        return np.empty(0, dtype=np.uint64)
    bands, rows = lsh_params(config.rewrite_lsh_threshold, config.num_perm)
    return band_keys(minhasher.signature(terms), bands, rows)


def line_keys(lines: list[boilerplate.Line]) -> U64:
    """Keys of an article's lines that no rule sets aside, as the scan counts them:
    none for hard-wrapped text."""
    if sentences.hard_wrapped(lines):
        return NO_KEYS
    return np.array(sorted(boilerplate.article_line_keys(lines)), dtype=np.uint64)


def features(
    doc: Document, fingerprinter: Fingerprinter, aside: frozenset[int] = frozenset()
) -> Features | TooShort:
    """Fingerprint, salient terms and band keys of one article, the lines whose keys
    are in ``aside`` set aside (TooShort when too few tokens are left)."""
    lines = boilerplate.split_lines(doc.text)
    tokens = fingerprinter.tokens(boilerplate.mark_repeated(lines, aside))
    found = fingerprinter.fingerprint_tokens(doc.id, tokens)
    if isinstance(found, TooShort):
        return found
    salient = salience.salient_terms(tokens)
    config = fingerprinter.config
    return Features(
        fingerprint=found,
        salient=salient,
        copy_keys=copy_keys(found.signature, config),
        rewrite_keys=rewrite_keys(salient, config, fingerprinter.minhasher),
        line_keys=line_keys(lines),
    )


def fingerprint(
    doc: Document, fingerprinter: Fingerprinter, aside: frozenset[int] = frozenset()
) -> Fingerprint | TooShort:
    """The article's fingerprint with the lines whose keys are in ``aside`` set aside
    (whole when that leaves too few tokens, as the scan does)."""
    if aside:
        lines = boilerplate.mark_repeated(boilerplate.split_lines(doc.text), aside)
        found = fingerprinter.fingerprint_tokens(doc.id, fingerprinter.tokens(lines))
        if not isinstance(found, TooShort):
            return found
    return fingerprinter(doc)


def to_indexed(
    doc: Document,
    fingerprinter: Fingerprinter,
    config: ScanConfig,
    now: datetime,
    aside: frozenset[int] = frozenset(),
) -> IndexedDoc | TooShort:
    """The stored record of an article, indexed at ``now`` (naive means UTC), the
    lines whose keys are in ``aside`` set aside."""
    if fingerprinter.config != config:
        raise ValueError("the fingerprinter was made with another config")
    found = features(doc, fingerprinter, aside)
    if isinstance(found, TooShort):
        return found
    return IndexedDoc(
        doc_id=doc.id,
        text=doc.text,
        title=doc.title,
        date=doc.date,
        source=doc.source,
        url=doc.url,
        **_fingerprinted(found),
        added_at=aware(now).timestamp(),
        line_keys=found.line_keys,
    )


def refeatured(
    record: IndexedDoc, aside: frozenset[int], fingerprinter: Fingerprinter
) -> IndexedDoc:
    """The record fingerprinted again with the lines whose keys are in ``aside`` set
    aside (as the scan does, not when that leaves it too short to fingerprint); its
    text, metadata, version and time added are kept."""
    found = features(document(record), fingerprinter, aside)
    if isinstance(found, TooShort) and aside:
        found = features(document(record), fingerprinter)
    if isinstance(found, TooShort):  # too short under today's rules: left as it is
        return record
    return dataclasses.replace(record, **_fingerprinted(found))


def _fingerprinted(found: Features) -> dict[str, Any]:
    """A record's fields that fingerprinting gives (the lines' keys aside: a record
    keeps them as counted on its whole text)."""
    return {
        "exact": found.fingerprint.exact,
        "tokens": found.fingerprint.tokens,
        "signature": found.fingerprint.signature,
        "copy_keys": found.copy_keys,
        "rewrite_keys": found.rewrite_keys,
        "salient_hashes": found.salient.hashes,
        "salient_weights": found.salient.weights,
    }


def document(record: IndexedDoc) -> Document:
    """The indexed record as a Document (its text and metadata)."""
    return Document(
        record.doc_id, record.text, record.title, record.date, record.source, record.url
    )


def aware(now: datetime) -> datetime:
    """``now`` with a time zone (a naive time is taken as UTC)."""
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)
