"""The HTML report: one self-contained page whose structure matches the ledger, whose
article text stays text (also in a real browser), and which renders to a picture."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ARTICLE, NEAR_COPY

import dedup
from dedup.report.html import highlight, to_html

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','yes')\">"
INJECTED = f"{SCRIPT} The mayor said {IMG} that the levy on port operators pays for it all."
HOSTILE_ID = 'b"<b>.txt'
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make install adds it with apt)"
)


@dataclass
class Element:
    """A start tag seen by the parser: where it sits and what it holds."""

    tag: str
    attrs: dict[str, str]
    story: str | None
    row: int
    text: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class Page(HTMLParser):
    """Every element with its story section and table row, and the page's text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []
        self._stories: list[str | None] = []
        self._open: list[Element] = []
        self._row = -1
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "section":
            self._stories.append(values.get("data-story"))
        self._row += tag == "tr"
        story = self._stories[-1] if self._stories else None
        element = Element(tag, values, story, self._row)
        self.elements.append(element)
        if tag in {"p", "mark", "title", "th"}:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._stories.pop()
        if self._open and self._open[-1].tag == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for element in self._open:
            element.text.append(data)

    def find(self, *classes: str, story: str | None = None) -> list[Element]:
        return [
            e
            for e in self.elements
            if set(classes) <= e.classes and (story is None or e.story == story)
        ]

    def sentence(self, document: str, index: int) -> Element:
        (found,) = [
            e
            for e in self.find("sentence")
            if e.attrs["data-document"] == document and e.attrs["data-index"] == str(index)
        ]
        return found


def injected_documents() -> list[dedup.Document]:
    return [
        dedup.Document("a.txt", ARTICLE),
        dedup.Document(HOSTILE_ID, NEAR_COPY + "\n" + INJECTED),
    ]


def all_documents() -> list[dedup.Document]:
    """The seeds (one story) and a hostile near copy pair (a second story)."""
    seeds = [d for d in dedup.iter_documents([str(SEEDS)]) if isinstance(d, dedup.Document)]
    return [*seeds, *injected_documents()]


@pytest.fixture(scope="module")
def result() -> dedup.ScanResult:
    return dedup.scan_documents(all_documents())


@pytest.fixture(scope="module")
def page(result: dedup.ScanResult) -> Page:
    return Page(to_html(result))


