"""Copies hidden by invisible characters or markup (issue #17, defects 1 and 10): each
disguise, read from a file, must leave a ``copy`` of the original in ``dedup scan`` and
fail ``dedup check --fail-on copy`` against an index holding the original; plain text
that only looks like markup is read as written; joiners that join stay."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import ARTICLE, folder, run

import dedup
from dedup.cli.app import EXIT_FOUND, EXIT_OK
from dedup.config import ScanConfig
from dedup.ingest import invisible, markup, records
from dedup.ingest.document import Document
from dedup.text.normalise import normalise, tokenise

WORDS = ARTICLE.split(" ")


def every_letter(char: str) -> str:
    """ARTICLE with ``char`` between every two characters."""
    return char.join(ARTICLE)


def every_third_word(char: str) -> str:
    """ARTICLE with ``char`` inside every third word."""
    return " ".join(w[:1] + char + w[1:] if i % 3 == 0 else w for i, w in enumerate(WORDS))


def escaped(text: str) -> str:
    """``text`` as an HTML-escaping feed writes it: ``&amp;``, ``&#8217;``, ``&nbsp;``."""
    return (
        text.replace("&", "&amp;")
        .replace("'", "&#8217;")
        .replace(", ", ",&nbsp;")
        .replace("the ", "&#x74;he ")
        .replace("-", "&ndash;")
    )


def as_html(text: str) -> str:
    """``text`` as an HTML fragment: a paragraph element each, some words emphasised."""
    paragraphs = [p.replace("\n", " ") for p in text.split("\n\n") if p.strip()]
    body = "\n".join(f'<p class="story">{p}</p>' for p in paragraphs)
    return body.replace("flood barrier", "<em>flood</em> barrier").replace(
        "four years", "four<br>years"
    )


DISGUISES = {
    "zero-width space between every letter": ("zwsp.txt", every_letter("\u200b")),
    "zero-width joiner between every letter": ("zwj.txt", every_letter("\u200d")),
    "word joiner in a third of the words": ("wj.txt", every_third_word("\u2060")),
    "soft hyphen in a third of the words": ("shy.txt", every_third_word("\u00ad")),
    "byte-order mark in a third of the words": ("bom.txt", every_third_word("\ufeff")),
    "bidi controls in a third of the words": ("bidi.txt", every_third_word("\u202e\u202c")),
    "tag characters in a third of the words": (
        "tags.txt",
        every_third_word("\U000e0041\U000e007f"),
    ),
    "variation selector in a third of the words": ("vs.txt", every_third_word("\ufe0f")),
    "entities in .txt": ("entities.txt", escaped(ARTICLE)),
    "entities in JSON text": (
        "entities.json",
        json.dumps({"id": "entities", "text": escaped(ARTICLE)}),
    ),
    "zero-width spaces as entities in JSONL": (
        "entities.jsonl",
        json.dumps({"id": "zw-entities", "text": every_third_word("&#8203;")}),
    ),
    "HTML in JSON text": ("html.json", json.dumps([{"id": "html", "text": as_html(ARTICLE)}])),
    "HTML in .txt": ("html.txt", as_html(ARTICLE)),
}


@pytest.mark.parametrize("name", DISGUISES)
def test_disguised_copy_is_a_copy_in_scan(tmp_path: Path, name: str) -> None:
    file, text = DISGUISES[name]
    root = folder(tmp_path, "news", {"original.txt": ARTICLE, file: text})
    result = run("scan", root, "--format", "json", "--quiet")
    assert result.exit_code == EXIT_OK, result.stderr
    report = json.loads(result.stdout)
    (pair,) = report["pairs"]
    assert pair["relation"] == "copy" and pair["jaccard"] == 1.0
    (story,) = report["stories"]
    for member in story["members"]:  # the report shows the text as a reader sees it
        for sentence in member["sentences"]:
            assert not re.search(
                r"[\u200b-\u200f\u2060\u00ad\ufeff\u202e<>]|&\w+;", sentence["text"]
            )


@pytest.mark.parametrize("name", DISGUISES)
def test_disguised_copy_fails_check(tmp_path: Path, name: str) -> None:
    db = str(tmp_path / "index.db")
    indexed = run(
        "index", "add", folder(tmp_path, "indexed", {"original.txt": ARTICLE}), "--db", db
    )
    assert indexed.exit_code == EXIT_OK, indexed.stderr
    file, text = DISGUISES[name]
    incoming = folder(tmp_path, "incoming", {file: text})
    result = run("check", incoming, "--db", db, "--fail-on", "copy", "--format", "json")
    assert result.exit_code == EXIT_FOUND, result.stdout
    (item,) = json.loads(result.stdout)["items"]
    (match,) = item["matches"]
    assert (match["document"], match["relation"]) == ("original.txt", "copy")


