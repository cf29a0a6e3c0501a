"""What the client of a cluster scan keeps: no copies of what it sent in Dask's message
logs, no pickler's memo of the whole shared state, and arrays read back into memory of
their own (not views of a bytes copy)."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np

import dedup
from dedup.config import ScanConfig
from dedup.engine import runner, state
from dedup.engine.cluster import connect
from dedup.stories.results import Member
from dedup.text.salience import SalientTerms

SEEDS = str(Path(__file__).resolve().parent.parent / "seeds")


def _echo(payload: bytes) -> int:
    return len(payload)


def test_a_scans_cluster_keeps_no_log_of_the_messages_it_carried() -> None:
    """Distributed logs the last 1,000 messages of each connection: every partition of
    articles the client sent, held twice (client and its local scheduler)."""
    with connect("local:1") as client:
        for _ in range(3):
            assert client.submit(_echo, b"x" * (1 << 20), pure=False).result() == 1 << 20
        scheduler = client.cluster.scheduler  # type: ignore[attr-defined]
        logs = [client.scheduler_comm, *scheduler.client_comms.values()]
        logs += list(scheduler.stream_comms.values())
        assert all(len(comm.recent_message_log) == 0 for comm in logs)


def _shared(count: int) -> tuple[object, ...]:
    """A state shaped like a stage's: records, per-article arrays, a config."""
    terms = [
        SalientTerms(np.arange(k, k + 40, dtype=np.uint32), np.ones(40, dtype=np.float32), 0.1)
        for k in range(count)
    ]
    members = {f"doc{k}": Member(f"doc{k}", k, f"{k:016x}", title=f"t{k}") for k in range(count)}
    hashes = [np.arange(k, k + 8, dtype=np.uint64) for k in range(count)]
    return (ScanConfig(), terms, members, hashes, [3, (4, "five")], "end")


def test_shared_state_reads_back_equal(tmp_path: Path) -> None:
    shared = _shared(10_000)
    found = state.read(state.write(shared, str(tmp_path)))
    config, terms, members, hashes, rest, end = found
    assert config == shared[0] and members == shared[2] and (rest, end) == shared[4:]
    for got, want in zip(terms, shared[1], strict=True):  # type: ignore[call-overload]
        assert np.array_equal(got.hashes, want.hashes) and got.numeric_share == 0.1
    assert all(np.array_equal(a, b) for a, b in zip(hashes, shared[3], strict=True))  # type: ignore[call-overload]
    state.forget()


def test_writing_shared_state_holds_no_memo_of_all_of_it(tmp_path: Path) -> None:
    """One pickle of the state kept every reduction until its end (2.4 KB an article
    for the corpus); written in parts, the peak is a part's."""
    shared = _shared(20_000)
    tracemalloc.start()
    try:
        pickle.dump(shared, io.BytesIO(), protocol=4)
        whole = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        state.write(shared, str(tmp_path))
        parts = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert parts < whole / 4, (parts, whole)


def test_results_read_back_own_their_arrays() -> None:
    """Protocol 5 read arrays back as views of a bytes copy, 2.5 times their size."""
    payload = runner._pickled([np.arange(40, dtype=np.uint32)])
    (array,) = pickle.loads(payload)
    assert array.flags.owndata and array.base is None


def test_a_cluster_scans_client_does_not_load_numba(tmp_path: Path) -> None:
    """numba and its LLVM are ~120 MB of a process: the workers run the hot loop, the
    client signs what it must (articles with repeated lines, the short route's items)
    by numpy, and the workers build the rewrite tier's index. The seeds have
    rewrites; two headlines take the short route."""
    (tmp_path / "a.txt").write_text("Storm closes harbour railway station as river rises\n")
    (tmp_path / "b.txt").write_text("Storm shuts harbour railway station as river rises\n")
    code = (
        "import sys; from dedup import scan; "
        "found = scan(sys.argv[1:], scheduler='local:1'); "
        "print(len(found.pairs), sorted(m for m in ('numba', 'llvmlite') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, SEEDS, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    local = dedup.scan([SEEDS, str(tmp_path)])
    assert any(p.a.endswith("a.txt") and p.b.endswith("b.txt") for p in local.pairs)
    assert done.stdout.strip() == f"{len(local.pairs)} []"
