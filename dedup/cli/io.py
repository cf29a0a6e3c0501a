"""What every ``dedup`` command shares: exit codes, one-line errors and warnings on
standard error, and reports written atomically (a reader never sees half a file)."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dedup.report.terminal import one_line as one_line  # re-exported for the commands

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_OPERATIONAL = 0, 1, 2, 3
Jobs = Annotated[
    int,
    typer.Option("--jobs", "-j", min=0, help="Worker processes that fingerprint (0: all cores)."),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run on a Dask cluster: a scheduler's address, or local:N for N worker "
        "processes on this machine (needs the cluster extra).",
    ),
]
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class ReaderGone(Exception):
    """Standard output's reader went away (``dedup scan … | head``): the command stops
    quietly. Not an ``OSError``, so that click does not turn it into exit 1 on the way
    to ``main``, which exits 0."""


class StdoutConsole(Console):
    """A rich console on standard output that reports a closed pipe as ``ReaderGone``
    (rich's own default exits 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise ReaderGone


def fail(message: str, code: int) -> typer.Exit:
    """Print ``dedup: error: message`` on standard error; raise the returned Exit."""
    err_console.print(f"dedup: error: {message}", markup=False)
    return typer.Exit(code)


def check_scheduler(scheduler: str | None) -> None:
    """A malformed ``--scheduler`` is a usage error, found before anything is read."""
    from dedup.engine.scheduler import local_workers

    if scheduler is not None:
        try:
            local_workers(scheduler)
        except ValueError as err:
            raise fail(str(err), EXIT_USAGE) from err


@contextmanager
def cluster_errors() -> Iterator[None]:
    """A cluster that cannot be reached or loses the work: one line, exit 3."""
    from dedup.engine.errors import ClusterError

    try:
        yield
    except ClusterError as err:
        raise fail(one_line(str(err)), EXIT_OPERATIONAL) from err
    except ImportError as err:  # the cluster extra is not installed
        message = f"--scheduler needs dask[distributed]: pip install 'dedup[cluster]' ({err})"
        raise fail(one_line(message), EXIT_OPERATIONAL) from err


def warn(message: str) -> None:
    err_console.print(f"dedup: warning: {one_line(message)}", markup=False)


def deliver(text: str | Iterable[str], output: Path | None) -> None:
    """Write a report (a string, or its pieces in order) to standard output, or
    atomically to ``output``."""
    if output is None:
        try:
            sys.stdout.writelines(_pieces(text))
            sys.stdout.flush()
        except BrokenPipeError as err:
            raise ReaderGone from err
        except OSError as err:  # a full disk
            message = f"cannot write to standard output: {err.strerror or err}"
            raise fail(message, EXIT_OPERATIONAL) from err
        return
    try:
        write_atomically(output, text)
    except OSError as err:
        raise fail(f"cannot write {output}: {err.strerror or err}", EXIT_OPERATIONAL) from err


def append_step_summary(markdown: str) -> None:
    """Append to the GitHub Actions job summary when ``$GITHUB_STEP_SUMMARY`` names one
    (a file the runner collects); a failure to is a warning, the check stands."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown)
    except OSError as err:
        warn(f"cannot append the job summary to {path}: {err.strerror or err}")


def write_atomically(path: Path, text: str | Iterable[str]) -> None:
    """Write a string (or its pieces in order) to a temporary file beside ``path``
    and rename it into place."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain write would.
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(_pieces(text))
            handle.flush()
            os.fsync(handle.fileno())  # the data is on disk before the name points at it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pieces(text: str | Iterable[str]) -> Iterable[str]:
    return (text,) if isinstance(text, str) else text


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, else the default for a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
