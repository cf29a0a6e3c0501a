"""How a scan's stories agree with article-level labels (``benchmarks/labels/``): the
held-out figures of issue #18, computed where every article is labelled.

*Joined* means placed in one story under any relation, or reported as a pair.
Prints: copy pairs (word 5-shingle Jaccard >= 0.5) in one story; labelled pairs
joined by label (derived, same development, same event, unrelated); precision of
what is joined among labelled pairs.

    python -m benchmarks.story_eval scan.json benchmarks/labels/multi_outlet_articles.jsonl
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from itertools import combinations
from typing import Any

COPY_JACCARD = 0.5


def pair_label(la: dict[str, Any], lb: dict[str, Any]) -> str | None:
    """The pair's label from its two articles' labels (as in labels/README.md)."""
    if "unreadable" in (la["kind"], lb["kind"]):
        return None
    if la["wire_report"] and la["wire_report"] == lb["wire_report"]:
        return "derived"
    if "unrelated" in (la["kind"], lb["kind"]):
        return "unrelated"
    if la["development"] == lb["development"]:
        return "same-development"
    return "same-event"


def evaluate(scan: dict[str, Any], labels: dict[str, dict[str, Any]]) -> dict[str, Any]:
    story = {m["document"]: s["id"] for s in scan["stories"] for m in s["members"]}
    reported = {(min(p["a"], p["b"]), max(p["a"], p["b"])) for p in scan["pairs"]}
    copies = [p for p in scan["pairs"] if p["jaccard"] >= COPY_JACCARD]
    together = sum(1 for p in copies if p["a"] in story and story[p["a"]] == story.get(p["b"]))
    total: Counter[str] = Counter()
    joined: Counter[str] = Counter()
    for a, b in combinations(sorted(labels), 2):
        if labels[a]["event"] != labels[b]["event"]:
            continue
        label = pair_label(labels[a], labels[b])
        if label is None:
            continue
        total[label] += 1
        if (a, b) in reported or (a in story and story[a] == story.get(b)):
            joined[label] += 1
    right = joined["derived"] + joined["same-development"]
    wrong = joined["same-event"] + joined["unrelated"]
    return {
        "copy_pairs": len(copies),
        "copy_pairs_in_one_story": together,
        "labelled": dict(total),
        "joined": dict(joined),
        "precision": right / (right + wrong) if right + wrong else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scan")
    parser.add_argument("labels")
    args = parser.parse_args()
    with open(args.scan, encoding="utf-8") as handle:
        scan = json.load(handle)
    with open(args.labels, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    print(json.dumps(evaluate(scan, {r["id"]: r for r in rows}), indent=1))


if __name__ == "__main__":
    main()
