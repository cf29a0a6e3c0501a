"""Document dates and the limits they put on rewrites.

A rewrite of a story comes out close to it in time. Articles days apart report
different developments. So do two articles from one outlet published half a day apart:
an outlet updates its own story within hours, and its next article on the topic
reports the next development.

Dates are read (formats, time zones, UTC) by ``dedup.ingest.dates``, where ingest warns
about those it cannot read; ``parse_date`` is re-exported here beside the limits.
"""

from __future__ import annotations

from datetime import datetime

from dedup.config import ScanConfig
from dedup.ingest.dates import parse_date as parse_date  # read at ingest; used with the limits

_DAY = 86400.0


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
