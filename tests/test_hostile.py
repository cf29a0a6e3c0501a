"""Hostile and broken input, end to end through the ``dedup`` command: every bad
input gives one warning line naming it (and its line), the good inputs beside it
still count, the exit code is 0 unless the run cannot go on, and peak memory (a
child process's ``ru_maxrss``) stays bounded by ``--max-doc-bytes``, not the input."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE
from typer.testing import CliRunner

from dedup import Document, Skipped
from dedup.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
MB = 1 << 20
CAP = 5 * MB
"""The ``--max-doc-bytes`` of the big-input tests."""
MEMORY_BOUND_KB = (3 * CAP + 24 * MB) // 1024
"""Peak memory big inputs may add to a scan: three times the cap (a record and the
buffer it is read into) and 24 MB for the rest."""
GOOD = [ARTICLE, OTHER_ARTICLE, NEAR_COPY, ARTICLE, NEAR_COPY]
"""The articles among the big inputs."""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    peak_kb: int
    seconds: float

    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("dedup: warning:")]

    def report(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.stdout)
        return loaded


def dedup(*args: str | Path | int) -> Run:
    """``dedup ARGS`` in this process (no memory figure)."""
    started = time.monotonic()
    result = CliRunner().invoke(app, list(map(str, args)))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return Run(result.exit_code, result.stdout, result.stderr, 0, time.monotonic() - started)


# The child reports its own peak (VmHWM of its memory after exec): ``ru_maxrss`` as
# ``wait4`` gives it also counts the pytest process the child was forked from.
CHILD = """
import atexit, os
def peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(x for x in status if x.startswith("VmHWM:")).split()[1])
atexit.register(peak)
from dedup.cli.app import main
main()
"""


def dedup_child(*args: str | Path | int, timeout: float = 120.0) -> Run:
    """``dedup ARGS`` in a child process, with its peak resident memory in KB."""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc to measure a process's peak memory")
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        started = time.monotonic()
        child = subprocess.run(
            [sys.executable, "-c", CHILD, *map(str, args)],
            capture_output=True,
            cwd=ROOT,
            timeout=timeout,
            env={**os.environ, "PEAK_FILE": str(peak)},
        )
        return Run(
            child.returncode,
            child.stdout.decode("utf-8"),
            child.stderr.decode("utf-8"),
            int(peak.read_text()),
            time.monotonic() - started,
        )


def scanned(run: Run) -> tuple[set[str], set[str], dict[str, str]]:
    """Documents grouped or single, too-short documents, and skipped location: reason."""
    assert "Traceback" not in run.stderr, run.stderr
    report = run.report()
    grouped = {m["document"] for story in report["stories"] for m in story["members"]}
    short = {t["document"] for t in report["too_short"]}
    skipped = {s["location"]: s["reason"] for s in report["skipped"]}
    assert report["counts"]["skipped"] == len(report["skipped"])
    return grouped | set(report["singletons"]), short, skipped


def assert_warned_once_each(run: Run, skipped: dict[str, str]) -> None:
    """One line on stderr per skipped input, naming it, and nothing else but timings."""
    lines = run.warnings()
    assert sorted(lines) == sorted(
        f"dedup: warning: {where}: skipped: {why}" for where, why in skipped.items()
    )
    other = [x for x in run.stderr.splitlines() if x not in lines]
    assert all(x.startswith("time per stage:") for x in other), other


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def record(text: str, **fields: str) -> str:
    return json.dumps({"text": text, **fields})


# --- binary, encodings, empty ---------------------------------------------------------


def test_binary_files_and_nul_bytes_are_skipped_and_the_rest_counts(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "good.txt", ARTICLE)
    write(root / "random.txt", os.urandom(4096))
    write(root / "image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    write(root / "nul.md", (OTHER_ARTICLE.encode() + b"\x00\x00\x01\x02") * 20)
    write(root / "nul.json", b'{"text": "' + b"\x00\x01" * 100 + b'"}')
    feed = record(NEAR_COPY) + "\n" + "\x00\x01\x02\x03" * 30 + "\n" + record(OTHER_ARTICLE)
    write(root / "feed.jsonl", feed + "\n")
    run = dedup("scan", root, "-f", "json")
    assert run.code == 0
    documents, short, skipped = scanned(run)
    assert documents == {"good.txt", "feed.jsonl#L1", "feed.jsonl#L3"} and not short
    assert set(skipped) == {str(root / n) for n in ("random.txt", "image.html", "nul.md")} | {
        str(root / "nul.json"),
        f"{root / 'feed.jsonl'}#L2",
    }
    assert all("binary" in why or "undecodable" in why for why in skipped.values()), skipped
    assert_warned_once_each(run, skipped)


def test_every_unicode_encoding_of_one_article_is_the_same_article(tmp_path: Path) -> None:
    """UTF-8 with and without BOM, UTF-16 LE/BE with and without BOM all decode to the
    same text: they form one story of exact copies. Invalid UTF-8 and a file mixing
    Latin-1 and UTF-8 are read (a best guess), not skipped, and still group."""
    root = tmp_path / "in"
    write(root / "utf8.txt", ARTICLE)
    write(root / "utf8-bom.txt", codecs.BOM_UTF8 + ARTICLE.encode())
    write(root / "utf16.txt", ARTICLE.encode("utf-16"))
    write(root / "utf16le.txt", ARTICLE.encode("utf-16-le"))
    write(root / "utf16be.md", ARTICLE.encode("utf-16-be"))
    write(root / "utf16.json", record(ARTICLE, id="utf16-json").encode("utf-16"))
    write(root / "utf16.jsonl", (record(ARTICLE, id="utf16-jsonl") + "\n").encode("utf-16-le"))
    invalid = ARTICLE.encode().replace(b"Tuesday", b"Tues\xffday\xc3(")
    write(root / "invalid-utf8.txt", invalid)
    mixed = NEAR_COPY.replace("flood", "fl\u00f6od").encode()
    write(root / "mixed.txt", mixed + "Caf\u00e9 cr\u00e8me.\n".encode("latin-1"))
    run = dedup("scan", root, "-f", "json")
    assert run.code == 0
    report = run.report()
    assert report["skipped"] == [] and run.warnings() == []
    (story,) = report["stories"]
    relations = {m["document"]: m["relation"] for m in story["members"]}
    exact = {"utf8.txt", "utf8-bom.txt", "utf16.txt", "utf16le.txt", "utf16be.md"}
    exact |= {"utf16-json", "utf16-jsonl"}
    assert exact <= set(relations)
    hashes = {m["document"]: m["exact"] for m in story["members"]}
    assert len({hashes[d] for d in exact}) == 1
    assert relations.keys() == exact | {"invalid-utf8.txt", "mixed.txt"}
    assert hashes["invalid-utf8.txt"] != hashes["utf8.txt"] != hashes["mixed.txt"]


def test_empty_and_whitespace_only_articles_are_skipped_short_ones_set_aside(
    tmp_path: Path,
) -> None:
    root = tmp_path / "in"
    write(root / "empty.txt", b"")
    write(root / "blank.md", " \n\t\r\n   \n")
    write(root / "bom-only.txt", codecs.BOM_UTF8)
    write(root / "blank.html", "<html><body>   </body></html>")
    write(root / "empty.json", "")
    write(root / "none.json", "[]")
    write(root / "blank-record.json", record(" \n "))
    write(root / "feed.jsonl", "\n" + record("\t") + "\n\n" + record(ARTICLE) + "\n")
    write(root / "short.txt", "Too short to fingerprint.")
    run = dedup("scan", root, "-f", "json")
    assert run.code == 0
    documents, short, skipped = scanned(run)
    assert documents == {"feed.jsonl#L4"} and short == {"short.txt"}
    expected = {"empty.txt", "blank.md", "bom-only.txt", "empty.json", "none.json"}
    expected |= {"blank-record.json"}
    assert set(skipped) == {str(root / n) for n in expected} | {
        str(root / "blank.html"),
        f"{root / 'feed.jsonl'}#L2",
    }
    assert all("empty" in skipped[str(root / n)] for n in expected)
    assert_warned_once_each(run, skipped)


# --- structured input -----------------------------------------------------------------


def test_broken_json_lines_and_elements_are_named_and_the_good_ones_count(
    tmp_path: Path,
) -> None:
    root = tmp_path / "in"
    lines = [record(ARTICLE), '{"text": "cut off', record(NEAR_COPY), "[1, 2]", "{}"]
    lines += ["[" * 50_000 + "]" * 50_000, record(OTHER_ARTICLE)]
    write(root / "feed.jsonl", "\n".join(lines) + "\n")
    items = [{"id": "one", "text": ARTICLE}, {"id": "two"}, {"id": "three", "text": NEAR_COPY}]
    write(root / "list.json", json.dumps(items, indent=1))  # the records start on lines 2, 6, 9
    cut = [{"id": f"cut-{x['id']}", **({"text": x["text"]} if "text" in x else {})} for x in items]
    write(root / "cut.json", json.dumps(cut, indent=1)[:-40])
    write(root / "deep.json", "[" * 100_000 + "]" * 100_000)
    run = dedup("scan", root, "-f", "json")
    assert run.code == 0
    documents, _, skipped = scanned(run)
    feed = root / "feed.jsonl"
    # cut.json: the record before the cut counts, the one without text is named.
    assert documents == {f"feed.jsonl#L{n}" for n in (1, 3, 7)} | {"one", "three", "cut-one"}
    assert set(skipped) == {f"{feed}#L{n}" for n in (2, 4, 5, 6)} | {
        f"{root / 'list.json'}#L6",
        f"{root / 'cut.json'}#L6",
        str(root / "cut.json"),
        str(root / "deep.json"),
    }
    assert skipped[f"{root / 'list.json'}#L6"] == "record has no string field 'text'"
    assert "malformed JSON" in skipped[f"{feed}#L2"]
    assert "nested too deeply" in skipped[f"{feed}#L6"]
    assert "nested too deeply" in skipped[str(root / "deep.json")]
    assert "malformed JSON at line" in skipped[str(root / "cut.json")]
    assert_warned_once_each(run, skipped)


def test_html_scripts_styles_and_entity_bombs_do_not_reach_the_text(tmp_path: Path) -> None:
    bomb = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    page = (
        f"<!DOCTYPE html [{bomb}]><html><head><title>Westport barrier</title>"
        "<style>p { color: red } /* STYLE-MARKER */</style>"
        "<script>document.write('SCRIPT-MARKER')</script></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n"))
        + "<p>&e9;&e9; &amp;&lt;b&gt; &#x41;&#65;</p>"
        + '<img src="x" onerror="alert(\'ONERROR-MARKER\')">'
        + "</article><script>alert('SCRIPT-MARKER')</script></body></html>"
    )
    root = tmp_path / "in"
    write(root / "page.html", page)
    write(root / "copy.txt", ARTICLE)
    run = dedup("scan", root, "-f", "json")
    assert run.code == 0
    report = run.report()
    (story,) = report["stories"]
    assert {m["document"] for m in story["members"]} == {"page.html", "copy.txt"}
    texts = [s["text"] for m in story["members"] for s in m["sentences"]]
    page_text = " ".join(
        s["text"] for m in story["members"] if m["document"] == "page.html" for s in m["sentences"]
    )
    assert "&<b> AA" in page_text  # entities decoded once, as text
    for marker in ("STYLE-MARKER", "SCRIPT-MARKER", "ONERROR-MARKER", "lollol"):
        assert not any(marker in t for t in texts), marker
    assert len(page_text) < 2 * len(ARTICLE)  # no entity was expanded


# --- size: a 200 MB file, a 50 MB line, huge JSON -------------------------------------


def sparse(path: Path, head: bytes, size: int, tail: bytes = b"") -> Path:
    """``head``, NUL bytes up to ``size`` (a hole: nothing is written), then ``tail``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
        handle.seek(size)
        handle.write(tail)
    return path


