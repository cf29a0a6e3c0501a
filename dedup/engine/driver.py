"""A cluster scan's setting up and tearing down: the client, the scratch directory the
workers read the shared state and spools from, and the cluster's failures turned into
one ``ClusterError``."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client
from distributed.client import FutureCancelledError
from distributed.comm.core import CommClosedError
from distributed.scheduler import KilledWorker

from dedup.engine.cluster import connect
from dedup.engine.errors import ClusterError
from dedup.engine.measure import write_report
from dedup.engine.runner import DaskRunner

SCRATCH = "DEDUP_SCRATCH"
"""The environment variable naming where a cluster scan keeps its shared files (the
system's temporary folder by default): a remote cluster's workers must see it."""
LOST = (KilledWorker, FutureCancelledError, asyncio.CancelledError, CommClosedError)
"""Distributed's errors for work the cluster lost."""


@contextmanager
def on_cluster(scheduler: str | Client) -> Iterator[tuple[DaskRunner, str]]:
    """A runner on ``scheduler``'s cluster and the scratch directory of the scan; the
    directory is removed afterwards, and lost work is raised as ``ClusterError``."""
    scratch = tempfile.mkdtemp(prefix="dedup-cluster-", dir=os.environ.get(SCRATCH) or None)
    try:
        with connect(scheduler) as client:
            runner = DaskRunner(client, scratch)
            yield runner, scratch
            write_report(client, runner.traffic)
    except LOST as err:
        detail = str(err) or type(err).__name__
        raise ClusterError(f"the Dask cluster lost the scan's work: {detail}") from err
    except TimeoutError as err:
        raise ClusterError(f"the Dask cluster did not answer: {err}") from err
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
