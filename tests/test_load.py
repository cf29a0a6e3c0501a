"""The index under load, short: 4 checker and 2 writer processes on one index for a
few seconds, on SQLite and on a real redis-server, then the index verified; and Redis
stopped and started again under running ``dedup`` commands. The 60-second version
with 8 checkers, and its latency table: ``make bench-load`` (benchmarks/load_bench.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import redis

from benchmarks import load_restart
from benchmarks.load_run import run
from tests.redis_server import redis_url  # noqa: F401

SECONDS = 3.0


@pytest.fixture(params=["sqlite", "redis"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh index: a SQLite path, or a flushed Redis database."""
    if request.param == "sqlite":
        return str(tmp_path / "index.db")
    url: str = request.getfixturevalue("redis_url")
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


def test_checks_and_adds_at_once_lose_nothing_and_fail_nothing(location: str) -> None:
    result = run(location, seconds=SECONDS, checkers=4, writers=2, seeded=50, sample=10)
    assert result.errors() == []
    assert result.misses() == []
    written = [r for r in result.reports if r.role.startswith("writer")]
    assert all(r.added and not r.failed_batches for r in written)
    checks = {k: len(v) for r in result.reports for k, v in r.latencies.items() if k != "add"}
    assert set(checks) == {"new", "copy", "indexed"}, checks
    found = result.verification
    assert found.reported == 50 + sum(len(r.added) for r in written) == found.stored
    assert found.duplicates == 0 and found.lost == () and found.unexpected == ()
    assert found.stats_documents == found.stored and found.orphans == 0
    counts = found.band_keys
    assert counts["stats"] == counts["documents"] == counts["buckets"]
    assert found.damaged == () and found.unfound == () and found.sampled == 10
    assert found.ok and result.ok


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed")
def test_redis_restarted_under_running_commands(tmp_path: Path) -> None:
    """Stopped (SIGTERM) under an add and two checks: each fails with one error line
    and exit 3, the index holds whole batches only, and the same runs then succeed."""
    result = load_restart.scenario(tmp_path)
    assert [run.exit_code for run in result.in_flight] == [3, 3, 3]
    assert result.problems() == []
    assert 0 < result.kept < result.adding
