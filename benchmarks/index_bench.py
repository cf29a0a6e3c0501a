"""The persistent index at scale: add rate, size per article and per component, and
check latency, on SQLite and on Redis.

The corpus is ``benchmarks.synthetic.build(target + checks)``: ``target`` articles
are indexed (batches of 1,000, timed) and ``checks`` are held out as incoming
articles: half planted near-copies and rewrites whose originals are indexed, half
fresh synthetic articles whose sentences no other synthetic article uses. Each is
checked in-process against the open store (warm: one untimed check first), one
``check()`` call per article; then one ``dedup check`` process is timed cold.

Run: ``python -m benchmarks.index_bench [--target 100000] [--backends sqlite,redis]
[--checks 200] [--out index-bench.json]`` (or ``make bench-index``). Redis runs on a
``redis-server`` this script starts on a free port without persistence.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import redis
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from benchmarks import synthetic
from dedup import Document, Fingerprinter, ScanConfig, TooShort
from dedup.index.backends import open_store
from dedup.index.check import check
from dedup.index.indexer import add_documents
from dedup.index.records import features

BATCH = 1_000
CHECK_P95_MS = 50.0
NEAR_TIER_BYTES = 2_048
COLD_RUNS = 5
RIGHT = {"near-copy": ("copy", "near-copy"), "rewrite": ("rewrite",)}
COMPONENTS = ("signatures", "salient_terms", "text", "metadata", "line_keys")
console = Console()


def log(message: str) -> None:
    console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {escape(message)}", highlight=False)


def _answers(process: subprocess.Popen[bytes], url: str) -> bool:
    """Poll PING until the server answers (True), exits or takes 10 s (False)."""
    deadline = time.monotonic() + 10
    with redis.Redis.from_url(url, socket_timeout=0.5) as client:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                return bool(client.ping())
            except (redis.ConnectionError, redis.TimeoutError):
                time.sleep(0.02)
    return False


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A redis-server of our own on 127.0.0.1 and a free port, without persistence,
    stopped by its pid (as ``tests/redis_server.py`` does)."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server is not installed (make system-packages installs it)")
    for _ in range(3):  # another program may take the free port first
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        args = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(folder), "--logfile", str(folder / "redis.log")]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            if _answers(process, url):
                yield url
                return
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    raise SystemExit(f"redis-server did not start; see {folder / 'redis.log'}")


def holdout(corpus: synthetic.Corpus, checks: int) -> list[tuple[Document, dict[str, Any]]]:
    """Planted rewrites (a quarter), near-copies (a quarter) and reserved fresh
    synthetic articles (the rest), each with its manifest row."""
    rows = {row["id"]: row for row in corpus.manifest}
    by_kind: dict[str, list[Document]] = {"rewrite": [], "near-copy": [], "fresh": []}
    for doc in corpus.documents:
        row = rows[doc.id]
        kind = "fresh" if row.get("reserved") else row["kind"]
        by_kind.setdefault(kind, []).append(doc)
    rewrites = by_kind["rewrite"][: checks // 4]
    near = by_kind["near-copy"][: checks // 2 - len(rewrites)]
    fresh = by_kind["fresh"][: checks - checks // 2]
    return [(doc, rows[doc.id]) for doc in (*rewrites, *near, *fresh)]


def build_index(location: str, docs: list[Document], name: str) -> dict[str, Any]:
    """Add ``docs`` in timed batches; the add rate and the store's stats."""
    config = ScanConfig()
    seconds, too_short = 0.0, 0
    with open_store(location) as store:
        for start in range(0, len(docs), BATCH):
            began = time.perf_counter()
            result = add_documents(docs[start : start + BATCH], store, config, batch=BATCH)
            seconds += time.perf_counter() - began
            too_short += len(result.too_short)
            done = min(start + BATCH, len(docs))
            if done % (10 * BATCH) == 0 or done == len(docs):
                log(f"[{name}] indexed {done:,}/{len(docs):,} ({done / seconds:,.0f} articles/s)")
        stats = store.stats()
    return {"seconds": seconds, "rate": len(docs) / seconds, "too_short": too_short, **stats}


def sqlite_sizes(path: str, stats: dict[str, Any]) -> dict[str, float]:
    """Bytes per article on disk. A tier's band keys: its share of the band table
    (split by key count) plus the keys kept in the document rows, if the store says."""
    docs, sizes, keys = stats["documents"], stats["bytes"], stats["band_keys"]
    files = [p for p in (path, path + "-wal") if os.path.exists(p)]
    found = {"total": sizes["total"] / docs, **{k: sizes[k] / docs for k in COMPONENTS}}
    found["file_after_close"] = sum(os.path.getsize(p) for p in files) / docs
    for tier in ("copy", "rewrite"):
        in_table = sizes["band_keys"] * keys[tier] / max(1, keys["copy"] + keys["rewrite"])
        found[f"{tier}_band_keys"] = (in_table + sizes.get(f"{tier}_keys", 0)) / docs
    found["line_table"] = (sizes.get("line_table") or 0) / docs
    return found


