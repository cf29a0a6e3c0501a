"""``dedup compare A B``: the relation, each tier's rule and scores, the evidence side
by side or the look-alike that refused it; text and schema-valid JSON; errors that
name the input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE, run

import dedup
from dedup.report.compare_report import schema

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
A, B = SEEDS / "000_3ef50ccfc186b47f.txt", SEEDS / "003_e20828b1d4f9b7ae.txt"
# (their headlines align by meaning, cosine 0.85)


def compared(*args: str | Path) -> dict[str, Any]:
    result = run("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    jsonschema.validate(document, schema())
    return document


def test_two_seeds_are_one_story_by_their_shared_facts() -> None:
    found = compared(A, B)
    assert (found["relation"], found["one_story"], found["too_short"]) == ("rewrite", True, False)
    assert found["a"] == {
        "document": A.name,
        "title": "Russian soldiers entered US military base in Niger",
    }
    assert found["copy_tier"]["relation"] is None
    assert found["copy_tier"]["rule"].startswith("not a copy: Jaccard 0.00")
    tier = found["rewrite_tier"]
    assert tier["outcome"] == "accepted"
    assert tier["reason"].startswith("same lede and facts:")
    assert len(tier["shared_facts"]) >= 3 and "name:niger" in tier["shared_facts"]
    expected = dedup.compare(*map(document, (A, B)))
    assert expected is not None and expected.rewrite is not None
    assert tier["aligned_sentences"] == expected.rewrite.aligned
    texts_a, texts_b = A.read_text("utf-8"), B.read_text("utf-8")
    assert tier["aligned"], "the two headlines align"
    for pair in tier["aligned"]:
        assert pair["a"]["text"] in texts_a and pair["b"]["text"] in texts_b
        assert pair["kind"] in {"verbatim", "near", "paraphrase"}


def document(path: Path) -> dedup.Document:
    (doc,) = dedup.iter_documents([str(path)])
    assert isinstance(doc, dedup.Document)
    return doc


def test_the_text_view_shows_the_verdict_rules_and_sentences_side_by_side() -> None:
    result = run("compare", A, B)
    assert result.exit_code == 0
    text = result.stdout
    assert f"A {A.name} · Russian soldiers entered US military base in Niger" in text
    assert "one story: rewrite" in text
    assert "copy tier: not a copy" in text
    assert "rewrite tier: a rewrite: same lede and facts" in text
    assert "shared facts: " in text and "name:niger" in text
    assert "aligned sentences" in text and "paraphrase" in text


def test_a_near_copy_is_decided_by_the_copy_tier(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(NEAR_COPY)
    found = compared(tmp_path / "a.txt", tmp_path / "b.txt")
    assert found["relation"] == found["copy_tier"]["relation"] == "near-copy"
    assert found["copy_tier"]["rule"].startswith("near-copy: Jaccard 0.")
    text = " ".join(run("compare", tmp_path / "a.txt", tmp_path / "b.txt").stdout.split())
    assert "rewrite tier (not needed: the copy tier decided):" in text
    plain = compared(tmp_path / "a.txt", tmp_path / "b.txt", "--no-rewrites")
    assert plain["relation"] == "near-copy" and plain["rewrite_tier"] is None


def test_unrelated_articles_are_not_one_story(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "c.txt").write_text(OTHER_ARTICLE)
    found = compared(tmp_path / "a.txt", tmp_path / "c.txt")
    assert (found["relation"], found["one_story"]) == (None, False)
    assert found["rewrite_tier"]["outcome"] == "too-little"
    assert "not one story" in run("compare", tmp_path / "a.txt", tmp_path / "c.txt").stdout


def test_a_look_alikes_refusal_is_shown(tmp_path: Path) -> None:
    """The two seeds, dated four months apart: the rewrite tier refuses them whatever
    they share, and says which look-alike rule did."""
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "early", "text": A.read_text("utf-8"), "date": "2024-05-03"},
        {"id": "late", "text": B.read_text("utf-8"), "date": "2024-09-03"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records))
    found = compared("early", "late", "--from", feed)
    assert (found["relation"], found["a"]["date"]) == (None, "2024-05-03")
    assert found["rewrite_tier"]["outcome"] == "look-alike"
    assert "days apart" in found["rewrite_tier"]["reason"]
    text = run("compare", "early", "late", "--from", feed).stdout
    assert "refused as a look-alike" in " ".join(text.split())


def test_ids_are_found_as_a_scan_names_them(tmp_path: Path) -> None:
    found = compared(A.name, B.name, "--from", SEEDS)
    assert found["relation"] == "rewrite"
    several = compared(f"seeds/{A.name}", "x/b.txt", "--from", SEEDS, "--from", _x(tmp_path))
    assert several["b"]["document"] == "x/b.txt"


def _x(tmp_path: Path) -> Path:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "b.txt").write_text(ARTICLE)
    return tmp_path / "x"


def test_too_short_articles_are_not_compared(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "s.txt").write_text("Too short to say.")
    found = compared(tmp_path / "a.txt", tmp_path / "s.txt")
    assert found["too_short"] is True
    assert found["relation"] is found["copy_tier"] is found["rewrite_tier"] is None
    assert "too short" in run("compare", tmp_path / "a.txt", tmp_path / "s.txt").stdout


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        ("missing", 2, "no such file or folder"),
        ("folder", 2, "is a folder; give a file, or ids with --from"),
        ("several", 2, "holds 2 articles; name two by id with --from"),
        ("binary", 3, "skipped"),
        ("unknown id", 2, "no document with id 'nope'"),
    ],
)
def test_bad_inputs_are_one_line_errors(
    tmp_path: Path, setup: str, code: int, message: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    args: list[str | Path] = {
        "missing": [tmp_path / "absent.txt", good],
        "folder": [tmp_path, good],
        "several": [_several(tmp_path), good],
        "binary": [_binary(tmp_path), good],
        "unknown id": ["nope", "good.txt", "--from", tmp_path],
    }[setup]
    result = run("compare", *args)
    assert result.exit_code == code
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("dedup: error: ") and message in line


def _several(tmp_path: Path) -> Path:
    path = tmp_path / "two.jsonl"
    path.write_text(json.dumps({"text": ARTICLE}) + "\n" + json.dumps({"text": NEAR_COPY}) + "\n")
    return path


def _binary(tmp_path: Path) -> Path:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 4)
    return path


def test_the_json_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = run("compare", A, B, "-f", "json", "-o", tmp_path / "c.json")
    assert first.exit_code == 0 and first.stdout == ""
    assert (tmp_path / "c.json").read_text("utf-8") == run("compare", A, B, "-f", "json").stdout
