"""Reading a document's date: the formats feeds carry, converted to UTC.

Tried in order, the first that reads the whole value wins:

- epoch time: a bare 10-digit number is seconds, a 13-digit one milliseconds;
- ISO 8601 (``2024-03-01``, ``2024-03-01T23:30:00-08:00``, ``...Z``), by the stdlib's
  ``datetime.fromisoformat``;
- exact forms, by ``strptime`` (fast: a feed has thousands): Reuters-21578's
  ``26-FEB-1987 15:01:01.79`` and RSS's usual ``Tue, 05 Mar 2024 10:00:00 GMT`` or
  ``... -0800``;
- anything else, RSS's RFC 2822 (``Tue, 05 Mar 2024 10:00:00 GMT``) included, by
  python-dateutil's parser, which reads the free forms feeds use (``March 5, 2024
  10:00 PM``, ``03/01/2024``). The stdlib's RFC 2822 reader is not used: it reads
  ``10:00 PM -0500`` as 10:00 UTC and a zone it does not know as UTC, without a word.

A value must give a year, a month and a day; dateutil would fill what is missing from
today. Numeric dates are month first, as US feeds write them (``03/01/2024`` is March 1),
and never the other way: ``13/01/2024`` is not read. A zone is a numeric offset, UTC, GMT,
Z or one of RFC 2822's North American names (EST, PDT...); any other name (CET, IST) is
ambiguous or unknown, and the value is not read rather than misread by hours. A value
without a zone is taken as UTC. When the whole value cannot be read, a first word that is
a day in ISO or Reuters form still gives that day ('31-MAR-1987 605:12:19.12', a garbled
time, is March 31).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from dateutil import parser as dateutil_parser

from dedup.ingest.document import Document, Item, Notice

_MAX_CHARS = 200
"""Longer values are no date, and are not read: dateutil's time grows with the length
(a second for 20,000 characters), and a feed's field can be megabytes."""
_EPOCH = re.compile(r"(\d{10}|\d{13})(\.\d+)?")
_EXACT_FORMATS = (
    "%d-%b-%Y %H:%M:%S.%f",  # Reuters-21578
    "%d-%b-%Y %H:%M:%S",
    "%a, %d %b %Y %H:%M:%S GMT",  # RFC 2822 as RSS writes it
    "%a, %d %b %Y %H:%M:%S %z",
)
_DAY_FORMATS = ("%d-%b-%Y", "%Y-%m-%d")
"""Formats of the first word alone, when the whole field cannot be read (a garbled
time, '31-MAR-1987 605:12:19.12', or a trailing comment): the day is still known."""
_NUMERIC_DAY = re.compile(r"(\d{1,2})[/.-]\d{1,2}[/.-]\d{2,4}\b")
"""``03/01/2024``, ``3-1-24``, ``03.01.2024``: the first number is the month."""
_ZONES = {"UT": 0, "GMT": 0, "UTC": 0, "Z": 0}
_ZONES |= {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8}
_ZONES |= {"PDT": -7}
"""The zone names RFC 2822 (section 4.3) gives offsets, in hours."""
_PARSER = dateutil_parser.parser()
_DEFAULTS = (datetime(1, 1, 1), datetime(2, 2, 2))
"""Two fillers for what a value leaves out: a field it gives reads the same under both."""
_EXAMPLE_CHARS = 60


class _UnknownZone(ValueError):
    """A zone name that has no single offset: the value is not read at all."""


@lru_cache(maxsize=1 << 16)
def parse_date(text: str | None) -> datetime | None:
    """A document date as a naive datetime in UTC (a value without a zone is taken as
    UTC), or None when it cannot be read."""
    if not text or len(text) > _MAX_CHARS:
        return None
    cleaned = re.sub(r"\s+", " ", text.split("&")[0]).strip()
    try:
        found = _whole(cleaned)
    except _UnknownZone:
        return None
    if found is None:
        found = _first_day(cleaned)
    return _utc(found) if found is not None else None


def _whole(text: str) -> datetime | None:
    """The value read whole by the first format that reads it, or None."""
    if epoch := _EPOCH.fullmatch(text):
        seconds = float(text) / (1000 if len(epoch.group(1)) == 13 else 1)
        return datetime.fromtimestamp(seconds, UTC)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _EXACT_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return _free_form(text)


def _free_form(text: str) -> datetime | None:
    """What dateutil reads, when the value gives a year, a month and a day (a second
    parse with other fillers shows any it left out), month first when numeric."""
    try:
        found = _PARSER.parse(text, default=_DEFAULTS[0], tzinfos=_zone)
        if found.year == 1 or (
            (found.month == 1 or found.day == 1)
            and _PARSER.parse(text, default=_DEFAULTS[1], tzinfos=_zone).date() != found.date()
        ):
            return None
    except _UnknownZone:
        raise
    except (ValueError, OverflowError):
        return None
    numeric = _NUMERIC_DAY.match(text)
    if numeric is not None and int(numeric.group(1)) != found.month:
        return None  # dateutil swapped day and month (13/01/2024): not read
    return found


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """dateutil's zone for a name and the offset it read (seconds east of UTC)."""
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if name is None:
        return None
    hours = _ZONES.get(name.upper())
    if hours is None:
        raise _UnknownZone(name)
    return timezone(timedelta(hours=hours))


def _first_day(text: str) -> datetime | None:
    """The day of a first word in ISO or Reuters form, the rest unreadable."""
    word = text.split(" ", 1)[0]
    for fmt in _DAY_FORMATS:
        try:
            return datetime.strptime(word, fmt)
        except ValueError:
            continue
    return None


def _utc(found: datetime) -> datetime | None:
    """``found`` in UTC without a zone (a naive value is UTC already); None when the
    conversion leaves the calendar (year 1 minus an offset)."""
    if found.tzinfo is None:
        return found
    try:
        return found.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        return None


def noting_unreadable(items: Iterable[Item], location: str) -> Iterator[Item]:
    """One input's items passed through, then one Notice if some of its articles have
    a date that cannot be read: how many, and the first such value and where it is.
    Those articles are still read, undated."""
    count, first = 0, None
    for item in items:
        if isinstance(item, Document) and _unreadable(item.date):
            count += 1
            first = first or item
        yield item
    if first is not None and first.date is not None:
        value = first.date
        if len(value) > _EXAMPLE_CHARS:
            value = value[: _EXAMPLE_CHARS - 3] + "..."
        dates = "1 date" if count == 1 else f"{count} dates"
        reason = f"{dates} could not be read, e.g. {value!r} at {first.location}; read undated"
        yield Notice(location, reason)


def _unreadable(date: str | None) -> bool:
    """A date is given (not blank) and cannot be read."""
    return bool(date and date.strip()) and parse_date(date) is None
