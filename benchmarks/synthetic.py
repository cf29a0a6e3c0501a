"""A reproducible large news corpus with a provenance manifest, for index benchmarks.

The corpus is every real Reuters-21578 story (dates as ISO strings) and BBC article
from ``benchmarks.corpora`` (or, with ``real=N``, the first N of them in proportion:
see ``real_subset``), then synthetic articles up to ``target``: each is 5-15
sentences drawn from *different* real articles, so its text is real news prose but no
real article is copied. Sentences come from a pool of real sentences (8-60 words,
ending a sentence, not boilerplate, at most 30 % of their article's words, each
distinct text once); the pool is walked in shuffled passes, so a sentence is reused
only once every sentence has been used, and the manifest records how often.

Among the synthetic articles, duplicates are PLANTED at known rates:

- ``near-copy``: an ordinary synthetic article with one sentence dropped, one to
  three words or figures changed and a new headline, dated 1-48 hours after it;
- ``rewrite``: the same sentences in another order, each "paraphrased" by a fixed
  table of word substitutions (said -> stated, company -> firm, pct -> per cent,
  and -> plus, in -> within ...), dated 1-48 hours after it.
  These are planted, mechanical rewrites, not rewrites written by people: they test
  that the index finds what it should, not how well the rewrite tier judges prose.

Run: ``python -m benchmarks.synthetic --target 100000 [--real N] --out DIR`` writes
``corpus.jsonl`` (``id``, ``title``, ``date``, ``text``: the fields ``dedup`` reads)
and ``manifest.jsonl`` (one row per document: ``id``, ``kind``, ``sources``,
``planted_of`` and details). The same arguments give the same files.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks import corpora
from dedup import Document
from dedup.text.boilerplate import split_lines
from dedup.text.dates import parse_date
from dedup.text.sentences import split

MIN_SENTENCES, MAX_SENTENCES = 5, 15
MIN_WORDS, MAX_WORDS = 8, 60
MAX_SHARE = 0.3
"""A pooled sentence holds at most this share of its article's words, so that no
synthetic article can hold most of a short real one (an unplanned near-copy)."""
NEAR_COPY_EDITS = 3
WORDS_PER_EDIT = 50
"""A planted near-copy changes one word or figure per 50 words, up to three: each
change breaks five word 5-shingles, and a short copy must stay a near-copy."""
YEAR_START = datetime(1987, 1, 1)
YEAR_SECONDS = 365 * 24 * 3600

_ENDS_SENTENCE = re.compile(r"[.!?][\"')\u201d\u2019]*$")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")

SUBSTITUTIONS: dict[str, str] = dict(
    pair.replace("_", " ").split(":")
    for pair in (
        "said:stated says:states told:informed company:firm companies:firms also:additionally "
        "about:around after:following before:prior_to last:previous expected:anticipated "
        "expects:anticipates increase:rise increased:rose rose:climbed fell:dropped "
        "pct:per_cent percent:per_cent mln:million dlrs:dollars billion:bln cts:cents "
        "government:administration officials:authorities spokesman:spokesperson "
        "agreed:consented buy:purchase bought:purchased acquire:take_over "
        "acquisition:takeover however:nevertheless but:yet because:since while:whereas "
        "many:numerous big:large large:sizeable small:modest major:key market:marketplace "
        "markets:marketplaces prices:price_levels trade:commerce trading:dealing "
        "profit:earnings profits:earnings loss:deficit losses:deficits sales:revenue "
        "bank:lender banks:lenders people:individuals help:assist need:require "
        "needs:requires showed:indicated shows:indicates first:initial further:additional "
        "including:such_as think:believe important:significant currently:presently "
        "very:highly only:just nearly:almost around:roughly approximately:roughly "
        "began:started start:begin end:close month:period quarter:three_months "
        "week:seven_days reported:posted announced:disclosed "
        "plan:proposal demand:appetite rise:gain cut:reduce higher:greater lower:reduced "
        "group:concern share:stock shares:stocks offer:bid talks:negotiations "
        "production:output total:overall chairman:chair president:head"
    ).split(" ")
)
"""Word substitutions of the planted rewrites (lower-case words only, so names such
as New York stay), and the word edits of planted near-copies."""
FUNCTION_WORDS = {
    "and": "plus",
    "in": "within",
    "with": "alongside",
    "will": "shall",
    "its": "the",
    "which": "that",
    "on": "upon",
}
"""Further substitutions of the planted rewrites only: without them a rewrite of
wire prose keeps half its word 5-shingles and is a near-copy, not a rewrite."""
REWRITE_WORDS = SUBSTITUTIONS | FUNCTION_WORDS


class PoolSentence(NamedTuple):
    source: int
    """Index of the real document in ``real_documents()``."""
    position: int
    """Index of the sentence among ``dedup.text.sentences.split`` of that document."""
    text: str


@dataclass
class Corpus:
    """The documents in order (real, then synthetic) and one manifest row each."""

    documents: list[Document]
    manifest: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)


@functools.cache
def real_documents() -> tuple[Document, ...]:
    """Reuters-21578 (dates made ISO) then BBC, each when present under the data folder."""
    docs: list[Document] = []
    if corpora.available("reuters"):
        for doc in corpora.reuters():
            parsed = parse_date(doc.date)
            date = parsed.isoformat(timespec="seconds") if parsed else doc.date
            docs.append(Document(doc.id, doc.text, doc.title, date, doc.source))
    if corpora.available("bbc"):
        docs += [Document(d.id, d.text, d.title, None, d.source) for d in corpora.bbc()]
    if not docs:
        raise RuntimeError(f"neither Reuters-21578 nor BBC under {corpora.data_dir()}")
    return tuple(docs)


def real_subset(docs: Sequence[Document], count: int) -> list[Document]:
    """``count`` of ``docs``, in their order, taken in proportion from each group of
    them (Reuters-21578 as one group, each BBC category as one: ids ``category/...``)
    as a prefix of the group, so the subset keeps each group's runs of related
    stories (a wire's successive versions, duplicates filed side by side). Group
    shares are rounded by largest remainder, so exactly ``count`` are taken."""
    if not 0 <= count <= len(docs):
        raise ValueError(f"cannot take {count} of {len(docs)} real articles")
    groups: dict[str, list[int]] = {}
    for position, doc in enumerate(docs):
        category, sep, _ = doc.id.partition("/")
        groups.setdefault(category if sep and doc.source == "BBC" else "", []).append(position)
    exact = {name: count * len(members) / len(docs) for name, members in groups.items()}
    take = {name: int(share) for name, share in exact.items()}
    by_remainder = sorted(groups, key=lambda name: (take[name] - exact[name], name))
    for name in by_remainder[: count - sum(take.values())]:
        take[name] += 1
    chosen = sorted(p for name, members in groups.items() for p in members[: take[name]])
    return [docs[p] for p in chosen]


@functools.cache
def sentence_pool() -> tuple[PoolSentence, ...]:
    """Every usable real sentence once, from the first article with its exact text."""
    pool: dict[str, PoolSentence] = {}
    seen_texts: set[str] = set()
    for number, doc in enumerate(real_documents()):
        folded = " ".join(doc.text.split())
        if folded in seen_texts:
            continue  # an exact duplicate article: its sentences are already pooled
        seen_texts.add(folded)
        sentences = split(doc.text, split_lines(doc.text))
        words = sum(len(s.text.split()) for s in sentences if s.boilerplate is None)
        for s in sentences:
            count = len(s.text.split())
            if (
                s.boilerplate is None
                and MIN_WORDS <= count <= MAX_WORDS
                and count <= MAX_SHARE * words
                and s.text[0].isupper()
                and _ENDS_SENTENCE.search(s.text)
            ):
                pool.setdefault(s.text.lower(), PoolSentence(number, s.index, s.text))
    return tuple(pool.values())


def build(
    target: int,
    *,
    seed: int = 1,
    near_dup_rate: float = 0.02,
    rewrite_rate: float = 0.01,
    reserve: int = 0,
    real: int | None = None,
) -> Corpus:
    """The real articles (all, or ``real_subset`` of ``real`` of them: the sentence
    pool is drawn from all of them either way), then synthetic ones up to ``target``
    documents, of which
    ``round(n * near_dup_rate)`` planted near-copies and ``round(n * rewrite_rate)``
    planted rewrites (n = synthetic count). The first ``reserve`` synthetic articles
    take sentences no other synthetic article uses, and are never copied (fresh
    articles to hold out of an index)."""
    everything = real_documents()
    kept: Sequence[Document] = everything if real is None else real_subset(everything, real)
    count = target - len(kept)
    if count < 0:
        raise ValueError(f"target {target} is below the {len(kept)} real articles")
    if min(near_dup_rate, rewrite_rate) < 0 or near_dup_rate + rewrite_rate >= 1:
        raise ValueError("planted rates must be non-negative and sum below 1")
    rng = random.Random(seed)
    planted = {"near-copy": round(count * near_dup_rate), "rewrite": round(count * rewrite_rate)}
    ordinary = count - sum(planted.values())
    if reserve > ordinary or ordinary - reserve < sum(planted.values()):
        raise ValueError(f"too few ordinary synthetic articles ({ordinary}) for the plan")
    pool = sentence_pool()
    draws = _Draws(pool, rng, [rng.randint(MIN_SENTENCES, MAX_SENTENCES) for _ in range(reserve)])
    docs = list(kept)
    manifest: list[dict[str, Any]] = [
        {"id": d.id, "kind": "real", "sources": [], "planted_of": None} for d in kept
    ]
    chosen: list[list[int]] = []
    for number in range(ordinary):
        chosen.append(draws.reserved[number] if number < reserve else draws.article(rng))
        picked = [pool[i] for i in chosen[-1]]
        doc_id = f"syn-{number + 1:06d}"
        date = YEAR_START + timedelta(seconds=rng.randrange(YEAR_SECONDS))
        texts = [s.text for s in picked]
        docs.append(Document(doc_id, _layout(texts, rng), _headline(texts[0]), _iso(date)))
        manifest.append(
            {
                "id": doc_id,
                "kind": "synthetic",
                "sources": [everything[s.source].id for s in picked],
                "sentences": [s.position for s in picked],
                "planted_of": None,
                "reserved": number < reserve,
            }
        )
    uses = collections.Counter(s for picked in chosen for s in picked)
    for row, numbers in zip(manifest[len(kept) :], chosen, strict=True):
        row["max_uses"] = max(uses[i] for i in numbers)
    originals = rng.sample(range(reserve, ordinary), sum(planted.values()))
    kinds = ["near-copy"] * planted["near-copy"] + ["rewrite"] * planted["rewrite"]
    for number, (kind, original) in enumerate(zip(kinds, originals, strict=True), ordinary + 1):
        source = docs[len(kept) + original]
        texts = [pool[i].text for i in chosen[original]]
        edit = _near_copy if kind == "near-copy" else _rewrite
        texts, details = edit(texts, rng)
        assert source.date is not None
        date = datetime.fromisoformat(source.date) + timedelta(seconds=rng.randrange(3600, 172800))
        doc_id = f"syn-{number:06d}"
        title = _headline(texts[1 if kind == "near-copy" else 0])
        docs.append(Document(doc_id, _layout(texts, rng), title, _iso(date)))
        row = {"id": doc_id, "kind": kind, "sources": [source.id], "planted_of": source.id}
        manifest.append(row | details)
    summary = {
        "target": target,
        "seed": seed,
        "real": len(kept),
        "synthetic": ordinary,
        "reserved": reserve,
        **planted,
        "pool_sentences": len(pool),
        "sentences_drawn": sum(uses.values()),
        "max_sentence_uses": max(uses.values(), default=0),
        "passes": draws.passes,
    }
    return Corpus(docs, manifest, summary)


class _Draws:
    """Pool sentences (by index) handed out in shuffled passes; the reserved articles'
    sentences are drawn first and then left out of every pass."""

    def __init__(self, pool: tuple[PoolSentence, ...], rng: random.Random, sizes: list[int]):
        self.pool = pool
        self.passes = 0
        self.excluded: frozenset[int] = frozenset()
        self.queue: collections.deque[int] = collections.deque()
        self.reserved = [self.article(rng, size) for size in sizes]
        self.excluded = frozenset(i for article in self.reserved for i in article)
        self.queue = collections.deque(i for i in self.queue if i not in self.excluded)

    def article(self, rng: random.Random, size: int | None = None) -> list[int]:
        """``size`` (default: random) sentences from different source articles."""
        size = size or rng.randint(MIN_SENTENCES, MAX_SENTENCES)
        picked: list[int] = []
        sources: set[int] = set()
        held: list[int] = []
        while len(picked) < size:
            if not self.queue:
                order = [i for i in range(len(self.pool)) if i not in self.excluded]
                rng.shuffle(order)
                self.queue.extend(order)
                self.passes += 1
            number = self.queue.popleft()
            source = self.pool[number].source
            if source in sources:
                held.append(number)  # a second sentence of one source: the next article's
            else:
                picked.append(number)
                sources.add(source)
        self.queue.extendleft(reversed(held))
        return picked


def _near_copy(texts: list[str], rng: random.Random) -> tuple[list[str], dict[str, Any]]:
    """Drop one sentence (not the first), change ``NEAR_COPY_EDITS`` figures or words."""
    dropped = rng.randrange(1, len(texts))
    kept = texts[:dropped] + texts[dropped + 1 :]
    spots = [
        (i, m.start(), m.end())
        for i, text in enumerate(kept)
        for pattern in (_FIGURE, _LOWER_WORD)
        for m in pattern.finditer(text)
        if pattern is _FIGURE or m.group(0) in SUBSTITUTIONS
    ]
    edits: list[str] = []
    wanted = max(1, min(NEAR_COPY_EDITS, sum(len(t.split()) for t in kept) // WORDS_PER_EDIT))
    for i, start, end in sorted(rng.sample(spots, min(wanted, len(spots))), reverse=True):
        old = kept[i][start:end]
        if old[-1].isdigit():
            new = old[:-1] + str((int(old[-1]) + rng.randint(1, 9)) % 10)
        else:
            new = SUBSTITUTIONS[old]
        kept[i] = kept[i][:start] + new + kept[i][end:]
        edits.append(f"{old} -> {new}")
    return kept, {"dropped_sentence": dropped, "edits": edits}


def _rewrite(texts: list[str], rng: random.Random) -> tuple[list[str], dict[str, Any]]:
    """The sentences in another order, each with the word substitutions applied."""
    order = list(range(len(texts)))
    while order == sorted(order):
        rng.shuffle(order)
    count = 0

    def substitute(match: re.Match[str]) -> str:
        nonlocal count
        new = REWRITE_WORDS.get(match.group(0))
        count += new is not None
        return new or match.group(0)

    rewritten = [_LOWER_WORD.sub(substitute, texts[i]) for i in order]
    return rewritten, {"order": order, "substitutions": count}


def _layout(texts: list[str], rng: random.Random) -> str:
    """Sentences in paragraphs of one to three, separated by blank lines."""
    paragraphs: list[str] = []
    start = 0
    while start < len(texts):
        end = start + rng.randint(1, 3)
        paragraphs.append(" ".join(texts[start:end]))
        start = end
    return "\n\n".join(paragraphs) + "\n"


def _headline(sentence: str) -> str:
    """The first eight words of a sentence, without closing punctuation."""
    return " ".join(sentence.split()[:8]).rstrip(".,;:!?\"'")


def _iso(date: datetime) -> str:
    return date.isoformat(timespec="seconds")


def write(corpus: Corpus, folder: Path | str) -> tuple[Path, Path]:
    """``corpus.jsonl`` and ``manifest.jsonl`` in ``folder`` (created if missing)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = out / "corpus.jsonl", out / "manifest.jsonl"
    with paths[0].open("w", encoding="utf-8") as handle:
        for d in corpus.documents:
            record = {"id": d.id, "title": d.title, "date": d.date, "text": d.text}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    with paths[1].open("w", encoding="utf-8") as handle:
        for row in corpus.manifest:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", type=int, default=100_000, help="documents in all")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--near-dup-rate", type=float, default=0.02)
    parser.add_argument("--rewrite-rate", type=float, default=0.01)
    parser.add_argument("--reserve", type=int, default=0)
    parser.add_argument("--real", type=int, default=None, help="real articles (default all)")
    args = parser.parse_args(argv)
    corpus = build(
        args.target,
        seed=args.seed,
        near_dup_rate=args.near_dup_rate,
        rewrite_rate=args.rewrite_rate,
        reserve=args.reserve,
        real=args.real,
    )
    paths = write(corpus, args.out)
    print(json.dumps(corpus.summary))
    print(f"wrote {paths[0]} and {paths[1]}")


if __name__ == "__main__":
    main()
