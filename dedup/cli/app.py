"""The ``dedup`` command: parse arguments, call one library function, render.

Exit codes (every command): 0 success; 1 a check found a relation at or above its
``--fail-on`` level; 2 usage error; 3 operational error. 3 outranks 1.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dedup.cli.io import (  # noqa: F401  (EXIT_* are part of the CLI's interface)
    EXIT_FOUND,
    EXIT_OK,
    EXIT_OPERATIONAL,
    EXIT_USAGE,
    Jobs,
    ReaderGone,
    Scheduler,
    StdoutConsole,
    check_scheduler,
    cluster_errors,
    deliver,
    err_console,
    fail,
    one_line,
)
from dedup.config import ScanConfig
from dedup.pipeline import scan
from dedup.report import serialise
from dedup.report.terminal import render_text, timings_line
from dedup.stories.results import ScanResult

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find copies and rewrites of the same news story.",
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    csv = "csv"


class Verdict(StrEnum):
    meaning = "meaning"
    rules = "rules"
    fitted = "fitted"


class ShingleKind(StrEnum):
    word = "word"
    char = "char"


def _show_version(value: bool) -> None:
    if value:
        from dedup import __version__

        print(f"dedup {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Find copies and rewrites of the same news story."""


@app.command("scan")
def scan_command(
    paths: Annotated[list[str], typer.Argument(help="Folders, files, or - for standard input.")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    shingle: Annotated[
        ShingleKind, typer.Option(help="Word or character n-grams.")
    ] = ShingleKind.word,
    shingle_size: Annotated[int, typer.Option(help="Tokens (or characters) per shingle.")] = 5,
    num_perm: Annotated[int, typer.Option(help="MinHash permutations.")] = 128,
    seed: Annotated[int, typer.Option(help="MinHash seed.")] = 1,
    lsh_threshold: Annotated[float, typer.Option(help="Jaccard level the LSH targets.")] = 0.3,
    max_doc_bytes: Annotated[int, typer.Option(help="Skip larger inputs.")] = 20_000_000,
    rewrites: Annotated[
        bool, typer.Option("--rewrites/--no-rewrites", help="Also find rewrites (tier 2).")
    ] = True,
    ledger: Annotated[
        bool,
        typer.Option("--ledger/--no-ledger", help="Align story members sentence by sentence."),
    ] = True,
    verdict: Annotated[
        Verdict,
        typer.Option(
            help="The rewrite verdict: sentences retold by meaning, or the same lede and "
            "rare facts (meaning); the earlier lexical routes, shared facts alone enough "
            "(rules: more recall, less precision); or the logistic model fitted on "
            "labelled pairs (fitted, experimental)."
        ),
    ] = Verdict.meaning,
    jobs: Jobs = 0,
    scheduler: Scheduler = None,
    source: Annotated[
        str | None,
        typer.Option(
            help="The outlet of the articles that name none (a folder of one outlet's "
            "files): its own two articles are one story only when retold sentence by "
            "sentence, not for opening alike."
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            min=0,
            help="Text format: show the N largest stories (and N too-short articles), "
            "the rest counted; 0 shows all.",
        ),
    ] = 20,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or timings.")] = False,
) -> None:
    """Scan articles and report their stories: copies, near-copies and rewrites.

    Each story with its origin, wire agency and what each copy changed.
    """
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        raise fail(f"no such file or folder: {missing[0]}", EXIT_USAGE)
    try:
        config = ScanConfig(
            shingle=shingle.value,
            shingle_size=shingle_size,
            num_perm=num_perm,
            seed=seed,
            lsh_threshold=lsh_threshold,
            max_doc_bytes=max_doc_bytes,
            rewrites=rewrites,
            ledger=ledger,
            rewrite_verdict=verdict.value,
        )
    except ValueError as err:
        raise fail(str(err), EXIT_USAGE) from err
    if source is not None and not source.strip():
        raise fail("--source must not be empty", EXIT_USAGE)
    check_scheduler(scheduler)
    started = time.perf_counter()
    show_progress = not quiet and err_console.is_terminal
    with cluster_errors():
        result = _run_scan(paths, config, jobs, scheduler, source, show_progress=show_progress)
    if not quiet:
        notes = [s.message() for s in result.skipped] + [n.message() for n in result.notices]
        for note in notes:
            err_console.print(f"dedup: warning: {one_line(note)}", markup=False)
    _emit(result, output_format, output, limit)
    if not quiet:
        timings = {**result.timings, "total": time.perf_counter() - started}
        err_console.print(timings_line(timings), markup=False)


def _run_scan(
    paths: list[str],
    config: ScanConfig,
    jobs: int,
    scheduler: str | None,
    source: str | None,
    *,
    show_progress: bool,
) -> ScanResult:
    if not show_progress:
        return scan(paths, config, jobs=jobs, scheduler=scheduler, source=source)
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console) as bar:
        task = bar.add_task("fingerprinting", total=None)
        return scan(
            paths,
            config,
            jobs=jobs,
            progress=lambda n: bar.update(task, description=f"{n} articles"),
            scheduler=scheduler,
            source=source,
        )


def _emit(result: ScanResult, output_format: OutputFormat, output: Path | None, limit: int) -> None:
    from dedup.report.csv_table import csv_rows
    from dedup.report.html import to_html
    from dedup.report.markdown import to_markdown

    text: str | Iterator[str]
    if output_format is OutputFormat.json:
        text = serialise.json_chunks(result)  # written a piece at a time
    elif output_format is OutputFormat.markdown:
        text = to_markdown(result)
    elif output_format is OutputFormat.html:
        text = to_html(result)
    elif output_format is OutputFormat.csv:
        text = csv_rows(result)  # a row at a time
    else:
        buffer = io.StringIO() if output is not None else None
        console = Console(file=buffer, width=120) if buffer else StdoutConsole()
        render_text(result, console, limit=limit)
        text = buffer.getvalue() if buffer else ""
    deliver(text, output)


def _register() -> None:
    """The index and check commands live in ``cli.index_commands``, compare in
    ``cli.compare_command``; hang them on the app."""
    from dedup.cli import compare_command, index_commands

    app.command(
        "compare",
        help=compare_command.COMPARE_HELP,
        short_help="Why two articles are (not) one story.",
    )(compare_command.compare_command)
    app.add_typer(index_commands.index_app, name="index")
    app.command(
        "check",
        help=index_commands.CHECK_HELP,
        short_help="Check incoming articles against the index.",
    )(index_commands.check_command)


_register()


def main() -> None:
    """Console-script entry point: usage errors exit 2, operational errors exit 3; when
    standard output's reader goes away, stop quietly with exit 0 (the Python
    documentation's recipe: point standard output at devnull, so that the final flush
    cannot fail again)."""
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
    except SystemExit as done:
        # typer turns a BrokenPipeError raised by print() into exit 1: recognise it
        if not isinstance(done.__context__, BrokenPipeError):
            raise
        _reader_gone()
    except (ReaderGone, BrokenPipeError):
        _reader_gone()
    except OSError as err:  # all else is caught: writing standard output (disk full)
        where = err.filename or "standard output"
        message = f"cannot write to {where}: {err.strerror or err}"
        err_console.print(f"dedup: error: {one_line(message)}", markup=False)
        sys.exit(EXIT_OPERATIONAL)


def _reader_gone() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_OK)
