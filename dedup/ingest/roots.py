"""The id prefix of each root a run reads, when it reads several.

With one root, ids are paths relative to it and need no prefix. With several, each
root's files are named under the shortest trailing part of the root's path that tells
it from the others: ``wire/`` and ``local/`` for two folders of different names, but
``x/news/`` and ``y/news/`` for ``x/news`` and ``y/news``. A file given directly counts
as its folder. Prefixes are chosen so that none equals another or begins another (one
being ``news``, another ``news/a``), so ids from different roots cannot meet.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

STDIN = "-"

Parts = tuple[str, ...]


def prefixes(paths: Sequence[str]) -> dict[str, str]:
    """The id prefix (``''`` or ending in ``/``) of every root in ``paths`` (not ``-``),
    the same whatever their order."""
    roots = [p for p in paths if p != STDIN]
    if len(paths) < 2:
        return dict.fromkeys(roots, "")
    bases = {root: _base(Path(root)) for root in roots}
    depth = _depths(set(bases.values()))
    return {root: _prefix(base, depth[base]) for root, base in bases.items()}


def _base(root: Path) -> Parts:
    """The components of the folder a root names (a file's own folder), as text."""
    resolved = root.resolve()
    folder = resolved if resolved.is_dir() else resolved.parent
    return tuple(path_text(part) for part in folder.parts[1:])  # without the anchor "/"


def _depths(bases: set[Parts]) -> dict[Parts, int]:
    """How many trailing components each distinct base needs: start from its last one
    and lengthen every prefix that clashes with another until none does (or a prefix
    is the whole path: nested or identical roots read the same files anyway)."""
    depth = dict.fromkeys(bases, 1)
    while True:
        clashing = _clashing({base: _tail(base, depth[base]) for base in bases})
        longer = {base for base in clashing if depth[base] < len(base)}
        if not longer:
            return depth
        for base in longer:
            depth[base] += 1


def _clashing(tails: dict[Parts, Parts]) -> set[Parts]:
    """The bases whose tail equals another's or begins another's."""
    owners: defaultdict[Parts, list[Parts]] = defaultdict(list)
    for base, tail in tails.items():
        owners[tail].append(base)
    clashing: set[Parts] = set()
    for tail, bases in owners.items():
        if len(bases) > 1:
            clashing.update(bases)
        for cut in range(1, len(tail)):
            if tail[:cut] in owners:
                clashing.update(bases)
                clashing.update(owners[tail[:cut]])
    return clashing


def _tail(base: Parts, depth: int) -> Parts:
    return base[max(len(base) - depth, 0) :]


def _prefix(base: Parts, depth: int) -> str:
    tail = _tail(base, depth)
    return "/".join(tail) + "/" if tail else ""


def path_text(path: str | os.PathLike[str]) -> str:
    """A path as printable text. Names that are not valid UTF-8 reach Python with
    surrogate escapes, which cannot be written out as UTF-8 (the JSON report, ids);
    their undecodable bytes are shown as ``\\xNN`` instead."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
