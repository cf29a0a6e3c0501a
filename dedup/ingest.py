"""Ingest: turn paths (folders, files, ``-`` for stdin) into a stream of Documents.

Every input that yields no article becomes a ``Skipped`` record naming the file
(and line), never an exception: a scan always gets through its whole input.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dedup import decode, records
from dedup.document import Document, Skipped

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".json", ".jsonl", ".sgm"}

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
        yield Skipped(_text(root), "no such file or folder")
        return
    if not root.is_dir():
        prefix = _text(root.resolve().parent.name) + "/" if prefixed else ""
        yield _Source(root, prefix + _text(root.name))
        return
    prefix = (_text(root.resolve().name) + "/") if prefixed else ""
    real_root = root.resolve()
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        yield from (_unreadable_folder(e) for e in errors)
        errors.clear()
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        for name in list(dirnames):
            if (here / name).is_symlink():
                dirnames.remove(name)
                yield Skipped(_text(here / name), "symlinked folder not followed")
        for name in sorted(f for f in filenames if not f.startswith(".")):
            path = here / name
            rel = _text(path.relative_to(root).as_posix())
            problem = _file_problem(path, real_root)
            if problem is not None:
                yield Skipped(_text(path), problem)
            else:
                yield _Source(path, prefix + rel)
    yield from (_unreadable_folder(e) for e in errors)


def _text(path: str | os.PathLike[str]) -> str:
    """A path as printable text. Names that are not valid UTF-8 reach Python with
    surrogate escapes, which cannot be written out as UTF-8 (the JSON report, ids);
    their undecodable bytes are shown as ``\\xNN`` instead."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _unreadable_folder(err: OSError) -> Skipped:
    return Skipped(_text(str(err.filename)), f"unreadable folder: {err.strerror}")


def _file_problem(path: Path, real_root: Path) -> str | None:
    """Why a file found in a folder is not read, or None when it is."""
    if path.suffix.lower() not in SUFFIXES:
        return f"unsupported file type {_text(path.suffix) or '(none)'!r}"
    if path.is_symlink():
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
    if suffix == ".jsonl":
        try:
            with source.path.open("rb") as handle:
                stream: BinaryIO = handle
                if _looks_utf16(handle.peek(4)[:4]):
                    # UTF-16 lines cannot be split on newline bytes: decode the whole file.
                    utf8 = _utf16_as_utf8(source.path, location, max_doc_bytes)
                    if isinstance(utf8, Skipped):
                        yield utf8
                        return
                    stream = io.BytesIO(utf8)
                yield from records.from_jsonl(
                    stream, location, source.doc_id, max_doc_bytes=max_doc_bytes
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
    elif suffix == ".sgm":
        yield from records.from_reuters_sgml(text, location, source.doc_id)
    elif suffix in HTML_SUFFIXES:
        yield records.from_html(text, location, source.doc_id)
    else:
        yield records.from_plain_text(text, location, source.doc_id)


def _looks_utf16(head: bytes) -> bool:
    """A UTF-16 byte-order mark, or the NUL of UTF-16 ASCII text in the first unit."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return len(head) >= 2 and (head[0] == 0) != (head[1] == 0)


def _utf16_as_utf8(path: Path, location: str, max_doc_bytes: int) -> bytes | Skipped:
    data = _read_bytes(path, max_doc_bytes)
    if isinstance(data, Skipped):
        return data
    try:
        return decode.decode_bytes(data).encode("utf-8")
    except decode.UndecodableError as err:
        return Skipped(location, str(err))


def _read_bytes(path: Path, max_doc_bytes: int) -> bytes | Skipped:
    """Whole file contents, unless it is unreadable or over the size cap."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_doc_bytes:
                return Skipped(
                    _text(path), f"larger than --max-doc-bytes ({size} > {max_doc_bytes})"
                )
            data = handle.read(max_doc_bytes + 1)
    except IsADirectoryError:
        return Skipped(_text(path), "is a folder")
    except OSError as err:
        return Skipped(_text(path), f"unreadable: {err.strerror or err}")
    if len(data) > max_doc_bytes:
        return Skipped(_text(path), f"larger than --max-doc-bytes (> {max_doc_bytes})")
    return data
