"""Parsing one input into Documents: plain text, HTML, JSON records and lists, JSONL
streams and standard input."""

from __future__ import annotations

import codecs
import io
import json

import pytest

from dedup.ingest import records
from dedup.ingest.document import Document, Skipped

BODY = "The council voted on Tuesday to build the flood barrier across the estuary."


def only(items: list[Document | Skipped]) -> Document | Skipped:
    assert len(items) == 1, items
    return items[0]


# --- plain text -----------------------------------------------------------------


def test_plain_text_is_one_document_with_its_lines_intact() -> None:
    doc = records.from_plain_text("Title line\n\n" + BODY + "\n", "a/b.txt", "b.txt")
    assert doc == Document(id="b.txt", text="Title line\n\n" + BODY + "\n", location="a/b.txt")


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \n"])
def test_empty_or_whitespace_text_is_skipped(text: str) -> None:
    assert records.from_plain_text(text, "x.txt", "x.txt") == Skipped("x.txt", "empty (no text)")


# --- HTML -----------------------------------------------------------------------

PARAGRAPH = (
    "The river council met on Tuesday to discuss the plans for a flood barrier across "
    "the old harbour, which has flooded twice in the last three winters."
)
HTML = f"""<!doctype html>
<html><head><title>Flood barrier approved</title>
<script>var tracker = "SCRIPT_IN_HEAD"; function track() {{ return 1; }}</script>
<style>body {{ color: red; }} .STYLE_RULE {{ margin: 0; }}</style></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Flood barrier approved</h1>
<p>{PARAGRAPH}</p>
<script>document.write("SCRIPT_IN_BODY");</script>
<p>Residents said the works would start next spring and last four years.</p>
</article></body></html>
"""


def test_html_article_text_is_extracted_without_scripts_or_styles() -> None:
    doc = records.from_html(HTML, "news/flood.html", "flood.html")
    assert isinstance(doc, Document)
    assert doc.id == "flood.html"
    assert doc.location == "news/flood.html"
    assert PARAGRAPH in doc.text
    assert "works would start next spring" in doc.text
    for leaked in ("SCRIPT_IN_HEAD", "SCRIPT_IN_BODY", "tracker", "STYLE_RULE", "color: red"):
        assert leaked not in doc.text
    assert doc.title == "Flood barrier approved"


def test_html_without_article_text_is_skipped() -> None:
    html = "<html><head><script>var x = 'only a script';</script></head><body></body></html>"
    skipped = records.from_html(html, "empty.html", "empty.html")
    assert isinstance(skipped, Skipped)
    assert skipped.location == "empty.html"


# --- one JSON record --------------------------------------------------------------


def test_record_keeps_its_own_id_and_metadata() -> None:
    obj = {
        "id": "reuters-123",
        "text": BODY,
        "title": "Barrier",
        "date": "2024-05-01",
        "source": "Reuters",
        "url": "https://example.invalid/a",
    }
    assert records.from_record(obj, "f.json", "f.json") == Document(
        id="reuters-123",
        text=BODY,
        title="Barrier",
        date="2024-05-01",
        source="Reuters",
        url="https://example.invalid/a",
        location="f.json",
    )


def test_record_ids_are_opaque_strings_never_parsed() -> None:
    for raw in ("007", "a/b#L3", " spaced ", "1e3"):
        doc = records.from_record({"id": raw, "text": BODY}, "f.json", "fallback")
        assert isinstance(doc, Document)
        assert doc.id == raw


def test_integer_id_is_kept_as_text() -> None:
    doc = records.from_record({"id": 42, "text": BODY}, "f.json", "fallback")
    assert isinstance(doc, Document)
    assert doc.id == "42"


