"""Specific facts of a sentence (numbers, names, dates), to compare retold articles.

``shared``: which specific facts two articles share (story grouping); ``divergences``:
how aligned sentences differ ("more than 1,000" vs "nearly 1,000" soldiers, "Diori
Hamani" vs "Diori Hammani", "Friday" vs "Thursday"). Rule-based, stdlib only.

- numbers: "1,000", "1 000", "1.5 billion", "sixty", "a thousand", "$100 million", "5%",
  "101st" (key "101"); not a bare "one" (mostly a pronoun). Unit: "percent", a currency
  ("usd", ...), else the head noun after it ("1,000 of its soldiers" -> "soldiers").
  Qualifier classes (``QUALIFIER_CLASSES``): approx, below, above, none = "exact"; only
  a change of class diverges ("about" = "around"; "nearly" != "about").
- dates: keys "2023-07-26", "--05-03" (month-day), "2022-02", "--12", "2023" (after
  in/since/...), "friday"; numbers inside a date are not number facts.
- names: runs of capitalised words and acronyms ("U.S." = "US"), with connectors (of,
  de, al-), "Maj. Gen.", a leading ordinal or trailing number ("Air Base 101"; its 101
  is also a number fact, shared with "101st Air Force Base"). A common word opening a
  sentence is dropped ("The United States" -> "United States"): a curated list, since
  wordfreq's Zipf > 5 cut also drops Washington, China, John. Headlines in Title Case
  or ALL CAPS give no names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Literal

import xxhash

Span = tuple[int, int]
Token = re.Match[str]


@dataclass(frozen=True, slots=True)
class Fact:
    """One specific fact as written (``sentence[start:end] == text``) and its key."""

    kind: Literal["number", "name", "date"]
    text: str
    key: str
    qualifier: str | None
    unit: str | None
    start: int
    end: int


QUALIFIER_CLASSES = {q: c for c, qs in (
    ("approx", "about,around,approximately,roughly,some,an estimated,estimated,circa"),
    ("below", "nearly,almost,under,just under,fewer than,less than,up to,close to,no more than,"
              "not more than,at most,as many as"),
    ("above", "more than,over,just over,well over,at least,upwards of,in excess of,"
              "no fewer than,no less than"),
) for q in qs.split(",")}  # fmt: skip
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
_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = {m.lower(): i for i, m in enumerate(_MONTH_NAMES.split("|"), 1)}
_MONTHS |= {m[:3]: i for m, i in _MONTHS.items()} | {"sept": 9}
_COMMON = frozenset(
    "a an the this that these those it its he she they we you i his her their our my your "
    "there here what which who whom whose when where why how if whether while although though "
    "because since as after before until unless once in on at for from by with without within "
    "into onto of to about above below under over between among through throughout during "
    "against despite following according regarding including amid amidst and or but nor so yet "
    "also however meanwhile moreover furthermore nevertheless nonetheless still thus therefore "
    "instead otherwise indeed besides additionally similarly likewise simultaneously "
    "consequently hence then now today yesterday tomorrow later earlier recently currently "
    "previously finally first next last another other some many most more much few several all "
    "any each every both either neither no not such only just even asked speaking based given "
    "is are was were be been being has have had do does did will would can could should may "
    "might must shall said says say told than per due".split()
)
_PLURALS = frozenset("people personnel men women children police staff".split())
_CONNECTORS = frozenset("of de du des da di do dos la le van von der den del bin ibn al el".split())
_ABBREVIATIONS = frozenset("mr mrs ms dr st gen maj lt col sgt capt gov sen rep jr sr".split())
_OPENERS = frozenset(["", *"\"'([:;-.!?\u201c\u2018\u2014\u2013\u2022"])

_NUM_WORDS = {*_SMALL, "hundred", "dozen", "thousand", "million", "billion", "trillion"}
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
_M = rf"(?P<month>(?:{_MONTH_NAMES})\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:\.|\b))"
_DAY, _YEAR = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\b", r"(?P<year>(?:1[89]|20)\d\d)\b"
_PREP = r"(?P<prep>\b(?i:in|since|until|till|by|from|before|after|during|early|late|last|next|mid)"
_PREP += r"[\s-]+)"
_HINTS = {  # cheap tests first: each pattern below finds its hint in any match
    name: re.compile(hint)
    for name, hint in (("month", "Jan|Feb|Ma[ry]|Apr|Ju[nl]|Aug|Sep|Oct|Nov|Dec"),
                       ("year", r"1[89]\d\d|20\d\d"), ("day", _WEEKDAYS))
}  # fmt: skip
_DATES = tuple(  # (pattern, the hint it needs, the hint its matches start at, reach: _anchored)
    (re.compile(p), need, anchor, reach)
    for p, need, anchor, reach in (
        (rf"\b{_M}\s+{_DAY}(?:,?\s+{_YEAR})?", "month", "month", 0),
        (rf"\b{_DAY}\s+(?:of\s+)?{_M}(?:,?\s+{_YEAR})?", "month", "digits", 0),
        (rf"\b{_M}\s+{_YEAR}", "month", "month", 0),
        (rf"{_PREP}?\b(?P<month>{_MONTH_NAMES})\b", "month", "month", 6),
        (rf"{_PREP}{_YEAR}", "year", "year", 6),
        (rf"\b(?P<weekday>{_WEEKDAYS})\b", "day", "day", 0),
    )
)
# A digit run, an acronym ("U.S.") or a word ("al-Assad", "don't"). First written as
# (?:[^\W\d_]\.){2,}|\d[^\W_]*|[^\W_]+(?:['\u2019-][^\W_]+)*; the same matches, faster: a
# branch per first character (digit, or letter [^\W\d_]) and possessive quantifiers (nothing
# after them ever needs them to give back).
_TOKEN = re.compile(r"\d[^\W_]*+|[^\W\d_](?:\.(?:[^\W\d_]\.)++|[^\W_]*+(?:['\u2019-][^\W_]++)*+)")
# The same matches on ASCII text (\w is [A-Za-z0-9_], \d [0-9] there), faster still: a plain
# set of first characters lets the scan skip from token to token.
_ASCII_TOKEN = re.compile(
    r"[A-Za-z0-9](?:(?<=[0-9])[A-Za-z0-9]*+|\.(?:[A-Za-z]\.)++|[A-Za-z0-9]*+(?:['-][A-Za-z0-9]++)*+)"
)
_UNIT_WORDS = re.compile(
    r"[\s-]*(?:of\s+(?:its|their|the|his|her|our|these|those)\s+)?"
    r"([^\W\d_][\w.]*(?: [^\W\d_][\w.]*){0,2})"
)
_ARABIC = re.compile(r"(?:al|el|ad|ash|bin|ibn|abu)-[A-Z]")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_POSSESSIVE = ("'s", "\u2019s")
_THOUSANDS = re.compile(r"[,.]\d")
_DATE_HINT = re.compile("|".join(hint.pattern for hint in _HINTS.values()))  # any of them
_DIGITS = re.compile(r"\d+")
_SIGNS = "$€£¥"
_ARTICLES = frozenset(["a", "an", "A", "An"])  # a number only before a scale word:
_SCALE_NEXT = re.compile(r"\s+(?ai:hundred|dozen|thousand|million|billion|trillion)\b")
_QUALIFIERS = tuple(QUALIFIER_CLASSES)
_NUM_SEPARATORS, _WORD_SEPARATORS = re.compile(r"[,\s]"), re.compile(r"[\s-]+")
_BY_POSITION = attrgetter("start", "end")
_Kind = Literal["number", "name", "date"]
# The slots' own setters: Fact's frozen __init__ sets each through object.__setattr__.
_SET_KIND, _SET_TEXT, _SET_KEY, _SET_QUALIFIER, _SET_UNIT, _SET_START, _SET_END = (
    vars(Fact)[name].__set__ for name in Fact.__slots__
)


def _fact(
    kind: _Kind, text: str, key: str, qualifier: str | None, unit: str | None, start: int, end: int
) -> Fact:
    """``Fact(kind, ...)`` at half the cost (the same object: equal and hashed alike)."""
    fact = object.__new__(Fact)
    _SET_KIND(fact, kind)
    _SET_TEXT(fact, text)
    _SET_KEY(fact, key)
    _SET_QUALIFIER(fact, qualifier)
    _SET_UNIT(fact, unit)
    _SET_START(fact, start)
    _SET_END(fact, end)
    return fact


def extract(sentence: str) -> list[Fact]:
    """The number, name and date facts of one sentence, in order of appearance."""
    hint = _DATE_HINT.search(sentence)
    dates = _dates(sentence, hint.start()) if hint else []
    text = sentence  # dates blanked (same length, offsets hold) so numbers skip them
    for f in dates:
        text = text[: f.start] + " " * (f.end - f.start) + text[f.end :]
    tokens = list((_ASCII_TOKEN if text.isascii() else _TOKEN).finditer(text))
    words: list[str] = list(map(itemgetter(0), tokens))
    numbers = _numbers(text, sentence, tokens, words)
    names = _names(text, sentence, tokens, words, numbers)
    if not dates and not numbers:
        return names  # in order already: each starts after the one before
    return sorted(dates + numbers + names, key=_BY_POSITION)


def _dates(sentence: str, first: int) -> list[Fact]:
    """Date facts, most specific pattern first; later patterns skip taken spans."""
    found: list[Fact] = []
    taken: list[Span] = []
    anchors = _anchors(sentence, first)
    for pattern, need, anchor, reach in _DATES:
        if not anchors[need]:
            continue
        for m in _anchored(pattern, sentence, anchors[anchor], reach):
            span = m.span(m.lastgroup or 0) if "prep" in pattern.groupindex else m.span()
            key = _date_key(m.groupdict())
            if key and not any(s < span[1] and span[0] < e for s, e in taken):
                taken.append(span)
                found.append(_fact("date", sentence[span[0] : span[1]], key, None, None, *span))
    return found


def _anchors(sentence: str, first: int) -> dict[str, list[int]]:
    """Where each hint matches, found from the first one in one pass (the hints of months,
    years and weekdays never overlap), and the digit runs ("digits") if there is a month."""
    anchors: dict[str, list[int]] = {"month": [], "year": [], "day": [], "digits": []}
    for m in _DATE_HINT.finditer(sentence, first):
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


def _numbers(text: str, sentence: str, tokens: list[Token], words: list[str]) -> list[Fact]:
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
        if s < end or (m := _number_at(text, s)) is None or (value := _value(m)) is None:
            continue
        q, end = _qualifier(text, m.start()), m.end()
        start = q.start() if q else m.start()
        money = _CURRENCY.get((m["cur"] or m["cur2"] or "").strip().lower())
        unit = money or ("percent" if m["pct"] else _unit(text, end))
        qual = " ".join(q[1].lower().split()) if q else None
        key = format(value.normalize(), "f")  # "1000", "1.5": no exponent
        found.append(_fact("number", sentence[start:end], key, qual, unit, start, end))
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


def _qualifier(text: str, at: int) -> re.Match[str] | None:
    """The qualifier right before a number at ``at`` ("more than 1,000"), in 25 chars."""
    window = text[max(0, at - 25) : at]
    if window.isascii() and not window.rstrip().lower().endswith(_QUALIFIERS):
        return None  # no qualifier there (ASCII: no Unicode case folding)
    return _QUALIFIER.search(text, max(0, at - 25), at)


def _value(m: re.Match[str]) -> Decimal | None:
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


def _unit(text: str, end: int) -> str | None:
    """Head noun of the (up to three word) phrase after a number: its first plural-looking
    lower-case word, else its last; a function word, verb or adverb ends the phrase."""
    m, lower = _UNIT_WORDS.match(text, end), []
    for word in m[1].split() if m else []:
        low = word.lower().rstrip(".")
        if low in _COMMON or (word[0].islower() and low.endswith(("ed", "ing", "ly"))):
            break
        if word[0].islower():
            lower.append(low)
    plural = [
        w for w in lower if w in _PLURALS or (len(w) > 3 and w[-1] == "s" and w[-2] not in "siu")
    ]
    return plural[0] if plural else (lower[-1] if lower else None)


def _names(
    text: str, sentence: str, tokens: list[Token], words: list[str], numbers: list[Fact]
) -> list[Fact]:
    """Name facts: runs of capitalised words, trimmed and extended (see module doc)."""
    if "-" not in text and text.islower():
        return []  # no capital letter at all
    found: list[Fact] = []
    done = capitals = 0
    for i, word in enumerate(words):
        if i >= done and (word[0].isupper() or ("-" in word and _capital(word))):
            done = _run_end(text, tokens, words, i, numbers)
            capitals += done - i or 1  # no fewer than the capitalised words seen
            if fact := _name(text, sentence, tokens, words, i, done):
                found.append(fact)
    return [] if capitals >= 4 and _headline(words) else found  # a headline has 4 or more


def _headline(words: list[str]) -> bool:
    """A headline in Title Case or ALL CAPS: 90 % of four or more long words capitalised."""
    long_words = [w for w in words if len(w) >= 4 and w.isalpha()]
    return len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) >= 0.9 * len(long_words)


def _capital(word: str) -> bool:
    """Starts a name: a capital, or an Arabic article before one ("al-Assad")."""
    return word[0].isupper() or ("-" in word[2:4] and bool(_ARABIC.match(word)))


def _run_end(text: str, tokens: list[Token], words: list[str], i: int, numbers: list[Fact]) -> int:
    """End of the run of capitalised tokens (inner connectors allowed) starting at i."""
    j = i
    while j < len(words):
        word = words[j]
        if not (word[0].isupper() or _capital(word) or (j > i and word in _CONNECTORS)):
            break
        s, e = tokens[j].span()
        if numbers and any(f.start < e and s < f.end for f in numbers):
            break
        if j > i:  # joined by spaces, or ". " after "Gen"; a possessive ends the name
            gap, prev = text[tokens[j - 1].end() : s], words[j - 1]
            spaced = gap.isspace() or (
                gap[:1] == "." and gap[1:].isspace() and prev.lower() in _ABBREVIATIONS
            )
            if prev.endswith(_POSSESSIVE) or not spaced:
                break
        j += 1
    while j > i and words[j - 1] in _CONNECTORS:
        j -= 1
    return j


def _name(
    text: str, sentence: str, tokens: list[Token], words: list[str], i: int, j: int
) -> Fact | None:
    """The name of tokens[i:j], without a common opening word, with a leading ordinal
    and a trailing number; None when nothing (or a single letter) is left."""
    first = words[i]
    if first.lower() in _COMMON and text[: tokens[i].start()].rstrip()[-1:] in _OPENERS:
        i += not (first.isupper() and len(first) > 1)  # "US" stays, "The" and "I" go
    if i >= j or (j - i == 1 and len(words[i]) == 1):
        return None
    start, end = tokens[i].start(), tokens[j - 1].end()
    if i and _ORDINAL.fullmatch(words[i - 1]) and text[tokens[i - 1].end() : start] == " ":
        start = tokens[i - 1].start()  # "101st Air Base"
    after = tokens[j] if j < len(tokens) else None
    if words[j - 1].endswith(_POSSESSIVE):
        end -= 2
    elif after and after[0].isdigit() and text[end : after.start()] == " ":
        end = end if _THOUSANDS.match(text, after.end()) else after.end()  # "Base 101", "1,000"
    key = " ".join(text[start:end].split()).replace(".", "").replace("\u2019", "'").casefold()
    return _fact("name", sentence[start:end], key, None, None, start, end)


def qualifier_class(qualifier: str | None) -> str:
    """Class of a qualifier ("approx", "below", "above"), "exact" when there is none."""
    return QUALIFIER_CLASSES.get(qualifier, "exact") if qualifier else "exact"


def same_fact(a: Fact, b: Fact) -> bool:
    """Same kind and key: "1,000" and "a thousand", "U.S." and "US"."""
    return a.kind == b.kind and a.key == b.key


def name_variant(a: Fact, b: Fact) -> bool:
    """Two names spelt differently ("Diori Hamani"/"Hammani", "Airbase"/"Air Base 101"):
    same digits, lengths within 2, at most one edit per 7 letters (about a difflib ratio
    of 0.86), neither a prefix or suffix of the other ("Russia"/"Russian", "Lloyd Austin"/"US
    Lloyd Austin" are not variants)."""
    if a.kind != "name" or b.kind != "name" or a.key == b.key:
        return False
    x, y = (re.sub(r"\W", "", f.key) for f in (a, b))
    if re.sub(r"\D", "", x) != re.sub(r"\D", "", y) or abs(len(x) - len(y)) > 2:
        return False
    if x.startswith(y) or y.startswith(x) or x.endswith(y) or y.endswith(x):
        return x == y
    return _edits(x, y) <= max(len(x), len(y)) // 7


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), two rows."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _rank(a: Fact, b: Fact) -> int | None:
    """How two facts pair: 0 equal; 1 same value with another qualifier class, a spelling
    variant or a differing date (a divergence); 2 numbers of one unit; None unrelated."""
    if a.kind != b.kind:
        return None
    if a.kind == "number":
        if a.key == b.key:
            return int(qualifier_class(a.qualifier) != qualifier_class(b.qualifier))
        units = {f.unit.removesuffix("s") if f.unit else None for f in (a, b)}
        return 2 if len(units) == 1 else None
    if a.kind == "name":
        return 0 if a.key == b.key else (1 if name_variant(a, b) else None)
    both = [(x, y) for x, y in zip(_date_parts(a.key), _date_parts(b.key), strict=True) if x and y]
    return (0 if all(x == y for x, y in both) else 1) if both else None


