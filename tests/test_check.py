"""``dedup check``: incoming articles against the index on SQLite and on a real
redis-server; relations and --fail-on, --window, read-only unless --add, exit codes,
and the JSON (schema-valid, reproducible), JUnit and text renderings."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import redis
from conftest import ARTICLE, OTHER_ARTICLE, folder, run

from dedup.cli.app import EXIT_FOUND, EXIT_OK, EXIT_OPERATIONAL, EXIT_USAGE
from dedup.config import ScanConfig
from dedup.index.backends import open_store
from dedup.index.check import check
from dedup.index.indexer import ParameterMismatch, add_documents
from dedup.ingest.document import Document, Skipped
from dedup.report import check_report
from tests.redis_server import free_port, redis_url  # noqa: F401
from tests.test_meaning import FERRY_A, FERRY_RETOLD

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SCHEMA = Path(__file__).resolve().parent.parent / "dedup" / "schema" / "check.schema.json"
FIFTH = "003_e20828b1d4f9b7ae.txt"  # credits Reuters ("told Reuters and the Associated Press")
HEADLINED = "Westport flood barrier will be built\n\n" + ARTICLE
RETITLED = "Harbour authority says estuary barrier goes ahead\n\n" + ARTICLE
TRIMMED = "\n\n".join(ARTICLE.split("\n\n")[:2])
BAKERY = """\
A family bakery that has sold bread on the same corner of the old town since before \
the war will close its doors at the end of the month, its owners said on Monday.

The couple, who took over the ovens from her grandfather, said that rising flour and \
energy prices had made the early mornings impossible to pay for, and thanked the \
customers who had queued outside in all weathers for three generations.
"""


@pytest.fixture(scope="session")
def validate() -> Any:
    """Parse JSON text and validate it against the shipped check schema."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def parse(text: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(text)
        validator.validate(document)
        return document

    return parse


def add(db: str, path: Path) -> None:
    result = run("index", "add", path, "--db", db, "--quiet")
    assert result.exit_code == EXIT_OK, result.stderr


def check_json(db: str, *args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run("check", *args, "--db", db, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def four_seeds(tmp_path: Path) -> Path:
    root = tmp_path / "indexed"
    root.mkdir()
    for path in SEEDS.iterdir():
        if path.name != FIFTH:
            shutil.copy(path, root / path.name)
    return root


# --- the scenario ------------------------------------------------------------------


def test_fifth_seed_is_a_rewrite_of_the_indexed_four(
    db: str, four_seeds: Path, validate: Any
) -> None:
    add(db, four_seeds)
    fifth = SEEDS / FIFTH
    result = run("check", fifth, "--db", db, "--fail-on", "rewrite", "--format", "json")
    assert result.exit_code == EXIT_FOUND, result.stderr
    (item,) = validate(result.stdout)["items"]
    assert (item["document"], item["outcome"], item["strongest"]) == (FIFTH, "fail", "rewrite")
    matched = {m["document"]: m for m in item["matches"]}
    assert set(matched) <= {p.name for p in four_seeds.iterdir()} and matched
    best = matched["000_3ef50ccfc186b47f.txt"]  # the Reuters-credited origin of the scan
    assert best["relation"] == "rewrite"
    assert best["evidence"]["reason"].startswith(("same lede and facts", "retold"))
    assert best["evidence"]["aligned"] or len(best["evidence"]["shared_facts"]) >= 3
    assert "number:1000" in best["evidence"]["shared_facts"]
    assert best["wire"]["agencies"][0] == "Reuters"
    assert any(e["agency"] == "Reuters" for e in best["wire"]["incoming"])
    assert any(e["agency"] == "Reuters" for e in best["wire"]["indexed"])
    # a rewrite is below the default (near-copy) and below copy: it passes
    assert run("check", fifth, "--db", db).exit_code == EXIT_OK
    assert run("check", fifth, "--db", db, "--fail-on", "copy").exit_code == EXIT_OK


def test_seeds_against_unrelated_articles_pass(db: str, tmp_path: Path) -> None:
    add(
        db,
        folder(
            tmp_path,
            "other",
            {"barrier.txt": ARTICLE, "orchid.txt": OTHER_ARTICLE, "bakery.txt": BAKERY},
        ),
    )
    code, report = check_json(db, SEEDS, "--fail-on", "rewrite")
    assert code == EXIT_OK
    assert report["counts"] == {
        "items": 5,
        "passed": 5,
        "failed": 0,
        "too_short": 0,
        "not_checked": 0,
        "matches": 0,
        "already_indexed": 0,
        "updates": 0,
    }


# --- relations and --fail-on ---------------------------------------------------------------


def test_copy_with_another_headline_is_a_copy(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "indexed", {"original.txt": HEADLINED, "orchid.txt": OTHER_ARTICLE}))
    incoming = folder(tmp_path, "incoming", {"retitled.txt": RETITLED})
    code, report = check_json(db, incoming)
    assert code == EXIT_FOUND
    (item,) = report["items"]
    (match,) = item["matches"]
    assert (match["document"], match["relation"]) == ("original.txt", "copy")
    assert 0.9 <= match["scores"]["jaccard"] < 1.0
    assert match["evidence"]["reason"].startswith("copy: word 5-shingle Jaccard 0.93")
    assert match["evidence"]["shared_shingles"] == match["scores"]["containment"] > 0.9


def test_trimmed_copy_is_a_near_copy(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "indexed", {"original.txt": HEADLINED}))
    incoming = folder(tmp_path, "incoming", {"trimmed.txt": TRIMMED})
    code, report = check_json(db, incoming)
    assert code == EXIT_FOUND
    (match,) = report["items"][0]["matches"]
    assert match["relation"] == "near-copy"
    assert match["scores"]["containment"] == 1.0 and match["scores"]["jaccard"] < 0.5
    assert "100% of the shorter article's" in match["evidence"]["reason"]
    assert run("check", incoming, "--db", db, "--fail-on", "copy").exit_code == EXIT_OK


