"""Fingerprint one article: set boilerplate aside, normalise, tokenise, shingle, MinHash.

This is the hot loop; everything in it is per article and batched per article.
"""

from __future__ import annotations

from dataclasses import dataclass

import xxhash

from dedup import boilerplate, shingle
from dedup.config import ScanConfig
from dedup.document import Document
from dedup.minhash import MinHasher
from dedup.normalise import normalise, tokenise

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

    def __init__(self, config: ScanConfig) -> None:
        self.config = config
        self.minhasher = MinHasher(config.num_perm, config.seed)
        self._exact_cache: dict[int, tuple[shingle.U32, shingle.U32]] = {}

    def clear_caches(self) -> None:
        """Forget cached exact-duplicate signatures (a benchmark round starts cold)."""
        self._exact_cache.clear()

    def __call__(self, doc: Document) -> Fingerprint | TooShort:
        return self.fingerprint_tokens(doc.id, self.tokens(boilerplate.split_lines(doc.text)))

    def tokens(self, lines: list[boilerplate.Line]) -> list[str]:
        """Normalised tokens of an article's lines, boilerplate set aside."""
        return tokenise(normalise(boilerplate.article_text(lines)))

    def fingerprint_tokens(self, doc_id: str, tokens: list[str]) -> Fingerprint | TooShort:
        """Exact hash, shingle set and signature of an article's tokens."""
        if len(tokens) < max(self.config.min_tokens, self.config.shingle_size):
            return TooShort(doc_id, len(tokens))
        exact = xxhash.xxh3_64_intdigest(" ".join(tokens).encode("utf-8"))
        cached = self._exact_cache.get(exact)
        if cached is None:
            units = tokens if self.config.shingle == "word" else shingle.char_tokens(tokens)
            shingles = shingle.shingle_set(shingle.hash_tokens(units), self.config.shingle_size)
            cached = (shingles, self.minhasher.signature(shingles))
            if len(self._exact_cache) >= _EXACT_CACHE_LIMIT:
                self._exact_cache.clear()
            self._exact_cache[exact] = cached
        return Fingerprint(doc_id, exact, cached[0], cached[1], len(tokens))
