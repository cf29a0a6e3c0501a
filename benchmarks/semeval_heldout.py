"""Score a held-out set of SemEval-2022 Task 8 pairs (issue #18) as ``make eval`` scores
the dev pairs: each pair scanned alone with the default configuration, grouped or not
per rating band, and by which relation. The pairs of the second pull
(``benchmarks/labels/SEMEVAL.md``) were transcribed after the verdict was frozen and
used for nothing else.

    python -m benchmarks.semeval_heldout [PAIRS_JSONL]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from benchmarks import corpora, quality, semeval_extra

SECOND_PULL = "semeval2022_en_extra2"
"""Subfolder of ``semeval_extra.extra_data_dir()`` with the second pull's ``pairs.jsonl``."""


def default_path() -> Path:
    return semeval_extra.extra_data_dir() / SECOND_PULL / "pairs.jsonl"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="?", type=Path, default=None)
    args = parser.parse_args(argv)
    path: Path = args.pairs or default_path()
    if not path.is_file():
        print(f"semeval_heldout: {path}: no such file (see benchmarks/labels/SEMEVAL.md)")
        return 2
    pairs = corpora.semeval(path)
    rows = quality.semeval_rows(f"SemEval held out ({path.parent.name})", pairs)
    Console().print(quality.render(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
