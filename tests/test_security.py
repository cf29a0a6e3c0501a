"""What dedup must never do with what it reads: unpickle or evaluate it, open the
paths or fetch the URLs that records name, follow a symlink out of the scanned
folder, put live markup or links into a report; and what it must always do: give
byte-identical JSON for the same input, whatever the order or the hash seed."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE, run
from rich.console import Console
from typer.testing import Result

import dedup
from dedup.cli.io import EXIT_OK
from dedup.index.backends import open_store
from dedup.report.html import to_html
from dedup.report.terminal import render_text

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dedup"
SECRET = "SECRET-7f3a"


# --- nothing read is unpickled or evaluated -------------------------------------------

UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "joblib", "marshal", "shelve"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
CLUSTER_ENGINE = {"dedup/engine/runner.py": ["pickle"], "dedup/engine/state.py": ["pickle"]}
"""The one exception: a cluster scan pickles its own tasks' partitions and results and
the state its workers share (Dask pickles every task anyway). Only what the scan
itself wrote is unpickled, from its private scratch directory (``tempfile.mkdtemp``:
mode 0700), never anything read from input."""


def unsafe_uses(tree: ast.AST) -> Iterator[str]:
    """Imports of pickling modules, calls of the built-in evaluators, numpy's and
    yaml's loaders in their unsafe modes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names]
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            yield from (n for n in names if n.split(".")[0] in UNSAFE_MODULES)
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in UNSAFE_CALLS:
                yield f"{node.func.id}() at line {node.lineno}"
            for keyword in node.keywords:
                if keyword.arg == "allow_pickle":
                    yield f"allow_pickle at line {node.lineno}"
            if isinstance(node.func, ast.Attribute) and node.func.attr in {"load", "loads"}:
                owner = node.func.value
                if isinstance(owner, ast.Name) and owner.id in {"yaml", "np", "numpy"}:
                    yield f"{owner.id}.{node.func.attr}() at line {node.lineno}"


def test_the_package_never_unpickles_or_evaluates() -> None:
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 20
    found = {
        str(path.relative_to(ROOT)): uses
        for path in sources
        if (uses := list(unsafe_uses(ast.parse(path.read_text(encoding="utf-8")))))
    }
    assert found == CLUSTER_ENGINE


def test_the_checker_finds_what_it_looks_for() -> None:
    code = "import pickle\nfrom marshal import loads\neval(x)\nnp.load(f, allow_pickle=True)\n"
    assert len(list(unsafe_uses(ast.parse(code)))) == 5
    assert list(unsafe_uses(ast.parse("re.compile(x)\npipe.eval(script)\njson.loads(x)"))) == []


# --- paths and URLs inside records are data, never opened -----------------------------

_EVENTS: list[tuple[str, tuple[Any, ...]]] = []
_RECORDING: list[bool] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _RECORDING and (event == "open" or event.startswith(("socket.", "urllib."))):
        _EVENTS.append((event, args))


sys.addaudithook(_audit)  # audit hooks cannot be removed: this one records only when asked


def recorded(*args: str | Path) -> tuple[Result, list[tuple[str, tuple[Any, ...]]]]:
    """Run dedup, recording every file opened and every network call made."""
    _EVENTS.clear()
    _RECORDING.append(True)
    try:
        result = run(*args)
    finally:
        _RECORDING.clear()
    return result, list(_EVENTS)


