"""Walking folders and files into Documents: ids, formats, encodings, and every kind
of input that must be skipped with a reason rather than stop the scan."""

from __future__ import annotations

import codecs
import io
import json
import os
import threading
from pathlib import Path

import pytest
from conftest import write_with_non_utf8_name

from dedup.ingest import reader
from dedup.ingest.document import Document, Skipped

BODY = "The council voted on Tuesday to build the flood barrier across the estuary.\n"
FRENCH = (
    "Le café du marché était fermé ce matin. Les élèves ont préféré rester à la "
    "bibliothèque près de la gare, où l'on sert un thé très doux et des crêpes.\n"
)


def read(*paths: Path | str, **options: int) -> tuple[dict[str, Document], list[Skipped]]:
    """Documents by id, and the skipped inputs, in the order ingest yields them."""
    docs: dict[str, Document] = {}
    skipped: list[Skipped] = []
    for item in reader.iter_documents([str(p) for p in paths], **options):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            assert item.id not in docs, f"duplicate id {item.id}"
            docs[item.id] = item
    return docs, skipped


def skip_if_permissions_ignored(path: Path) -> None:
    """Root (with CAP_DAC_OVERRIDE) reads files and folders whatever their mode."""
    if os.access(path, os.R_OK):
        pytest.skip("this user can read files whatever their mode (root?)")


def skipped_at(skipped: list[Skipped], path: Path | str) -> Skipped:
    matches = [s for s in skipped if s.location == str(path)]
    assert len(matches) == 1, (path, skipped)
    return matches[0]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- formats and ids ------------------------------------------------------------


def test_every_format_in_a_folder_tree_with_relative_posix_ids(tmp_path: Path) -> None:
    root = tmp_path / "news"
    write(root / "a.txt", BODY)
    write(root / "b.md", "# Heading\n\n" + BODY)
    write(root / "sub" / "deeper" / "c.TXT", BODY)
    write(
        root / "sub" / "page.html",
        "<html><head><title>Barrier</title><script>var SECRET = 1;</script></head><body>"
        "<article><p>" + BODY * 3 + "</p></article></body></html>",
    )
    write(root / "one.json", json.dumps({"text": BODY, "title": "One"}))
    write(root / "sub" / "list.json", json.dumps([{"text": BODY}, {"text": BODY}], indent=2))
    write(
        root / "rec.jsonl",
        json.dumps({"text": BODY}) + "\n" + json.dumps({"id": "own-7", "text": BODY}) + "\n",
    )

    docs, skipped = read(root)

    assert skipped == []
    assert set(docs) == {
        "a.txt",
        "b.md",
        "sub/deeper/c.TXT",
        "sub/page.html",
        "one.json",
        "sub/list.json#L2",
        "sub/list.json#L5",
        "rec.jsonl#L1",
        "own-7",
    }
    assert docs["one.json"].title == "One"
    assert docs["sub/page.html"].title == "Barrier"
    assert "SECRET" not in docs["sub/page.html"].text
    assert "flood barrier" in docs["sub/page.html"].text
    assert docs["sub/list.json#L5"].location == str(root / "sub" / "list.json") + "#L5"
    assert docs["own-7"].location == str(root / "rec.jsonl") + "#L2"
    assert docs["a.txt"].location == str(root / "a.txt")


def test_folders_are_walked_in_sorted_order(tmp_path: Path) -> None:
    root = tmp_path / "r"
    for name in ("z.txt", "b/y.txt", "a.txt", "b/a.txt", "m.txt", "a/z.txt"):
        write(root / name, BODY)
    docs, _ = read(root)
    assert list(docs) == ["a.txt", "m.txt", "z.txt", "a/z.txt", "b/a.txt", "b/y.txt"]


def test_ids_do_not_depend_on_how_the_root_is_spelt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "data" / "sub" / "x.txt", BODY)
    monkeypatch.chdir(tmp_path)
    spellings = ["data", "data/", "./data", str(tmp_path / "data"), "data/sub/.."]
    for spelling in spellings:
        docs, skipped = read(spelling)
        assert list(docs) == ["sub/x.txt"], spelling
        assert skipped == []