def redis_sizes(url: str, stats: dict[str, Any], baseline: int) -> dict[str, float]:
    """Bytes per article in server memory; a tier's band keys: MEMORY USAGE of all its
    shard hashes (``dedup:@{generation}:b:{letter}:*``, packed document numbers), per
    article; the line table: the shards counting the lines each version holds."""
    docs, sizes = stats["documents"], stats["bytes"]
    tiers: dict[str, float] = {}
    with redis.Redis.from_url(url) as client:
        parts = [("copy", "b:c"), ("rewrite", "b:r"), ("exact", "b:x")]
        for tier, pattern in (*parts, ("line_held", "b:ld"), ("line_count", "b:lc")):
            names = list(client.scan_iter(match=f"dedup:*{pattern}:*", count=1_000))
            with client.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.memory_usage(name, samples=0)
                used = sum(size or 0 for size in pipe.execute())
            tiers[f"{tier}_band_keys"] = used / docs
    tiers["line_table"] = tiers.pop("line_held_band_keys") + tiers.pop("line_count_band_keys")
    return {
        "total": (sizes["server_used_memory"] - baseline) / docs,
        **tiers,
        **{k: sizes[k] / docs for k in COMPONENTS},
    }


def _latency(ms: list[float]) -> dict[str, float]:
    """Median, p95 (nearest rank) and maximum of milliseconds."""
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"median_ms": statistics.median(ms), "p95_ms": p95, "max_ms": ms[-1]}


def warm_checks(location: str, held: list[tuple[Document, dict[str, Any]]]) -> dict[str, Any]:
    """One ``check()`` per held-out article on one open store: latency, planted
    recall with the right relation, what fresh articles match, candidates per tier;
    then the latency again with the rewrite tier off (the copy tier alone)."""
    times: dict[str, list[float]] = {"near-copy": [], "rewrite": [], "fresh": []}
    found = {kind: 0 for kind in times}
    fresh_failing = fresh_rewrite = 0
    config, copy_only = ScanConfig(), ScanConfig(rewrites=False)
    fingerprinter = Fingerprinter(config)
    candidates: dict[str, list[int]] = {"copy": [], "rewrite": []}
    copy_times = []
    with open_store(location, create=False) as store:
        check([held[0][0]], store, config)  # warm: caches, matcher, connection
        for doc, row in held:
            began = time.perf_counter()
            item = check([doc], store, config).items[0]
            kind = "fresh" if row.get("reserved") else row["kind"]
            times[kind].append((time.perf_counter() - began) * 1000)
            relations = {(m.document, m.relation) for m in item.matches}
            if kind == "fresh":
                fresh_failing += any(rel in RIGHT["near-copy"] for _, rel in relations)
                fresh_rewrite += any(rel == "rewrite" for _, rel in relations)
            else:
                found[kind] += any((row["planted_of"], rel) in relations for rel in RIGHT[kind])
            feats = features(doc, fingerprinter)
            if not isinstance(feats, TooShort):
                candidates["copy"].append(len(store.candidates("copy", feats.copy_keys)))
                candidates["rewrite"].append(len(store.candidates("rewrite", feats.rewrite_keys)))
        for doc, _ in held:
            began = time.perf_counter()
            check([doc], store, copy_only)
            copy_times.append((time.perf_counter() - began) * 1000)
    return {
        "count": len(held),
        **_latency([t for kind_times in times.values() for t in kind_times]),
        "median_ms_by_kind": {k: statistics.median(v) for k, v in times.items() if v},
        "copy_tier_only": _latency(copy_times),
        "mean_candidates": {k: statistics.fmean(v) for k, v in candidates.items() if v},
        "planted": {k: [found[k], len(times[k])] for k in ("near-copy", "rewrite")},
        "fresh": {"count": len(times["fresh"]), "copy_or_near": fresh_failing},
        "fresh_with_rewrite": fresh_rewrite,
    }


def cold_check(location: str, doc: Document, folder: Path) -> dict[str, Any]:
    """Wall time of ``dedup check FILE --db ... --format json`` as a new process."""
    path = folder / "incoming.jsonl"
    record = {"id": doc.id, "title": doc.title, "date": doc.date, "text": doc.text}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    sibling = Path(sys.executable).parent / "dedup"
    dedup = str(sibling) if sibling.exists() else shutil.which("dedup") or "dedup"
    command = [dedup, "check", str(path), "--db", location, "--format", "json"]
    runs = []
    for _ in range(COLD_RUNS):
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        runs.append(time.perf_counter() - began)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"dedup check exited {done.returncode}: {done.stderr.decode()}")
    return {"median_s": statistics.median(runs), "runs_s": runs}