def test_paths_and_urls_in_records_are_never_opened_or_fetched(tmp_path: Path) -> None:
    decoy = tmp_path / "decoy.txt"
    decoy.write_text(f"{SECRET} {ARTICLE}")
    names = [str(decoy), "../decoy.txt", "decoy.txt", f"file://{decoy}", "~/decoy.txt"]
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    lines = [
        {"id": name, "text": f"{ARTICLE}\n{name}", "url": f"file://{decoy}", "source": name}
        for name in names
    ]
    lines.append({"text": str(decoy), "title": str(decoy), "url": "http://127.0.0.1:9/x.html"})
    lines.append({"text": NEAR_COPY, "url": "https://evil.example/t.js", "date": "../decoy.txt"})
    feed.write_text("\n".join(map(json.dumps, lines)) + "\n")
    db = tmp_path / "index.db"
    commands: list[list[str | Path]] = [
        ["scan", feed.parent, "-f", "json"],
        ["scan", feed.parent, "-f", "html"],
        ["index", "add", feed.parent, "--db", db],
        ["check", feed.parent, "--db", db, "-f", "junit"],
    ]
    for args in commands:
        result, events = recorded(*args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        # os.fdopen audits the descriptor (an int) of a file already audited by path
        paths = [e[1][0] for e in events if e[0] == "open" and not isinstance(e[1][0], int | None)]
        opened = [os.fsdecode(path) for path in paths]
        assert str(feed) in opened
        assert not any("decoy" in path for path in opened), opened
        assert [e for e in events if e[0] != "open"] == []  # no network at all
        assert SECRET not in result.stdout


# --- no symlink out of the scanned folder ---------------------------------------------


def test_symlinks_out_of_the_folder_are_not_followed_by_any_command(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text(f"{SECRET} {ARTICLE}")
    (outside / "feed.jsonl").write_text(json.dumps({"id": "private", "text": ARTICLE}) + "\n")
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "ok.txt").write_text(NEAR_COPY)
    (root / "link.txt").symlink_to(outside / "private.txt")
    (root / "relative.txt").symlink_to(Path("..") / "outside" / "private.txt")
    (root / "sub" / "hop.txt").symlink_to(root / "relative.txt")  # inside, then out
    (root / "feed.jsonl").symlink_to(outside / "feed.jsonl")
    (root / "dir").symlink_to(outside, target_is_directory=True)
    result = run("scan", root, "-f", "json")
    assert result.exit_code == EXIT_OK
    report = json.loads(result.stdout)
    assert report["singletons"] == ["ok.txt"] and report["stories"] == []
    skipped = {s["location"]: s["reason"] for s in report["skipped"]}
    outward = ("link.txt", "relative.txt", "sub/hop.txt", "feed.jsonl")
    assert {str(root / n): "symlink leads outside the scanned folder" for n in outward} | {
        str(root / "dir"): "symlinked folder not followed"
    } == skipped
    db = tmp_path / "index.db"
    assert run("index", "add", root, "--db", db).exit_code == EXIT_OK
    with open_store(str(db), create=False) as store:
        assert set(store.ids()) == {"ok.txt"}
    page = run("scan", root, "-f", "html").stdout
    assert SECRET not in page and SECRET not in result.stdout


# --- reports: no live markup, no links out, no terminal control -------------------------


def hostile_result() -> dedup.ScanResult:
    url = "javascript:alert(1)"
    return dedup.scan_documents(
        [
            dedup.Document("a.txt", ARTICLE, url="https://evil.example/x.js", title="<link>"),
            dedup.Document('"><base href=//evil>', NEAR_COPY + "\n<iframe src=//evil>", url=url),
            dedup.Document("c.txt", OTHER_ARTICLE, source="<object data=//evil>"),
        ]
    )


def test_the_html_report_is_self_contained_whatever_the_records_say() -> None:
    page = to_html(hostile_result())
    elements: list[tuple[str, list[tuple[str, str | None]]]] = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: elements.append((tag, attrs))  # type: ignore[method-assign]
    parser.feed(page)
    tags = {tag for tag, _ in elements}
    assert not tags & {"link", "script", "iframe", "base", "object", "img", "embed", "form"}
    names = {name for _, attrs in elements for name, _ in attrs}
    assert not names & {"src", "action", "srcset", "data", "style"}
    links = {value for _, attrs in elements for name, value in attrs if name == "href"}
    assert links and all(re.fullmatch(r"#(index|story-s-[0-9a-f]+)", v or "") for v in links)
    assert not any(name.startswith("on") for name in names)
    assert "url(" not in page and "@import" not in page
    assert "&lt;iframe src=//evil&gt;" in page  # the text itself is kept, as text


def test_the_terminal_report_prints_no_escape_sequences_from_articles() -> None:
    result = dedup.scan_documents(
        [
            dedup.Document("a\x1b]0;pwned\x07.txt", ARTICLE, title="\x1b[2J"),
            dedup.Document("b.txt", NEAR_COPY + "\nThe mayor said \x1b[5m it all, he said."),
        ]
    )
    out = io.StringIO()
    render_text(result, Console(file=out, width=200, force_terminal=True))
    printed = out.getvalue()
    assert "a.txt" not in printed and "b.txt" in printed
    assert "\x1b]" not in printed and "\x07" not in printed
    assert "\x1b[2J" not in printed and "\x1b[5m" not in printed


# --- determinism ----------------------------------------------------------------------


def build(folder: Path, order: list[int]) -> Path:
    """The same inputs, files created in the given order, the feed's records too."""
    root = folder / "in"
    root.mkdir(parents=True)
    texts = [ARTICLE, NEAR_COPY, OTHER_ARTICLE, ARTICLE.replace("Westport", "Eastport")]
    records = [{"id": f"r{n}", "text": t} for n, t in enumerate(texts)]
    files = {
        0: ("a.txt", ARTICLE),
        1: ("sub/b.md", NEAR_COPY),
        2: ("sub/deeper/c.txt", OTHER_ARTICLE),
        3: ("feed.jsonl", "\n".join(json.dumps(records[n % 4]) for n in order[:4]) + "\n"),
        4: ("seed.txt", (ROOT / "seeds" / "003_e20828b1d4f9b7ae.txt").read_text()),
        5: ("seed2.txt", (ROOT / "seeds" / "004_86388d61ef7a0d0b.txt").read_text()),
    }
    for number in order + [n for n in files if n not in order]:
        name, text = files[number]
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_json_is_byte_identical_across_orders_and_hash_seeds(tmp_path: Path) -> None:
    """Files created in other orders (so listed in other orders by the file system),
    records in another order, and another PYTHONHASHSEED: the same bytes."""
    here = run("scan", build(tmp_path / "a", [0, 1, 2, 3]), "-f", "json")
    assert here.exit_code == EXIT_OK
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"  # not this process's
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dedup.cli.app import main; main()",
            "scan",
            "in",
            "-f",
            "json",
        ],
        capture_output=True,
        cwd=build(tmp_path / "b", [3, 2, 1, 0, 5, 4]).parent,
        env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert child.returncode == 0, child.stderr.decode()
    outputs = [here.stdout, child.stdout.decode("utf-8")]
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert report["stories"] and len(report["pairs"]) >= 3
