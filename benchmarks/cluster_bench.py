"""The cluster engine against the local one, the same run: ``dedup scan`` over the
synthetic corpus (``benchmarks.synthetic``, 100,000 articles by default) with
``--jobs 2``, then with ``--scheduler local:2`` (a LocalCluster of two worker
processes), each as a child process timed from start to exit.

For each: wall seconds, CPU seconds (the child and its reaped descendants), the
client's own peak memory (its ``VmHWM`` at exit: for the local engine the parent, for
the cluster the process that holds the Dask client and the LocalCluster's scheduler),
the sampled peak of the whole process tree, the CLI's time per stage; for the cluster,
each worker's peak memory and the bytes each stage moved between client and workers
per article (``DEDUP_CLUSTER_REPORT``, written by ``dedup.engine.measure``). The two
JSON reports are compared byte for byte.

Run: ``python -m benchmarks.cluster_bench [--size 100000] [--workers 2] [--jobs 2]
[--output FILE]`` (or ``make bench-cluster``, ``CLUSTER_BENCH_ARGS=...``).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import scan_bench

MB = 1 << 20
CHILD = """
import atexit, os, sys
def peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(x for x in status if x.startswith("VmHWM:")).split()[1])
atexit.register(peak)
from dedup.cli.app import main
sys.argv[0] = "dedup"
main()
"""
"""``dedup`` with its own peak resident memory (KB) written at exit."""


def run(corpus: Path, out: Path, engine: list[str], tmp: Path) -> dict[str, Any]:
    """One measured scan of ``corpus`` with the ``engine`` options."""
    peak_file, report_file = tmp / "peak", tmp / "measured.json"
    for stale in (peak_file, report_file):
        stale.unlink(missing_ok=True)
    os.environ["PEAK_FILE"] = str(peak_file)
    os.environ["DEDUP_CLUSTER_REPORT"] = str(report_file)
    command = [sys.executable, "-c", CHILD, "scan", str(corpus), "-f", "json", "-o", str(out)]
    scan_bench.log(f"running {' '.join(engine)}")
    load = os.getloadavg()[0]
    measured = scan_bench.measure([*command, *engine], tmp / "stderr")
    if measured.returncode != 0:
        raise SystemExit(f"{' '.join(engine)} failed:\n{measured.stderr[-2000:]}")
    found: dict[str, Any] = {
        "engine": " ".join(engine),
        "load_before": load,
        "seconds": round(measured.seconds, 1),
        "cpu_seconds": round(measured.cpu_seconds, 1),
        "client_peak_mb": round(int(peak_file.read_text()) / 1024),
        "tree_peak_mb": round(measured.tree_rss / MB),
        "stages": scan_bench.parse_stage_timings(measured.stderr),
    }
    if report_file.exists():
        found["cluster"] = json.loads(report_file.read_text())
    return found


TIERS = {
    "dedup.corpus._analyse": "fingerprint",
    "dedup.rewrites.tier._bound": "rewrites (tier 2)",
    "dedup.rewrites.tier._verify": "rewrites (tier 2)",
    "dedup.pipeline._ledger": "ledger",
}
"""The tier each stage task belongs to; the copy tier (tier 1), the boilerplate and
short-item passes and the stories run on the client and move nothing."""


def per_article(traffic: dict[str, int], articles: int) -> dict[str, float]:
    """Bytes moved per article, by stage task and direction."""
    return {key: round(size / articles, 1) for key, size in sorted(traffic.items())}


def per_tier(traffic: dict[str, int], articles: int) -> dict[str, dict[str, float]]:
    """Bytes moved per article by tier: to the workers, back, and shared state read."""
    found: dict[str, dict[str, float]] = {"copies (tier 1)": {"out": 0.0, "back": 0.0}}
    for key, size in traffic.items():
        task, direction = key.rsplit(" ", 1)
        tier = found.setdefault(TIERS.get(task, task), {"out": 0.0, "back": 0.0})
        tier[direction] = round(tier.get(direction, 0.0) + size / articles, 1)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.cluster_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--output", type=Path, default=scan_bench.REPO / "bench-results" / "cluster-bench.json"
    )
    args = parser.parse_args(argv)
    corpus, _ = scan_bench.synthetic_corpus(args.size, args.seed, scan_bench.CACHE)
    articles = scan_bench.count_records(corpus)
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as folder:
        tmp = Path(folder)
        local = run(corpus, tmp / "local.json", ["--jobs", str(args.jobs)], tmp)
        cluster = run(corpus, tmp / "cluster.json", ["--scheduler", f"local:{args.workers}"], tmp)
        same = filecmp.cmp(tmp / "local.json", tmp / "cluster.json", shallow=False)
    report = cluster.pop("cluster", {})
    result = {
        "articles": articles,
        "identical_json": same,
        "local": local,
        "cluster": cluster,
        "ratio": round(cluster["seconds"] / local["seconds"], 2),
        "worker_peak_mb": sorted(
            round(b / MB) for b in report.get("worker_peak_bytes", {}).values()
        ),
        "bytes_per_article": per_article(report.get("traffic", {}), articles),
        "bytes_per_article_by_tier": per_tier(report.get("traffic", {}), articles),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
