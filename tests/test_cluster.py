"""Scans on a Dask cluster (``dedup.engine``, ``--scheduler``): on a LocalCluster of two
worker processes the report is the local engine's, byte for byte (seeds, a hostile
folder, BBC when present), a worker killed mid-scan is recovered from, and a cluster
restarted under a scan stops it with one line and exit 3, never a wrong report."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE, write_with_non_utf8_name
from distributed import Client, LocalCluster
from typer.testing import CliRunner

import dedup
from benchmarks import corpora
from dedup.cli.app import app
from dedup.engine import cluster as cluster_module
from dedup.engine import runner
from dedup.index import indexer
from dedup.index.backends import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = str(ROOT / "seeds")
WORDS = (
    "minister council harbour railway station budget union court river market police "
    "village bridge hospital school election farmers storm energy price water road "
    "mayor report week company workers plan city coast festival museum"
).split()


def _cluster() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """One LocalCluster of two worker processes for the module's tests."""
    yield from _cluster()


@pytest.fixture
def own_client() -> Iterator[Client]:
    """A LocalCluster of two worker processes for a test that kills or restarts them."""
    yield from _cluster()


def _local_and_cluster(client: Client, paths: list[str]) -> tuple[str, str]:
    local = dedup.to_json(dedup.scan(paths, jobs=2))
    return local, dedup.to_json(dedup.scan(paths, scheduler=client))


def test_seeds_on_a_cluster_are_the_local_scan_byte_for_byte(client: Client) -> None:
    local, cluster = _local_and_cluster(client, [SEEDS])
    assert json.loads(local)["stories"], "the seeds make stories"
    assert cluster == local


def _hostile(root: Path) -> Path:
    """Good articles among binary files, NUL bytes, empty files, broken JSON lines,
    scripts in HTML, a repeated id, a name that is not UTF-8 and a symlink loop."""
    root.mkdir()
    (root / "original.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "copy.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "near.md").write_text(NEAR_COPY, encoding="utf-8")
    (root / "image.png").write_bytes(bytes(range(256)) * 40)
    (root / "nul.txt").write_bytes(ARTICLE.encode()[:200] + b"\0\0\0" + b"x" * 100)
    (root / "empty.txt").write_text("   \n\t\n", encoding="utf-8")
    lines = [
        json.dumps({"id": "a1", "text": OTHER_ARTICLE}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "a1", "text": ARTICLE}),
        json.dumps({"id": "a2", "text": "<p>" + NEAR_COPY + "</p><script>alert(1)</script>"}),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "page.html").write_text(
        f"<html><style>p{{}}</style><body><p>{OTHER_ARTICLE}</p>&amp;&#0;</body></html>",
        encoding="utf-8",
    )
    write_with_non_utf8_name(root, NEAR_COPY)
    (root / "loop").symlink_to(root)
    return root


def test_a_hostile_folder_gives_the_local_report_and_warnings(
    client: Client, tmp_path: Path
) -> None:
    folder = str(_hostile(tmp_path / "hostile"))
    address = client.scheduler.address
    local = CliRunner().invoke(app, ["scan", folder, "-f", "json", "--jobs", "2"])
    cluster = CliRunner().invoke(app, ["scan", folder, "-f", "json", "--scheduler", address])
    assert (cluster.exit_code, local.exit_code) == (0, 0), cluster.stderr
    report = json.loads(local.stdout)
    assert report["skipped"] and report["stories"], "the folder is hostile and has stories"
    assert cluster.stdout == local.stdout

    def warnings(stderr: str) -> list[str]:
        return [line for line in stderr.splitlines() if line.startswith("dedup: warning:")]

    assert warnings(cluster.stderr) == warnings(local.stderr)


@pytest.mark.skipif(not corpora.available("bbc"), reason="needs the BBC corpus (DEDUP_DATA)")
def test_bbc_on_a_cluster_is_the_local_scan_byte_for_byte(client: Client) -> None:
    local, cluster = _local_and_cluster(client, [str(corpora.data_dir() / "bbc")])
    assert len(json.loads(local)["stories"]) > 10
    assert cluster == local


def _generated(root: Path, count: int = 240) -> Path:
    """``count`` articles of random words, every fifth a copy of an earlier one with a
    word changed: enough fingerprint partitions and pairs to lose a worker among."""
    root.mkdir()
    pick = random.Random(20)
    texts: list[str] = []
    for number in range(count):
        if number % 5 == 4:
            words = pick.choice(texts).split()
            words[pick.randrange(len(words))] = pick.choice(WORDS)
            text = " ".join(words)
        else:
            text = " ".join(pick.choice(WORDS) for _ in range(pick.randint(60, 140)))
        texts.append(text)
        (root / f"{number:04d}.txt").write_text(text + ".\n", encoding="utf-8")
    return root


def _on_progress(at: int, action: Callable[[], None]) -> Callable[[int], None]:
    def progress(seen: int) -> None:
        if seen == at:
            action()

    return progress