def test_own_id_is_not_a_match_but_its_copies_are(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "news", {"a.txt": ARTICLE, "b.txt": ARTICLE}))
    code, report = check_json(db, tmp_path / "news" / "a.txt")
    assert code == EXIT_FOUND
    matches = report["items"][0]["matches"]
    assert [(m["document"], m["relation"]) for m in matches] == [("b.txt", "copy")]
    assert matches[0]["evidence"]["reason"] == "copy: the same text once normalised"


def test_matches_are_ordered_by_strength_then_id(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "news", {"z.txt": HEADLINED, "y.txt": TRIMMED, "x.txt": TRIMMED}))
    _, report = check_json(db, folder(tmp_path, "in", {"new.txt": RETITLED}))
    found = [(m["relation"], m["document"]) for m in report["items"][0]["matches"]]
    assert found == [("copy", "z.txt"), ("near-copy", "x.txt"), ("near-copy", "y.txt")]


def test_rewrites_respect_the_scans_day_limit(db: str) -> None:
    """Like the scan, dated articles more than ``rewrite_max_days`` apart are no rewrite."""
    origin = (SEEDS / "000_3ef50ccfc186b47f.txt").read_text(encoding="utf-8")
    fifth = (SEEDS / FIFTH).read_text(encoding="utf-8")
    with open_store(db) as store:
        add_documents([Document("origin", origin, date="2024-05-01")], store)
        near, far = (Document(f"day-{d}", fifth, date=f"2024-05-{d:02}") for d in (3, 9))
        result = check([near, far], store, fail_on="rewrite")
    assert [i.outcome for i in result.items] == ["fail", "pass"]
    assert [m.relation for m in result.items[0].matches] == ["rewrite"]


def test_rewrites_respect_the_scans_outlet_limit(db: str) -> None:
    """Like the scan, one outlet's article a day after its own is no rewrite of it;
    the same retold hours later, or another outlet's a day later, is. (Retold sentence
    by sentence: one outlet's two articles that only open alike are its follow-up.)"""
    origin, retold = FERRY_A, FERRY_RETOLD
    with open_store(db) as store:
        add_documents([Document("origin", origin, date="2024-05-01", source="Outlet")], store)
        incoming = [
            Document("same-day", retold, date="2024-05-01T10:00", source="Outlet"),
            Document("next-day", retold, date="2024-05-02", source="Outlet"),
            Document("other-outlet", retold, date="2024-05-02", source="Other"),
        ]
        result = check(incoming, store, fail_on="rewrite")
    assert [i.outcome for i in result.items] == ["fail", "pass", "fail"]


