"""The wheel ``python -m build`` makes installs and runs: the command, ``python -m
dedup`` and the package data (schemas, the sentence matcher's weights) are in it.

Offline and quick: the wheel is built without build isolation (the dev extra holds
``build`` and the setuptools version pyproject.toml asks for), from a copy of the
sources so that the checkout gets no build/ folder; it is installed with
``--no-deps --no-index`` into a new virtualenv, which sees this environment's
packages (numpy, numba...) through a path file added after the install."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import dedup

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("build") is None, reason="the build package is not installed"
)


def run(*command: str | Path, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    done = subprocess.run(
        list(map(str, command)),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    return done.stdout


def test_the_wheel_installs_and_runs(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "dedup", source / "dedup", ignore=shutil.ignore_patterns("__pycache__"))
    run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "-o",
        tmp_path / "dist",
        ".",
        cwd=source,
    )
    (wheel,) = (tmp_path / "dist").glob("dedup-*.whl")
    assert wheel.name == f"dedup-{dedup.__version__}-py3-none-any.whl"

    env = tmp_path / "venv"
    venv.create(env, system_site_packages=True, with_pip=False)
    python = env / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "--quiet",
        wheel,
        cwd=tmp_path,
    )
    installed = Path(
        run(python, "-c", "import site; print(site.getsitepackages()[0])", cwd=tmp_path).strip()
    )
    (installed / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")

    where = run(python, "-c", "import dedup; print(dedup.__file__)", cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(env)  # the wheel's copy, not this checkout
    assert run(env / "bin" / "dedup", "--version", cwd=tmp_path) == f"dedup {dedup.__version__}\n"
    report = json.loads(
        run(python, "-m", "dedup", "scan", ROOT / "seeds", "-q", "-f", "json", cwd=tmp_path)
    )
    assert report["counts"]["stories"] == 1  # the rewrites need the matcher's weights
    schemas = run(
        python,
        "-c",
        "from dedup.report import check_report, compare_report, "
        "serialise; print(len(str([m.schema() for m in (check_report, "
        "compare_report, serialise)])))",
        cwd=tmp_path,
    )
    assert int(schemas) > 1000
