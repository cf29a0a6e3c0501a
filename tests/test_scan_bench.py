"""The whole-run benchmark's helpers (``benchmarks.scan_bench``), the plain datasketch
pipeline it compares with (``benchmarks.baseline_pipeline``) and the proportional
real subset of ``benchmarks.synthetic``: small inputs, no data folder needed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import baseline_pipeline, scan_bench, synthetic
from dedup import Document


def _manifest() -> list[dict[str, Any]]:
    return [
        {"id": "r1", "kind": "real", "planted_of": None},
        {"id": "s1", "kind": "synthetic", "planted_of": None},
        {"id": "s2", "kind": "synthetic", "planted_of": None},
        {"id": "s3", "kind": "synthetic", "planted_of": None},
        {"id": "n1", "kind": "near-copy", "planted_of": "s1"},
        {"id": "n2", "kind": "near-copy", "planted_of": "s2"},
        {"id": "w1", "kind": "rewrite", "planted_of": "s3"},
        {"id": "w2", "kind": "rewrite", "planted_of": "s1"},
    ]


def test_planted_recall_counts_pairs_relations_and_stories() -> None:
    pairs: list[tuple[str, str, str | None]] = [
        ("n1", "s1", "near-copy"),  # found, right relation
        ("s2", "n2", "rewrite"),  # found, wrong relation, order reversed
        ("s3", "w1", "rewrite"),
    ]
    groups = [["s1", "n1", "w2"], ["s2"], ["n2"], ["s3", "w1"]]
    misses: dict[str, dict[str, list[str]]] = {}
    recall = scan_bench.planted_recall(_manifest(), pairs, groups, misses)
    assert misses == {
        "near-copy": {"right": ["n2 of s2: rewrite"], "story": ["n2 of s2: rewrite"]},
        "rewrite": {"pair": ["w2 of s1: none"], "right": ["w2 of s1: none"]},
    }
    assert recall["near-copy"] == {"planted": 2, "pair": 2, "right": 1, "story": 1}
    assert recall["rewrite"] == {"planted": 2, "pair": 1, "right": 1, "story": 2}
    assert scan_bench.recall_cell(recall, "near-copy") == "0.500/0.500"
    assert scan_bench.recall_cell(recall, "rewrite") == "0.500/1.000"
    assert scan_bench.recall_cell(None, "rewrite") == "-"


def test_planted_recall_of_nothing_found() -> None:
    recall = scan_bench.planted_recall(_manifest(), [], [])
    assert recall["near-copy"] == {"planted": 2, "pair": 0, "right": 0, "story": 0}
    assert recall["rewrite"]["story"] == 0


def test_groups_from_reports() -> None:
    report = {
        "pairs": [{"a": "s1", "b": "n1", "relation": "copy"}],
        "stories": [{"members": [{"document": "s1"}, {"document": "n1"}]}],
    }
    assert scan_bench.dedup_groups(report) == ([("s1", "n1", "copy")], [["s1", "n1"]])
    baseline = {"pairs": [["s1", "n1"]], "groups": [["n1", "s1"]]}
    assert scan_bench.baseline_groups(baseline) == ([("s1", "n1", "near-copy")], [["n1", "s1"]])


def test_parse_stage_timings() -> None:
    stderr = (
        "dedup: warning: x.json: skipped\n"
        "time per stage: ingest 1.25s, fingerprint 10.50s, copies 0.07s, total 12.00s\n"
    )
    stages = scan_bench.parse_stage_timings(stderr)
    assert stages == {"ingest": 1.25, "fingerprint": 10.5, "copies": 0.07, "total": 12.0}
    assert scan_bench.parse_stage_timings("nothing here\n") == {}
    line = json.dumps({"timings": {"ingest": 1.0, "total": 3.5}})
    assert scan_bench.parse_baseline_timings("noise\n" + line + "\n") == {
        "ingest": 1.0,
        "total": 3.5,
    }


def test_with_overheads_adds_report_and_startup() -> None:
    stages = scan_bench.with_overheads({"ingest": 1.0, "fingerprint": 5.0, "total": 7.0}, 8.5)
    assert stages == pytest.approx(
        {"ingest": 1.0, "fingerprint": 5.0, "report": 1.0, "start+exit": 1.5}
    )
    own = scan_bench.with_overheads({"minhash": 2.0, "report": 0.5, "total": 3.0}, 3.25)
    assert own == pytest.approx({"minhash": 2.0, "report": 0.5, "start+exit": 0.25})
    assert scan_bench.with_overheads({"ingest": 1.0}, 2.0) == {"ingest": 1.0}


def test_real_count_keeps_the_full_corpus_share() -> None:
    assert scan_bench.real_count(100_000, 21_268) == 21_268
    assert scan_bench.real_count(200_000, 21_268) == 21_268
    assert scan_bench.real_count(10_000, 21_268) == 2_127
    assert scan_bench.real_count(50_000, 21_268) == 10_634


def test_real_subset_takes_prefixes_in_proportion() -> None:
    reuters = [Document(str(n), "text") for n in range(1, 81)]
    bbc = [
        Document(f"{category}/{n:03d}.txt", "text", source="BBC")
        for category, count in (("business", 12), ("sport", 8))
        for n in range(1, count + 1)
    ]
    docs = reuters + bbc
    chosen = synthetic.real_subset(docs, 10)
    assert len(chosen) == 10
    assert [d.id for d in chosen] == [*map(str, range(1, 9)), "business/001.txt", "sport/001.txt"]
    chosen = synthetic.real_subset(docs, 25)  # 20 / 3 / 2
    assert [d.id for d in chosen][:20] == [str(n) for n in range(1, 21)]
    assert [d.id for d in chosen][20:] == [f"business/{n:03d}.txt" for n in (1, 2, 3)] + [
        "sport/001.txt",
        "sport/002.txt",
    ]
    assert synthetic.real_subset(docs, len(docs)) == docs
    assert synthetic.real_subset(docs, 0) == []
    with pytest.raises(ValueError):
        synthetic.real_subset(docs, len(docs) + 1)


def _run(corpus: str, impl: str, jobs: int | None, documents: int, seconds: float) -> Any:
    return scan_bench.Run(corpus, impl, jobs, documents, documents * 1000, seconds=seconds)


def test_derived_relative_figures_and_table() -> None:
    runs = [
        _run("10k", "dedup", 1, 10_000, 100.0),
        _run("10k", "dedup", 2, 10_000, 60.0),
        _run("10k", "datasketch", None, 10_000, 50.0),
        _run("50k", "dedup", 1, 50_000, 600.0),
        _run("reuters", "dedup", 1, 19_000, 40.0),
        _run("reuters", "datasketch", None, 19_000, 200.0),
        _run("reuters", scan_bench.COPY_TIER, 1, 19_000, 20.0),
        _run("reuters", "dedup", 2, 19_000, 25.0),
    ]
    failed = _run("50k", "dedup", 2, 50_000, 1.0)
    failed.returncode, failed.error = 1, "Traceback: boom"
    runs.append(failed)
    runs[0].stages = {"ingest": 1.0, "fingerprint": 90.0}
    runs[0].cpu_seconds, runs[2].cpu_seconds = 90.0, 45.0
    rows = scan_bench.derived(runs)
    assert rows[0]["articles_per_s"] == 100.0
    assert rows[0]["mb_per_s"] == pytest.approx(0.1)
    assert rows[1]["speedup_vs_jobs1"] == pytest.approx(100 / 60)
    assert rows[0]["times_faster_than_baseline"] == pytest.approx(0.5)
    assert rows[0]["cpu_ratio_to_baseline"] == pytest.approx(0.5)
    assert "cpu_ratio_to_baseline" not in rows[1]
    assert rows[3]["per_article_vs_smallest"] == pytest.approx(1.2)
    assert "per_article_vs_smallest" not in rows[4]
    assert rows[4]["times_faster_than_baseline"] == pytest.approx(5.0)
    assert rows[6]["times_faster_than_baseline"] == pytest.approx(10.0)
    assert rows[7]["speedup_vs_jobs1"] == pytest.approx(40 / 25)
    assert "articles_per_s" not in rows[8]
    text = scan_bench.table(rows)
    assert len(text.splitlines()) == 2 + len(runs)
    assert "fingerprint" in text.splitlines()[0] and "FAILED" in text
    notes = scan_bench.notes(rows, jobs_supported=False)
    assert any("--jobs 1: 5.00x" in line and "PASS" in line for line in notes)
    assert any("--no-rewrites --jobs 1: 10.00x" in line for line in notes)
    assert any("--jobs 2: 8.00x" in line and "FAIL" not in line for line in notes)
    assert any("no `scan --jobs`" in line for line in notes)
    assert any(line == "FAILED 50k dedup --jobs 2: Traceback: boom" for line in notes)


def test_measure_a_child_process(tmp_path: Path) -> None:
    code = "import sys; x = bytearray(30_000_000); sys.stderr.write('hello\\n'); sys.exit(3)"
    measured = scan_bench.measure([sys.executable, "-c", code], tmp_path / "err.txt")
    assert measured.returncode == 3
    assert measured.stderr == "hello\n"
    assert measured.peak_rss > 30_000_000
    assert measured.tree_rss >= measured.peak_rss
    assert 0 < measured.seconds < 60
    assert 0 < measured.cpu_seconds < 60


BURN_IN_A_FORKED_SERVERS_CHILD = """
import multiprocessing, time
def burn():
    began = time.process_time()
    while time.process_time() - began < 1.0:
        pass
