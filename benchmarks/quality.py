"""Quality benchmarks on the real corpora: ``python -m benchmarks.quality`` (``make eval``).

Each section scores the library's own calls (``dedup.scan_documents`` and
``dedup.compare``, as the CLI uses them) on one corpus and returns rows
``(corpus, metric, value, target)``; a section whose corpus is missing is skipped with a
one-line message. Relations are read from the results generically, so new relations
(rewrites) and the sentence matcher show up without changes here. The figures are
printed as a table and written to ``eval-results.json`` with the commit, the scan
parameters and the time per section.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import dedup
from benchmarks import corpora, wire_eval
from benchmarks.quality_metrics import (
    RATING_BANDS,
    DocPair,
    Row,
    Target,
    Value,
    accuracy,
    best_threshold,
    expand_pairs,
    f1_score,
    grouped_cv_accuracy,
    groups_by_key,
    near_identical_pairs,
    ordered,
    precision_recall,
    rating_band,
    roc_auc,
    set_containment,
    set_jaccard,
    similar_pairs,
)
from dedup.copies.sketch import near_identical
from dedup.rewrites import embed
from dedup.rewrites.embed_match import EmbeddingMatcher
from dedup.rewrites.match import SentenceMatcher
from dedup.rewrites.paraphrase import ParaphraseMatcher
from dedup.text.normalise import normalise, tokenise

REFERENCE_JACCARD = 0.5
"""Reference pairs for copy/near-copy recall: exact word-shingle Jaccard at least this."""
NEAR_IDENTICAL = near_identical(dedup.ScanConfig())
"""Near-identical texts are paired with their group's leader only: two texts paired
with one at this Jaccard or more are copies of each other (``near_identical_pairs``)."""
DERIVED = ("cut", "light", "heavy")
CLOUGH_ORDER = ("cut", "light", "heavy", "non")

# Piped output (make eval > file) gets a readable width instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 132)
err = Console(stderr=True)


def config() -> dedup.ScanConfig:
    """The configuration every section scans with: the shipped defaults, no fitting."""
    return dedup.ScanConfig()


def tokens(text: str) -> list[str]:
    """Tokens of a text as the library tokenises it (no boilerplate removal)."""
    return tokenise(normalise(text))


# --- corpora, loaded once per run ----------------------------------------------------


@functools.cache
def reuters_docs() -> tuple[dedup.Document, ...]:
    return tuple(corpora.reuters())


@functools.cache
def bbc_docs() -> tuple[dedup.Document, ...]:
    return tuple(corpora.bbc())


def timed_scan(docs: Sequence[dedup.Document]) -> tuple[dedup.ScanResult, float]:
    start = time.perf_counter()
    result = dedup.scan_documents(docs, config())
    return result, time.perf_counter() - start


def relation_counts(pairs: Iterable[dedup.Pair]) -> str:
    """``"copy 3, near-copy 9"``: reported pairs per relation, whatever the relations are."""
    counts = Counter(str(p.relation) for p in pairs)
    return ", ".join(f"{rel} {n}" for rel, n in sorted(counts.items())) or "none"


# --- 1. Reuters-21578 and BBC ----------------------------------------------------------


def scan_rows(name: str, docs: Sequence[dedup.Document]) -> tuple[list[Row], dedup.ScanResult]:
    """Exact-duplicate group recall and copy/near-copy pair precision and recall of one
    scan of ``docs`` with the default configuration."""
    result, seconds = timed_scan(docs)
    rows = [
        Row(name, "documents", len(docs)),
        Row(name, "scan seconds", round(seconds, 2)),
        Row(name, "scan docs/s", round(len(docs) / seconds, 1)),
        Row(name, "too short (never grouped)", len(result.too_short)),
        Row(name, "stories", len(result.stories)),
        Row(name, "reported pairs by relation", relation_counts(result.pairs)),
    ]
    story_of = {m.document: story.id for story in result.stories for m in story.members}
    too_short = {t.doc_id for t in result.too_short}

    # Exact duplicates: identical normalised body text (tokens of the raw text).
    groups = groups_by_key({doc.id: " ".join(tokens(doc.text)) for doc in docs})
    scorable = [g for g in groups if not too_short.intersection(g)]
    together = [
        g for g in scorable if story_of.get(g[0]) and len({story_of.get(d) for d in g}) == 1
    ]
    rows += [
        Row(name, "exact-duplicate groups (too-short excluded)", len(scorable)),
        Row(name, "exact-duplicate groups with a too-short member", len(groups) - len(scorable)),
        Row(
            name,
            "exact-duplicate group recall",
            len(together) / len(scorable) if scorable else 1.0,
            Target(">=", 1.0),
        ),
    ]
    split = [g for g in scorable if g not in together]
    if split:
        rows.append(Row(name, "exact groups split (examples)", "; ".join(map(" ".join, split[:3]))))

    # Reference: every pair with shingle Jaccard >= 0.5 (library shingles, exact join).
    start = time.perf_counter()
    fingerprinter = dedup.Fingerprinter(config())
    ids: list[str] = []
    sets = []
    for doc in docs:
        fp = fingerprinter(doc)
        if isinstance(fp, dedup.Fingerprint):
            ids.append(doc.id)
            sets.append(fp.shingles)
    reference: dict[DocPair, float] = {
        ordered(ids[i], ids[j]): jaccard
        for (i, j), jaccard in similar_pairs(sets, REFERENCE_JACCARD).items()
    }
    reference_seconds = time.perf_counter() - start

    # The copy tier's pairs only: rewrites are scored by the story sections, and the
    # short route's near-copies (an edit similarity) are the pairs a shingle Jaccard
    # reference cannot see: counted apart.
    exact_of = {m.document: m.exact for m in result.members}
    copies = [
        p for p in result.pairs if p.relation in ("copy", "near-copy") and p.edit_similarity is None
    ]
    short_pairs = expand_pairs(
        ((p.a, p.b) for p in result.pairs if p.edit_similarity is not None), exact_of
    ) - expand_pairs((), exact_of)  # the identical texts' own pairs are the copy tier's
    near = near_identical_pairs(((p.a, p.b, p.jaccard) for p in copies), NEAR_IDENTICAL)
    reported = expand_pairs([*((p.a, p.b) for p in copies), *near], exact_of)
    reported_j = expand_pairs(
        [*((p.a, p.b) for p in copies if p.jaccard >= REFERENCE_JACCARD), *near], exact_of
    )
    ref_set = set(reference)
    overall = precision_recall(reported, ref_set)
    over_j = precision_recall(reported_j, ref_set)
    missed = sorted(ref_set - reported, key=lambda pair: (-reference[pair], pair))
    missed_in_story = [
        p for p in missed if story_of.get(p[0]) and story_of.get(p[0]) == story_of.get(p[1])
    ]
    rows += [
        Row(name, f"reference pairs (shingle J >= {REFERENCE_JACCARD})", len(ref_set)),
        Row(name, "reference join seconds (fingerprint + join)", round(reference_seconds, 2)),
        Row(name, "copy/near-copy pairs (exact groups expanded)", overall.predicted),
        Row(name, "  of which in the reference", overall.true_positives),
        Row(name, "short-route near-copies (exact groups expanded)", len(short_pairs)),
        Row(name, "pair recall", overall.recall, Target(">=", 0.95)),
        Row(name, "pair precision, all reported pairs", overall.precision, Target(">=", 0.98)),
        Row(
            name,
            f"pair precision, reported pairs with J >= {REFERENCE_JACCARD}",
            over_j.precision,
            Target(">=", 0.98),
        ),
        Row(
            name, "reported pairs outside the reference", overall.predicted - overall.true_positives
        ),
        Row(name, "missed reference pairs", len(missed)),
        Row(name, "  of which still in one story", len(missed_in_story)),
    ]
    if missed:
        examples = "; ".join(f"{a}~{b} J={reference[(a, b)]:.3f}" for a, b in missed[:3])
        rows.append(Row(name, "missed pairs (highest J first)", examples))
    return rows, result


def section_reuters() -> list[Row]:
    rows, _ = scan_rows("Reuters-21578", reuters_docs())
    return rows


def section_bbc() -> list[Row]:
    rows, result = scan_rows("BBC", bbc_docs())
    mixed = [
        story
        for story in result.stories
        if len({corpora.bbc_category(m.document) for m in story.members}) > 1
    ]
    rows.append(Row("BBC", "stories mixing categories", len(mixed), Target("<=", 0)))
    return rows


# --- 2. Clough & Stevenson -------------------------------------------------------------


def clough_score(answer: dedup.Document, original: dedup.Document) -> float:
    """How strongly the library says ``answer`` derives from ``original``:
    ``Comparison.strength`` (0.0 when either is too short)."""
    comparison = dedup.compare(answer, original, config())
    return 0.0 if comparison is None else comparison.strength


def section_clough() -> list[Row]:
    name = "Clough & Stevenson"
    files = corpora.clough_stevenson()
    docs = {f.doc_id: dedup.Document(id=f.doc_id, text=f.text) for f in files}
    result, _ = timed_scan(list(docs.values()))
    story_of = {m.document: story.id for story in result.stories for m in story.members}
    originals = {f.task: f.doc_id for f in files if f.category == "orig"}
    answers = [f for f in files if f.category != "orig"]

    labels = [f.category in DERIVED for f in answers]
    with_original = [
        f.doc_id in story_of and story_of[f.doc_id] == story_of.get(originals[f.task])
        for f in answers
    ]
    in_any_story = [f.doc_id in story_of for f in answers]
    strict = [
        together if derived else not grouped
        for together, derived, grouped in zip(with_original, labels, in_any_story, strict=True)
    ]
    scores = [clough_score(docs[f.doc_id], docs[originals[f.task]]) for f in answers]
    baseline = [
        set_containment(tokens(f.text), tokens(docs[originals[f.task]].text)) for f in answers
    ]
    tasks = [f.task for f in answers]
    baseline_cv, thresholds = grouped_cv_accuracy(baseline, labels, tasks)

    rows = [
        Row(name, "answers (derived / non)", f"{sum(labels)} / {len(labels) - sum(labels)}"),
        Row(name, "too short (never grouped)", len(result.too_short)),
        Row(name, "stories", len(result.stories)),
        Row(name, "reported pairs by relation", relation_counts(result.pairs)),
        Row(
            name,
            "accuracy (derived with its original, non not)",
            accuracy(with_original, labels),
            Target(">=", 0.95),
        ),
        Row(
            name,
            "accuracy, strict (non in no story at all)",
            accuracy(strict, [True] * len(strict)),
        ),
    ]
    for category in CLOUGH_ORDER:
        picked = [i for i, f in enumerate(answers) if f.category == category]
        grouped = sum(with_original[i] for i in picked)
        rows.append(Row(name, f"{category}: grouped with original", f"{grouped}/{len(picked)}"))
    means = {}
    for category in CLOUGH_ORDER:
        values = [s for s, f in zip(scores, answers, strict=True) if f.category == category]
        means[category] = sum(values) / len(values)
        rows.append(Row(name, f"{category}: mean strength", means[category]))
    ordered_means = all(means[hi] > means[lo] for hi, lo in itertools.pairwise(CLOUGH_ORDER))
    rows += [
        Row(name, "mean scores cut > light > heavy > non", ordered_means, Target("==", True)),
        Row(name, "ROC AUC derived vs non (score)", roc_auc(scores, labels), Target(">=", 0.97)),
        Row(name, "baseline: unigram containment ROC AUC", roc_auc(baseline, labels)),
        Row(name, "baseline: accuracy, leave-one-task-out threshold", baseline_cv),
        Row(
            name,
            "baseline: thresholds fit per held-out task",
            ", ".join(f"{task} {t:.3f}" for task, t in thresholds.items()),
        ),
    ]
    return rows


# --- 3. MSRP -----------------------------------------------------------------------------


def section_msrp() -> list[Row]:
    name = "MSRP"
    train, test = corpora.msrp("train"), corpora.msrp("test")
    labels = [p.label for p in test]
    rows = [
        Row(name, "test pairs (paraphrase share)", f"{len(test)} ({sum(labels) / len(labels):.3f})")
    ]

    matcher = SentenceMatcher.default()
    predicted = [matcher.is_paraphrase(p.a, p.b) for p in test]
    rows += [
        Row(name, "sentence matcher accuracy", accuracy(predicted, labels), Target(">=", 0.75)),
        Row(name, "sentence matcher F1", f1_score(predicted, labels), Target(">=", 0.82)),
    ]

    rows += embedding_rows(name, train, test)

    everything = [True] * len(test)
    rows += [
        Row(name, "baseline: all-positive accuracy", accuracy(everything, labels)),
        Row(name, "baseline: all-positive F1", f1_score(everything, labels)),
    ]
    train_scores = [set_jaccard(tokens(p.a), tokens(p.b)) for p in train]
    threshold = best_threshold(train_scores, [p.label for p in train])
    predicted = [set_jaccard(tokens(p.a), tokens(p.b)) >= threshold for p in test]
    rows += [
        Row(name, "baseline: word-overlap threshold (fit on train)", round(threshold, 4)),
        Row(name, "baseline: word-overlap accuracy", accuracy(predicted, labels)),
        Row(name, "baseline: word-overlap F1", f1_score(predicted, labels)),
    ]
    return rows


MADNANI_2012 = (0.774, 0.841)
"""MSRP test accuracy and F1 of the best lexical system of Madnani et al. (2012)."""


def pair_cosines(pairs: Sequence[corpora.SentencePair]) -> list[float]:
    """The embedding cosine of each sentence pair (one batch per side)."""
    a = embed.embed([p.a for p in pairs])
    b = embed.embed([p.b for p in pairs])
    return [float(embed.similarity_matrix(a[i : i + 1], b[i : i + 1])[0, 0]) for i in range(len(a))]


def embedding_rows(
    name: str, train: Sequence[corpora.SentencePair], test: Sequence[corpora.SentencePair]
) -> list[Row]:
    """The static sentence embeddings (``dedup.rewrites.embed``): their cosine alone with
    a threshold fitted on the train split, and the embedding matcher (lexical features
    plus the cosine, fitted on train by ``benchmarks.train_embed_matcher``), and the
    paraphrase matcher (string measures, overlaps and embeddings, fitted on train by
    ``benchmarks.train_paraphrase``)."""
    labels = [p.label for p in test]
    threshold = best_threshold(pair_cosines(train), [p.label for p in train])
    predicted = [c >= threshold for c in pair_cosines(test)]
    rows = [
        Row(name, "embedding cosine threshold (fit on train)", round(threshold, 4)),
        Row(name, "embedding cosine accuracy", accuracy(predicted, labels)),
        Row(name, "embedding cosine F1", f1_score(predicted, labels)),
    ]
    matcher = EmbeddingMatcher.default()
    predicted = [matcher.is_paraphrase(p.a, p.b) for p in test]
    rows += [
        Row(name, "embedding matcher accuracy (lexical + cosine)", accuracy(predicted, labels)),
        Row(name, "embedding matcher F1", f1_score(predicted, labels)),
    ]
    paraphrase = ParaphraseMatcher.default()
    scores = paraphrase.many([(p.a, p.b) for p in test])
    predicted = [bool(s >= paraphrase.threshold) for s in scores]
    target_accuracy, target_f1 = MADNANI_2012
    return [
        *rows,
        Row(
            name,
            "paraphrase matcher accuracy",
            accuracy(predicted, labels),
            Target(">=", target_accuracy),
        ),
        Row(name, "paraphrase matcher F1", f1_score(predicted, labels), Target(">=", target_f1)),
    ]


# --- 4. SemEval-2022 ---------------------------------------------------------------------


def section_semeval() -> list[Row]:
    return semeval_rows("SemEval-2022", corpora.semeval())


def semeval_rows(
    name: str, pairs: Sequence[corpora.ArticlePair], scan_config: dedup.ScanConfig | None = None
) -> list[Row]:
    """Each pair scanned alone (with ``scan_config``, else the defaults): how many of
    each rating band are grouped, and how."""
    total: Counter[str] = Counter()
    grouped: Counter[str] = Counter()
    relations: dict[str, Counter[str]] = {band: Counter() for band in RATING_BANDS}
    too_short = 0
    for pair in pairs:
        band = rating_band(pair.rating)
        total[band] += 1
        a, b = pair.a, pair.b
        if a.id == b.id:  # keep the two articles apart in the scan
            a = dedup.Document(**{**_fields(a), "id": f"1/{a.id}"})
            b = dedup.Document(**{**_fields(b), "id": f"2/{b.id}"})
        result = dedup.scan_documents([a, b], scan_config or config())
        too_short += len(result.too_short)
        if any({a.id, b.id} <= {m.document for m in s.members} for s in result.stories):
            grouped[band] += 1
            relations[band].update(
                str(p.relation) for p in result.pairs if {p.a, p.b} == {a.id, b.id}
            )
    rows = [Row(name, "article pairs", len(pairs)), Row(name, "articles too short", too_short)]
    targets = {RATING_BANDS[0]: Target(">=", 12), RATING_BANDS[-1]: Target("<=", 0)}
    for band in RATING_BANDS:
        rows.append(
            Row(
                name, f"grouped, rating {band} (of {total[band]})", grouped[band], targets.get(band)
            )
        )
        mix = ", ".join(f"{rel} {n}" for rel, n in sorted(relations[band].items())) or "none"
        rows.append(Row(name, f"  relations, rating {band}", mix))
    return rows


def _fields(doc: dedup.Document) -> dict[str, Any]:
    return {
        k: getattr(doc, k) for k in ("id", "text", "title", "date", "source", "url", "location")
    }


# --- 5. Seeds in a haystack --------------------------------------------------------------


def section_seeds() -> list[Row]:
    name = "Seeds in haystack"
    seeds = [
        dedup.Document(id=f"seeds/{d.id}", text=d.text, location=d.location)
        for d in corpora.seeds()
    ]
    hay: list[dedup.Document] = []
    used = []
    for corpus, load in (("bbc", bbc_docs), ("reuters", reuters_docs)):
        if corpora.available(corpus):
            hay.extend(load())
            used.append(corpus)
    seed_ids = {d.id for d in seeds}
    result, seconds = timed_scan(seeds + hay)
    stories = [s for s in result.stories if seed_ids & {m.document for m in s.members}]
    one_story = len(stories) == 1 and seed_ids <= {m.document for m in stories[0].members}
    joined = sorted({m.document for s in stories for m in s.members} - seed_ids)
    rows = [
        Row(name, "haystack", f"{len(seeds)} seeds + {len(hay)} docs ({', '.join(used)})"),
        Row(name, "scan docs/s", round((len(seeds) + len(hay)) / seconds, 1)),
        Row(name, "stories holding seeds", len(stories)),
        Row(name, "seeds form exactly one story", one_story, Target("==", True)),
        Row(name, "non-seed documents in seed stories", len(joined), Target("<=", 0)),
    ]
    if joined:
        rows.append(Row(name, "joined (examples)", ", ".join(joined[:5])))
    return rows


# --- harness -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    name: str
    needs: tuple[str, ...]
    """Corpora that must all be present."""
    run: Callable[[], list[Row]]
    needs_any: tuple[str, ...] = ()
    """Corpora of which at least one must be present."""

    def missing(self) -> str | None:
        """Why the section cannot run, or None."""
        absent = [c for c in self.needs if not corpora.available(c)]
        if self.needs_any and not any(corpora.available(c) for c in self.needs_any):
            absent.append(" or ".join(self.needs_any))
        if absent:
            return f"corpus {', '.join(absent)} not found under {corpora.data_dir()}"
        return None


def section_wire() -> list[Row]:
    """Wire attribution (``dedup.text.wire``): recall on Reuters copy, and the BBC articles
    with any agency evidence, every one of which was read by hand (see wire_eval)."""
    name = "Wire attribution"
    found = wire_eval.evaluate()
    rows = []
    if "reuters" in found:
        rows.append(
            Row(
                name,
                "Reuters-21578 bodies with Reuters evidence",
                round(found["reuters"]["recall"], 4),
            )
        )
    if "bbc" in found:
        bbc = found["bbc"]
        rows.append(
            Row(name, "BBC articles with agency evidence (checked by hand: all true mentions)",
                f"{bbc['with_evidence']} of {bbc['articles']}")
        )  # fmt: skip
    return rows


SECTIONS = (  # the heaviest first, so that they start first on the worker processes
    Section("reuters", ("reuters",), section_reuters),
    Section("seeds", ("seeds",), section_seeds, needs_any=("bbc", "reuters")),
    Section("bbc", ("bbc",), section_bbc),
    Section("clough", ("clough_stevenson",), section_clough),
    Section("msrp", ("msrp",), section_msrp),
    Section("semeval", ("semeval",), section_semeval),
    Section("wire", (), section_wire, needs_any=("bbc", "reuters")),
)


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=corpora.REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def show(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return "-" if value is None else str(value)


def render(rows: Sequence[Row]) -> Table:
    table = Table(title="dedup quality (default ScanConfig)")
    for column in ("corpus", "metric", "value", "target", "met?"):
        table.add_column(column, overflow="fold")
    previous = None
    for row in rows:
        if previous is not None and row.corpus != previous:
            table.add_section()
        previous = row.corpus
        met = (
            ""
            if row.target is None
            else ("[green]yes[/]" if row.target.met(row.value) else "[red]NO[/]")
        )
        table.add_row(row.corpus, row.metric, show(row.value), str(row.target or ""), met)
    return table


def as_json(row: Row) -> dict[str, Any]:
    return {
        "corpus": row.corpus,
        "metric": row.metric,
        "value": row.value,
        "target": None if row.target is None else f"{row.target.op} {row.target.threshold}",
        "met": None if row.target is None else row.target.met(row.value),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    names = [s.name for s in SECTIONS]
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.quality", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--only",
        type=lambda text: [n.strip() for n in text.split(",") if n.strip()],
        default=names,
        help=f"comma-separated sections to run (default all: {','.join(names)})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=corpora.REPO / "eval-results.json",
        help="where to write the JSON results (default: eval-results.json in the repository)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="sections run side by side in this many processes (default: all cores)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    unknown = [n for n in args.only if n not in names]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(names)}")
    return args


def run_section(name: str) -> tuple[list[Row], float]:
    """Run one section by name (in a worker process) and time it."""
    section = next(s for s in SECTIONS if s.name == name)
    start = time.perf_counter()
    section_rows = section.run()
    return section_rows, time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    rows: list[Row] = []
    sections: dict[str, dict[str, Any]] = {}
    runnable = []
    for section in SECTIONS:
        if section.name not in args.only:
            continue
        reason = section.missing()
        if reason is None:
            runnable.append(section.name)
            continue
        err.print(f"skipping {section.name}: {reason}")
        sections[section.name] = {"status": "skipped", "reason": reason, "seconds": 0.0}
        rows.append(Row(section.name, "skipped", reason))
    # The sections are independent: run them over all cores, heaviest first.
    err.print(f"running {', '.join(runnable)} on {args.jobs} processes ...")
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        done = dict(zip(runnable, pool.map(run_section, runnable), strict=True))
    for name in runnable:
        section_rows, seconds = done[name]
        err.print(f"  {name}: {seconds:.1f} s")
        rows += section_rows
        sections[name] = {"status": "ran", "seconds": round(seconds, 3)}
    total = time.perf_counter() - started
    console.print(render(rows))
    console.print(f"total {total:.1f} s")
    results = {
        "commit": git_commit(),
        "config": config().as_dict(),
        "total_seconds": round(total, 3),
        "sections": sections,
        "rows": [as_json(row) for row in rows],
    }
    args.output.write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    err.print(f"results written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
