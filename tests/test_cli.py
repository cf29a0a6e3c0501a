"""The ``dedup scan`` command: output formats, exit codes, warnings on stderr,
atomic ``--output``, schema-valid and reproducible JSON."""

from __future__ import annotations

import json
import os
import random
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import write_with_non_utf8_name
from typer.testing import CliRunner, Result

import dedup
from dedup.cli.app import EXIT_OK, EXIT_OPERATIONAL, EXIT_USAGE, app
from dedup.report.serialise import json_chunks

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
Validate = Callable[[str], dict[str, Any]]


def run(*args: str | Path, stdin: bytes | str | None = None) -> Result:
    result = CliRunner().invoke(app, ["scan", *map(str, args)], input=stdin)
    # Only clean exits: a traceback would show up as another exception type here.
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    return result


def warnings(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("dedup: warning:")]


# --- the seeds and a corpus with a story ---------------------------------------------


def test_seeds_list_five_documents(validate: Validate) -> None:
    text = run(SEEDS)
    assert text.exit_code == EXIT_OK
    assert text.stdout.strip().splitlines()[-1].startswith("5 documents:")
    result = run(SEEDS, "--format", "json")
    assert result.exit_code == EXIT_OK
    report = validate(result.stdout)
    assert report["counts"]["documents"] == 5
    assert report["counts"]["skipped"] == 0
    listed = {m["document"] for s in report["stories"] for m in s["members"]}
    listed |= set(report["singletons"])
    assert listed == {p.name for p in SEEDS.glob("*.txt")}


def test_copy_and_near_copy_form_one_story(corpus: Path, validate: Validate) -> None:
    result = run(corpus, "--format", "json")
    assert result.exit_code == EXIT_OK
    report = validate(result.stdout)
    assert report["counts"] == {
        "documents": 4,
        "fingerprinted": 4,
        "stories": 1,
        "pairs": 2,
        "singletons": 1,
        "too_short": 0,
        "skipped": 0,
    }
    (story,) = report["stories"]
    assert [m["document"] for m in story["members"]] == ["copy.txt", "near.md", "original.txt"]
    exact = {m["document"]: m["exact"] for m in story["members"]}
    assert exact["copy.txt"] == exact["original.txt"] != exact["near.md"]
    relations = {(p["a"], p["b"]): p["relation"] for p in report["pairs"]}
    # identical texts are represented by one of them (the first by id, without dates):
    # the other is listed as its copy, and the near copy pairs with the representative
    assert relations == {
        ("copy.txt", "original.txt"): "copy",
        ("copy.txt", "near.md"): "near-copy",
    }
    members = {m["document"]: m["relation"] for m in story["members"]}
    assert members == {"copy.txt": "origin", "original.txt": "copy", "near.md": "near-copy"}
    assert report["singletons"] == ["orchid.txt"]
    assert report["parameters"]["num_perm"] == 128


def test_text_format_names_the_story_members_and_counts(corpus: Path) -> None:
    result = run(corpus)
    assert result.exit_code == EXIT_OK
    for name in ("copy.txt", "near.md", "original.txt"):
        assert name in result.stdout
    assert "near-copy" in result.stdout
    assert "4 documents: 1 stories, 2 verified pairs, 1 singletons" in result.stdout
    assert "orchid.txt" not in result.stdout  # singletons are only counted
    assert not result.stdout.lstrip().startswith("{")


def test_parameters_reach_the_report(corpus: Path, validate: Validate) -> None:
    result = run(corpus, "-f", "json", "--num-perm", "64", "--seed", "7", "--shingle", "char")
    assert result.exit_code == EXIT_OK
    parameters = validate(result.stdout)["parameters"]
    assert (parameters["num_perm"], parameters["seed"], parameters["shingle"]) == (64, 7, "char")


# --- reproducible JSON ------------------------------------------------------------


