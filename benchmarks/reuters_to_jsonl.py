"""Write Reuters-21578 as JSONL: one record per story with a body.

Run: ``.venv/bin/python -m benchmarks.reuters_to_jsonl OUT.jsonl`` (from the repo root;
``DEDUP_DATA`` overrides the data folder). Each line is
``{"id": NEWID, "title": ..., "date": ..., "source": "Reuters", "text": ...}`` as
``benchmarks.corpora.reuters`` reads it (and as ``dedup scan`` reads the ``.sgm`` files),
ready for ``dedup scan OUT.jsonl``. Prints how many records it wrote.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks import corpora


def write_jsonl(out: Path) -> int:
    """Write every Reuters story with a body to ``out``; return the number of records."""
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for doc in corpora.reuters():
            record = {
                "id": doc.id,
                "title": doc.title,
                "date": doc.date,
                "source": doc.source,
                "text": doc.text,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.reuters_to_jsonl",
        description="Write Reuters-21578 as JSONL: one record per story with a body.",
    )
    parser.add_argument("out", type=Path, help="the JSONL file to write")
    args = parser.parse_args(argv)
    if not corpora.available("reuters"):
        print(f"Reuters-21578 not found under {corpora.data_dir()}", file=sys.stderr)
        return 1
    count = write_jsonl(args.out)
    print(f"wrote {count} records to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