def test_record_without_id_gets_the_fallback() -> None:
    doc = records.from_record({"text": BODY}, "f.json#L3", "f.json#L3")
    assert isinstance(doc, Document)
    assert doc.id == "f.json#L3"
    assert doc.title is None


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        (["not", "an", "object"], "not a JSON object"),
        ("just a string", "not a JSON object"),
        ({"id": "x"}, "no string field 'text'"),
        ({"id": "x", "text": 5}, "no string field 'text'"),
        ({"id": "x", "text": "  \n "}, "empty"),
        ({"id": "", "text": BODY}, "'id'"),
        ({"id": True, "text": BODY}, "'id'"),
        ({"id": 1.5, "text": BODY}, "'id'"),
        ({"id": ["x"], "text": BODY}, "'id'"),
        ({"id": "x", "text": BODY, "title": {"a": 1}}, "'title'"),
        ({"id": "x", "text": BODY, "url": ["u"]}, "'url'"),
    ],
)
def test_invalid_records_are_skipped_with_a_reason(obj: object, reason: str) -> None:
    skipped = records.from_record(obj, "f.jsonl#L2", "fallback")
    assert isinstance(skipped, Skipped)
    assert skipped.location == "f.jsonl#L2"
    assert reason in skipped.reason


def test_lone_surrogates_from_json_escapes_are_replaced() -> None:
    obj = json.loads('{"id": "a\\udce9", "text": "caf\\udce9 ' + BODY + '", "title": "\\ud800"}')
    doc = records.from_record(obj, "f.json", "f.json")
    assert isinstance(doc, Document)
    assert doc.id == "a\ufffd"
    assert doc.text.startswith("caf\ufffd ")
    assert doc.title == "\ufffd"
    for value in (doc.id, doc.text, doc.title):
        value.encode("utf-8")  # would raise on a surrogate


def test_surrogate_pairs_spelt_as_escapes_are_kept() -> None:
    obj = json.loads('{"id": "x", "text": "\\ud83d\\udcf0 ' + BODY + '"}')
    doc = records.from_record(obj, "f.json", "f.json")
    assert isinstance(doc, Document)
    assert doc.text.startswith("\U0001f4f0 ")


# --- .json files ----------------------------------------------------------------


def test_json_single_object_without_id_is_named_by_its_path() -> None:
    text = json.dumps({"text": BODY, "title": "T"})
    doc = only(list(records.from_json_text(text, "in/one.json", "one.json")))
    assert isinstance(doc, Document)
    assert (doc.id, doc.location, doc.title) == ("one.json", "in/one.json", "T")


def test_json_list_records_without_ids_are_named_by_their_start_line() -> None:
    text = json.dumps(
        [{"text": "first " + BODY}, {"id": "own", "text": "second " + BODY}, {"text": "third"}],
        indent=2,
    )
    lines = text.split("\n")
    starts = [n for n, line in enumerate(lines, start=1) if line.strip() == "{"]
    assert starts == [2, 5, 9]  # pretty-printed: each object spans several lines
    items = list(records.from_json_text(text, "in/list.json", "list.json"))
    assert [i.id for i in items if isinstance(i, Document)] == [
        "list.json#L2",
        "own",
        "list.json#L9",
    ]
    assert [i.location for i in items] == ["in/list.json#L2", "in/list.json#L5", "in/list.json#L9"]


def test_json_list_line_numbers_count_blank_lines_and_nested_newlines() -> None:
    text = '\n\n[\n{"text": "a\\nb",\n "title": "x"}\n\n,\n\n  {"text": "c"}]\n'
    items = list(records.from_json_text(text, "l.json", "l.json"))
    assert [i.id for i in items if isinstance(i, Document)] == ["l.json#L4", "l.json#L9"]


def test_json_list_with_a_bad_element_skips_only_that_element() -> None:
    text = '[\n{"text": "good one"},\n{"id": "x"},\n{"text": "good two"}\n]'
    items = list(records.from_json_text(text, "l.json", "l.json"))
    assert [i.id for i in items if isinstance(i, Document)] == ["l.json#L2", "l.json#L4"]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [s.location for s in skipped] == ["l.json#L3"]


@pytest.mark.parametrize(
    "text",
    ['{"text": "x"', '[{"text": "x"} {"text": "y"}]', '{"text": "x"} trailing', "[1, 2", "nope"],
)
def test_malformed_json_is_skipped_naming_the_file(text: str) -> None:
    items = list(records.from_json_text(text, "bad.json", "bad.json"))
    skipped = items[-1]
    assert isinstance(skipped, Skipped)
    assert skipped.location == "bad.json"
    assert "JSON" in skipped.reason