def test_json_is_byte_identical_across_runs(corpus: Path) -> None:
    first = run(corpus, "--format", "json").stdout_bytes
    assert run(corpus, "--format", "json").stdout_bytes == first
    assert b'"schema_version": 4' in first


def test_json_does_not_depend_on_the_order_of_root_arguments(
    tmp_path: Path, article: str, validate: Validate
) -> None:
    for folder in ("wire", "local"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(article, encoding="utf-8")
    (tmp_path / "local" / "empty.txt").write_text("")
    forward = run(tmp_path / "wire", tmp_path / "local", "-f", "json")
    backward = run(tmp_path / "local", tmp_path / "wire", "-f", "json")
    assert forward.stdout_bytes == backward.stdout_bytes
    report = validate(forward.stdout)
    (story,) = report["stories"]
    assert [m["document"] for m in story["members"]] == ["local/story.txt", "wire/story.txt"]


def test_folders_of_one_name_under_two_parents_lose_no_article(
    tmp_path: Path, article: str, validate: Validate
) -> None:
    for parent in ("x", "y"):
        (tmp_path / parent / "news").mkdir(parents=True)
        (tmp_path / parent / "news" / "item.txt").write_text(article, encoding="utf-8")
    result = run(tmp_path / "x" / "news", tmp_path / "y" / "news", "-f", "json")
    assert warnings(result) == []
    report = validate(result.stdout)
    assert report["skipped"] == []
    (story,) = report["stories"]
    members = [m["document"] for m in story["members"]]
    assert members == ["x/news/item.txt", "y/news/item.txt"]


def test_library_output_does_not_depend_on_document_order(corpus: Path) -> None:
    items = list(dedup.iter_documents([str(corpus)]))
    items.append(dedup.Skipped("elsewhere/x.bin", "binary"))
    items.append(dedup.Document(id="tiny", text="too short to fingerprint"))
    items.append(dedup.Document(id="alpha-dup", text=(corpus / "original.txt").read_text()))
    expected = dedup.to_json(dedup.scan_documents(items))
    assert '"alpha-dup"' in expected and '"tiny"' in expected
    rng = random.Random(1234)
    for _ in range(10):
        shuffled = items[:]
        rng.shuffle(shuffled)
        assert dedup.to_json(dedup.scan_documents(shuffled)) == expected


def test_json_written_in_pieces_is_the_same_text(corpus: Path) -> None:
    """``--format json`` streams ``report.json_chunks``: the same bytes as ``to_json``,
    empty lists included."""
    items = [*dedup.iter_documents([str(corpus)]), dedup.Skipped("x.bin", "binary")]
    items.append(dedup.Document(id="tiny", text="too short to fingerprint"))
    for result in (dedup.scan_documents(items), dedup.scan_documents([])):
        assert "".join(json_chunks(result)) == dedup.to_json(result)
    assert run(corpus, "-f", "json").stdout == dedup.to_json(dedup.scan_documents(items[:-2]))


# --- skipped inputs --------------------------------------------------------------------


def test_skipped_inputs_warn_once_each_on_stderr_and_are_listed(
    tmp_path: Path, article: str, validate: Validate
) -> None:
    root = tmp_path / "mixed"
    root.mkdir()
    (root / "good.txt").write_text(article)
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\x00\xff\xfe\x00\x00" * 8)
    (root / "empty.md").write_text("  \n")
    (root / "notes.pdf").write_bytes(b"%PDF")
    (root / "feed.jsonl").write_text(
        json.dumps({"text": article}) + "\n{broken\n" + json.dumps({"text": "x " + article}) + "\n"
    )
    result = run(root, "--format", "json")
    assert result.exit_code == EXIT_OK
    report = validate(result.stdout)
    expected = {
        str(root / "binary.txt"),
        str(root / "empty.md"),
        str(root / "notes.pdf"),
        str(root / "feed.jsonl") + "#L2",
    }
    assert {s["location"] for s in report["skipped"]} == expected
    assert report["counts"]["documents"] == 3
    lines = warnings(result)
    assert len(lines) == 4
    for location in expected:
        assert [line for line in lines if f" {location}: skipped: " in line], location
    assert "warning" not in result.stdout
    assert "Traceback" not in result.stderr


def test_quiet_silences_warnings_but_keeps_them_in_the_report(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = run(tmp_path, "--quiet", "-f", "json")
    assert result.exit_code == EXIT_OK
    assert result.stderr == ""
    assert json.loads(result.stdout)["skipped"][0]["location"] == str(tmp_path / "empty.txt")


def test_file_over_max_doc_bytes_is_skipped_with_a_warning(tmp_path: Path, article: str) -> None:
    (tmp_path / "big.txt").write_text(article)
    (tmp_path / "small.txt").write_text(article[:300])
    result = run(tmp_path, "--max-doc-bytes", "400", "-f", "json")
    assert result.exit_code == EXIT_OK
    assert json.loads(result.stdout)["counts"]["documents"] == 1
    (line,) = warnings(result)
    assert str(tmp_path / "big.txt") in line and "max-doc-bytes" in line


# --- standard input ---------------------------------------------------------------------


def test_stdin_jsonl(article: str, validate: Validate) -> None:
    data = "\n".join(json.dumps({"text": article}) for _ in range(2)) + "\n{bad\n"
    result = run("-", "-f", "json", stdin=data)
    assert result.exit_code == EXIT_OK
    report = validate(result.stdout)
    (story,) = report["stories"]
    assert [m["document"] for m in story["members"]] == ["stdin#L1", "stdin#L2"]
    assert report["skipped"][0]["location"] == "stdin#L3"
    assert any("stdin#L3: skipped:" in line for line in warnings(result))


def test_stdin_text_is_one_article(article: str) -> None:
    result = run("-", "-f", "json", stdin=article)
    assert result.exit_code == EXIT_OK
    assert json.loads(result.stdout)["singletons"] == ["stdin"]


# --- exit codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--no-such-option"],
        ["--format", "xml"],
        ["--num-perm", "3"],
        ["--num-perm", "many"],
        ["--shingle-size", "0"],
        ["--lsh-threshold", "1.5"],
        ["--max-doc-bytes", "0"],
        ["--shingle", "sentence"],
    ],
)
def test_usage_errors_exit_2(corpus: Path, args: list[str]) -> None:
    result = run(corpus, *args)
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_no_paths_is_a_usage_error() -> None:
    assert run().exit_code == EXIT_USAGE


