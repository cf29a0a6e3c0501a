"""Parquet inputs: one article a row, read a batch at a time, giving the same scan as
the same records in JSONL; a broken file is one warning naming it, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dedup
from dedup.ingest.document import Document, Skipped
from dedup.report.serialise import to_json

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

SEEDS = Path(__file__).parents[1] / "seeds"


def _records() -> list[dict[str, str]]:
    rows = [{"id": p.name, "text": p.read_text("utf-8")} for p in sorted(SEEDS.glob("*.txt"))]
    rows[0]["date"] = "2024-03-01T10:00:00Z"
    rows[1]["source"] = "example.org"
    return rows


def test_parquet_scans_as_the_same_jsonl(tmp_path: Path) -> None:
    rows = _records()
    jsonl = tmp_path / "seeds.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    fields = [(name, pa.string()) for name in ("id", "text", "date", "source")]
    table = pa.Table.from_pylist(rows, schema=pa.schema(fields))  # every row's columns
    parquet = tmp_path / "seeds.parquet"
    pq.write_table(table, parquet, row_group_size=2)
    from_parquet = to_json(dedup.scan([str(parquet)]))
    from_jsonl = to_json(dedup.scan([str(jsonl)]))
    assert from_parquet == from_jsonl
    members = [m for s in json.loads(from_parquet)["stories"] for m in s["members"]]
    assert {m.get("source") for m in members} >= {"example.org"}  # the one row's source kept


def test_rows_without_id_are_named_by_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist([{"text": "one two three"}, {"text": ""}]), path)
    found = list(dedup.iter_documents([str(path)]))
    assert isinstance(found[0], Document) and found[0].id.endswith("rows.parquet#R1")
    assert isinstance(found[1], Skipped) and "#R2" in found[1].location


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"not a parquet file at all", "unreadable Parquet"), (None, "no column 'text'")],
)
def test_bad_parquet_is_one_warning(tmp_path: Path, content: bytes | None, reason: str) -> None:
    path = tmp_path / "bad.parquet"
    if content is None:
        pq.write_table(pa.Table.from_pylist([{"body": "no text column"}]), path)
    else:
        path.write_bytes(content)
    (skipped,) = list(dedup.iter_documents([str(path)]))
    assert isinstance(skipped, Skipped) and reason in skipped.reason
    assert "\n" not in skipped.reason and "bad.parquet" in skipped.location
