"""``dedup check`` in CI: ``--format github`` (workflow commands, the job summary), the
example GitHub Actions workflow and the pre-commit hook, each run as shipped."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE
from typer.testing import CliRunner, Result

from dedup.cli.app import EXIT_FOUND, EXIT_OK, EXIT_OPERATIONAL, app
from dedup.config import ScanConfig
from dedup.index.check import CheckedItem, CheckResult
from dedup.report import github

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
COMMAND = re.compile(r"^::(error|warning|notice)( [^:]*)?::(.*)$")


def cli(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(map(str, args)), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture
def archive(tmp_path: Path) -> tuple[str, Path]:
    """An index of four seeds and one article; an incoming folder with a copy of the
    article, a rewrite (the fifth seed), an unrelated article, an unreadable file and
    a JSON Lines feed whose second record is a near copy."""
    (tmp_path / "archive").mkdir()
    for seed in SEEDS.glob("00[0124]*.txt"):
        (tmp_path / "archive" / seed.name).write_text(seed.read_text("utf-8"), "utf-8")
    (tmp_path / "archive" / "original.txt").write_text(ARTICLE, "utf-8")
    db = str(tmp_path / "archive.db")
    assert cli("index", "add", tmp_path / "archive", "--db", db, "-q").exit_code == EXIT_OK
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "copy.txt").write_text(ARTICLE, "utf-8")
    (incoming / "rewrite.txt").write_text((SEEDS / "003_e20828b1d4f9b7ae.txt").read_text("utf-8"))
    (incoming / "fresh.txt").write_text(OTHER_ARTICLE, "utf-8")
    (incoming / "blob.txt").write_bytes(bytes(range(256)) * 4)
    feed = [{"id": "f1", "text": OTHER_ARTICLE[::-1]}, {"id": "f2", "text": NEAR_COPY}]
    (incoming / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in feed))
    return db, incoming


def annotations(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    """The workflow commands in the output: level, properties, message."""
    found = []
    for line in stdout.splitlines():
        command = COMMAND.match(line)
        if command:
            props = dict(p.split("=", 1) for p in (command[2] or " ").strip().split(",") if p)
            found.append((command[1], props, command[3]))
    return found


def test_github_format_annotates_each_file_at_its_level(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    db, incoming = archive
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    result = cli("check", incoming, "--db", db, "--format", "github", env=env)
    assert result.exit_code == EXIT_OPERATIONAL  # the unreadable file outranks the failures
    found = {
        props.get("file", "") + "#" + props.get("line", ""): (level, props, message)
        for level, props, message in annotations(result.stdout)
    }
    assert set(found) == {
        f"{incoming}/blob.txt#",
        f"{incoming}/copy.txt#",
        f"{incoming}/feed.jsonl#2",
        f"{incoming}/rewrite.txt#",
    }
    level, props, message = found[f"{incoming}/copy.txt#"]
    assert level == "error"
    assert props["title"] == "dedup%3A copy of original.txt"
    assert message.startswith("copy.txt fails (fail on near-copy):%0Acopy of original.txt")
    assert found[f"{incoming}/feed.jsonl#2"][0] == "error"
    assert "near-copy of original.txt" in found[f"{incoming}/feed.jsonl#2"][2]
    level, props, message = found[f"{incoming}/rewrite.txt#"]
    assert level == "warning"  # a rewrite passes at the default --fail-on near-copy
    assert "passes (fail on near-copy)" in message and "rewrite of 00" in message
    assert found[f"{incoming}/blob.txt#"][0] == "error"
    assert result.stdout.rstrip().splitlines()[-1].startswith("6 checked against the index")
    text = summary.read_text("utf-8")
    assert text.startswith("### dedup check: 6 checked against the index")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + 4  # header, rule, and the four annotated items
    assert any(row.startswith("| FAIL | copy.txt | original.txt | copy |") for row in rows)


def test_fail_on_sets_the_level(archive: tuple[str, Path]) -> None:
    db, incoming = archive
    rewrite = incoming / "rewrite.txt"
    levels = {}
    for fail_on in ("rewrite", "near-copy", "copy"):
        result = cli("check", rewrite, "--db", db, "-f", "github", "--fail-on", fail_on)
        levels[fail_on] = (result.exit_code, [a[0] for a in annotations(result.stdout)])
    assert levels == {
        "rewrite": (EXIT_FOUND, ["error"]),
        "near-copy": (EXIT_OK, ["warning"]),
        "copy": (EXIT_OK, ["warning"]),
    }
    fresh = cli("check", incoming / "fresh.txt", "--db", db, "-f", "github")
    assert (fresh.exit_code, annotations(fresh.stdout)) == (EXIT_OK, [])


def test_the_summary_is_appended_only_when_asked_for(
    archive: tuple[str, Path], tmp_path: Path
) -> None:
    db, incoming = archive
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    for _ in range(2):
        cli("check", incoming / "copy.txt", "--db", db, "-f", "github", env=env)
    text = summary.read_text("utf-8")
    assert text.startswith("earlier step\n### dedup check") and text.count("### dedup check") == 2
    cli("check", incoming / "copy.txt", "--db", db, "-f", "json", env=env)
    assert summary.read_text("utf-8") == text  # other formats leave it alone
    cli("check", incoming / "copy.txt", "--db", db, "-f", "github", env={"GITHUB_STEP_SUMMARY": ""})
    assert summary.read_text("utf-8") == text
    broken = cli(
        "check",
        incoming / "copy.txt",
        "--db",
        db,
        "-f",
        "github",
        env={"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "such" / "file.md")},
    )
    assert broken.exit_code == EXIT_FOUND  # the verdict stands
    assert "dedup: warning: cannot append the job summary to" in broken.stderr


def test_input_cannot_inject_workflow_commands() -> None:
    """Ids, locations and reasons from input are escaped as GitHub's toolkit escapes
    them: no line break survives, and properties keep their separators."""
    hostile = "a,b:c%d\n::set-output name=x::pwned\r\n::error::fake"
    item = CheckedItem(hostile, f"dir,x/{hostile}.txt", "not-checked", reason=hostile)
    text = github.workflow_commands(CheckResult((item,), "near-copy", None, ScanConfig()))
    lines = text.splitlines()
    assert len(lines) == 2 and lines[0].startswith("::error file=")
    ((_, props, message),) = annotations(text)
    escaped = "a%2Cb%3Ac%25d%0A%3A%3Aset-output name=x%3A%3Apwned%0D%0A%3A%3Aerror%3A%3Afake"
    assert props["file"] == f"dir%2Cx/{escaped}.txt"
    assert message == "a,b:c%25d%0A::set-output name=x::pwned%0D%0A::error::fake"
    summary = github.step_summary(CheckResult((item,), "near-copy", None, ScanConfig()))
    rows = [line for line in summary.splitlines() if line.startswith("|")]
    assert len(rows) == 3  # header, rule, the item: its line breaks did not split the row


def test_the_example_workflow_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text("utf-8"))
    (job,) = workflow["jobs"].values()
    steps = {step.get("id"): step for step in job["steps"]}
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "original.txt").write_text(ARTICLE)
    (tmp_path / "incoming").mkdir()
    (tmp_path / "incoming" / "copy.txt").write_text(NEAR_COPY)
    (tmp_path / "incoming" / "fresh.txt").write_text(OTHER_ARTICLE)
    monkeypatch.chdir(tmp_path)
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    codes = []
    for name in ("index", "check"):
        argv = shlex.split(steps[name]["run"])
        assert argv[0] == "dedup"
        result = cli(*argv[1:], env=env)
        codes.append(result.exit_code)
    assert codes == [EXIT_OK, EXIT_FOUND]  # the near copy fails the job
    ((level, props, _),) = annotations(result.stdout)
    assert (level, props["file"]) == ("error", "incoming/copy.txt")
    assert "near-copy" in (tmp_path / "summary.md").read_text("utf-8")


def test_the_pre_commit_hook_checks_the_staged_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "dedup-check" and hook["language"] == "python"
    staged = ["news/copy.txt", "news/story.md", "feed.jsonl", "page.html", "tool.py", "a.png"]
    files = [f for f in staged if re.search(hook["files"], f)]
    assert files == ["news/copy.txt", "news/story.md", "feed.jsonl", "page.html"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "original.txt").write_text(ARTICLE)
    assert cli("index", "add", "original.txt", "-q").exit_code == EXIT_OK  # the default --db
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "copy.txt").write_text(ARTICLE)
    (tmp_path / "news" / "story.md").write_text(OTHER_ARTICLE)
    (tmp_path / "feed.jsonl").write_text(json.dumps({"text": OTHER_ARTICLE[::-1]}) + "\n")
    (tmp_path / "page.html").write_text(
        f"<html><body><article><p>{OTHER_ARTICLE}</p></article></body></html>"
    )
    argv = shlex.split(hook["entry"]) + hook.get("args", [])
    assert argv[0] == "dedup"
    blocked = cli(*argv[1:], *files)
    assert blocked.exit_code == EXIT_FOUND and "FAIL news/copy.txt" in blocked.stdout
    passed = cli(*argv[1:], *files[1:])
    assert passed.exit_code == EXIT_OK, passed.stdout
