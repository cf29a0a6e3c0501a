"""Labelled rewrite candidates for fitting the verdict: each corpus is run through the
stages up to the rewrite tier (``dedup.pipeline.rewrite_candidates``), every candidate
keeps its features, and labels come from reading (``benchmarks/labels/``,
``benchmarks/judgements/``) or from SemEval's human ratings.

    python -m benchmarks.verdict_data --out benchmarks/labels/verdict_features.jsonl

Rows: ``dataset, a, b, label (1 one story / 0 not), derived (1/0/None), features``.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import dedup
from benchmarks import corpora, semeval_extra
from dedup.config import ScanConfig
from dedup.copies.pairing import Pair
from dedup.ingest.document import Document
from dedup.pipeline import rewrite_candidates

HERE = Path(__file__).parent
LABELS = HERE / "labels"
JUDGED = HERE / "judgements"
STORY = {"derived": 1, "same-development": 1, "same-event": 0}
SAME_STORY_RATING = 1.5
OTHER_STORY_RATING = 2.5


def candidate_rows(dataset: str, docs: Iterable[Document]) -> Iterator[dict[str, object]]:
    """Every rewrite candidate of a corpus with its features (label still unknown)."""
    config = ScanConfig(rewrite_verdict="rules")  # features only: no model needed
    for pair in rewrite_candidates(docs, config, jobs=1):
        yield _row(dataset, pair)


def _row(dataset: str, pair: Pair) -> dict[str, object]:
    evidence = pair.rewrite
    assert evidence is not None and evidence.features is not None
    return {
        "dataset": dataset,
        "a": pair.a,
        "b": pair.b,
        "features": list(evidence.features.vector()),
    }


def multi_outlet_docs() -> list[Document]:
    folder = corpora.data_dir() / "multi_outlet"
    paths = [str(p) for p in sorted(folder.glob("census_*.jsonl"))]
    paths += [str(p) for p in sorted(folder.glob("spotify_*.jsonl"))]
    return [d for d in dedup.iter_documents(paths) if isinstance(d, Document)]


def article_labels(path: Path) -> dict[str, dict[str, str | None]]:
    """Article-level development labels: pair labels follow from them."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {row["id"]: row for row in rows}


def label_from_articles(
    labels: dict[str, dict[str, str | None]], a: str, b: str
) -> tuple[int, int | None] | None:
    """(one story, derived) for a pair of labelled articles; None when unreadable."""
    la, lb = labels.get(a), labels.get(b)
    if la is None or lb is None or "unreadable" in (la["kind"], lb["kind"]):
        return None
    if la["wire_report"] and la["wire_report"] == lb["wire_report"]:
        return 1, 1
    if la["development"] == lb["development"] and la["kind"] != "unrelated":
        return 1, 0
    return 0, None


def judged(paths: Iterable[Path]) -> dict[tuple[str, str], tuple[int, int | None]]:
    """Pair labels read from judgement files (derived / same-development / same-event)."""
    found: dict[tuple[str, str], tuple[int, int | None]] = {}
    for path in paths:
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row["label"] in STORY:
                key = (min(row["a"], row["b"]), max(row["a"], row["b"]))
                story = STORY[row["label"]]
                found[key] = (story, int(row["label"] == "derived") if story else None)
    return found


def semeval_rows(dataset: str, pairs: list[corpora.ArticlePair]) -> Iterator[dict[str, object]]:
    """Each SemEval pair scanned alone; clear ratings only (<= 1.5 one story, > 2.5 not)."""
    for pair in pairs:
        if SAME_STORY_RATING < pair.rating <= OTHER_STORY_RATING:
            continue
        a, b = pair.a, pair.b
        if a.id == b.id:
            a = Document(**{**_fields(a), "id": f"1/{a.id}"})
            b = Document(**{**_fields(b), "id": f"2/{b.id}"})
        rows = list(candidate_rows(dataset, [a, b]))
        label = int(pair.rating <= SAME_STORY_RATING)
        for row in rows or [{"dataset": dataset, "a": a.id, "b": b.id, "features": None}]:
            yield {**row, "pair_id": pair.pair_id, "label": label, "derived": None}


def _fields(doc: Document) -> dict[str, object]:
    return {f: getattr(doc, f) for f in ("id", "text", "title", "date", "source", "url")}


def labelled_corpus(
    dataset: str,
    docs: list[Document],
    label: dict[tuple[str, str], tuple[int, int | None]] | None = None,
    articles: dict[str, dict[str, str | None]] | None = None,
) -> Iterator[dict[str, object]]:
    """The candidates of a corpus that carry a label (from pairs or articles)."""
    for row in candidate_rows(dataset, docs):
        a, b = str(row["a"]), str(row["b"])
        found = None
        if articles is not None:
            found = label_from_articles(articles, a, b)
        elif label is not None:
            found = label.get((min(a, b), max(a, b)))
        if found is not None:
            yield {**row, "label": found[0], "derived": found[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", default="", help="comma-separated datasets")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    rows: list[dict[str, object]] = []
    for name, make in _datasets().items():
        if only and name not in only:
            continue
        found = list(make())
        print(f"{name}: {len(found)} labelled candidates", flush=True)
        rows += found
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True) + "\n")


def _datasets() -> dict[str, object]:
    articles = LABELS / "multi_outlet_articles.jsonl"
    sets: dict[str, object] = {
        "semeval_dev": lambda: semeval_rows("semeval_dev", corpora.semeval()),
    }
    if semeval_extra.available():
        sets["semeval_extra"] = lambda: semeval_rows("semeval_extra", semeval_extra.semeval_extra())
    judged_mo = sorted(JUDGED.glob("multi_outlet_rewrite_*.jsonl"))
    if not articles.exists() and judged_mo:
        sets["multi_outlet"] = lambda: labelled_corpus(
            "multi_outlet", multi_outlet_docs(), label=judged(judged_mo)
        )
    if articles.exists():
        sets["multi_outlet"] = lambda: labelled_corpus(
            "multi_outlet", multi_outlet_docs(), articles=article_labels(articles)
        )
    for name, pattern, make_docs in (
        ("reuters_nodates", "train_reuters_nodates_*.jsonl", _reuters_nodates),
        ("bbc", "train_bbc_*.jsonl", _bbc),
    ):
        files = sorted(JUDGED.glob(pattern))
        if files:
            sets[name] = lambda n=name, f=files, m=make_docs: labelled_corpus(
                n, m(), label=judged(f)
            )
    return sets


def _reuters_nodates() -> list[Document]:
    path = os.environ.get("REUTERS_NODATES", "/tmp/reuters_nodates.jsonl")
    return [d for d in dedup.iter_documents([path]) if isinstance(d, Document)]


def _bbc() -> list[Document]:
    folder = corpora.data_dir() / "bbc"
    return [d for d in dedup.iter_documents([str(folder)]) if isinstance(d, Document)]


if __name__ == "__main__":
    main()
