"""Renderers of ``dedup compare``: why two articles are (not) one story.

The relation, then each tier's scores and the rule that decided: the copy tier's
thresholds on word-shingle Jaccard and containment; the rewrite tier's route (same
facts, or retold sentence by sentence) or why it said no (too little shared, or a
look-alike it refuses); then the evidence, the shared facts and the aligned
sentences side by side. As text, and as versioned JSON
(``schema/compare.schema.json``; no timings: the same two articles give the same bytes).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

from dedup.compare import Comparison
from dedup.config import ScanConfig
from dedup.ingest.document import Document
from dedup.report.serialise import load_schema
from dedup.report.terminal import escape
from dedup.rewrites.verify import RewriteEvidence

SCHEMA_VERSION = 1
Outcome = Literal["accepted", "too-little", "look-alike"]


def to_dict(
    a: Document, b: Document, found: Comparison | None, config: ScanConfig
) -> dict[str, Any]:
    """The JSON-ready form of a comparison (``found`` None: an article is too short)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "parameters": config.as_dict(),
        "a": _document(a),
        "b": _document(b),
        "relation": found.relation if found else None,
        "one_story": bool(found and found.relation),
        "strength": round(found.strength, 6) if found else None,
        "too_short": found is None,
        "copy_tier": _copy_tier(found, config) if found else None,
        "rewrite_tier": _rewrite_tier(found) if found and found.rewrite else None,
    }


def to_json(a: Document, b: Document, found: Comparison | None, config: ScanConfig) -> str:
    return json.dumps(to_dict(a, b, found, config), ensure_ascii=False, indent=2) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema the output conforms to (shipped inside the package)."""
    return load_schema("compare")


def _document(doc: Document) -> dict[str, Any]:
    fields = {"title": doc.title, "date": doc.date, "source": doc.source, "url": doc.url}
    return {"document": doc.id, **{k: v for k, v in fields.items() if v is not None}}


def _copy_tier(found: Comparison, config: ScanConfig) -> dict[str, Any]:
    scores = found.scores
    short = {} if found.edit_similarity is None else {"edit_similarity": found.edit_similarity}
    return {
        "jaccard": scores.jaccard,
        "containment": scores.containment,
        **short,
        "relation": scores.relation,
        "rule": copy_rule(found, config),
    }


def _rewrite_tier(found: Comparison) -> dict[str, Any]:
    ev = found.rewrite
    assert ev is not None
    return {
        "outcome": outcome(ev),
        "reason": ev.reason,
        "weighted_jaccard": ev.weighted_jaccard,
        "aligned_sentences": ev.aligned,
        "aligned_share": ev.aligned_share,
        "shared_facts": list(ev.shared_facts),
        "template_conflicts": ev.template_conflicts,
        "aligned": [
            {
                "a": {"index": s.a_index, "text": s.a_text},
                "b": {"index": s.b_index, "text": s.b_text},
                "score": s.score,
                "kind": s.kind,
            }
            for s in found.aligned
        ],
    }


def outcome(evidence: RewriteEvidence) -> Outcome:
    """How the rewrite tier decided: accepted, too little evidence, or a look-alike
    refused whatever its evidence (``dedup.rewrites.lookalike``: every reason of that
    kind names the look-alike, the others start "too little")."""
    if evidence.verdict:
        return "accepted"
    return "too-little" if evidence.reason.startswith("too little") else "look-alike"


def copy_rule(found: Comparison, config: ScanConfig) -> str:
    """The copy tier's rule that decided, with its thresholds."""
    s = found.scores
    j, c = f"{s.jaccard:.2f}", f"{s.containment:.2f}"
    if s.relation == "copy":
        if s.jaccard >= config.copy_jaccard:
            return f"copy: Jaccard {j} >= {config.copy_jaccard}"
        return "copy: identical texts"
    if found.edit_similarity is not None:
        return (
            f"near-copy: short items {found.edit_similarity:.2f} alike token by token (needs "
            f"{config.short_similarity}), the same figures and names"
        )
    near = f"Jaccard >= {config.near_jaccard} or containment >= {config.near_containment}"
    if s.relation == "near-copy":
        return f"near-copy: Jaccard {j}, containment {c} (needs {near})"
    return f"not a copy: Jaccard {j}, containment {c} (a near-copy needs {near})"