def test_big_inputs_are_skipped_or_streamed_in_bounded_memory(tmp_path: Path) -> None:
    """A 200 MB file (skipped by its size, never read); a 200 MB JSONL feed whose
    middle line is all but 200 MB and a feed with a 50 MB line (only those lines
    skipped, never held whole); a 200 MB .json list (streamed record by record, line
    numbers intact); a .json object over the cap (skipped). Peak memory is compared
    with a scan of the same good articles alone."""
    small = write(tmp_path / "small" / "feed.jsonl", "\n".join(map(record, GOOD)) + "\n")
    baseline = dedup_child("scan", small.parent, "-f", "json", "--max-doc-bytes", CAP)
    assert baseline.code == 0 and len(scanned(baseline)[0]) == len(GOOD)
    root = tmp_path / "in"
    big = sparse(root / "big.txt", ARTICLE.encode(), 200 * MB)
    head = (record(ARTICLE) + "\n").encode()
    feed = sparse(root / "feed.jsonl", head, 200 * MB, b"\n" + record(OTHER_ARTICLE).encode())
    line50 = write(root / "line.jsonl", record("word " * (10 * MB)) + "\n" + record(NEAR_COPY))
    newlines = 200 * MB
    with (root / "list.json").open("wb") as handle:
        handle.write(("[" + record(ARTICLE, title="first") + ",").encode())
        for _ in range(newlines // MB):
            handle.write(b"\n" * MB)
        handle.write((record(NEAR_COPY, title="last") + "]\n").encode())
    too_big = write(root / "object.json", record("word " * (2 * CAP // 5)))
    run = dedup_child("scan", root, "-f", "json", "--max-doc-bytes", CAP)
    assert run.code == 0
    documents, _, skipped = scanned(run)
    assert documents == {"feed.jsonl#L1", "feed.jsonl#L3", "line.jsonl#L2"} | {
        "list.json#L1",
        f"list.json#L{newlines + 1}",
    }
    line_reason = f"line larger than --max-doc-bytes (> {CAP})"
    assert skipped == {
        str(big): f"larger than --max-doc-bytes ({200 * MB} > {CAP})",
        f"{feed}#L2": line_reason,
        f"{line50}#L1": line_reason,
        str(too_big): f"larger than --max-doc-bytes (> {CAP})",
    }
    assert_warned_once_each(run, skipped)
    assert run.peak_kb - baseline.peak_kb < MEMORY_BOUND_KB, (run.peak_kb, baseline.peak_kb)


def test_a_record_over_the_cap_in_a_streamed_list_stops_the_file_after_the_good_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "list.json"
    records = [record(ARTICLE, id="a"), record("word " * CAP, id="huge"), record(NEAR_COPY)]
    write(path, "[\n" + ",\n".join(records) + "\n]")
    run = dedup("scan", path, "-f", "json", "--max-doc-bytes", CAP)
    assert run.code == 0
    documents, _, skipped = scanned(run)
    assert documents == {"a"}
    assert skipped == {
        f"{path}#L3": f"record larger than --max-doc-bytes (> {CAP}); the rest of the file "
        "is not read"
    }


def test_a_long_single_line_article_takes_linear_time(tmp_path: Path) -> None:
    """A 2 MB line of words that trigger the boilerplate rules ("share", "related",
    "copyright"): linear work is a few seconds; work per trigger hit proportional to
    the text (the lines before the hit counted again) was over a minute."""
    words = "share this related story read more copyright notice ".split()
    line = " ".join(words[i % len(words)] + str(i % 97) for i in range(240_000))
    write(tmp_path / "line.txt", line)
    run = dedup_child("scan", tmp_path, "-f", "json", "--no-rewrites", timeout=45)
    assert run.code == 0
    documents, _, skipped = scanned(run)
    assert documents == {"line.txt"} and not skipped


# --- the file system: loops, permissions, odd names, many files ------------------------


def test_symlink_loops_are_named_and_skipped(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "good.txt", ARTICLE)
    (root / "a.txt").symlink_to(root / "b.txt")
    (root / "b.txt").symlink_to(root / "a.txt")
    (root / "self.md").symlink_to("self.md")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    run = dedup("scan", root, "-f", "json")
    assert run.code == 0
    documents, _, skipped = scanned(run)
    assert documents == {"good.txt"}
    assert set(skipped) == {str(root / n) for n in ("a.txt", "b.txt", "self.md", "sub/up")}
    assert_warned_once_each(run, skipped)


def test_a_file_swapped_for_a_symlink_after_listing_is_not_followed(tmp_path: Path) -> None:
    """The race the walk cannot see: between listing a regular file and opening it, it
    is replaced by a symlink to a file outside the root. The open refuses it."""
    from dedup.ingest import reader

    root, outside = tmp_path / "in", tmp_path / "secret.txt"
    write(root / "good.txt", ARTICLE)
    write(root / "swapped.txt", OTHER_ARTICLE)
    write(outside, NEAR_COPY)
    items = reader.iter_documents([str(root)])
    first = next(items)
    assert isinstance(first, Document) and first.id == "good.txt"
    (root / "swapped.txt").unlink()  # the listing is done: swap the next file
    (root / "swapped.txt").symlink_to(outside)
    rest = list(items)
    assert [type(item) for item in rest] == [Skipped]
    assert rest[0].location == str(root / "swapped.txt")
    assert "became a symlink after it was listed" in rest[0].reason


def test_unreadable_files_and_folders_are_named_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With permissions taken away; as root, who reads anything, the same errors are
    raised where the operating system would raise them."""
    root = tmp_path / "in"
    write(root / "good.txt", ARTICLE)
    secret = write(root / "secret.txt", NEAR_COPY)
    feed = write(root / "feed.jsonl", record(NEAR_COPY))
    locked = root / "locked"
    write(locked / "inside.txt", OTHER_ARTICLE)
    for path in (secret, feed, locked):
        path.chmod(0)
    try:
        if os.access(secret, os.R_OK):  # root: refuse as the OS would for others
            denied = {str(secret), str(feed), str(locked)}
            real_open, real_os_open, real_scandir = Path.open, os.open, os.scandir

            def refuse(path: Any) -> None:
                if str(path) in denied:
                    raise PermissionError(13, "Permission denied", str(path))

            def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
                refuse(self)
                return real_open(self, *args, **kwargs)

            def os_open(path: Any, *args: Any, **kwargs: Any) -> Any:
                refuse(path)
                return real_os_open(path, *args, **kwargs)

            def scandir(path: Any = ".") -> Any:
                refuse(path)
                return real_scandir(path)

            monkeypatch.setattr(Path, "open", open_)
            monkeypatch.setattr(os, "open", os_open)
            monkeypatch.setattr(os, "scandir", scandir)
        run = dedup("scan", root, "-f", "json")
    finally:
        for path in (secret, feed, locked):
            path.chmod(0o755)
    assert run.code == 0
    documents, _, skipped = scanned(run)
    assert documents == {"good.txt"}
    assert skipped == {
        str(secret): "unreadable: Permission denied",
        str(feed): "unreadable: Permission denied",
        str(locked): "unreadable folder: Permission denied",
    }
    assert_warned_once_each(run, skipped)


ODD_NAMES = [
    "new\nline.txt",
    "tab\there.txt",
    "-rf --help.txt",
    "  spaced  .txt",
    "quote\"'`$(rm).txt",
    "story.jsonl#L2.txt",
    "\u202eevil\u202dtxt.txt",
    "\U0001f4f0 news \u65b0\u95fb.md",
    "x" * 240 + ".txt",
]


def test_names_with_odd_characters_are_ids_and_warnings_stay_on_one_line(
    tmp_path: Path,
) -> None:
    root = tmp_path / "in"
    for number, name in enumerate(ODD_NAMES):
        write(root / name, f"Article {number}. " + OTHER_ARTICLE)
    write(root / "empty\nname\u2028\u202e.txt", "")
    raw = os.fsencode(root) + b"/caf\xe9 \xff.txt"
    with open(raw, "wb") as handle:
        handle.write(ARTICLE.encode())
    run = dedup("scan", root, "-f", "json")
    assert run.code == 0
    documents, _, skipped = scanned(run)
    assert documents == {*ODD_NAMES, "caf\\xe9 \\xff.txt"}
    (where,) = skipped
    assert where == str(root / "empty\nname\u2028\u202e.txt")
    (line,) = run.warnings()
    assert line.endswith("empty\\nname\\u2028\\u202e.txt: skipped: empty (no text)")
    text = dedup("scan", root)  # the terminal format too
    assert text.code == 0 and "\u202e" not in "".join(text.stderr)


def test_a_folder_tree_deeper_than_the_python_stack_is_walked(tmp_path: Path) -> None:
    """1,500 nested folders: os.walk (3.11) recursed once a level and crashed."""
    depth, top = 1500, tmp_path / "tree"
    levels = [top / ("d/" * n) for n in range(depth + 1)]
    for level in levels:
        os.mkdir(level)
    write(levels[-1] / "x.txt", ARTICLE)
    write(top / "top.txt", ARTICLE)
    try:
        run = dedup("scan", top, "-f", "json")
        assert run.code == 0
        documents, _, skipped = scanned(run)
        assert documents == {"top.txt", "d/" * depth + "x.txt"} and not skipped
    finally:  # shutil.rmtree, as pytest cleans up with, recurses too
        (levels[-1] / "x.txt").unlink()
        (top / "top.txt").unlink()
        for level in reversed(levels):
            os.rmdir(level)


def test_a_folder_of_100000_tiny_files_loses_none(tmp_path: Path) -> None:
    """Each file a few words (too short to fingerprint), in 100 folders, beside a copy
    pair: every file is counted, the pair still found. Measured: about 25 s here."""
    root = tmp_path / "many"
    for folder in range(100):
        (root / f"{folder:02d}").mkdir(parents=True)
    for number in range(100_000):
        name = os.path.join(root, f"{number % 100:02d}", f"{number:06d}.txt")
        descriptor = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(descriptor, f"Brief {number}: nothing.\n".encode())
        os.close(descriptor)
    write(root / "original.txt", ARTICLE)
    write(root / "copy.txt", ARTICLE)
    run = dedup("scan", root, "-f", "json", "--no-rewrites", "--no-ledger")
    assert run.code == 0
    report = run.report()
    assert report["counts"]["documents"] == 100_002
    assert report["counts"]["too_short"] == 100_000 and report["skipped"] == []
    (story,) = report["stories"]
    assert {m["document"] for m in story["members"]} == {"original.txt", "copy.txt"}
    assert run.seconds < 90, run.seconds
