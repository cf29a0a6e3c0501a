"""Documents kept on disk while a scan runs, read back by id when a later stage needs
one: the scan streams its input, and holding every text in memory would make its
memory grow with the corpus. Verification, reporting and corpus-wide boilerplate
read back only the articles they look at."""

from __future__ import annotations

import json
import os
import tempfile
from array import array
from types import TracebackType
from typing import Self

import numpy as np

from dedup.document import Document
from dedup.shingle import U32

_SLICE = 1 << 20
"""Characters of text encoded and written at a time."""
_ERRORS = "surrogatepass"
"""Texts and names may hold lone surrogates (undecodable file names): kept as they are."""


class Spool:
    """An append-only temporary file of Documents and where each lies; the file
    disappears when the spool is closed or collected. A record is its metadata as a
    JSON line, then its text as UTF-8 (written in slices: a huge text is not copied
    whole). Reads use ``os.pread``, which leaves the file offset alone."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="dedup-spool-")  # noqa: SIM115 (close())
        self._where: dict[str, tuple[int, int, int]] = {}
        self._end = 0

    def add(self, doc: Document) -> None:
        """Keep ``doc`` (a later document with the same id replaces it)."""
        meta = [doc.id, doc.title, doc.date, doc.source, doc.url, doc.location]
        head = json.dumps(meta, ensure_ascii=False).encode("utf-8", _ERRORS) + b"\n"
        self._file.seek(self._end)
        self._file.write(head)
        size = 0
        for start in range(0, len(doc.text), _SLICE):
            size += self._file.write(doc.text[start : start + _SLICE].encode("utf-8", _ERRORS))
        self._file.flush()
        self._where[doc.id] = (self._end, len(head), size)
        self._end += len(head) + size

    def __getitem__(self, doc_id: str) -> Document:
        start, head, size = self._where[doc_id]
        data = os.pread(self._file.fileno(), head + size, start)
        doc_id, title, date, source, url, location = json.loads(
            data[:head].decode("utf-8", _ERRORS)
        )
        text = data[head:].decode("utf-8", _ERRORS)
        return Document(doc_id, text, title, date, source, url, location)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._where

    def __len__(self) -> int:
        return len(self._where)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class ArraySpool:
    """uint32 arrays kept in a temporary file and read back by number: what a later
    stage needs of a few articles at a time stays out of memory meanwhile. Written
    unbuffered (``os.pwrite``), so forked processes read what the parent wrote."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="dedup-arrays-")  # noqa: SIM115 (close())
        self._starts = array("q")
        self._sizes = array("q")
        self._end = 0

    def append(self, values: U32) -> None:
        """Keep ``values`` as number ``len(self)``."""
        self._starts.append(self._write(values))
        self._sizes.append(len(values))

    def __setitem__(self, number: int, values: U32) -> None:
        """Keep ``values`` in place of number ``number`` (the old ones stay on disk)."""
        self._starts[number] = self._write(values)
        self._sizes[number] = len(values)

    def __getitem__(self, number: int) -> U32:
        size = self._sizes[number] * 4
        data = os.pread(self._file.fileno(), size, self._starts[number]) if size else b""
        return np.frombuffer(data, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._starts)

    def _write(self, values: U32) -> int:
        """Write the values at the end of the file; where they start."""
        data = memoryview(values.astype(np.uint32, copy=False).tobytes())
        start, written = self._end, 0
        while written < len(data):
            written += os.pwrite(self._file.fileno(), data[written:], start + written)
        self._end += len(data)
        return start

    def close(self) -> None:
        self._file.close()
