"""Benchmark session hook: at the end, every hot-loop implementation's median per
article and its ratio to dedup's, and the implementations skipped with their reason."""

from __future__ import annotations

import re
from typing import Any

import pytest

_GROUP = "hotloop"
_BASELINE = "dedup"
_PARAM = re.compile(r"test_hotloop\[(?P<impl>[^\]]+)\]")


def ratio_lines(medians: dict[str, float], baseline: str = _BASELINE) -> list[str]:
    """One line per implementation, fastest first: median per article in microseconds
    and its ratio to ``baseline``'s (above 1: slower than it; below 1: faster)."""
    base = medians.get(baseline)
    lines = []
    for name, median in sorted(medians.items(), key=lambda item: item[1]):
        ratio = f"{median / base:6.2f}x {baseline}" if base else ""
        lines.append(f"{name:>24}: {median * 1e6:9.1f} us   {ratio}")
    return lines


def _skipped(terminalreporter: Any) -> dict[str, str]:
    """Hot-loop parameters that were skipped, with the reason."""
    found: dict[str, str] = {}
    for report in terminalreporter.stats.get("skipped", []):
        match = _PARAM.search(getattr(report, "nodeid", ""))
        longrepr = getattr(report, "longrepr", None)
        if match and isinstance(longrepr, tuple) and len(longrepr) == 3:
            found[match["impl"]] = str(longrepr[2]).removeprefix("Skipped: ")
    return found


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """After pytest-benchmark's table: each implementation's median per article and
    its ratio to dedup's (how many times slower than dedup), then what was skipped."""
    session = getattr(config, "_benchmarksession", None)
    medians: dict[str, float] = {}
    for bench in getattr(session, "benchmarks", []):
        if bench.group == _GROUP and bench.params and bench.stats:
            medians[str(bench.params["impl"])] = bench.stats.median
    skipped = _skipped(terminalreporter)
    if not medians and not skipped:
        return
    terminalreporter.write_sep("-", "hot loop: median per article, ratio to dedup")
    for line in ratio_lines(medians):
        terminalreporter.write_line(line)
    for name, reason in sorted(skipped.items()):
        terminalreporter.write_line(f"{name:>24}: skipped ({reason})")