def test_malformed_json_reason_gives_the_line() -> None:
    skipped = only(list(records.from_json_text('{\n"text": \n}', "bad.json", "bad.json")))
    assert isinstance(skipped, Skipped)
    assert "line 3" in skipped.reason


@pytest.mark.parametrize("text", ["", "  \n", "[]", " [ \n ] \n"])
def test_empty_json_is_skipped_not_silently_dropped(text: str) -> None:
    skipped = only(list(records.from_json_text(text, "e.json", "e.json")))
    assert isinstance(skipped, Skipped)
    assert skipped.location == "e.json"
    assert "empty" in skipped.reason


def test_deeply_nested_json_is_skipped() -> None:
    text = "[" * 100_000 + "]" * 100_000
    skipped = only(list(records.from_json_text(text, "deep.json", "deep.json")))
    assert isinstance(skipped, Skipped)
    assert skipped.location == "deep.json"


# --- .jsonl ----------------------------------------------------------------------


def jsonl(*lines: str) -> io.BytesIO:
    return io.BytesIO("".join(line + "\n" for line in lines).encode("utf-8"))


def test_jsonl_broken_line_is_named_and_good_lines_count() -> None:
    stream = jsonl(
        json.dumps({"text": "one " + BODY}),
        '{"text": "two", ',  # broken
        json.dumps({"id": "three", "text": "three " + BODY}),
    )
    items = list(records.from_jsonl(stream, "d/f.jsonl", "f.jsonl", max_doc_bytes=10_000))
    docs = [i for i in items if isinstance(i, Document)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [d.id for d in docs] == ["f.jsonl#L1", "three"]
    assert [d.location for d in docs] == ["d/f.jsonl#L1", "d/f.jsonl#L3"]
    assert len(skipped) == 1
    assert skipped[0].location == "d/f.jsonl#L2"
    assert "malformed JSON" in skipped[0].reason


def test_jsonl_blank_lines_are_ignored_but_keep_the_numbering() -> None:
    stream = jsonl("", json.dumps({"text": BODY}), "   ", json.dumps({"text": BODY + "!"}))
    items = list(records.from_jsonl(stream, "f.jsonl", "f.jsonl", max_doc_bytes=10_000))
    assert [i.id for i in items if isinstance(i, Document)] == ["f.jsonl#L2", "f.jsonl#L4"]
    assert not [i for i in items if isinstance(i, Skipped)]


def test_jsonl_crlf_lines_and_a_last_line_without_newline() -> None:
    data = b'{"text": "one"}\r\n{"text": "two"}'
    items = list(records.from_jsonl(io.BytesIO(data), "f.jsonl", "f.jsonl", max_doc_bytes=100))
    assert [(i.id, i.text) for i in items if isinstance(i, Document)] == [
        ("f.jsonl#L1", "one"),
        ("f.jsonl#L2", "two"),
    ]


@pytest.mark.parametrize("data", [b"", b"\n\n", b"  \r\n"])
def test_empty_jsonl_is_skipped_not_silently_dropped(data: bytes) -> None:
    items = list(records.from_jsonl(io.BytesIO(data), "e.jsonl", "e.jsonl", max_doc_bytes=100))
    assert items == [Skipped("e.jsonl", "empty (no records)")]


def test_jsonl_line_over_the_size_cap_is_skipped_alone() -> None:
    stream = jsonl(json.dumps({"text": "x" * 500}), json.dumps({"text": "short"}))
    items = list(records.from_jsonl(stream, "f.jsonl", "f.jsonl", max_doc_bytes=100))
    assert [i.id for i in items if isinstance(i, Document)] == ["f.jsonl#L2"]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [s.location for s in skipped] == ["f.jsonl#L1"]
    assert "max-doc-bytes" in skipped[0].reason


def test_jsonl_binary_line_and_non_object_line_are_named() -> None:
    data = b'{"text": "good"}\n\x00\x01\x02\x00\x00\xff\n[1, 2]\n'
    items = list(records.from_jsonl(io.BytesIO(data), "f.jsonl", "f.jsonl", max_doc_bytes=100))
    assert [i.location for i in items if isinstance(i, Skipped)] == ["f.jsonl#L2", "f.jsonl#L3"]
    assert [i.id for i in items if isinstance(i, Document)] == ["f.jsonl#L1"]


def test_jsonl_lines_in_a_legacy_encoding_are_decoded() -> None:
    # Each line is guessed on its own, so it needs an article's worth of text (a very
    # short line of accented words can be mistaken for another code page).
    text = (
        "Le café du marché était fermé ce matin. Les élèves ont préféré rester à la "
        "bibliothèque près de la gare, où l'on sert un thé très doux et des crêpes."
    )
    line = json.dumps({"text": text}, ensure_ascii=False) + "\n"
    items = list(
        records.from_jsonl(io.BytesIO(line.encode("cp1252")), "f", "f", max_doc_bytes=1000)
    )
    doc = only(items)
    assert isinstance(doc, Document)
    assert doc.text == text


# --- standard input ---------------------------------------------------------------


def test_stdin_starting_with_a_brace_is_jsonl() -> None:
    data = (
        json.dumps({"text": "one " + BODY}) + "\n" + json.dumps({"text": "two"}) + "\n"
    ).encode()
    items = list(records.from_stdin(io.BytesIO(data), max_doc_bytes=10_000))
    assert [(i.id, i.location) for i in items if isinstance(i, Document)] == [
        ("stdin#L1", "stdin#L1"),
        ("stdin#L2", "stdin#L2"),
    ]


def test_stdin_jsonl_after_whitespace_or_a_bom_is_still_jsonl() -> None:
    record = json.dumps({"id": "r1", "text": BODY}).encode()
    for prefix in (b"  \n", codecs.BOM_UTF8):
        doc = only(list(records.from_stdin(io.BytesIO(prefix + record), max_doc_bytes=10_000)))
        assert isinstance(doc, Document)
        assert doc.id == "r1"


def test_stdin_jsonl_broken_line_is_named_with_its_number() -> None:
    data = b'{"text": "one"}\n{"text": \n{"text": "three"}\n'
    items = list(records.from_stdin(io.BytesIO(data), max_doc_bytes=10_000))
    assert [i.location for i in items if isinstance(i, Skipped)] == ["stdin#L2"]
    assert [i.id for i in items if isinstance(i, Document)] == ["stdin#L1", "stdin#L3"]


def test_stdin_text_is_one_article_with_id_stdin() -> None:
    text = "Headline\n\n" + BODY + "\n{not json}\n"
    doc = only(list(records.from_stdin(io.BytesIO(text.encode()), max_doc_bytes=10_000)))
    assert doc == Document(id="stdin", text=text, location="stdin")


def test_stdin_text_in_utf16_is_decoded() -> None:
    doc = only(list(records.from_stdin(io.BytesIO(BODY.encode("utf-16")), max_doc_bytes=10_000)))
    assert isinstance(doc, Document)
    assert doc.text == BODY


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b" \n\t\n", "empty"), (b"\x00\x01\x00\x02\xff\x00\x00", "binary")],
)
def test_unusable_stdin_is_skipped(data: bytes, reason: str) -> None:
    skipped = only(list(records.from_stdin(io.BytesIO(data), max_doc_bytes=10_000)))
    assert isinstance(skipped, Skipped)
    assert skipped.location == "stdin"
    assert reason in skipped.reason


def test_stdin_over_the_size_cap_is_skipped() -> None:
    skipped = only(list(records.from_stdin(io.BytesIO(b"word " * 100), max_doc_bytes=50)))
    assert isinstance(skipped, Skipped)
    assert "max-doc-bytes" in skipped.reason


def test_compact_json_list_records_on_one_line_get_distinct_ids() -> None:
    text = '[{"text": "first article text"}, {"text": "second article text"}, {"text": "third"}]'
    ids = [d.id for d in records.from_json_text(text, "feed.json", "feed.json")]
    assert ids == ["feed.json#L1", "feed.json#L1.2", "feed.json#L1.3"]
