"""Document dates and the limits they put on rewrites.

A rewrite of a story comes out close to it in time. Articles days apart report
different developments. So do two articles from one outlet published half a day apart:
an outlet updates its own story within hours, and its next article on the topic
reports the next development.
"""

from __future__ import annotations

import re
from datetime import datetime

from dedup.config import ScanConfig

_DATE_FORMATS = ("%d-%b-%Y %H:%M:%S.%f", "%d-%b-%Y %H:%M:%S", "%d %B %Y", "%B %d, %Y")
_DAY_FORMATS = ("%d-%b-%Y", "%Y-%m-%d")
"""Formats of the first word alone, when the whole field cannot be read (a garbled
time, '31-MAR-1987 605:12:19.12', or a trailing comment): the day is still known."""
_DAY = 86400.0


def parse_date(text: str | None) -> datetime | None:
    """A document date as a naive UTC-less datetime, or None when it cannot be read."""
    if not text:
        return None
    cleaned = re.sub(r"\s+", " ", text.strip().split("&")[0]).rstrip("Z")
    try:
        return datetime.fromisoformat(cleaned).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    for fmt in _DAY_FORMATS:
        try:
            return datetime.strptime(cleaned.split(" ", 1)[0], fmt)
        except ValueError:
            continue
    return None


def days_between(a: datetime | None, b: datetime | None) -> float | None:
    """Days between two dates, None when either is unknown."""
    if a is None or b is None:
        return None
    return abs((a - b).total_seconds()) / _DAY


def same_outlet(a: str | None, b: str | None) -> bool:
    """Both sources known and the same outlet ('Reuters', ' reuters')."""
    return bool(a and b and a.strip().casefold() == b.strip().casefold())


def too_far_apart(days: float | None, one_outlet: bool, config: ScanConfig) -> bool:
    """Whether two articles ``days`` apart (None: undated) can no longer be one story:
    more than ``rewrite_max_days`` apart, or from ``one_outlet`` and more than
    ``rewrite_same_source_max_days`` apart (None: no limit)."""
    if days is None:
        return False
    limit, outlet_limit = config.rewrite_max_days, config.rewrite_same_source_max_days
    if limit is not None and days > limit:
        return True
    return one_outlet and outlet_limit is not None and days > outlet_limit
