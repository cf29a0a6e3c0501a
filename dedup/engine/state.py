"""What a stage's tasks share (the scan's corpus, the rewrite tier's index and term
matrix), handed to the workers through the scan's scratch directory: the client writes
it once as a file (streamed, never one large message), each worker reads it once and
keeps it while the stage runs. The spools the corpus reads are files beside it, so the
workers must see the client's scratch directory (a LocalCluster does; a remote cluster
needs it on a shared file system, ``DEDUP_SCRATCH``)."""

from __future__ import annotations

import itertools
import os
import pickle
from typing import Any

_counter = itertools.count()
_loaded: dict[str, Any] = {}
"""The state this worker process read last, by path (one at a time)."""


def write(shared: object, scratch: str) -> str:
    """Write ``shared`` to a new file in ``scratch`` (pickled: what a forked pool
    inherits must pickle here, closures included); its path."""
    path = os.path.join(scratch, f"shared-{os.getpid()}-{next(_counter)}.pickle")
    with open(path, "wb") as handle:
        pickle.dump(shared, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def read(path: str) -> Any:
    """The state at ``path``, read once per worker process (runs on a worker)."""
    found = _loaded.get(path)
    if found is None:
        _loaded.clear()
        with open(path, "rb") as handle:
            found = _loaded[path] = pickle.load(handle)
    return found


def forget() -> None:
    """Drop the state this worker holds (run on every worker after a stage)."""
    _loaded.clear()
