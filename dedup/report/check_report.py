"""Renderers of a check result: the terminal view, versioned JSON
(``schema/check.schema.json``) and JUnit XML for CI systems.

Like the scan's JSON, the output holds no timings: the same index and input always
give the same bytes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from rich.console import Console

from dedup.index.check import CheckedItem, CheckMatch, CheckResult, IndexStatus, Outcome
from dedup.report.serialise import load_schema
from dedup.report.terminal import escape
from dedup.text.wire import WireEvidence

SCHEMA_VERSION = 2
SHOWN_CHARS = 160
"""Sentences longer than this are cut in the terminal view (JSON and JUnit keep them)."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LABELS: dict[Outcome, str] = {
    "pass": "[green]PASS[/green]",
    "fail": "[bold red]FAIL[/bold red]",
    "too-short": "[yellow]TOO SHORT[/yellow]",
    "not-checked": "[bold red]ERROR[/bold red]",
}
_COUNTED: dict[IndexStatus, tuple[str, str]] = {
    "already-indexed": ("already indexed", "already indexed"),
    "update": ("update of an indexed article", "updates of indexed articles"),
}


def to_dict(result: CheckResult) -> dict[str, Any]:
    """The JSON-ready form of a check result."""
    window = result.window
    return {
        "schema_version": SCHEMA_VERSION,
        "fail_on": result.fail_on,
        "window_seconds": None if window is None else int(window.total_seconds()),
        "parameters": result.config.as_dict(),
        "counts": {
            "items": len(result.items),
            "passed": result.count("pass"),
            "failed": result.count("fail"),
            "too_short": result.count("too-short"),
            "not_checked": result.count("not-checked"),
            "matches": sum(len(item.matches) for item in result.items),
            "already_indexed": result.count_status("already-indexed"),
            "updates": result.count_status("update"),
        },
        "items": [_item(item) for item in result.items],
    }