def test_a_file_given_directly_is_named_by_its_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "deep" / "folder" / "story.txt", BODY)
    docs, _ = read(path)
    assert list(docs) == ["story.txt"]
    assert docs["story.txt"].location == str(path)


def test_two_roots_prefix_ids_with_their_folder_names(tmp_path: Path) -> None:
    write(tmp_path / "wire" / "same.txt", BODY)
    write(tmp_path / "wire" / "sub" / "x.txt", BODY)
    write(tmp_path / "local" / "same.txt", BODY + "Local edition.\n")
    docs, skipped = read(tmp_path / "wire", tmp_path / "local")
    assert skipped == []
    assert list(docs) == ["wire/same.txt", "wire/sub/x.txt", "local/same.txt"]
    # a single root gets no prefix
    assert list(read(tmp_path / "wire")[0]) == ["same.txt", "sub/x.txt"]


def test_two_file_roots_are_prefixed_with_their_parent_folder(tmp_path: Path) -> None:
    a = write(tmp_path / "monday" / "story.txt", BODY)
    b = write(tmp_path / "tuesday" / "story.txt", BODY)
    docs, skipped = read(a, b)
    assert skipped == []
    assert list(docs) == ["monday/story.txt", "tuesday/story.txt"]


def test_roots_of_one_name_are_told_apart_by_their_parents(tmp_path: Path) -> None:
    for parent in ("x", "y"):
        write(tmp_path / parent / "news" / "item.txt", BODY + parent)
    x, y = tmp_path / "x" / "news", tmp_path / "y" / "news"
    docs, skipped = read(x, y)
    assert skipped == []
    assert list(docs) == ["x/news/item.txt", "y/news/item.txt"]
    assert docs["y/news/item.txt"].text.endswith("y")
    assert list(read(y, x)[0]) == ["y/news/item.txt", "x/news/item.txt"]  # order-free ids
    files, _ = read(x / "item.txt", y / "item.txt")  # files are named by their folders
    assert list(files) == ["x/news/item.txt", "y/news/item.txt"]
    # one folder given twice, or a file and its own folder: the same files, one prefix
    same = reader.iter_documents([str(x), str(x / "item.txt")])
    assert [doc.id for doc in same if isinstance(doc, Document)] == ["news/item.txt"] * 2


def test_root_prefixes_never_begin_one_another(tmp_path: Path) -> None:
    """``a/`` of ``r/a`` against ``a/`` of ``q/news/a`` makes the latter ``news/a/``,
    which begins like ``news/`` of ``p/news``: its files would meet the others'."""
    write(tmp_path / "p" / "news" / "a" / "item.txt", BODY + "p")
    write(tmp_path / "q" / "news" / "a" / "item.txt", BODY + "q")
    write(tmp_path / "r" / "a" / "item.txt", BODY + "r")
    docs, skipped = read(
        tmp_path / "p" / "news", tmp_path / "q" / "news" / "a", tmp_path / "r" / "a"
    )
    assert skipped == []
    assert len(docs) == 3 and {d.text[-1] for d in docs.values()} == {"p", "q", "r"}


def test_standard_input_as_a_path(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BODY)
    lines = json.dumps({"text": BODY}) + "\n" + json.dumps({"text": BODY + "More.\n"}) + "\n"
    items = list(
        reader.iter_documents(["-"], stdin=io.BytesIO(lines.encode()), max_doc_bytes=10_000)
    )
    assert [i.id for i in items if isinstance(i, Document)] == ["stdin#L1", "stdin#L2"]
    items = list(reader.iter_documents(["-"], stdin=io.BytesIO(BODY.encode())))
    assert [(i.id, i.text) for i in items if isinstance(i, Document)] == [("stdin", BODY)]


