"""Ingest: turn paths (folders, files, ``-`` for stdin) into a stream of Documents.

Every input that yields no article becomes a ``Skipped`` record naming the file
(and line), never an exception: a scan always gets through its whole input.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dedup import decode, records
from dedup.document import Document, Skipped

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl"}

Item = Document | Skipped


@dataclass(frozen=True, slots=True)
class _Source:
    """A file to read and the id its article is known by."""

    path: Path
    doc_id: str


def iter_documents(
    paths: Sequence[str],
    *,
    max_doc_bytes: int = 20_000_000,
    stdin: BinaryIO | None = None,
) -> Iterator[Item]:
    """Yield a Document or a Skipped record for every article found under ``paths``.

    Folders are walked recursively in sorted order; hidden entries are ignored and
    symlinks are not followed out of the folder. Document ids: a record's own ``id``,
    else the POSIX path relative to the scanned root (prefixed by the root's folder
    name when several roots are given), ``path#L<line>`` for JSON(L) records without
    one, ``stdin#L<line>`` (or ``stdin``) for standard input.
    """
    prefixed = len(paths) > 1
    for arg in paths:
        if arg == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from records.from_stdin(stream, max_doc_bytes=max_doc_bytes)
            continue
        for source in _sources(Path(arg), prefixed):
            if isinstance(source, Skipped):
                yield source
            else:
                yield from _read_source(source, max_doc_bytes)


def _sources(root: Path, prefixed: bool) -> Iterator[_Source | Skipped]:
    """The files under one root argument, in a deterministic order."""
    if not root.exists() and not root.is_symlink():
        yield Skipped(str(root), "no such file or folder")
        return
    if not root.is_dir():
        prefix = root.resolve().parent.name + "/" if prefixed else ""
        yield _Source(root, prefix + root.name)
        return
    prefix = (root.resolve().name + "/") if prefixed else ""
    real_root = root.resolve()
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        yield from (Skipped(str(e.filename), f"unreadable folder: {e.strerror}") for e in errors)
        errors.clear()
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        for name in list(dirnames):
            if (here / name).is_symlink():
                dirnames.remove(name)
                yield Skipped(str(here / name), "symlinked folder not followed")
        for name in sorted(f for f in filenames if not f.startswith(".")):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.suffix.lower() not in SUFFIXES:
                yield Skipped(str(path), f"unsupported file type {path.suffix or '(none)'!r}")
            elif path.is_symlink() and not _inside(path, real_root):
                yield Skipped(str(path), "symlink leads outside the scanned folder")
            else:
                yield _Source(path, prefix + rel)
    yield from (Skipped(str(e.filename), f"unreadable folder: {e.strerror}") for e in errors)


def _inside(path: Path, real_root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):  # symlink loop
        return False


def _read_source(source: _Source, max_doc_bytes: int) -> Iterator[Item]:
    """Read one file according to its suffix."""
    suffix = source.path.suffix.lower()
    location = str(source.path)
    if suffix == ".jsonl":
        try:
            with source.path.open("rb") as handle:
                yield from records.from_jsonl(
                    handle, location, source.doc_id, max_doc_bytes=max_doc_bytes
                )
        except OSError as err:
            yield Skipped(location, f"unreadable: {err.strerror or err}")
        return
    data = _read_bytes(source.path, max_doc_bytes)
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
    elif suffix in HTML_SUFFIXES:
        yield records.from_html(text, location, source.doc_id)
    else:
        yield records.from_plain_text(text, location, source.doc_id)


def _read_bytes(path: Path, max_doc_bytes: int) -> bytes | Skipped:
    """Whole file contents, unless it is unreadable or over the size cap."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_doc_bytes:
                return Skipped(str(path), f"larger than --max-doc-bytes ({size} > {max_doc_bytes})")
            data = handle.read(max_doc_bytes + 1)
    except IsADirectoryError:
        return Skipped(str(path), "is a folder")
    except OSError as err:
        return Skipped(str(path), f"unreadable: {err.strerror or err}")
    if len(data) > max_doc_bytes:
        return Skipped(str(path), f"larger than --max-doc-bytes (> {max_doc_bytes})")
    return data
