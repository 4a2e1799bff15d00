"""One rule for a wave's days in its area's own time zone.

A coordinator schedules a wave to close "at the end of" a day: its last day. It is
stored end-exclusive, as the UTC moment the next local day begins (or the moment it
was closed early), so ``opens_at <= now < closes_at`` decides whether it is open.
Every page, poster and report shows the *last day* (``last_day``), never the stored
moment itself, so "closes at the end of 31 January 2027" is never shown as
"1 February". Europe/London is GMT in winter and BST in summer: midnight there is
00:00 UTC in winter and 23:00 UTC the day before in summer.

Pure: no Flask and no database.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The zone used when an area's own zone is unknown.
DEFAULT_ZONE = "Europe/London"


#: An area's zone by name, or already looked up.
Zone = str | ZoneInfo | None


def zone(timezone: Zone) -> ZoneInfo:
    """The area's zone, or Europe/London when it is missing or unknown."""
    if isinstance(timezone, ZoneInfo):
        return timezone
    try:
        return ZoneInfo(timezone or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` with UTC attached when it has no zone (SQLite returns naive times)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def local_to_utc(day: dt.date, time: dt.time, timezone: str) -> dt.datetime:
    """The UTC moment of ``day`` at ``time`` on the clocks of ``timezone``."""
    local = dt.datetime.combine(day, time, tzinfo=zone(timezone))
    return local.astimezone(dt.UTC)


def end_of_day_utc(day: dt.date, timezone: str) -> dt.datetime:
    """The UTC moment the local day after ``day`` begins: a wave whose last day is
    ``day`` closes then."""
    return local_to_utc(day + dt.timedelta(days=1), dt.time(0, 0), timezone)


def local_day(moment: dt.datetime, timezone: Zone) -> dt.date:
    """The date on the area's calendar at ``moment``."""
    return aware(moment).astimezone(zone(timezone)).date()


def last_day(closes_at: dt.datetime, timezone: Zone) -> dt.date:
    """The last day people could answer a wave that closes (end-exclusive) at
    ``closes_at``: the day of the moment just before it, on the area's calendar."""
    return local_day(aware(closes_at) - dt.timedelta(microseconds=1), timezone)