def test_documents_built_by_hand_still_tokenise_without_invisible_characters() -> None:
    """``scan_documents`` takes Documents as given, uncleaned: the tokens the copy and
    rewrite tiers read drop invisible characters all the same."""
    docs = [Document("a", ARTICLE), Document("b", every_letter("\u200b"))]
    result = dedup.scan_documents(docs, ScanConfig(ledger=False))
    assert [(p.a, p.b, p.relation) for p in result.pairs] == [("a", "b", "copy")]
    assert tokenise(normalise(every_letter("\u2060\u200d"))) == tokenise(normalise(ARTICLE))


# --- what is left as written ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Shares in <B AND H OCEAN CARRIERS> and <S AND P CORP> rose; <A AND W BRANDS> fell.",
        "If x<y and y > z then <b> is bold in HTML, and so is <strong>, said the guide.",
        "AT&T and R&D &notable, &copy without a semicolon, Q&A; &bogus; stay as written.",
        "Plain text with a < and a > and an &.",
    ],
)
def test_plain_text_that_looks_like_markup_is_left_alone(text: str) -> None:
    assert records.clean_text(text) == text
    document = records.from_plain_text(text, "f.txt", "f.txt")
    assert isinstance(document, Document) and document.text == text


def test_entities_are_decoded_and_html_becomes_paragraphs() -> None:
    assert records.clean_text("caf&eacute; &amp; bar&#8217;s &#x2014; &nbsp;x") == (
        "caf\u00e9 & bar\u2019s \u2014 \u00a0x"
    )
    page = (
        "<html><head><title>T</title><style>p {}</style></head><body>"
        "<h1>Head&shy;line</h1><script>var x = '<p>no</p>';</script><!-- note -->"
        "<p>One <b>bold</b>ly\nwrapped line.</p><p>Two<br>lines</p>"
        "<table><tr><td>a</td><td>b</td></tr></table></body></html>"
    )
    assert (
        records.clean_text(page)
        == "T\n\nHeadline\n\nOne boldly\nwrapped line.\n\nTwo\nlines\n\na b"
    )


@pytest.mark.parametrize(
    "html",
    [
        "<p>top</p>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "<p>after</p>",
        "<p>top</p>" + "<b>x " * 3000 + "<p>after</p>",
        "<p>top</p><p>deep</p><!-- never closed <p>after</p>",
    ],
)
def test_html_that_libxml2_would_cut_short_is_read_whole(html: str) -> None:
    """libxml2 stops 2,048 elements deep, and a comment never closed hides the rest:
    such text is read as plain text (entities decoded) and nothing is lost."""
    assert markup.html_text(html) is None
    assert records.clean_text(html) == html


def test_json_titles_are_cleaned_too() -> None:
    found = records.from_record(
        {"text": ARTICLE, "title": "Caf&eacute;\u200b owners&#8217; vote"}, "f", "f"
    )
    assert isinstance(found, Document) and found.title == "Caf\u00e9 owners\u2019 vote"


def test_text_of_nothing_but_invisible_characters_is_empty() -> None:
    found = records.from_plain_text("\u200b\ufeff \u2060\n<p></p><p></p><br>", "f.txt", "f.txt")
    assert not isinstance(found, Document) and found.reason == "empty (no text)"


# --- joiners where they join ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # woman technologist, medium skin tone
        "\u2764\ufe0f",  # red heart, emoji presentation
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
        "\u0915\u094d\u200d\u0937",  # Devanagari half form
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, ZWNJ
    ],
)
def test_joiners_in_emoji_and_scripts_stay_in_the_text(text: str) -> None:
    assert records.clean_text(f"Tweet: {text} end") == f"Tweet: {text} end"


def test_tokens_drop_every_joiner() -> None:
    """A ZWNJ inside a Persian word no longer splits it; inside a Latin one neither."""
    assert tokenise(normalise("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")) == [
        "\u0645\u06cc\u062e\u0648\u0627\u0647\u0645"
    ]
    assert tokenise(normalise("W\u200cor\u200dd\ufe0f")) == ["word"]


def test_joiners_after_latin_greek_cyrillic_or_digits_go() -> None:
    text = "w\u200do\u200cr\ufe0fd \u03b1\u200d\u03b2 \u0434\u200d\u0430 1\u200d0 caf\u00e9\u200d"
    assert records.clean_text(text) == "word \u03b1\u03b2 \u0434\u0430 10 caf\u00e9"


def test_every_format_character_of_this_unicode_version_is_invisible() -> None:
    """The hard-coded class covers Unicode category Cf as this Python knows it."""
    pattern = re.compile(f"[{invisible.INVISIBLE_CLASS}]")
    missing = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf" and not pattern.match(chr(code))
    ]
    assert not missing