def test_library_refuses_bad_settings(db: str) -> None:
    with open_store(db) as store:
        with pytest.raises(ValueError, match="fail_on must be one of copy, near-copy, rewrite"):
            check([], store, fail_on="similar")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="window must not be negative"):
            check([], store, window=-timedelta(days=1))


# --- --window ----------------------------------------------------------------------------------


def test_window_leaves_out_articles_dated_far_from_the_incoming_one(
    db: str, tmp_path: Path
) -> None:
    indexed = tmp_path / "indexed.jsonl"
    indexed.write_text(json.dumps({"id": "march-1", "text": HEADLINED, "date": "2024-03-01"}))
    add(db, indexed)
    incoming = tmp_path / "incoming.jsonl"
    incoming.write_text(
        json.dumps({"id": "march-11", "text": RETITLED, "date": "2024-03-11T09:30:00Z"})
        + "\n"
        + json.dumps({"id": "undated", "text": RETITLED})
        + "\n"
    )
    code, report = check_json(db, incoming, "--window", "1d")
    assert code == EXIT_FOUND  # the undated one is still compared
    assert report["window_seconds"] == 86400
    dated, undated = report["items"]
    assert (dated["outcome"], dated["matches"]) == ("pass", [])
    assert [m["document"] for m in undated["matches"]] == ["march-1"]
    _, wide = check_json(db, incoming, "--window", "2w")
    assert [i["outcome"] for i in wide["items"]] == ["fail", "fail"]
    _, unlimited = check_json(db, incoming)
    assert unlimited["window_seconds"] is None
    assert [i["outcome"] for i in unlimited["items"]] == ["fail", "fail"]


def test_the_longest_window_is_no_limit(db: str, tmp_path: Path) -> None:
    indexed = tmp_path / "indexed.jsonl"
    indexed.write_text(json.dumps({"id": "old", "text": HEADLINED, "date": "0001-01-01"}))
    add(db, indexed)
    incoming = tmp_path / "incoming.jsonl"
    incoming.write_text(json.dumps({"id": "new", "text": RETITLED, "date": "9999-12-31"}))
    code, report = check_json(db, incoming, "--window", "999999999d")
    assert code == EXIT_FOUND and report["window_seconds"] == 999_999_999 * 86400


# --- incoming ids the index holds already ----------------------------------------------------


def test_an_indexed_article_checked_again_is_already_indexed(
    db: str, tmp_path: Path, validate: Any
) -> None:
    add(db, folder(tmp_path, "x", {"item.txt": HEADLINED, "other.txt": BAKERY}))
    incoming = folder(tmp_path, "a", {"item.txt": HEADLINED})
    text = run("check", incoming, "--db", db, "--fail-on", "copy")
    assert text.exit_code == EXIT_OK, text.stderr  # never its own match
    assert text.stdout.splitlines()[0] == "PASS item.txt · already indexed"
    assert text.stdout.splitlines()[-1].endswith(", 1 already indexed")
    result = run("check", incoming, "--db", db, "-f", "json")
    report = validate(result.stdout)
    (item,) = report["items"]
    assert (item["index_status"], item["matches"]) == ("already-indexed", [])
    assert (report["counts"]["already_indexed"], report["counts"]["updates"]) == (1, 0)
    junit = ET.fromstring(run("check", incoming, "--db", db, "-f", "junit").stdout)
    case = junit.find("testcase")
    assert case is not None and case.find("failure") is None
    assert case.findtext("system-out") == "item.txt is already indexed (the same text and metadata)"


def test_an_indexed_article_is_still_compared_with_the_others(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "x", {"item.txt": HEADLINED, "copy.txt": HEADLINED}))
    code, report = check_json(db, tmp_path / "x" / "item.txt")
    assert code == EXIT_FOUND
    (item,) = report["items"]
    assert item["index_status"] == "already-indexed"
    assert [m["document"] for m in item["matches"]] == ["copy.txt"]