if __name__ == "__main__":
    child = multiprocessing.get_context("forkserver").Process(target=burn)
    child.start()
    child.join()
"""


def test_measure_counts_the_cpu_of_processes_the_child_does_not_reap(tmp_path: Path) -> None:
    """A LocalCluster's workers are forked by multiprocessing's fork server, which the
    child never waits for: their CPU time is in no ``wait4`` of the child's."""
    script = tmp_path / "burn.py"
    script.write_text(BURN_IN_A_FORKED_SERVERS_CHILD)
    measured = scan_bench.measure([sys.executable, str(script)], tmp_path / "stderr")
    assert measured.returncode == 0, measured.stderr
    assert measured.cpu_seconds >= 0.7


def test_baseline_pipeline_groups_near_copies(tmp_path: Path) -> None:
    base = " ".join(f"word{n}" for n in range(60))
    records = [
        {"id": "a", "text": base},
        {"id": "b", "text": base.replace("word30", "changed")},
        {"id": "c", "text": " ".join(f"other{n}" for n in range(60))},
        {"id": "d", "text": "too short"},
        {"id": "a", "text": "a duplicate id is read once"},
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.json"
    assert baseline_pipeline.main([str(corpus), "-o", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["groups"] == [["a", "b"]]
    assert result["pairs"] == [["a", "b"]]
    assert result["documents"] == 4 and result["too_short"] == 1


def test_union_find() -> None:
    groups = baseline_pipeline.UnionFind()
    for a, b in (("x", "y"), ("y", "z"), ("p", "q")):
        groups.union(a, b)
    groups.find("lonely")
    assert baseline_pipeline.sets_of_two_or_more(groups) == [["p", "q"], ["x", "y", "z"]]
    assert groups.find("x") == groups.find("z") != groups.find("p")


def test_time_per_article_against_the_smallest_of_its_family() -> None:
    runs = [
        _run(scan_bench.REUTERS_SMALL, "dedup", 1, 3_000, 6.0),
        _run(scan_bench.REUTERS, "dedup", 1, 18_000, 45.0),
        _run(scan_bench.REUTERS, "datasketch", None, 18_000, 90.0),
        _run("10k", "dedup", 1, 10_000, 10.0),
        _run("100k", "dedup", 1, 100_000, 110.0),
    ]
    rows = scan_bench.derived(runs)
    assert rows[0]["ms_per_article"] == pytest.approx(2.0)
    assert rows[1]["per_article_vs_smallest"] == pytest.approx(1.25)
    assert rows[1]["smallest"] == scan_bench.REUTERS_SMALL
    assert rows[4]["per_article_vs_smallest"] == pytest.approx(1.1)
    assert "per_article_vs_smallest" not in rows[3]
    notes = scan_bench.notes(rows, jobs_supported=True)
    assert any(
        line.startswith("reuters dedup --jobs 1: time per article 1.25x") and "FAIL" in line
        for line in notes
    )
    assert any(line.startswith("100k dedup --jobs 1") and "PASS" in line for line in notes)
    assert any("scan --jobs 1: 2.00x" in line and "PASS" in line for line in notes)
    assert "ms/art" in scan_bench.table(rows).splitlines()[0]


def test_text_only_keeps_id_and_text(tmp_path: Path) -> None:
    source, out = tmp_path / "full.jsonl", tmp_path / "text.jsonl"
    records = [
        {"id": str(n), "date": "1987-03-02", "source": "Reuters", "text": "t"} for n in range(5)
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert scan_bench.text_only(source, out, limit=3) == 3
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert kept == [{"id": str(n), "text": "t"} for n in range(3)]
