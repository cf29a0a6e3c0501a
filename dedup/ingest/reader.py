"""Ingest: turn paths (folders, files, ``-`` for stdin) into a stream of Documents.

Every input that yields no article becomes a ``Skipped`` record naming the file
(and line), never an exception: a scan always gets through its whole input.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dedup.ingest import dates, decode, parquet, records, roots
from dedup.ingest.document import Item, Skipped
from dedup.ingest.roots import path_text as _text

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl", ".sgm", ".parquet"}


@dataclass(frozen=True, slots=True)
class _Source:
    """A file to read and the id its article is known by."""

    path: Path
    doc_id: str
    follow: bool = True
    """False for a file the folder listing showed as a regular file: it is opened with
    ``O_NOFOLLOW``, so a symlink swapped in after the listing is not followed."""


def iter_documents(
    paths: Sequence[str],
    *,
    max_doc_bytes: int = 20_000_000,
    stdin: BinaryIO | None = None,
) -> Iterator[Item]:
    """Yield a Document or a Skipped record for every article found under ``paths``,
    and after an input some of whose dates cannot be read, a Notice saying so.

    Folders are walked recursively in sorted order; hidden entries are ignored and
    symlinks are not followed out of the folder. Document ids: a record's own ``id``,
    else the POSIX path relative to the scanned root (when several roots are given,
    prefixed by the end of the root's path that tells it from the others: see
    ``roots``), ``path#L<line>`` for JSON(L) records without one, ``stdin#L<line>``
    (or ``stdin``) for standard input.
    """
    prefix = roots.prefixes(paths)
    for arg in paths:
        if arg == roots.STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            read = records.from_stdin(stream, max_doc_bytes=max_doc_bytes)
            yield from dates.noting_unreadable(read, "stdin")
            continue
        for source in _sources(Path(arg), prefix[arg]):
            if isinstance(source, Skipped):
                yield source
            else:
                found = _read_source(source, max_doc_bytes)
                yield from dates.noting_unreadable(found, _text(source.path))


def _sources(root: Path, prefix: str) -> Iterator[_Source | Skipped]:
    """The files under one root argument, in a deterministic order, their ids
    beginning with ``prefix``."""
    if not root.exists() and not root.is_symlink():
        yield Skipped(_text(root), "no such file or folder")
        return
    if not root.is_dir():
        yield _Source(root, prefix + _text(root.name))
        return
    real_root = root.resolve()
    # Depth first, a folder's files before its subfolders (os.walk's order), with a
    # stack of our own: os.walk recurses, and a deep enough tree overflows Python's stack.
    stack: list[tuple[Path, str]] = [(root, prefix)]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted((e for e in listing if e.name[:1] != "."), key=_name)
        except OSError as err:
            yield _unreadable_folder(err)
            continue
        folders = [e for e in entries if _is_folder(e)]
        for entry in folders:
            if entry.is_symlink():
                yield Skipped(_text(entry.path), "symlinked folder not followed")
        names = {e.name for e in folders}
        for entry in entries:
            if entry.name not in names:
                path = Path(entry.path)
                problem = _file_problem(path, real_root, entry)
                regular = not entry.is_symlink()
                source = _Source(path, rel + _text(entry.name), follow=not regular)
                yield source if problem is None else Skipped(_text(path), problem)
        for entry in reversed(folders):
            if not entry.is_symlink():
                stack.append((Path(entry.path), rel + _text(entry.name) + "/"))


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # a symlink to a folder too
    except OSError:
        return False


def _unreadable_folder(err: OSError) -> Skipped:
    return Skipped(_text(str(err.filename)), f"unreadable folder: {err.strerror}")


def _file_problem(path: Path, real_root: Path, entry: os.DirEntry[str]) -> str | None:
    """Why a file found in a folder is not read, or None when it is."""
    if path.suffix.lower() not in SUFFIXES:
        return f"unsupported file type {_text(path.suffix) or '(none)'!r}"
    if entry.is_file(follow_symlinks=False):
        return None  # the folder listing says it is a regular file, no symlink
    if entry.is_symlink():
        try:
            target = path.resolve()
        except RuntimeError:  # how Python < 3.13 reports a symlink loop
            return "symlink loop"
        except OSError as err:
            return f"unreadable symlink: {err.strerror or err}"
        if not target.is_relative_to(real_root):
            return "symlink leads outside the scanned folder"
    try:
        mode = path.stat().st_mode
    except OSError as err:
        return f"unreadable: {err.strerror or err}"
    if not stat.S_ISREG(mode):  # a named pipe would block the scan forever
        return "not a regular file"
    return None


def _read_source(source: _Source, max_doc_bytes: int) -> Iterator[Item]:
    """Read one file according to its suffix."""
    suffix = source.path.suffix.lower()
    location = _text(source.path)
    if suffix == ".parquet":
        yield from parquet.from_parquet(source.path, location, source.doc_id)
        return
    if suffix == ".jsonl" or (suffix == ".json" and _size(source.path) > max_doc_bytes):
        yield from _stream(source, suffix, max_doc_bytes)
        return
    data = _read_bytes(source.path, max_doc_bytes, follow=source.follow)
    if isinstance(data, Skipped):
        yield data
        return
    try:
        text = decode.decode_bytes(data)
    except decode.UndecodableError as err:
        yield Skipped(location, str(err))
        return
    if suffix == ".json":
        yield from records.from_json_text(text, location, source.doc_id)
    elif suffix == ".sgm":
        yield from records.from_reuters_sgml(text, location, source.doc_id)
    elif suffix in HTML_SUFFIXES:
        yield records.from_html(text, location, source.doc_id)
    else:
        yield records.from_plain_text(text, location, source.doc_id)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it will say why


def _stream(source: _Source, suffix: str, max_doc_bytes: int) -> Iterator[Item]:
    """A JSONL file line by line, or a .json file over the size cap record by record:
    at most about ``max_doc_bytes`` of it in memory at a time."""
    location = _text(source.path)
    try:
        with _open(source.path, source.follow) as handle:
            if suffix == ".json":
                chunks = decode.stream_text(handle)
                yield from records.from_json_chunks(
                    chunks, location, source.doc_id, max_doc_bytes=max_doc_bytes
                )
                return
            stream: BinaryIO = handle
            if _looks_utf16(handle.peek(4)[:4]):
                # UTF-16 lines cannot be split on newline bytes: read it as UTF-8.
                stream = io.BufferedReader(decode.Utf8Reader(decode.stream_text(handle)))
            yield from records.from_jsonl(
                stream, location, source.doc_id, max_doc_bytes=max_doc_bytes
            )
    except OSError as err:
        yield Skipped(location, f"unreadable: {err.strerror or err}")
    except decode.UndecodableError as err:
        yield Skipped(location, str(err))


def _looks_utf16(head: bytes) -> bool:
    """A UTF-16 byte-order mark, or the NUL of UTF-16 ASCII text in the first unit."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return len(head) >= 2 and (head[0] == 0) != (head[1] == 0)


