"""Fingerprint one article: set boilerplate aside, normalise, tokenise, shingle, MinHash.

This is the hot loop; everything in it is per article and batched per article: no
Python call per shingle, one C call per token (its hash), two compiled kernels.
``Fingerprinter.__call__`` skips what only the pipeline needs (line records with
offsets, token strings) and gives the same fingerprint as the pipeline's path.
"""

from __future__ import annotations

from dataclasses import dataclass

import xxhash

from dedup.config import ScanConfig
from dedup.fingerprint import shingle
from dedup.fingerprint.minhash import MinHasher
from dedup.ingest.document import Document
from dedup.text import boilerplate
from dedup.text.normalise import normalise, tokenise, utf8_tokens

_EXACT_CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    """What later stages need of an article: its exact-text hash, its shingle set
    (sorted unique uint32) and MinHash signature, and its token count."""

    doc_id: str
    exact: int
    shingles: shingle.U32
    signature: shingle.U32
    tokens: int


@dataclass(frozen=True, slots=True)
class TooShort:
    """An article with too few tokens to fingerprint meaningfully."""

    doc_id: str
    tokens: int


class Fingerprinter:
    """Turns Documents into Fingerprints with one config; reuses hashers across calls."""

    def __init__(self, config: ScanConfig, *, compiled: bool = True) -> None:
        """``compiled``: by numba's kernels (loaded now, before any worker is forked),
        else by numpy, slower and the same: for a process that fingerprints a few
        articles while others run the hot loop (a cluster scan's client)."""
        self.config = config
        self.compiled = compiled
        self.minhasher = MinHasher(config.num_perm, config.seed, compiled=compiled)
        self._exact_cache: dict[int, tuple[shingle.U32, shingle.U32]] = {}
        self._min_tokens = max(config.min_tokens, config.shingle_size)
        if compiled:
            from dedup.fingerprint import kernels  # numba loads when needed, not with the CLI

            kernels.load()

    def clear_caches(self) -> None:
        """Forget cached exact-duplicate signatures (a benchmark round starts cold)."""
        self._exact_cache.clear()

    def __call__(self, doc: Document) -> Fingerprint | TooShort:
        """The hot loop: the same result as ``fingerprint_tokens(doc.id,
        tokens(split_lines(doc.text)))``, without the line records and token strings."""
        return self.fingerprint_utf8(doc.id, utf8_tokens(boilerplate.kept_text(doc.text)))

    def tokens(self, lines: list[boilerplate.Line]) -> list[str]:
        """Normalised tokens of an article's lines, boilerplate set aside."""
        return tokenise(normalise(boilerplate.article_text(lines)))

    def fingerprint_tokens(self, doc_id: str, tokens: list[str]) -> Fingerprint | TooShort:
        """Exact hash, shingle set and signature of an article's tokens."""
        return self.fingerprint_utf8(doc_id, list(map(str.encode, tokens)))

    def fingerprint_utf8(self, doc_id: str, tokens: list[bytes]) -> Fingerprint | TooShort:
        """``fingerprint_tokens`` of the tokens' UTF-8 (``normalise.utf8_tokens``)."""
        if len(tokens) < self._min_tokens:
            return TooShort(doc_id, len(tokens))
        exact = xxhash.xxh3_64_intdigest(b" ".join(tokens))  # == " ".join(str tokens)
        cached = self._exact_cache.get(exact)
        if cached is None:
            cached = self._shingles_and_signature(tokens)
            if len(self._exact_cache) >= _EXACT_CACHE_LIMIT:
                self._exact_cache.clear()
            self._exact_cache[exact] = cached
        return Fingerprint(doc_id, exact, cached[0], cached[1], len(tokens))

    def _shingles_and_signature(self, tokens: list[bytes]) -> tuple[shingle.U32, shingle.U32]:
        """Sorted unique shingle hashes of the tokens, and their MinHash signature."""
        if self.config.shingle == "word":
            hashes = shingle.hash_utf8(tokens)
        else:
            hashes = shingle.hash_tokens(shingle.char_tokens([t.decode() for t in tokens]))
        shingles = shingle.shingle_set(hashes, self.config.shingle_size, compiled=self.compiled)
        return shingles, self.minhasher.signature(shingles)
