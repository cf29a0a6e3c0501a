"""Document dates: the formats read (ISO 8601, RFC 2822, US numeric, epoch, Reuters),
time zones converted to UTC (in the scan's origin choice, ``check --window`` and ``index
prune`` on SQLite and on a real redis-server), and one warning per input about dates that
cannot be read, the articles still scanned undated."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE, run

from dedup.cli.app import EXIT_FOUND, EXIT_OK
from dedup.index import indexer
from dedup.index.backends import open_store
from dedup.ingest.dates import parse_date
from dedup.ingest.document import Document, Notice, Skipped
from dedup.ingest.reader import iter_documents
from dedup.pipeline import scan_documents
from dedup.text.dates import days_between
from tests.redis_server import redis_url  # noqa: F401


def test_offsets_are_converted_not_dropped() -> None:
    """The issue's pair: 30 minutes apart once both are in UTC (8.5 hours on their faces)."""
    west, east = parse_date("2024-03-01T23:30:00-08:00"), parse_date("2024-03-02T08:00:00+01:00")
    assert (west, east) == (datetime(2024, 3, 2, 7, 30), datetime(2024, 3, 2, 7, 0))
    assert days_between(west, east) == pytest.approx(30 / (24 * 60))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RSS's RFC 2822, with the zones it names
        ("Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05T10:00:00"),
        ("Tue, 05 Mar 2024 10:00:00 -0800", "2024-03-05T18:00:00"),
        ("Tue, 05 Mar 2024 10:00:00 EST", "2024-03-05T15:00:00"),
        ("Tue, 05 Mar 2024 10:00:00 -0800 (PST)", "2024-03-05T18:00:00"),
        ("05 Mar 24 22:15 +0100", "2024-03-05T21:15:00"),
        # free forms, the 12-hour clock read right
        ("March 5, 2024 10:00 PM -0500", "2024-03-06T03:00:00"),
        ("Tuesday, 5 March 2024", "2024-03-05T00:00:00"),
        # numeric: month first, as US feeds write them
        ("03/01/2024", "2024-03-01T00:00:00"),
        ("12/31/2024 08:00", "2024-12-31T08:00:00"),
        # epoch seconds and milliseconds (JSON numbers arrive as their text)
        ("1709251200", "2024-03-01T00:00:00"),
        ("1709251200500", "2024-03-01T00:00:00.500000"),
        # ISO 8601, a value without a zone taken as UTC
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00"),
        ("2024-03-01 10:00", "2024-03-01T10:00:00"),
        ("20240301", "2024-03-01T00:00:00"),
    ],
)
def test_feed_formats_are_read_in_utc(text: str, expected: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None and parsed.tzinfo is None
    assert parsed.isoformat() == expected


@pytest.mark.parametrize(
    "text",
    [
        "13/01/2024",  # day first: not read month first, and never swapped silently
        "Tue, 05 Mar 2024 10:00:00 CET",  # a zone name without one offset for all
        "2024-03-05 10:00 IST",  # India, Ireland or Israel
        "March 2024",  # no day: dateutil would take today's
        "March 5",  # no year
        "10:00",  # a time alone
        "2024",
        "last Tuesday",
        "0001-01-01T00:00:00+05:00",  # before the calendar once in UTC
    ],
)
def test_what_cannot_be_read_exactly_is_not_read(text: str) -> None:
    assert parse_date(text) is None


def test_a_huge_value_is_no_date() -> None:
    """Not read at all: dateutil would take seconds here, hours on megabytes."""
    assert parse_date("2024-03-01 " + "1 " * 100_000) is None


def test_reuters_dates_still_keep_their_day() -> None:
    assert parse_date("26-FEB-1987 15:01:01.79") == datetime(1987, 2, 26, 15, 1, 1, 790000)
    assert parse_date("31-MAR-1987 605:12:19.12") == datetime(1987, 3, 31)
    assert parse_date("27-MAR-1987 00:02:59.13&#5;&#5;&#5;RM") == datetime(
        1987, 3, 27, 0, 2, 59, 130000
    )


# --- one warning per input -------------------------------------------------------------------


def _feed(path: Path, dates: list[str | int | None]) -> Path:
    texts = [ARTICLE, OTHER_ARTICLE, NEAR_COPY, ARTICLE + "\nA closing line."]
    lines = [
        json.dumps({"id": f"{path.stem}-{i}", "text": texts[i % len(texts)], "date": date})
        for i, date in enumerate(dates)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_notice_per_input_after_its_articles(tmp_path: Path) -> None:
    bad = _feed(tmp_path / "bad.jsonl", ["next Tuesday", "2024-03-01", "13/01/2024", None])
    good = _feed(tmp_path / "good.jsonl", ["Tue, 05 Mar 2024 10:00:00 GMT", 1709251200])
    items = list(iter_documents([str(bad), str(good)]))
    assert [type(i) for i in items] == [Document] * 4 + [Notice] + [Document] * 2
    notice = items[4]
    assert isinstance(notice, Notice)
    assert notice.location == str(bad)
    assert notice.message() == (
        f"{bad}: 2 dates could not be read, e.g. 'next Tuesday' at {bad}#L1; read undated"
    )


def test_notices_for_reuters_files_and_standard_input(tmp_path: Path) -> None:
    sgm = tmp_path / "reut.sgm"
    story = '<REUTERS NEWID="{n}"><DATE>{date}</DATE><TEXT><BODY>{body}</BODY></TEXT></REUTERS>'
    sgm.write_text(
        story.format(n=1, date="26-FEB-1987 15:01:01.79", body=ARTICLE)
        + story.format(n=2, date="sometime in March", body=OTHER_ARTICLE)
    )
    stdin = io.BytesIO(json.dumps({"text": ARTICLE, "date": "soon"}).encode())
    items = list(iter_documents([str(sgm), "-"], stdin=stdin))
    notices = [i for i in items if isinstance(i, Notice)]
    assert [n.location for n in notices] == [str(sgm), "stdin"]
    assert f"'sometime in March' at {sgm}#2" in notices[0].reason
    assert "1 date could not be read, e.g. 'soon' at stdin#L1" in notices[1].reason


def test_unreadable_dates_leave_articles_undated_and_scanned() -> None:
    """The scan groups the copies whatever their dates say; the notice comes through."""
    items: list[Document | Skipped | Notice] = [
        Document("a", ARTICLE, date="next Tuesday"),
        Document("b", ARTICLE + "\nA closing line.", date="2024-03-01"),
        Notice("feed.jsonl", "1 date could not be read"),
    ]
    result = scan_documents(items)
    assert [sorted(m.document for m in s.members) for s in result.stories] == [["a", "b"]]
    assert result.notices == (Notice("feed.jsonl", "1 date could not be read"),)
    assert result.skipped == ()


def test_scan_warns_once_per_input(tmp_path: Path) -> None:
    feed = _feed(tmp_path / "feed.jsonl", ["next Tuesday", "soon", "later", "2024-03-01"])
    result = run("scan", feed, "--format", "json")
    assert result.exit_code == EXIT_OK
    warnings = [line for line in result.stderr.splitlines() if "could not be read" in line]
    assert warnings == [
        f"dedup: warning: {feed}: 3 dates could not be read, e.g. 'next Tuesday' "
        f"at {feed}#L1; read undated"
    ]
    report = json.loads(result.stdout)
    assert report["counts"]["documents"] == 4
    assert report["skipped"] == []


def test_index_add_and_check_warn_too(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    feed = _feed(tmp_path / "feed.jsonl", ["soon", "2024-03-01"])
    added = run("index", "add", feed, "--db", db)
    assert added.exit_code == EXIT_OK
    assert f"{feed}: 1 date could not be read, e.g. 'soon'" in added.stderr
    assert "2 added" in added.stdout
    incoming = _feed(tmp_path / "incoming.jsonl", ["whenever"])
    checked = run("check", incoming, "--db", db, "--format", "json")
    assert f"{incoming}: 1 date could not be read, e.g. 'whenever'" in checked.stderr
    assert [i["outcome"] for i in json.loads(checked.stdout)["items"]] == ["fail"]


# --- the stages that use dates -----------------------------------------------------------------


def test_the_origin_is_the_earliest_in_utc() -> None:
    """Two copies: 08:00 in Paris is earlier than 23:30 the evening before in Seattle."""
    items = [
        Document("paris", ARTICLE, date="2024-03-02T08:00:00+01:00"),
        Document("seattle", ARTICLE + "\nA closing line.", date="2024-03-01T23:30:00-08:00"),
    ]
    (story,) = scan_documents(items).stories
    assert story.origin == "paris"


def test_window_compares_times_in_utc(db: str, tmp_path: Path) -> None:
    """The issue's pair, 30 minutes apart, is within ``--window 6h``; an RSS date 12.5
    hours later is read and is not (unread, it was compared whatever the window)."""
    indexed = tmp_path / "indexed.jsonl"
    indexed.write_text(
        json.dumps({"id": "seattle", "text": ARTICLE, "date": "2024-03-01T23:30:00-08:00"})
    )
    assert run("index", "add", indexed, "--db", db, "--quiet").exit_code == EXIT_OK
    incoming = tmp_path / "incoming.jsonl"
    records = [
        {"id": "paris", "text": ARTICLE, "date": "2024-03-02T08:00:00+01:00"},
        {"id": "rss-late", "text": ARTICLE, "date": "Sat, 02 Mar 2024 20:00:00 GMT"},
        {"id": "rss-soon", "text": ARTICLE, "date": "Sat, 02 Mar 2024 07:45:00 GMT"},
    ]
    incoming.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    result = run("check", incoming, "--db", db, "--window", "6h", "--format", "json")
    assert result.exit_code == EXIT_FOUND
    outcomes = {i["document"]: i["outcome"] for i in json.loads(result.stdout)["items"]}
    assert outcomes == {"paris": "fail", "rss-late": "pass", "rss-soon": "fail"}


def test_prune_converts_zones_and_reads_feed_dates(db: str) -> None:
    """Pruning 12 hours back from noon UTC on June 1: the cutoff is midnight UTC."""
    now = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    dated = {
        "after-in-utc": "2024-05-31T20:00:00-05:00",  # 01:00 UTC June 1: kept
        "before-in-utc": "2024-06-01T03:00:00+05:00",  # 22:00 UTC May 31
        "rss": "Fri, 31 May 2024 10:00:00 GMT",
        "epoch": "1717192800",  # 22:00 UTC May 31
        "us": "05/31/2024",
    }
    docs = [Document(i, f"{ARTICLE}\n{i}", date=d) for i, d in dated.items()]
    with open_store(db) as store:
        indexer.add_documents(docs, store)  # added now, after ``now``: an unread date is kept
        assert indexer.prune(store, timedelta(hours=12), now) == 4
        assert list(store.ids()) == ["after-in-utc"]
