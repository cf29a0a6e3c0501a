"""The embedding matcher against today's lexical matcher: speed on MSRP and the seeds.

Run: ``python -m benchmarks.embed_bench [--runs N] [--seeds-only]`` (``make bench-embed``).
Speed: sentences embedded per CPU second, and sentence pairs scored per CPU second by
``SentenceMatcher``, ``EmbeddingMatcher`` and the bare cosine matrix product, over the
MSRP test pairs (caches emptied before each run; medians of ``--runs`` interleaved
rounds, all in this one process, with the ratio to the lexical matcher's rate). CPU
time, not wall time: the machine these run on is shared. Seeds: every pair of
matchable sentences from two different seed articles that either matcher would align,
with both scores.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence

from benchmarks import corpora
from dedup.rewrites import embed, match, paraphrase_features
from dedup.rewrites.align import matchable
from dedup.rewrites.embed_match import EmbeddingMatcher
from dedup.rewrites.match import SentenceMatcher
from dedup.rewrites.paraphrase import ParaphraseMatcher
from dedup.text.sentences import split

SEED_ARTICLES = ("002", "003", "004")
MATRIX_SIDE = 60
"""Sentences on each side of the timed ``ParaphraseMatcher.matrix`` call."""


def _fresh() -> None:
    """Empty the per-sentence caches, so that each run pays for everything."""
    match._profile.cache_clear()
    paraphrase_features._profiles.clear()
    embed._recent.clear()


def _median_cpu_seconds(tasks: Sequence[Callable[[], object]], runs: int) -> list[float]:
    """Median CPU seconds of each task over ``runs`` rounds; the tasks take turns within
    a round, so a busy spell on a shared machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in tasks]
    for _ in range(runs):
        for task, spent in zip(tasks, times, strict=True):
            _fresh()
            start = time.process_time()
            task()
            spent.append(time.process_time() - start)
    return [statistics.median(spent) for spent in times]


def speed(pairs: Sequence[corpora.SentencePair], runs: int) -> list[tuple[str, float]]:
    """Rates (items per CPU second, medians) for embedding and each way of scoring."""
    sentences = [s for p in pairs for s in (p.a, p.b)]
    lexical, combined = SentenceMatcher.default(), EmbeddingMatcher.default()
    cutoff = lexical.align_threshold
    embed.embed(sentences[:2])  # load the model outside the timings

    def score(scorer: Callable[[str, str], float]) -> Callable[[], object]:
        return lambda: [scorer(p.a, p.b) for p in pairs]

    def batched() -> None:
        combined.prepare(sentences)  # as alignment would: one batch, then pair by pair
        score(combined.probability)()

    def matrix() -> None:
        vectors = embed.embed(sentences)
        embed.similarity_matrix(vectors[0::2], vectors[1::2])

    paraphrase = ParaphraseMatcher.default()
    block = [p.a for p in pairs[:MATRIX_SIDE]], [p.b for p in pairs[:MATRIX_SIDE]]

    n = len(pairs)
    tasks = {  # label -> (task, items it handles)
        "sentences embedded/s": (lambda: embed.embed(sentences), len(sentences)),
        "pairs/s, lexical matcher": (score(lexical.probability), n),
        "pairs/s, lexical matcher, align cutoff": (
            score(lambda a, b: lexical.probability(a, b, score_cutoff=cutoff)), n),
        "pairs/s, embedding matcher": (score(combined.probability), n),
        "pairs/s, embedding matcher, batch embedded first": (batched, n),
        "pairs/s, paraphrase matcher": (score(paraphrase.probability), n),
        "pairs/s, paraphrase matcher, many()": (
            lambda: paraphrase.many([(p.a, p.b) for p in pairs]), n),
        "pairs/s, paraphrase matcher, matrix() 60 x 60": (
            lambda: paraphrase.matrix(*block), len(block[0]) * len(block[1])),
        # every a against every b: n * n pairs, the embedding included
        "pairs/s, cosine matrix product": (matrix, n * n),
    }  # fmt: skip
    seconds = _median_cpu_seconds([task for task, _ in tasks.values()], runs)
    return [
        (label, items / spent)
        for (label, (_, items)), spent in zip(tasks.items(), seconds, strict=True)
    ]


def seed_pairs() -> list[tuple[str, str, str, str, float, float]]:
    """Sentence pairs across seed articles 002-004 that either matcher aligns:
    (article, sentence, article, sentence, lexical score, embedding matcher score)."""
    docs = [d for d in corpora.seeds() if d.id.startswith(SEED_ARTICLES)]
    lexical, combined = SentenceMatcher.default(), EmbeddingMatcher.default()
    sentences = {d.id[:3]: [s.text for s in matchable(split(d.text))] for d in docs}
    combined.prepare([s for texts in sentences.values() for s in texts])
    found = []
    names = sorted(sentences)
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            for a in sentences[x]:
                for b in sentences[y]:
                    old, new = lexical.probability(a, b), combined.probability(a, b)
                    if old >= lexical.align_threshold or new >= combined.align_threshold:
                        found.append((x, a, y, b, old, new))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.embed_bench")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--seeds-only", action="store_true", help="skip the MSRP timings")
    args = parser.parse_args(argv)
    print(f"model: {embed.model_version()}")
    if not args.seeds_only:
        if not corpora.available("msrp"):
            print(f"MSRP not found under {corpora.data_dir()}: no timings")
        else:
            rates = speed(corpora.msrp("test"), args.runs)
            baseline = rates[1][1]
            print(f"{'':50s} {'per CPU s':>14s} {'x lexical':>10s}")
            for label, rate in rates:
                ratio = f"{rate / baseline:10.2f}" if label.startswith("pairs") else ""
                print(f"{label:50s} {rate:14,.0f} {ratio}")
    lexical, combined = SentenceMatcher.default(), EmbeddingMatcher.default()
    print(
        f"\nseed sentence pairs aligned (lexical align threshold {lexical.align_threshold}, "
        f"embedding matcher {combined.align_threshold}; paraphrase thresholds "
        f"{lexical.threshold} / {combined.threshold}):"
    )
    for x, a, y, b, old, new in seed_pairs():
        print(f"  lexical {old:.3f}  embedding {new:.3f}  {x}: {a[:90]}\n{'':36}{y}: {b[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
