"""Invisible characters: removed from an article's text as it is read, so that none
hides a copy by splitting its words (a zero-width space between every letter).

They are Unicode's format characters (category Cf: zero-width space, soft hyphen, word
joiner, bidi controls, a byte-order mark inside the text, tag characters) and the
other default-ignorable code points (variation selectors, the combining grapheme
joiner, Hangul fillers). A zero-width joiner or non-joiner, a variation selector or an
emoji tag stays where it means something: right after a letter or mark of a script
that uses them (Indic and Arabic script) or an emoji. After a Latin, Greek or Cyrillic
letter, a digit, a space or punctuation it only hides a copy, and goes. Tokens
(``text.normalise``) drop them all, joiners included.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_JOINERS = "\u200c\u200d\u180b-\u180d\u180f\ufe00-\ufe0f"
_ASTRAL_JOINERS = "\U000e0020-\U000e007f\U000e0100-\U000e01ef"
"""Joiners, variation selectors and emoji tags: kept after a character that joins."""
_DROPPED = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff"
    "\uffa0\ufff0-\ufffb"
)
_ASTRAL_DROPPED = (
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e001f\U000e0080-\U000e00ff\U000e01f0-\U000e0fff"
)
"""The other invisible characters: always removed."""
INVISIBLE_CLASS = _DROPPED + _ASTRAL_DROPPED + _JOINERS + _ASTRAL_JOINERS
"""Format characters (Unicode category Cf, as of Unicode 15.1) and the other
default-ignorable code points (DerivedCoreProperties.txt), as a regex class."""
_INVISIBLE_RUN = re.compile(f"[{INVISIBLE_CLASS}]+")
_MAYBE_INVISIBLE = re.compile(f"[{_DROPPED}{_JOINERS}\U00010000-\U0010ffff]")
"""An invisible character or any astral one: scanning for it costs a quarter of a scan
for the exact class (whose astral ranges the regex engine tests one by one per
character), and most text has no astral character (emoji) at all."""
_DROPPED_RUN = re.compile(f"[{_DROPPED}{_ASTRAL_DROPPED}]+")
_STRAY_JOINERS = re.compile(f"(?:^|(?<=[\\x00-\u052f\u1e00-\u1fff]))[{_JOINERS}{_ASTRAL_JOINERS}]+")
"""Joiners at the start or after a Latin, Greek or Cyrillic character (or a space,
digit or punctuation of Latin-1): removed in one pass, with no call per run."""
_JOINER_RUN = re.compile(f"[{_JOINERS}{_ASTRAL_JOINERS}]+")
_EMOJI = ("So", "Sk")
"""Symbol categories of emoji and their modifiers (not currency or maths signs)."""
_ALPHABETS = ("LATIN", "GREEK", "CYRILLIC", "COMBINING")
"""Scripts whose letters no joiner or variation selector ever follows meaningfully."""


def strip_invisible(text: str, *, joiners: bool = True) -> str:
    """The text without invisible characters; with ``joiners``, but for joiners and
    variation selectors where they join."""
    if text.isascii() or _MAYBE_INVISIBLE.search(text) is None:  # nearly every article
        return text
    if not joiners:
        return _INVISIBLE_RUN.sub("", text)
    text = _STRAY_JOINERS.sub("", _DROPPED_RUN.sub("", text))
    return _JOINER_RUN.sub(_kept, text)


def _kept(run: re.Match[str]) -> str:
    """A run of joiners, kept after a character that joins."""
    start = run.start()
    return run.group() if start > 0 and _joins(run.string[start - 1]) else ""


@lru_cache(maxsize=4096)
def _joins(char: str) -> bool:
    """A letter or mark that a joiner or variation selector may follow, of a script
    that uses them (not Latin, Greek or Cyrillic), or an emoji."""
    category = unicodedata.category(char)
    if category[0] not in "LM" and category not in _EMOJI:
        return False
    base = unicodedata.normalize("NFKD", char)[:1]
    return not base.isascii() and not unicodedata.name(base, "").startswith(_ALPHABETS)
