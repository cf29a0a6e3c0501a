"""Run parameters: one frozen, validated record shared by every pipeline stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

ShingleKind = Literal["word", "char"]
VerdictKind = Literal["meaning", "rules", "fitted"]


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Parameters of a scan; recorded verbatim in the JSON output (and later the index).

    Defaults follow datasketch 2: 128 permutations, seed 1, scheme ``affine32``.
    """

    shingle: ShingleKind = "word"
    shingle_size: int = 5
    """Tokens per word shingle, or characters per character shingle."""
    num_perm: int = 128
    seed: int = 1
    lsh_threshold: float = 0.3
    """Jaccard level the band index is tuned for; kept below ``near_jaccard`` so that
    the verification step, not the LSH, decides (candidates are cheap to verify)."""
    copy_jaccard: float = 0.9
    """Exact shingle Jaccard at or above which a pair is a ``copy``."""
    near_jaccard: float = 0.5
    """Exact shingle Jaccard at or above which a pair is a ``near-copy``."""
    near_containment: float = 0.8
    """Share of the shorter article's shingles found in the longer one that also
    makes a ``near-copy`` (trimmed or extended copies)."""
    min_tokens: int = 5
    """Articles with fewer tokens (after boilerplate is set aside) are too short to
    fingerprint: they are reported, never grouped."""
    copy_min_tokens: int = 10
    """Articles with fewer tokens have too few word shingles (at most five) for their
    Jaccard or containment to mean anything: the copy tier pairs them only as
    identical texts, and the short route compares them."""
    short_max_tokens: int = 30
    """Articles of ``min_tokens`` to this many tokens (headlines, alerts, wire flashes)
    are also compared by the short route (``copies.short``), which sees the one-word
    edit that word 5-shingles miss below about 30 tokens; 0 turns it off."""
    short_similarity: float = 0.8
    """Normalised token edit similarity (RapidFuzz Indel: 1 - edits / total tokens) at
    or above which two short items with the same figures and names are a
    ``near-copy``: one substituted word in five."""
    max_doc_bytes: int = 20_000_000
    """Larger inputs are skipped with a message rather than read."""
    repeated_line_groups: int = 5
    repeated_line_share: float = 0.002
    """A line found in at least this many separate stories or lone articles (and
    this share of them) is the corpus's own boilerplate and is set aside. The short
    route also sets aside, from its comparison, lines found in this many short items."""
    rewrites: bool = True
    """Run the rewrite tier (salient-term LSH, sentence alignment, shared facts)."""
    rewrite_lsh_threshold: float = 0.06
    """Jaccard level of salient-term sets the rewrite tier's LSH targets (26 bands of
    one row at 128 permutations): rewrites share only 5-30 % of their rare terms, and a
    short rewrite of a long story shares little of the union however faithful it is."""
    rewrite_df_share: float = 0.005
    """In corpora of 1,000 articles or more, salient terms found in more than this
    share of them (the house vocabulary: 'dlrs', 'mln') do not make candidates."""
    rewrite_fact_df_share: float = 0.001
    """In corpora of 1,000 articles or more, facts found in more than this share of
    them (and in more than 5) are common ('Bank of England', '1 billion') and do not
    count as shared facts of a story."""
    rewrite_max_candidates: int = 5
    """Rewrite candidates verified per article, the one holding most of the other's
    salient content first: keeps the expensive verification linear in the corpus
    when a topic has many articles, and finds the source before sibling copies."""
    rewrite_max_days: float | None = 3.0
    """Dated articles further apart than this are never rewrites of one another: a
    follow-up days later is a new development, not the same story (None: no limit)."""
    rewrite_same_source_max_days: float | None = 0.5
    """Articles of one outlet (same ``source``) dated further apart than this are never
    rewrites of one another: an outlet updates its own story within hours, and its
    article on the topic the next day reports the next development (None: no limit).
    On Reuters-21578 it refused 612 of 1,449 rewrite pairs, every one of them in a
    40-pair sample read by hand a different development."""
    ledger: bool = True
    """Align every story's members sentence by sentence for the report (what each
    copy shares, adds and drops, and which facts differ)."""
    rewrite_min_weighted_jaccard: float = 0.10
    rewrite_min_facts: int = 3
    """Shared facts the fitted verdict's earlier routes asked for (``--verdict fitted``)."""
    rewrite_align_cosine: float = 0.8
    """Cosine of sentence embeddings at which two sentences align (one retells the
    other): MSRP paraphrases of wire copy score 0.74-0.88, unrelated sentences about 0."""
    rewrite_support_cosine: float = 0.7
    """Looser alignment that backs the same-lede route with one sentence agreeing on
    its facts."""
    rewrite_lede_cosine: float = 0.75
    """Cosine at which two ledes (their first two content sentences) open on one news."""
    rewrite_min_fact_weight: float = 9.0
    """Corpus-aware weight (``rewrites.rarity``) the shared facts of the same-lede route
    must reach: about three facts that one article in twenty states."""
    rewrite_outlets_lede_cosine: float = 0.55
    """Cosine at which two outlets' ledes (their first two content sentences, embedded
    as one text) tell one development (the route ``same-story``)."""
    rewrite_outlets_fact_weight: float = 6.4
    """Corpus-aware weight the facts two outlets both state must reach for the route
    ``same-story``: about two facts that one article in twenty states."""
    rewrite_outlets_quotes: int = 2
    """Quotations (``text.quotes``) two outlets must both print for the route
    ``same-story`` by quotations: the same statements quoted twice over."""
    rewrite_outlets_quote_share: float = 0.2
    """Share of the more-quoting article's quotations that the shared ones must make: a
    roundup or a column quotes much besides (on the multi-outlet corpora the wrong
    pairs with two shared quotations were at 0.12-0.14, the same developments at 0.2-0.6)."""
    rewrite_min_aligned: int = 3
    rewrite_min_aligned_share: float = 0.5
    rewrite_verdict: VerdictKind = "meaning"
    """``meaning``: sentences retold by meaning or the same lede and rare facts
    (``rewrites.verify``); ``rules``: the earlier lexical routes (shared facts alone
    suffice: more recall, less precision); ``fitted``: the logistic verdict shipped in
    ``dedup/data/verdict.json`` (``rewrite`` or ``same-story``), experimental."""

    def __post_init__(self) -> None:
        if self.rewrite_verdict not in ("meaning", "rules", "fitted"):
            raise ValueError(
                "rewrite_verdict must be 'meaning', 'rules' or 'fitted', "
                f"got {self.rewrite_verdict!r}"
            )
        if self.shingle not in ("word", "char"):
            raise ValueError(f"shingle must be 'word' or 'char', got {self.shingle!r}")
        if not 1 <= self.shingle_size <= 64:
            raise ValueError(f"shingle_size must be between 1 and 64, got {self.shingle_size}")
        if not 16 <= self.num_perm <= 1024:
            raise ValueError(f"num_perm must be between 16 and 1024, got {self.num_perm}")
        for name in (
            "lsh_threshold",
            "copy_jaccard",
            "near_jaccard",
            "near_containment",
            "rewrite_lsh_threshold",
            "rewrite_df_share",
            "rewrite_fact_df_share",
            "rewrite_min_weighted_jaccard",
            "rewrite_min_aligned_share",
            "rewrite_align_cosine",
            "rewrite_support_cosine",
            "rewrite_lede_cosine",
            "rewrite_outlets_lede_cosine",
            "rewrite_outlets_quote_share",
            "short_similarity",
        ):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
        if self.near_jaccard > self.copy_jaccard:
            raise ValueError("near_jaccard must not exceed copy_jaccard")
        if self.min_tokens < 1:
            raise ValueError(f"min_tokens must be at least 1, got {self.min_tokens}")
        if self.copy_min_tokens < 1 or self.short_max_tokens < 0:
            raise ValueError("copy_min_tokens must be at least 1 and short_max_tokens >= 0")
        if self.rewrite_max_candidates < 1:
            raise ValueError("rewrite_max_candidates must be at least 1")
        for name in ("rewrite_min_fact_weight", "rewrite_outlets_fact_weight"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.rewrite_outlets_quotes < 1:
            raise ValueError(
                f"rewrite_outlets_quotes must be >= 1, got {self.rewrite_outlets_quotes}"
            )
        if self.rewrite_min_facts < 0 or self.rewrite_min_aligned < 1:
            raise ValueError("rewrite_min_facts must be >= 0 and rewrite_min_aligned >= 1")
        for name in ("rewrite_max_days", "rewrite_same_source_max_days"):
            limit = getattr(self, name)
            if limit is not None and limit < 0:
                raise ValueError(f"{name} must be >= 0, got {limit}")
        if self.max_doc_bytes < 1:
            raise ValueError(f"max_doc_bytes must be positive, got {self.max_doc_bytes}")

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for the JSON output, with the fixed MinHash scheme spelt out."""
        return {**asdict(self), "minhash_scheme": "affine32", "shingle_hash": "xxh3_64-combine-32"}
