"""Wire attribution on real corpora: recall on Reuters-21578, hits on BBC News to check by hand.

Every Reuters-21578 body is Reuters copy, so the share of bodies with Reuters evidence is
a recall. BBC News articles are the BBC's own: any evidence there is either a real mention
of an agency (the BBC does quote Reuters or AP) or a false hit, so every hit is listed with
its text for a person to judge. ``python -m benchmarks.wire_eval`` prints both, with the
time per article.
"""

from __future__ import annotations

import time
import timeit
from collections import Counter
from typing import Any

from benchmarks import corpora
from dedup.text import wire


def evaluate() -> dict[str, Any]:
    """Reuters recall (with the bodies that have no evidence) and every BBC hit."""
    result: dict[str, Any] = {}
    if corpora.available("reuters"):
        result["reuters"] = _reuters()
    if corpora.available("bbc"):
        result["bbc"] = _bbc()
    return result


def _reuters() -> dict[str, Any]:
    """Share of Reuters-21578 bodies with Reuters evidence, kinds used, and the misses."""
    total, kinds, misses, seconds = 0, Counter[str](), [], 0.0
    for doc in corpora.reuters():
        total += 1
        started = time.perf_counter()
        evidence = wire.detect(doc.text)
        seconds += time.perf_counter() - started
        found = [e for e in evidence if e.agency == "Reuters"]
        kinds.update({e.kind for e in found})
        if not found:
            misses.append({"id": doc.id, "last_line": _last_line(doc.text)})
    hits = total - len(misses)
    return {
        "bodies": total,
        "with_reuters_evidence": hits,
        "recall": hits / total if total else 0.0,
        "microseconds_per_body": seconds / max(total, 1) * 1e6,
        "bodies_by_kind": dict(kinds),
        "misses": misses,
        "miss_endings": dict(Counter(_ending(m["last_line"]) for m in misses).most_common()),
    }


def _bbc() -> dict[str, Any]:
    """Every BBC article with any evidence, with the evidence, for checking by hand."""
    hits, total, seconds = [], 0, 0.0
    for doc in corpora.bbc():
        total += 1
        started = time.perf_counter()
        found = wire.detect(doc.text)
        seconds += time.perf_counter() - started
        if found:
            hits.append({"id": doc.id, "evidence": [(e.agency, e.kind, e.text) for e in found]})
    return {
        "articles": total,
        "with_evidence": len(hits),
        "microseconds_per_article": seconds / max(total, 1) * 1e6,
        "hits": hits,
    }


def timing(repeat: int = 2000) -> dict[str, float]:
    """Microseconds per ``detect`` call on a 3 KB article made of BBC text (or a seed)."""
    text = _sample_article()
    per_call = min(timeit.repeat(lambda: wire.detect(text), number=repeat, repeat=5)) / repeat
    return {"chars": len(text), "microseconds": per_call * 1e6}


def _sample_article() -> str:
    """3,000 characters of a real article that has wire evidence in them (so the slower
    path, contexts and snippets, is timed too); a seed padded to length without corpora."""
    if corpora.available("bbc"):
        for doc in corpora.bbc():
            if len(doc.text) >= 3000 and wire.detect(doc.text[:3000]):
                return doc.text[:3000]
    text = next(d.text for d in corpora.seeds() if wire.detect(d.text))
    return (text * (3000 // len(text) + 1))[:3000]


def _last_line(text: str) -> str:
    """The last non-blank line of ``text``, stripped."""
    return text.rstrip().rsplit("\n", 1)[-1].strip()


def _ending(line: str) -> str:
    """A coarse label for why a body has no sign-off."""
    words = line.split()
    if words and words[-1].lower() == "more":
        return "continued ('More')"
    if not any(c.isalpha() for c in line) or sum(c.isdigit() for c in line) > len(line) // 4:
        return "table or figures"
    return "ends in running text"


def _print(result: dict[str, Any], speed: dict[str, float]) -> None:
    """Human-readable report."""
    print(f"detect(): {speed['microseconds']:.0f} us per {speed['chars']}-char article")
    if "reuters" in result:
        r = result["reuters"]
        print(
            f"\nReuters-21578: {r['with_reuters_evidence']}/{r['bodies']} bodies with Reuters"
            f" evidence, recall {r['recall']:.4f}; bodies by kind {r['bodies_by_kind']};"
            f" {r['microseconds_per_body']:.0f} us per body"
        )
        print(f"  no evidence ({len(r['misses'])}): {r['miss_endings']}")
        for miss in r["misses"][:15]:
            print(f"    NEWID {miss['id']}: last line {miss['last_line'][:70]!r}")
    if "bbc" in result:
        b = result["bbc"]
        print(
            f"\nBBC: {b['with_evidence']}/{b['articles']} articles with evidence;"
            f" {b['microseconds_per_article']:.0f} us per article"
        )
        for hit in b["hits"]:
            print(f"  {hit['id']}")
            for agency, kind, text in hit["evidence"]:
                print(f"    {agency:9} {kind:11} {text}")


if __name__ == "__main__":
    _print(evaluate(), timing())
