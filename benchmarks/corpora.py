"""Loaders for the real corpora in the shared data folder, one function per corpus.

Nothing is copied into the repository: every loader reads from ``data_dir()``, and
``available(name)`` says whether a corpus is there (tests and benchmarks skip if not).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from dedup import Document
from dedup.ingest import records
from dedup.ingest.decode import decode_bytes

REPO = Path(__file__).resolve().parent.parent
"""The repository root (the parent of ``benchmarks/``)."""

FOLDERS = {
    "reuters": "reuters21578",
    "bbc": "bbc",
    "clough_stevenson": "clough_stevenson_short_answers",
    "msrp": "msrp",
    "semeval": "semeval2022_en",
}
"""Loader name -> folder under ``data_dir()``."""

BBC_CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")

CloughCategory = Literal["cut", "light", "heavy", "non", "orig"]
_CLOUGH_CATEGORIES: frozenset[str] = frozenset({"cut", "light", "heavy", "non", "orig"})

_C1_CONTROL = re.compile(r"[\x80-\x9f]")


@dataclass(frozen=True, slots=True)
class CloughFile:
    """One file of the Clough & Stevenson corpus: an answer to task a..e, rewritten
    from the task's source with the given category, or the source itself (``orig``)."""

    doc_id: str
    task: str
    category: CloughCategory
    text: str


@dataclass(frozen=True, slots=True)
class SentencePair:
    """One MSRP sentence pair; ``label`` is True when annotators judged it a paraphrase."""

    label: bool
    a: str
    b: str


@dataclass(frozen=True, slots=True)
class ArticlePair:
    """One SemEval-2022 Task 8 article pair; ``rating`` is the mean overall human rating,
    1 = the same story, 4 = unrelated."""

    pair_id: str
    rating: float
    a: Document
    b: Document


def data_dir() -> Path:
    """The shared data folder: ``$DEDUP_DATA`` if set, else ``<repo>/../shared/data``."""
    env = os.environ.get("DEDUP_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def available(name: str) -> bool:
    """Whether corpus ``name`` (a loader name, its folder name, or ``"seeds"``) is present."""
    if name == "seeds":
        return (REPO / "seeds").is_dir()
    folder = FOLDERS.get(name, name)
    if folder not in FOLDERS.values():
        raise ValueError(f"unknown corpus {name!r}; known: {', '.join(FOLDERS)}, seeds")
    return (data_dir() / folder).is_dir()


def reuters() -> Iterator[Document]:
    """Reuters-21578 stories that have a <BODY>, in file order, read by dedup's own
    ``.sgm`` reader from the Latin-1 files; id = NEWID (the reader's ids are
    ``<file>#NEWID``)."""
    folder = data_dir() / FOLDERS["reuters"]
    for path in sorted(folder.glob("reut2-*.sgm")):
        raw = path.read_text(encoding="latin-1")
        for item in records.from_reuters_sgml(raw, str(path), path.name):
            if isinstance(item, Document):
                yield dataclasses.replace(item, id=item.id.rpartition("#")[2])


def bbc() -> Iterator[Document]:
    """BBC News articles (Greene & Cunningham 2006), id ``"<category>/NNN.txt"``; title =
    first line, text = the whole file (UTF-8, else latin-1)."""
    folder = data_dir() / FOLDERS["bbc"]
    for category in BBC_CATEGORIES:
        for path in sorted((folder / category).glob("*.txt")):
            text = _utf8_else(path.read_bytes(), "latin-1")
            yield Document(
                id=f"{category}/{path.name}",
                text=text,
                title=text.split("\n", 1)[0].strip() or None,
                source="BBC",
                location=str(path),
            )


def bbc_category(doc_id: str) -> str:
    """The category of a BBC document id (``"sport/199.txt"`` -> ``"sport"``)."""
    category, sep, _ = doc_id.partition("/")
    if not sep or category not in BBC_CATEGORIES:
        raise ValueError(f"not a BBC document id: {doc_id!r}")
    return category


def clough_stevenson() -> list[CloughFile]:
    """The 95 short answers and 5 task sources listed in ``file_information.csv``, in
    that order; text is UTF-8, else cp1252, else latin-1 (C1 controls repaired)."""
    folder = data_dir() / FOLDERS["clough_stevenson"] / "data"
    files: list[CloughFile] = []
    with (folder / "file_information.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            category = row["Category"].strip()
            if category not in _CLOUGH_CATEGORIES:
                raise ValueError(f"{row['File']}: unknown category {category!r}")
            text = _repair_c1(_utf8_else((folder / row["File"]).read_bytes(), "cp1252", "latin-1"))
            files.append(
                CloughFile(
                    doc_id=row["File"],
                    task=row["Task"].strip(),
                    category=cast(CloughCategory, category),
                    text=text,
                )
            )
    return files


def msrp(split: Literal["train", "test"]) -> list[SentencePair]:
    """MSR Paraphrase Corpus pairs of one split (tab-separated, UTF-8 with a BOM; a
    ``Quality`` header line is skipped if present; quotes are literal)."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    path = data_dir() / FOLDERS["msrp"] / f"msr_paraphrase_{split}.txt"
    pairs: list[SentencePair] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line_no, row in enumerate(
            csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), start=1
        ):
            if not row or (line_no == 1 and row[0].strip() == "Quality"):
                continue
            if len(row) != 5 or row[0] not in ("0", "1"):
                raise ValueError(f"{path}:{line_no}: not a 5-column MSRP row: {row!r}")
            pairs.append(SentencePair(label=row[0] == "1", a=row[3], b=row[4]))
    return pairs


def semeval(path: Path | None = None) -> list[ArticlePair]:
    """SemEval-2022 Task 8 English article pairs with text (``dev_pairs.jsonl``, or
    another file of that shape); rating is the ``overall`` mean; document ids are the
    task's article ids."""
    path = path or data_dir() / FOLDERS["semeval"] / "dev_pairs.jsonl"
    pairs: list[ArticlePair] = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            location = f"{path}#L{line_no}"
            pairs.append(
                ArticlePair(
                    pair_id=str(record["pair_id"]),
                    rating=float(record["overall"]),
                    a=_semeval_document(record, "1", location),
                    b=_semeval_document(record, "2", location),
                )
            )
    return pairs


def seeds() -> list[Document]:
    """The seed articles in ``<repo>/seeds/*.txt``, id = file name, decoded as ``dedup``
    decodes files."""
    return [
        Document(id=path.name, text=decode_bytes(path.read_bytes()), location=str(path))
        for path in sorted((REPO / "seeds").glob("*.txt"))
    ]


def _semeval_document(record: dict[str, object], side: str, location: str) -> Document:
    def optional(key: str) -> str | None:
        value = record.get(key + side)
        return None if value is None else str(value)

    return Document(
        id=str(record["id" + side]),
        text=str(record["text" + side]),
        title=optional("title"),
        date=optional("publish_date"),
        source=optional("source"),
        url=optional("url"),
        location=location,
    )


def _repair_c1(text: str) -> str:
    """Undo cp1252 punctuation that was stored as C1 controls (U+0080..U+009F) in UTF-8,
    as in Clough ``g2pA_taske.txt``, whose quotes around 'Greedy' are U+0091/U+0092."""
    if not _C1_CONTROL.search(text):
        return text
    try:
        return text.encode("latin-1").decode("cp1252")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _utf8_else(data: bytes, *fallbacks: str) -> str:
    """``data`` decoded as UTF-8, else with the first fallback encoding that fits."""
    for encoding in ("utf-8", *fallbacks):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"not decodable as any of utf-8, {', '.join(fallbacks)}")
