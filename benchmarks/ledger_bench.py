"""The sentence ledger and the copy stage on big stories (issue #17, defect 4).

Three synthetic inputs, each scanned with every tier on, with and without the ledger:

- ``copies-N``: N near-identical copies of one ~900-word article (BBC
  ``business/287.txt`` when the BBC corpus is present, else a generated one), each with
  a few small edits (a word or figure changed, now and then a paragraph dropped or a
  sentence added),
  one outlet each, dated a minute apart;
- ``long``: one article of 50,000 short sentences and an edited copy of it (1 % of
  its sentences changed, a few dropped and added);
- ``footer``: 3,000 different short articles sharing one 126-word footer.

Each run is one child process, ``dedup scan INPUT -f json -o OUT --jobs J``, timed from
start to exit (``scan s``: the CLI's own total, without interpreter start-up and exit);
peak RSS is the child's ``ru_maxrss``. Each input is run ``--runs``
times without and with the ledger, interleaved, and the table gives the medians:
seconds, seconds per member (per article for ``footer``), JSON bytes per member, peak
RSS (the largest), the copies and ledger stages' seconds, and the ratio of the run
with the ledger to the one without. The issue's targets: time and JSON bytes per member at
1,000 copies within 1.5x of those at 100; ``long`` with the ledger within 3x of without.

Run: ``python -m benchmarks.ledger_bench [--copies 100,1000] [--long 50000]
[--footer 3000] [--jobs 1] [--runs 3] [--timeout 600] [--repo PATH] [--output FILE]`` (or ``make
bench-ledger``). ``--repo`` runs the ``dedup`` of another checkout (its root is the
child's working directory and first on its path), for before/after figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import corpora
from benchmarks.scan_bench import log, measure, parse_stage_timings

ARTICLE = "business/287.txt"
"""The BBC article the copies are made of (891 words)."""
FOOTER_WORDS = 126
START = datetime(2024, 5, 1, 8, 0)
SEED = 17
_WORD = re.compile(r"[A-Za-z]{4,}")
_FILLER = (
    "council budget harbour bridge mayor district school vote debate minister report "
    "company shares market profit growth figures analysts investors bank rates inflation "
    "workers union strike talks government election campaign police officers court judge "
    "hospital patients doctors weather storm flooding river residents village transport "
    "railway airport flights passengers energy prices households winter supply contract"
).split()


@dataclass(frozen=True, slots=True)
class Input:
    """One benchmark input: its name, JSONL file, and how many members it holds."""

    name: str
    path: Path
    members: int


@dataclass
class Result:
    """The figures of one run (``ledger`` False: ``--no-ledger``)."""

    input: str
    members: int
    ledger: bool
    seconds: float = 0.0
    peak_rss: int = 0
    json_bytes: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    runs: int = 1

    @property
    def per_member(self) -> float:
        return self.seconds / self.members

    @property
    def bytes_per_member(self) -> float:
        return self.json_bytes / self.members


# --- inputs ---------------------------------------------------------------------


def base_article() -> str:
    """The ~900-word article the copies share: real BBC prose when present."""
    if corpora.available("bbc"):
        path = corpora.data_dir() / corpora.FOLDERS["bbc"] / ARTICLE
        if path.is_file():
            return path.read_bytes().decode("utf-8", errors="replace")
    rng = random.Random(SEED)
    paragraphs = [" ".join(_sentence(rng) for _ in range(4)) for _ in range(30)]
    return "Generated story headline\n\n" + "\n\n".join(paragraphs)


def _sentence(rng: random.Random, words: Sequence[str] = _FILLER) -> str:
    """A short made-up sentence of 6-9 words with a figure in it."""
    body = " ".join(rng.choice(words) for _ in range(rng.randint(5, 8)))
    return f"The {body} {rng.randint(2, 9999)}."


def edited(text: str, rng: random.Random, edits: int) -> str:
    """``text`` with ``edits`` words or figures changed, now and then a paragraph
    dropped or one sentence added: what outlets do to a wire story."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 4 and rng.random() < 0.2:
        del paragraphs[rng.randrange(2, len(paragraphs))]
    if rng.random() < 0.2:
        paragraphs.insert(rng.randrange(1, len(paragraphs)), _sentence(rng))
    words = "\n\n".join(paragraphs).split(" ")
    for _ in range(edits):
        at = rng.randrange(len(words))
        if _WORD.fullmatch(words[at]):
            words[at] = rng.choice(_FILLER)
        elif words[at].isdigit():
            words[at] = str(int(words[at]) + rng.randint(1, 9))
    return " ".join(words)


