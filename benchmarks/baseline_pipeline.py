"""The plain datasketch pipeline that ``benchmarks.scan_bench`` times ``dedup scan`` against.

What a straightforward datasketch user writes to group near-duplicate articles of a
JSONL file: each record's ``text`` lower-cased and split into ``\\w+`` words, the set
of word 5-shingles (strings), a ``MinHash(num_perm=128)`` fed one ``update`` per
shingle (datasketch's default SHA-1 hash), a ``MinHashLSH(threshold=0.5,
num_perm=128)`` queried for each article before it is inserted (so each candidate
pair is seen once), union-find over the candidate pairs, and the groups written as
JSON. No boilerplate handling, no verification of candidates, no rewrite tier.
Records with no 5-shingle (fewer than five words) are left out, as ``too_short``.

Run: ``python -m benchmarks.baseline_pipeline CORPUS.jsonl -o OUT.json``. The time
per stage goes to standard error as one JSON line, ``{"timings": {...}}``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from datasketch import MinHash, MinHashLSH

from dedup.copies.cluster import UnionFind
from dedup.corpus import StageTimer

NUM_PERM = 128
THRESHOLD = 0.5
SHINGLE = 5
_WORD = re.compile(r"\w+")


def sets_of_two_or_more(groups: UnionFind) -> list[list[str]]:
    """Every set of two or more keys, each sorted, in order of their first key."""
    return sorted(group for group in groups.groups() if len(group) > 1)


def shingles(text: str) -> set[str]:
    """Word 5-shingles of ``text``, lower-cased ``\\w+`` words joined by spaces."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def minhash(items: set[str]) -> MinHash:
    """The naive datasketch MinHash: one ``update`` (SHA-1) per shingle."""
    signature = MinHash(num_perm=NUM_PERM)
    for item in items:
        signature.update(item.encode("utf-8"))
    return signature


def run(corpus: Path) -> tuple[dict[str, Any], dict[str, float]]:
    """The groups of ``corpus`` and the seconds per stage (``report`` is added by main)."""
    timer = StageTimer()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    groups = UnionFind()
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    documents = too_short = 0
    with corpus.open(encoding="utf-8") as handle:
        lines = iter(handle)
        while True:
            with timer.stage("ingest"):
                line = next(lines, None)
                if line is None:
                    break
                if not line.strip():
                    continue
                record = json.loads(line)
                key, text = str(record["id"]), str(record["text"])
            if key in seen:
                continue
            seen.add(key)
            documents += 1
            with timer.stage("shingle"):
                items = shingles(text)
            if not items:
                too_short += 1
                continue
            with timer.stage("minhash"):
                signature = minhash(items)
            with timer.stage("lsh"):
                found = lsh.query(signature)
                lsh.insert(key, signature)
            with timer.stage("union-find"):
                groups.find(key)
                for other in found:
                    pairs.append((other, key))
                    groups.union(other, key)
    with timer.stage("union-find"):
        grouped = sets_of_two_or_more(groups)
    result = {
        "documents": documents,
        "too_short": too_short,
        "groups": grouped,
        "pairs": sorted(pairs),
        "parameters": {"num_perm": NUM_PERM, "threshold": THRESHOLD, "shingle": SHINGLE},
    }
    return result, timer.seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.baseline_pipeline", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("corpus", type=Path, help="a JSONL file of {id, text} records")
    parser.add_argument("-o", "--output", type=Path, required=True, help="groups as JSON")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    result, timings = run(args.corpus)
    report_began = time.perf_counter()
    args.output.write_text(json.dumps(result) + "\n", encoding="utf-8")
    timings["report"] = time.perf_counter() - report_began
    timings["total"] = time.perf_counter() - began
    print(json.dumps({"timings": timings}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
