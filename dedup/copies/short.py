"""The short route: near-copies among short items (headlines, alerts, wire flashes of
``min_tokens`` to ``short_max_tokens`` tokens), whose one-word edits word 5-shingles
cannot see ("halted" / "stopped" in 14 tokens leaves 5 of 15 shingles shared).

Lines that the corpus repeats, or that ``repeated_line_groups`` short items share (a
header, a footer: a short item's lines are all short, so the corpus's repeated-line
stage takes them for hard-wrapped wire copy and never counts them), are set aside
before items are compared. Candidates come from ``short_candidates``; each is
verified: normalised token edit similarity at least ``short_similarity``, no run of
figures or names replaced (``text.specifics``, read over every line, shared ones
included, so a figure in a shared form still counts), and no fact stated differently
(``text.facts.divergences``: "about 1,000" / "nearly 1,000").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from rapidfuzz.distance import Indel

from dedup.config import ScanConfig
from dedup.copies.pairing import Pair, jaccard_and_containment
from dedup.copies.short_candidates import SLACK, similar_pairs
from dedup.fingerprint.fingerprinter import Fingerprint
from dedup.text import boilerplate, facts, sentences, specifics
from dedup.text.fact import Fact

Tokeniser = Callable[[list[boilerplate.Line]], list[str]]


@dataclass(frozen=True, slots=True)
class ItemLine:
    """A line of a short item the line rules keep: its key and its tokens."""

    key: int
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class ShortItem:
    """A short article: its fingerprint (with its shingle set, for the pair's scores),
    its lines and its sentences as written (page chrome set aside), and the keys of
    the lines its comparison sets aside (``shared``). What an edit must leave alone is
    read on first use: most candidates never need it."""

    fingerprint: Fingerprint
    lines: tuple[ItemLine, ...]
    sentences: tuple[str, ...]
    shared: frozenset[int] = frozenset()

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """The tokens compared: those of the lines not shared."""
        return tuple(t for line in self.lines if line.key not in self.shared for t in line.tokens)

    @cached_property
    def runs(self) -> tuple[str, ...]:
        """The runs of figures and names (``text.specifics``)."""
        return specifics.runs(self.sentences)

    @cached_property
    def facts(self) -> tuple[Fact, ...]:
        """The facts of every sentence, with their qualifiers."""
        return tuple(fact for sentence in self.sentences for fact in facts.extract(sentence))


def item(
    fingerprint: Fingerprint, text: str, lines: list[boilerplate.Line], tokenise: Tokeniser
) -> ShortItem:
    """A short item of an article's raw ``text`` and its ``lines`` as the line rules
    mark them; ``tokenise`` is the fingerprinter's (``Fingerprinter.tokens``)."""
    kept = [line for line in lines if line.boilerplate is None]
    item_lines = tuple(ItemLine(boilerplate.line_key(x.text), tuple(tokenise([x]))) for x in kept)
    told = tuple(s.text for s in sentences.split(text, lines) if s.boilerplate is None)
    return ShortItem(fingerprint, item_lines, told)


def is_short(tokens: int, config: ScanConfig) -> bool:
    """Whether an article of ``tokens`` tokens takes the short route."""
    return config.min_tokens <= tokens <= config.short_max_tokens


def find_pairs(
    items: Sequence[ShortItem],
    config: ScanConfig,
    repeated: frozenset[int] = frozenset(),
    *,
    compiled: bool = True,
) -> Iterator[Pair]:
    """Every verified near-copy among ``items`` (distinct texts), in their order; the
    lines ``repeated`` (the corpus's boilerplate) and those shared by
    ``repeated_line_groups`` items are set aside from the comparison. ``compiled``:
    candidates signed by numba's kernels, else by numpy (``Fingerprinter``)."""
    shared = repeated | _shared_lines(items, config.repeated_line_groups)
    compared = [replace(one, shared=shared) for one in items]
    compared = [one for one in compared if is_short(len(one.tokens), config)]
    if len(compared) < 2:
        return
    tokens = [one.tokens for one in compared]
    cutoff, perms, seed = config.short_similarity, config.num_perm, config.seed
    for i, j in similar_pairs(tokens, cutoff, perms, seed, compiled=compiled):
        pair = verify(compared[i], compared[j], config)
        if pair is not None:
            yield pair


def _shared_lines(items: Sequence[ShortItem], least: int) -> frozenset[int]:
    """Keys of the lines found in at least ``least`` items."""
    counts = Counter(key for one in items for key in {line.key for line in one.lines})
    return frozenset(key for key, count in counts.items() if count >= least)


def verify(a: ShortItem, b: ShortItem, config: ScanConfig) -> Pair | None:
    """The near-copy pair of two short items, or None; symmetric (the items are taken
    in document-id order)."""
    if a.fingerprint.doc_id > b.fingerprint.doc_id:
        a, b = b, a
    similar = edit_similarity(a.tokens, b.tokens)
    if similar < config.short_similarity - SLACK:
        return None
    if specifics.replaced(a.runs, b.runs) or facts.divergences(a.facts, b.facts):
        return None  # the edit changed what the item states
    jaccard, containment = jaccard_and_containment(a.fingerprint.shingles, b.fingerprint.shingles)
    return Pair(
        a.fingerprint.doc_id,
        b.fingerprint.doc_id,
        round(jaccard, 6),
        round(containment, 6),
        "near-copy",
        edit_similarity=round(similar, 6),
    )


def edit_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """``1 - (insertions + deletions) / (len(a) + len(b))`` over tokens (a substituted
    word is one of each)."""
    return float(Indel.normalized_similarity(a, b))