def test_another_text_under_an_indexed_id_is_an_update(
    db: str, tmp_path: Path, validate: Any
) -> None:
    add(db, folder(tmp_path, "x", {"item.txt": BAKERY, "retitled.txt": RETITLED}))
    incoming = folder(tmp_path, "a", {"item.txt": HEADLINED, "new.txt": ARTICLE})
    result = run("check", incoming, "--db", db, "-f", "json")
    assert result.exit_code == EXIT_FOUND
    report = validate(result.stdout)
    update, new = report["items"]
    assert (update["index_status"], new["index_status"]) == ("update", "new")
    assert [m["document"] for m in update["matches"]] == ["retitled.txt"]  # not its old self
    assert (report["counts"]["already_indexed"], report["counts"]["updates"]) == (0, 1)
    text = run("check", incoming, "--db", db).stdout
    assert text.splitlines()[0] == "FAIL item.txt · an update of item.txt · strongest: copy"
    assert text.splitlines()[-1].endswith(", 1 update of an indexed article")
    junit = ET.fromstring(run("check", incoming, "--db", db, "-f", "junit").stdout)
    failure = junit.find("testcase/failure")
    assert failure is not None
    assert (failure.text or "").startswith("item.txt is an update of indexed item.txt")


def test_add_refuses_an_update_unless_replace(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "x", {"item.txt": HEADLINED}))
    incoming = folder(tmp_path, "a", {"item.txt": BAKERY})
    refused = run("check", incoming, "--db", db, "--add")
    assert refused.exit_code == EXIT_FOUND and "PASS item.txt · an update of item.txt" in (
        refused.stdout
    )
    assert "0 added, 0 updated, 0 unchanged, 1 refused" in refused.stderr
    assert "item.txt: the index holds another text" in refused.stderr
    assert "--replace" in refused.stderr
    replaced = run("check", incoming, "--db", db, "--add", "--replace")
    assert replaced.exit_code == EXIT_OK, replaced.stderr
    assert "0 added, 1 updated, 0 unchanged, 0 refused" in replaced.stderr
    with open_store(db, create=False) as store:
        assert [doc.text for doc in store.get(["item.txt"])] == [BAKERY]
    again = run("check", incoming, "--db", db, "--add")  # CI re-run after --add: green
    assert again.exit_code == EXIT_OK, again.stderr
    assert "PASS item.txt · already indexed" in again.stdout
    assert "0 added, 0 updated, 1 unchanged, 0 refused" in again.stderr


# --- read-only unless --add -------------------------------------------------------------------


def snapshot(db: str) -> dict[str, bytes | None]:
    """Every byte of the index: the SQLite files, or a dump of every Redis key."""
    if db.startswith("redis://"):
        with redis.Redis.from_url(db) as client:
            return {key.decode(): client.dump(key) for key in sorted(client.scan_iter())}
    folder = Path(db).parent
    return {
        p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name.startswith("index.db")
    }


def test_check_never_writes_unless_add(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "indexed", {"original.txt": HEADLINED}))
    incoming = folder(tmp_path, "incoming", {"retitled.txt": RETITLED, "bakery.txt": BAKERY})
    before = snapshot(db)
    assert run("check", incoming, "--db", db).exit_code == EXIT_FOUND
    assert run("check", incoming, "--db", db, "-f", "junit").exit_code == EXIT_FOUND
    assert snapshot(db) == before
    result = run("check", incoming, "--db", db, "--add")
    assert result.exit_code == EXIT_FOUND  # checked before being added
    assert "2 added, 0 updated, 0 unchanged, 0 refused" in result.stderr
    with open_store(db, create=False) as store:
        assert sorted(store.ids()) == ["bakery.txt", "original.txt", "retitled.txt"]
    code, report = check_json(db, incoming)
    assert code == EXIT_FOUND and report["items"][1]["matches"][0]["document"] == "original.txt"


def test_library_check_reads_only(db: str) -> None:
    with open_store(db) as store:
        add_documents([Document("a", HEADLINED)], store)
    before = snapshot(db)
    with open_store(db, create=False) as store:
        result = check([Document("b", RETITLED), Skipped("x.bin", "binary")], store)
    assert snapshot(db) == before
    assert [i.outcome for i in result.items] == ["fail", "not-checked"]
    assert result.failed and result.incomplete