def test_a_json_list_without_ids_is_named_by_path_and_line(tmp_path: Path) -> None:
    records = [{"text": f"Article number {n}. " + BODY} for n in range(3)]
    path = write(tmp_path / "feed" / "batch.json", json.dumps(records, indent=1))
    docs, skipped = read(tmp_path / "feed")
    assert skipped == []
    # indent=1 puts each object over 3 lines, after the "[" on line 1
    assert list(docs) == ["batch.json#L2", "batch.json#L5", "batch.json#L8"]
    assert [d.text for d in docs.values()] == [r["text"] for r in records]
    assert docs["batch.json#L8"].location == f"{path}#L8"


def test_jsonl_with_a_broken_line_in_the_middle(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First. " + BODY}),
        json.dumps({"text": "Second. " + BODY}),
        '{"text": "Third, cut off in the midd',
        json.dumps({"text": "Fourth. " + BODY}),
    ]
    path = write(tmp_path / "r" / "feed.jsonl", "\n".join(lines) + "\n")
    docs, skipped = read(tmp_path / "r")
    assert list(docs) == ["feed.jsonl#L1", "feed.jsonl#L2", "feed.jsonl#L4"]
    assert len(skipped) == 1
    assert skipped[0].location == f"{path}#L3"
    assert skipped[0].message().startswith(f"{path}#L3: skipped: malformed JSON")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"], ids=["bom", "no-bom"])
def test_jsonl_in_utf16(tmp_path: Path, encoding: str) -> None:
    # Windows PowerShell writes UTF-16 with a BOM by default.
    text = json.dumps({"text": "Le café. " + BODY}, ensure_ascii=False) + "\r\n{oops\r\n"
    text += json.dumps({"id": "x", "text": BODY}) + "\r\n"
    path = write(tmp_path / "r" / "ps.jsonl", text.encode(encoding))
    docs, skipped = read(tmp_path / "r")
    assert list(docs) == ["ps.jsonl#L1", "x"]
    assert docs["ps.jsonl#L1"].text == "Le café. " + BODY
    assert [s.location for s in skipped] == [f"{path}#L2"]


