"""Dates in a sentence: weekdays, months, day-month forms and the words that anchor them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dedup.text.fact import Fact, Span, make_fact

_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = {m.lower(): i for i, m in enumerate(_MONTH_NAMES.split("|"), 1)}
_MONTHS |= {m[:3]: i for m, i in _MONTHS.items()} | {"sept": 9}
_MONTH = (
    rf"(?P<month>(?:{_MONTH_NAMES})\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:\.|\b))"
)
_PREP = r"(?P<prep>\b(?i:in|since|until|till|by|from|before|after|during|early|late|last|next|mid)"
_PREP += r"[\s-]+)"
_DAY, _YEAR = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\b", r"(?P<year>(?:1[89]|20)\d\d)\b"
_HINTS = {  # cheap tests first: each pattern below finds its hint in any match
    name: re.compile(hint)
    for name, hint in (("month", "Jan|Feb|Ma[ry]|Apr|Ju[nl]|Aug|Sep|Oct|Nov|Dec"),
                       ("year", r"1[89]\d\d|20\d\d"), ("day", _WEEKDAYS))
}  # fmt: skip
_DATES = tuple(  # (pattern, the hint it needs, the hint its matches start at, reach: _anchored)
    (re.compile(p), need, anchor, reach)
    for p, need, anchor, reach in (
        (rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?", "month", "month", 0),
        (rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?", "month", "digits", 0),
        (rf"\b{_MONTH}\s+{_YEAR}", "month", "month", 0),
        (rf"{_PREP}?\b(?P<month>{_MONTH_NAMES})\b", "month", "month", 6),
        (rf"{_PREP}{_YEAR}", "year", "year", 6),
        (rf"\b(?P<weekday>{_WEEKDAYS})\b", "day", "day", 0),
    )
)
DATE_HINT = re.compile("|".join(hint.pattern for hint in _HINTS.values()))  # any of them
_DIGITS = re.compile(r"\d+")


def find_dates(sentence: str, first: int) -> list[Fact]:
    """Date facts, most specific pattern first; later patterns skip taken spans."""
    found: list[Fact] = []
    taken: list[Span] = []
    anchors = _find_anchors(sentence, first)
    for pattern, need, anchor, reach in _DATES:
        if not anchors[need]:
            continue
        for m in _anchored(pattern, sentence, anchors[anchor], reach):
            span = m.span(m.lastgroup or 0) if "prep" in pattern.groupindex else m.span()
            key = _date_key(m.groupdict())
            if key and not any(s < span[1] and span[0] < e for s, e in taken):
                taken.append(span)
                found.append(make_fact("date", sentence[span[0] : span[1]], key, None, None, *span))
    return found


def _find_anchors(sentence: str, first: int) -> dict[str, list[int]]:
    """Where each hint matches, found from the first one in one pass (the hints of months,
    years and weekdays never overlap), and the digit runs ("digits") if there is a month."""
    anchors: dict[str, list[int]] = {"month": [], "year": [], "day": [], "digits": []}
    for m in DATE_HINT.finditer(sentence, first):
        hint = m[0]
        kind = "year" if hint[0].isdigit() else "day" if len(hint) > 3 else "month"
        anchors[kind].append(m.start())
    if anchors["month"]:
        anchors["digits"] = [m.start() for m in _DIGITS.finditer(sentence)]
    return anchors


def _anchored(
    pattern: re.Pattern[str], sentence: str, anchors: list[int], reach: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(sentence)``, tried only where its matches can start: at an anchor
    (where a hint found a month, year, ...) or, with a reach, up to that many letters before
    the spaces or hyphens before one ("in May", "mid-1987"; such a preposition holds no anchor)."""
    end = 0
    for at in anchors:
        start = at
        while reach and start and (sentence[start - 1].isspace() or sentence[start - 1] == "-"):
            start -= 1
        for p in (*range(max(end, start - reach), start), at):
            if p >= end and (m := pattern.match(sentence, p)):
                end = m.end()
                yield m
                break


def _date_key(groups: dict[str, str | None]) -> str | None:
    """ISO-like key of a date match; None for day 45 or "May" alone (the verb, a name)."""
    weekday, month, day, year = (groups.get(k) for k in ("weekday", "month", "day", "year"))
    if weekday:
        return weekday.lower()
    if not month:
        return year
    if (day and not 1 <= int(day) <= 31) or (
        month == "May" and not (day or year or groups["prep"])
    ):
        return None
    number = _MONTHS[month.rstrip(".").lower()]
    return f"{year or '-'}-{number:02}" + (f"-{int(day):02}" if day else "")
