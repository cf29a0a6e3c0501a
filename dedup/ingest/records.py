"""Parse one input's text into Documents: plain text, HTML, JSON, JSONL, stdin, and
the SGML of Reuters-21578 (the standard news-duplicate test corpus)."""

from __future__ import annotations

import codecs
import html as html_entities
import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from dedup.ingest import decode, invisible, markup
from dedup.ingest.document import Document, Skipped
from dedup.ingest.headline import headline

_OPTIONAL_FIELDS = ("title", "date", "source", "url")
_WHITESPACE = " \t\n\r"
_NUMBER_TAIL = re.compile(r"[0-9.eE+-]*\Z")
_CHUNK = 1 << 20
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SGML_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL)
_SGML_NEWID = re.compile(r'\bNEWID="(\d+)"')
_SGML_FIELDS = {
    name: re.compile(rf"<{name.upper()}>(.*?)</{name.upper()}>", re.DOTALL)
    for name in ("title", "date", "body")
}


def clean_text(text: str) -> str:
    """The text as dedup reads it: its markup decoded (``markup``: evident HTML to its
    text, character references) and its invisible characters removed (``invisible``)."""
    return invisible.strip_invisible(markup.decode_markup(text))


def from_plain_text(text: str, location: str, doc_id: str) -> Document | Skipped:
    """A .txt or .md file is one article (its markup decoded, see ``clean_text``), titled
    by its first line when that reads as a headline (``dedup.ingest.headline``)."""
    text = clean_text(text)
    if not text.strip():
        return Skipped(location, "empty (no text)")
    return Document(id=doc_id, text=text, title=headline(text), location=location)


def from_reuters_sgml(text: str, location: str, doc_id: str) -> Iterator[Document | Skipped]:
    """Each ``<REUTERS NEWID="n">`` story of a Reuters-21578 ``.sgm`` file, id
    ``<file id>#n``: the body cleaned (``clean_text``: entities decoded, ``&#127;``, a lost
    character, a space) and its " Reuter" sign-off kept; title and date from their
    tags. Title-only stories (no ``<BODY>``) are skipped with that reason."""
    stories = list(_SGML_STORY.finditer(text))
    if not stories:
        yield Skipped(location, "no <REUTERS> stories in this .sgm file")
    for story in stories:
        attributes, inner = story.groups()
        newid = _SGML_NEWID.search(attributes)
        where = f"{location}#{newid.group(1) if newid else 'offset ' + str(story.start())}"
        fields = {name: rx.search(inner) for name, rx in _SGML_FIELDS.items()}
        body = fields["body"]
        if newid is None or body is None:
            yield Skipped(where, "no NEWID" if newid is None else "no <BODY> (title-only story)")
            continue
        text = clean_text(body.group(1).replace("&#127;", " "))
        if not text.strip():
            yield Skipped(where, "empty (no text in <BODY>)")
            continue
        title, date = (_group(fields[name]) for name in ("title", "date"))
        yield Document(
            id=f"{doc_id}#{newid.group(1)}",
            text=text,
            title=html_entities.unescape(title) if title else None,
            date=date,
            source="Reuters",
            location=where,
        )


def _group(found: re.Match[str] | None) -> str | None:
    return found.group(1).strip() if found is not None else None


def from_html(html: str, location: str, doc_id: str) -> Document | Skipped:
    """Extract the article with trafilatura, which is built for news pages: it drops
    navigation, scripts, styles and comments and reads the title and date."""
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it

    try:
        found = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
        )
    except (ValueError, RecursionError, MemoryError) as err:
        return Skipped(location, f"HTML could not be parsed: {err}")
    text = getattr(found, "text", None) if found is not None else None
    text = invisible.strip_invisible(str(text)) if text else None
    if not text or not text.strip():
        return Skipped(location, "no article text found in HTML")
    title = getattr(found, "title", None)
    date = getattr(found, "date", None)
    return Document(
        id=doc_id,
        text=text,
        title=invisible.strip_invisible(str(title)) if title else None,
        date=str(date) if date else None,
        location=location,
    )


def from_record(obj: Any, location: str, fallback_id: str) -> Document | Skipped:
    """One JSON article object: ``text`` required; ``id``, ``title``, ``date``,
    ``source``, ``url`` optional. Ids may be strings or integers (kept as text). The
    text and title have their markup decoded (see ``clean_text``)."""
    if not isinstance(obj, dict):
        return Skipped(location, f"not a JSON object (got {type(obj).__name__})")
    text = obj.get("text")
    if not isinstance(text, str):
        return Skipped(location, "record has no string field 'text'")
    text = clean_text(_valid_unicode(text))
    if not text.strip():
        return Skipped(location, "empty (no text)")
    raw_id = obj.get("id")
    if raw_id is None:
        doc_id = fallback_id
    elif isinstance(raw_id, str) and raw_id:
        doc_id = _valid_unicode(raw_id)
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        return Skipped(location, "field 'id' must be a non-empty string or an integer")
    extra: dict[str, str | None] = {}
    for name in _OPTIONAL_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str | int | float):
            return Skipped(location, f"field {name!r} must be a string")
        extra[name] = None if value is None else _valid_unicode(str(value))
    if extra["title"]:
        extra["title"] = clean_text(extra["title"])
    return Document(id=doc_id, text=text, location=location, **extra)