_VERDICTS: dict[Outcome, str] = {
    "accepted": "[green]a rewrite[/green]",
    "too-little": "[yellow]not a rewrite: too little evidence[/yellow]",
    "look-alike": "[bold red]refused as a look-alike[/bold red]",
}


def render_text(
    a: Document, b: Document, found: Comparison | None, config: ScanConfig, console: Console
) -> None:
    """The verdict, each tier's rule and scores, the shared facts, the aligned sentences."""
    for label, doc in (("A", a), ("B", b)):
        title = f" · {escape(doc.title)}" if doc.title else ""
        console.print(f"[bold]{label}[/bold] {escape(doc.id)}{title}", highlight=False)
    if found is None:
        console.print(
            f"not compared: an article is too short to fingerprint (fewer than "
            f"{config.min_tokens} tokens after boilerplate)",
            highlight=False,
        )
        return
    verdict = f"one story: {found.relation}" if found.relation else "not one story"
    console.print(f"[bold]{verdict}[/bold] (strength {found.strength:.2f})", highlight=False)
    console.print(f"copy tier: {copy_rule(found, config)}", highlight=False)
    if found.rewrite is None:
        console.print("rewrite tier: off (--no-rewrites)", highlight=False)
        return
    _rewrite(found, config, console)


def _routes(ev: RewriteEvidence, config: ScanConfig) -> str:
    """The evidence against what the verdict's routes need, in one line."""
    if config.rewrite_verdict == "meaning":
        return (
            f"shared facts: {len(ev.shared_facts)} (the same-lede route needs them to weigh "
            f"{config.rewrite_min_fact_weight:g} and the ledes to meet at cosine "
            f"{config.rewrite_lede_cosine}); aligned sentences: {ev.aligned} at cosine "
            f"{config.rewrite_align_cosine}, {ev.aligned_share:.0%} of the shorter article "
            f"(the retold route needs {config.rewrite_min_aligned} without contradicting "
            f"facts and {config.rewrite_min_aligned_share:.0%}); {ev.template_conflicts} "
            "aligned pairs state other facts; two outlets' articles are one story when "
            f"their ledes meet at cosine {config.rewrite_outlets_lede_cosine} and their "
            f"shared facts weigh {config.rewrite_outlets_fact_weight:g}"
        )
    return (
        f"shared facts: {len(ev.shared_facts)} (the same-facts route needs "
        f"{config.rewrite_min_facts}); aligned sentences: {ev.aligned}, "
        f"{ev.aligned_share:.0%} of the shorter article; {ev.template_conflicts} aligned "
        "pairs with contradicting figures set aside"
    )


def _rewrite(found: Comparison, config: ScanConfig, console: Console) -> None:
    ev = found.rewrite
    assert ev is not None
    aside = " (not needed: the copy tier decided)" if found.scores.relation else ""
    verdict = f"{_VERDICTS[outcome(ev)]}: {escape(ev.reason)}"
    console.print(f"rewrite tier{aside}: {verdict}", highlight=False)
    console.print(
        f"  salient terms: weighted Jaccard {ev.weighted_jaccard:.2f} (needs "
        f"{config.rewrite_min_weighted_jaccard}); " + _routes(ev, config),
        highlight=False,
    )
    if ev.shared_facts:
        console.print("  shared facts: " + escape(", ".join(ev.shared_facts)), highlight=False)
    if not found.aligned:
        return
    table = Table(title="aligned sentences", title_justify="left", show_lines=True)
    for column in ("A", "B", "matcher"):
        table.add_column(column)
    for s in found.aligned:
        table.add_row(
            f"s{s.a_index}: {escape(s.a_text)}",
            f"s{s.b_index}: {escape(s.b_text)}",
            f"{s.score:.2f} {s.kind}",
        )
    console.print(table)
