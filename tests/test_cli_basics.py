"""The command's basics: ``--version``, ``python -m dedup``, help that says what scan
finds, and a quiet exit 0 when the reader of the output goes away."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ARTICLE
from typer.testing import CliRunner

import dedup
from dedup.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_PAIR = ("000_3ef50ccfc186b47f.txt", "003_e20828b1d4f9b7ae.txt")


def dedup_process(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m dedup ARGS`` in a fresh interpreter, with this checkout first."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert result.stdout == f"dedup {project['version']}\n"
    assert dedup.__version__ == project["version"]


def test_python_m_dedup_runs_the_command() -> None:
    version = dedup_process("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"dedup {dedup.__version__}")
    scanned = dedup_process("scan", str(SEEDS), "-q", "--format", "json")
    assert scanned.returncode == 0, scanned.stderr
    assert json.loads(scanned.stdout)["counts"]["documents"] == 5


def test_scan_help_says_it_finds_rewrites() -> None:
    result = CliRunner().invoke(app, ["scan", "--help"], env={"COLUMNS": "200"})
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())
    assert "copies, near-copies and rewrites" in text
    assert "groups of copies and near-copies" not in text


# --- the reader goes away: exit 0, nothing on stderr -----------------------------------


def quiet_exit(done: subprocess.CompletedProcess[str]) -> None:
    assert (done.returncode, done.stderr) == (0, ""), done.stderr


def dedup_run_with_pipe(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run dedup with standard output a pipe whose reader has already gone: the first
    write fails with EPIPE, as in ``dedup scan … | head`` once head has exited."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "dedup", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("output_format", ["text", "json"])  # rich, and our own writer
def test_scan_stops_quietly_when_the_reader_goes_away(output_format: str, tmp_path: Path) -> None:
    quiet_exit(dedup_run_with_pipe("scan", str(SEEDS), "-f", output_format, tmp_path=tmp_path))


def test_check_compare_and_index_stop_quietly_too(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = str(tmp_path / "index.db")
    added = CliRunner().invoke(app, ["index", "add", str(tmp_path / "a.txt"), "--db", db])
    assert added.exit_code == 0, added.output
    for output_format in ("text", "github"):
        args = ("check", str(tmp_path / "a.txt"), "--db", db, "-f", output_format)
        quiet_exit(dedup_run_with_pipe(*args, tmp_path=tmp_path))
    quiet_exit(
        dedup_run_with_pipe("compare", *(str(SEEDS / n) for n in SEED_PAIR), tmp_path=tmp_path)
    )
    quiet_exit(dedup_run_with_pipe("index", "stats", "--db", db, tmp_path=tmp_path))  # print()


def test_a_full_disk_is_still_an_error(tmp_path: Path) -> None:
    """Only a closed pipe is quiet: another write failure stays an operational error."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "dedup", "scan", str(SEEDS), "-q", "-f", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
            check=False,
        )
    assert done.returncode == 3
    assert done.stderr.startswith("dedup: error: cannot write to standard output")
