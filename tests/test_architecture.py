"""The package's layout stays readable: subpackages that follow the pipeline, few modules
at the root, none too long, and no import cycle (imports inside functions and under
TYPE_CHECKING count: a cycle in types is still two rooms that know each other)."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dedup"
MAX_LINES = 400
MAX_ROOT_MODULES = 8
MIN_SUBPACKAGES = 6


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The package modules ``path`` imports anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def test_no_import_cycles() -> None:
    try:
        tuple(graphlib.TopologicalSorter(_graph()).static_order())
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


def test_the_cycle_check_sees_a_cycle() -> None:
    graph = _graph()
    graph["dedup.text.normalise"].add("dedup.pipeline")  # pipeline reaches normalise
    with pytest.raises(graphlib.CycleError):
        tuple(graphlib.TopologicalSorter(graph).static_order())


def test_modules_stay_short() -> None:
    long = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_root_holds_few_modules_and_the_stages_are_subpackages() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    subpackages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert len(root) <= MAX_ROOT_MODULES, root
    assert len(subpackages) >= MIN_SUBPACKAGES, subpackages


def test_plain_cli_start_imports_no_heavy_library() -> None:
    """`import dedup` and the CLI stay light: numba, the index backends and scipy load
    only when a command needs them."""
    import subprocess
    import sys

    code = (
        "import sys, dedup, dedup.cli.app; "
        "print(','.join(m for m in ('numba', 'redis', 'scipy', 'sqlite3') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded in ("", "sqlite3"), loaded


def test_a_plain_scan_never_imports_the_cluster_engine() -> None:
    """Dask, distributed and pyarrow are loaded by ``--scheduler`` scans only: a plain
    ``dedup scan`` (every stage run) imports none of them."""
    import subprocess
    import sys

    code = (
        "import atexit, sys\n"
        "heavy = ('dask', 'distributed', 'pyarrow', 'dedup.engine.runner')\n"
        "atexit.register(lambda: print(','.join(m for m in heavy if m in sys.modules),"
        " file=sys.stderr))\n"
        "from dedup.cli.app import main\n"
        "sys.argv = ['dedup', 'scan', sys.argv[1], '-f', 'json', '-q']\n"
        "main()\n"
    )
    seeds = str(PACKAGE.parent / "seeds")
    done = subprocess.run(
        [sys.executable, "-c", code, seeds], capture_output=True, text=True, check=True
    )
    assert '"stories"' in done.stdout
    assert done.stderr.strip() == ""
