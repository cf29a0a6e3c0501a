"""The ``dedup index`` commands and ``dedup check``: the persistent index and the
CI check of incoming feed items against it. Each command parses, calls one library
function (``dedup.index.indexer``, ``dedup.index.check``) and renders."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dedup.cli.io import (
    EXIT_FOUND,
    EXIT_OPERATIONAL,
    EXIT_USAGE,
    Jobs,
    Scheduler,
    StdoutConsole,
    append_step_summary,
    check_scheduler,
    cluster_errors,
    deliver,
    err_console,
    fail,
    one_line,
    warn,
)
from dedup.config import ScanConfig
from dedup.index import indexer
from dedup.index.backends import open_store
from dedup.index.check import DEFAULT_FAIL_ON, CheckResult, check
from dedup.index.rebuild import rebuild
from dedup.index.store import Store, StoreError
from dedup.ingest.document import Document, Item
from dedup.ingest.reader import iter_documents
from dedup.report import check_report, github

DEFAULT_DB = "dedup-index.db"
Db = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="DEDUP_DB",
        help="The index: a SQLite file, or redis://host:port/N. Default dedup-index.db "
        "in the current folder (or $DEDUP_DB).",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or progress.")]
Replace = Annotated[
    bool,
    typer.Option(
        "--replace",
        help="Replace an indexed article by one with the same id and another text or "
        "metadata. Without it such articles are refused: listed, exit 1.",
    ),
]
index_app = typer.Typer(
    no_args_is_help=True,
    help="Build and maintain the persistent index that `dedup check` reads.",
)


class FailOn(StrEnum):
    copy = "copy"
    near_copy = "near-copy"
    rewrite = "rewrite"
    same_story = "same-story"


_DEFAULT_FAIL_ON = FailOn(DEFAULT_FAIL_ON)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


class StatsFormat(StrEnum):
    text = "text"
    json = "json"


@contextmanager
def _store(db: str, *, create: bool = False) -> Iterator[Store]:
    """The index at ``db``; storage failures become one line on stderr and exit 3."""
    try:
        with open_store(db, create=create) as store:
            yield store
    except StoreError as err:
        raise fail(one_line(str(err)), EXIT_OPERATIONAL) from err
    except (sqlite3.Error, OSError) as err:
        raise fail(one_line(f"{db}: {err}"), EXIT_OPERATIONAL) from err


def _require_paths(paths: list[str]) -> None:
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        raise fail(f"no such file or folder: {missing[0]}", EXIT_USAGE)


def _duration(text: str) -> timedelta:
    try:
        return indexer.parse_duration(text)
    except ValueError as err:
        raise fail(str(err), EXIT_USAGE) from err


@index_app.command("add")
def index_add(
    paths: Annotated[list[str], typer.Argument(help="Folders, files, or - for standard input.")],
    db: Db = DEFAULT_DB,
    batch: Annotated[int, typer.Option(min=1, help="Documents per transaction.")] = 500,
    jobs: Jobs = 0,
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    replace: Replace = False,
) -> None:
    """Add articles to the index (created if missing). An article indexed as it is stays
    unchanged; one with another text under an indexed id is refused unless --replace."""
    _require_paths(paths)
    check_scheduler(scheduler)
    add = partial(
        indexer.add_paths, paths, config=ScanConfig(), batch=batch, jobs=jobs, scheduler=scheduler
    )
    with cluster_errors(), _store(db, create=True) as store:
        if quiet or not err_console.is_terminal:
            result = add(store, replace=replace)
        else:
            with _progress_bar("indexing") as progress:
                result = add(store, replace=replace, progress=progress)
    if not quiet:
        for note in [s.message() for s in result.skipped] + [n.message() for n in result.notices]:
            warn(note)
        for short in result.too_short:
            warn(f"{short.doc_id}: too short to index ({short.tokens} tokens)")
    print(
        f"{db}: {_add_counts(result)}, "
        f"{len(result.too_short)} too short, {len(result.skipped)} skipped"
    )
    _refused(result)


def _add_counts(result: indexer.AddResult) -> str:
    return (
        f"{result.added} added, {result.updated} updated, {result.unchanged} unchanged, "
        f"{len(result.refused)} refused"
    )


def _refused(result: indexer.AddResult) -> None:
    """One error line per article refused (another text under an indexed id), then
    exit 1: nothing the user asked to index is left out silently."""
    for doc_id in result.refused:
        message = (
            f"{doc_id}: the index holds another text or metadata under this id; "
            "not replaced (pass --replace to replace it)"
        )
        err_console.print(f"dedup: error: {one_line(message)}", markup=False)
    if result.refused:
        raise typer.Exit(EXIT_FOUND)


@contextmanager
def _progress_bar(label: str) -> Iterator[indexer.Progress]:
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console) as bar:
        task = bar.add_task(label, total=None)
        yield lambda n: bar.update(task, description=f"{label}: {n} articles")


@index_app.command("stats")
def index_stats(
    db: Db = DEFAULT_DB,
    output_format: Annotated[StatsFormat, typer.Option("--format", "-f")] = StatsFormat.text,
) -> None:
    """Documents, band keys per tier, bytes per component and build parameters."""
    with _store(db) as store:
        found = indexer.stats(store)
    if output_format is StatsFormat.json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return
    print(f"index: {found['location']} ({found['backend']})")
    print(f"documents: {found['documents']}")
    print(f"versions (groups of copies): {found['versions']}")
    print("band keys: " + ", ".join(f"{k} {v}" for k, v in found["band_keys"].items()))
    sizes = (f"{k} {'unknown' if v is None else v}" for k, v in found["bytes"].items())
    print("bytes: " + ", ".join(sizes))
    params = found["parameters"] or {}
    print("parameters: " + ", ".join(f"{k} {params.get(k)}" for k in indexer.MATCHING_PARAMETERS))


@index_app.command("remove")
def index_remove(
    ids: Annotated[list[str], typer.Argument(help="Document ids, as `dedup scan` names them.")],
    db: Db = DEFAULT_DB,
) -> None:
    """Remove documents from the index by id (unknown ids are ignored)."""
    with _store(db) as store:
        removed = indexer.remove(store, ids)
    print(f"{db}: removed {removed} of {len(set(ids))} ids")


@index_app.command("prune")
def index_prune(
    older_than: Annotated[
        str, typer.Option(help="Age, e.g. 30d, 12h, 90m, 2w, 45s.", show_default=False)
    ],
    db: Db = DEFAULT_DB,
) -> None:
    """Remove documents older than a duration (by their date, else when indexed)."""
    age = _duration(older_than)
    try:
        with _store(db) as store:
            removed = indexer.prune(store, age, datetime.now(UTC))
    except ValueError as err:  # raised before the index is read
        raise fail(f"invalid --older-than {older_than!r}: {err}", EXIT_USAGE) from err
    print(f"{db}: removed {removed} documents older than {older_than}")


@index_app.command("rebuild")
def index_rebuild(db: Db = DEFAULT_DB, jobs: Jobs = 0, quiet: Quiet = False) -> None:
    """Rebuild the index from the texts it holds, fingerprinted by this dedup: after an
    upgrade (an index of an older schema version is refused until rebuilt). The old
    index stays in place, and in use, until the new one is complete."""
    try:
        if quiet or not err_console.is_terminal:
            result = rebuild(db, ScanConfig(), jobs=jobs)
        else:
            with _progress_bar("rebuilding") as progress:
                result = rebuild(db, ScanConfig(), jobs=jobs, progress=progress)
    except StoreError as err:
        raise fail(one_line(str(err)), EXIT_OPERATIONAL) from err
    except (sqlite3.Error, OSError) as err:
        raise fail(one_line(f"{db}: {err}"), EXIT_OPERATIONAL) from err
    if not quiet:
        for short in result.too_short:
            warn(f"{short.doc_id}: too short to index now ({short.tokens} tokens): left out")
    print(
        f"{db}: rebuilt {result.documents} documents from schema version "
        f"{result.old_version}, {len(result.too_short)} too short"
    )


CHECK_HELP = (
    "Check incoming articles against the index, read-only unless --add. "
    "Exit 1 when one relates to an indexed article at or above --fail-on (or --add "
    "refused to replace an indexed article: see --replace); too-short "
    "articles are reported but never fail; inputs that cannot be read are listed and "
    "exit 3, which outranks 1. Incoming articles are compared with the index only, "
    "not with one another."
)


def check_command(
    incoming: Annotated[list[str], typer.Argument(help="Folders, files, or - for standard input.")],
    db: Db = DEFAULT_DB,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            help="Fail on this relation or a stronger one "
            "(copy > near-copy > rewrite > same-story)."
        ),
    ] = _DEFAULT_FAIL_ON,
    window: Annotated[
        str | None,
        typer.Option(
            help="Compare only with indexed articles dated within this duration of the "
            "incoming one (30d, 12h...); undated articles are always compared.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    add: Annotated[
        bool, typer.Option("--add", help="After checking, add the incoming articles.")
    ] = False,
    replace: Replace = False,
) -> None:
    """Check incoming articles against the index (help: ``CHECK_HELP``)."""
    _require_paths(incoming)
    if replace and not add:
        raise fail("--replace applies to --add only", EXIT_USAGE)
    span = _duration(window) if window is not None else None
    config, kept = ScanConfig(), list[Document]()
    items = iter_documents(incoming, max_doc_bytes=config.max_doc_bytes)
    with _store(db) as store:
        result = check(
            _kept(items, kept) if add else items, store, config, fail_on=fail_on.value, window=span
        )
        added = indexer.add_documents(kept, store, config, replace=replace) if add else None
    deliver(_check_report(result, output_format, to_terminal=output is None), output)
    for notice in result.notices:
        warn(notice.message())
    if output_format is CheckFormat.github:
        append_step_summary(github.step_summary(result))
    for item in result.items:
        if item.outcome == "not-checked":
            message = f"{item.location}: could not be checked: {item.reason}"
            err_console.print(f"dedup: error: {one_line(message)}", markup=False)
    if added is not None:
        err_console.print(f"dedup: {db}: {_add_counts(added)}", markup=False)
    if result.incomplete:
        raise typer.Exit(EXIT_OPERATIONAL)
    if added is not None:
        _refused(added)
    if result.failed:
        raise typer.Exit(EXIT_FOUND)


def _kept(items: Iterable[Item], kept: list[Document]) -> Iterator[Item]:
    """Pass items through, keeping the Documents for adding after the check."""
    for item in items:
        if isinstance(item, Document):
            kept.append(item)
        yield item


def _check_report(result: CheckResult, output_format: CheckFormat, *, to_terminal: bool) -> str:
    """The check result in the chosen format (text in colour on a terminal)."""
    if output_format is CheckFormat.json:
        return check_report.to_json(result)
    if output_format is CheckFormat.junit:
        return check_report.to_junit(result)
    if output_format is CheckFormat.github:
        return github.workflow_commands(result)
    if to_terminal and sys.stdout.isatty():
        check_report.render_text(result, StdoutConsole())
        return ""
    buffer = io.StringIO()
    check_report.render_text(result, Console(file=buffer, width=120))
    return buffer.getvalue()
