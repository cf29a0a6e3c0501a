"""A footer shared by an archive and new articles (issue #17, defect 8): the first 775
Reuters-21578 stories indexed with a 126-word footer on a line of their own, then 20
later short stories (30 to 80 words) checked with the same footer, and without it.

Reports, per backend: how many of the 20 fail (and their Jaccard), the check latency
(median and p95 of one ``check()`` per article on one open store, warm), the add time,
and whether a copy of an indexed story still fails as a copy.

Run: ``python -m benchmarks.footer_bench [--backends sqlite,redis] [--rounds 5]
[--out footer-bench.json]``. It uses only ``add_documents`` and ``check``, so it runs
against older versions of dedup too (to measure before and after a change).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks import corpora
from benchmarks.index_bench import log, redis_server
from dedup import Document, ScanConfig
from dedup.index.backends import open_store
from dedup.index.check import check
from dedup.index.indexer import add_documents

FOOTER = (
    "Reuters, the news and media division of Thomson Reuters, is the world's largest "
    "multimedia news provider, reaching billions of people worldwide every day. Reuters "
    "provides business, financial, national and international news to professionals via "
    "desktop terminals, the world's media organizations, industry events and directly to "
    "consumers. All quotes are delayed by a minimum of fifteen minutes, and a complete list "
    "of exchanges and delays is available on request. The newsroom welcomes tips and "
    "corrections from readers at any hour, and every correction is noted at the foot of the "
    "story it concerns. Our journalists are bound by the Trust Principles, which require "
    "integrity, independence and freedom from bias in the gathering and dissemination of "
    "information and news to clients and readers in countries around the globe."
)
"""126 words, none of which a boilerplate rule catches (no copyright or share line)."""
INDEXED, INCOMING = 775, 20


def footed(doc: Document) -> Document:
    return dataclasses.replace(doc, text=f"{doc.text}\n\n{FOOTER}\n")


def scenario() -> tuple[list[Document], list[Document]]:
    """The first 775 Reuters stories and 20 later short ones (30 to 80 words), bare."""
    docs = list(corpora.reuters())
    short = [d for d in docs[5000:] if 30 <= len(d.text.split()) <= 80][:INCOMING]
    return docs[:INDEXED], short


def _latency(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {"median_ms": statistics.median(ms), "p95_ms": ms[round(0.95 * (len(ms) - 1))]}


def measure(location: str, rounds: int) -> dict[str, Any]:
    """Index the footed stories, then check the new ones ``rounds`` times each."""
    indexed, incoming = scenario()
    config = ScanConfig()
    with open_store(location) as store:
        began = time.perf_counter()
        add_documents([footed(d) for d in indexed], store, config)
        added = time.perf_counter() - began
        result: dict[str, Any] = {"add_seconds": added}
        for name, batch in (("footer", [footed(d) for d in incoming]), ("bare", incoming)):
            check([batch[0]], store, config)  # warm: caches, matcher, connection
            seconds, failing = [], {}
            for _ in range(rounds):
                for doc in batch:
                    began = time.perf_counter()
                    item = check([doc], store, config).items[0]
                    seconds.append(time.perf_counter() - began)
                    if item.outcome == "fail":
                        failing[doc.id] = round(item.matches[0].jaccard, 2)
            result[name] = {"failing": len(failing), "jaccard": sorted(failing.values())}
            result[name] |= _latency(seconds)
        copy = dataclasses.replace(footed(indexed[100]), id="copy-of-an-indexed-story")
        matches = check([copy], store, config).items[0].matches
        result["copy_found"] = [(m.document, m.relation) for m in matches]
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,redis")
    parser.add_argument("--rounds", type=int, default=5, help="checks of each article")
    parser.add_argument("--out", type=Path, default=Path("footer-bench.json"))
    args = parser.parse_args(argv)
    if not corpora.available("reuters"):
        raise SystemExit(f"Reuters-21578 is not in {corpora.data_dir()}")
    results: dict[str, Any] = {}
    for name in (b.strip() for b in args.backends.split(",") if b.strip()):
        with (
            tempfile.TemporaryDirectory(prefix=f"footer-bench-{name}-") as tmp,
            ExitStack() as stack,
        ):
            location = str(Path(tmp) / "index.db")
            if name == "redis":
                location = stack.enter_context(redis_server(Path(tmp)))
            results[name] = measure(location, args.rounds)
        log(f"{name}: {json.dumps(results[name])}")
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
