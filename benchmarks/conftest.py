"""Benchmark session hook: print the naive/dedup ratio of hot-loop medians at the end."""

from __future__ import annotations

from typing import Any

import pytest

_GROUP = "hotloop"
_BASELINE = "dedup"


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """After pytest-benchmark's table: each implementation's median per article and
    its ratio to dedup's (how many times slower than dedup)."""
    session = getattr(config, "_benchmarksession", None)
    medians: dict[str, float] = {}
    for bench in getattr(session, "benchmarks", []):
        if bench.group == _GROUP and bench.params and bench.stats:
            medians[str(bench.params["impl"])] = bench.stats.median
    baseline = medians.get(_BASELINE)
    if not baseline:
        return
    terminalreporter.write_sep("-", "hot loop: median per article")
    for name, median in sorted(medians.items(), key=lambda item: item[1]):
        terminalreporter.write_line(
            f"{name:>18}: {median * 1e6:9.1f} us   {median / baseline:6.2f}x {_BASELINE}"
        )
