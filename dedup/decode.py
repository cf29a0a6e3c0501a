"""Bytes to text: UTF-8 first, then a documented fallback, and binary detection.

Order: a UTF-8 or UTF-16 byte-order mark decides; otherwise strict UTF-8; otherwise
UTF-16 when the NUL bytes fall where UTF-16 puts them; otherwise charset-normalizer's
best guess (it handles legacy code pages such as cp1252, latin-1 and cp1251). Data
with NUL bytes or mostly control characters is binary and yields no text.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_CONTROL_OK = frozenset("\t\n\r\f\v")
_MAX_CONTROL_SHARE = 0.05


class UndecodableError(ValueError):
    """The bytes are binary or in no encoding we can read; the message says which."""


def decode_bytes(data: bytes) -> str:
    """Decode ``data`` to text with ``\\n`` newlines, or raise UndecodableError."""
    text = _decode(data)
    if text is None:
        raise UndecodableError("binary or undecodable content")
    if _mostly_control(text):
        raise UndecodableError("binary content (control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return _try(data[len(codecs.BOM_UTF8) :], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _try(data, "utf-16")
    if b"\x00" in data:
        return _utf16_without_bom(data)
    text = _try(data, "utf-8")
    if text is not None:
        return text
    best = from_bytes(data).best()
    return None if best is None else str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    """Text whose NULs sit on alternate bytes is UTF-16 (mostly-ASCII text); else binary."""
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return _try(data, "utf-16-le")
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return _try(data, "utf-16-be")
    return None


def _try(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _mostly_control(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in _CONTROL_OK)
    return control > _MAX_CONTROL_SHARE * len(sample)
