"""Bytes to text: UTF-8 first, then a documented fallback, and binary detection.

Order: a UTF-8 or UTF-16 byte-order mark decides; otherwise strict UTF-8; otherwise
UTF-16 when the NUL bytes fall where UTF-16 puts them; otherwise charset-normalizer's
best guess (it handles legacy code pages such as cp1252, latin-1 and cp1251). Data
with NUL bytes or mostly control characters is binary and yields no text.

``stream_text`` decodes an input too large to hold, chunk by chunk: UTF-8 or UTF-16
only, since a legacy code page can only be guessed from the whole input.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")  # all below 32 but \t \n \v \f \r
_MAX_CONTROL_SHARE = 0.05
CHUNK_BYTES = 1 << 20
_SAMPLE = 4096


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
        order = _utf16_order(data)
        return None if order is None else _try(data, order)
    text = _try(data, "utf-8")
    if text is not None:
        return text
    best = from_bytes(data).best()
    return None if best is None else str(best)


def _utf16_order(data: bytes) -> str | None:
    """Text whose NULs sit on alternate bytes is UTF-16 (mostly-ASCII text): its byte
    order; None for binary data."""
    sample = data[:_SAMPLE]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
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
    return len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample)


def stream_text(handle: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> Iterator[str]:
    """The text of a binary stream, about ``chunk_bytes`` at a time, with ``\\n``
    newlines: UTF-8 (a BOM honoured) or UTF-16 (by BOM or NUL pattern). Raises
    UndecodableError, possibly after some chunks, for anything else."""
    data = handle.read(max(chunk_bytes, _SAMPLE))  # enough to recognise the encoding
    decoder = codecs.getincrementaldecoder(_stream_encoding(data))("strict")
    carried, first = "", True
    while True:
        final = not data
        try:
            text = carried + decoder.decode(data, final)
        except UnicodeDecodeError as error:
            raise UndecodableError(f"undecodable content ({error.reason})") from error
        if "\x00" in text or (first and _mostly_control(text)):
            raise UndecodableError("binary content (control characters)")
        # A final \r waits for the next chunk: \r\n cut in two is still one newline.
        carried = "\r" if text.endswith("\r") and not final else ""
        text = text[: len(text) - len(carried)]
        if text:
            yield text.replace("\r\n", "\n").replace("\r", "\n")
        if final:
            return
        data, first = handle.read(chunk_bytes), False


def _stream_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        order = _utf16_order(head)
        if order is None:
            raise UndecodableError("binary or undecodable content")
        return order
    return "utf-8"


class Utf8Reader(io.RawIOBase):
    """Text chunks (``stream_text``'s) as a readable stream of UTF-8 bytes."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk.encode("utf-8"))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