def to_json(result: CheckResult) -> str:
    """Deterministic JSON text (items in input order, matches strongest first)."""
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema the output conforms to (shipped inside the package)."""
    return load_schema("check")


def _item(item: CheckedItem) -> dict[str, Any]:
    return {
        "document": item.document,
        "location": item.location,
        "outcome": item.outcome,
        "strongest": item.strongest,
        "tokens": item.tokens,
        "reason": item.reason,
        "index_status": item.index_status,
        "matches": [_match(match) for match in item.matches],
    }


def _match(match: CheckMatch) -> dict[str, Any]:
    scores: dict[str, float | int] = {"jaccard": match.jaccard, "containment": match.containment}
    evidence: dict[str, Any] = {"reason": match.reason, "shared_shingles": match.containment}
    if match.rewrite is not None:
        ev = match.rewrite
        scores |= {
            "weighted_jaccard": ev.weighted_jaccard,
            "aligned_sentences": ev.aligned,
            "aligned_share": ev.aligned_share,
            "shared_facts": len(ev.shared_facts),
        }
        evidence["shared_facts"] = list(ev.shared_facts)
        evidence["aligned"] = [{"indexed": x, "incoming": y} for x, y in match.aligned]
    return {
        "document": match.document,
        "relation": match.relation,
        "scores": scores,
        "evidence": evidence,
        "wire": {
            "agencies": match.agencies,
            "indexed": _wire(match.wire_indexed),
            "incoming": _wire(match.wire_incoming),
        },
        "title": match.title,
        "date": match.date,
        "source": match.source,
        "url": match.url,
    }


def _wire(evidence: tuple[WireEvidence, ...]) -> list[dict[str, str]]:
    return [{"agency": e.agency, "text": e.text} for e in evidence]


def render_text(result: CheckResult, console: Console) -> None:
    """One block per incoming item (verdict, then each match and its evidence), then
    the counts."""
    for item in result.items:
        name = escape(item.document or item.location)
        note = f" ({escape(item.reason)})" if item.reason else ""
        strongest = f" · strongest: {item.strongest}" if item.strongest else ""
        label = status_label(item)
        status = f" · {escape(label)}" if label else ""
        line = f"{_LABELS[item.outcome]} {name}{status}{strongest}{note}"
        console.print(line, highlight=False, soft_wrap=True)  # one line, for grep
        for evidence in item.matches[0].wire_incoming if item.matches else ():
            line = f"incoming names {evidence.agency}: {_cut(evidence.text)}"
            console.print(f"  {escape(line)}", highlight=False)
        for match in item.matches:
            for line in match_lines(match, incoming_wire=False):
                console.print(f"  {escape(line)}", highlight=False)
    console.print(summary_line(result), highlight=False, soft_wrap=True)


def match_lines(match: CheckMatch, *, incoming_wire: bool = True) -> list[str]:
    """A match as plain lines: relation, scores, reason, facts, sentences, wire (the
    incoming item's own wire evidence too unless ``incoming_wire`` is False)."""
    lines = [f"{match.relation} of {match.document}: {_scores(match)}", f"  {match.reason}"]
    if match.rewrite is not None and match.rewrite.shared_facts:
        lines.append("  shared facts: " + ", ".join(match.rewrite.shared_facts))
    for indexed, incoming in match.aligned:
        lines.append(f"  indexed:  {_cut(indexed)}")
        lines.append(f"  incoming: {_cut(incoming)}")
    if match.agencies:
        lines.append("  wire: " + ", ".join(match.agencies))
        sides = [("indexed", match.wire_indexed)]
        if incoming_wire:
            sides.append(("incoming", match.wire_incoming))
        for side, found in sides:
            lines.extend(f"    {side} names {e.agency}: {_cut(e.text)}" for e in found)
    return lines


def _scores(match: CheckMatch) -> str:
    text = f"jaccard {match.jaccard:.2f}, containment {match.containment:.2f}"
    if match.rewrite is not None:
        ev = match.rewrite
        text += (
            f", salient {ev.weighted_jaccard:.2f}, {ev.aligned} aligned "
            f"({ev.aligned_share:.0%}), {len(ev.shared_facts)} facts"
        )
    return text


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN_CHARS else flat[: SHOWN_CHARS - 1] + "…"


def summary_line(result: CheckResult) -> str:
    """The counts in one line (those already in the index only when there are some)."""
    known = [
        f"{count} {one if count == 1 else many}"
        for status, (one, many) in _COUNTED.items()
        if (count := result.count_status(status))
    ]
    return (
        f"{len(result.items)} checked against the index (fail on {result.fail_on}): "
        f"{result.count('fail')} failed, {result.count('pass')} passed, "
        f"{result.count('too-short')} too short (not failing), "
        f"{result.count('not-checked')} could not be checked" + "".join(f", {k}" for k in known)
    )


def status_label(item: CheckedItem) -> str | None:
    """``already indexed`` or ``an update of <id>`` (None: a new id, or no article)."""
    if item.index_status == "already-indexed":
        return "already indexed"
    if item.index_status == "update":
        return f"an update of {item.document}"
    return None


def status_line(item: CheckedItem) -> str | None:
    """What the index already holds under the item's id, in a line (None: nothing)."""
    if item.index_status == "already-indexed":
        return f"{item.document} is already indexed (the same text and metadata)"
    if item.index_status == "update":
        return (
            f"{item.document} is an update of indexed {item.document} (another text or "
            "metadata under this id), compared with every other indexed article"
        )
    return None


def to_junit(result: CheckResult) -> str:
    """JUnit XML: one testcase per incoming item; failing items carry a ``failure``,
    unreadable ones an ``error``, too-short ones are ``skipped``."""
    suite = ET.Element(
        "testsuite",
        name="dedup check",
        tests=str(len(result.items)),
        failures=str(result.count("fail")),
        errors=str(result.count("not-checked")),
        skipped=str(result.count("too-short")),
    )
    for item in result.items:
        _testcase(suite, item, result.fail_on)
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, "unicode") + "\n"


def _testcase(suite: ET.Element, item: CheckedItem, fail_on: str) -> None:
    name = _xml(item.document or item.location)
    case = ET.SubElement(suite, "testcase", name=name, classname="dedup.index.check")
    if item.outcome == "not-checked":
        error = ET.SubElement(case, "error", message=_xml(item.reason or ""), type="not-checked")
        error.text = _xml(f"{item.location}: {item.reason}")
    elif item.outcome == "too-short":
        ET.SubElement(case, "skipped", message=_xml(item.reason or "too short"))
    status = status_line(item)
    lines = [status] if status else []
    lines += (line for match in item.matches for line in match_lines(match))
    body = "\n".join(lines)
    if item.outcome == "fail":
        top = item.matches[0]
        message = f"{top.relation} of {top.document} (fail on {fail_on}): {top.reason}"
        failure = ET.SubElement(case, "failure", message=_xml(message), type=top.relation)
        failure.text = _xml(body)
    elif body:
        ET.SubElement(case, "system-out").text = _xml(body)


def _xml(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (escaping is ElementTree's)."""
    return _NOT_XML.sub("\ufffd", text)
