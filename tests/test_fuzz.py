"""Fuzz tests (hypothesis) over everything that reads what others wrote: ingest of
every format from arbitrary bytes, streaming JSON and JSONL against reading whole,
decoding, normalisation and tokens, sentence splitting, the report renderers (no
markup from an article survives) and the SQLite index reader (a damaged file is a
StoreError, never another exception).

``make test`` runs a short, fixed set of examples; ``make fuzz`` (``DEDUP_FUZZ=1``)
runs the ``fuzz`` profile: ``DEDUP_FUZZ_SCALE`` times as many (default 20), new ones
every run. A crash found becomes an explicit ``@example``.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from html.entities import codepoint2name
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE, NEAR_COPY, OTHER_ARTICLE
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import dedup
from dedup.config import ScanConfig
from dedup.fingerprint.fingerprinter import Fingerprint, Fingerprinter
from dedup.index import indexer
from dedup.index.backends import open_store
from dedup.index.store import StoreError
from dedup.ingest import decode, records
from dedup.ingest.document import Document, Notice, Skipped
from dedup.ingest.invisible import INVISIBLE_CLASS
from dedup.ingest.reader import iter_documents
from dedup.report import serialise
from dedup.report.html import to_html
from dedup.report.markdown import to_markdown
from dedup.text import boilerplate, sentences
from dedup.text.normalise import normalise, tokenise

FUZZ = os.environ.get("DEDUP_FUZZ") == "1"
SCALE = int(os.environ.get("DEDUP_FUZZ_SCALE", "20"))
settings.register_profile("fuzz", deadline=None, suppress_health_check=list(HealthCheck))
if FUZZ:
    settings.load_profile("fuzz")
pytestmark = pytest.mark.fuzz


def examples(quick: int) -> settings:
    """``quick`` fixed examples in ``make test``; ``SCALE`` times as many new ones, in
    the fuzz profile, under ``make fuzz``."""
    if FUZZ:
        return settings(max_examples=quick * SCALE)
    return settings(
        max_examples=quick,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )


# --- strategies -----------------------------------------------------------------------

SNIPPETS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "<a href='http://evil.example'>x</a>",
    "</td></tr></table><iframe src=//evil>",
    "<!--",
    "]]>",
    "&lt;script&gt;",
    "&amp;",
    "[link](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "| cell |",
    "`code`",
    "**bold**",
    "# heading",
    "1. item",
    "- item",
    "\\",
    "[bold]rich[/bold]",
    "[/]",
    "The U.S. Gen. Smith said. ",
    "Mr. Jones (Reuters) - ",
    '"Quote." She said. ',
    "about 1,000 troops on 3 March 2024. ",
    "share this related story read more copyright ",
    "\n",
    "\n\n",
    "\r\n",
    "  ",
    "\t",
    "\u2028",
    "\u202e",
    "\u200b",
    "\x00",
    "\x1b[31m",
    "\ufeff",
    "\ud7ff",
    "\U0001f4f0",
    "\u65b0\u95fb",
    "\u0e02\u0e48\u0e32\u0e27",
    "\ufb01",
    "\u0130",
    "e\u0301",
    "word ",
    "Westport ",
    "harbour ",
]
text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(SNIPPETS), max_size=30).map("".join),
    st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=8)), max_size=30).map("".join),
)
"""Text an article might hold, hostile fragments included."""

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
json_records = st.fixed_dictionaries(
    {"text": text | st.just(ARTICLE)},
    optional={
        "id": text | st.integers(),
        "title": text,
        "date": text,
        "source": text,
        "url": text,
        "extra": json_values,
    },
)


@st.composite
def file_bytes(draw: st.DrawFn) -> bytes:
    """What a file of any supported format might hold, well formed or not."""
    kind = draw(st.sampled_from(["binary", "text", "json", "jsonl", "html", "sgml"]))
    if kind == "binary":
        return draw(st.binary(max_size=2000))
    if kind == "json":
        value = draw(st.lists(json_records | json_values, max_size=4) | json_records)
        body = json.dumps(value, indent=draw(st.sampled_from([None, 1])), allow_nan=True)
    elif kind == "jsonl":
        lines = draw(st.lists(json_records.map(json.dumps) | text, max_size=5))
        body = "\n".join(lines)
    elif kind == "html":
        parts = draw(st.lists(text, max_size=4))
        body = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in parts)
    elif kind == "sgml":
        body = draw(text)
        body = f'<REUTERS NEWID="{draw(st.integers(0, 99))}"><TITLE>{body}</TITLE>'
        body += f"<BODY>{draw(text)}</BODY></REUTERS>"
    else:
        body = draw(text)
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "utf-16-be", "latin-1"]))
    lone = encoding != "latin-1" and draw(st.booleans())  # lone surrogates: broken UTF
    data = body.encode(encoding, "surrogatepass" if lone else "replace")
    cut = draw(st.integers(0, len(data)))
    return data[:cut] if draw(st.booleans()) else data


def well_formed(value: str) -> bool:
    """Writable as UTF-8 (no lone surrogates): what every id and text must be."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- ingest ---------------------------------------------------------------------------