# --- errors and exit codes -------------------------------------------------------------------


def test_missing_index_is_an_operational_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = run("check", SEEDS, "--db", missing)
    assert result.exit_code == EXIT_OPERATIONAL
    assert result.stderr == f"dedup: error: {missing}: no dedup index there\n"
    assert result.stdout == ""
    assert not missing.exists()


def test_unreachable_redis_is_an_operational_error() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = run("check", SEEDS, "--db", url)
    assert result.exit_code == EXIT_OPERATIONAL
    assert result.stderr.startswith(f"dedup: error: {url}: cannot connect")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "tomorrow"], "invalid duration 'tomorrow'"),
        (["--window", "-3d"], "invalid duration '-3d'"),
        (["--replace"], "--replace applies to --add only"),
        (["--fail-on", "similar"], "similar"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run("check", SEEDS, "--db", tmp_path / "index.db", *args)
    assert result.exit_code == EXIT_USAGE
    assert message in result.stderr


@pytest.mark.parametrize("window", ["1000000000d", "99999999999999999999w", "9" * 5000 + "d"])
def test_a_window_too_long_for_dates_is_a_one_line_usage_error(tmp_path: Path, window: str) -> None:
    result = run("check", SEEDS, "--db", tmp_path / "index.db", "--window", window)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("dedup: error: invalid duration '")
    assert result.stderr.endswith("': too large\n") and len(result.stderr) < 100


def test_missing_incoming_path_is_a_usage_error(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "indexed", {"original.txt": HEADLINED}))
    result = run("check", tmp_path / "nowhere", "--db", db)
    assert result.exit_code == EXIT_USAGE
    assert "no such file or folder" in result.stderr


def test_unreadable_input_is_reported_and_outranks_a_failure(
    db: str, tmp_path: Path, validate: Any
) -> None:
    add(db, folder(tmp_path, "indexed", {"original.txt": HEADLINED}))
    incoming = folder(
        tmp_path, "incoming", {"a.txt": RETITLED, "c.txt": BAKERY, "tiny.txt": "Too short."}
    )
    (incoming / "b.txt").write_bytes(b"\x00\x01\x02\x03binary" * 100)
    result = run("check", incoming, "--db", db, "--format", "json")
    assert result.exit_code == EXIT_OPERATIONAL
    report = validate(result.stdout)
    outcomes = [(i["document"], i["outcome"]) for i in report["items"]]
    assert outcomes == [
        ("a.txt", "fail"),
        (None, "not-checked"),
        ("c.txt", "pass"),
        ("tiny.txt", "too-short"),
    ]
    assert report["items"][1]["location"].endswith("b.txt") and report["items"][1]["reason"]
    assert "too short" in report["items"][3]["reason"]
    (error,) = result.stderr.strip().splitlines()
    assert error.startswith("dedup: error: ") and "b.txt: could not be checked" in error


def test_too_short_items_do_not_fail(db: str, tmp_path: Path) -> None:
    add(db, folder(tmp_path, "indexed", {"original.txt": HEADLINED}))
    code, report = check_json(
        db, folder(tmp_path, "in", {"tiny.txt": "Too short."}), "--fail-on", "rewrite"
    )
    assert code == EXIT_OK
    assert report["items"][0]["outcome"] == "too-short" and report["counts"]["too_short"] == 1


def test_index_built_with_other_settings_is_refused(db: str) -> None:
    with open_store(db) as store:
        add_documents([Document("a", HEADLINED)], store, ScanConfig(num_perm=64))
        with pytest.raises(ParameterMismatch, match="num_perm 64, this run uses 128"):
            check([Document("b", RETITLED)], store)
    result = run("check", SEEDS, "--db", db)
    assert result.exit_code == EXIT_OPERATIONAL
    assert "was built with num_perm 64, this run uses 128" in result.stderr


