"""Normalise and tokenise text for shingling.

NFKC folds compatibility forms (the seeds contain non-breaking spaces and curly
quotes), case-folding removes case; tokens are runs of letters and digits, and each
character of a script written without spaces (Han, kana, Thai, ...) is a token of its
own, so that word n-grams become character n-grams there. Invisible characters
(``ingest.invisible``: zero-width and other format characters, joiners, variation
selectors) are never part of a token and never split one.

The regex defines the tokens; bytes operations reach the same tokens faster. No
ASCII character but a letter or digit is ever part of a token, so the UTF-8 text is
cut at every other ASCII byte with one ``translate`` (those bytes become spaces) and
one ``split``: pieces that are pure ASCII are tokens as they stand, and only the few
pieces holding other characters (accents, "£5m", curly apostrophes) go through the
regex. ASCII text, most news copy, needs no NFKC and is lower-cased by the same
``translate``. Invisible characters are not ASCII either: they are looked for in those
few pieces only, not in the whole text.
"""

from __future__ import annotations

import operator
import re
import string
import unicodedata
from functools import partial
from itertools import compress, count

from dedup.ingest.invisible import strip_invisible

_NO_SPACE_SCRIPTS = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
)
TOKEN_RE = re.compile(rf"[{_NO_SPACE_SCRIPTS}]|[^\W_{_NO_SPACE_SCRIPTS}]+")


def _ascii_table(fold_case: bool) -> bytes:
    """A ``bytes.translate`` table: ASCII letters and digits kept (upper case lowered
    when ``fold_case``), every other ASCII byte a space, bytes above 127 kept."""
    table = bytearray(b" " * 128)
    for char in string.ascii_letters + string.digits:
        table[ord(char)] = ord(char.lower() if fold_case else char)
    return bytes(table) + bytes(range(128, 256))


_KEEP_ALNUM = _ascii_table(fold_case=False)
_visible = partial(strip_invisible, joiners=False)
_FOLD_ALNUM = _ascii_table(fold_case=True)


def normalise(text: str) -> str:
    """NFKC and case-fold; idempotent (applying it twice changes nothing)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def tokenise(normalised: str) -> list[str]:
    """Word tokens of normalised text; punctuation, whitespace and invisible characters
    are dropped."""
    if normalised.isascii():  # case is kept, as by the regex
        return normalised.encode("ascii").translate(_KEEP_ALNUM).decode("ascii").split()
    return list(map(bytes.decode, _encoded_tokens(normalised)))


def utf8_tokens(text: str) -> list[bytes]:
    """``tokenise(normalise(text))``, each token in UTF-8 (what is hashed); ASCII
    text is lower-cased and tokenised in one pass and never decoded."""
    if text.isascii():  # NFKC leaves ASCII alone; case-folding it is lower()
        return text.encode("ascii").translate(_FOLD_ALNUM).split()
    return _encoded_tokens(normalise(text))


def _encoded_tokens(normalised: str) -> list[bytes]:
    """The UTF-8 of ``TOKEN_RE.findall(normalised)``: pieces between ASCII
    non-alphanumerics, the regex applied only to pieces with other characters."""
    try:
        encoded = normalised.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: never part of a token
        return list(map(str.encode, TOKEN_RE.findall(_visible(normalised))))
    pieces = encoded.translate(_KEEP_ALNUM).split()
    tokens: list[bytes] = []
    start = 0
    for mixed in compress(count(), map(operator.not_, map(bytes.isascii, pieces))):
        tokens += pieces[start:mixed]
        tokens += map(str.encode, TOKEN_RE.findall(_visible(pieces[mixed].decode("utf-8"))))
        start = mixed + 1
    tokens += pieces[start:]
    return tokens