def _open(path: Path, follow: bool) -> io.BufferedReader:
    """The file opened for reading; without following a final symlink unless ``follow``
    (where the OS has ``O_NOFOLLOW``)."""
    if follow or not hasattr(os, "O_NOFOLLOW"):
        return path.open("rb")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        if err.errno == errno.ELOOP:  # a symlink now, where the listing saw a file
            reason = "became a symlink after it was listed; not followed"
            raise OSError(err.errno, reason) from None
        raise
    return os.fdopen(fd, "rb")


def _read_bytes(path: Path, max_doc_bytes: int, *, follow: bool = True) -> bytes | Skipped:
    """Whole file contents, unless it is unreadable or over the size cap."""
    try:
        with _open(path, follow) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_doc_bytes:
                return Skipped(
                    _text(path), f"larger than --max-doc-bytes ({size} > {max_doc_bytes})"
                )
            # Read what fstat promises (a growing file or a device may hold more):
            # asking for max_doc_bytes at once would allocate that much per file.
            data = handle.read(min(size, max_doc_bytes) + 1)
            if len(data) > size:
                data += handle.read(max_doc_bytes + 1 - len(data))
    except IsADirectoryError:
        return Skipped(_text(path), "is a folder")
    except OSError as err:
        return Skipped(_text(path), f"unreadable: {err.strerror or err}")
    if len(data) > max_doc_bytes:
        return Skipped(_text(path), f"larger than --max-doc-bytes (> {max_doc_bytes})")
    return data
