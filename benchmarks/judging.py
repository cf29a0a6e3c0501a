"""Precision as a user feels it: random pairs of a relation, judged by reading both texts.

``sample`` draws N random pairs of the given relations from a scan's JSON (``dedup scan
--format json``) and writes them side by side for a reader who sees no evidence, only
the two texts; ``score`` turns the reader's labels into precision per relation.

    python -m benchmarks.judging sample scan.json PATHS... --relations rewrite,same-story \
        --n 40 --seed 1 --out /tmp/sheet
    python -m benchmarks.judging score benchmarks/judgements/NAME.jsonl --scan scan.json

Labels (one JSON object a line: ``a``, ``b``, ``label``, optional ``note``) are kept in
``benchmarks/judgements/`` with ids only, never texts, so a figure can be recomputed
from a fresh scan of the same corpus:
- ``derived``: one retells the other, or both retell one wire report;
- ``same-development``: the same development, told independently by two outlets;
- ``same-event``: the same broad event only (different developments or angles);
- ``unreadable``: too little text to tell. Counted neither way.
Precision = (derived + same-development) / (all - unreadable).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from dedup import Document, iter_documents

LABELS = ("derived", "same-development", "same-event", "unreadable")
RIGHT = frozenset({"derived", "same-development"})


def draw(
    scan: dict[str, object], relations: Iterable[str], n: int, seed: int
) -> list[dict[str, str]]:
    """``n`` pairs drawn at random (all of them when fewer) among the scan's pairs of
    the given relations; identical texts' expanded pairs count as reported."""
    wanted = set(relations)
    pairs = [p for p in scan["pairs"] if p["relation"] in wanted]  # type: ignore[attr-defined]
    pairs.sort(key=lambda p: (p["a"], p["b"]))
    chosen = random.Random(seed).sample(pairs, min(n, len(pairs)))
    return [{"a": p["a"], "b": p["b"], "relation": p["relation"]} for p in chosen]


def texts(paths: Sequence[str]) -> dict[str, Document]:
    """The scanned documents by id, read as the scan read them."""
    return {d.id: d for d in iter_documents(list(paths)) if isinstance(d, Document)}


def sheet(pairs: Sequence[dict[str, str]], docs: dict[str, Document]) -> str:
    """The pairs for reading: ids, titles, sources, dates and both texts; no evidence."""
    parts = []
    for number, pair in enumerate(pairs, 1):
        parts.append(f"# Pair {number}: {pair['a']} | {pair['b']}\n")
        for side in ("a", "b"):
            doc = docs[pair[side]]
            meta = ", ".join(x for x in (doc.source, doc.date) if x)
            parts.append(f"## {side.upper()}: {doc.id} ({meta})\n{doc.title or ''}\n\n{doc.text}\n")
    return "\n".join(parts)


def precision(
    labels: Iterable[dict[str, str]], relation_of: dict[tuple[str, str], str]
) -> dict[str, dict[str, float]]:
    """Per relation (``all`` pooled): counts of each label and the precision."""
    counts: dict[str, Counter[str]] = {}
    for row in labels:
        if row["label"] not in LABELS:
            raise ValueError(f"unknown label {row['label']!r} for {row['a']} | {row['b']}")
        relation = relation_of.get((row["a"], row["b"]), row.get("relation", "unknown"))
        for key in (relation, "all"):
            counts.setdefault(key, Counter())[row["label"]] += 1
    result: dict[str, dict[str, float]] = {}
    for relation, found in counts.items():
        judged = sum(found.values()) - found["unreadable"]
        right = sum(found[label] for label in RIGHT)
        result[relation] = {
            **{k: float(found[k]) for k in LABELS},
            "precision": right / judged if judged else float("nan"),
        }
    return result


def _sample(args: argparse.Namespace) -> None:
    scan = json.loads(Path(args.scan).read_text("utf-8"))
    pairs = draw(scan, args.relations.split(","), args.n, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    blind = [{"a": p["a"], "b": p["b"]} for p in pairs]
    (out / "pairs.jsonl").write_text("".join(json.dumps(p) + "\n" for p in blind), "utf-8")
    (out / "relations.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs), "utf-8")
    (out / "sheet.md").write_text(sheet(pairs, texts(args.paths)), "utf-8")
    print(f"{len(pairs)} pairs: {out / 'sheet.md'} (for reading), {out / 'pairs.jsonl'} (to label)")


def _score(args: argparse.Namespace) -> None:
    rows = [
        json.loads(line)
        for line in Path(args.labels).read_text("utf-8").splitlines()
        if line.strip()
    ]
    relation_of: dict[tuple[str, str], str] = {}
    if args.scan:
        scan = json.loads(Path(args.scan).read_text("utf-8"))
        relation_of = {(p["a"], p["b"]): p["relation"] for p in scan["pairs"]}
    for relation, figures in sorted(precision(rows, relation_of).items()):
        counts = ", ".join(f"{k} {int(figures[k])}" for k in LABELS)
        print(f"{relation:>12}: precision {figures['precision']:.2f} ({counts})")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(required=True)
    sample = commands.add_parser("sample", help="draw pairs and write them for reading")
    sample.add_argument("scan")
    sample.add_argument("paths", nargs="+")
    sample.add_argument("--relations", default="rewrite,same-story")
    sample.add_argument("--n", type=int, default=40)
    sample.add_argument("--seed", type=int, default=1)
    sample.add_argument("--out", required=True)
    sample.set_defaults(run=_sample)
    score = commands.add_parser("score", help="precision from a labels file")
    score.add_argument("labels")
    score.add_argument("--scan", help="a scan JSON naming each pair's relation")
    score.set_defaults(run=_score)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
