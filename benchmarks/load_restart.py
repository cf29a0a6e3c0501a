"""Redis stopped in the middle of a run and started again on the same port.

A ``dedup index add`` (small batches) and two ``dedup check`` commands run against a
durable redis-server (``benchmarks.redis_process``); once the add has written a few
batches and every command is connected, the server gets SIGTERM. Each command must
then fail with one error line and exit 3, and nothing may be half-written: the
articles of the add that are in the index are whole batches, in input order, each
document with all its bucket entries. The server is started again (with ``quick``,
at once, while the commands are still retrying; else once they have all exited), and
the same add and check run again and succeed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from benchmarks.load_articles import Articles, article_id
from benchmarks.load_run import seed
from benchmarks.load_verify import Verification, redis_space, verify
from benchmarks.redis_process import RedisServer
from dedup.index.backends import open_store

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 120.0
AGAIN = 20
"""Articles the check after the restart checks."""


@dataclass(frozen=True)
class CliRun:
    """One ``dedup`` command: its arguments after ``dedup``, exit code and output."""

    command: str
    db: str
    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    """From the server's stop (for a command in flight) or from its start."""


@dataclass(frozen=True)
class RestartResult:
    quick: bool
    url: str
    in_flight: tuple[CliRun, ...]
    """The add, then the two checks, that were running when the server was stopped."""
    seeded: int
    adding: int
    added_before_stop: int
    """Documents in the index (seeded ones too) seen committed just before the stop."""
    kept: int
    """Articles of the add in the index after the restart."""
    whole_batches: bool
    """Those are the first ``kept`` articles of its input, a whole number of batches."""
    after_restart: Verification
    next_runs: tuple[CliRun, ...]
    """The same add again, then a check of copies of indexed articles."""
    after_next: Verification

    def problems(self) -> list[str]:
        """What went wrong, one line each (nothing: the scenario passed)."""
        found = [p for run in self.in_flight for p in _in_flight_problems(run, self)]
        if self.seeded + self.kept < self.added_before_stop:
            found.append(f"acknowledged writes lost: {self.added_before_stop} seen, fewer kept")
        if not self.whole_batches:
            found.append("the add's articles in the index are not whole batches in order")
        if not self.after_restart.ok:
            found.append(f"index after the restart: {self.after_restart}")
        add, check = self.next_runs
        counts = f"{self.adding - self.kept} added, 0 updated, {self.kept} unchanged"
        if add.exit_code != 0 or counts not in add.stdout:
            found.append(f"next add: exit {add.exit_code}, {add.stdout!r} {add.stderr!r}")
        if check.exit_code != 1 or not check.stdout.startswith("{"):
            found.append(f"next check: exit {check.exit_code}, {check.stderr!r}")
        if not self.after_next.ok:
            found.append(f"index after the next runs: {self.after_next}")
        return found


def _in_flight_problems(run: CliRun, result: RestartResult) -> list[str]:
    """A command in flight fails with one error line naming the index and exit 3, and
    writes no output; after a quick restart it may instead have carried on."""
    if result.quick and run.exit_code in (0, 1) and run.stderr == "":
        return []
    lines = run.stderr.splitlines()
    if (
        run.exit_code == 3
        and len(lines) == 1
        and lines[0].startswith(f"dedup: error: {run.db}: cannot connect: ")
        and run.stdout == ""
    ):
        return []
    return [f"{run.command}: exit {run.exit_code}, stderr {run.stderr[-500:]!r}"]


def dedup(*args: str | Path | int) -> list[str]:
    return [sys.executable, "-m", "dedup", *map(str, args)]


def write_jsonl(path: Path, articles: Articles, ids: list[tuple[str, str]]) -> Path:
    """Articles ``(key, id)`` (article ``key`` under ``id``) as JSON lines."""
    with path.open("w", encoding="utf-8") as handle:
        for key, doc_id in ids:
            doc = articles.document(key, doc_id)
            record = {"id": doc.id, "title": doc.title, "date": doc.date, "text": doc.text}
            handle.write(json.dumps(record) + "\n")
    return path


