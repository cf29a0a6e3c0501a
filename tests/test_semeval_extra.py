"""The extra SemEval-2022 pairs (issue #18): committed labels are well formed, and when
the texts are present they match the labels and never touch reserved or dev pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import corpora, semeval_extra

RESERVED = corpora.data_dir() / corpora.FOLDERS["semeval"] / "reserved_pair_ids.txt"
DEV = corpora.data_dir() / corpora.FOLDERS["semeval"] / "dev_pairs.jsonl"

needs_texts = pytest.mark.skipif(
    not semeval_extra.available(), reason=f"{semeval_extra.pairs_path()} absent"
)
needs_shared = pytest.mark.skipif(
    not (RESERVED.is_file() and DEV.is_file()), reason=f"{RESERVED} or {DEV} absent"
)


def _reserved_ids() -> set[str]:
    return {line.strip() for line in RESERVED.read_text(encoding="utf-8").split() if line.strip()}


def _dev_ids() -> set[str]:
    with DEV.open(encoding="utf-8") as handle:
        return {str(json.loads(line)["pair_id"]) for line in handle if line.strip()}


def test_labels_well_formed() -> None:
    labels = semeval_extra.labels()
    assert labels
    for pair_id, ratings in labels.items():
        first, second = pair_id.split("_")
        assert first.isdigit() and second.isdigit()
        assert all(1.0 <= rating <= 4.0 for rating in ratings)


@needs_shared
def test_labels_exclude_reserved_and_dev() -> None:
    ids = set(semeval_extra.labels())
    reserved = _reserved_ids()
    reserved_articles = {article for pair in reserved for article in pair.split("_")}
    assert not ids & reserved
    assert not ids & _dev_ids()
    assert not {article for pair in ids for article in pair.split("_")} & reserved_articles


def test_absent_file_gives_empty(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEDUP_EXTRA_DATA", str(tmp_path))
    assert semeval_extra.semeval_extra() == []


@needs_texts
@needs_shared
def test_texts_match_labels_and_exclude_reserved_and_dev() -> None:
    pairs = semeval_extra.semeval_extra()
    ids = [p.pair_id for p in pairs]
    assert len(ids) == len(set(ids))
    assert not set(ids) & _reserved_ids()
    assert not set(ids) & _dev_ids()
    labels = semeval_extra.labels()
    assert set(ids) == set(labels)
    for pair in pairs:
        assert pair.pair_id == f"{pair.a.id}_{pair.b.id}"
        assert pair.rating == pytest.approx(labels[pair.pair_id][0])
        assert len(pair.a.text.split()) >= 50 and len(pair.b.text.split()) >= 50


def test_the_held_out_scorer_names_a_missing_file(tmp_path: Path, capsys: Any) -> None:
    from benchmarks import semeval_heldout

    missing = tmp_path / "pairs.jsonl"
    assert semeval_heldout.main([str(missing)]) == 2
    assert str(missing) in capsys.readouterr().out
