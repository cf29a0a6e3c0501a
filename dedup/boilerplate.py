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
REPEATED = "repeated-line"
"""The rule name of lines set aside because the corpus repeats them."""
_LABEL_MAX_WORDS = 2
_LABEL_MAX_CHARS = 40
_SENTENCE_END = re.compile('[.!?:;"\u201d\u2019)]$')


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line of the raw text: ``text[start:end]``, and the rule that marks
    it as boilerplate (``None`` for article text)."""

    start: int
    end: int
    text: str
    boilerplate: str | None


def classify(line: str) -> str | None:
    """The name of the boilerplate rule ``line`` matches, or None for article text."""
    stripped = line.strip()
    lowered = stripped.lower()
    for name, triggers, pattern in _RULES:
        if any(t in lowered for t in triggers) and pattern.search(stripped):
            return name
    return "label" if _is_label(stripped) else None


def _is_label(stripped: str) -> bool:
    """One or two short words, no digits, no closing punctuation: a section or byline
    label ("World", "Publication date"); lines with figures (tables, prices) and long
    unspaced lines (Chinese, Japanese, Thai text) are content."""
    if len(stripped) > _LABEL_MAX_CHARS:  # most lines: decided without splitting
        return False
    return (
        len(stripped.split(None, _LABEL_MAX_WORDS)) <= _LABEL_MAX_WORDS
        and not any(ch.isdigit() for ch in stripped)
        and not _SENTENCE_END.search(stripped)
    )


def split_lines(text: str) -> list[Line]:
    """Every non-blank line with its offsets and boilerplate verdict."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + len(raw) - len(raw.lstrip())
            spans.append((start, start + len(stripped), stripped))
        pos += len(raw) + 1
    suspects = _lines_with_triggers(text, [start for start, _, _ in spans])
    return [
        Line(
            start,
            end,
            stripped,
            classify(stripped) if i in suspects else ("label" if _is_label(stripped) else None),
        )
        for i, (start, end, stripped) in enumerate(spans)
    ]


def _lines_with_triggers(text: str, line_starts: list[int]) -> set[int]:
    """Indexes of the lines containing any rule trigger (found by substring search)."""
    lowered = text.lower()
    found: set[int] = set()
    if len(lowered) != len(text):  # lower() changed lengths: offsets unusable, test all
        return set(range(len(line_starts)))
    for trigger in _TRIGGERS:
        at = lowered.find(trigger)
        while at != -1:
            found.add(bisect.bisect_right(line_starts, at) - 1)
            at = lowered.find(trigger, at + 1)
    return found


def line_key(text: str) -> int:
    """A line's hash with case and spacing folded, to find lines a corpus repeats."""
    return xxhash.xxh3_64_intdigest(" ".join(text.casefold().split()).encode("utf-8"))


def article_line_keys(lines: list[Line]) -> frozenset[int]:
    """Keys of the lines no rule set aside (candidates for corpus-wide boilerplate)."""
    return frozenset(line_key(line.text) for line in lines if line.boilerplate is None)


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
