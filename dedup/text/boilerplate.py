"""Boilerplate: recognise page chrome line by line so it is set aside from matching.

Rules name what they catch (cookie banners, audio disclaimers, copyright lines, CSS,
site labels, ...). Lines are kept with their offsets in the raw text; nothing is
deleted, so later stages (wire detection, reports) still see every line.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import accumulate

import xxhash

# (rule, trigger substrings of the lower-cased line, pattern). A line is tried against
# the patterns only when a trigger occurs in it: most lines are article text, and
# substring search over the whole text costs far less than regex searches per line.
_RULES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (name, triggers, re.compile(pattern, re.IGNORECASE))
    for name, triggers, pattern in (
        (
            "cookie-banner",
            ("cookie",),
            r"\bcookies?\b.*\b(consent|accept|policy|settings|use of)\b"
            r"|\b(consent|accept)\b.*\bcookies?\b",
        ),
        (
            "language-switch",
            ("version", "edition", "switch"),
            r"prefer the \w+ version|would you like to switch"
            r"|switch to (the )?\w+ (version|edition)",
        ),
        (
            "audio",
            ("listen", "audio", "artificially", "feedback"),
            r"^listen to (this )?(article|story)\b|\baudio version\b"
            r"|\bartificially generated\b|^send feedback$",
        ),
        (
            "copyright",
            ("\u00a9", "(c)", "copyright", "rights reserved", "published", "redistribut"),
            r"^(\u00a9|\(c\)|copyright\b)|\ball rights reserved\b"
            r"|\bmay not be (re)?published\b|\bredistributed\b",
        ),
        (
            "mobile-chrome",
            ("mobile", "skip to", "back to top"),
            r"^exit mobile version$|^(skip to (main )?content|back to top)$",
        ),
        (
            "css-js",
            ("{", "function", "var ", "window.", "document."),
            r"^[^\s{}]*\{[^{}]*[:;][^{}]*\}\s*$|^\s*(function\s*\(|var |window\.|document\.)",
        ),
        ("source-tag", ("source",), r"^source:?\s+\S.{0,40}$"),
        (
            "share-prompt",
            ("share", "follow", "sign up", "subscribe", "advertisement", "read more", "related"),
            r"^(share|share this|follow us|sign up|subscribe|advertisement"
            r"|read more|related( articles)?)\b.{0,40}$",
        ),
    )
)
_TRIGGERS = tuple(sorted({t for _, triggers, _ in _RULES for t in triggers}))
_RULES_OF_TRIGGER = {
    trigger: tuple(i for i, (_, triggers, _) in enumerate(_RULES) if trigger in triggers)
    for trigger in _TRIGGERS
}
REPEATED = "repeated-line"
"""The rule name of lines set aside because the corpus repeats them."""
_LABEL_MAX_WORDS = 2
_LABEL_MAX_CHARS = 40
_SENTENCE_END = tuple('.!?:;"\u201d\u2019)')


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line of the raw text: ``text[start:end]``, and the rule that marks
    it as boilerplate (``None`` for article text)."""

    start: int
    end: int
    text: str
    boilerplate: str | None


# The slots' own setters: Line's frozen __init__ sets each through object.__setattr__,
# which made building the records most of ``split_lines``'s time.
_SET_START, _SET_END, _SET_TEXT, _SET_BOILERPLATE = (
    vars(Line)[name].__set__ for name in Line.__slots__
)


def _line(start: int, end: int, text: str, verdict: str | None) -> Line:
    """``Line(start, end, text, verdict)`` at a third of the cost (the same object)."""
    line = object.__new__(Line)
    _SET_START(line, start)
    _SET_END(line, end)
    _SET_TEXT(line, text)
    _SET_BOILERPLATE(line, verdict)
    return line


def classify(line: str) -> str | None:
    """The name of the boilerplate rule ``line`` matches, or None for article text."""
    stripped = line.strip()
    return _matching_rule(stripped, _TRIGGERS) or ("label" if _is_label(stripped) else None)


def _matching_rule(stripped: str, triggers: tuple[str, ...]) -> str | None:
    """The first rule (in ``_RULES`` order) with one of ``triggers`` in the line whose
    pattern matches it; ``triggers`` must hold every trigger the line can contain."""
    lowered = stripped.lower()
    present = filter(lowered.__contains__, triggers)
    for rule in sorted({rule for trigger in present for rule in _RULES_OF_TRIGGER[trigger]}):
        name, _, pattern = _RULES[rule]
        if pattern.search(stripped):
            return name
    return None


