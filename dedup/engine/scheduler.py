"""The ``--scheduler`` argument, read without importing dask (a usage error is found
before any cluster starts): ``local:N`` or a scheduler's address."""

from __future__ import annotations

LOCAL = "local:"


def local_workers(scheduler: str) -> int | None:
    """N of ``local:N`` (None for an address); a ValueError when N is not a count."""
    if not scheduler.startswith(LOCAL):
        if not scheduler.strip():
            raise ValueError("--scheduler needs local:N or a Dask scheduler's address")
        return None
    count = scheduler[len(LOCAL) :]
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"--scheduler local:N needs a worker count of 1 or more, got {count!r}")
    return int(count)
