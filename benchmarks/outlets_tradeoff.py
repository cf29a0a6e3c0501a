"""What the two-outlet route's thresholds trade: SemEval dev pairs rated the same story
that are grouped, against the multi-outlet corpora's same-event pairs that are joined.

Each setting of ``rewrite_outlets_lede_cosine`` and ``rewrite_outlets_fact_weight``
scans every SemEval dev pair alone (as ``make eval`` does) and the two multi-outlet
corpora together (scored by ``story_eval`` against ``labels/multi_outlet_articles.jsonl``).
Nothing is fitted here: it shows why the shipped thresholds stay where they are.

    python -m benchmarks.outlets_tradeoff [--lede 0.55,0.45,0.35,0.25] [--facts 6.4,3.2]
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import dedup
from benchmarks import corpora, quality, story_eval

LABELS = Path(__file__).parent / "labels" / "multi_outlet_articles.jsonl"


FIELDS = ("id", "text", "title", "date", "source", "url")


def multi_outlet() -> list[dedup.Document]:
    """The two multi-outlet corpora's records (census, then spotify), ids as labelled."""
    folder = corpora.data_dir() / "multi_outlet"
    paths = sorted(folder.glob("census_*.jsonl")) + sorted(folder.glob("spotify_*.jsonl"))
    docs = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for record in map(json.loads, filter(str.strip, handle)):
                docs.append(dedup.Document(**{k: record.get(k) for k in FIELDS}))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lede", default="0.55,0.45,0.35,0.25")
    parser.add_argument("--facts", default="6.4,3.2")
    args = parser.parse_args()
    pairs, docs = corpora.semeval(), multi_outlet()
    with LABELS.open(encoding="utf-8") as handle:
        labels = {row["id"]: row for row in map(json.loads, handle) if row}
    ledes = [float(x) for x in args.lede.split(",")]
    weights = [float(x) for x in args.facts.split(",")]
    print(
        "lede  facts  semeval same-story grouped (of 19)  unrelated grouped (of 17)  "
        "multi-outlet joined: same-development / same-event"
    )
    for lede, weight in itertools.product(ledes, weights):
        config = dedup.ScanConfig(
            rewrite_outlets_lede_cosine=lede, rewrite_outlets_fact_weight=weight
        )
        rows = quality.semeval_rows("SemEval", pairs, config)
        grouped = {r.metric: r.value for r in rows if r.metric.startswith("grouped")}
        scan = json.loads(dedup.to_json(dedup.scan_documents(docs, config)))
        joined = story_eval.evaluate(scan, labels)["joined"]
        print(
            f"{lede:.2f}  {weight:4.1f}  {grouped['grouped, rating <= 1.5 (of 19)']:>5}"
            f"  {grouped['grouped, rating > 3.5 (of 17)']:>5}"
            f"  {joined.get('same-development', 0):>5} / {joined.get('same-event', 0)}"
        )


if __name__ == "__main__":
    main()
