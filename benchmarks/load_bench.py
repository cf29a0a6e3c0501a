"""The index under load: 8 checker processes (each a loop of library ``check`` calls)
and 2 writer processes (each adding new articles, 5 a transaction) on one index for a
bounded time, on SQLite and on Redis; then Redis stopped and started again under
running ``dedup`` commands.

For each backend: checks/s, check latency p50/p95/p99 (all checks, and by kind: new
articles, copies of added ones, added ones themselves), adds/s, errors, checks that
did not find what the index held, and the verification of the index afterwards
(``benchmarks.load_verify``: every article reported added there exactly once, the
statistics and bucket entries agreeing with the documents, a sample of the added
articles found by a check). Redis is a ``redis-server`` this script starts on
127.0.0.1 with ``appendfsync always`` (``benchmarks.redis_process``).

Articles are built from the real sentences of Reuters-21578 and BBC when they are
under ``$DEDUP_DATA`` (``--text pool``), else from made-up words (``--text words``).

Run: ``python -m benchmarks.load_bench [--seconds 60] [--backend sqlite,redis]
[--checkers 8] [--writers 2] [--no-restart] [--out load-bench.json]`` (or ``make
bench-load``). Exit status 1 when any error, miss or inconsistency was found.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks import corpora, load_restart, synthetic
from benchmarks.load_run import LoadResult, run
from benchmarks.redis_process import RedisServer

console = Console(width=160)
KINDS = ("new", "copy", "indexed")


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def pool(text: str) -> tuple[str, ...]:
    """Real sentences for ``--text pool`` (or ``auto`` when the data is there)."""
    if text == "words" or (text == "auto" and not corpora.available("reuters")):
        return ()
    return tuple(s.text for s in synthetic.sentence_pool())


def run_backend(backend: str, folder: Path, args: argparse.Namespace, sentences: Any) -> Any:
    """One load run on ``backend`` (a new index in ``folder``)."""
    options = dict(
        seconds=args.seconds,
        checkers=args.checkers,
        writers=args.writers,
        batch=args.batch,
        seeded=args.seeded,
        pool=sentences,
        sample=args.sample,
    )
    folder.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        return run(str(folder / "index.db"), **options)
    with RedisServer(folder / "redis") as server:
        return run(server.url, **options)


def summary(backend: str, result: LoadResult, before: str) -> dict[str, Any]:
    """The figures of one run, as printed and as written with ``--out``."""
    p50, p95, p99 = result.percentiles_ms()
    v = result.verification
    return {
        "backend": backend,
        "checkers": result.checkers,
        "writers": result.plan.writers,
        "seconds": round(result.wall, 1),
        "checks": len(result.checks()),
        "checks_per_second": round(result.checks_per_second(), 1),
        "latency_ms": {"p50": round(p50, 1), "p95": round(p95, 1), "p99": round(p99, 1)},
        "latency_ms_by_kind": {
            kind: [round(x, 1) for x in result.percentiles_ms(_kind(result, kind))]
            for kind in KINDS
        },
        "adds_per_second": round(result.adds_per_second(), 1),
        "errors": len(result.errors()),
        "first_errors": result.errors()[:5],
        "misses": len(result.misses()),
        "first_misses": result.misses()[:5],
        "verification": {
            "ok": v.ok,
            **{k: _count(x) for k, x in dataclasses.asdict(v).items()},
        },
        "load_average_before": before,
        "load_average_after": load_average(),
    }


def _kind(result: LoadResult, kind: str) -> list[float]:
    return [v for r in result.reports for v in r.latencies.get(kind, [])]


def _count(value: Any) -> Any:
    """Lists shown by their length and first few members."""
    if isinstance(value, list | tuple):
        return {"count": len(value), "first": list(value[:5])} if value else 0
    return value


def table(rows: list[dict[str, Any]]) -> Table:
    out = Table(title="index under load")
    for column in ("backend", "roles", "checks/s", "p50 ms", "p95 ms", "p99 ms", "adds/s"):
        out.add_column(column, justify="right")
    for column in ("errors", "misses", "verified", "load avg (1 min)"):
        out.add_column(column, justify="right")
    for r in rows:
        latency = r["latency_ms"]
        out.add_row(
            r["backend"],
            f"{r['checkers']}c+{r['writers']}w {r['seconds']}s",
            str(r["checks_per_second"]),
            *(str(latency[p]) for p in ("p50", "p95", "p99")),
            str(r["adds_per_second"]),
            str(r["errors"]),
            str(r["misses"]),
            "ok" if r["verification"]["ok"] else "FAILED",
            r["load_average_before"].split()[0],
        )
    return out


def restart(folder: Path) -> dict[str, Any]:
    """Both restart scenarios: started again once the commands in flight exited, and
    at once (while they may still be running)."""
    found: dict[str, Any] = {}
    for quick in (False, True):
        result = load_restart.scenario(folder / ("quick" if quick else "after-exit"), quick=quick)
        found["quick" if quick else "after_exit"] = {
            "in_flight": [
                {"command": c.command, "exit": c.exit_code, "stderr": c.stderr.strip()}
                for c in result.in_flight
            ],
            "seen_before_stop": result.added_before_stop,
            "kept_after_restart": result.seeded + result.kept,
            "next_runs": [
                {"command": c.command, "exit": c.exit_code, "seconds": round(c.seconds, 1)}
                for c in result.next_runs
            ],
            "problems": result.problems(),
        }
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--backend", default="sqlite,redis", help="sqlite, redis or both")
    parser.add_argument("--checkers", type=int, default=8)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=5, help="articles per add")
    parser.add_argument("--seeded", type=int, default=2_000, help="articles indexed first")
    parser.add_argument("--sample", type=int, default=300, help="added articles re-checked")
    parser.add_argument("--text", choices=("auto", "pool", "words"), default="auto")
    parser.add_argument("--no-restart", action="store_true", help="skip the Redis restart")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backend.split(",") if b.strip()]
    if not backends or set(backends) - {"sqlite", "redis"}:
        parser.error("--backend takes sqlite, redis or sqlite,redis")
    sentences = pool(args.text)
    console.print(f"articles from {'real sentences' if sentences else 'made-up words'}")
    rows: list[dict[str, Any]] = []
    report: dict[str, Any] = {"runs": rows, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="dedup-load-") as tmp:
        for backend in backends:
            before = load_average()
            console.print(f"{time.strftime('%H:%M:%S')} {backend}: load average {before}")
            result = run_backend(backend, Path(tmp) / backend, args, sentences)
            rows.append(summary(backend, result, before))
            console.print_json(json.dumps(rows[-1]))
        if "redis" in backends and not args.no_restart:
            report["restart"] = restart(Path(tmp) / "restart")
            console.print_json(json.dumps(report["restart"]))
    console.print(table(rows))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    failed = any(not r["verification"]["ok"] or r["errors"] or r["misses"] for r in rows)
    failed |= any(s["problems"] for s in report.get("restart", {}).values())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