def _date_parts(key: str) -> tuple[str | None, ...]:
    """(year, month, day, weekday) of a date key: "--07-26" -> (None, "07", "26", None)."""
    if key.isalpha():
        return (None, None, None, key)
    year, *rest = key.split("-")
    return (year or None, *[*(rest if year else rest[1:]), None, None][:2], None)


def divergences(a: Sequence[Fact], b: Sequence[Fact]) -> list[tuple[Fact, Fact]]:
    """Facts of two aligned sentences about the same thing that differ: a number's value
    or qualifier class (same unit, or same value), a name's spelling, a date. Equal
    facts pair first (and are not reported), then same values, then same units."""
    left, right, pairs = list(a), list(b), list[tuple[Fact, Fact]]()
    for rank in (0, 1, 2):
        for x in list(left):
            y = next((y for y in right if _rank(x, y) == rank), None)
            if y is not None:
                left.remove(x)
                right.remove(y)
                pairs += [(x, y)] if rank else []
    return sorted(pairs, key=lambda p: (p[0].start, p[1].start))


def shared(a: Iterable[Fact], b: Iterable[Fact]) -> set[str]:
    """Kind-prefixed keys found on both sides ("number:1000", "name:diori hamani ...")."""
    return {f"{f.kind}:{f.key}" for f in a} & {f"{f.kind}:{f.key}" for f in b}


def key_hash(key: str) -> int:
    """A fact key's 64-bit hash: a corpus's fact counts are kept as hashes, not text."""
    return xxhash.xxh3_64_intdigest(key.encode("utf-8", "surrogatepass"))


def distinct(keys: Iterable[str]) -> tuple[str, ...]:
    """Shared fact keys, sorted, with names that are part of a longer shared name left
    out ("revlon" beside "revlon group inc"): one company or person counts once."""
    keys = set(keys)  # read twice below
    names = [k.split(":", 1)[1].split() for k in keys if k.startswith("name:")]
    kept = []
    for key in sorted(set(keys)):
        kind, _, value = key.partition(":")
        words = value.split()
        if kind == "name" and any(_within(words, other) for other in names if other != words):
            continue
        kept.append(key)
    return tuple(kept)


def _within(words: list[str], other: list[str]) -> bool:
    """Whether ``words`` occur as a run inside the longer ``other``."""
    n = len(words)
    return n < len(other) and any(other[i : i + n] == words for i in range(len(other) - n + 1))