@examples(150)
@given(
    data=file_bytes(), suffix=st.sampled_from([".txt", ".md", ".json", ".jsonl", ".html", ".sgm"])
)
@example(data=b'{"text": "x", "id": "\\udce9"}', suffix=".json")
@example(data=b"\xff\xfe" + "[1, 2".encode("utf-16-le"), suffix=".json")
@example(data=b'<REUTERS NEWID="0"><TITLE></TITLE><BODY> </BODY></REUTERS>', suffix=".sgm")
def test_any_bytes_give_documents_or_named_skips(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        items = list(iter_documents([folder], max_doc_bytes=len(data) // 2 + 50))
    assert items
    for item in items:
        assert item.location.startswith(str(path))
        if isinstance(item, Document):
            assert item.text.strip()
            for value in (item.id, item.text, item.title, item.date, item.source, item.url):
                assert value is None or well_formed(value)
        else:  # a skipped input, or a notice about one (dates it cannot read)
            assert isinstance(item, Skipped | Notice) and item.reason
            assert well_formed(item.message())


@examples(25)
@given(files=st.lists(file_bytes(), min_size=1, max_size=4))
def test_any_input_gives_a_valid_report(files: list[bytes], validate: Any) -> None:
    """Ingest and the whole scan, the JSON report valid against its schema."""
    suffixes = [".txt", ".json", ".jsonl", ".md"]
    with tempfile.TemporaryDirectory() as folder:
        for number, data in enumerate(files):
            Path(folder, f"{number}{suffixes[number % 4]}").write_bytes(data)
        Path(folder, "article.txt").write_text(ARTICLE)
        result = dedup.scan([folder], ScanConfig(rewrites=False))
    document = validate(serialise.to_json(result))
    assert document["counts"]["documents"] >= 1


@contextmanager
def small_windows(size: int) -> Iterator[None]:
    """Streamed JSON forgets and reads in steps of ``size`` characters."""
    saved = records._CHUNK
    records._CHUNK = size
    try:
        yield
    finally:
        records._CHUNK = saved


def cut(value: str, sizes: list[int]) -> Iterator[str]:
    at = 0
    for size in sizes:
        yield value[at : at + size]
        at += size
    yield value[at:]


@examples(200)
@given(
    value=st.lists(json_records | json_values, max_size=6) | json_records,
    indent=st.sampled_from([None, 0, 1, 3]),
    damage=st.tuples(st.integers(0, 10_000), st.sampled_from(["", "]", ",", "{", '"', "x", "1"])),
    sizes=st.lists(st.integers(1, 9), max_size=60),
    window=st.sampled_from([1, 2, 7, 1 << 20]),
)
@example(value=[1.5, {"text": "a"}], indent=None, damage=(0, ""), sizes=[3], window=1)
def test_streamed_json_reads_as_the_whole_text(
    value: Any, indent: int | None, damage: tuple[int, str], sizes: list[int], window: int
) -> None:
    """Any chunking and window size give what reading the whole text gives: the same
    records, ids, line numbers and messages (a number cut at a chunk end included)."""
    whole = json.dumps(value, indent=indent)
    at, insert = damage
    whole = whole[: at % (len(whole) + 1)] + insert + whole[at % (len(whole) + 1) :]
    expected = list(records.from_json_text(whole, "f.json", "f.json"))
    with small_windows(window):
        streamed = records.from_json_chunks(
            cut(whole, sizes), "f.json", "f.json", max_doc_bytes=len(whole) + 1
        )
        assert list(streamed) == expected


@examples(150)
@given(
    lines=st.lists(
        st.binary(max_size=40) | json_records.map(lambda r: json.dumps(r).encode()), max_size=8
    ),
    cap=st.integers(1, 120),
    crlf=st.booleans(),
)
def test_jsonl_lines_over_the_cap_are_skipped_alone(
    lines: list[bytes], cap: int, crlf: bool
) -> None:
    """Each line is judged on its own: over the cap it is skipped with its number and
    never read whole; otherwise it is read exactly as if the cap were not there."""
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    data = (b"\r\n" if crlf else b"\n").join(lines)
    capped = list(records.from_jsonl(io.BytesIO(data), "f", "f", max_doc_bytes=cap))
    free = list(records.from_jsonl(io.BytesIO(data), "f", "f", max_doc_bytes=10**6))
    by_line = {item.location: item for item in free}
    for item in capped:
        if isinstance(item, Skipped) and "larger than --max-doc-bytes" in item.reason:
            number = int(item.location.rsplit("#L", 1)[1])
            assert len(lines[number - 1]) + (2 if crlf else 1) > cap
        else:
            assert by_line[item.location] == item


@examples(200)
@given(data=st.binary(max_size=3000))
@example(data=b"\xef\xbb\xbf\xff")
@example(data=b"\xff\xfe\x00")
def test_decoding_any_bytes_gives_text_or_undecodable(data: bytes) -> None:
    try:
        text_ = decode.decode_bytes(data)
    except decode.UndecodableError as error:
        assert str(error)
    else:
        assert "\x00" not in text_ and "\r" not in text_ and well_formed(text_)


@examples(150)
@given(
    value=text,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]),
    size=st.integers(1, 64),
)
@example(value="", encoding="utf-8-sig", size=1)  # a BOM cut by the first chunk
@example(value="\u2020", encoding="utf-16-le", size=1)  # UTF-16 bytes that are UTF-8 too
def test_streamed_decoding_matches_whole_decoding(value: str, encoding: str, size: int) -> None:
    """Chunk by chunk decoding agrees with decode_bytes (the same text, or both refuse)
    wherever decode_bytes needs no guess: a BOM, valid UTF-8, or UTF-16's NUL pattern.
    Without those, streaming refuses: a legacy code page is only guessed from the whole."""
    assume(well_formed(value))
    data = value.encode(encoding)
    try:
        whole: str | None = decode.decode_bytes(data)
    except decode.UndecodableError:
        whole = None
    try:
        streamed: str | None = "".join(decode.stream_text(io.BytesIO(data), size))
    except decode.UndecodableError:
        streamed = None
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if data.startswith(boms) or b"\x00" in data or is_utf8(data):
        assert streamed == whole
    else:
        assert streamed is None


# --- normalisation, tokens, lines, sentences -----------------------------------------


@examples(300)
@given(value=text)
def test_tokens_are_normalised_words(value: str) -> None:
    normal = normalise(value)
    assert normalise(normal) == normal
    for token in tokenise(normal):
        assert token and not any(ch.isspace() for ch in token)
        assert normalise(token) == token


@examples(300)
@given(value=text)
@example(value="Related\n" * 3 + "share")
def test_lines_and_fingerprints_of_any_text(value: str) -> None:
    lines = boilerplate.split_lines(value)
    end = -1
    for line in lines:
        assert line.text and value[line.start : line.end] == line.text == line.text.strip()
        assert line.start > end
        end = line.end
    fingerprinter = Fingerprinter(ScanConfig())
    fast = fingerprinter(Document("x", value))
    slow = fingerprinter.fingerprint_tokens("x", fingerprinter.tokens(lines))
    assert type(fast) is type(slow) and fast.tokens == slow.tokens
    if isinstance(fast, Fingerprint) and isinstance(slow, Fingerprint):  # the hot loop agrees
        assert fast.exact == slow.exact
        assert (fast.shingles == slow.shingles).all()
        assert (fast.signature == slow.signature).all()


@examples(300)
@given(value=text)
@example(value="U.S. Gen. A. Smith said so.\u201d Then 3 left.\n\n  Next line")
def test_sentences_cover_the_text_with_true_offsets(value: str) -> None:
    """In order, within the text, never overlapping; each sentence's text is its span
    with whitespace folded; every character that is not whitespace is in a sentence."""
    found = sentences.split(value)
    assert [s.index for s in found] == list(range(len(found)))
    covered = [False] * len(value)
    last = 0
    for s in found:
        assert last <= s.start <= s.end <= len(value)
        last = s.end
        assert s.text
        if s.boilerplate is None:
            assert s.text == " ".join(value[s.start : s.end].split())
        for i in range(s.start, s.end):
            covered[i] = True
    assert all(covered[i] for i, ch in enumerate(value) if not ch.isspace())


# --- disguised copies -----------------------------------------------------------------

INVISIBLE = [
    chr(code)
    for code in (*range(0x20000), *range(0xE0000, 0xE1000))
    if unicodedata.category(chr(code)) == "Cf"
] + list("\u034f\u115f\u1160\u3164\uffa0\ufe00\ufe0f\U000e0100\u180b")
"""Format characters (category Cf) and other default-ignorable ones."""
SPACES = [" ", "  ", "\t", "\u00a0", "\u2002", "\u2009", "\u202f", "\u205f", "\u3000", "\u2028"]
"""What a space may become: other spaces, a tab, a line separator."""
NAMED = {chr(code): name for code, name in codepoint2name.items()}
edits = st.lists(
    st.tuples(
        st.integers(0, len(ARTICLE) - 1),
        st.sampled_from(["invisible", "entity", "space"]),
        st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=3).map("".join),
        st.sampled_from(["decimal", "hex", "named"]),
        st.sampled_from(SPACES),
    ),
    max_size=300,
)


