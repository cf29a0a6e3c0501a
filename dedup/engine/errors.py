"""The operational failure of a cluster scan, importable without dask (the CLI maps it
to exit 3)."""

from __future__ import annotations


class ClusterError(RuntimeError):
    """The cluster could not be reached, or lost work it could not redo (a worker
    killed beyond its retries, the cluster restarted under the scan): the scan stops
    without a report rather than give one with articles missing."""
