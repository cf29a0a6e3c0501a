"""Reports of many stories: the terminal shows the largest first and counts the rest
(``--limit``); Markdown and HTML open with an index of the stories linking to each;
``--format csv`` has a row per story member."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from test_render_html import Page, chromium, needs_chromium
from typer.testing import CliRunner

import dedup
from dedup.cli.app import app
from dedup.report.csv_table import COLUMNS, csv_rows
from dedup.report.html import to_html
from dedup.report.markdown import escape, to_markdown

STORIES = 30
FAST = dedup.ScanConfig(rewrites=False, ledger=False)


def story_size(i: int) -> int:
    """2 to 6 members, in no particular order of i."""
    return 2 + (i * 7) % 5


def synthetic_corpus(root: Path, stories: int, seed: int = 7) -> Path:
    """``stories`` stories of random words, each a headlined article and its copies
    with one word changed per copy (so near-copies or copies, never of another story),
    and three articles too short to fingerprint."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choices(letters, k=rng.randint(4, 9))) for _ in range(6000)]
    root.mkdir()
    for i in range(stories):
        title = " ".join(rng.choice(words) for _ in range(5)).capitalize()
        sentences = [" ".join(rng.choices(words, k=12)).capitalize() + "." for _ in range(8)]
        for k in range(story_size(i)):
            body = sentences.copy()
            body[k % 8] = body[k % 8].replace(body[k % 8].split()[1], rng.choice(words), 1)
            text = f"{title}\n\n" + "\n\n".join(body) + "\n"
            (root / f"story{i:04d}-{k}.txt").write_text(text, encoding="utf-8")
    for k in range(3):
        (root / f"short{k}.txt").write_text(f"Too short {k}.", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_corpus(tmp_path_factory.mktemp("many") / "corpus", STORIES)


@pytest.fixture(scope="module")
def result(folder: Path) -> dedup.ScanResult:
    return dedup.scan([str(folder)], FAST)


def test_the_corpus_makes_one_story_per_planted_story(result: dedup.ScanResult) -> None:
    sizes = sorted(len(s.members) for s in result.stories)
    assert sizes == sorted(story_size(i) for i in range(STORIES))
    assert len(result.too_short) == 3


def scan_text(folder: Path, *options: str) -> str:
    run = CliRunner().invoke(
        app,
        ["scan", str(folder), "-q", "--no-rewrites", "--no-ledger", *options],
        env={"COLUMNS": "300"},
    )
    assert run.exit_code == 0, run.output
    return run.stdout


def shown_sizes(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^story s-\w+ · (\d+) members", text, re.M)]


def test_terminal_shows_the_largest_stories_first_and_counts_the_rest(
    folder: Path, result: dedup.ScanResult
) -> None:
    everything = sorted((len(s.members) for s in result.stories), reverse=True)
    text = scan_text(folder)  # the default limit: 20
    assert shown_sizes(text) == everything[:20]
    left = everything[20:]
    assert f"not shown: {len(left)} smaller stories ({sum(left)} documents)" in text
    assert text.count("too short to fingerprint") == 3  # fewer than the limit: all shown
    assert text.rstrip().splitlines()[-1].startswith(f"{result.documents} documents:")
    limited = scan_text(folder, "--limit", "2")
    assert shown_sizes(limited) == everything[:2]
    assert limited.count("too short to fingerprint") == 2
    assert "smaller stories" in limited and "and 1 more too-short articles" in limited
    complete = scan_text(folder, "--limit", "0")
    assert shown_sizes(complete) == everything
    assert "not shown" not in complete


def test_a_negative_limit_is_a_usage_error(folder: Path) -> None:
    run = CliRunner().invoke(app, ["scan", str(folder), "--limit", "-1"])
    assert run.exit_code == 2


def index_rows(markdown: str) -> list[list[str]]:
    table = markdown.split("## Index of stories\n\n", 1)[1].split("\n\n", 1)[0]
    return [row.strip("| ").split(" | ") for row in table.splitlines()[2:]]


def test_markdown_opens_with_an_index_linking_to_every_story(result: dedup.ScanResult) -> None:
    markdown = to_markdown(result)
    assert markdown.index("## Index of stories") < markdown.index("## Story ")
    rows = index_rows(markdown)
    assert len(rows) == STORIES
    sizes = [int(r[1]) for r in rows]
    assert sizes == sorted(sizes, reverse=True)
    by_id = {s.id: s for s in result.stories}
    for story_cell, size, wire, origin, title, relations in rows:
        link = re.fullmatch(r"\[(s-\w+)\]\(#(story-s-\w+)\)", story_cell)
        assert link is not None, story_cell
        story = by_id[link[1]]
        assert markdown.count(f'<a id="{link[2]}"></a>\n\n## Story {story.id} ') == 1
        assert int(size) == len(story.members)
        assert wire == "none named"
        assert origin == escape(story.origin)
        origin_member = next(m for m in story.members if m.document == story.origin)
        assert title == origin_member.member.title and title  # headlined articles
        counts = Counter(m.relation for m in story.members)
        kinds = ("copy", "near-copy", "rewrite")
        assert relations == ", ".join(f"{counts[r]} {r}" for r in kinds if counts[r])


def test_html_opens_with_an_index_linking_to_every_story(result: dedup.ScanResult) -> None:
    page = Page(to_html(result))
    sections = {e.attrs["id"]: e.attrs["data-story"] for e in page.find("story")}
    rows = [
        e for e in page.elements if e.tag == "tr" and e.story is None and "data-story" in e.attrs
    ]
    links = [e.attrs["href"] for e in page.elements if e.tag == "a" and e.story is None]
    assert len(rows) == len(links) == STORIES == len(sections)
    assert [sections[href.removeprefix("#")] for href in links] == [
        r.attrs["data-story"] for r in rows
    ]
    by_size = sorted(result.stories, key=lambda s: -len(s.members))  # stable: scan order
    assert [r.attrs["data-story"] for r in rows] == [s.id for s in by_size]
    ups = [e for e in page.elements if e.tag == "a" and e.attrs.get("href") == "#index"]
    assert len(ups) == STORIES  # every story links back to the index


def test_csv_has_a_row_per_story_member_matching_the_json(folder: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["scan", str(folder), "-q", "--format", "csv"]).stdout
    report = json.loads(runner.invoke(app, ["scan", str(folder), "-q", "-f", "json"]).stdout)
    rows = list(csv.DictReader(io.StringIO(table)))
    assert tuple(csv.DictReader(io.StringIO(table)).fieldnames or ()) == COLUMNS
    members = [(s, m) for s in report["stories"] for m in s["members"]]
    assert len(rows) == len(members) == sum(story_size(i) for i in range(STORIES))
    for row, (story, member) in zip(rows, members, strict=True):
        assert (row["story"], row["document"], row["relation"]) == (
            story["id"],
            member["document"],
            member["relation"],
        )
        assert int(row["story_size"]) == len(story["members"])
        assert row["origin"] == story["origin"]
        assert row["title"] == member["title"]
        for name in ("jaccard", "containment"):
            expected = member["scores"].get(name)
            assert row[name] == ("" if expected is None else str(expected))


def test_csv_cells_cannot_run_as_spreadsheet_formulas() -> None:
    from conftest import ARTICLE, NEAR_COPY

    hostile = '=HYPERLINK("http://evil.example","click")'
    docs = [
        dedup.Document(hostile, ARTICLE, title="+cmd|' /C calc'!A0"),
        dedup.Document("b.txt", NEAR_COPY, title="@SUM(1+1)"),
    ]
    rows = list(csv.reader(io.StringIO("".join(csv_rows(dedup.scan_documents(docs))))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + hostile in cells
    assert "'+cmd|' /C calc'!A0" in cells and "'@SUM(1+1)" in cells
    assert not [c for c in cells if c[:1] in {"=", "+", "@"}]


# --- in a real browser -----------------------------------------------------------------


@needs_chromium
def test_browser_shows_the_index_and_every_link_has_its_story(
    result: dedup.ScanResult, tmp_path: Path
) -> None:
    report = tmp_path / "many.html"
    report.write_text(to_html(result), encoding="utf-8")
    dom = Page(chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile").stdout)
    ids = {e.attrs["id"] for e in dom.elements if "id" in e.attrs}
    links = [e.attrs["href"] for e in dom.elements if e.tag == "a"]
    story_links = [h for h in links if h != "#index"]
    assert len(story_links) == STORIES
    assert all(h.removeprefix("#") in ids for h in links)
    shot = tmp_path / "shot.png"
    chromium(
        f"--screenshot={shot}", "--window-size=1400,1000", report.as_uri(), profile=tmp_path / "p"
    )
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