def copies(count: int, folder: Path) -> Input:
    """``count`` near-identical copies of the base article, one outlet each."""
    rng = random.Random(SEED)
    text = base_article()
    rows = [
        {
            "id": f"outlet-{i:04d}",
            "text": text if i == 0 else edited(text, rng, rng.randint(1, 4)),
            "date": (START + timedelta(minutes=i)).isoformat(),
            "source": f"outlet-{i:04d}",
        }
        for i in range(count)
    ]
    return _write(f"copies-{count}", rows, folder)


def long_article(sentences: int, folder: Path) -> Input:
    """One article of ``sentences`` short sentences and an edited copy of it."""
    rng = random.Random(SEED)
    vocabulary = _vocabulary()
    lines = [_sentence(rng, vocabulary) for _ in range(sentences)]
    copy = list(lines)
    for _ in range(sentences // 100):
        copy[rng.randrange(len(copy))] = _sentence(rng, vocabulary)
    for _ in range(sentences // 1000):
        del copy[rng.randrange(len(copy))]
        copy.insert(rng.randrange(len(copy)), _sentence(rng, vocabulary))
    rows = [
        {"id": "long-a", "text": _paragraphs(lines), "date": START.isoformat()},
        {
            "id": "long-b",
            "text": _paragraphs(copy),
            "date": (START + timedelta(hours=1)).isoformat(),
        },
    ]
    return _write("long", rows, folder)


def _paragraphs(sentences: Sequence[str]) -> str:
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def _vocabulary() -> list[str]:
    """Words of the base article and the filler list: real-looking sentences."""
    return sorted({*_FILLER, *(w.lower() for w in _WORD.findall(base_article()))})


FOOTER = (
    "About this newsletter\n"
    "You are receiving this email because you subscribed to the Daily Briefing from "
    "Harbourside Media Group. To stop receiving these messages, update your preferences "
    "or unsubscribe at any time using the link in your account settings page.\n"
    "Copyright 2024 Harbourside Media Group Limited. All rights reserved. This material "
    "may not be published, broadcast, rewritten or redistributed in whole or in part "
    "without the prior written permission of the publisher.\n"
    "Harbourside Media Group, 14 Quay Street, Bristol, registered in England and Wales "
    "under company number 04217731. Our privacy notice explains how we collect, store and "
    "use your personal data, and how you can exercise your rights under data protection "
    "law including the right to request a copy of the information we hold about you."
)


def footer_articles(count: int, folder: Path) -> Input:
    """``count`` different short articles, each ending with the same footer."""
    if len(FOOTER.split()) != FOOTER_WORDS:
        raise AssertionError(f"the footer has {len(FOOTER.split())} words")
    rng = random.Random(SEED)
    pool = _sentence_pool(rng)
    rows = []
    for i in range(count):
        body = " ".join(next(pool) for _ in range(rng.randint(5, 10)))
        date = (START + timedelta(hours=7 * i)).isoformat()
        rows.append({"id": f"article-{i:05d}", "text": f"{body}\n\n{FOOTER}", "date": date})
    return _write(f"footer-{count}", rows, folder)


def _sentence_pool(rng: random.Random) -> Iterator[str]:
    """Real sentences (BBC) in shuffled order, each once; made-up ones after them."""
    found: list[str] = []
    if corpora.available("bbc"):
        for doc in corpora.bbc():
            found += [s for s in re.split(r"(?<=[.!?])\s+", doc.text) if len(s.split()) >= 8]
    rng.shuffle(found)
    yield from dict.fromkeys(found)
    while True:
        yield _sentence(rng)


def _write(name: str, rows: Sequence[dict[str, str]], folder: Path) -> Input:
    path = folder / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return Input(name, path, len(rows))


# --- runs -----------------------------------------------------------------------


def run(item: Input, ledger: bool, repo: Path, jobs: int, timeout: float) -> Result:
    """One child ``dedup scan`` of ``item`` (JSON to a file), timed and measured."""
    result = Result(item.name, item.members, ledger)
    out = item.path.with_suffix(f".{'ledger' if ledger else 'bare'}.json")
    command = [
        *("timeout", "--signal=KILL", str(timeout)),
        sys.executable,
        *("-c", "from dedup.cli.app import main; main()"),
        *("scan", str(item.path), "-f", "json", "-o", str(out), "--jobs", str(jobs)),
        "--ledger" if ledger else "--no-ledger",
    ]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    log(f"{item.name} ledger={ledger}")
    measured = measure(command, item.path.with_suffix(".stderr"), cwd=repo, env=env)
    if measured.returncode != 0 or not out.exists():
        timed_out = measured.returncode in (-9, 124, 137)
        result.error = f"over {timeout:.0f} s" if timed_out else f"exit {measured.returncode}"
        log(f"  {result.error}: {measured.stderr.strip()[-300:]}")
        return result
    result.seconds, result.peak_rss = measured.seconds, measured.peak_rss
    result.json_bytes = out.stat().st_size
    result.stages = parse_stage_timings(measured.stderr)
    out.unlink()
    log(f"  {result.seconds:.1f} s, {result.json_bytes:,} bytes, {result.peak_rss / 2**20:.0f} MB")
    return result


def repeat(item: Input, slots: Sequence[Result], args: argparse.Namespace) -> None:
    """``args.runs`` runs of ``item`` without and with the ledger, interleaved (so that
    both see the same machine), each slot set to its runs' medians; a run over the
    time limit ends that slot's runs."""
    runs: dict[bool, list[Result]] = {False: [], True: []}
    for _ in range(args.runs):
        for slot in slots:
            done = runs[slot.ledger]
            if done and done[-1].error is not None:
                continue
            done.append(run(item, slot.ledger, args.repo.resolve(), args.jobs, args.timeout))
    for slot in slots:
        done = runs[slot.ledger]
        good = [r for r in done if r.error is None]
        if not good:
            slot.error = done[-1].error
            continue
        slot.seconds = statistics.median(r.seconds for r in good)
        slot.peak_rss = max(r.peak_rss for r in good)
        slot.json_bytes = good[0].json_bytes
        names = {name for r in good for name in r.stages}
        slot.stages = {n: statistics.median(r.stages.get(n, 0.0) for r in good) for n in names}
        slot.runs = len(good)


def table(results: Sequence[Result]) -> str:
    """One line per run, with the ratio of the ledger run to the bare one."""
    bare = {r.input: r for r in results if not r.ledger and r.error is None}
    header = (
        f"{'input':<12} {'members':>7} {'ledger':>6} {'seconds':>8} {'ms/member':>9} "
        f"{'scan s':>7} {'JSON B/member':>13} {'RSS MB':>7} {'copies s':>8} {'ledger s':>8} "
        f"{'vs bare':>7}"
    )
    lines = [header]
    for r in results:
        head = f"{r.input:<12} {r.members:>7} {'on' if r.ledger else 'off':>6}"
        if r.error is not None:
            lines.append(f"{head} {r.error:>8}")
            continue
        base = bare.get(r.input)
        ratio = f"{r.seconds / base.seconds:.2f}x" if r.ledger and base else ""
        lines.append(
            f"{head} {r.seconds:8.1f} {r.per_member * 1000:9.1f} {r.stages.get('total', 0.0):7.1f} "
            f"{r.bytes_per_member:13,.0f} {r.peak_rss / 2**20:7.0f} "
            f"{r.stages.get('copies', 0.0):8.2f} {r.stages.get('ledger', 0.0):8.2f} {ratio:>7}"
        )
    return "\n".join(lines)


def scaling(results: Sequence[Result]) -> list[str]:
    """Time and JSON bytes per member of the largest copies input against the smallest."""
    runs = sorted(
        (r for r in results if r.input.startswith("copies") and r.ledger and r.error is None),
        key=lambda r: r.members,
    )
    if len(runs) < 2:
        return []
    small, large = runs[0], runs[-1]
    scan = [r.stages.get("total", 0.0) / r.members for r in (small, large)]
    in_scan = f"{scan[1] / scan[0]:.2f}x" if scan[0] else "-"
    return [
        f"copies {large.members} vs {small.members}, ledger on: time per member "
        f"{large.per_member / small.per_member:.2f}x ({in_scan} without start-up and exit), "
        f"JSON bytes per member {large.bytes_per_member / small.bytes_per_member:.2f}x "
        "(target: within 1.5x)"
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", default="100,1000", help="copy counts, comma-separated")
    parser.add_argument("--long", type=int, default=50_000, help="sentences (0: skip)")
    parser.add_argument("--footer", type=int, default=3_000, help="articles (0: skip)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs of each; medians")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a run")
    parser.add_argument("--repo", type=Path, default=corpora.REPO)
    parser.add_argument("--output", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as tmp:
        folder = Path(tmp)
        inputs = [copies(int(n), folder) for n in args.copies.split(",") if n.strip()]
        inputs += [long_article(args.long, folder)] if args.long else []
        inputs += [footer_articles(args.footer, folder)] if args.footer else []
        for item in inputs:
            for ledger in (False, True):
                results.append(Result(item.name, item.members, ledger))
            repeat(item, results[-2:], args)
    when = time.strftime("%Y-%m-%d")
    print(f"dedup from {args.repo.resolve()}, --jobs {args.jobs}, medians of {args.runs}, {when}")
    print(table(results))
    for line in scaling(results):
        print(line)
    if args.output is not None:
        rows: list[dict[str, Any]] = [asdict(r) for r in results]
        args.output.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
