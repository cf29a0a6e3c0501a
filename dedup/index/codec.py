"""How both backends pack stored values: arrays as little-endian bytes, text as
zlib'd UTF-8, uint64 keys as the int64 of the same bits."""

from __future__ import annotations

import zlib

import numpy as np

TEXT_LEVEL = 6


def pack_array(values: np.ndarray, code: str) -> bytes:
    """A 1-D array as raw bytes of numpy type ``code`` (``'<u4'``, ``'<u8'``, ``'<f4'``).

    Refuses arrays that would lose values in the conversion rather than store garbage.
    """
    target = np.dtype(code)
    if values.ndim != 1 or (values.size and not np.can_cast(values.dtype, target, "safe")):
        raise ValueError(
            f"expected a 1-D array storable as {code}, got {values.dtype}{values.shape}"
        )
    return values.astype(target, copy=False).tobytes()


def unpack_array(data: bytes, code: str, native: type[np.generic]) -> np.ndarray:
    """Raw little-endian bytes back to a writable native array."""
    return np.frombuffer(data, dtype=code).astype(native)


def pack_text(text: str) -> bytes:
    """Text as zlib-compressed UTF-8."""
    return zlib.compress(text.encode("utf-8"), TEXT_LEVEL)


def unpack_text(data: bytes) -> str:
    """zlib-compressed UTF-8 back to text."""
    return zlib.decompress(data).decode("utf-8")


def to_signed(value: int) -> int:
    """A uint64 as the int64 with the same bits (SQLite integers are signed)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    """An int64 back to the uint64 with the same bits."""
    return value + (1 << 64) if value < 0 else value
