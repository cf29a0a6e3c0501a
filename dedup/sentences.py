"""Sentences with offsets into the raw text, for alignment, facts and reports.

Lines are first joined into paragraphs (hard-wrapped wire copy such as Reuters-21578
breaks sentences across lines; headlines end without a full stop), then pysbd splits
each paragraph: it is rule-based, handles news abbreviations (U.S., Maj. Gen., Inc.,
p.m.) and quotes, and returns character spans. Boilerplate lines stay sentences of
their own, marked with their rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dedup.boilerplate import Line, split_lines

_WRAP_WIDTH = 80


@dataclass(frozen=True, slots=True)
class Sentence:
    """``raw[start:end]`` is the sentence as written; ``text`` has its whitespace folded."""

    index: int
    start: int
    end: int
    text: str
    boilerplate: str | None


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd  # imported lazily: only alignment and reports need sentences

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


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
        for span in _segmenter().segment(chunk):
            piece = chunk[span.start : span.end]
            text = " ".join(piece.split())
            if text:
                lead = len(piece) - len(piece.lstrip())
                s_start = start + span.start + lead
                s_end = s_start + len(piece.strip())
                sentences.append(Sentence(len(sentences), s_start, s_end, text, None))
    return sentences


def paragraphs(raw: str, lines: list[Line]) -> list[list[Line]]:
    """Group adjacent article lines that continue one another: in hard-wrapped text
    every adjacent line, elsewhere (one paragraph a line) a line starting in lower case.
    Boilerplate lines, and lines after a blank or an indented line, start paragraphs."""
    groups: list[list[Line]] = []
    wrapped = _hard_wrapped(lines)
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


def _hard_wrapped(lines: list[Line]) -> bool:
    """Text wrapped at a fixed width (wire copy): no long lines, several short ones."""
    article = [line for line in lines if line.boilerplate is None]
    return len(article) >= 3 and all(len(line.text) <= _WRAP_WIDTH for line in article)
