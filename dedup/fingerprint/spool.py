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
from typing import IO, Any, Self

import numpy as np

from dedup.fingerprint.shingle import U32
from dedup.ingest.document import Document

_SLICE = 1 << 20
"""Characters of text encoded and written at a time."""
_ERRORS = "surrogatepass"
"""Texts and names may hold lone surrogates (undecodable file names): kept as they are."""
_U32 = np.dtype(np.uint32)


class Spool:
    """An append-only temporary file of Documents and where each lies; the file
    disappears when the spool is closed or collected. A record is its metadata as a
    JSON line, then its text as UTF-8 (written in slices: a huge text is not copied
    whole). Reads use ``os.pread``, which leaves the file offset alone. Made in a
    ``directory``, the file has a name, and a pickled spool is a reader of that file
    in another process (a cluster's worker on the same file system)."""

    def __init__(self, directory: str | None = None) -> None:
        self._file = _temporary("dedup-spool-", directory)
        self._numbers: dict[str, int] = {}
        """Each id's record number: where a record lies is in three flat arrays (a
        tuple of three ints an id cost ~150 bytes, the arrays 24)."""
        self._starts = array("q")
        self._heads = array("q")
        self._sizes = array("q")
        self._end = 0

    def __getstate__(self) -> dict[str, Any]:
        return _state(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(_reopened(state))

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
        self._numbers[doc.id] = len(self._starts)
        self._starts.append(self._end)
        self._heads.append(len(head))
        self._sizes.append(size)
        self._end += len(head) + size

    def __getitem__(self, doc_id: str) -> Document:
        number = self._numbers[doc_id]
        start, head, size = self._starts[number], self._heads[number], self._sizes[number]
        data = os.pread(self._file.fileno(), head + size, start)
        doc_id, title, date, source, url, location = json.loads(
            data[:head].decode("utf-8", _ERRORS)
        )
        text = data[head:].decode("utf-8", _ERRORS)
        return Document(doc_id, text, title, date, source, url, location)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._numbers

    def __len__(self) -> int:
        return len(self._numbers)

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
    """Records of ``parts`` uint32 arrays each, kept in a temporary file and read back
    by number: what a later stage needs of a few articles at a time stays out of memory
    meanwhile. Written unbuffered (``os.pwrite``): forked processes read it all; made
    in a ``directory``, pickled it reads the same file elsewhere (as ``Spool``)."""

    def __init__(self, parts: int = 1, directory: str | None = None) -> None:
        self._file = _temporary("dedup-arrays-", directory)
        self._parts = parts
        self._starts = array("q")
        self._sizes = array("q")
        """``parts`` sizes a record."""
        self._end = 0

    def append(self, *arrays: U32) -> None:
        """Keep a record of ``parts`` arrays as number ``len(self)``."""
        self._starts.append(self._write(arrays))
        self._sizes.extend(len(values) for values in arrays)

    def __setitem__(self, number: int, arrays: tuple[U32, ...]) -> None:
        """Keep ``arrays`` in place of record ``number`` (the old one stays on disk)."""
        self._starts[number] = self._write(arrays)
        at = number * self._parts
        self._sizes[at : at + self._parts] = array("q", map(len, arrays))

    def __getstate__(self) -> dict[str, Any]:
        return _state(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(_reopened(state))

    def __getitem__(self, number: int) -> tuple[U32, ...]:
        """Record ``number``'s arrays (read-only views of one read)."""
        sizes = self._sizes[number * self._parts : (number + 1) * self._parts]
        total = sum(sizes) * 4
        data = os.pread(self._file.fileno(), total, self._starts[number]) if total else b""
        values = np.frombuffer(data, dtype=_U32)
        found, start = [], 0
        for size in sizes:
            found.append(values[start : start + size])
            start += size
        return tuple(found)

    def __len__(self) -> int:
        return len(self._starts)

    def _write(self, arrays: tuple[U32, ...]) -> int:
        """Write a record at the end of the file; where it starts."""
        if len(arrays) != self._parts:
            raise ValueError(f"expected {self._parts} arrays, got {len(arrays)}")
        data = memoryview(b"".join(a.astype(np.uint32, copy=False).tobytes() for a in arrays))
        start, written = self._end, 0
        while written < len(data):
            written += os.pwrite(self._file.fileno(), data[written:], start + written)
        self._end += len(data)
        return start

    def close(self) -> None:
        self._file.close()


def _temporary(prefix: str, directory: str | None) -> IO[bytes]:
    """An anonymous temporary file, or with ``directory`` a named one removed on close."""
    if directory is None:
        return tempfile.TemporaryFile(prefix=prefix)
    return tempfile.NamedTemporaryFile(prefix=prefix, dir=directory)


def _state(fields: dict[str, Any]) -> dict[str, Any]:
    """A spool's fields to pickle: its file by name (an anonymous one cannot travel)."""
    name = getattr(fields["_file"], "name", None)
    if not isinstance(name, str):
        raise TypeError("only a spool made in a directory can be pickled")
    return {**fields, "_file": name}


def _reopened(state: dict[str, Any]) -> dict[str, Any]:
    """A pickled spool's fields with its file opened again, for reading."""
    return {**state, "_file": open(state["_file"], "rb")}
