"""Names in a sentence: runs of capitalised words, with connectors (of, de, bin) and titles."""

from __future__ import annotations

import re

from dedup.text.fact import COMMON, Fact, Token, make_fact

_CONNECTORS = frozenset("of de du des da di do dos la le van von der den del bin ibn al el".split())
_ABBREVIATIONS = frozenset("mr mrs ms dr st gen maj lt col sgt capt gov sen rep jr sr".split())
_OPENERS = frozenset(["", *"\"'([:;-.!?\u201c\u2018\u2014\u2013\u2022"])
_ARABIC = re.compile(r"(?:al|el|ad|ash|bin|ibn|abu)-[A-Z]")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_POSSESSIVE = ("'s", "\u2019s")
_THOUSANDS = re.compile(r"[,.]\d")


def find_names(
    text: str, sentence: str, tokens: list[Token], words: list[str], numbers: list[Fact]
) -> list[Fact]:
    """Name facts: runs of capitalised words, trimmed and extended (see module doc)."""
    if "-" not in text and text.islower():
        return []  # no _capital letter at all
    found: list[Fact] = []
    done = capitals = 0
    for i, word in enumerate(words):
        if i >= done and (word[0].isupper() or ("-" in word and _capital(word))):
            done = _run_end(text, tokens, words, i, numbers)
            capitals += done - i or 1  # no fewer than the capitalised words seen
            if fact := _name_from(text, sentence, tokens, words, i, done):
                found.append(fact)
    return [] if capitals >= 4 and _headline(words) else found  # a _headline has 4 or more


def _headline(words: list[str]) -> bool:
    """A _headline in Title Case or ALL CAPS: 90 % of four or more long words capitalised."""
    long_words = [w for w in words if len(w) >= 4 and w.isalpha()]
    return len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) >= 0.9 * len(long_words)


def _capital(word: str) -> bool:
    """Starts a name: a _capital, or an Arabic article before one ("al-Assad")."""
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


def _name_from(
    text: str, sentence: str, tokens: list[Token], words: list[str], i: int, j: int
) -> Fact | None:
    """The name of tokens[i:j], without a common opening word, with a leading ordinal
    and a trailing number; None when nothing (or a single letter) is left."""
    first = words[i]
    if first.lower() in COMMON and text[: tokens[i].start()].rstrip()[-1:] in _OPENERS:
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
    return make_fact("name", sentence[start:end], key, None, None, start, end)
