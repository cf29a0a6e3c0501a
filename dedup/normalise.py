"""Normalise and tokenise text for shingling.

NFKC folds compatibility forms (the seeds contain non-breaking spaces and curly
quotes), case-folding removes case; tokens are runs of letters and digits, and each
character of a script written without spaces (Han, kana, Thai, ...) is a token of its
own, so that word n-grams become character n-grams there.
"""

from __future__ import annotations

import re
import unicodedata

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


def normalise(text: str) -> str:
    """NFKC and case-fold; idempotent (applying it twice changes nothing)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def tokenise(normalised: str) -> list[str]:
    """Word tokens of normalised text; punctuation and whitespace are dropped."""
    return TOKEN_RE.findall(normalised)
