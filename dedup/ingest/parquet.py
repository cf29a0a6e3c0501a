"""Parquet files (``.parquet``): one article a row, the columns named as JSON records'
fields (``text`` required; ``id``, ``title``, ``date``, ``source``, ``url``). Read a
batch of rows at a time, so a corpus of any size streams. The one module that touches
pyarrow (the ``parquet`` extra), imported only when a Parquet file is read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dedup.ingest import records
from dedup.ingest.document import Document, Skipped

COLUMNS = ("id", "text", "title", "date", "source", "url")
BATCH_ROWS = 1024
_MISSING = "reading .parquet files needs pyarrow: pip install 'dedup[parquet]'"


def from_parquet(path: Path, location: str, doc_id: str) -> Iterator[Document | Skipped]:
    """The articles of a Parquet file, row by row (ids default to ``doc_id#R<row>``)."""
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # the parquet extra
    except ImportError:
        yield Skipped(location, _MISSING)
        return
    try:
        handle = pq.ParquetFile(path)
        names = set(handle.schema_arrow.names)
        if "text" not in names:
            yield Skipped(location, "Parquet file has no column 'text'")
            return
        columns = [c for c in COLUMNS if c in names]
        row = 0
        for batch in handle.iter_batches(batch_size=BATCH_ROWS, columns=columns):
            for values in batch.to_pylist():
                row += 1
                yield records.from_record(
                    _present(values), f"{location}#R{row}", f"{doc_id}#R{row}"
                )
    except (OSError, ValueError) as err:  # pyarrow's errors derive from these
        yield Skipped(location, f"unreadable Parquet: {_first_line(err)}")


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """A row as a record, dates written as text and empty cells left out."""
    out = {}
    for name, value in values.items():
        if value is None:
            continue
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