def reference(char: str, form: str) -> str:
    """A character reference to ``char``: by name where it has one, else by number."""
    if form == "named" and char in NAMED:
        return f"&{NAMED[char]};"
    return f"&#x{ord(char):X};" if form == "hex" else f"&#{ord(char)};"


def disguise(text: str, changes: list[tuple[int, str, str, str, str]]) -> str:
    """``text`` with invisible characters put before some characters, some characters
    written as character references and some spaces as other whitespace."""
    before, written = [""] * len(text), list(text)
    for at, kind, invisible, form, space in changes:
        char = text[at]
        if kind == "invisible":
            before[at] += invisible
        elif kind == "entity":
            written[at] = reference(char, form)
        elif char == " ":
            written[at] = space
    return "".join(b + w for b, w in zip(before, written, strict=True))


@examples(60)
@given(
    changes=edits,
    route=st.sampled_from(["txt", "json"]),
    html=st.booleans(),
    crlf=st.booleans(),
)
@example(changes=[(0, "invisible", "\u200b", "named", " ")], route="txt", html=False, crlf=True)
def test_disguised_copies_stay_copies(
    changes: list[tuple[int, str, str, str, str]], route: str, html: bool, crlf: bool
) -> None:
    """Invisible characters, character references and whitespace variants, in plain
    text or HTML, in a file or a JSON record: the same tokens as the original, a copy."""
    variant = disguise(ARTICLE, changes)
    if html:
        variant = "".join(f"<p>{part}</p>\n" for part in variant.split("\n\n"))
    if route == "txt":
        data = variant.replace("\n", "\r\n" if crlf else "\n").encode("utf-8")
        found = records.from_plain_text(decode.decode_bytes(data), "v.txt", "v")
    else:
        found = records.from_record({"text": variant}, "v.json", "v")
    assert isinstance(found, Document)
    assert not re.search(f"[{INVISIBLE_CLASS}]", found.text)
    assert tokenise(normalise(found.text)) == tokenise(normalise(ARTICLE))
    comparison = dedup.compare(Document("original", ARTICLE), found, ScanConfig(rewrites=False))
    assert comparison is not None and comparison.relation == "copy"


