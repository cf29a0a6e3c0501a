"""Titles of plain-text and Markdown articles: the first line when it reads as a
headline, never a lede, a wrapped sentence, a byline or page chrome; the line stays
in the analysed text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import ARTICLE
from typer.testing import CliRunner

import dedup
from dedup.cli.app import app
from dedup.ingest.headline import headline

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BODY = "The council approved the plan on Monday after a long debate.\n"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("US duo in first spam conviction\n\n" + BODY, "US duo in first spam conviction"),
        (
            "Russian troops enter base in Niger\nCategory\nWorld\n" + BODY,
            "Russian troops enter base in Niger",
        ),
        ("# Flood barrier will be built\n\n" + BODY, "Flood barrier will be built"),
        ("## Flood barrier will be built ##\n" + BODY, "Flood barrier will be built"),
        (
            "Flood barrier will be built\n===========================\n\n" + BODY,
            "Flood barrier will be built",
        ),
        (
            "\n\n  Will the barrier be built at last?\n\n" + BODY,
            "Will the barrier be built at last?",
        ),
        ("$1m payoff for former Shell boss\n\n" + BODY, "$1m payoff for former Shell boss"),
        ("iTunes now selling Band Aid song\n\n" + BODY, "iTunes now selling Band Aid song"),
        ('"We will build it," says the mayor\n\n' + BODY, '"We will build it," says the mayor'),
    ],
)
def test_headlines_are_taken(text: str, title: str) -> None:
    assert headline(text) == title


@pytest.mark.parametrize(
    "text",
    [
        BODY + "\nMore text follows.\n",  # a lede: it ends with a period
        "LONDON (Reuters) -\n\n" + BODY,  # a dateline
        "By Jane Doe and John Smith\n\n" + BODY,  # a byline
        ".elementor-panel-state-loading{ display: none; }\n\n" + BODY,  # page chrome
        "Home | News | Sport\n\n" + BODY,  # navigation
        "See https://example.com for more\n\n" + BODY,
        "Breaking news\n\n" + BODY,  # two words
        " ".join(["word"] * 30).capitalize() + "\n\n" + BODY,  # far too long
        "Only a headline and nothing else\n",  # no body
        "council approves the flood barrier plan\n\n" + BODY,  # lower case
        "The harbour authority confirmed on Tuesday that the long delayed\n"
        "flood barrier across the estuary will be built after all, ending\n"
        "three years of argument between the city council and the families.\n",
        "The harbour authority of Westport confirmed on Tuesday that the\n"
        "Flood Barrier across the estuary will be built after all, ending\n"
        "three years of argument between the city council and the families.\n",
        "",
        "\n \n",
    ],
)
def test_other_first_lines_are_not_titles(text: str) -> None:
    assert headline(text) is None


def test_the_seeds_get_their_headlines_and_keep_their_text(tmp_path: Path) -> None:
    docs = {d.id: d for d in dedup.iter_documents([str(SEEDS)]) if isinstance(d, dedup.Document)}
    assert {k: d.title for k, d in docs.items()} == {
        "000_3ef50ccfc186b47f.txt": "Russian soldiers entered US military base in Niger",
        "001_44a68aee44af42e0.txt": "Moscow supports military junta: Russian soldiers move to "
        "base with US soldiers in Niger",
        "002_f919710374f6d91d.txt": None,  # it opens on a sentence
        "003_e20828b1d4f9b7ae.txt": "In Niger, Russian soldiers installed in a base housing "
        "the American army",
        "004_86388d61ef7a0d0b.txt": None,  # it opens on a line of CSS
    }
    for path in SEEDS.iterdir():
        assert docs[path.name].text == path.read_text("utf-8")


def test_titles_reach_the_reports_and_the_title_line_stays_in_the_ledger() -> None:
    result = CliRunner().invoke(app, ["scan", str(SEEDS), "-q", "--format", "json"])
    assert result.exit_code == 0
    (story,) = json.loads(result.stdout)["stories"]
    member = next(m for m in story["members"] if m["document"].startswith("003_"))
    assert (
        member["title"]
        == "In Niger, Russian soldiers installed in a base housing the American army"
    )
    assert member["sentences"][0]["text"] == member["title"]
    table = CliRunner().invoke(app, ["scan", str(SEEDS), "-q"], env={"COLUMNS": "250"}).stdout
    assert "Russian soldiers entered US military base in Niger" in table


def test_markdown_files_and_standard_input_are_titled(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Westport flood barrier approved\n\n" + ARTICLE)
    (doc,) = dedup.iter_documents([str(tmp_path / "a.md")])
    assert isinstance(doc, dedup.Document)
    assert doc.title == "Westport flood barrier approved"
    assert doc.text.startswith("# Westport flood barrier approved\n")
    piped = io.BytesIO(("Westport flood barrier approved\n\n" + ARTICLE).encode())
    (doc,) = dedup.iter_documents(["-"], stdin=piped)
    assert isinstance(doc, dedup.Document)
    assert doc.title == "Westport flood barrier approved"


def test_a_record_keeps_its_own_title(tmp_path: Path) -> None:
    """JSON records and HTML pages carry their titles: the first-line rule is for text."""
    record = {"id": "r", "text": "Flood barrier approved in Westport\n\n" + ARTICLE}
    (tmp_path / "r.jsonl").write_text(json.dumps(record) + "\n")
    (doc,) = dedup.iter_documents([str(tmp_path / "r.jsonl")])
    assert isinstance(doc, dedup.Document)
    assert doc.title is None