def test_nonexistent_path_exits_2_naming_it(corpus: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = run(corpus, missing)
    assert result.exit_code == EXIT_USAGE
    assert f"no such file or folder: {missing}" in result.stderr
    assert result.stdout == ""


def test_invalid_parameter_message_names_it(corpus: Path) -> None:
    result = run(corpus, "--num-perm", "3")
    assert "num_perm" in result.stderr


# --- --output -------------------------------------------------------------------------


def test_output_file_holds_exactly_what_stdout_would(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    result = run(corpus, "-f", "json", "--output", out)
    assert result.exit_code == EXIT_OK
    assert result.stdout == ""
    assert out.read_bytes() == run(corpus, "-f", "json").stdout_bytes
    assert os.listdir(out.parent) == ["report.json"]  # no temporary file left behind


def test_output_replaces_an_existing_file_and_keeps_its_mode(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    out.write_text("old content that is longer than nothing\n" * 1000)
    out.chmod(0o640)
    result = run(corpus, "-o", out)
    assert result.exit_code == EXIT_OK
    text = out.read_text()
    assert "old content" not in text
    assert "4 documents: 1 stories" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_new_output_file_gets_the_usual_mode_not_a_private_one(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    old = os.umask(0o022)
    try:
        assert run(corpus, "-f", "json", "-o", out).exit_code == EXIT_OK
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.parametrize("where", ["missing-folder", "is-a-folder", "under-a-file"])
def test_unwritable_output_exits_3(corpus: Path, tmp_path: Path, where: str) -> None:
    target = {
        "missing-folder": tmp_path / "nowhere" / "report.json",
        "is-a-folder": tmp_path,
        "under-a-file": corpus / "original.txt" / "report.json",
    }[where]
    before = sorted(os.listdir(tmp_path))
    result = run(corpus, "-f", "json", "--output", target)
    assert result.exit_code == EXIT_OPERATIONAL
    assert f"cannot write {target}" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == before  # no temporary file left behind


def test_file_names_that_are_not_utf8_do_not_break_the_output(
    tmp_path: Path, article: str, validate: Validate
) -> None:
    root = tmp_path / "r"
    write_with_non_utf8_name(root, article)
    (root / "copy.txt").write_text(article)
    out = tmp_path / "report.json"
    result = run(root, "-f", "json", "-o", out)
    assert result.exit_code == EXIT_OK, result.stderr
    report = validate(out.read_text(encoding="utf-8"))
    assert [m["document"] for m in report["stories"][0]["members"]] == ["caf\\xe9.txt", "copy.txt"]


def test_a_warning_stays_on_one_line_whatever_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "two\nlines.txt").write_text("")
    (tmp_path / "tab\there.md").write_text(" ")
    result = run(tmp_path, "-f", "json")
    assert result.exit_code == EXIT_OK
    lines = warnings(result)
    assert len(lines) == 2
    assert any(f"{tmp_path}/two\\nlines.txt: skipped: empty" in line for line in lines)
    assert any(f"{tmp_path}/tab\\there.md: skipped: empty" in line for line in lines)
    # the report keeps the name as it is
    locations = {s["location"] for s in json.loads(result.stdout)["skipped"]}
    assert locations == {str(tmp_path / "two\nlines.txt"), str(tmp_path / "tab\there.md")}


def test_no_rewrites_option_leaves_the_seeds_ungrouped(validate: Validate) -> None:
    with_rewrites = validate(run(SEEDS, "-f", "json").stdout)
    without = validate(run(SEEDS, "-f", "json", "--no-rewrites").stdout)
    assert with_rewrites["counts"]["stories"] == 1
    assert without["counts"]["stories"] == 0
    assert without["parameters"]["rewrites"] is False


def test_json_carries_the_ledger_and_no_ledger_leaves_it_out(validate: Validate) -> None:
    full = validate(run(SEEDS, "-f", "json").stdout)
    [story] = full["stories"]
    statuses = {s["status"] for m in story["members"] for s in m["sentences"]}
    assert statuses == {"shared", "divergent", "boilerplate"}
    assert story["fact_divergences"]
    bare = validate(run(SEEDS, "-f", "json", "--no-ledger").stdout)
    [plain] = bare["stories"]
    assert plain["fact_divergences"] == []
    assert all(m["sentences"] == [] and m["dropped"] == [] for m in plain["members"])
    assert bare["parameters"]["ledger"] is False


def test_source_names_the_outlet_of_a_folder_of_plain_files(tmp_path: Path) -> None:
    """Two seeds joined by the same lede and rare facts; said to be one outlet's files
    (``--source``), they are its follow-up, not a retold story; the JSON names the source."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in ("000_3ef50ccfc186b47f.txt", "004_86388d61ef7a0d0b.txt"):
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    plain = CliRunner().invoke(app, ["scan", str(folder), "-f", "json", "-q"])
    outlet = CliRunner().invoke(app, ["scan", str(folder), "-f", "json", "-q", "--source", "Wire"])
    assert (plain.exit_code, outlet.exit_code) == (EXIT_OK, EXIT_OK)
    assert [p["relation"] for p in json.loads(plain.stdout)["pairs"]] == ["rewrite"]
    assert json.loads(outlet.stdout)["stories"] == []
    empty = CliRunner().invoke(app, ["scan", str(folder), "--source", " "])
    assert empty.exit_code == EXIT_USAGE
    assert empty.stderr.strip() == "dedup: error: --source must not be empty"
