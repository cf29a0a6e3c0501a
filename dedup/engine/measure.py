"""What a cluster scan measures of itself: the bytes its stages move between the client
and the workers (pickled partitions, runs and results; the shared state each worker
reads), and each worker's peak memory. ``make bench-cluster`` reads them from the file
``DEDUP_CLUSTER_REPORT`` names."""

from __future__ import annotations

import json
import os
import resource
from collections import Counter
from collections.abc import Callable
from typing import Any

from distributed import Client

REPORT = "DEDUP_CLUSTER_REPORT"


class Traffic:
    """Bytes moved per stage task (``module.function``) and direction."""

    def __init__(self) -> None:
        self.bytes: Counter[str] = Counter()

    def add(self, task: Callable[..., Any], direction: str, size: int) -> None:
        self.bytes[f"{task.__module__}.{task.__qualname__} {direction}"] += size


def peak_bytes() -> int:
    """This process's peak resident memory (runs on a worker)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def write_report(client: Client, traffic: Traffic) -> None:
    """The measurements to ``$DEDUP_CLUSTER_REPORT`` when it names a file."""
    path = os.environ.get(REPORT)
    if not path:
        return
    peaks: dict[str, int] = client.run(peak_bytes)
    report = {"traffic": dict(traffic.bytes), "worker_peak_bytes": peaks}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1, sort_keys=True)
