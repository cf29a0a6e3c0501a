"""What a stage's tasks share (the scan's corpus, the rewrite tier's index and term
matrix), handed to the workers through the scan's scratch directory: the client writes
it once as a file (streamed, never one large message), each worker reads it once and
keeps it while the stage runs. The spools the corpus reads are files beside it, so the
workers must see the client's scratch directory (a LocalCluster does; a remote cluster
needs it on a shared file system, ``DEDUP_SCRATCH``).

The file is a sequence of pickles, not one: a pickler keeps every object it has
written (and what their reductions made: each array's arguments, each record's state)
until its dump ends, about 2.4 KB an article for the corpus, so one dump of the state
made the client's peak 240 MB higher at 100,000 articles. Tuples, lists, dicts and
dedup's objects with a ``__dict__`` are written part by part (long lists and dicts in
runs of ``RUN`` items), each part a pickle of its own (its pickler, and memo, dropped after it);
the reader puts them back together. Objects shared between parts are read back as
copies, equal to the originals."""

from __future__ import annotations

import itertools
import os
import pickle
from dataclasses import dataclass
from typing import IO, Any

PROTOCOL = 4
"""The pickle protocol of everything a cluster scan sends (``runner`` too). Protocol 5
reads a numpy array back as a view of a bytes copy of its data (786 B for an array of
40 hashes, 319 B by protocol 4, which reads it into an array of its own): the client
keeps three arrays of every article's results (salient terms, weights, fact hashes), so
protocol 5 cost it 1.4 KB an article. Protocol 4 is what ``multiprocessing`` uses."""
RUN = 4_096
"""Items of a long list or dict pickled together (so their reductions are dropped)."""
FEW = 64
"""A tuple, list or dict of at most this many items is written item by item (each may
be large: the corpus's fields); longer ones in runs of ``RUN`` items."""

_counter = itertools.count()
_loaded: dict[str, Any] = {}
"""The state this worker process read last, by path (one at a time)."""


def write(shared: object, scratch: str) -> str:
    """Write ``shared`` to a new file in ``scratch`` (pickled: what a forked pool
    inherits must pickle here, closures included); its path."""
    path = os.path.join(scratch, f"shared-{os.getpid()}-{next(_counter)}.pickle")
    with open(path, "wb") as handle:
        _dump(shared, handle)
    return path


def read(path: str) -> Any:
    """The state at ``path``, read once per worker process (runs on a worker)."""
    found = _loaded.get(path)
    if found is None:
        _loaded.clear()
        with open(path, "rb") as handle:
            found = _loaded[path] = load(handle)
    return found


def load(handle: IO[bytes]) -> Any:
    """What ``write`` wrote to ``handle``."""
    return _load(handle)


def forget() -> None:
    """Drop the state this worker holds (run on every worker after a stage)."""
    _loaded.clear()


@dataclass(frozen=True)
class _Sequence:
    """Announces a tuple or list of ``size`` items, written in runs that follow."""

    kind: type
    size: int


@dataclass(frozen=True)
class _Mapping:
    """Announces a dict of ``size`` items, written in runs of (key, value) pairs."""

    size: int


@dataclass(frozen=True)
class _Object:
    """Announces an object of ``kind`` whose state (a dict) follows."""

    kind: type


def _dump(obj: object, handle: IO[bytes]) -> None:
    """``obj`` as a sequence of pickles, its containers part by part."""
    kind = type(obj)
    if kind is tuple or kind is list:
        items: Any = obj
        _write(_Sequence(kind, len(items)), handle)
        _dump_items(items, handle)
    elif kind is dict:
        entries: dict[Any, Any] = obj  # type: ignore[assignment]
        _write(_Mapping(len(entries)), handle)
        _dump_items(list(entries.items()), handle)
    elif (state := _state(obj)) is not None:
        _write(_Object(kind), handle)
        _dump(state, handle)
    else:
        _write(obj, handle)


def _dump_items(items: Any, handle: IO[bytes]) -> None:
    """A container's items: a few each in parts, more in runs of ``RUN``."""
    if len(items) <= FEW:
        for item in items:
            _dump(item, handle)
        return
    for start in range(0, len(items), RUN):
        _write(list(items[start : start + RUN]), handle)


def _write(obj: object, handle: IO[bytes]) -> None:
    """One pickle, with a pickler (and memo) of its own."""
    pickle.dump(obj, handle, protocol=PROTOCOL)


def _state(obj: object) -> dict[str, Any] | None:
    """The state of one of dedup's objects that pickle restores by updating the dict
    of a bare instance (a dataclass, the corpus); None for anything else, pickled whole."""
    kind = type(obj)
    plain = (
        kind.__module__.startswith("dedup.")
        and hasattr(obj, "__dict__")
        and not hasattr(kind, "__setstate__")
        and kind.__reduce_ex__ is object.__reduce_ex__
        and kind.__reduce__ is object.__reduce__
    )
    if not plain:
        return None
    state = obj.__getstate__()
    return state if isinstance(state, dict) else None


def _load(handle: IO[bytes]) -> Any:
    head = pickle.load(handle)
    if isinstance(head, _Sequence):
        items = _load_items(head.size, handle)
        return tuple(items) if head.kind is tuple else items
    if isinstance(head, _Mapping):
        return dict(_load_items(head.size, handle))
    if isinstance(head, _Object):
        obj: Any = object.__new__(head.kind)
        obj.__dict__.update(_load(handle))
        return obj
    return head


def _load_items(size: int, handle: IO[bytes]) -> list[Any]:
    if size <= FEW:
        return [_load(handle) for _ in range(size)]
    items: list[Any] = []
    while len(items) < size:
        items.extend(pickle.load(handle))
    return items
