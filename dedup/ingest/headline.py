"""The headline of a plain-text or Markdown article: its first line, when that line
reads as one. The rules are conservative (a wrong title misleads more than none):

- the first non-blank line (a Markdown ``#`` heading's text), of 3 to 25 words and at
  most 200 characters, that starts with a capital letter, a digit, a currency sign or
  a word with a capital inside (iTunes), after any opening quotation mark;
- it does not end as a sentence or a clause does (``.``, ``,``, ``;``, ``:``, a dash,
  an ellipsis): a headline has no final period; a dateline or a lede does;
- it holds no markup or code (``{}<>[]|=\\``, ``://``) and is not a byline (``By …``);
- more text follows it; when the next line is not blank (or a Markdown underline), it
  must not continue the first: it starts with no lower-case letter, and the first line
  is not one a hard wrap filled (the longest line of the text leaves no room for the
  next line's first word).

The title only labels the article: its line stays in the text that is analysed.
"""

from __future__ import annotations

import re

MIN_WORDS, MAX_WORDS, MAX_CHARS = 3, 25, 200
_ATX = re.compile(r"^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_UNDERLINE = re.compile(r"^(?:=+|-+)[ \t]*$")
_SENTENCE_END = (".", ",", ";", ":", "-", "\u2013", "\u2014", "\u2026")
_MARKUP = re.compile(r"[{}<>\[\]|=\\]|://")
_OPENING = "\"'\u2018\u201c\u00ab("
_CURRENCY = "$\u00a3\u20ac\u00a5"


def headline(text: str) -> str | None:
    """The article's headline, or None when its first line does not read as one."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return None
    first = lines[start].strip()
    heading = _ATX.match(first)
    title = heading.group(1).strip() if heading else first
    rest = lines[start + 1 :]
    if not _reads_as_headline(title) or not any(line.strip() for line in rest):
        return None
    follower = rest[0].strip()
    set_apart = heading is not None or not follower or _UNDERLINE.match(follower)
    if not set_apart and _continues(first, follower, lines):
        return None
    return title


def _reads_as_headline(line: str) -> bool:
    words = line.split()
    return (
        MIN_WORDS <= len(words) <= MAX_WORDS
        and len(line) <= MAX_CHARS
        and _starts_well(line)
        and not line.endswith(_SENTENCE_END)
        and _MARKUP.search(line) is None
        and words[0] != "By"
    )


def _starts_well(line: str) -> bool:
    """A capital letter, a digit or a currency sign first, after any opening quotation
    marks; or a first word with a capital inside it (iTunes, eBay)."""
    core = line.lstrip(_OPENING)
    if not core:
        return False
    return (
        core[0].isupper()
        or core[0].isdigit()
        or core[0] in _CURRENCY
        or (any(c.isupper() for c in core.split()[0]))
    )


def _continues(first: str, follower: str, lines: list[str]) -> bool:
    """Whether the next line carries on the first line's sentence: it starts in lower
    case, or a greedy wrap at the text's longest line would have put its first word on
    the first line had it fitted, so the first line is full."""
    if follower[0].islower():
        return True
    width = max(len(line.rstrip()) for line in lines)
    return len(first) + 1 + len(follower.split()[0]) > width
