"""Fact reading speed (issue #19): ``facts.extract`` over the kept lines (what the
fingerprint stage reads, through ``candidates.fact_hashes``) and over the sentences (what
the rewrite tier reads) of the first N Reuters-21578 stories, and the share of the
fingerprint stage's per-article work (``corpus._analyse``) that fact reading takes
(the same work with ``fact_hashes`` stubbed out).

Each figure is the CPU time of one pass (``time.process_time``: other processes on a
shared machine slow it far less than wall time), the least of ``--passes`` passes in a
child process. With ``--repo`` the children alternate between this checkout and the
other one (its root first on the child's path), ``--runs`` times each, each going first
every other run (the first child of a pair tends to be slower), and the table gives the
medians and the ratio other / this.

Run: ``python -m benchmarks.facts_bench [--articles 3000] [--passes 5] [--runs 3]
[--repo PATH]`` (``DEDUP_DATA`` names the data folder, as for ``benchmarks.corpora``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

FIGURES = ("extract_lines", "extract_sentences", "analyse", "analyse_without_facts")
HERE = Path(__file__).resolve().parent.parent


def measure(texts: list[str], passes: int) -> dict[str, float]:
    """The figures of the ``dedup`` first on this process's path, over ``texts``."""
    import numpy as np

    from dedup import corpus, workers
    from dedup.config import ScanConfig
    from dedup.ingest.document import Document
    from dedup.rewrites import candidates
    from dedup.text import boilerplate, facts, sentences

    lines = [line for text in texts for line in boilerplate.kept_lines(text)]
    said = [s.text for text in texts for s in sentences.split(text)]
    docs = [Document(id=str(i), text=text) for i, text in enumerate(texts)]
    workers.ensure_fingerprinter(ScanConfig())
    hashes = candidates.fact_hashes

    def without_facts(lines: list[str]) -> Any:
        return np.zeros(0, np.uint64)

    def analyse(fact_hashes: Callable[[list[str]], Any]) -> Callable[[], None]:
        def run() -> None:
            candidates.fact_hashes = fact_hashes  # type: ignore[assignment]  # looked up per call
            for doc in docs:
                corpus._analyse(doc)

        return run

    runs = {
        "extract_lines": lambda: [facts.extract(line) for line in lines],
        "extract_sentences": lambda: [facts.extract(text) for text in said],
        "analyse": analyse(hashes),
        "analyse_without_facts": analyse(without_facts),
    }
    best = dict.fromkeys(FIGURES, float("inf"))
    for _ in range(passes):
        for name, run in runs.items():
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    candidates.fact_hashes = hashes
    return best


def child(repo: Path, texts: Path, passes: int) -> dict[str, float]:
    """``measure`` in a child process running the ``dedup`` of ``repo``."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    args = [sys.executable, str(Path(__file__).resolve()), "--child", str(texts), str(passes)]
    done = subprocess.run(args, cwd=repo, env=env, check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def report(found: dict[str, list[dict[str, float]]]) -> None:
    """The medians of each checkout's figures, the facts' share and the ratios."""
    medians = {
        label: {f: statistics.median(run[f] for run in runs) for f in FIGURES}
        for label, runs in found.items()
    }
    print(f"{'figure (CPU s)':24}" + "".join(f"{label:>10}" for label in medians))
    for figure in FIGURES:
        print(f"{figure:24}" + "".join(f"{m[figure]:10.3f}" for m in medians.values()))
    for label, m in medians.items():
        share = 1 - m["analyse_without_facts"] / m["analyse"]
        print(f"{label}: facts take {share:.0%} of _analyse")
    if "other" in medians:
        for figure in FIGURES:
            ratio = medians["other"][figure] / medians["this"][figure]
            print(f"other / this {figure}: {ratio:.2f}x")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", type=Path, help="another checkout to compare with")
    options = parser.parse_args(argv)
    from benchmarks import corpora

    if not corpora.available("reuters21578"):
        sys.exit("facts_bench: Reuters-21578 is not in the data folder (DEDUP_DATA)")
    texts = [doc.text for doc, _ in zip(corpora.reuters(), range(options.articles), strict=False)]
    repos = {"this": HERE, **({"other": options.repo.resolve()} if options.repo else {})}
    found: dict[str, list[dict[str, float]]] = {label: [] for label in repos}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "texts.json"
        path.write_text(json.dumps(texts), encoding="utf-8")
        for run in range(options.runs):
            order = list(repos.items())
            for label, repo in order[::-1] if run % 2 else order:  # no side always first
                found[label].append(child(repo, path, options.passes))
    print(f"{len(texts)} Reuters-21578 stories, {options.passes} passes, {options.runs} runs")
    report(found)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        loaded = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        print(json.dumps(measure(loaded, int(sys.argv[3]))))
    else:
        main()
