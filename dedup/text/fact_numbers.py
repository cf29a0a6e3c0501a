"""Numbers in a sentence: figures and number words, with their scale, currency, unit
and qualifier (about, more than)."""

from __future__ import annotations

import re
from decimal import Decimal

from dedup.text.fact import COMMON, QUALIFIER_CLASSES, Fact, Token, make_fact

_NUM_SEPARATORS, _WORD_SEPARATORS = re.compile(r"[,\s]"), re.compile(r"[\s-]+")
_SMALL = dict(zip("zero one two three four five six seven eight nine ten eleven twelve "
                  "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
                  range(20), strict=True)) | dict(zip(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), range(20, 100, 10),
    strict=True))  # fmt: skip
_SCALES = {"hundred": 100, "dozen": 12, "thousand": 10**3, "k": 10**3, "million": 10**6,
           "mln": 10**6, "m": 10**6, "billion": 10**9, "bln": 10**9, "bn": 10**9,
           "trillion": 10**12}  # fmt: skip
_CURRENCY = {"$": "usd", "us$": "usd", "dlrs": "usd", "dlr": "usd", "dollars": "usd",
             "dollar": "usd", "€": "eur", "euros": "eur", "euro": "eur", "£": "gbp",
             "¥": "jpy", "yen": "jpy"}  # fmt: skip
_PLURALS = frozenset("people personnel men women children police staff".split())
_NUM_WORDS = {*_SMALL, "hundred", "dozen", "thousand", "million", "billion", "trillion"}
NUMBER_WORDS = frozenset(_NUM_WORDS)
"""Words that write a number (lower case): "one" to "ninety", "hundred" ... "trillion"."""
_NUM_WORD = "|".join(sorted(_NUM_WORDS, key=lambda w: (-len(w), w)))
_NUMBER_STARTS = frozenset(w for v in (*_NUM_WORDS, "a", "an") for w in (v, v.title()))
_NUMBER = re.compile(  # tried only where a token starts with a digit or a number word
    r"(?P<cur>US\$|[$€£¥])?(?<![\w.,])(?<![^\W\d_]-)(?:(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d|[,.]\d)|\d+(?:\.\d+)?)(?:st|nd|rd|th)?"
    r"(?:\s?(?P<scale>(?ai:thousand|million|billion|trillion|mln|bln|bn))\b|(?P<short>[mk])\b)?"
    r"|(?P<words>(?ai:(?:an?\s+(?=(?:hundred|dozen|thousand|million|billion|trillion)\b))?"
    rf"(?:{_NUM_WORD})\b(?:(?:[\s-]+|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+)"
    rf"(?:{_NUM_WORD})\b)*)))(?!\w)(?P<pct>\s?(?:%|(?i:percent|per\s+cent|pct)\b))?"
    r"(?P<cur2>\s+(?i:dlrs|dlr|dollars?|euros?|yen)\b)?"
)
_QUALIFIER = re.compile(rf"\b(?i:({'|'.join(sorted(QUALIFIER_CLASSES, key=len)[::-1])}))\s+$")
_UNIT_WORDS = re.compile(
    r"[\s-]*(?:of\s+(?:its|their|the|his|her|our|these|those)\s+)?"
    r"([^\W\d_][\w.]*(?: [^\W\d_][\w.]*){0,2})"
)
_SIGNS = "$€£¥"
_ARTICLES = frozenset(["a", "an", "A", "An"])  # a number only before a scale word:
_SCALE_NEXT = re.compile(r"\s+(?ai:hundred|dozen|thousand|million|billion|trillion)\b")
_QUALIFIERS = tuple(QUALIFIER_CLASSES)


def find_numbers(text: str, sentence: str, tokens: list[Token], words: list[str]) -> list[Fact]:
    """Number facts at tokens starting with a digit or number word, with the currency
    before, the qualifier before, and the percent, money or noun unit after."""
    found: list[Fact] = []
    end = 0
    for token, word in zip(tokens, words, strict=True):
        head = word in _NUMBER_STARTS or ("-" in word and word.partition("-")[0] in _NUMBER_STARTS)
        if not (head or word[0].isdigit()):
            continue
        if word in _ARTICLES and not _SCALE_NEXT.match(text, token.end()):
            continue  # not "a thousand": _NUMBER cannot match
        s = token.start()
        if s < end or (m := _number_at(text, s)) is None or (value := _number_value(m)) is None:
            continue
        q, end = _qualifier_before(text, m.start()), m.end()
        start = q.start() if q else m.start()
        money = _CURRENCY.get((m["cur"] or m["cur2"] or "").strip().lower())
        unit = money or ("percent" if m["pct"] else _unit_after(text, end))
        qual = " ".join(q[1].lower().split()) if q else None
        key = format(value.normalize(), "f")  # "1000", "1.5": no exponent
        found.append(make_fact("number", sentence[start:end], key, qual, unit, start, end))
    return found


def _number_at(text: str, s: int) -> re.Match[str] | None:
    """The number at token start s, from a currency sign before it ("US$5", "€5"). At
    offset 0 a sign ending the text counts as one before it (and there is no number):
    the first version's negative-offset ``startswith``, kept so that output is unchanged."""
    if not s:
        return None if text[-1] in _SIGNS else _NUMBER.match(text)
    if text[s - 1] not in _SIGNS:
        return _NUMBER.match(text, s)
    return _NUMBER.match(text, s - 3 if s >= 3 and text.startswith("US$", s - 3) else s - 1)


def _qualifier_before(text: str, at: int) -> re.Match[str] | None:
    """The qualifier right before a number at ``at`` ("more than 1,000"), in 25 chars."""
    window = text[max(0, at - 25) : at]
    if window.isascii() and not window.rstrip().lower().endswith(_QUALIFIERS):
        return None  # no qualifier there (ASCII: no Unicode case folding)
    return _QUALIFIER.search(text, max(0, at - 25), at)


def _number_value(m: re.Match[str]) -> Decimal | None:
    """Value of a number match; None for a bare "one", and "100m" without money."""
    if m["words"]:
        words = _WORD_SEPARATORS.split(m["words"].lower())
        return None if words == ["one"] else Decimal(_word_value(words))
    if m["short"] and not m["cur"]:
        return None
    num = m["num"]
    value = Decimal(num if num.isdigit() else _NUM_SEPARATORS.sub("", num))
    scale = m["scale"] or m["short"]
    return value * _SCALES[scale.lower()] if scale else value


def _word_value(words: list[str]) -> int:
    """Value of number words: "one hundred and fifty" -> 150, "a thousand" -> 1000."""
    total = current = 0
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in ("hundred", "dozen"):
            current = (current or 1) * _SCALES[word]
        elif word in _SCALES:
            total, current = total + (current or 1) * _SCALES[word], 0
    return total + current


def _unit_after(text: str, end: int) -> str | None:
    """Head noun of the (up to three word) phrase after a number: its first plural-looking
    lower-case word, else its last; a function word, verb or adverb ends the phrase."""
    m, lower = _UNIT_WORDS.match(text, end), []
    for word in m[1].split() if m else []:
        low = word.lower().rstrip(".")
        if low in COMMON or (word[0].islower() and low.endswith(("ed", "ing", "ly"))):
            break
        if word[0].islower():
            lower.append(low)
    plural = [
        w for w in lower if w in _PLURALS or (len(w) > 3 and w[-1] == "s" and w[-2] not in "siu")
    ]
    return plural[0] if plural else (lower[-1] if lower else None)