# --- renderers ------------------------------------------------------------------------

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "footer", "h1", "h2",
    "h3", "p", "span", "section", "div", "ul", "li", "q", "mark", "table", "thead",
    "tbody", "tr", "th", "td", "nav", "a",
}  # fmt: skip
INTERNAL_LINK = re.compile(r"#(?:index|story-[A-Za-z0-9_-]+)")
"""The only links a report holds: from its index to a story's section and back."""


class Tags(HTMLParser):
    """Every element of a page, with its attributes (entities decoded)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


@st.composite
def hostile_documents(draw: st.DrawFn) -> list[Document]:
    """A copy pair with hostile text, ids and metadata, so that the text reaches every
    part of the report: stories, members, the ledger, singletons and too-short."""
    names = draw(st.lists(text.filter(lambda x: x.strip()), min_size=3, max_size=3, unique=True))
    extra = draw(text)
    return [
        Document(names[0], ARTICLE, title=draw(text), url=draw(text), source=draw(text)),
        Document(names[1], NEAR_COPY + "\n\n" + extra + " said the mayor. " + extra),
        Document(names[2], OTHER_ARTICLE + "\n" + extra, date=draw(text)),
        Document(names[2] + " short", extra + " too short"),
    ]


@examples(12)
@given(docs=hostile_documents())
@example(
    docs=[
        Document("<b>", ARTICLE),
        Document("javascript:x", NEAR_COPY),
        Document('"><script>', OTHER_ARTICLE),
        Document("\x1b", "<img onerror=x>"),
    ]
)
def test_reports_keep_article_text_as_text(docs: list[Document]) -> None:
    assume(all(well_formed(d.id) and well_formed(d.text) for d in docs))
    result = dedup.scan_documents(docs)
    assert result.stories, "the copy pair is a story"
    page = to_html(result)
    assert not re.search(r"<\s*/?\s*script", page, re.IGNORECASE)
    tags = Tags(page).found
    assert {tag for tag, _ in tags} <= ALLOWED_TAGS
    for _, attrs in tags:
        assert not any(name.startswith("on") for name in attrs)
        assert not {"src", "action", "formaction", "srcset", "style"} & set(attrs)
        assert INTERNAL_LINK.fullmatch(attrs.get("href", "#index"))
    columns = {a["data-document"] for tag, a in tags if tag == "th" and "data-document" in a}
    assert columns == {m.document for s in result.stories for m in s.members}
    markdown = re.sub(r'<a id="story-[\w-]+"></a>', "", to_markdown(result))
    assert "<" not in markdown.replace("<details><summary>", "").replace("</summary>", "").replace(
        "</details>", ""
    )
    links = re.findall(r"(?<!\\)\]\(([^)]*)\)", markdown)
    assert all(INTERNAL_LINK.fullmatch(link) for link in links)
    assert len(links) == len(result.stories)  # the index's, one a story
    assert json.loads(serialise.to_json(result))["counts"]["documents"] == len(docs)


# --- the SQLite index reader ----------------------------------------------------------


@pytest.fixture(scope="module")
def index_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small real index, checkpointed into one file."""
    path = tmp_path_factory.mktemp("index") / "index.db"
    with open_store(str(path)) as store:
        indexer.add_documents(
            [Document("a", ARTICLE), Document("b", NEAR_COPY), Document("c", OTHER_ARTICLE)],
            store,
        )
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "overwrite", "garbage", "zero-page"]))
    if kind == "truncate":
        return original[: draw(st.integers(0, len(original) - 1))]
    if kind == "garbage":
        return original[:100] + draw(st.binary(max_size=5000))
    data = bytearray(original)
    if kind == "zero-page":
        page = draw(st.integers(0, len(original) // 4096 - 1))
        data[page * 4096 : (page + 1) * 4096] = bytes(4096)
        return bytes(data)
    for _ in range(draw(st.integers(1, 30))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


def read_everything(location: str, create: bool) -> None:
    with open_store(location, create=create) as store:
        store.parameters()
        store.stats()
        ids = list(store.ids())
        list(store.dates())
        docs = store.get([*ids, "a", "b", "c"])
        store.brief(ids)
        for doc in docs:
            store.candidates("copy", doc.copy_keys)
            store.most_shared("rewrite", doc.rewrite_keys, 5)
            store.exact(doc.exact)


@examples(120)
@given(data=st.data(), create=st.booleans())
def test_a_damaged_index_is_a_store_error_and_left_alone(
    index_file: bytes, data: st.DataObject, create: bool
) -> None:
    content = data.draw(damaged(index_file))
    folder = tempfile.mkdtemp()
    try:
        path = Path(folder) / "index.db"
        path.write_bytes(content)
        try:
            read_everything(str(path), create)
        except StoreError as error:
            assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
            assert path.read_bytes() == content  # refused: left as it was
    finally:
        shutil.rmtree(folder)
