"""Boilerplate: recognise page chrome line by line so it is set aside from matching.

Rules name what they catch (cookie banners, audio disclaimers, copyright lines, CSS,
site labels, ...). Lines are kept with their offsets in the raw text; nothing is
deleted, so later stages (wire detection, reports) still see every line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "cookie-banner",
            r"\bcookies?\b.*\b(consent|accept|policy|settings|use of)\b"
            r"|\b(consent|accept)\b.*\bcookies?\b",
        ),
        (
            "language-switch",
            r"prefer the \w+ version|would you like to switch"
            r"|switch to (the )?\w+ (version|edition)",
        ),
        (
            "audio",
            r"^listen to (this )?(article|story)\b|\baudio version\b"
            r"|\bartificially generated\b|^send feedback$",
        ),
        (
            "copyright",
            r"^(©|\(c\)|copyright\b)|\ball rights reserved\b"
            r"|\bmay not be (re)?published\b|\bredistributed\b",
        ),
        ("mobile-chrome", r"^exit mobile version$|^(skip to (main )?content|back to top)$"),
        (
            "css-js",
            r"^[^\s{}]*\{[^{}]*[:;][^{}]*\}\s*$|^\s*(function\s*\(|var |window\.|document\.)",
        ),
        ("source-tag", r"^source:?\s+\S.{0,40}$"),
        (
            "share-prompt",
            r"^(share|share this|follow us|sign up|subscribe|advertisement"
            r"|read more|related( articles)?)\b.{0,40}$",
        ),
    )
)
_LABEL_MAX_WORDS = 2
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
    for name, pattern in _RULES:
        if pattern.search(stripped):
            return name
    if len(stripped.split()) <= _LABEL_MAX_WORDS and not _SENTENCE_END.search(stripped):
        return "label"
    return None


def split_lines(text: str) -> list[Line]:
    """Every non-blank line with its offsets and boilerplate verdict."""
    lines: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            lines.append(Line(pos + lead, pos + lead + len(stripped), stripped, classify(stripped)))
        pos = end + 1
    return lines


def article_text(lines: list[Line]) -> str:
    """The text that is fingerprinted and matched: the lines that are not boilerplate."""
    return "\n".join(line.text for line in lines if line.boilerplate is None)