def _valid_unicode(value: str) -> str:
    """JSON can spell lone surrogates (``"\\udce9"``), which no UTF-8 output or hash
    accepts: they become U+FFFD, as undecodable bytes do elsewhere."""
    return _LONE_SURROGATE.sub("\ufffd", value)


def from_json_text(text: str, location: str, doc_id: str) -> Iterator[Document | Skipped]:
    """A .json file read whole: one article object, or a list of them (ids default to
    ``<path>#L<line>``, the line where the record starts; ``<path>#L<line>.<k>`` for
    the k-th record starting on a line that another record started on first)."""
    return from_json_chunks(iter([text]), location, doc_id, max_doc_bytes=len(text) + 1)


def from_json_chunks(
    chunks: Iterator[str], location: str, doc_id: str, *, max_doc_bytes: int
) -> Iterator[Document | Skipped]:
    """A .json file as a stream of text chunks, as ``from_json_text`` reads it, holding
    one record at a time: a record (or a single object) of more than ``max_doc_bytes``
    characters is skipped with the rest of the file, after the records before it."""
    window = _Window(chunks, max_doc_bytes)
    found = False
    previous_line, on_line = -1, 1
    try:
        for line, obj in _json_values(window):
            found = True
            on_line = on_line + 1 if line == previous_line else 1
            previous_line = line
            suffix = f"#L{line}" if on_line == 1 else f"#L{line}.{on_line}"
            fallback = doc_id if line == 0 else f"{doc_id}{suffix}"
            yield from_record(obj, f"{location}{suffix}" if line else location, fallback)
        if not found:
            empty = "empty (no records)" if window.text.strip() else "empty (no text)"
            yield Skipped(location, empty)
    except json.JSONDecodeError as err:
        line, column = window.absolute(err)
        yield Skipped(location, f"malformed JSON at line {line} column {column}: {err.msg}")
    except RecursionError:
        yield Skipped(location, "JSON nested too deeply")
    except _TooLarge:
        reason = f"larger than --max-doc-bytes (> {max_doc_bytes})"
        if window.record_line:  # an element of a list: the records before it count
            location += f"#L{window.record_line}"
            reason = f"record {reason}; the rest of the file is not read"
        yield Skipped(location, reason)
    except decode.UndecodableError as err:
        yield Skipped(
            location, f"{err} after line {window.first_line + window.text.count(chr(10))}"
        )


class _TooLarge(Exception):
    """A JSON value longer than the size cap."""


class _Window:
    """What parsing still needs of a stream of text chunks: ``text`` starts at line
    ``first_line``, column ``first_column``; positions handed out only move forward."""

    def __init__(self, chunks: Iterator[str], limit: int) -> None:
        self._chunks, self.limit = chunks, limit
        self.text, self.done, self.record_line = "", False, 0
        self.first_line = self.first_column = 1
        self._line, self._line_pos = 1, 0

    def more(self, wanted: int = 1) -> bool:
        """Read at least ``wanted`` more characters (or the rest); False at the end."""
        parts, got = [self.text], 0
        while got < wanted and not self.done:
            chunk = next(self._chunks, None)
            if chunk is None:
                self.done = True
            else:
                parts.append(chunk)
                got += len(chunk)
        self.text = "".join(parts)
        return got > 0

    def skip_ws(self, pos: int) -> int:
        """The first position at or after ``pos`` that is not JSON whitespace (earlier
        positions may be forgotten meanwhile), looked for in windows that double."""
        step = 64
        while True:
            end = min(pos + step, len(self.text))
            piece = self.text[pos:end]
            if sum(map(piece.count, _WHITESPACE)) < len(piece):  # not all whitespace
                return end - len(piece.lstrip(_WHITESPACE))
            pos, step = end, step * 2
            if pos == len(self.text):
                pos = self.forget(pos)
                if not self.more():
                    return pos

    def value(self, decoder: json.JSONDecoder, pos: int) -> tuple[Any, int]:
        """The JSON value at ``pos`` and its end, reading on while it may be cut off."""
        while True:
            try:
                obj, end = decoder.raw_decode(self.text, pos)
                if self.done or not _NUMBER_TAIL.match(self.text, end):
                    return obj, end  # (a number at the end may go on in the next chunk)
            except json.JSONDecodeError:
                if self.done:
                    raise
            if len(self.text) - pos > self.limit:
                raise _TooLarge
            self.more(max(_CHUNK, len(self.text) - pos))

    def line(self, pos: int) -> int:
        """The line number of ``pos`` (not before the last position asked about)."""
        self._line += self.text.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def forget(self, pos: int) -> int:
        """Drop the text before ``pos`` once there is much of it; ``pos`` in the new text."""
        if pos < _CHUNK:
            return pos
        newline = self.text.rfind("\n", 0, pos)
        self.first_column = pos - newline if newline >= 0 else self.first_column + pos
        self.first_line = self.line(pos)
        self.text, self._line_pos = self.text[pos:], 0
        return 0

    def absolute(self, err: json.JSONDecodeError) -> tuple[int, int]:
        """Line and column in the whole input of a decoding error in ``text``."""
        shift = self.first_column - 1 if err.lineno == 1 else 0
        return self.first_line + err.lineno - 1, err.colno + shift


