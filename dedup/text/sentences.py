"""Sentences with offsets into the raw text, for alignment, facts and reports.

Lines are first joined into paragraphs (hard-wrapped wire copy such as Reuters-21578
breaks sentences across lines; headlines end without a full stop), then each paragraph
is split where a full stop, question or exclamation mark (and any closing quote) is
followed by space and a capital or digit, unless the word before it is a known
abbreviation (Gen., Inc., Mr.) or an initial (U.S., J.). pysbd, the library we first
used, splits the same news cases but costs about 35 ms an article (it compiles its
regexes on every call), which made it most of the rewrite tier's time; this costs
well under 1 ms. Boilerplate lines stay sentences of their own, marked with their rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dedup.text.boilerplate import Line, split_lines

_WRAP_WIDTH = 80


@dataclass(frozen=True, slots=True)
class Sentence:
    """``raw[start:end]`` is the sentence as written; ``text`` has its whitespace folded."""

    index: int
    start: int
    end: int
    text: str
    boilerplate: str | None


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st gen maj lt col sgt capt cmdr adm gov sen rep rev hon pres supt "
    "inc corp co ltd llc plc bros jr sr no nos vs etc al approx dept est fig govt univ "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun "
    "ft mt ave blvd rd".split()
)
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"([A-Za-z]+)\.$")
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.)+$")


def _spans(chunk: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _BOUNDARY.finditer(chunk):
        if _abbreviation(chunk[start : boundary.start() + 1]):
            continue
        spans.append((start, boundary.end()))
        start = boundary.end()
    spans.append((start, len(chunk)))
    return spans


def _abbreviation(text: str) -> bool:
    """Whether ``text`` ends with an abbreviation or an initial rather than a sentence."""
    if _INITIALS.search(text):
        return True
    last = _LAST_WORD.search(text)
    return last is not None and last.group(1).lower() in _ABBREVIATIONS


def split(raw: str, lines: list[Line] | None = None) -> list[Sentence]:
    """The sentences of ``raw`` in order, boilerplate lines included (and marked)."""
    lines = split_lines(raw) if lines is None else lines
    sentences: list[Sentence] = []
    for paragraph in paragraphs(raw, lines):
        first = paragraph[0]
        start, end = first.start, paragraph[-1].end
        if first.boilerplate is not None:
            text = " ".join(first.text.split())
            sentences.append(Sentence(len(sentences), start, end, text, first.boilerplate))
            continue
        chunk = raw[start:end].replace("\n", " ")  # same length: spans stay raw offsets
        for span_start, span_end in _spans(chunk):
            piece = chunk[span_start:span_end]
            text = " ".join(piece.split())
            if text:
                lead = len(piece) - len(piece.lstrip())
                s_start = start + span_start + lead
                s_end = s_start + len(piece.strip())
                sentences.append(Sentence(len(sentences), s_start, s_end, text, None))
    return sentences


def paragraphs(raw: str, lines: list[Line]) -> list[list[Line]]:
    """Group adjacent article lines that continue one another: in hard-wrapped text
    every adjacent line, elsewhere (one paragraph a line) a line starting in lower case.
    Boilerplate lines, and lines after a blank or an indented line, start paragraphs."""
    groups: list[list[Line]] = []
    wrapped = hard_wrapped(lines)
    for line in lines:
        if groups and _continues(raw, groups[-1][-1], line, wrapped):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _continues(raw: str, prev: Line, line: Line, wrapped: bool) -> bool:
    if prev.boilerplate is not None or line.boilerplate is not None:
        return False
    gap = raw[prev.end : line.start]
    if gap.count("\n") != 1:
        return False  # a blank line between them
    if gap.endswith(("  ", "\t")):
        return False  # an indented line opens a paragraph
    return wrapped or line.text[:1].islower()


def hard_wrapped(lines: list[Line]) -> bool:
    """Text wrapped at a fixed width (wire copy): no long lines, several short ones."""
    return wrapped_texts([line.text for line in lines if line.boilerplate is None])


def wrapped_texts(article: list[str]) -> bool:
    """``hard_wrapped`` of the article lines' texts (``boilerplate.kept_lines``)."""
    return len(article) >= 3 and all(len(text) <= _WRAP_WIDTH for text in article)
