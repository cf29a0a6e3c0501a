"""A check result for GitHub Actions: workflow commands that annotate each incoming
file, and a Markdown summary for the job's page (``$GITHUB_STEP_SUMMARY``).

One ``::error`` line per article failing at ``--fail-on`` (and per input that could
not be checked), one ``::warning`` per article whose matches are all below it, each
naming the file (and line of a JSON Lines record) and the matched indexed document.
Text from input is escaped as GitHub's toolkit does (``%``, CR, LF; also ``:`` and
``,`` in properties), so no article can start a workflow command of its own.
"""

from __future__ import annotations

import re

from dedup.index.check import CheckedItem, CheckMatch, CheckResult
from dedup.report import markdown
from dedup.report.check_report import summary_line

_RECORD = re.compile(r"#L(\d+)(?:\.\d+)?\Z")
_SGML_STORY = re.compile(r"#(?:\d+|offset \d+)\Z")
_DATA = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY = {**_DATA, ":": "%3A", ",": "%2C"}


def workflow_commands(result: CheckResult) -> str:
    """An annotation line per failing, matching or unreadable item (its message a line
    per match, strongest first), then the counts."""
    lines = [line for item in result.items if (line := _annotation(item, result.fail_on))]
    return "\n".join([*lines, summary_line(result)]) + "\n"


def _annotation(item: CheckedItem, fail_on: str) -> str | None:
    name = item.document or item.location
    if item.outcome == "not-checked":
        return _command("error", item.location, f"dedup: {name} not checked", item.reason or "")
    if not item.matches:
        return None
    top = item.matches[0]
    level = "error" if item.outcome == "fail" else "warning"
    verdict = "fails" if item.outcome == "fail" else "passes"
    title = f"dedup: {top.relation} of {top.document}"
    message = "\n".join([f"{name} {verdict} (fail on {fail_on}):", *map(match_text, item.matches)])
    return _command(level, item.location, title, message)


def match_text(match: CheckMatch) -> str:
    """One match in a line: relation, indexed document, scores and why."""
    scores = f"Jaccard {match.jaccard:.2f}, containment {match.containment:.2f}"
    if match.rewrite is not None:
        ev = match.rewrite
        scores += f", {ev.aligned} aligned sentences, {len(ev.shared_facts)} shared facts"
    return f"{match.relation} of {match.document} ({scores}): {match.reason}"


def _command(level: str, location: str, title: str, message: str) -> str:
    properties = {**_where(location), "title": title}
    listed = ",".join(f"{k}={_escape(v, _PROPERTY)}" for k, v in properties.items())
    return f"::{level} {listed}::{_escape(message, _DATA)}"


def _where(location: str) -> dict[str, str]:
    """The ``file`` (and ``line``) properties of an item's location: a path, a path
    with ``#L<line>`` (a JSON Lines record) or ``#<id>`` (a Reuters SGML story);
    standard input has none."""
    if location == "stdin" or location.startswith("stdin#"):
        return {}
    record = _RECORD.search(location)
    if record is not None:
        return {"file": location[: record.start()], "line": record.group(1)}
    story = _SGML_STORY.search(location)
    return {"file": location[: story.start()] if story else location}


def _escape(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in text)


def step_summary(result: CheckResult) -> str:
    """Markdown for the job summary: the counts, then a row per item that fails,
    matches below the threshold or could not be checked."""
    lines = [f"### dedup check: {markdown.escape(summary_line(result))}", ""]
    rows = [item for item in result.items if item.matches or item.outcome == "not-checked"]
    if not rows:
        return "\n".join([*lines, "No incoming article relates to the index.", ""]) + "\n"
    lines += ["| outcome | article | matched document | relation | why |", "| --- " * 5 + "|"]
    for item in rows:
        name = item.document or item.location
        top = item.matches[0] if item.matches else None
        cells = (
            item.outcome.upper(),
            name,
            top.document if top else "",
            top.relation if top else "",
            match_text(top) if top else item.reason or "",
        )
        lines.append("| " + " | ".join(markdown.escape(c) for c in cells) + " |")
    return "\n".join([*lines, ""]) + "\n"
