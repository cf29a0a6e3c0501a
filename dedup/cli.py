"""The ``dedup`` command: parse arguments, call one library function, render.

Exit codes (every command): 0 success; 1 a check found a relation at or above its
``--fail-on`` level; 2 usage error; 3 operational error. 3 outranks 1.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
import tempfile
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dedup import report
from dedup.config import ScanConfig
from dedup.pipeline import scan
from dedup.render import render_text, timings_line
from dedup.results import ScanResult

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_OPERATIONAL = 0, 1, 2, 3
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find copies and rewrites of the same news story.",
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class ShingleKind(StrEnum):
    word = "word"
    char = "char"


def _fail(message: str, code: int) -> typer.Exit:
    _err.print(f"dedup: error: {message}", markup=False)
    return typer.Exit(code)


@app.callback()
def _root() -> None:
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings or timings.")] = False,
) -> None:
    """Scan articles and report groups of copies and near-copies."""
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        raise _fail(f"no such file or folder: {missing[0]}", EXIT_USAGE)
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
        )
    except ValueError as err:
        raise _fail(str(err), EXIT_USAGE) from err
    started = time.perf_counter()
    result = _run_scan(paths, config, show_progress=not quiet and _err.is_terminal)
    if not quiet:
        for skipped in result.skipped:
            _err.print(f"dedup: warning: {_one_line(skipped.message())}", markup=False)
    _emit(result, output_format, output)
    if not quiet:
        timings = {**result.timings, "total": time.perf_counter() - started}
        _err.print(timings_line(timings), markup=False)


def _one_line(message: str) -> str:
    """Control characters (a newline in a file name, say) escaped, so that every
    warning stays on one line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)


def _run_scan(paths: list[str], config: ScanConfig, *, show_progress: bool) -> ScanResult:
    if not show_progress:
        return scan(paths, config)
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=_err) as bar:
        task = bar.add_task("fingerprinting", total=None)
        return scan(paths, config, progress=lambda n: bar.update(task, description=f"{n} articles"))


def _emit(result: ScanResult, output_format: OutputFormat, output: Path | None) -> None:
    from dedup.render_html import to_html
    from dedup.render_markdown import to_markdown

    if output_format is OutputFormat.json:
        text = report.to_json(result)
    elif output_format is OutputFormat.markdown:
        text = to_markdown(result)
    elif output_format is OutputFormat.html:
        text = to_html(result)
    else:
        buffer = io.StringIO() if output is not None else None
        render_text(result, Console(file=buffer, width=120) if buffer else Console())
        text = buffer.getvalue() if buffer else ""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        _write_atomically(output, text)
    except OSError as err:
        raise _fail(f"cannot write {output}: {err.strerror or err}", EXIT_OPERATIONAL) from err


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename it into place."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain write would.
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())  # the data is on disk before the name points at it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, else the default for a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def main() -> None:
    """Console-script entry point: usage errors exit 2, operational errors exit 3."""
    try:
        app()
    except OSError as err:
        _err.print(f"dedup: error: {err}", markup=False)
        sys.exit(EXIT_OPERATIONAL)