def _is_label(stripped: str) -> bool:
    """One or two short words, no digits, no closing punctuation: a section or byline
    label ("World", "Publication date"); lines with figures (tables, prices) and long
    unspaced lines (Chinese, Japanese, Thai text) are content."""
    if len(stripped) > _LABEL_MAX_CHARS:  # most lines: decided without splitting
        return False
    return (
        len(stripped.split(None, _LABEL_MAX_WORDS)) <= _LABEL_MAX_WORDS
        and not stripped.endswith(_SENTENCE_END)
        and not any(map(str.isdigit, stripped))
    )


def split_lines(text: str) -> list[Line]:
    """Every non-blank line with its offsets and boilerplate verdict."""
    raw_lines = text.split("\n")
    stripped_lines = list(map(str.strip, raw_lines))
    ruled = _ruled_lines(text, stripped_lines)
    lines: list[Line] = []
    pos = 0
    for number, (raw, stripped) in enumerate(zip(raw_lines, stripped_lines, strict=True)):
        if stripped:
            start = pos + len(raw) - len(raw.lstrip())
            verdict = ruled.get(number) or ("label" if _is_label(stripped) else None)
            lines.append(_line(start, start + len(stripped), stripped, verdict))
        pos += len(raw) + 1
    return lines


def kept_text(text: str) -> str:
    """``article_text(split_lines(text))``, the same verdicts without building lines:
    the hot loop needs the text alone."""
    return "\n".join(kept_lines(text))


def kept_lines(text: str) -> list[str]:
    """The texts of the article lines of ``split_lines(text)`` (no rule, no label),
    without building the line records: the fingerprint stage needs no offsets."""
    stripped_lines = list(map(str.strip, text.split("\n")))
    for number in _ruled_lines(text, stripped_lines):
        stripped_lines[number] = ""  # set aside, as blank lines are
    return [
        line
        for line in stripped_lines
        if len(line) > _LABEL_MAX_CHARS or (line and not _is_label(line))
    ]


def _ruled_lines(text: str, stripped_lines: list[str]) -> dict[int, str]:
    """The lines (by number in ``text.split("\\n")``) a rule sets aside, and the rule.

    Rules are tried only on lines holding a trigger. Which triggers occur is found by
    substring search over the whole lower-cased text, ``len(_TRIGGERS)`` C-level
    searches: most articles hold none and are decided there."""
    lowered = text.lower()
    present = tuple(filter(lowered.__contains__, _TRIGGERS))
    ruled: dict[int, str] = {}
    for number in _lines_holding(lowered, present) if present else ():
        rule = _matching_rule(stripped_lines[number], present)
        if rule is not None:
            ruled[number] = rule
    return ruled


def _lines_holding(lowered: str, triggers: tuple[str, ...]) -> set[int]:
    """Numbers of the lines of ``lowered`` where any of ``triggers`` occurs (lower-
    casing keeps every newline in place, so they number ``text``'s lines too); each
    occurrence is placed by bisection, so the time stays linear in the text."""
    starts = [0, *accumulate(len(line) + 1 for line in lowered.split("\n"))]
    found: set[int] = set()
    for trigger in triggers:
        at = lowered.find(trigger)
        while at != -1:
            found.add(bisect.bisect_right(starts, at) - 1)
            at = lowered.find(trigger, at + 1)
    return found


def line_key(text: str) -> int:
    """A line's hash with case and spacing folded, to find lines a corpus repeats."""
    return xxhash.xxh3_64_intdigest(" ".join(text.casefold().split()).encode("utf-8"))


def article_line_keys(lines: list[Line]) -> frozenset[int]:
    """Keys of the lines no rule set aside (candidates for corpus-wide boilerplate)."""
    return frozenset(line_key(line.text) for line in lines if line.boilerplate is None)


def text_line_keys(texts: list[str]) -> frozenset[int]:
    """``article_line_keys`` of the article lines' texts (``kept_lines``)."""
    return frozenset(map(line_key, texts))


def mark_repeated(lines: list[Line], repeated: frozenset[int]) -> list[Line]:
    """Set aside article lines the corpus repeats across many unrelated documents."""
    if not repeated:
        return lines
    return [
        replace(line, boilerplate=REPEATED)
        if line.boilerplate is None and line_key(line.text) in repeated
        else line
        for line in lines
    ]


def repeated_lines(keys_per_group: Iterable[frozenset[int]], min_groups: int) -> frozenset[int]:
    """Line keys found in at least ``min_groups`` groups of documents, each group
    being one story or one lone article, so copies of one story never count twice."""
    counts: Counter[int] = Counter()
    for keys in keys_per_group:
        counts.update(keys)
    return frozenset(key for key, count in counts.items() if count >= min_groups)


def article_text(lines: list[Line]) -> str:
    """The text that is fingerprinted and matched: the lines that are not boilerplate."""
    return "\n".join(line.text for line in lines if line.boilerplate is None)
