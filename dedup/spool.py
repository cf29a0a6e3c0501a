"""Documents kept on disk while a scan runs, read back by id when a later stage needs
one: the scan streams its input, and holding every text in memory would make its
memory grow with the corpus. Verification, reporting and corpus-wide boilerplate
read back only the articles they look at."""

from __future__ import annotations

import json
import os
import tempfile
from types import TracebackType
from typing import Self

from dedup.document import Document

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
