"""Bytes to text: UTF-8 (with or without BOM), UTF-16 by BOM or NUL pattern, legacy
code pages through charset-normalizer, and binary detection."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.ingest.decode import UndecodableError, decode_bytes

FRENCH = (
    "Le café du marché était fermé ce matin. Les élèves ont préféré rester à la "
    "bibliothèque près de la gare, où l'on sert un thé très doux et des crêpes.\n"
)
GERMAN = "Die Straße war übermäßig schön, und die Bürger aßen Brötchen im Grünen.\n"
ASCII = "The council met on Tuesday.\nIt voted for the flood barrier.\n"

# Text without control characters (the only thing decode_bytes may reject or change
# in valid UTF-8 is a carriage return, normalised to a newline).
plain_text = st.text(
    st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t "), max_size=200
)


def test_utf8_is_decoded_as_is() -> None:
    assert decode_bytes(FRENCH.encode("utf-8")) == FRENCH


def test_utf8_bom_is_honoured_and_dropped() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + FRENCH.encode("utf-8")) == FRENCH


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(encoding: str) -> None:
    data = FRENCH.encode(encoding)
    if encoding != "utf-16":  # the plain codec writes its own BOM
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        data = bom + data
    assert decode_bytes(data) == FRENCH


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_by_its_nul_bytes(encoding: str) -> None:
    text = ASCII + "Prices rose in the café.\n"
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_legacy_single_byte_encodings(encoding: str) -> None:
    assert decode_bytes(FRENCH.encode(encoding)) == FRENCH
    assert decode_bytes(GERMAN.encode(encoding)) == GERMAN


def test_cp1252_typographic_quotes_and_dashes() -> None:
    text = "He said \u201chello\u201d \u2013 and left\u2026 the caf\u00e9 was closed.\n" * 3
    assert decode_bytes(text.encode("cp1252")) == text


def test_windows_and_old_mac_newlines_become_lf() -> None:
    assert decode_bytes(b"one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_empty_input_is_empty_text() -> None:
    assert decode_bytes(b"") == ""


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06",
        b"\x00" * 64,
        bytes(range(256)) * 4,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(200)),
    ],
    ids=["png", "all-nul", "all-bytes", "zip"],
)
def test_binary_with_nul_bytes_is_rejected(data: bytes) -> None:
    with pytest.raises(UndecodableError, match="binary"):
        decode_bytes(data)


def test_mostly_control_characters_are_binary() -> None:
    with pytest.raises(UndecodableError, match="control"):
        decode_bytes(b"\x01\x02\x03abc\x04\x05\x06\x07\x1b\x1c")


def test_broken_utf8_after_a_utf8_bom_is_rejected() -> None:
    with pytest.raises(UndecodableError):
        decode_bytes(codecs.BOM_UTF8 + b"caf\xc3")


def test_utf16_bom_with_odd_length_is_rejected() -> None:
    with pytest.raises(UndecodableError):
        decode_bytes(codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"x")


@given(plain_text)
def test_any_utf8_text_round_trips(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == text


@given(plain_text)
def test_any_utf16_text_with_bom_round_trips(text: str) -> None:
    assert decode_bytes(text.encode("utf-16")) == text