def table(name: str, result: dict[str, Any]) -> Table:
    """The backend's figures with the issue's targets and PASS/FAIL."""
    sizes, warm = result["bytes_per_article"], result["warm"]
    near = sizes["signatures"] + sizes["copy_band_keys"]
    unit = "on disk" if name == "sqlite" else "in server memory"
    out = Table(title=f"{name}: {result['documents']:,} articles indexed")
    for column in ("metric", "value", "target", ""):
        out.add_column(column, justify="left" if column == "metric" else "right")

    def row(metric: str, value: str, target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else "[green]PASS[/green]" if ok else "[red]FAIL[/red]"
        out.add_row(metric, value, target, verdict)

    row("add rate", f"{result['rate']:,.0f} articles/s")
    row(f"bytes/article {unit}, total", f"{sizes['total']:,.0f}", "reported")
    if "file_after_close" in sizes:
        row("  file after close (WAL checkpointed)", f"{sizes['file_after_close']:,.0f}")
    for part in ("signatures", "copy_band_keys", "rewrite_band_keys", *COMPONENTS[1:]):
        row(f"  {part.replace('_', ' ')}", f"{sizes[part]:,.0f}")
    if "exact_band_keys" in sizes:
        row("  exact-hash buckets", f"{sizes['exact_band_keys']:,.0f}")
    row("  line table (learnt boilerplate)", f"{sizes['line_table']:,.0f}")
    row("near-dup tier (signature + copy bands)", f"{near:,.0f}", "< 2,048", near < NEAR_TIER_BYTES)
    row("warm check median", f"{warm['median_ms']:.1f} ms")
    row("warm check p95", f"{warm['p95_ms']:.1f} ms", "< 50 ms", warm["p95_ms"] < CHECK_P95_MS)
    row("warm check max", f"{warm['max_ms']:.1f} ms")
    for kind, ms in warm["median_ms_by_kind"].items():
        row(f"  median, {kind}", f"{ms:.1f} ms")
    off = warm["copy_tier_only"]
    row("  rewrites off: median / p95", f"{off['median_ms']:.1f} / {off['p95_ms']:.1f} ms")
    for tier, count in warm["mean_candidates"].items():
        row(f"  mean ids sharing a {tier} band key", f"{count:,.1f}")
    row("cold `dedup check` (median of 5)", f"{result['cold']['median_s']:.2f} s")
    for kind, (hit, total) in warm["planted"].items():
        row(f"planted {kind} found as {kind}", f"{hit}/{total}", "all", hit == total)
    failing, fresh = warm["fresh"]["copy_or_near"], warm["fresh"]["count"]
    row("fresh failing (copy/near-copy)", f"{failing}/{fresh}", "0", failing == 0)
    row("fresh with a rewrite match", f"{warm['fresh_with_rewrite']}/{fresh}")
    return out


def run(name: str, folder: Path, indexed: list[Document], held: list[Any]) -> dict[str, Any]:
    """Index, size and check on one backend, in ``folder``."""
    with ExitStack() as stack:
        location, baseline = str(folder / "index.db"), 0
        if name == "redis":
            location = stack.enter_context(redis_server(folder))
            with redis.Redis.from_url(location) as client:
                baseline = int(client.info("memory")["used_memory"])
        result = build_index(location, indexed, name)
        sizes = sqlite_sizes(location, result) if name == "sqlite" else None
        result["bytes_per_article"] = sizes or redis_sizes(location, result, baseline)
        result["warm"] = warm_checks(location, held)
        result["cold"] = cold_check(location, held[0][0], folder)
        return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", type=int, default=100_000, help="articles to index")
    parser.add_argument("--backends", default="sqlite,redis")
    parser.add_argument("--checks", type=int, default=200, help="held-out incoming articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("index-bench.json"))
    args = parser.parse_args(argv)
    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    if not backends or set(backends) - {"sqlite", "redis"} or args.checks < 4:
        parser.error("--backends takes sqlite and/or redis; --checks at least 4")
    began = time.perf_counter()
    reserve = args.checks - args.checks // 2
    corpus = synthetic.build(args.target + args.checks, seed=args.seed, reserve=reserve)
    log(f"corpus {corpus.summary} built in {time.perf_counter() - began:.1f} s")
    held = holdout(corpus, args.checks)
    held_ids = {doc.id for doc, _ in held}
    indexed = [doc for doc in corpus.documents if doc.id not in held_ids]
    results: dict[str, Any] = {"target": args.target, "checks": len(held), "seed": args.seed}
    results |= {"cpus": os.cpu_count(), "python": sys.version.split()[0], "corpus": corpus.summary}
    results["backends"] = {}
    for name in backends:
        with tempfile.TemporaryDirectory(prefix=f"index-bench-{name}-") as tmp:
            results["backends"][name] = run(name, Path(tmp), indexed, held)
        console.print(table(name, results["backends"][name]))
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {args.out} ({time.perf_counter() - began:.0f} s in all)")


if __name__ == "__main__":
    main()
