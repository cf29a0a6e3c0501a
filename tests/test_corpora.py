"""The corpus loaders in ``benchmarks.corpora`` against the real data (skipped when a
corpus is not under the data folder), plus the parsing rules on small made-up files."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from benchmarks import corpora
from dedup import Document


def needs(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not corpora.available(name), reason=f"corpus {name!r} not under {corpora.data_dir()}"
    )


# --- Reuters-21578 -------------------------------------------------------------------


@pytest.fixture(scope="module")
def reuters() -> dict[str, Document]:
    docs = list(corpora.reuters())
    by_id = {doc.id: doc for doc in docs}
    assert len(by_id) == len(docs), "NEWIDs are not unique"
    return by_id


@needs("reuters")
def test_reuters_counts_and_ids(reuters: dict[str, Document]) -> None:
    # 21,578 stories, of which 19,043 have a <BODY>; NEWIDs run 1..21578.
    assert len(reuters) == 19_043
    assert all(doc_id.isdigit() for doc_id in reuters)
    assert max(int(doc_id) for doc_id in reuters) == 21_578
    assert all(doc.title for doc in reuters.values())


@needs("reuters")
def test_reuters_known_story(reuters: dict[str, Document]) -> None:
    doc = reuters["1"]
    assert doc.title == "BAHIA COCOA REVIEW"
    assert doc.date == "26-FEB-1987 15:01:01.79"
    assert doc.source == "Reuters"
    assert doc.location.endswith("reut2-000.sgm#1")
    assert doc.text.startswith("Showers continued throughout the week in\nthe Bahia cocoa zone")
    assert doc.text.endswith("carnival which ends midday on February 27.\n Reuter\n")


@needs("reuters")
def test_reuters_entities_unescaped(reuters: dict[str, Document]) -> None:
    assert reuters["2"].title == "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT"
    assert "Plc <BP>, which also owns" in reuters["2"].text
    assert sum("<" in doc.text for doc in reuters.values()) == 3_761
    for doc in reuters.values():
        assert "&lt;" not in doc.text and "&#" not in doc.text, doc.id
        assert "&lt;" not in (doc.title or ""), doc.id
        # html.unescape drops the &#3; end-of-text marks and the &#127; (DEL) garbles.
        assert "\x03" not in doc.text and "\x7f" not in doc.text, doc.id
    assert "country's ate of inflation" in reuters["419"].text  # &#127; became a space


@needs("reuters")
def test_reuters_sign_off_kept(reuters: dict[str, Document]) -> None:
    last_words = collections.Counter(
        doc.text.split()[-1] for doc in reuters.values() if doc.text.split()
    )
    assert last_words["Reuter"] == 14_192
    assert last_words["REUTER"] == 4_557
    assert last_words["reuter"] == 77


@needs("reuters")
def test_reuters_latin1_and_raw_dates(reuters: dict[str, Document]) -> None:
    # The one non-ASCII byte in the collection (0xFC) is read as latin-1.
    assert "growth.\u00fcside measures" in reuters["17980"].text
    # Dates are kept as given, wire junk included.
    assert reuters["10279"].date == "27-MAR-1987 00:02:59.13&#5;&#5;&#5;RM"


@needs("reuters")
def test_reuters_has_exact_duplicates(reuters: dict[str, Document]) -> None:
    assert reuters["4"].text == reuters["16"].text
    assert reuters["4"].title != reuters["16"].title
    by_text = collections.Counter(doc.text for doc in reuters.values())
    assert sum(count - 1 for count in by_text.values() if count > 1) == 262


# --- BBC -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bbc() -> dict[str, Document]:
    docs = list(corpora.bbc())
    by_id = {doc.id: doc for doc in docs}
    assert len(by_id) == len(docs), "BBC ids are not unique"
    return by_id


@needs("bbc")
def test_bbc_counts(bbc: dict[str, Document]) -> None:
    assert len(bbc) == 2_225
    categories = collections.Counter(corpora.bbc_category(doc_id) for doc_id in bbc)
    assert categories == {
        "business": 510,
        "entertainment": 386,
        "politics": 417,
        "sport": 511,
        "tech": 401,
    }
    assert not any("README" in doc_id for doc_id in bbc)


@needs("bbc")
def test_bbc_known_article(bbc: dict[str, Document]) -> None:
    doc = bbc["business/001.txt"]
    assert doc.title == "Ad sales boost Time Warner profit"
    assert doc.text.startswith("Ad sales boost Time Warner profit\n\nQuarterly profits at US")
    assert "(\u00a3600m)" in doc.text
    assert doc.source == "BBC"


@needs("bbc")
def test_bbc_decoding(bbc: dict[str, Document]) -> None:
    # Files are UTF-8 except sport/199.txt, whose pound sign is a latin-1 byte.
    assert "a \u00a315.8" in bbc["sport/199.txt"].text
    assert not any("\u00c2" in doc.text or "\ufffd" in doc.text for doc in bbc.values())


@needs("bbc")
def test_bbc_has_duplicate_files(bbc: dict[str, Document]) -> None:
    assert bbc["business/007.txt"].text == bbc["business/253.txt"].text
    by_text = collections.Counter(doc.text for doc in bbc.values())
    assert sum(count - 1 for count in by_text.values() if count > 1) == 98


def test_bbc_category() -> None:
    assert corpora.bbc_category("sport/199.txt") == "sport"
    for bad in ("199.txt", "weather/001.txt", ""):
        with pytest.raises(ValueError):
            corpora.bbc_category(bad)


# --- Clough & Stevenson --------------------------------------------------------------


@needs("clough_stevenson")
def test_clough_counts() -> None:
    files = corpora.clough_stevenson()
    assert len(files) == 100
    assert len({f.doc_id for f in files}) == 100
    assert collections.Counter(f.category for f in files) == {
        "non": 38,
        "cut": 19,
        "light": 19,
        "heavy": 19,
        "orig": 5,
    }
    tasks = collections.Counter(f.task for f in files if f.category != "orig")
    assert tasks == dict.fromkeys("abcde", 19)
    originals = {f.task: f.doc_id for f in files if f.category == "orig"}
    assert originals == {t: f"orig_task{t}.txt" for t in "abcde"}
    assert all(f.text.strip() for f in files)


@needs("clough_stevenson")
def test_clough_known_files_and_cp1252() -> None:
    files = {f.doc_id: f for f in corpora.clough_stevenson()}
    orig = files["orig_taska.txt"]
    assert (orig.task, orig.category) == ("a", "orig")
    assert orig.text.startswith("In object-oriented programming, inheritance is a way to form")
    answer = files["g1pB_taska.txt"]
    assert (answer.task, answer.category) == ("a", "non")
    # Seventeen answers are cp1252: curly quotes, bullets and dashes, not C1 controls.
    assert "\u2019" in answer.text and "\x92" not in answer.text
    assert "\u2022" in files["g4pE_taskc.txt"].text
    # g2pA_taske.txt is UTF-8 but holds cp1252 quotes as C1 controls: repaired.
    assert "\u2018Greedy\u2019" in files["g2pA_taske.txt"].text
    assert not any(0x80 <= ord(ch) <= 0x9F for f in files.values() for ch in f.text)


# --- MSRP ----------------------------------------------------------------------------


@needs("msrp")
def test_msrp_counts() -> None:
    train = corpora.msrp("train")
    test = corpora.msrp("test")
    assert (len(train), sum(p.label for p in train)) == (4_076, 2_753)
    assert (len(test), sum(p.label for p in test)) == (1_725, 1_147)
    for pair in train + test:
        assert pair.a and pair.b
        assert not pair.a.startswith("\ufeff")
        assert "\t" not in pair.a + pair.b


@needs("msrp")
def test_msrp_known_pair_keeps_quotes() -> None:
    first = corpora.msrp("train")[0]
    assert first.label is True
    assert first.a == (
        'Amrozi accused his brother, whom he called "the witness", '
        "of deliberately distorting his evidence."
    )
    assert first.b.startswith('Referring to him as only "the witness", Amrozi')


def test_msrp_parsing_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "msrp"
    folder.mkdir()
    (folder / "msr_paraphrase_test.txt").write_bytes(
        "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
        '0\t1\t2\t"Quoted start, no end\tHe said "yes".\n'
        "1\t3\t4\tA caf\u00e9.\tA cafe.\n".encode()
    )
    monkeypatch.setenv("DEDUP_DATA", str(tmp_path))
    assert corpora.data_dir() == tmp_path
    assert corpora.available("msrp") and not corpora.available("bbc")
    assert corpora.msrp("test") == [
        corpora.SentencePair(False, '"Quoted start, no end', 'He said "yes".'),
        corpora.SentencePair(True, "A caf\u00e9.", "A cafe."),
    ]


# --- SemEval-2022 Task 8 -------------------------------------------------------------


@needs("semeval")
def test_semeval_counts_and_strata() -> None:
    pairs = corpora.semeval()
    assert len(pairs) == 58
    assert len({p.pair_id for p in pairs}) == 58
    assert all(p.pair_id == f"{p.a.id}_{p.b.id}" for p in pairs)
    assert all(1.0 <= p.rating <= 4.0 and p.a.text and p.b.text for p in pairs)
    strata = collections.Counter(
        "same"
        if p.rating <= 1.5
        else "close"
        if p.rating <= 2.5
        else "far"
        if p.rating <= 3.5
        else "unrelated"
        for p in pairs
    )
    assert strata == {"same": 19, "close": 12, "far": 10, "unrelated": 17}


@needs("semeval")
def test_semeval_known_pair() -> None:
    pairs = {p.pair_id: p for p in corpora.semeval()}
    pair = pairs["1484698308_1587130797"]
    assert pair.rating == pytest.approx(4 / 3)
    assert (pair.a.id, pair.a.source, pair.a.date) == ("1484698308", "www.teaparty.org", None)
    assert (
        pair.b.title == "Ghislaine Maxwell\u2019s powerful contacts protecting her in safe houses"
    )
    assert pair.b.date == "Wed Jan  1 00:00:00 2020"
    assert pair.b.url is not None and pair.b.url.startswith("https://pagesix.com/2020/01/01/")
    assert pair.a.text.startswith("\u2018If she\u2019s going down")
    # The README's known bad date.
    assert pairs["1484188473_1484233982"].a.date == "Fri Dec 19 18:00:00 2031"


# --- seeds and helpers ---------------------------------------------------------------


@needs("seeds")
def test_seeds() -> None:
    docs = corpora.seeds()
    names = sorted(p.name for p in (corpora.REPO / "seeds").glob("*.txt"))
    assert [d.id for d in docs] == names
    assert len(docs) >= 5
    assert all(d.text.strip() and "\r" not in d.text for d in docs)


def test_available_rejects_unknown_names() -> None:
    with pytest.raises(ValueError):
        corpora.available("reuters-21578")
    assert corpora.available("reuters") == corpora.available("reuters21578")


def test_data_dir_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEDUP_DATA", raising=False)
    assert corpora.data_dir() == corpora.REPO.parent / "shared" / "data"