@pytest.fixture(scope="module")
def report(result: dedup.ScanResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(to_html(result), encoding="utf-8")
    return path


def test_the_fixture_holds_the_seed_story_and_the_hostile_pair(result: dedup.ScanResult) -> None:
    members = [{m.document for m in s.members} for s in result.stories]
    assert {"a.txt", HOSTILE_ID} in members
    assert {p.name for p in SEEDS.glob("*.txt")} in members


def test_page_is_one_self_contained_document(page: Page) -> None:
    tags = Counter(e.tag for e in page.elements)
    assert tags["html"] == tags["head"] == tags["body"] == tags["title"] == tags["style"] == 1
    assert any(e.tag == "meta" and e.attrs.get("charset") == "utf-8" for e in page.elements)
    assert tags["script"] == tags["link"] == tags["img"] == tags["iframe"] == 0
    for element in page.elements:
        for name in ("src", "href", "action", "srcset"):
            assert "http://" not in element.attrs.get(name, "")
            assert "https://" not in element.attrs.get(name, "")
        assert not any(k.startswith("on") for k in element.attrs)
    assert "url(" not in "".join(page.text)
    assert "@import" not in "".join(page.text)


def test_stories_and_member_columns_match_the_result(page: Page, result: dedup.ScanResult) -> None:
    stories = [e.attrs["data-story"] for e in page.find("story")]
    assert stories == [s.id for s in result.stories]
    for story in result.stories:
        columns = [e.attrs["data-document"] for e in page.find("member", story=story.id)]
        assert sorted(columns) == sorted(m.document for m in story.members)
        assert columns[0] == story.origin
        badges = {e.attrs["data-document"]: e.text for e in page.find("member", story=story.id)}
        for member in story.members:
            assert member.relation in "".join(badges[member.document])


def test_every_sentence_appears_once_with_its_ledger_status(
    page: Page, result: dedup.ScanResult
) -> None:
    for story in result.stories:
        assert story.ledger is not None
        shown = Counter(
            (e.attrs["data-document"], e.attrs["data-index"], frozenset(e.classes))
            for e in page.find("sentence", story=story.id)
        )
        expected = Counter(
            (m.document, str(s.index), frozenset({"sentence", s.status}))
            for m in story.ledger.members
            for s in m.sentences
        )
        assert shown == expected
        divergent = sum(len(m.divergent()) for m in story.ledger.members)
        assert len(page.find("sentence", "divergent", story=story.id)) == divergent > 0


def test_each_dropped_origin_sentence_is_marked_in_its_row(
    page: Page, result: dedup.ScanResult
) -> None:
    (seeds,) = [s for s in result.stories if s.wire == "Reuters"]
    assert seeds.ledger is not None
    markers = page.find("dropped", story=seeds.id)
    expected = sum(len(m.dropped) for m in seeds.ledger.members)
    assert len(markers) == expected > 0
    rows = {
        e.row: e
        for e in page.find("sentence", story=seeds.id)
        if e.attrs["data-document"] == seeds.origin
    }
    for marker in markers:
        origin = rows[marker.row]
        assert f"lacks origin sentence {origin.attrs['data-index']}" in "".join(marker.text)


def test_sentences_sharing_a_row_share_a_sentence_group(
    page: Page, result: dedup.ScanResult
) -> None:
    for story in result.stories:
        assert story.ledger is not None
        group = {(m.document, s.index): s.group for m in story.ledger.members for s in m.sentences}
        rows: dict[int, set[tuple[str, int]]] = {}
        for e in page.find("sentence", story=story.id):
            rows.setdefault(e.row, set()).add(
                (e.attrs["data-document"], int(e.attrs["data-index"]))
            )
        for row in rows.values():
            if len({doc for doc, _ in row}) > 1:
                assert len({group[key] for key in row}) == 1, row
                assert None not in {group[key] for key in row}, row


def test_fact_wordings_are_listed_and_highlighted_in_their_sentences(
    page: Page, result: dedup.ScanResult
) -> None:
    (seeds,) = [s for s in result.stories if s.wire == "Reuters"]
    assert seeds.ledger is not None and seeds.ledger.fact_divergences
    listed = ["".join(e.text) for e in page.find("fact", story=seeds.id)]
    for record in seeds.ledger.fact_divergences:
        for v in record.values:
            sentence = page.sentence(v.document, v.index)
            assert v.text in "".join(sentence.text)
            assert listed.count(v.text) >= 2  # in the facts box and inside the sentence


def test_wire_evidence_and_origin_reason_head_the_story(
    page: Page, result: dedup.ScanResult
) -> None:
    text = "".join(page.text)
    for story in result.stories:
        assert story.origin_reason in text
        for member in story.members:
            for evidence in member.wire_evidence:
                assert evidence.text in text


def test_injected_markup_stays_text(page: Page, result: dedup.ScanResult) -> None:
    html = to_html(result)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html
    text = "".join(page.text)
    assert SCRIPT in text
    assert IMG in text
    columns = [e.attrs["data-document"] for e in page.find("member")]
    assert HOSTILE_ID in columns


def test_highlight_escapes_before_it_marks() -> None:
    marked = highlight("said <b>more than 1,000</b> & left", ["more than 1,000", "<b>"])
    assert marked == (
        'said <mark class="fact">&lt;b&gt;</mark><mark class="fact">more than 1,000</mark>'
        "&lt;/b&gt; &amp; left"
    )
    assert highlight("a <i>", ["absent"]) == "a &lt;i&gt;"


def test_output_is_deterministic(result: dedup.ScanResult) -> None:
    html = to_html(result)
    assert html == to_html(result)
    assert html == to_html(dedup.scan_documents(all_documents()))


# --- in a real browser: one launch to dump the DOM, one to take a screenshot ----------


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@needs_chromium
def test_browser_shows_the_stories_and_runs_no_injected_script(
    report: Path, result: dedup.ScanResult, tmp_path: Path
) -> None:
    dom = Page(chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile").stdout)
    (title,) = [e for e in dom.elements if e.tag == "title"]
    assert "".join(title.text) == "dedup report: 2 stories"
    assert all("data-pwned" not in e.attrs for e in dom.elements)
    assert not [e for e in dom.elements if e.tag in {"script", "img"}]
    assert SCRIPT in "".join(dom.text)
    for story in result.stories:
        assert story.ledger is not None
        assert len(dom.find("member", story=story.id)) == len(story.members)
        divergent = sum(len(m.divergent()) for m in story.ledger.members)
        assert len(dom.find("sentence", "divergent", story=story.id)) == divergent


@needs_chromium
def test_the_browser_would_show_an_injection_that_ran(tmp_path: Path) -> None:
    """The check above can fail: unescaped, the same payloads do run in this browser."""
    page = tmp_path / "unsafe.html"
    page.write_text(f"<!DOCTYPE html><title>t</title><body><p>{INJECTED}</p></body>")
    dom = Page(chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile").stdout)
    (title,) = [e for e in dom.elements if e.tag == "title"]
    assert "".join(title.text) == "pwned"
    assert any(e.attrs.get("data-pwned") == "yes" for e in dom.elements if e.tag == "body")


@needs_chromium
def test_browser_screenshot_is_a_real_picture(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    chromium(
        f"--screenshot={shot}",
        "--window-size=1400,2000",
        report.as_uri(),
        profile=tmp_path / "profile",
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000