# --- renderings --------------------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path: Path) -> tuple[str, Path]:
    """A SQLite index with one article, and incoming copy, unrelated and binary items."""
    db = str(tmp_path / "index.db")
    add(db, folder(tmp_path, "indexed", {"original.txt": HEADLINED}))
    incoming = folder(tmp_path, "incoming", {"a.txt": RETITLED, "c.txt": BAKERY})
    (incoming / "b.txt").write_bytes(b"\x00\x01\x02\x03binary" * 100)
    return db, incoming


def test_json_is_schema_valid_and_identical_across_runs(
    mixed: tuple[str, Path], validate: Any
) -> None:
    db, incoming = mixed
    first = run("check", incoming, "--db", db, "--format", "json", "--fail-on", "rewrite")
    second = run("check", incoming, "--db", db, "--format", "json", "--fail-on", "rewrite")
    assert first.stdout_bytes == second.stdout_bytes
    report = validate(first.stdout)
    assert report["schema_version"] == 2 and report["fail_on"] == "rewrite"
    assert report["counts"]["items"] == 3 and report["counts"]["failed"] == 1


def test_seed_rewrite_json_is_schema_valid(four_seeds: Path, tmp_path: Path, validate: Any) -> None:
    db = str(tmp_path / "index.db")
    add(db, four_seeds)
    first = run("check", SEEDS / FIFTH, "--db", db, "-f", "json").stdout
    assert run("check", SEEDS / FIFTH, "--db", db, "-f", "json").stdout == first
    report = validate(first)
    incoming = flat((SEEDS / FIFTH).read_text(encoding="utf-8"))
    shown = 0
    for match in report["items"][0]["matches"]:
        assert {"weighted_jaccard", "aligned_sentences", "shared_facts"} <= set(match["scores"])
        pairs = match["evidence"]["aligned"]
        assert len(pairs) <= 3 and len(set(map(json.dumps, pairs))) == len(pairs)
        indexed = flat((SEEDS / match["document"]).read_text(encoding="utf-8"))
        for pair in pairs:  # each sentence comes from its own side
            assert flat(pair["indexed"]) in indexed and flat(pair["incoming"]) in incoming
            shown += 1
    assert shown >= 2


def flat(text: str) -> str:
    return " ".join(text.split())


def test_junit_has_one_testcase_per_item(mixed: tuple[str, Path], tmp_path: Path) -> None:
    db, incoming = mixed
    target = tmp_path / "junit.xml"
    result = run("check", incoming, "--db", db, "--format", "junit", "--output", target)
    assert result.exit_code == EXIT_OPERATIONAL and result.stdout == ""
    suite = ET.parse(target).getroot()
    assert suite.tag == "testsuite" and suite.get("name") == "dedup check"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == ["a.txt", str(incoming / "b.txt"), "c.txt"]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "copy"
    assert "original.txt" in (failure.get("message") or "")
    assert "copy: word 5-shingle Jaccard" in (failure.text or "")
    assert cases[1].find("error") is not None and cases[1].find("failure") is None
    assert cases[2].find("failure") is None and cases[2].find("error") is None


def test_junit_escapes_ids_and_text() -> None:
    from dedup.index.check import CheckedItem, CheckResult

    item = CheckedItem(
        'a<b>&"c\x07', "feed.jsonl#L1", "not-checked", reason="bad \x00 byte & <tag>"
    )
    xml = check_report.to_junit(CheckResult((item,), "near-copy", None, ScanConfig()))
    case = ET.fromstring(xml).find("testcase")
    assert case is not None and case.get("name") == 'a<b>&"c\ufffd'
    error = case.find("error")
    assert error is not None and error.get("message") == "bad \ufffd byte & <tag>"


def test_text_names_the_verdicts_and_the_matched_document(mixed: tuple[str, Path]) -> None:
    db, incoming = mixed
    result = run("check", incoming, "--db", db)
    assert result.exit_code == EXIT_OPERATIONAL
    lines = result.stdout.splitlines()
    assert lines[0] == "FAIL a.txt · strongest: copy"
    assert "copy of original.txt: jaccard 0.93, containment 0.97" in result.stdout
    assert any(line.startswith("ERROR ") and "b.txt" in line for line in lines)
    assert "PASS c.txt" in lines
    assert lines[-1].startswith("3 checked against the index (fail on near-copy): 1 failed")