# --- encodings --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_legacy_encoded_file_is_decoded(tmp_path: Path, encoding: str) -> None:
    text = FRENCH + "Il a dit \u00abbonjour\u00bb et il est parti.\n"
    if encoding == "cp1252":
        text += "\u201cC\u2019est fini\u201d \u2013 a-t-il ajouté\u2026\n"
    write(tmp_path / "r" / "fr.txt", text.encode(encoding))
    docs, skipped = read(tmp_path / "r")
    assert skipped == []
    assert docs["fr.txt"].text == text


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
        ("utf-8", codecs.BOM_UTF8),
    ],
    ids=["utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf8-bom"],
)
def test_unicode_files_with_and_without_bom(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = BODY + "Prices at the café rose by 3\u00a0%.\r\nSecond line.\r\n"
    write(tmp_path / "r" / "u.txt", bom + text.encode(encoding))
    docs, skipped = read(tmp_path / "r")
    assert skipped == []
    assert docs["u.txt"].text == text.replace("\r\n", "\n")


def test_utf16_html_and_json_files(tmp_path: Path) -> None:
    html = "<html><body><article><p>" + FRENCH * 3 + "</p></article></body></html>"
    write(tmp_path / "r" / "p.html", html.encode("utf-16"))
    write(tmp_path / "r" / "j.json", json.dumps({"text": FRENCH}).encode("utf-16"))
    docs, skipped = read(tmp_path / "r")
    assert skipped == []
    assert "Le café du marché" in docs["p.html"].text
    assert docs["j.json"].text == FRENCH


def test_file_name_that_is_not_utf8_gets_a_printable_id(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write_with_non_utf8_name(root, BODY)
    write(root / "empty.txt", "")
    docs, skipped = read(root)
    assert list(docs) == ["caf\\xe9.txt"]
    for text in (*docs, docs["caf\\xe9.txt"].location, skipped[0].location):
        text.encode("utf-8")  # a surrogate escape would raise here, and in the report


# --- inputs that are skipped --------------------------------------------------------


def test_hidden_files_and_folders_are_ignored_silently(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root / "seen.txt", BODY)
    write(root / ".hidden.txt", BODY)
    write(root / ".git" / "objects.txt", BODY)
    write(root / "sub" / ".cache" / "x.json", json.dumps({"text": BODY}))
    docs, skipped = read(root)
    assert list(docs) == ["seen.txt"]
    assert skipped == []


def test_unsupported_suffixes_in_folders_are_skipped_with_a_reason(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root / "ok.txt", BODY)
    pdf = write(root / "report.pdf", b"%PDF-1.7\n")
    bare = write(root / "sub" / "README", BODY)
    docs, skipped = read(root)
    assert list(docs) == ["ok.txt"]
    assert "unsupported file type '.pdf'" in skipped_at(skipped, pdf).reason
    assert "unsupported" in skipped_at(skipped, bare).reason
    assert len(skipped) == 2


def test_binary_file_with_nul_bytes_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "r"
    png = write(root / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(root / "ok.txt", BODY)
    docs, skipped = read(root)
    assert list(docs) == ["ok.txt"]
    assert "binary" in skipped_at(skipped, png).reason


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\ufeff".encode()])
@pytest.mark.parametrize("name", ["e.txt", "e.md", "e.json", "e.jsonl", "e.html"])
def test_empty_and_whitespace_only_files_are_skipped(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = write(tmp_path / "r" / name, content)
    docs, skipped = read(tmp_path / "r")
    assert docs == {}
    assert skipped_at(skipped, path)
    assert len(skipped) == 1


def test_empty_json_list_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "r" / "none.json", "[]\n")
    docs, skipped = read(tmp_path / "r")
    assert docs == {}
    assert "empty" in skipped_at(skipped, path).reason


def test_file_over_max_doc_bytes_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "r"
    big = write(root / "big.txt", "word " * 100 + "!")  # 501 bytes
    write(root / "fits.txt", "word " * 99 + "last\n")  # exactly 500 bytes
    big_json = write(root / "big.json", json.dumps({"text": "word " * 100}))
    docs, skipped = read(root, max_doc_bytes=500)
    assert list(docs) == ["fits.txt"]
    assert "max-doc-bytes" in skipped_at(skipped, big).reason
    assert "max-doc-bytes" in skipped_at(skipped, big_json).reason
    assert len(skipped) == 2


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "r" / "secret.txt", BODY)
    write(tmp_path / "r" / "ok.txt", BODY)
    path.chmod(0)
    try:
        skip_if_permissions_ignored(path)
        docs, skipped = read(tmp_path / "r")
    finally:
        path.chmod(0o644)
    assert list(docs) == ["ok.txt"]
    assert "unreadable" in skipped_at(skipped, path).reason


def test_unreadable_folder_is_skipped(tmp_path: Path) -> None:
    locked = tmp_path / "r" / "locked"
    write(locked / "x.txt", BODY)
    write(tmp_path / "r" / "ok.txt", BODY)
    locked.chmod(0)
    try:
        skip_if_permissions_ignored(locked)
        docs, skipped = read(tmp_path / "r")
    finally:
        locked.chmod(0o755)
    assert list(docs) == ["ok.txt"]
    assert "unreadable folder" in skipped_at(skipped, locked).reason


def test_broken_symlink_is_skipped_as_unreadable(tmp_path: Path) -> None:
    # Works as root too: there is nothing to open.
    root = tmp_path / "r"
    write(root / "ok.txt", BODY)
    dangling = root / "gone.txt"
    dangling.symlink_to(root / "deleted.txt")
    docs, skipped = read(root)
    assert list(docs) == ["ok.txt"]
    assert "unreadable" in skipped_at(skipped, dangling).reason


def test_symlink_loops_are_skipped_without_hanging(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root / "ok.txt", BODY)
    (root / "a.txt").symlink_to(root / "b.txt")
    (root / "b.txt").symlink_to(root / "a.txt")
    (root / "self.md").symlink_to("self.md")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    docs, skipped = read(root)
    assert list(docs) == ["ok.txt"]
    for name in ("a.txt", "b.txt", "self.md"):
        assert skipped_at(skipped, root / name)
    assert "not followed" in skipped_at(skipped, root / "sub" / "up").reason
    assert len(skipped) == 4


def test_symlinks_out_of_the_root_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "private.txt", "PRIVATE " + BODY)
    root = tmp_path / "r"
    write(root / "ok.txt", BODY)
    (root / "link.txt").symlink_to(outside / "private.txt")
    (root / "linked-folder").symlink_to(outside, target_is_directory=True)
    docs, skipped = read(root)
    assert list(docs) == ["ok.txt"]
    assert "outside" in skipped_at(skipped, root / "link.txt").reason
    assert "not followed" in skipped_at(skipped, root / "linked-folder").reason
    assert not any("PRIVATE" in d.text for d in docs.values())


def test_file_symlink_inside_the_root_is_read_under_its_own_name(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root / "archive" / "original.txt", BODY)
    (root / "latest.txt").symlink_to(Path("archive") / "original.txt")
    docs, skipped = read(root)
    assert skipped == []
    assert set(docs) == {"archive/original.txt", "latest.txt"}
    assert docs["latest.txt"].text == BODY


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_in_a_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root / "ok.txt", BODY)
    os.mkfifo(root / "pipe.txt")
    result: list[tuple[dict[str, Document], list[Skipped]]] = []
    worker = threading.Thread(target=lambda: result.append(read(root)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "ingest blocked opening a named pipe"
    docs, skipped = result[0]
    assert list(docs) == ["ok.txt"]
    assert "not a regular file" in skipped_at(skipped, root / "pipe.txt").reason


def test_missing_path_is_skipped_not_raised(tmp_path: Path) -> None:
    docs, skipped = read(tmp_path / "nope")
    assert docs == {}
    assert skipped == [Skipped(str(tmp_path / "nope"), "no such file or folder")]


def test_one_bad_input_never_stops_the_others(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root / "1.txt", BODY)
    write(root / "2.json", "{broken")
    write(root / "3.txt", b"\x00\x00\xff\x00binary\x00\x01")
    write(root / "4.jsonl", "not json\n")
    write(root / "5.html", "<html><body><script>x()</script></body></html>")
    write(root / "6.txt", BODY + "Six.\n")
    docs, skipped = read(root)
    assert list(docs) == ["1.txt", "6.txt"]
    assert sorted(s.location for s in skipped) == sorted(
        [
            str(root / "2.json"),
            str(root / "3.txt"),
            str(root / "4.jsonl") + "#L1",
            str(root / "5.html"),
        ]
    )
    for s in skipped:
        assert "\n" not in s.message()


SGML = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" OLDID="5544" NEWID="1">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TEXT>&#2;
<TITLE>BAHIA COCOA REVIEW</TITLE>
<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued throughout the week in
the Bahia cocoa zone, alleviating the drought &lt;since&gt; early January.&#127;
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="2">
<DATE>26-FEB-1987 15:02:20.00</DATE>
<TEXT TYPE="BRIEF">&#2;
<TITLE>STANDARD OIL &lt;SRD> TO FORM FINANCIAL UNIT
</TITLE>
&#3;
</TEXT>
</REUTERS>
"""


def test_reuters_sgml_stories_become_documents(tmp_path: Path) -> None:
    (tmp_path / "reut2-000.sgm").write_bytes(SGML.encode("latin-1"))
    items = list(reader.iter_documents([str(tmp_path)]))
    [doc] = [i for i in items if isinstance(i, Document)]
    [skipped] = [i for i in items if isinstance(i, Skipped)]
    assert doc.id == "reut2-000.sgm#1"
    assert (doc.title, doc.date, doc.source) == (
        "BAHIA COCOA REVIEW",
        "26-FEB-1987 15:01:01.79",
        "Reuters",
    )
    assert "drought <since> early January. " in doc.text  # entities decoded, &#127; a space
    assert "\n Reuter" in doc.text  # the sign-off is kept: wire evidence
    assert skipped.location.endswith("reut2-000.sgm#2")
    assert "no <BODY>" in skipped.reason
