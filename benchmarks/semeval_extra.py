"""Loader for the extra labelled SemEval-2022 Task 8 English pairs (issue #18).

Only ids and ratings live in the repository (``benchmarks/labels/semeval_extra_pairs.csv``);
the texts stay outside it, in ``$DEDUP_EXTRA_DATA/semeval2022_en_extra/pairs.jsonl``
(default ``/work/extra_data``), in the same schema as the shared ``dev_pairs.jsonl``.
See ``benchmarks/labels/SEMEVAL.md`` for how they were pulled.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from benchmarks import corpora
from benchmarks.corpora import REPO, ArticlePair

FOLDER = "semeval2022_en_extra"
"""Subfolder of ``extra_data_dir()`` holding ``pairs.jsonl``."""

LABELS = REPO / "benchmarks" / "labels" / "semeval_extra_pairs.csv"
"""The committed ids and ratings (pair_id, overall, narrative, entities)."""


def extra_data_dir() -> Path:
    """``$DEDUP_EXTRA_DATA`` if set, else ``/work/extra_data``."""
    return Path(os.environ.get("DEDUP_EXTRA_DATA") or "/work/extra_data")


def pairs_path() -> Path:
    """Where the texts are expected: ``extra_data_dir()/semeval2022_en_extra/pairs.jsonl``."""
    return extra_data_dir() / FOLDER / "pairs.jsonl"


def available() -> bool:
    """Whether the extra pairs file is present."""
    return pairs_path().is_file()


def semeval_extra() -> list[ArticlePair]:
    """The extra pairs with text, in file order; ``[]`` when the file is absent. As for
    ``corpora.semeval()``, rating is the ``overall`` mean (1 = same story, 4 = unrelated)."""
    path = pairs_path()
    return corpora.semeval(path) if path.is_file() else []


def labels() -> dict[str, tuple[float, float, float]]:
    """The committed labels: pair_id -> (overall, narrative, entities)."""
    with LABELS.open(encoding="utf-8", newline="") as handle:
        return {
            row["pair_id"]: (float(row["overall"]), float(row["narrative"]), float(row["entities"]))
            for row in csv.DictReader(handle)
        }
