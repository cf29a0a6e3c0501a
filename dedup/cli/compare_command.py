"""``dedup compare A B``: why two articles are (not) one story. Parses, reads the two
articles, calls ``dedup.compare``, renders (``dedup.report.compare_report``)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dedup.cli.io import (
    EXIT_OPERATIONAL,
    EXIT_USAGE,
    StdoutConsole,
    deliver,
    fail,
    one_line,
)
from dedup.compare import compare
from dedup.config import ScanConfig
from dedup.ingest.document import Document, Item, Skipped
from dedup.ingest.reader import iter_documents
from dedup.report import compare_report

COMPARE_HELP = (
    "Why two articles are (not) one story: the relation a scan would give them, each "
    "tier's scores and the rule that decided, the shared facts, the aligned sentences "
    "side by side, or the look-alike rule that refused them. A and B are files of one "
    "article each; with --from, they are document ids (as `dedup scan` names them) "
    "found in the given folders or files."
)


class CompareFormat(StrEnum):
    text = "text"
    json = "json"


def compare_command(
    a: Annotated[str, typer.Argument(help="A file of one article, or an id with --from.")],
    b: Annotated[str, typer.Argument(help="A file of one article, or an id with --from.")],
    sources: Annotated[
        list[str] | None,
        typer.Option(
            "--from",
            help="Read A and B as document ids from these folders or files (repeatable).",
            show_default=False,
        ),
    ] = None,
    rewrites: Annotated[
        bool, typer.Option("--rewrites/--no-rewrites", help="Also run the rewrite tier.")
    ] = True,
    output_format: Annotated[CompareFormat, typer.Option("--format", "-f")] = CompareFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
) -> None:
    """Compare two articles (help: ``COMPARE_HELP``)."""
    docs = _by_id(a, b, sources) if sources else (_only_article(a), _only_article(b))
    config = ScanConfig(rewrites=rewrites)
    found = compare(docs[0], docs[1], config)
    if output_format is CompareFormat.json:
        deliver(compare_report.to_json(docs[0], docs[1], found, config), output)
        return
    if output is None:
        compare_report.render_text(docs[0], docs[1], found, config, StdoutConsole())
        return
    buffer = io.StringIO()
    compare_report.render_text(docs[0], docs[1], found, config, Console(file=buffer, width=120))
    deliver(buffer.getvalue(), output)


def _require(path: str) -> None:
    if path != "-" and not os.path.lexists(path):
        raise fail(f"no such file or folder: {path}", EXIT_USAGE)


def _only_article(path: str) -> Document:
    """The one article in a file; a folder, a file of several articles or none is an
    error naming it."""
    _require(path)
    if os.path.isdir(path):
        raise fail(f"{path}: is a folder; give a file, or ids with --from {path}", EXIT_USAGE)
    found = list(iter_documents([path]))
    docs = [d for d in found if isinstance(d, Document)]
    if len(docs) > 1:
        message = f"{path}: holds {len(docs)} articles; name two by id with --from {path}"
        raise fail(one_line(message), EXIT_USAGE)
    if not docs:
        raise fail(one_line(_unread(found, path)), EXIT_OPERATIONAL)
    return docs[0]


def _unread(found: Iterable[Item], path: str) -> str:
    reasons = [s.message() for s in found if isinstance(s, Skipped)]
    return reasons[0] if reasons else f"{path}: no article"


def _by_id(a: str, b: str, sources: list[str]) -> tuple[Document, Document]:
    """The first documents with ids ``a`` and ``b`` in the sources, read as a scan reads
    them (stops reading once both are found)."""
    for path in sources:
        _require(path)
    wanted, found = {a, b}, dict[str, Document]()
    for item in iter_documents(sources):
        if isinstance(item, Document) and item.id in wanted:
            found.setdefault(item.id, item)
            if len(found) == len(wanted):
                break
    missing = [x for x in (a, b) if x not in found]
    if missing:
        where = ", ".join(sources)
        raise fail(one_line(f"no document with id {missing[0]!r} in {where}"), EXIT_USAGE)
    return found[a], found[b]