def test_a_worker_killed_mid_scan_is_recovered_from(
    own_client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process killed while fingerprint partitions are queued on it: its tasks
    run again on the other worker (or on the one its nanny starts), the same report."""
    folder = str(_generated(tmp_path / "articles"))
    monkeypatch.setattr(runner, "PARTITION", 8)
    killed: list[int] = []

    def kill_one() -> None:
        pids: dict[str, int] = own_client.run(os.getpid)
        victim = sorted(pids.values())[0]
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)

    result = dedup.scan([folder], scheduler=own_client, progress=_on_progress(40, kill_one))
    assert killed
    local = dedup.scan([folder])
    assert dedup.to_json(result) == dedup.to_json(local)
    assert local.stories


def test_index_add_on_a_cluster_stores_the_local_records(client: Client, tmp_path: Path) -> None:
    """``index add --scheduler``: the records (signatures, band keys of both tiers,
    salient terms) are those a local add stores."""
    stored = []
    for name, scheduler in (("local", None), ("cluster", client)):
        with open_store(str(tmp_path / f"{name}.sqlite"), create=True) as store:
            result = indexer.add_paths([SEEDS], store, scheduler=scheduler)
            assert result.added == 5
            docs = store.get(sorted(store.ids()))
        stored.append(
            [
                (
                    d.doc_id,
                    d.exact,
                    d.signature.tolist(),
                    d.rewrite_keys.tolist(),
                    d.salient_hashes.tolist(),
                )
                for d in docs
            ]
        )
    assert stored[0] == stored[1]


def test_a_scheduler_that_does_not_answer_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 1)
    result = CliRunner().invoke(app, ["scan", SEEDS, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 3
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(
        "dedup: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9"
    )
    assert result.stdout == ""


def test_the_cli_starts_a_local_cluster_of_its_own() -> None:
    """``--scheduler local:2`` as a command: the JSON of a plain ``dedup scan``."""

    def run(*extra: str) -> str:
        command = [sys.executable, "-m", "dedup", "scan", SEEDS, "-f", "json", "-q", *extra]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        return done.stdout

    assert run("--scheduler", "local:2") == run()


def _busy_parent() -> int:
    """Half a second of Python work in a worker's task thread; the worker's parent."""
    until = time.perf_counter() + 0.5
    while time.perf_counter() < until:
        sum(range(1_000))
    return os.getppid()


def test_a_scans_local_cluster_forks_its_workers_and_does_not_profile_them() -> None:
    """The workers are forked by a server, not spawned by this process (a spawned
    worker that loaded numba took 1.5-2 s to end when the cluster closed), and no
    statistical profiler samples their task thread every 10 ms."""
    with cluster_module.connect("local:1") as client:
        parent = client.submit(_busy_parent, pure=False).result()
        profile = client.profile()
    assert parent != os.getpid()
    assert profile["count"] == 0


@pytest.mark.parametrize("scheduler", ["local:0", "local:two", ""])
def test_a_malformed_scheduler_is_a_usage_error(scheduler: str) -> None:
    result = CliRunner().invoke(app, ["scan", SEEDS, "--scheduler", scheduler])
    assert result.exit_code == 2
    assert result.stderr.startswith("dedup: error: --scheduler")
    assert result.stdout == ""


def test_a_cluster_restarted_under_a_scan_stops_it_with_one_line_and_exit_3(
    own_client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``client.restart()`` while the scan's partitions are in flight cancels them: the
    command reports that once, on standard error, and writes no report."""
    folder = str(_generated(tmp_path / "articles"))
    monkeypatch.setattr(runner, "PARTITION", 8)
    original = runner.DaskRunner.map_ordered

    def restarting(self: runner.DaskRunner, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for count, result in enumerate(original(self, *args, **kwargs)):
            if count == 20:
                self.client.restart()
            yield result

    monkeypatch.setattr(runner.DaskRunner, "map_ordered", restarting)
    out = tmp_path / "report.json"
    address = own_client.scheduler.address
    result = CliRunner().invoke(
        app, ["scan", folder, "-f", "json", "-o", str(out), "--scheduler", address]
    )
    assert result.exit_code == 3, result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith("dedup: error: the Dask cluster lost the scan's work")
    assert not out.exists()


def _multi_outlet() -> list[str]:
    folder = corpora.data_dir() / "multi_outlet"
    return sorted(str(p) for p in folder.glob("*.jsonl")) if folder.is_dir() else []


@pytest.mark.skipif(not _multi_outlet(), reason="needs the multi-outlet corpora (DEDUP_DATA)")
def test_multi_outlet_on_a_cluster_is_the_local_scan_byte_for_byte(client: Client) -> None:
    """Articles with sources take every route, the two-outlet one (same-story) too."""
    local, cluster = _local_and_cluster(client, _multi_outlet())
    relations = {p["relation"] for p in json.loads(local)["pairs"]}
    assert {"rewrite", "same-story"} <= relations
    assert cluster == local