def scenario(
    folder: Path,
    *,
    quick: bool = False,
    seeded: int = 50,
    adding: int = 400,
    checking: int = 200,
    batch: int = 5,
) -> RestartResult:
    """Run the scenario with its own server and files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = Articles()
    add_ids = [article_id("cli", n) for n in range(adding)]
    add_input = write_jsonl(folder / "add.jsonl", articles, [(i, i) for i in add_ids])
    probes = [(article_id("seed", n % seeded), f"probe-{n:06d}") for n in range(checking)]
    check_input = write_jsonl(folder / "check.jsonl", articles, probes)
    check_again = write_jsonl(folder / "check-again.jsonl", articles, probes[:AGAIN])
    with RedisServer(folder / "redis") as server:
        seed_ids = seed(server.url, articles, seeded)
        add = dedup("index", "add", add_input, "--batch", batch, "--jobs", 1, "--quiet")
        add += ["--db", server.url]
        commands = [
            [*add[:-1], f"{server.url}?client_name=add"],
            *(_check(check_input, f"{server.url}?client_name=check{n}") for n in (1, 2)),
        ]
        running = [
            subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for c in commands
        ]
        try:
            added_before = _until_busy(server.url, seeded + 3 * batch, running)
            server.stop()
            stopped = time.monotonic()
            if quick:
                server.start()
            in_flight = tuple(
                _finish(c, p, stopped) for c, p in zip(commands, running, strict=True)
            )
        finally:
            for process in running:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        if not quick:
            server.start()
        held = _held(server.url)
        kept = [doc_id for doc_id in add_ids if doc_id in held]
        whole = kept == add_ids[: len(kept)] and len(kept) % batch == 0
        after_restart = verify(server.url, articles, [*seed_ids, *kept], sample=10, every_key=True)
        next_runs = (_run(add), _run(_check(check_again, server.url)))
        after_next = verify(server.url, articles, [*seed_ids, *add_ids], sample=10)
    return RestartResult(
        quick,
        server.url,
        in_flight,
        seeded,
        adding,
        added_before,
        len(kept),
        whole,
        after_restart,
        next_runs,
        after_next,
    )


def _check(path: Path, db: str) -> list[str]:
    return dedup("check", path, "--db", db, "--format", "json")


def _until_busy(url: str, documents: int, running: list[subprocess.Popen[bytes]]) -> int:
    """Wait until the index holds ``documents`` and every command is connected (each
    names its connection: ``client_name`` in its URL); the documents then."""
    names = {b"add", b"check1", b"check2"}
    deadline = time.monotonic() + WAIT_SECONDS
    ids = redis_space(url) + b"ids"
    with redis.Redis.from_url(url) as client:
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in running):
                raise RuntimeError("a command ended before the server was stopped")
            held = int(client.scard(ids))
            connected = {c["name"].encode() for c in client.client_list()}
            if held >= documents and names <= connected:
                return held
            time.sleep(0.01)
    raise RuntimeError("the commands did not get going")


def _finish(command: list[str], process: subprocess.Popen[bytes], since: float) -> CliRun:
    stdout, stderr = process.communicate(timeout=WAIT_SECONDS)
    seconds = time.monotonic() - since
    return _ran(command, process.returncode, stdout, stderr, seconds)


def _run(command: list[str]) -> CliRun:
    began = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=WAIT_SECONDS * 5)
    return _ran(command, done.returncode, done.stdout, done.stderr, time.monotonic() - began)


def _ran(command: list[str], code: int, stdout: bytes, stderr: bytes, seconds: float) -> CliRun:
    """A finished command: ``index add`` or ``check``, its ``--db``, what it did."""
    shown = "index add" if command[3] == "index" else command[3]
    db = command[command.index("--db") + 1]
    return CliRun(shown, db, code, stdout.decode(), stderr.decode(), seconds)


def _held(url: str) -> set[str]:
    with open_store(url, create=False) as store:
        return set(store.ids())
