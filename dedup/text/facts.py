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
from collections.abc import Iterable, Sequence
from operator import attrgetter, itemgetter

import xxhash

from dedup.text.fact import QUALIFIER_CLASSES, Fact
from dedup.text.fact_dates import DATE_HINT, find_dates
from dedup.text.fact_names import (
    find_names,
)
from dedup.text.fact_numbers import (
    find_numbers,
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
_BY_POSITION = attrgetter("start", "end")


def extract(sentence: str) -> list[Fact]:
    """The number, name and date facts of one sentence, in order of appearance."""
    text, tokens, words, dates = _tokens(sentence)
    numbers = find_numbers(text, sentence, tokens, words)
    names = find_names(text, sentence, tokens, words, numbers)
    if not dates and not numbers:
        return names  # in order already: each starts after the one before
    return sorted(dates + numbers + names, key=_BY_POSITION)


def numbers(sentence: str) -> list[Fact]:
    """The number facts of one sentence, as ``extract`` finds them, without reading
    its names (the sentence ledger weighs figures by value over whole articles)."""
    text, tokens, words, _ = _tokens(sentence)
    return find_numbers(text, sentence, tokens, words)


def _tokens(sentence: str) -> tuple[str, list[re.Match[str]], list[str], list[Fact]]:
    """The sentence with its dates blanked (same length, offsets hold, so numbers
    skip them), its tokens and their words, and the dates."""
    hint = DATE_HINT.search(sentence)
    dates = find_dates(sentence, hint.start()) if hint else []
    text = sentence
    for f in dates:
        text = text[: f.start] + " " * (f.end - f.start) + text[f.end :]
    tokens = list((_ASCII_TOKEN if text.isascii() else _TOKEN).finditer(text))
    return text, tokens, list(map(itemgetter(0), tokens)), dates


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