def _json_values(window: _Window) -> Iterator[tuple[int, Any]]:
    """Top-level object as ``(0, obj)``, or each element of a top-level array with the
    line it starts on. Decodes element by element so line numbers are known."""
    decoder = json.JSONDecoder()
    pos = window.skip_ws(0)
    if pos == len(window.text):
        return
    if not window.text.startswith("[", pos):
        obj, end = window.value(decoder, pos)
        if (extra := window.skip_ws(end)) != len(window.text):
            raise json.JSONDecodeError("extra data after the JSON value", window.text, extra)
        yield 0, obj
        return
    pos = window.skip_ws(pos + 1)
    if window.text.startswith("]", pos):
        return
    while True:
        window.record_line = window.line(pos)
        obj, end = window.value(decoder, pos)
        yield window.record_line, obj
        pos = window.skip_ws(end)
        if window.text.startswith("]", pos):
            if (extra := window.skip_ws(pos + 1)) != len(window.text):
                raise json.JSONDecodeError("extra data after the JSON array", window.text, extra)
            return
        if not window.text.startswith(",", pos):
            raise json.JSONDecodeError("expected ',' or ']'", window.text, pos)
        pos = window.forget(window.skip_ws(pos + 1))


def from_jsonl(
    handle: BinaryIO, location: str, doc_id: str, *, max_doc_bytes: int
) -> Iterator[Document | Skipped]:
    """A .jsonl stream: one article object per line, read line by line.
    A broken line is skipped and named; the good lines still count."""
    found = False
    for number, raw in enumerate(_lines(handle, max_doc_bytes), start=1):
        line_location = f"{location}#L{number}"
        if raw is None:
            found = True
            yield Skipped(line_location, f"line larger than --max-doc-bytes (> {max_doc_bytes})")
            continue
        if not raw.removeprefix(codecs.BOM_UTF8).strip():
            continue
        found = True
        try:
            obj = json.loads(decode.decode_bytes(raw))
        except decode.UndecodableError as err:
            yield Skipped(line_location, str(err))
            continue
        except json.JSONDecodeError as err:
            yield Skipped(line_location, f"malformed JSON at column {err.colno}: {err.msg}")
            continue
        except RecursionError:
            yield Skipped(line_location, "JSON nested too deeply")
            continue
        yield from_record(obj, line_location, f"{doc_id}#L{number}")
    if not found:
        yield Skipped(location, "empty (no records)")


def _lines(handle: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """Each line of a stream, or None for one longer than ``limit`` bytes: the rest
    of such a line is read past, never held."""
    while raw := handle.readline(limit + 1):
        if len(raw) <= limit:
            yield raw
            continue
        while not raw.endswith(b"\n") and (raw := handle.readline(_CHUNK)):
            pass
        yield None


def from_stdin(stream: BinaryIO, *, max_doc_bytes: int) -> Iterator[Document | Skipped]:
    """Standard input: JSONL when it starts with ``{`` (ids ``stdin#L<line>``),
    otherwise one plain-text article with id ``stdin``."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(_raw(stream))
    if buffered.peek(256).removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"{":
        yield from from_jsonl(buffered, "stdin", "stdin", max_doc_bytes=max_doc_bytes)
        return
    data = buffered.read(max_doc_bytes + 1)
    if len(data) > max_doc_bytes:
        yield Skipped("stdin", f"larger than --max-doc-bytes (> {max_doc_bytes})")
        return
    try:
        yield from_plain_text(decode.decode_bytes(data), "stdin", "stdin")
    except decode.UndecodableError as err:
        yield Skipped("stdin", str(err))


def _raw(stream: BinaryIO) -> io.RawIOBase:
    """Adapt any binary stream (a BytesIO in tests) so it can be buffered and peeked."""

    class _Raw(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            data = stream.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)

    return _Raw()
